"""Fixes are CST replacements with a declared safety, applied together, imports added once.

A `Fix` maps original nodes to their replacements (a node, `cst.RemoveFromParent()` or a
`cst.FlattenSentinel`), may ask for imports, and may insert statements after the module's imports.
Fixes whose nodes overlap are not applied in the same pass; the engine reruns the rules and applies the
rest in the next pass (to convergence).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import libcst as cst

from tclint.diagnostics import SAFE, UNSAFE
from tclint.engine.build import separator_before_last
from tclint.engine.model import descendants
from tclint.engine.names import bindings, dotted, imports_in, module_name
from tclint.knowledge import canonical_name


@dataclass(frozen=True)
class ImportRequest:
    """`from module import name`, or `import module` when name is None."""

    module: str
    name: str | None = None
    local: tuple[str, ...] = ()  # the project's own top-level names (isort's first-party section, where the module goes when it is one)

    @property
    def binds(self) -> tuple[str, str]:
        if self.name is None:
            head = self.module.split(".")[0]
            return head, head
        return self.name, f"{self.module}.{self.name}"


@dataclass(frozen=True)
class SharedFixture:
    """A session fixture a fix creates for a container (its signature): its name, and why it cannot
    leave the module (None when it can)."""

    signature: tuple
    name: str
    stays: str | None = None


@dataclass(frozen=True)
class ConftestFixture:
    """A fixture to append to a conftest.py (absolute path): its code and the imports it needs."""

    path: str
    name: str
    code: str
    imports: tuple[ImportRequest, ...] = ()


@dataclass(frozen=True)
class Placement:
    """Where the run puts a shared session fixture: a conftest.py (absolute path) under `name`, or
    nowhere but its module, for the reason `stays`."""

    conftest: str | None
    name: str
    modules: int = 0  # how many modules share it
    stays: str | None = None
    shown: str = ""  # the conftest.py as the run shows paths


@dataclass(eq=False)
class Fix:
    title: str
    applicability: str
    replacements: list[tuple[cst.CSTNode, object]] = field(default_factory=list)
    imports: tuple[ImportRequest, ...] = ()
    after_imports: tuple[cst.BaseStatement, ...] = ()
    new_files: tuple[tuple[str, str], ...] = ()  # (absolute path, content): created if absent
    # a session fixture the fix creates in this module, which the run may place in a conftest.py that
    # other modules share (see tclint.placement)
    shares: SharedFixture | None = None
    conftest: ConftestFixture | None = None  # the fixture this fix puts into a shared conftest.py instead

    def __post_init__(self) -> None:
        assert self.applicability in (SAFE, UNSAFE)

    def touched(self) -> set[int]:
        return {id(node) for original, _ in self.replacements for node in descendants(original)}


class _Replace(cst.CSTTransformer):
    def __init__(self, replacements: dict[int, object]) -> None:
        super().__init__()
        self._replacements = replacements

    def on_leave(self, original_node, updated_node):
        return self._replacements.get(id(original_node), updated_node)


def compatible(fixes: list[Fix]) -> list[Fix]:
    """Fixes that touch no node another chosen one touches, the smallest first: an inner fix (pinning an
    image) goes before the outer one that contains it (moving the test into a fixture), which then sees
    the inner fix's result in the next pass."""
    chosen, taken = [], set()
    sized = sorted(((fix.touched(), index, fix) for index, fix in enumerate(fixes)), key=lambda item: (len(item[0]), item[1]))
    for touched, _, fix in sized:
        if touched & taken:
            continue
        taken |= touched
        chosen.append(fix)
    return chosen


def apply_fixes(module: cst.Module, fixes: list[Fix]) -> cst.Module:
    """The module with the fixes applied; imports that only the replaced code used are dropped, and the
    imports a fix renamed or added sit where isort (and ruff's `I` rules) would put them."""
    original = module
    replacements = {id(original_node): new for fix in fixes for original_node, new in fix.replacements}
    if replacements:
        module = module.visit(_Replace(replacements))
    # fixes that share a new statement (one fixture for two tests) each carry it: it goes in once
    unique = {module.code_for_node(statement): statement for fix in fixes for statement in fix.after_imports}
    inserted = list(unique.values())
    if inserted:
        module = _insert_after_imports(module, inserted)
    renamed = {id(new) for new in replacements.values() if isinstance(new, (cst.Import, cst.ImportFrom))}
    if renamed:
        module = _reposition_imports(module, renamed)
    requests = list(dict.fromkeys(request for fix in fixes for request in fix.imports))
    if requests:
        module = add_imports(module, requests)
    return drop_unused_imports(module, _names_left_unused(original, module)) if replacements else module


def _names_left_unused(before: cst.Module, after: cst.Module) -> set[str]:
    """Imported names the original module used and the fixed one no longer does."""
    imported = _imported_names(after)
    used_before, used_after = _name_uses(before), _name_uses(after)
    return {name for name in imported if name in used_before and name not in used_after}


def _imported_names(module: cst.Module) -> set[str]:
    return {local for statement in module.body for node in imports_in(statement) for local, _ in bindings(node)}


def _name_uses(module: cst.Module) -> set[str]:
    """Names referenced outside import statements (and strings listed in `__all__`)."""
    used = set()
    for statement in module.body:
        if imports_in(statement):
            continue
        nodes = list(descendants(statement))
        not_references = {id(node.attr) for node in nodes if isinstance(node, cst.Attribute)}
        not_references |= {id(node.keyword) for node in nodes if isinstance(node, cst.Arg) and node.keyword is not None}
        for node in nodes:
            if isinstance(node, cst.Name) and id(node) not in not_references:
                used.add(node.value)
            elif isinstance(node, cst.SimpleString) and node.raw_value.isidentifier():
                used.add(node.raw_value)  # `__all__`, string annotations: kept rather than guessed
    return used


def drop_unused_imports(module: cst.Module, names: set[str]) -> cst.Module:
    """Remove the top-level imports of `names` (the whole statement when nothing else is left in it)."""
    if not names:
        return module
    body = list(module.body)
    for index, statement in enumerate(body):
        if isinstance(statement, cst.SimpleStatementLine) and imports_in(statement):
            replacement = without_imported_names(statement, names)
            if replacement is not None:
                starts_group = index == 0 or bool(statement.leading_lines)
                if isinstance(replacement, cst.RemovalSentinel) and starts_group and index + 1 < len(body):
                    body[index + 1] = body[index + 1].with_changes(leading_lines=statement.leading_lines)
                body[index] = replacement
    return module.with_changes(body=[s for s in body if not isinstance(s, cst.RemovalSentinel)])


def alias_name(alias: cst.ImportAlias) -> str:
    return alias.asname.name.value if alias.asname else (dotted(alias.name) or "")


FUTURE, STANDARD_LIBRARY, THIRD_PARTY, FIRST_PARTY, LOCAL_FOLDER = range(5)  # isort's sections, in order


def import_order(statement: cst.CSTNode, first_party: tuple[str, ...] = ()) -> tuple[int, bool, str] | None:
    """isort's (and ruff's) order of an import statement: its section, plain imports before `from`
    imports, then the module case-insensitively; None for what is not a single import."""
    nodes = imports_in(statement)
    if len(nodes) != 1:
        return None
    node = nodes[0]
    if isinstance(node, cst.ImportFrom):
        module = ("." * len(node.relative)) + (module_name(node) if node.module else "")
        return (_section(module, first_party), True, module.lower())
    module = dotted(node.names[0].name) or ""
    return (_section(module, first_party), False, module.lower())


def _section(module: str, first_party: tuple[str, ...]) -> int:
    head = module.split(".")[0]
    if module == "__future__":
        return FUTURE
    if module.startswith("."):
        return LOCAL_FOLDER
    if head in first_party:
        return FIRST_PARTY
    return STANDARD_LIBRARY if head in sys.stdlib_module_names else THIRD_PARTY


def _reposition_imports(module: cst.Module, renamed: set[int]) -> cst.Module:
    """Move each top-level import a fix rewrote to its sorted place within its group (the run of imports
    between blank lines)."""
    body = list(module.body)
    for index in range(len(body)):
        nodes = imports_in(body[index])
        if len(nodes) == 1 and id(nodes[0]) in renamed:
            body = _move_within_group(body, index)
    return module.with_changes(body=body)


def _move_within_group(body: list, index: int) -> list:
    start = index
    while start > 0 and not body[start].leading_lines and import_order(body[start - 1]) is not None:
        start -= 1
    end = index + 1
    while end < len(body) and not body[end].leading_lines and import_order(body[end]) is not None:
        end += 1
    group = body[start:end]
    head_lines = group[0].leading_lines
    moving = group.pop(index - start)
    key = import_order(moving)
    target = next((i for i, statement in enumerate(group) if import_order(statement) > key), len(group))
    group.insert(target, moving)
    group = [statement.with_changes(leading_lines=head_lines if i == 0 else []) for i, statement in enumerate(group)]
    return [*body[:start], *group, *body[end:]]


def _is_import_block(statement: cst.CSTNode) -> bool:
    """An import statement, or a `try:`/`if` guard whose body imports (`HAS_DEPS` pattern)."""
    if imports_in(statement):
        return True
    if isinstance(statement, (cst.Try, cst.If)):
        return any(imports_in(inner) for inner in statement.body.body)
    return False


def _insertion_index(body) -> int:
    """Just after the leading docstring and imports."""
    index = 0
    for position, statement in enumerate(body):
        if (position == 0 and _is_docstring(statement)) or _is_import_block(statement):
            index = position + 1
        else:
            break
    return index


def _is_docstring(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _insert_after_imports(module: cst.Module, statements: list[cst.BaseStatement]) -> cst.Module:
    body = list(module.body)
    index = _insertion_index(body)
    two_blank = [cst.EmptyLine(), cst.EmptyLine()]
    placed = [statement.with_changes(leading_lines=two_blank) for statement in statements]
    if index < len(body) and len(body[index].leading_lines) < 2:
        body[index] = body[index].with_changes(leading_lines=two_blank)
    return module.with_changes(body=body[:index] + placed + body[index:])


def add_imports(module: cst.Module, requests: list[ImportRequest]) -> cst.Module:
    bound = {}
    for statement in module.body:
        for node in imports_in(statement):
            bound.update(bindings(node))
    missing = [request for request in dict.fromkeys(requests) if bound.get(request.binds[0]) != request.binds[1]]
    first_party = tuple(sorted({name for request in requests for name in request.local}))
    body = list(module.body)
    for request in missing:
        if request.name is not None and _extend_from_import(body, request):
            continue
        body = _insert_import(body, cst.parse_statement(_import_line(request) + "\n"), first_party)
    return module.with_changes(body=body)


def _insert_import(body: list, statement: cst.SimpleStatementLine, first_party: tuple[str, ...]) -> list:
    """Into the leading block of imports where isort puts it: before the first import that sorts after
    it, in its own section (separated by a blank line from the others, a new one when the file has
    none of its section)."""
    end = _insertion_index(body)
    new = import_order(statement, first_party)
    orders = [import_order(body[index], first_party) for index in range(end)]
    later = next((index for index in range(end) if orders[index] is not None and orders[index] > new), None)
    before = next((orders[index] for index in range((end if later is None else later) - 1, -1, -1) if orders[index] is not None), None)
    same_as_before = before is not None and before[0] == new[0]
    if later is not None:
        following = body[later]
        if orders[later][0] == new[0]:  # first of its section or not, it takes the place of the import after it
            statement = statement.with_changes(leading_lines=following.leading_lines)
            body[later] = following.with_changes(leading_lines=[])
        elif before is None:  # the first import: the next section starts after it
            statement = statement.with_changes(leading_lines=following.leading_lines)
            body[later] = following.with_changes(leading_lines=[cst.EmptyLine()])
        elif not same_as_before:
            statement = statement.with_changes(leading_lines=[cst.EmptyLine()])
        return [*body[:later], statement, *body[later:]]
    if before is not None and not same_as_before:
        statement = statement.with_changes(leading_lines=[cst.EmptyLine()])
    if end < len(body):
        following = body[end]
        wanted = 2 if isinstance(following, (cst.FunctionDef, cst.ClassDef)) else 1
        if _is_import_block(following):
            pass  # a guarded import block follows: the blank lines stay as they are
        elif end == 0 or not _is_import_block(body[end - 1]) or len(following.leading_lines) < wanted:
            blank = [cst.EmptyLine()] * max(0, wanted - len(following.leading_lines))
            body[end] = following.with_changes(leading_lines=[*blank, *following.leading_lines])
        return [*body[:end], statement, *body[end:]]
    return [*body, statement]


def _import_line(request: ImportRequest) -> str:
    if request.name is None:
        return f"import {request.module}"
    return f"from {request.module} import {request.name}"


def _extend_from_import(body: list, request: ImportRequest) -> bool:
    """Add the name to an existing top-level `from module import ...` (not a star import)."""
    for index, statement in enumerate(body):
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            continue
        node = statement.body[0]
        if not isinstance(node, cst.ImportFrom) or isinstance(node.names, cst.ImportStar):
            continue
        if module_name(node) != request.module:
            continue
        names = list(node.names)
        last = names[-1]
        if isinstance(last.comma, cst.Comma) and node.lpar is not None:  # one name per line
            names[-1] = last.with_changes(comma=separator_before_last(names, node.lpar.whitespace_after))
            names.append(cst.ImportAlias(name=cst.Name(request.name), comma=last.comma))
        else:
            names[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            names.append(cst.ImportAlias(name=cst.Name(request.name)))
        body[index] = statement.with_changes(body=[node.with_changes(names=names)])
        return True
    return False


def without_imported_names(statement: cst.SimpleStatementLine, names: set[str]):
    """The import statement without the aliases that bind `names` (a replacement for `statement`), or
    removal when none is left; None when it binds none of them."""
    node = statement.body[0] if len(statement.body) == 1 else None
    if not isinstance(node, (cst.Import, cst.ImportFrom)) or isinstance(node.names, cst.ImportStar):
        return None
    kept = [alias for alias in node.names if _binds(alias, node) not in names]
    if len(kept) == len(node.names):
        return None
    if not kept:
        return cst.RemoveFromParent()
    kept[-1] = kept[-1].with_changes(comma=node.names[-1].comma)
    return statement.with_changes(body=[node.with_changes(names=kept)])


def _binds(alias: cst.ImportAlias, node: cst.Import | cst.ImportFrom) -> str:
    if isinstance(node, cst.Import) and alias.asname is None:
        return (dotted(alias.name) or "").split(".", 1)[0]
    return alias_name(alias)


def extended_conftest(source: bytes, fixtures: list[ConftestFixture]) -> bytes:
    """A conftest.py (empty bytes: a new one) with the fixtures appended after everything it holds and
    their imports merged into its own; a fixture whose name the module already binds is left out.
    FileError when it does not parse."""
    from tclint.engine.lint import parse

    module = parse(source)
    taken = {statement.name.value for statement in module.body if isinstance(statement, (cst.FunctionDef, cst.ClassDef))}
    added = []
    for fixture in fixtures:
        if fixture.name not in taken:
            taken.add(fixture.name)
            added.append(fixture)
    if not added:
        return source
    statements = [cst.parse_statement(fixture.code) for fixture in added]
    if module.body:
        statements = [statement.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()]) for statement in statements]
    else:
        statements = [statement.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()] if index else [])
                      for index, statement in enumerate(statements)]  # fmt: skip
    bound = {local: canonical_name(target) for statement in module.body for node in imports_in(statement) for local, target in bindings(node)}
    module = module.with_changes(body=[*module.body, *statements], has_trailing_newline=True)
    requests = [request for fixture in added for request in fixture.imports
                if bound.get(request.binds[0]) != canonical_name(request.binds[1])]  # either testcontainers layout will do
    return add_imports(module, list(dict.fromkeys(requests))).bytes
