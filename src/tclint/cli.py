"""The command line: turns arguments into settings and options, runs the command, writes what
output.py renders, and maps the outcome to an exit code. `tclint [OPTIONS] PATHS...` is
`tclint check [OPTIONS] PATHS...`.

Exit codes: 0 nothing left to report; 1 diagnostics remain (with --fix: after fixing), or --diff has
changes to show; 2 usage, configuration or internal error, or a file that could not be read or parsed.
`--exit-zero` turns every 1 into 0. `--version`, `--help`, `rules`, `explain` and `config` import
neither libcst nor rich's heavy parts.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import click

from tclint import DISTRIBUTION, __version__
from tclint.files import FileError
from tclint.formats import FORMATS

EXIT_CLEAN, EXIT_PROBLEMS, EXIT_ERROR = 0, 1, 2
PROGRESS_THRESHOLD = 50  # files


class _CheckByDefault(click.Group):
    """Anything that is not a subcommand (or --help/--version) goes to `check`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = next((arg for arg in args if not arg.startswith("-")), None)
        group_only = args and all(arg in ("--help", "-h", "--version") for arg in args)
        if not group_only and (first is None or first not in self.commands):
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_CheckByDefault, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tclint", message=f"%(prog)s ({DISTRIBUTION}) %(version)s")
def cli() -> None:
    """Lint pytest suites that use testcontainers, and fix them toward the documented patterns.

    `tclint PATHS...` is short for `tclint check PATHS...`.
    """


def _fail(message: str) -> None:
    click.echo(f"tclint: error: {message}", err=True)
    raise SystemExit(EXIT_ERROR)


def on_terminal(stream) -> bool:
    """Whether `stream` is a terminal (rich output and the progress bar); tests replace it."""
    return stream.isatty()


def _settings(config: str | None, select=(), extend_select=(), ignore=(), unsafe_fixes=False, fixable=(), unfixable=(),
              start: Path | None = None, testcontainers_version=None):  # fmt: skip
    from tclint.catalog import CatalogError
    from tclint.settings import ConfigError, load_settings, split_selectors, with_cli_overrides

    try:
        settings = load_settings(Path(config) if config else None, start or Path.cwd())
        return with_cli_overrides(
            settings,
            select=split_selectors(select),
            extend_select=split_selectors(extend_select),
            ignore=split_selectors(ignore),
            unsafe_fixes=unsafe_fixes,
            fixable=split_selectors(fixable),
            unfixable=split_selectors(unfixable),
            testcontainers_version=testcontainers_version,
        )
    except (ConfigError, CatalogError) as error:
        _fail(str(error))


@dataclass(frozen=True)
class CheckOptions:
    """Every option of `tclint check`, as given (one field per command-line option)."""

    paths: tuple[str, ...] = ()
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    output_format: str | None = None
    statistics: bool = False
    exit_zero: bool = False
    exit_non_zero_on_fix: bool = False
    no_cache: bool = False
    force_exclude: bool = False
    config: str | None = None
    quiet: bool = False
    jobs: int | None = None
    verify: bool = False
    fix_only: bool = False
    fixable: tuple[str, ...] = ()
    unfixable: tuple[str, ...] = ()
    add_noqa: bool = False
    output_file: str | None = None
    show_files: bool = False
    verbose: bool = False
    stdin_filename: str | None = None
    testcontainers_version: str | None = None

    @property
    def format_name(self) -> str:
        on_screen = self.output_file is None and on_terminal(sys.stdout)
        return self.output_format or ("full" if on_screen else "concise")

    @property
    def fixing(self) -> bool:
        return (self.fix or self.fix_only) and not self.diff

    @property
    def machine(self) -> bool:
        from tclint.formats import MACHINE_FORMATS

        return self.format_name in MACHINE_FORMATS


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--fix", is_flag=True, help="Apply safe fixes (and unsafe ones with --unsafe-fixes).")
@click.option("--unsafe-fixes", is_flag=True, help="Also offer and apply fixes that can change behaviour.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff and write nothing; exit 1 if any.")
@click.option("--select", multiple=True, help="Only these rules (codes, code prefixes, names, or ALL).")
@click.option("--extend-select", multiple=True, help="Add rules to the selection.")
@click.option("--ignore", multiple=True, help="Remove rules from the selection.")
@click.option("--output-format", type=click.Choice(FORMATS), help="Default: full on a terminal, concise otherwise.")
@click.option("--statistics", is_flag=True, help="Count the diagnostics per rule instead of listing them "
              "(machine formats: the listing stays on stdout, the counts go to stderr).")  # fmt: skip
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when diagnostics remain (2 stays 2).")
@click.option("--exit-non-zero-on-fix", is_flag=True, help="Exit 1 when any fix was applied.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write .tclint_cache/.")
@click.option("--force-exclude", is_flag=True,
              help="Skip files named on the command line that exclude/extend-exclude leave out (for pre-commit).")  # fmt: skip
@click.option("--config", type=click.Path(dir_okay=False), help="Use this configuration file.")
@click.option("--quiet", "-q", is_flag=True, help="Print diagnostics only, no summary.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
@click.option("--verify", is_flag=True, help="With --fix: the same as `tclint verify` (runs the project's tests).")
@click.option("--fix-only", is_flag=True, help="Apply fixes and report only how many; exit 0 (1 with --exit-non-zero-on-fix and a fix).")
@click.option("--fixable", multiple=True, help="Only these rules' fixes are offered and applied (replaces `fixable`).")
@click.option("--unfixable", multiple=True, help="These rules' fixes are neither offered nor applied (adds to `unfixable`).")
@click.option("--add-noqa", is_flag=True, help="Add `# noqa: TCLxxx` to every line with a finding; exit 0.")
@click.option("--output-file", type=click.Path(dir_okay=False), help="Write the report to this file instead of stdout.")
@click.option("--show-files", is_flag=True, help="List the files a run would lint (with -v: and those it leaves out, and why); lint nothing.")
@click.option("--stdin-filename", type=click.Path(dir_okay=False),
              help="Lint the source read from stdin as if it were the file at this path; with --fix, print the fixed source.")  # fmt: skip
@click.option("--verbose", "-v", is_flag=True, help="Say on stderr what happened to each file: linted, cached, skipped and why.")
@click.option("--testcontainers-version", metavar="VERSION", help="The testcontainers version the tests run with (default: each project's pin).")
@click.pass_context
def check(context: click.Context, **given) -> int:
    """Lint PATHS (default: the current directory)."""
    options = CheckOptions(**given)
    if options.verify:
        if not options.fix:
            _fail("--verify goes with --fix")
        return context.invoke(verify_command, paths=options.paths, select=options.select,
                              extend_select=options.extend_select, ignore=options.ignore, config=options.config,
                              output_format=options.output_format)  # fmt: skip
    if options.add_noqa and (options.fixing or options.diff):
        _fail("--add-noqa cannot go with --fix, --fix-only or --diff")
    if options.stdin_filename is not None and (options.paths or options.diff or options.add_noqa or options.show_files):
        _fail("--stdin-filename lints stdin alone: it goes with neither PATHS, --diff, --add-noqa nor --show-files")
    # the configuration is found from where the file is (stdin's: where it would be)
    start = Path(options.stdin_filename).absolute().parent if options.stdin_filename is not None else Path.cwd()
    settings = _settings(options.config, options.select, options.extend_select, options.ignore, options.unsafe_fixes,
                         options.fixable, options.unfixable, start=start,
                         testcontainers_version=options.testcontainers_version)  # fmt: skip
    if options.stdin_filename is not None:
        return _check_stdin(settings, options)
    if options.show_files:
        return _show_files(list(options.paths) or ["."], settings, options)
    result = _run_with_progress(list(options.paths) or ["."], settings, options)
    if options.verbose:
        for path, what in result.notes:
            click.echo(f"{path}: {what}", err=True)
    if options.add_noqa:
        return _add_noqa(result)
    with _stdout_to(options.output_file):
        _report(result, options, settings.unsafe_fixes)
    return _exit_code(result, options)


def _run(paths: list[str], settings, options: CheckOptions, progress=None):
    from tclint.runner import RunOptions, run

    run_options = RunOptions(fix=options.fixing, unsafe=settings.unsafe_fixes, diff=options.diff,
                             want_edits=options.format_name in ("json", "sarif"), cache=not options.no_cache,
                             jobs=options.jobs, force_exclude=options.force_exclude)  # fmt: skip
    return run(paths, settings, run_options, progress)


def _check_stdin(settings, options: CheckOptions) -> int:
    """Lint stdin as the file at --stdin-filename. With --fix the fixed source goes to stdout, and the
    report to stderr; an editor replaces its buffer with stdout (the source unchanged on an error)."""
    from tclint.runner import RunResult
    from tclint.single import lint_source

    source = sys.stdin.buffer.read()
    report, fixed = lint_source(source, options.stdin_filename, settings, fix=options.fixing, unsafe=settings.unsafe_fixes,
                                edits=options.format_name in ("json", "sarif"), cache=not options.no_cache)
    result = RunResult(diagnostics=report.diagnostics, errors=[(report.path, report.error)] if report.error else [],
                       fixed=report.fixed, files=1, sources={report.path: fixed})  # fmt: skip
    if not options.fixing:
        with _stdout_to(options.output_file):
            _report(result, options, settings.unsafe_fixes)
        return _exit_code(result, options)
    stdout = sys.stdout.buffer
    stdout.write(source if report.error else fixed)
    stdout.flush()
    with redirect_stdout(sys.stderr):
        _report(result, options, settings.unsafe_fixes)
    return _exit_code(result, options)


def _show_files(paths: list[str], settings, options: CheckOptions) -> int:
    from tclint.discovery import discover
    from tclint.project_index import display_entry, display_path

    left_out: list[tuple[str, str]] = []
    found, errors = discover(paths, settings, options.force_exclude, lambda path, why: left_out.append((display_entry(path), why)))
    for error in errors:
        click.echo(f"{error.path}: error: {error.message}", err=True)
    for path in sorted(display_path(path) for path in found):
        click.echo(path)
    if options.verbose:
        for path, reason in left_out:
            click.echo(f"{path}: {reason}", err=True)
    return EXIT_ERROR if errors else EXIT_CLEAN


def _add_noqa(result) -> int:
    from tclint.noqa import add_noqa

    added = add_noqa(result.diagnostics)
    for path, message in [*result.errors, *added.errors]:
        click.echo(f"{path}: error: {message}", err=True)
    for d in added.left:
        click.echo(f"{d.path}:{d.line}:{d.column}: {d.code} left: the line ends inside a string or a backslash "
                   "continuation and cannot take a comment", err=True)  # fmt: skip
    click.echo(f"Added {added.added} noqa {'directive' if added.added == 1 else 'directives'}", err=True)
    return EXIT_ERROR if result.errors or added.errors else EXIT_CLEAN


@contextmanager
def _stdout_to(path: str | None):
    """Send what is printed to stdout to the file at `path` instead (nothing changes without one)."""
    if path is None:
        yield
        return
    try:
        stream = open(path, "w", encoding="utf-8")
    except OSError as error:
        _fail(f"{path}: cannot write: {(error.strerror or str(error)).lower()}")
    with stream, redirect_stdout(stream):
        yield


def _report(result, options: CheckOptions, unsafe: bool) -> None:
    from tclint import output

    for path, message in result.errors:
        click.echo(f"{path}: error: {message}", err=True)
    if options.fix_only and not options.diff:
        if not options.quiet:
            click.echo(f"Fixed {result.fixed} {'problem' if result.fixed == 1 else 'problems'}")
        return
    if options.diff:
        click.echo("".join(result.diffs), nl=False)
    elif options.statistics and not options.machine:
        click.echo(output.statistics(result.diagnostics), nl=False)
    elif options.format_name == "full" and on_terminal(sys.stdout):
        _print_styled(output.full_lines(result.diagnostics, _line_reader(result.sources)))
    else:
        render = output.RENDERERS[options.format_name]
        click.echo(render(result.diagnostics, errors=result.errors, read_lines=_line_reader(result.sources)), nl=False)
    if options.statistics and options.machine and not options.diff:
        click.echo(output.statistics(result.diagnostics), nl=False, err=True)
    if options.quiet or options.machine:
        return
    for created in result.created:
        click.echo(f"Created {created} (the helper the fixes call)")
    for line in result.placed:
        click.echo(line, err=options.diff)
    if options.diff:
        click.echo(f"Would fix {len(result.diffs)} file(s)", err=True)
    else:
        failed_files = len({path for path, _ in result.errors})
        click.echo(output.summary(result.diagnostics, result.fixed, options.fixing, unsafe, failed_files))


def _exit_code(result, options: CheckOptions) -> int:
    if result.errors:
        return EXIT_ERROR
    if options.exit_zero:
        return EXIT_CLEAN
    if options.fix_only and not options.diff:
        return EXIT_PROBLEMS if options.exit_non_zero_on_fix and result.fixed else EXIT_CLEAN
    if options.diff:
        return EXIT_PROBLEMS if result.diffs else EXIT_CLEAN
    if options.exit_non_zero_on_fix and result.fixed:
        return EXIT_PROBLEMS
    return EXIT_PROBLEMS if result.diagnostics else EXIT_CLEAN


def _run_with_progress(paths: list[str], settings, options: CheckOptions):
    if options.quiet or not on_terminal(sys.stderr):
        return _run(paths, settings, options)
    bar = {}

    def progress(done: int, total: int) -> None:
        if total < PROGRESS_THRESHOLD:
            return
        if not bar:
            from rich.progress import Progress

            bar["progress"] = Progress(transient=True, console=_console(stderr=True))
            bar["progress"].start()
            bar["task"] = bar["progress"].add_task("Linting", total=total)
        bar["progress"].update(bar["task"], completed=done)

    try:
        return _run(paths, settings, options, progress)
    finally:
        if bar:
            bar["progress"].stop()


def _console(stderr: bool = False):
    """A rich console for output that `on_terminal` said goes to a terminal."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, force_terminal=True)


def _print_styled(lines: list[tuple[str, str]]) -> None:
    from rich.text import Text

    console = _console()
    for line, style in lines:
        console.print(Text(line, style=style), soft_wrap=True)


def _line_reader(sources: dict[str, bytes]):
    from tclint.files import FileError, decode

    cache: dict[str, list[str]] = {}

    def read_lines(path: str) -> list[str]:
        if path not in cache:
            try:
                data = sources[path] if path in sources else Path(path).read_bytes()
                cache[path] = decode(data)[0].splitlines()
            except (OSError, FileError):
                cache[path] = []
        return cache[path]

    return read_lines


@cli.command("verify")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--select", multiple=True, help="Only these rules (codes, code prefixes, names, or ALL).")
@click.option("--extend-select", multiple=True, help="Add rules to the selection.")
@click.option("--ignore", multiple=True, help="Remove rules from the selection.")
@click.option("--python", "python", type=click.Path(dir_okay=False), help="The interpreter that runs the tests.")
@click.option("--reruns", type=click.IntRange(min=0), default=0, show_default=True, help="Reruns of a failing test before judging.")
@click.option("--timeout", type=click.FloatRange(min=1), default=900, show_default=True, help="Seconds before everything stops; nothing is changed then.")
@click.option("--dry-run", is_flag=True, help="Report, write nothing.")
@click.option("--output-format", type=click.Choice(["full", "concise", "json"]), help="json: the report as JSON.")
@click.option("--config", type=click.Path(dir_okay=False), help="Use this configuration file.")
def verify_command(paths, select, extend_select, ignore, config, output_format, python=None, reruns=0, timeout=900,
                   dry_run=False) -> int:  # fmt: skip
    """Apply the fixes (unsafe ones too) that the project's own tests still pass with.

    WARNING: this runs the project's test suite, which is running its code (and the containers it
    starts): use it only on code you trust. It works on a scratch copy and writes the fixes that held to
    the project at the end; after --timeout it stops the runs, removes the containers they started, and
    changes nothing.
    """
    import json

    from tclint import output
    from tclint import verify as verifying

    settings = _settings(config, select, extend_select, ignore, unsafe_fixes=True)
    options = verifying.VerifyOptions(python=python or sys.executable, reruns=reruns, timeout=timeout, dry_run=dry_run)
    try:
        report = verifying.Verifier(list(paths) or ["."], settings, options).verify()
    except verifying.VerifyError as error:
        _fail(f"verify stopped: {error}; nothing was changed")
    except FileError as error:
        _fail(str(error))
    if output_format == "json":
        click.echo(json.dumps(output.verify_json(report), indent=2))
    elif on_terminal(sys.stdout):
        output.verify_table(report, _console())
    else:
        click.echo(output.verify_text(report), nl=False)
        click.echo(output.concise(report.remaining), nl=False)
    warning = output.verify_warning(report)
    if warning:
        click.echo(f"tclint verify: {warning}", err=True)
    return EXIT_PROBLEMS if report.remaining else EXIT_CLEAN


@cli.command()
def server() -> None:
    """Run the Language Server (over stdio) that editors start: diagnostics as you type, fixes as code actions.

    Needs the `server` extra (pygls).
    """
    try:
        from tclint.server import main as serve
    except ImportError as error:
        from importlib.metadata import packages_distributions

        distribution = packages_distributions().get("tclint", ["tclint"])[0]
        _fail(f"`tclint server` needs the server extra: pip install '{distribution}[server]' ({error})")
    serve()


@cli.command()
def rules() -> None:
    """List every rule: code, name, summary and fix availability."""
    from tclint import output
    from tclint.catalog import load_catalog

    if on_terminal(sys.stdout):
        console = _console()
        console.print(output.rules_table(load_catalog(), console.width))
    else:
        click.echo(output.rules_text(load_catalog()), nl=False)


@cli.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Print the documentation of RULE (a name or a code)."""
    from tclint.catalog import find_rule, split_front_matter

    info = find_rule(rule)
    if info is None:
        _fail(f"unknown rule `{rule}` (see `tclint rules`)")
    _, body = split_front_matter(info.doc_path.read_text(encoding="utf-8"), info.doc_path)
    fix = "never" if info.fix == "never" else f"{info.fix} ({info.fix_safety})"
    click.echo(body.strip() + f"\n\nFix: {fix}. Since: {info.since}.")


@cli.command()
@click.argument("path", required=False, type=click.Path())
@click.option("--config", type=click.Path(dir_okay=False), help="Use this configuration file.")
def config(path: str | None, config: str | None) -> None:
    """Show the resolved settings and why each rule is on or off (for PATH, if given)."""
    from tclint import output

    settings = _settings(config)
    ignored_here = _per_file_ignored(Path(path), settings) if path else set()
    click.echo(output.config_text(settings, path, ignored_here), nl=False)


def _per_file_ignored(path: Path, settings) -> set[str]:
    from tclint.project_index import rules_for

    enabled = settings.enabled_rules()
    return {rule.name for rule in enabled} - set(rules_for(path, settings, enabled))


def main(argv: list[str] | None = None) -> int:
    try:
        code = cli.main(args=argv, prog_name="tclint", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as error:
        error.show()
        return EXIT_ERROR
    except click.exceptions.Abort:
        click.echo("tclint: interrupted", err=True)
        return 130
    except KeyboardInterrupt:
        click.echo("tclint: interrupted", err=True)
        return 130
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_ERROR
    except Exception as error:  # no traceback reaches the user unless they ask for it
        if os.environ.get("TCLINT_DEBUG"):
            raise
        click.echo(f"tclint: internal error: {type(error).__name__}: {error} (TCLINT_DEBUG=1 shows the traceback)", err=True)
        return EXIT_ERROR
    return code if isinstance(code, int) else EXIT_CLEAN
