"""`tclint server`: a Language Server over stdio (pygls), for editors.

It lints a Python document as it is in the editor, as if it were at its path: the configuration the
CLI would find from the file's folder, its per-file-ignores, and the fixtures of the conftest.py files
above it. Diagnostics are published on open and save, and after a pause in typing on change; linting
runs on a worker thread, so the server keeps answering, and a result for a version the editor has
already left behind is dropped. Code actions: each fix (an unsafe one says so), "fix all safe fixes",
and "suppress with `# tclint: ignore[name]`". A change to a configuration file (pyproject.toml,
tclint.toml, .tclint.toml, pytest's files) reloads the settings and lints the open documents again.
"""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from tclint import __version__
from tclint.diagnostics import SAFE, Diagnostic, FileReport, edits_between
from tclint.settings import ConfigError, Settings, find_config, load_settings, with_cli_overrides

DEBOUNCE_SECONDS = 0.3
SOURCE = "tclint"
FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.{SOURCE}"
# what the settings are read from: tclint's and pytest's configuration, and the lock files that say the
# testcontainers version
CONFIGURATION_FILES = ("pyproject.toml", "tclint.toml", ".tclint.toml", "pytest.ini", "pytest.toml", "tox.ini", "setup.cfg",
                       "uv.lock", "poetry.lock", "Pipfile.lock")  # fmt: skip
WATCHED = (*CONFIGURATION_FILES, "conftest.py")  # a conftest.py's fixtures change the diagnostics of the files below it
TRAILING_IGNORE = re.compile(r"#\s*tclint:\s*ignore\[(?P<selectors>[^\]]*)\]")


class TclintServer(LanguageServer):
    def __init__(self) -> None:
        from tclint.single import OpenCaches

        super().__init__(SOURCE, __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.settings_by_folder: dict[Path, tuple[tuple, Settings]] = {}
        self.pending: dict[str, asyncio.Task] = {}  # uri -> the debounced lint of its latest change
        self.results: dict[str, tuple[int | None, FileReport]] = {}  # uri -> (version, report)
        self.helpers: dict[str, tuple[int | None, dict[str, dict[Path, str]]]] = {}  # uri -> (version, rule -> files)
        self.shown_error: str | None = None  # the configuration error last shown
        self.lint_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tclint-server")
        self.caches = OpenCaches()  # the results cache of each project, kept across lints

    # -- settings -------------------------------------------------------------------------------------

    def settings_for(self, path: Path) -> Settings:
        """What the CLI would use if run from the file's folder. Cached while the configuration files
        from there up keep their size and time (a client that watches no files still sees edits)."""
        folder = path.parent
        stamp = _configuration_stamp(folder)
        cached = self.settings_by_folder.get(folder)
        if cached is None or cached[0] != stamp:
            cached = self.settings_by_folder[folder] = (stamp, load_settings(find_config(folder), folder))
        return cached[1]

    def configuration_changed(self) -> None:
        self.settings_by_folder.clear()
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, delay=0)

    # -- linting --------------------------------------------------------------------------------------

    def schedule(self, uri: str, delay: float) -> None:
        """Lint the document after `delay` seconds, replacing a lint of it that has not started yet."""
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.get_running_loop().create_task(self._lint_later(uri, delay))

    async def _lint_later(self, uri: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        document = self.workspace.get_text_document(uri)
        version, source = document.version, document.source
        try:
            report = await self.lint(Path(to_fs_path(uri)), source)
        except ConfigError as error:
            if str(error) != self.shown_error:  # once, not on every keystroke
                self.shown_error = str(error)
                self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"tclint: {error}"))
            return
        self.shown_error = None
        if uri not in self.workspace.text_documents or self.workspace.get_text_document(uri).version != version:
            return  # the editor has moved on: the lint of its new version will publish
        self.results[uri] = (version, report)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=[self.to_lsp(document, d) for d in report.diagnostics])
        )  # fmt: skip

    async def lint(self, path: Path, source: str, fix: bool = False, unsafe: bool = False, rule: str | None = None) -> FileReport:
        """On the one lint thread (the engine keeps per-run state in the process), never on the event loop.
        With `rule`: that rule alone."""

        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.lint_thread, self.lint_now, path, source, fix, unsafe, rule)

    def lint_now(self, path: Path, source: str, fix: bool = False, unsafe: bool = False, rule: str | None = None) -> FileReport:
        """The document as if at `path`: its configuration, per-file-ignores, and the facts of its project a
        run would use (the conftest.py files above it, the project modules it imports), read through the
        cache this server keeps. With `fix`: the fixes applied (unsafe ones too with `unsafe`) and the
        files they need; otherwise each fix as text edits."""
        from tclint.single import lint_source

        settings = self.settings_for(path)
        settings = with_cli_overrides(settings, select=(rule,)) if rule else settings
        return lint_source(source.encode(), path, settings, fix=fix, unsafe=unsafe, edits=not fix, caches=self.caches)[0]

    def to_lsp(self, document: TextDocument, d: Diagnostic) -> types.Diagnostic:
        return types.Diagnostic(
            range=self.client_range(document, d.line, d.column, d.end_line, d.end_column),
            message=d.message,
            severity=types.DiagnosticSeverity.Warning,
            code=d.code,
            code_description=None,
            source=SOURCE,
            data={"name": d.name},
        )

    @staticmethod
    def client_range(document: TextDocument, line: int, column: int, end_line: int, end_column: int) -> types.Range:
        """1-based lines and columns in characters -> the client's 0-based positions in its units."""
        server_range = types.Range(start=types.Position(line=line - 1, character=column - 1), end=types.Position(line=end_line - 1, character=end_column - 1))
        return document.position_codec.range_to_client_units(document.lines, server_range)

    # -- code actions ---------------------------------------------------------------------------------

    async def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        document = self.workspace.get_text_document(uri)
        stored = self.results.get(uri)
        if stored is None or stored[0] != document.version:
            return []  # diagnostics of another version: their positions may no longer hold
        report = stored[1]
        wanted = [getattr(kind, "value", kind) for kind in params.context.only] if params.context.only else None
        actions: list[types.CodeAction] = []
        if not wanted or any(kind.startswith(types.CodeActionKind.QuickFix.value) for kind in wanted):
            for d in report.diagnostics:
                where = self.client_range(document, d.line, d.column, d.end_line, d.end_column)
                if _overlaps(where, params.range):
                    actions += await self.diagnostic_actions(document, d)
        if any(d.fixable(unsafe=False) for d in report.diagnostics) and _wants_fix_all(wanted):
            actions.append(await self.fix_all_action(document))
        return actions

    async def diagnostic_actions(self, document: TextDocument, d: Diagnostic) -> list[types.CodeAction]:
        lsp_diagnostic = self.to_lsp(document, d)
        actions = []
        if d.fix is not None:
            safe = d.fix.applicability == SAFE
            actions.append(types.CodeAction(
                title=f"{d.fix.message} ({d.code})" if safe else f"{d.fix.message} ({d.code}, unsafe fix: review the change)",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[lsp_diagnostic],
                is_preferred=safe,
                edit=self.workspace_edit(document, [self.text_edit(document, edit) for edit in d.fix.edits],
                                         await self.helper_files(document, d.name)),
            ))  # fmt: skip
        actions.append(types.CodeAction(
            title=f"Suppress with `# tclint: ignore[{d.name}]`",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[lsp_diagnostic],
            edit=self.workspace_edit(document, [suppression_edit(document, d)]),
        ))  # fmt: skip
        return actions

    async def fix_all_action(self, document: TextDocument) -> types.CodeAction:
        path = Path(to_fs_path(document.uri))
        fixed = await self.lint(path, document.source, fix=True)
        old, new = document.source, (fixed.source or document.source.encode()).decode("utf-8")
        edits = [self.text_edit(document, edit) for edit in edits_between(old, new)]
        return types.CodeAction(
            title="Apply every safe tclint fix",
            kind=FIX_ALL_KIND,
            edit=self.workspace_edit(document, edits, self.new_files(path, fixed)),
        )

    async def helper_files(self, document: TextDocument, rule: str) -> dict[Path, str]:
        """The files a fix of this rule calls that do not exist yet (the wait helper), from fixing the
        document with that rule alone; remembered for the document's version."""
        version, known = self.helpers.get(document.uri, (None, {}))
        if version != document.version:
            known = {}
            self.helpers[document.uri] = (document.version, known)
        if rule not in known:
            path = Path(to_fs_path(document.uri))
            known[rule] = self.new_files(path, await self.lint(path, document.source, fix=True, unsafe=True, rule=rule))
        return known[rule]

    def new_files(self, path: Path, report: FileReport) -> dict[Path, str]:
        """Files the fixes call (the wait helper) that do not exist yet."""
        root = self.settings_for(path).project_root
        return {root / relative: content for relative, content in report.new_files.items() if not (root / relative).exists()}

    def text_edit(self, document: TextDocument, edit) -> types.TextEdit:
        (line, column), (end_line, end_column) = edit.location, edit.end_location
        return types.TextEdit(range=self.client_range(document, line, column, end_line, end_column), new_text=edit.content)

    @staticmethod
    def workspace_edit(document: TextDocument, edits: list[types.TextEdit], new_files: dict[Path, str] | None = None) -> types.WorkspaceEdit:
        if not new_files:
            return types.WorkspaceEdit(changes={document.uri: edits})
        changes: list = [_document_edit(document.uri, document.version, edits)]
        for path, content in sorted(new_files.items()):
            uri = path.as_uri()
            changes.append(types.CreateFile(uri=uri, options=types.CreateFileOptions(ignore_if_exists=True)))
            start = types.Position(line=0, character=0)
            changes.append(_document_edit(uri, None, [types.TextEdit(range=types.Range(start=start, end=start), new_text=content)]))
        return types.WorkspaceEdit(document_changes=changes)


def suppression_edit(document: TextDocument, d: Diagnostic) -> types.TextEdit:
    """`  # tclint: ignore[name]` at the end of the diagnostic's first line, or the name added to the
    `# tclint: ignore[...]` already there."""
    line = document.lines[d.line - 1].rstrip("\r\n") if d.line <= len(document.lines) else ""
    existing = TRAILING_IGNORE.search(line)
    if existing is not None and existing.group("selectors").strip():
        at = existing.end("selectors")
        insert, text = at, f", {d.name}"
    else:
        insert, text = len(line), f"  # tclint: ignore[{d.name}]"
    where = types.Position(line=d.line - 1, character=insert)
    client = document.position_codec.range_to_client_units(document.lines, types.Range(start=where, end=where))
    return types.TextEdit(range=client, new_text=text)


def _document_edit(uri: str, version: int | None, edits: list[types.TextEdit]) -> types.TextDocumentEdit:
    return types.TextDocumentEdit(text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version), edits=edits)


def _overlaps(a: types.Range, b: types.Range) -> bool:
    def key(position: types.Position) -> tuple[int, int]:
        return position.line, position.character

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def _wants_fix_all(wanted: list[str] | None) -> bool:
    """Asked for by a kind it belongs to (source.fixAll), or offered among the quick fixes."""
    if not wanted:
        return True
    return any(FIX_ALL_KIND.startswith(kind) or kind.startswith(types.CodeActionKind.QuickFix.value) for kind in wanted)


def _configuration_stamp(folder: Path) -> tuple:
    stamps = []
    for directory in (folder, *folder.parents):
        for name in CONFIGURATION_FILES:
            try:
                stat = (directory / name).stat()
            except OSError:
                continue
            stamps.append((str(directory), name, stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


def _is_configuration(uri: str) -> bool:
    return uri.rsplit("/", 1)[-1] in WATCHED


def create_server() -> TclintServer:
    server = TclintServer()

    @server.feature(types.INITIALIZED)
    async def initialized(ls: TclintServer, params: types.InitializedParams) -> None:
        watching = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
        if watching and watching.dynamic_registration:
            watchers = [types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in WATCHED]
            registration = types.Registration(id="tclint-configuration", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                              register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers))  # fmt: skip
            try:
                await ls.client_register_capability_async(types.RegistrationParams(registrations=[registration]))
            except Exception as error:  # the client said no: configuration files saved in the editor still count
                ls.window_log_message(types.LogMessageParams(type=types.MessageType.Warning,
                                                             message=f"tclint: cannot watch configuration files: {error}"))  # fmt: skip

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: TclintServer, params: types.DidOpenTextDocumentParams) -> None:
        if params.text_document.language_id == "python" or params.text_document.uri.endswith((".py", ".pyi")):
            ls.schedule(params.text_document.uri, delay=0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: TclintServer, params: types.DidChangeTextDocumentParams) -> None:
        if params.text_document.uri in ls.results or params.text_document.uri in ls.pending:
            ls.schedule(params.text_document.uri, delay=DEBOUNCE_SECONDS)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: TclintServer, params: types.DidSaveTextDocumentParams) -> None:
        if _is_configuration(params.text_document.uri):
            ls.configuration_changed()
        elif params.text_document.uri in ls.results or params.text_document.uri in ls.pending:
            ls.schedule(params.text_document.uri, delay=0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: TclintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        pending = ls.pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        ls.helpers.pop(uri, None)
        if ls.results.pop(uri, None) is not None:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: TclintServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(_is_configuration(change.uri) for change in params.changes):
            ls.configuration_changed()

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND]),
    )
    async def code_action(ls: TclintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return await ls.code_actions(params)

    return server


def main() -> None:
    create_server().start_io()
