"""Reading and writing user files. A write is atomic (temporary file in the same folder, then
replace), keeps the permissions, and refuses when the file changed since it was read."""

from __future__ import annotations

import functools
import hashlib
import io
import os
import stat
from pathlib import Path

MAX_FILE_BYTES = 20 * 1024 * 1024


class FileError(Exception):
    """A one-line reason a file could not be read or written."""


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def decode(source: bytes) -> tuple[str, str]:
    """(text, encoding) by PEP 263 and the BOM, or FileError with a one-line reason."""
    import tokenize

    if b"\0" in source:
        raise FileError("binary file (contains NUL bytes), not Python source")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
    except SyntaxError as error:
        raise FileError(f"cannot decode: {error.msg}") from None
    try:
        return source.decode(encoding), encoding
    except UnicodeDecodeError as error:
        line = source.count(b"\n", 0, error.start) + 1
        column = error.start - (source.rfind(b"\n", 0, error.start) + 1) + 1
        raise FileError(f"cannot decode as {encoding}: {error.reason} at {line}:{column}") from None


def read_source(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FileError(f"file too large to lint ({size // (1024 * 1024)} MB > {MAX_FILE_BYTES // (1024 * 1024)} MB)")
        return path.read_bytes()
    except OSError as error:
        raise FileError(f"cannot read: {_reason(error)}") from None


def _reason(error: OSError) -> str:
    return (error.strerror or str(error)).lower()


def _uninterrupted(write):
    """A Ctrl-C that lands during the write takes effect once the write is done: one landing between
    the temporary file's creation and its cleanup would leave it behind."""

    @functools.wraps(write)
    def wrapped(*args, **kwargs):
        import signal
        import threading

        if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
            return write(*args, **kwargs)
        caught = []
        signal.signal(signal.SIGINT, lambda *_: caught.append(True))
        try:
            return write(*args, **kwargs)
        finally:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            if caught:
                raise KeyboardInterrupt

    return wrapped


@_uninterrupted
def write_atomically(path: Path, new: bytes, expected_digest: str) -> None:
    """Replace the file's content with `new`, unless it is read-only or no longer what was linted."""
    import tempfile

    target = Path(os.path.realpath(path))  # write through a symlink, do not replace it
    try:
        before = target.stat()
    except OSError as error:
        raise FileError(f"cannot write: {_reason(error)}") from None
    if not before.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise FileError("read-only file: fixes not written")
    _check_unchanged(target, expected_digest)
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tclint")
    except OSError as error:
        raise FileError(f"cannot write: {_reason(error)}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(new)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, stat.S_IMODE(before.st_mode))
        if hasattr(os, "chown"):
            try:
                os.chown(temporary, before.st_uid, before.st_gid)
            except OSError:
                pass
        _check_unchanged(target, expected_digest)
        os.replace(temporary, target)
    except BaseException as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(error, OSError):
            raise FileError(f"cannot write: {_reason(error)}") from None
        raise


@_uninterrupted
def create_new(path: Path, content: bytes) -> None:
    """Write a file that must not exist yet: atomically, and never over one that appeared meanwhile."""
    import tempfile

    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tclint")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, 0o644)
        os.link(temporary, path)  # fails if the file exists: no overwrite, ever
    finally:
        os.unlink(temporary)


def _check_unchanged(target: Path, expected_digest: str) -> None:
    try:
        current = target.read_bytes()
    except OSError as error:
        raise FileError(f"cannot write: {_reason(error)}") from None
    if digest(current) != expected_digest:
        raise FileError("changed on disk while tclint ran: fixes not written")
