"""Lint one file: parse once, walk once with every enabled rule, and under --fix apply fixes to
convergence, re-parsing after each pass so that broken code is never the result."""

from __future__ import annotations

import ast
import dataclasses
import warnings
from dataclasses import dataclass

import libcst as cst

from tclint.catalog import FILE, PROJECT, SUPPRESSIONS, find_rule
from tclint.diagnostics import Diagnostic, FileReport, FixInfo, with_edits
from tclint.engine.fixes import Fix, apply_fixes, compatible
from tclint.engine.deep_codegen import allow_deep_codegen
from tclint.engine.fix_edits import FixEdits
from tclint.engine.markers import configured_marks
from tclint.engine.model import Model
from tclint.engine.positions import node_positions
from tclint.engine.shared_state import helper_writes
from tclint.engine.rule import FileContext
from tclint.engine.walk import Walker
from tclint.files import FileError, decode
from tclint.facts import FileFacts, FixtureFact, ProjectFacts
from tclint.registry import RULES_BY_NAME
from tclint.settings import Settings
from tclint.suppressions import Suppression, may_silence, parse_suppressions, silenced

MAX_PASSES = 10
allow_deep_codegen()


@dataclass(frozen=True)
class LintTask:
    path: str
    source: bytes
    rules: tuple[str, ...]
    fix: bool = False
    unsafe: bool = False
    want_edits: bool = False
    project: ProjectFacts = ProjectFacts()
    # the facts of every other file of the run: known only once they all are in (None before). With
    # them, the project-wide rules settle which suppressions they use while this file is fixed.
    others: tuple[FileFacts, ...] | None = None
    placements: dict | None = None  # container signature -> Placement of its shared session fixture


def parse(source: bytes) -> cst.Module:
    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        raise FileError(syntax_error(source, error)) from None
    except (RecursionError, MemoryError):
        raise FileError("too deeply nested for libcst to parse") from None
    except cst.CSTLogicError as error:  # syntax newer than libcst knows (concatenated t-strings, for one)
        raise FileError(f"libcst cannot parse this file ({type(error).__name__}: {error})") from None


def syntax_error(source: bytes, error: cst.ParserSyntaxError) -> str:
    """Where the syntax error is: Python's own parser places it exactly (libcst often a line too far)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(source, "<source>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
        except SyntaxError as python:
            if python.lineno:
                return f"syntax error at {python.lineno}:{python.offset or 1}: {python.msg}"
        except (ValueError, RecursionError, MemoryError):
            pass  # null bytes, or too deep for Python's parser: libcst's position must do
    message = str(error.message).splitlines()[0] if error.message else "invalid syntax"
    return f"syntax error at {error.raw_line}:{error.raw_column + 1}: {message}"


@dataclass(eq=False)
class Pass:
    """The outcome of one walk: live diagnostics paired with their fixes, and the module's facts."""

    found: list[tuple[Diagnostic, Fix | None]]
    suppressions: list[Suppression]  # those that may silence a project-wide rule, with every other one
    facts: FileFacts


def lint(task: LintTask, settings: Settings) -> FileReport:
    report = FileReport(task.path, original=task.source, source=task.source)
    try:
        text, _ = decode(task.source)
        module = parse(task.source)
    except FileError as error:
        report.error = str(error)
        return report
    outcome = walk_once(module, text, task, settings)
    for _ in range(MAX_PASSES if task.fix else 0):
        fixes = [fix for diagnostic, fix in outcome.found if fix is not None and diagnostic.fixable(task.unsafe)]
        if not fixes:
            break
        chosen = compatible(fixes)
        new_source = apply_fixes(module, chosen).bytes
        try:
            new_module = checked_parse(task.source, new_source)
        except FileError as error:
            report.error = f"internal error: a fix produced code that does not parse ({error}); fixes dropped"
            break
        report.fixed += len(chosen)
        for fix in chosen:
            for path, content in fix.new_files:
                report.new_files.setdefault(path, content)
            if fix.shares is not None:
                report.shared.setdefault(fix.shares.signature, fix.shares)
            if fix.conftest is not None and fix.conftest not in report.conftest_fixtures:
                report.conftest_fixtures.append(fix.conftest)
        module, report.source = new_module, new_source
        outcome = walk_once(module, decode(new_source)[0], task, settings)
    edits = FixEdits(module) if task.want_edits else None
    report.diagnostics = [
        with_edits(diagnostic, edits.edits(fix)) if edits is not None and fix is not None else diagnostic
        for diagnostic, fix in outcome.found
    ]
    report.facts, report.suppressions = outcome.facts, outcome.suppressions
    return report


def checked_parse(original: bytes, new_source: bytes) -> cst.Module:
    module = parse(new_source)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ast.parse(original)
        except SyntaxError:
            return module  # newer syntax than this interpreter knows: libcst's parse must do
        try:
            ast.parse(new_source)
        except SyntaxError as error:
            raise FileError(f"line {error.lineno}: {error.msg}") from None
    return module


def walk_once(module: cst.Module, text: str, task: LintTask, settings: Settings) -> Pass:
    walker = Walker([])
    model = Model(module, task.path, settings.container_classes, walker, settings.collection, task.project)
    rule_types = [RULES_BY_NAME[name] for name in task.rules if RULES_BY_NAME[name].kind == FILE]
    context = FileContext(
        path=task.path,
        module=module,
        model=model,
        walker=walker,
        settings=settings,
        project=task.project,
        placements=task.placements or {},
        options={rule.name: settings.options_for(rule.info()) for rule in rule_types},
    )
    rules = [rule_type(context) for rule_type in rule_types]
    walker.listen(model, *rules)
    walker.walk(module)
    for rule in rules:
        rule.finish()
    suppressions = parse_suppressions(text)
    facts, located = file_facts(task.path, model)
    wanted = [report.node for report in context.reports] + [node for _, node in located]
    positions = node_positions(module, wanted) if wanted else {}  # one code generation pass, if any
    facts = placed(facts, located, positions)
    found = []
    for report in context.reports:
        diagnostic = to_diagnostic(task.path, report, positions[report.node])
        if not silenced(diagnostic, suppressions):
            found.append((diagnostic, report.fix))
    if suppressions:
        found += settle_suppressions(module, suppressions, facts, task)
    found.sort(key=lambda item: item[0].sort_key())
    blocked = settings.unfixable_rules()  # `unfixable`: reported without a fix
    found = [(dataclasses.replace(d, fix=None), None) if d.name in blocked else (d, fix) for d, fix in found]
    return Pass(found, suppressions if any(s.waits or s.project for s in suppressions) else [], facts)


def settle_suppressions(module: cst.Module, suppressions: list[Suppression], facts: FileFacts, task: LintTask):
    """What the suppression rules find once the file rules have reported. A suppression that a
    project-wide rule could use waits for the end of the run, unless the other files' facts are known."""
    project_rules = [find_rule(name) for name in task.rules if RULES_BY_NAME[name].kind == PROJECT]
    for suppression in suppressions:
        suppression.project = may_silence(suppression, project_rules)
        suppression.waits = suppression.project and task.others is None
    if task.others is not None:
        for info in project_rules:
            for diagnostic in RULES_BY_NAME[info.name].check_project([*task.others, facts]):
                if diagnostic.path == task.path:
                    silenced(diagnostic, suppressions)
    settled = [suppression for suppression in suppressions if not suppression.waits]
    found = []
    for name in task.rules:
        if RULES_BY_NAME[name].kind == SUPPRESSIONS:
            for diagnostic, fix in RULES_BY_NAME[name].check(task.path, settled, set(task.rules), module if task.fix or task.want_edits else None):
                if not silenced(diagnostic, suppressions):
                    found.append((diagnostic, fix))
    return found


def to_diagnostic(path: str, report, position) -> Diagnostic:
    rule = RULES_BY_NAME[report.rule].info()
    fix = report.fix
    return Diagnostic(
        path=path,
        line=position.start.line,
        column=position.start.column + 1,
        end_line=position.end.line,
        end_column=position.end.column + 1,
        code=rule.code,
        name=rule.name,
        message=report.message,
        fix=FixInfo(fix.applicability, fix.title) if fix is not None else None,
    )


def file_facts(path: str, model: Model) -> tuple[FileFacts, list[tuple[int, cst.CSTNode]]]:
    """The module's fixtures, and (index, node) of those whose position the facts need."""
    fixtures = []
    located = []
    for function in model.module_functions.values():
        fixture = function.fixture
        if fixture is None:
            continue
        started = model.containers_started_by(function)
        ref = started[0][1] if started else None
        fixtures.append(
            FixtureFact(
                name=fixture.name,
                scope=fixture.scope,
                params=tuple(function.params),
                container=ref.signature() if ref else None,
                services=localstack_services(ref) if ref else (),
                ports=ref.cls.ports if ref else (),
                function=function.name if function.name != fixture.name else "",
            )
        )
        if ref is not None:
            located.append((len(fixtures) - 1, fixture.decorator or fixture.call or function.node))
    return FileFacts(path, tuple(fixtures), marks=configured_marks(model), writes=helper_writes(model), **model.exported_facts()), located


def placed(facts: FileFacts, located: list[tuple[int, cst.CSTNode]], positions: dict) -> FileFacts:
    fixtures = list(facts.fixtures)
    for index, node in located:
        start = positions[node].start
        fixtures[index] = dataclasses.replace(fixtures[index], line=start.line, column=start.column + 1)
    return dataclasses.replace(facts, fixtures=tuple(fixtures))


def localstack_services(ref) -> tuple[str, ...]:
    services = []
    for call in ref.config_calls:
        if call.func.attr.value == "with_services":
            services.extend(arg.value.evaluated_value for arg in call.args if isinstance(arg.value, cst.SimpleString))
    return tuple(services)

