"""Name resolution through a per-module import map: local name -> dotted name.

`from time import sleep as nap` makes `nap` resolve to `time.sleep`; `import testcontainers.postgres as
tcp` makes `tcp.PostgresContainer` resolve to `testcontainers.postgres.PostgresContainer`. Module-level
imports (including those inside `try:`/`if` guards) are read before the walk; imports inside functions
are added to that function's scope as the walk meets them.
"""

from __future__ import annotations

import libcst as cst

from tclint.knowledge import canonical_name


def dotted(expr: cst.BaseExpression) -> str | None:
    """`a.b.c` as written, or None for anything but a chain of names."""
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        base = dotted(expr.value)
        return f"{base}.{expr.attr.value}" if base else None
    return None


def module_name(node: cst.ImportFrom) -> str:
    dots = "." * len(node.relative)
    return dots + (dotted(node.module) or "") if node.module is not None else dots


def bindings(node: cst.Import | cst.ImportFrom) -> list[tuple[str, str]]:
    """(local name, dotted name) pairs an import statement binds."""
    pairs = []
    if isinstance(node, cst.Import):
        for alias in node.names:
            full = dotted(alias.name) or ""
            if alias.asname is not None:
                pairs.append((alias.asname.name.value, full))
            else:
                head = full.split(".", 1)[0]
                pairs.append((head, head))
        return pairs
    if isinstance(node.names, cst.ImportStar):
        return pairs
    source = module_name(node)
    separator = "" if source.endswith(".") else "."
    for alias in node.names:
        name = dotted(alias.name) or ""
        local = alias.asname.name.value if alias.asname is not None else name
        pairs.append((local, f"{source}{separator}{name}"))
    return pairs


def from_imported(node: cst.ImportFrom) -> list[tuple[str, str]]:
    source = module_name(node)
    if isinstance(node.names, cst.ImportStar):
        return [(source, "*")]
    return [(source, dotted(alias.name) or "") for alias in node.names]


def top_level_statements(module: cst.Module):
    """Module-level statements, looking inside `if`/`try`/`with` blocks but not into defs or classes."""
    pending = list(module.body)
    while pending:
        statement = pending.pop(0)
        yield statement
        if isinstance(statement, (cst.If, cst.Try, cst.TryStar, cst.With, cst.For, cst.While)):
            inner: list = list(statement.body.body)
            if isinstance(statement, (cst.Try, cst.TryStar)):
                for handler in statement.handlers:
                    inner.extend(handler.body.body)
                if statement.finalbody is not None:
                    inner.extend(statement.finalbody.body.body)
            orelse = getattr(statement, "orelse", None)
            while orelse is not None:
                inner.extend(orelse.body.body)
                orelse = getattr(orelse, "orelse", None) if isinstance(orelse, cst.If) else None
            pending[:0] = inner


def imports_in(statement: cst.CSTNode) -> list[cst.Import | cst.ImportFrom]:
    if isinstance(statement, cst.SimpleStatementLine):
        return [small for small in statement.body if isinstance(small, (cst.Import, cst.ImportFrom))]
    return []


class Resolver:
    """Resolves expressions to canonical dotted names through a stack of import maps."""

    def __init__(self, module: cst.Module) -> None:
        module_scope: dict[str, str] = {}
        self.from_imports: list[tuple[str, str]] = []  # module-level `from M import N` as written; N is "*" for a star
        for statement in top_level_statements(module):
            for node in imports_in(statement):
                module_scope.update(bindings(node))
                if isinstance(node, cst.ImportFrom):
                    self.from_imports.extend(from_imported(node))
        self._scopes: list[dict[str, str]] = [module_scope]

    def bind_star(self, local: str, dotted_name: str) -> None:
        """A name a module-level star import binds; the module's own imports by name win."""
        self._scopes[0].setdefault(local, dotted_name)

    def push(self) -> None:
        self._scopes.append({})

    def pop(self) -> None:
        self._scopes.pop()

    def bind_import(self, node: cst.Import | cst.ImportFrom) -> None:
        if len(self._scopes) > 1:  # module-level imports were read up front
            self._scopes[-1].update(bindings(node))

    def lookup(self, local: str) -> str | None:
        for scope in reversed(self._scopes):
            if local in scope:
                return scope[local]
        return None

    def resolve(self, expr: cst.BaseExpression) -> str | None:
        """The canonical dotted name an expression refers to through imports, or None."""
        if isinstance(expr, cst.Name):
            target = self.lookup(expr.value)
            return canonical_name(target) if target else None
        if isinstance(expr, cst.Attribute):
            base = self.resolve_raw(expr.value)
            return canonical_name(f"{base}.{expr.attr.value}") if base else None
        return None

    def resolve_raw(self, expr: cst.BaseExpression) -> str | None:
        if isinstance(expr, cst.Name):
            return self.lookup(expr.value)
        if isinstance(expr, cst.Attribute):
            base = self.resolve_raw(expr.value)
            return f"{base}.{expr.attr.value}" if base else None
        return None

    def absolute_bindings(self) -> tuple[tuple[str, str], ...]:
        """The module-level names its imports bind to absolute dotted names: what a star import of the
        module passes on (a relative name means nothing from another folder)."""
        return tuple(sorted((local, target) for local, target in self._scopes[0].items() if not target.startswith(".")))

    def lookup_module(self, local: str) -> bool:
        """Whether an import binds the name at module level."""
        return local in self._scopes[0]

    def module_names(self) -> set[str]:
        return set(self._scopes[0])

    def imported_names(self) -> set[str]:
        """What the module's imports bind, as dotted names."""
        return set(self._scopes[0].values())

    def local_names_for(self, dotted_name: str) -> list[str]:
        """Spellings that reach `dotted_name` in this module (for building fixes that reuse imports)."""
        names = []
        for local, target in self._scopes[0].items():
            if target == dotted_name:
                names.append(local)
            elif dotted_name.startswith(target + "."):
                names.append(local + dotted_name[len(target) :])
        return sorted(names, key=lambda name: (name != dotted_name, name))
