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


@dataclass(frozen=True)
class ImportRequest:
    """`from module import name`, or `import module` when name is None."""

    module: str
    name: str | None = None

    @property
    def binds(self) -> tuple[str, str]:
        if self.name is None:
            head = self.module.split(".")[0]
            return head, head
        return self.name, f"{self.module}.{self.name}"


@dataclass(eq=False)
class Fix:
    title: str
    applicability: str
    replacements: list[tuple[cst.CSTNode, object]] = field(default_factory=list)
    imports: tuple[ImportRequest, ...] = ()
    after_imports: tuple[cst.BaseStatement, ...] = ()
    new_files: tuple[tuple[str, str], ...] = ()  # (path from the project root, content): created if absent
    drop_if_unused: tuple[str, ...] = ()  # imported names the fix may leave unused: dropped if nothing uses them

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
    replacements = {id(original): new for fix in fixes for original, new in fix.replacements}
    if replacements:
        module = module.visit(_Replace(replacements))
    # fixes that share a new statement (one fixture for two tests) each carry it: it goes in once
    unique = {module.code_for_node(statement): statement for fix in fixes for statement in fix.after_imports}
    inserted = list(unique.values())
    if inserted:
        module = _insert_after_imports(module, inserted)
    requests = list(dict.fromkeys(request for fix in fixes for request in fix.imports))
    if requests:
        module = add_imports(module, requests)
    droppable = {name for fix in fixes for name in fix.drop_if_unused}
    return drop_unused_imports(module, droppable) if droppable else module


def drop_unused_imports(module: cst.Module, names: set[str]) -> cst.Module:
    """Remove top-level `from x import name` of the names that nothing in the module uses any more."""
    imported = {alias_name(alias) for statement in module.body for node in imports_in(statement)
                if isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar) for alias in node.names}  # fmt: skip
    unused = {name for name in names if name in imported and _uses(module, name) == 0}
    body = list(module.body)
    for name in unused:
        for index, statement in enumerate(body):
            if isinstance(statement, cst.SimpleStatementLine):
                replacement = without_imported_name(statement, name)
                if replacement is not None:
                    body[index] = replacement
                    break
    return module.with_changes(body=[s for s in body if not isinstance(s, cst.RemovalSentinel)])


def alias_name(alias: cst.ImportAlias) -> str:
    return alias.asname.name.value if alias.asname else (dotted(alias.name) or "")


def _uses(module: cst.Module, name: str) -> int:
    """References to a name outside import statements."""
    count = 0
    for statement in module.body:
        if imports_in(statement):
            continue
        count += sum(1 for node in descendants(statement) if isinstance(node, cst.Name) and node.value == name)
    return count


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
    body = list(module.body)
    for request in missing:
        if request.name is not None and _extend_from_import(body, request):
            continue
        body = _insert_import(body, cst.parse_statement(_import_line(request) + "\n"), request.module)
    return module.with_changes(body=body)


def _insert_import(body: list, statement: cst.SimpleStatementLine, module: str) -> list:
    """Before the first plain import of the leading block that sorts after it, else after the block."""
    end = _insertion_index(body)
    for index in range(end):
        imported = _plain_import_module(body[index])
        if imported is not None and imported != "__future__" and _sort_key(imported) > _sort_key(module):
            first = body[index]
            body[index] = first.with_changes(leading_lines=[])
            return [*body[:index], statement.with_changes(leading_lines=first.leading_lines), *body[index:]]
    if end < len(body):
        following = body[end]
        wanted = 2 if isinstance(following, (cst.FunctionDef, cst.ClassDef)) else 1
        if end == 0 or not _is_import_block(body[end - 1]) or len(following.leading_lines) < wanted:
            blank = [cst.EmptyLine()] * max(0, wanted - len(following.leading_lines))
            body[end] = following.with_changes(leading_lines=[*blank, *following.leading_lines])
        return [*body[:end], statement, *body[end:]]
    return [*body, statement]


def _sort_key(module: str) -> tuple[bool, str]:
    """isort's order, roughly: the standard library first, then the rest, alphabetically."""
    return module.split(".")[0] not in sys.stdlib_module_names, module.lower()


def _plain_import_module(statement: cst.CSTNode) -> str | None:
    nodes = imports_in(statement)
    if len(nodes) != 1:
        return None
    node = nodes[0]
    if isinstance(node, cst.ImportFrom):
        return None if node.relative else module_name(node)
    return dotted(node.names[0].name)


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


def without_imported_name(statement: cst.SimpleStatementLine, name: str):
    """The import statement without `name` (a replacement for `statement`), or removal when it was the
    only name; None when the statement does not import it."""
    node = statement.body[0] if len(statement.body) == 1 else None
    if not isinstance(node, cst.ImportFrom) or isinstance(node.names, cst.ImportStar):
        return None
    kept = [alias for alias in node.names if alias_name(alias) != name]
    if len(kept) == len(node.names):
        return None
    if not kept:
        return cst.RemoveFromParent()
    kept[-1] = kept[-1].with_changes(comma=node.names[-1].comma)
    return statement.with_changes(body=[node.with_changes(names=kept)])
