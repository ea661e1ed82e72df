"""Wrapper classes: project classes that hold a container (or another wrapper) in an attribute and start
and stop it in their own methods (`RustFS().start()`, `Server()` whose `__init__` starts it, `close()`).

A class is a wrapper when one of its methods starts what it holds; the methods that start it and those
that stop it are followed through `self.other()` calls and through the attributes that hold another
wrapper, to a fixed point. Found per module, exported with the module's facts (`FileFacts.wrappers`), so
a fixture of another module that builds one is judged by the same facts.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from tclint.engine.model import ClassInfo, FunctionInfo, descendants, self_attribute


@dataclass(frozen=True)
class Wrapper:
    name: str
    starts: frozenset[str]  # its methods that start the container (`__init__` when constructing it does)
    stops: frozenset[str]  # its methods that stop it (`__exit__` when leaving a `with` does)

    def fact(self) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        return (self.name, tuple(sorted(self.starts)), tuple(sorted(self.stops)))

    @classmethod
    def from_fact(cls, fact: tuple) -> Wrapper:
        return cls(fact[0], frozenset(fact[1]), frozenset(fact[2]))


def module_wrappers(model) -> dict[str, Wrapper]:
    """The module's top-level wrapper classes, by name (container subclasses and test classes aside)."""
    classes = [info for info in model.classes if info.parent is None and not info.is_testcase and not info.is_test_class
               and info.node.name.value not in model.local_container_classes]  # fmt: skip
    found: dict[str, Wrapper] = {}
    grew = True
    while grew:
        grew = False
        for info in classes:
            wrapper = _wrapper_of(info, found, model)
            if wrapper is not None and found.get(wrapper.name) != wrapper:
                found[wrapper.name] = wrapper
                grew = True
    return found


def wrapper_class(model, func: cst.BaseExpression, local: dict[str, Wrapper], imports: dict[str, str] | None = None) -> Wrapper | None:
    """The wrapper class a call's callee names: one of the module's, or one another project module defines
    (`imports`: what the calling function's own import statements bind)."""
    if isinstance(func, cst.Name) and imports and func.value in imports:
        qualname = imports[func.value] if model.project.modules else None
    elif isinstance(func, cst.Name) and func.value in local and model.resolver.lookup(func.value) is None:
        return local[func.value]
    else:
        qualname = model.qualified(func) if model.project.modules else None
    imported = model.project.imported(qualname) if qualname and not qualname.startswith("testcontainers.") else None
    if imported is None:
        return None
    facts, name = imported
    fact = next((entry for entry in facts.wrappers if entry[0] == name), None)
    return Wrapper.from_fact(fact) if fact is not None else None


def _wrapper_of(info: ClassInfo, known: dict[str, Wrapper], model) -> Wrapper | None:
    held = _held_wrappers(info, known, model)
    starts: set[str] = set()
    stops: set[str] = set()
    for name, method in info.methods.items():
        if _calls_on_held(method, info, held, "starts") or _starts_attribute_container(method, info):
            starts.add(name)
        if _calls_on_held(method, info, held, "stops"):
            stops.add(name)
    grew = True
    while grew:  # `def __enter__(self): return self.start()`
        before = (len(starts), len(stops))
        for name, method in info.methods.items():
            called = _own_methods_called(method)
            if called & starts:
                starts.add(name)
            if called & stops:
                stops.add(name)
        grew = (len(starts), len(stops)) != before
    return Wrapper(info.node.name.value, frozenset(starts), frozenset(stops)) if starts else None


def _held_wrappers(info: ClassInfo, known: dict[str, Wrapper], model) -> dict[str, Wrapper]:
    """`self.inner = Inner(...)` (or `Inner(...).start()`) in any method: the attribute holds a wrapper."""
    held = {}
    for method in info.methods.values():
        for node in descendants(method.node.body):
            if isinstance(node, cst.Assign) and isinstance(node.value, cst.Call):
                call = node.value
                if isinstance(call.func, cst.Attribute) and isinstance(call.func.value, cst.Call):
                    call = call.func.value  # `Inner().start()`
                wrapper = wrapper_class(model, call.func, known)
                for target in node.targets:
                    if wrapper is not None and self_attribute(target.target):
                        held[target.target.attr.value] = wrapper
    return held


def _calls_on_held(method: FunctionInfo, info: ClassInfo, held: dict[str, Wrapper], kind: str) -> bool:
    """`self.c.start()` / `self.c.stop()` on a container attribute, or a starting / stopping method of
    a held wrapper (`self.inner.start()`, `self.inner = Inner().start()`)."""
    plain = "start" if kind == "starts" else "stop"
    for node in descendants(method.node.body):
        if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)):
            continue
        receiver, called = node.func.value, node.func.attr.value
        if isinstance(receiver, cst.Call) and (wrapper := _constructed_wrapper(receiver, held)) is not None:
            if called in getattr(wrapper, kind):
                return True
        if not self_attribute(receiver):
            continue
        attribute = receiver.attr.value
        if attribute in info.attributes and called == plain:
            return True
        if attribute in held and called in getattr(held[attribute], kind):
            return True
    return False


def _constructed_wrapper(call: cst.Call, held: dict[str, Wrapper]) -> Wrapper | None:
    name = call.func.value if isinstance(call.func, cst.Name) else None
    return next((wrapper for wrapper in held.values() if wrapper.name == name), None)


def _starts_attribute_container(method: FunctionInfo, info: ClassInfo) -> bool:
    """`self.c = DockerContainer(...).start()`: the start is the container's own, made in this method."""
    inside = {id(node) for node in descendants(method.node)}
    return any(ref.started_by is not None and id(ref.started_by) in inside for ref in info.attributes.values())


def _own_methods_called(method: FunctionInfo) -> set[str]:
    return {node.func.attr.value for node in descendants(method.node.body)
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
            and isinstance(node.func.value, cst.Name) and node.func.value.value == "self"}  # fmt: skip
