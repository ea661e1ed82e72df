"""TCL601 hardcoded-container-address: `localhost` or the internal port where the container's mapped
address belongs."""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from tclint.diagnostics import SAFE
from tclint.engine.fixes import Fix
from tclint.engine.fixture_graph import FixtureGraph
from tclint.engine.model import FunctionInfo, descendants, source_of
from tclint.engine.rule import Rule
from tclint.engine.walk import children
from tclint.knowledge import container_class

HOST = re.compile(r"(?<![\w.-])(localhost|127\.0\.0\.1)(?![\w-])(?::(\d+))?")
# calls whose arguments never reach the container from the test: commands and settings inside it,
# local servers the test binds, checks and logs
NOT_CONNECTING = re.compile(
    r"(^|\.)(exec|with_command|with_env|with_envs|with_bind_ports|with_exposed_ports|get_exposed_port|replace|"
    r"startswith|endswith|bind|listen|serve|run|HTTPServer|ThreadingHTTPServer|TCPServer|TCPSite|"
    r"print|debug|info|warning|error|exception|log|fail|skip|xfail|assert\w*)$"
)


@dataclass(frozen=True)
class Reachable:
    expression: str  # how the test reaches the container: a parameter or a variable
    ports: tuple[int, ...]


class HardcodedContainerAddress(Rule):
    name = "hardcoded-container-address"

    def finish(self) -> None:
        graph = FixtureGraph(self.model, self.context.project)
        for function in self.model.functions:
            if function.fixture is None and not function.is_test:
                continue
            containers = self.reachable(function, graph)
            if containers:
                self.check(function, containers)

    def reachable(self, function: FunctionInfo, graph: FixtureGraph) -> list[Reachable]:
        found = []
        for param in function.params:
            signature = graph.container_behind(param)
            if signature and (param.endswith("_container") or (len(signature) == 3 and graph.fixtures[param].container)):
                found.append(Reachable(param, ports_of(signature)))
        for ref in function.containers:
            if ref.var and "." not in ref.var:
                found.append(Reachable(ref.var, ports_of(ref.signature())))
        return found

    def check(self, function: FunctionInfo, containers: list[Reachable]) -> None:
        constructions = {id(node) for ref in function.containers for node in descendants(ref.construction)}
        for statement in function.body:
            self.walk(statement, containers, constructions)

    def walk(self, node: cst.CSTNode, containers, constructions) -> None:
        """Literal hosts and ports in the function, outside the places that never connect."""
        if isinstance(node, (cst.Assert, cst.Comparison, cst.If, cst.While)) or id(node) in constructions:
            return
        if isinstance(node, cst.Call):
            name = source_of(node.func)
            if NOT_CONNECTING.search(name):
                return
            self.check_keywords(node, containers)
        if isinstance(node, (cst.SimpleString, cst.FormattedString)):
            self.check_string(node, containers)
            return
        for child in children(node):
            self.walk(child, containers, constructions)

    def check_string(self, node: cst.SimpleString | cst.FormattedString, containers: list[Reachable]) -> None:
        text = node.evaluated_value if isinstance(node, cst.SimpleString) else "".join(
            part.value for part in node.parts if isinstance(part, cst.FormattedStringText))  # fmt: skip
        if not isinstance(text, str):
            return
        match = HOST.search(text)
        if match is None:
            return
        port = int(match.group(2)) if match.group(2) else None
        target = self.pick(containers, port)
        where = f"`{match.group(0)}`"
        advice = f"`{target.expression}.get_container_host_ip()`" if target else "`get_container_host_ip()`"
        if port is not None:
            advice += " and `get_exposed_port(...)`"
        fix = self.fix_string(node, target, port) if target else None
        self.report(node, f"Hard-coded address {where} where the container's mapped address belongs: use {advice}", fix)

    def check_keywords(self, call: cst.Call, containers: list[Reachable]) -> None:
        for arg in call.args:
            if arg.keyword is None or not isinstance(arg.value, cst.Integer):
                continue
            keyword = arg.keyword.value
            if keyword != "port" and not keyword.endswith("_port"):
                continue
            port = int(arg.value.evaluated_value)
            target = self.pick(containers, port, require_port=True)
            if target is None:
                continue
            replacement = cst.parse_expression(f"int({target.expression}.get_exposed_port({port}))")
            self.report(
                arg.value,
                f"Port `{port}` is the container's internal port: the test reaches it through `{target.expression}.get_exposed_port({port})`",
                Fix(f"Use `{target.expression}.get_exposed_port({port})`", SAFE, [(arg.value, replacement)]),
            )

    @staticmethod
    def pick(containers: list[Reachable], port: int | None, require_port: bool = False) -> Reachable | None:
        """The container the address means: the one exposing the port, or the only one in reach."""
        if port is not None:
            matching = [c for c in containers if port in c.ports]
            if len(matching) == 1:
                return matching[0]
            if require_port:
                return None
        return containers[0] if len(containers) == 1 and not require_port else None

    def fix_string(self, node, target: Reachable, port: int | None) -> Fix | None:
        """`"redis://localhost:6379/0"` -> `f"redis://{c.get_container_host_ip()}:{c.get_exposed_port(6379)}/0"`."""
        host_code = f"{target.expression}.get_container_host_ip()"
        port_code = f"{target.expression}.get_exposed_port({port})" if port is not None else None
        if isinstance(node, cst.SimpleString):
            if node.prefix.lower() not in ("",) or len(node.quote) != 1:
                return None
            text = node.evaluated_value
            match = HOST.search(text)
            if "{" in text or "}" in text or "\\" in node.value:
                return None
            if match.start() == 0 and match.end() == len(text) and port is None:
                replacement: cst.BaseExpression = cst.parse_expression(host_code)
            else:
                address = "{" + host_code + "}" + (":{" + port_code + "}" if port_code else "")
                body = text[: match.start()] + address + text[match.end() :]
                replacement = cst.parse_expression(f"f{node.quote}{body}{node.quote}")
            return Fix(f"Use `{host_code}`", SAFE, [(node, replacement)])
        parts = list(node.parts)
        for index, part in enumerate(parts):
            if isinstance(part, cst.FormattedStringText) and HOST.search(part.value):
                match = HOST.search(part.value)
                address = "{" + host_code + "}" + (":{" + port_code + "}" if port_code else "")
                quote = node.end
                fresh = cst.parse_expression(f"f{quote}{part.value[: match.start()]}{address}{part.value[match.end() :]}{quote}")
                parts[index : index + 1] = list(fresh.parts)
                return Fix(f"Use `{host_code}`", SAFE, [(node, node.with_changes(parts=parts))])
        return None


def ports_of(signature: tuple) -> tuple[int, ...]:
    """The container's internal ports: its class's, and those its configuration exposes."""
    if len(signature) != 3:
        return ()
    qualname, arguments, calls = signature
    known = container_class(qualname)
    ports = set(known.ports if known else ())
    for key, value in arguments:
        if key == "port" and value.isdigit():
            ports.add(int(value))
    for call in calls:
        if call.startswith("with_exposed_ports("):
            ports.update(int(number) for number in re.findall(r"\d+", call))
    return tuple(sorted(ports))
