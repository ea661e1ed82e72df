"""The semantic part of the model: bindings per scope, recorded in the shared walk, and what an
expression holds, inferred on demand.

How a rule asks (through `Model`, which records the bindings and owns the scopes):

    model.bindings("url", scope)        # every assignment of a name visible from a scope (Python's rules)
    model.origin(expr, scope)           # follows names, `self.x`, `settings.x`, `d["k"]` to the expression
                                        # that made the value: Origin(expr, scope, param=...)
    model.string_of(expr, scope)        # the text a string holds, literal parts with the node they come from
    model.container_of(expr, scope)     # Held(cls, ref, fixture) when the expression holds a container
    model.address_role(expr, scope)     # "host" / "port" / "url" when it is a container's mapped address
    model.callee(call, scope)           # the qualified name of what a call calls, through imports and aliases
    model.client_of(expr, scope)        # ClientUse when the expression holds a client of a service

`scope` is a `FunctionInfo`, `ClassInfo` or the module's `Scope`; during the walk it defaults to the
innermost scope (bindings recorded so far are those before the node being visited), in `finish()` pass
the function being checked. Nothing is computed until asked: the walk only appends bindings.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

import libcst as cst

MAX_DEPTH = 12  # how many names, attributes and subscripts one question follows


@dataclass(frozen=True, eq=False)
class Binding:
    """One assignment of a name (or of `self.x`, `obj.attr`, `d["key"]`, written as that key)."""

    name: str
    value: cst.BaseExpression | None  # what was assigned; None when unknown (a parameter, `+=`, a loop)
    kind: str  # "assign", "param", "with", "for", "def", "class", "import", "augmented"
    node: cst.CSTNode  # the target
    scope: object  # the Scope, FunctionInfo or ClassInfo it belongs to


@dataclass(frozen=True, eq=False)
class Origin:
    """Where a value comes from: the expression that made it, in the scope whose names it uses."""

    expr: cst.BaseExpression
    scope: object
    param: str | None = None  # the value is this function parameter (a fixture, for a test or fixture)


@dataclass(frozen=True, eq=False)
class Part:
    """A piece of a string: literal text and the string literal it was written in, or an expression
    whose text is not known (`text` None)."""

    text: str | None
    node: cst.CSTNode
    scope: object


@dataclass(frozen=True, eq=False)
class StringValue:
    parts: tuple[Part, ...]

    @property
    def text(self) -> str:
        """The string with each unknown part as `{}`."""
        return "".join(part.text if part.text is not None else "{}" for part in self.parts)

    @property
    def known(self) -> bool:
        return all(part.text is not None for part in self.parts)

    def part_at(self, offset: int) -> Part | None:
        """The part holding the character at `offset` of `text`."""
        position = 0
        for part in self.parts:
            length = len(part.text) if part.text is not None else 2
            if position <= offset < position + length:
                return part
            position += length
        return None


def key_of(expr: cst.BaseExpression) -> str | None:
    """The binding key of an assignment target or a reference: `x`, `self.x`, `a.b`, `d['k']`."""
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        base = key_of(expr.value)
        return f"{base}.{expr.attr.value}" if base else None
    if isinstance(expr, cst.Subscript) and len(expr.slice) == 1 and isinstance(expr.slice[0].slice, cst.Index):
        base = key_of(expr.value)
        index = expr.slice[0].slice.value
        if base and isinstance(index, (cst.SimpleString, cst.Integer)):
            return f"{base}[{literal_key(index)!r}]"
    return None


def literal_key(expr: cst.BaseExpression):
    if isinstance(expr, cst.SimpleString):
        return expr.evaluated_value
    if isinstance(expr, cst.Integer):
        return int(expr.evaluated_value)
    return None


def dict_value(mapping: cst.Dict, key) -> cst.BaseExpression | None:
    """The value a dict literal holds for a literal key (the last one written wins)."""
    found = None
    for element in mapping.elements:
        if isinstance(element, cst.DictElement) and literal_key(element.key) == key:
            found = element.value
    return found


def keyword_value(call: cst.Call, name: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


def unwrap(expr: cst.BaseExpression) -> cst.BaseExpression:
    """`await x` and `(x)` -> `x`."""
    while isinstance(expr, cst.Await):
        expr = expr.expression
    return expr


def target_bindings(target: cst.BaseExpression, value: cst.BaseExpression | None, kind: str, scope) -> list[Binding]:
    """What an assignment target binds: names, `self.x`, `a.b`, `d["k"]`, each element of a tuple."""
    if isinstance(target, (cst.Tuple, cst.List)):
        elements = [element.value for element in target.elements]
        values = [e.value for e in value.elements] if isinstance(value, (cst.Tuple, cst.List)) else None
        if values is not None and len(values) == len(elements) and not any(isinstance(e, cst.StarredElement) for e in target.elements):
            return [b for element, item in zip(elements, values) for b in target_bindings(element, item, kind, scope)]
        return [b for element in elements for b in target_bindings(element, None, kind, scope)]
    if isinstance(target, cst.StarredElement):
        return target_bindings(target.value, None, kind, scope)
    key = key_of(target)
    return [Binding(key, value, kind, target, scope)] if key else []


# -- templates filled by `str.format` and `%` --------------------------------------------------------

PERCENT_FIELD = re.compile(r"%(?:\((\w+)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])")


@dataclass(frozen=True)
class Arguments:
    """What fills a template's fields: positional values, and values by name."""

    positional: tuple
    named: dict


def format_arguments(call: cst.Call) -> Arguments | None:
    """The arguments of `template.format(...)`; None when `*args` or `**kwargs` hide them."""
    if any(arg.star for arg in call.args):
        return None
    return Arguments(tuple(a.value for a in call.args if a.keyword is None), {a.keyword.value: a.value for a in call.args if a.keyword})


def percent_arguments(right: cst.BaseExpression) -> Arguments:
    """The right side of `template % ...`: a tuple, a dict literal (for `%(name)s`), or one value."""
    if isinstance(right, cst.Tuple):
        return Arguments(tuple(e.value for e in right.elements), {})
    if isinstance(right, cst.Dict):
        return Arguments((), {literal_key(e.key): e.value for e in right.elements if isinstance(e, cst.DictElement)})
    return Arguments((right,), {})


def format_fields(text: str) -> list[tuple[str, str | None]] | None:
    """`"a{port}b"` -> [("a", "port"), ("b", None)]: literal text and the field after it ("" for `{}`);
    None when the text is no valid template."""
    try:
        return [(literal, field) for literal, field, _spec, _conversion in string.Formatter().parse(text)]
    except ValueError:
        return None


def percent_fields(text: str) -> list[tuple[str, str | None]]:
    """`"a%sb%(port)d"` -> [("a", ""), ("b", "port")]: as `format_fields`, for `%` templates."""
    pieces, start = [], 0
    for match in PERCENT_FIELD.finditer(text):
        if match.group(2) == "%":
            pieces.append((text[start : match.start()] + "%", None))
        else:
            pieces.append((text[start : match.start()], match.group(1) or ""))
        start = match.end()
    return [*pieces, (text[start:], None)]


def argument_of(field: str, arguments: Arguments, counter) -> cst.BaseExpression | None:
    """The argument a field takes: the next positional one for `{}`/`%s`, by index, or by name (None
    for `{user.name}`, `{0[1]}` and arguments not written)."""
    if field == "":
        index = next(counter, None)
        return arguments.positional[index] if index is not None else None
    if field.isdigit():
        return arguments.positional[int(field)] if int(field) < len(arguments.positional) else None
    return arguments.named.get(field)
