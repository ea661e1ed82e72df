"""TCL601 hardcoded-container-address: `localhost` or the internal port where the container's mapped
address belongs.

The rule starts from what connects (a client, a request, a settings object or dict with address keys,
an address environment variable) and follows each address argument back through the model to the
literal it came from: a literal that reaches no connection (a proxy list, a bind address, a log line)
is never reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from tclint.diagnostics import UNSAFE
from tclint.engine.compose import Stack
from tclint.engine.fixes import Fix
from tclint.engine.model import ClassInfo, FunctionInfo, Held, descendants, source_of
from tclint.engine.names import dotted
from tclint.engine.rule import Rule
from tclint.engine.semantic import StringValue, keyword_value
from tclint.engine.walk import children
from tclint.knowledge import CLIENTS, CONTAINER_HOST_METHODS, CONTAINER_PORT_METHODS, LOCAL_SERVERS, URL_REQUESTS, container_class

HOST = re.compile(r"(?<![\w.-])(localhost|127\.0\.0\.1)(?![\w-])(?::(\d+|\{\}))?")
# a keyword or key that carries an address
ADDRESS_NAME = re.compile(r"(?i)^(host|hostname|hosts|server|servers|address|addr|url|uri|dsn|endpoint|endpoint_url|base_url|"
                          r"bootstrap_servers|connection_string|conninfo|broker|broker_url)$|_(host|url|uri|dsn|endpoint|address|servers?)$")  # fmt: skip
PORT_NAME = re.compile(r"(?i)^port$|_port$")
# calls whose arguments never reach the container from the test: commands and settings inside it,
# local servers the test binds, checks and logs
NOT_CONNECTING = re.compile(
    r"(^|\.)(exec|with_command|with_env|with_envs|with_bind_ports|with_exposed_ports|get_exposed_port|replace|"
    r"startswith|endswith|bind|listen|serve|run|run_app|HTTPServer|ThreadingHTTPServer|TCPServer|TCPSite|make_server|"
    r"print|debug|info|warning|warn|error|exception|log|fail|skip|xfail|assert\w*|format|join|split|strip|encode)$"
)
# calls whose arguments are read inside the container: its environment, command and commands run in it
CONTAINER_INSIDE = re.compile(r"(^|\.)(exec|with_command|with_env|with_envs)$")
SERVER_CALL = re.compile(r"(^|\.)(bind|listen|serve|run|run_app|HTTPServer|ThreadingHTTPServer|TCPServer|TCPSite|make_server|start_server)$")
ENVIRONMENT_SETTERS = ("setenv", "setdefault", "putenv")
MAPPED_ADDRESS_METHODS = CONTAINER_HOST_METHODS | CONTAINER_PORT_METHODS
# why replacing a literal 127.0.0.1 is never safe: the Docker host's name can be `localhost`
LOOPBACK_NOTE = ("; the fix is unsafe: `get_container_host_ip()` can return `localhost`, which MySQL clients"
                 " open as a unix socket instead of TCP (a written `127.0.0.1` may be deliberate)")


@dataclass(frozen=True)
class Reachable:
    expression: str  # how the function reaches the container: a parameter, a variable, `self.x`, `self`
    ports: tuple[int, ...]
    compose: bool = False
    stack: Stack | None = None  # the Docker Compose stack, read from its compose files


@dataclass(frozen=True, eq=False)
class Sink:
    """An address handed to something that connects: its host (or URL) and, when separate, its port."""

    address: cst.BaseExpression
    port: cst.BaseExpression | None
    call: cst.Call | None
    keyword_host: bool  # the address is a bare host (a `host=` argument), not a URL


class HardcodedContainerAddress(Rule):
    name = "hardcoded-container-address"

    def __init__(self, context) -> None:
        super().__init__(context)
        self.reported: set[int] = set()
        self.server_ports: set[int] = set()

    def finish(self) -> None:
        self.uses_compose = bool(self.model.compose_calls) or any(
            stack.holder for facts in (*self.context.project.conftests, *self.context.project.modules) for stack in facts.compose
        )
        for function in self.model.functions:
            containers = self.reachable(function)
            if not containers:
                self.check_mapped_port_calls(function)
                continue
            inside = self.written_into_container(function)
            for node in self.own_nodes(function):
                if isinstance(node, cst.Call):
                    if id(node) not in inside:
                        self.check_call(node, function, containers)
                elif isinstance(node, cst.Dict):
                    if id(node) not in inside:
                        self.check_dict(node, function, containers)
                elif isinstance(node, cst.Assign):
                    self.check_assignment(node, function, containers)
                elif isinstance(node, (cst.Return, cst.Yield)) and isinstance(node.value, cst.BaseExpression):
                    self.check_handed_out(node.value, function, containers)

    def visit_Call(self, node: cst.Call) -> None:
        """Fixed host ports, wherever the container is configured; and the ports the module's own servers
        bind (`uvicorn.Config(app, port=8001)`): addresses on them are the test's server, not a container."""
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "with_bind_ports":
            self.check_bind_ports(node)
        elif self.model.container_class_of(node.func) is not None:
            ports = keyword_value(node, "ports")
            if isinstance(ports, cst.Dict):
                self.check_port_map(ports)
        if SERVER_CALL.search(called_name(node.func)) or (self.model.qualified(node.func) or "") in LOCAL_SERVERS:
            for arg in node.args:
                value = arg.value.elements if isinstance(arg.value, cst.Tuple) else [arg]
                for item in value:
                    if isinstance(item.value, cst.Integer):
                        self.server_ports.add(int(item.value.evaluated_value))

    def check_mapped_port_calls(self, function: FunctionInfo) -> None:
        """With no container in reach of a helper or method, a connection still shows it reaches one when
        its port is a container's mapped port (`Config(host=cls.HOST, port=cls._get_port())`): its host
        must be too. (What a test or fixture reaches, its fixtures say.)"""
        if function.fixture is not None or function.is_test:
            return
        for node in self.own_nodes(function):
            if isinstance(node, cst.Call) and keyword_value_matching(node, PORT_NAME) is not None:
                self.check_call(node, function, [])

    def check_handed_out(self, value: cst.BaseExpression, function: FunctionInfo, containers: list[Reachable]) -> None:
        """A fixture or helper that hands out an address (`return f"redis://localhost:{port}/0"`), alone
        or in a tuple (`return url, options`)."""
        if isinstance(value, cst.Tuple):
            for element in value.elements:
                self.check_handed_out(element.value, function, containers)
            return
        name = function.fixture.name if function.fixture else function.name
        text = self.model.string_of(value, function)
        if text is not None and ("://" in text.text or ADDRESS_NAME.search(name)):
            self.check_sink(Sink(value, None, None, keyword_host=name.endswith("host")), function, containers)

    # -- what is in reach ---------------------------------------------------------------------------

    def reachable(self, function: FunctionInfo) -> list[Reachable]:
        """Containers the function can reach: its container fixtures, the containers it (or a function
        around it) builds, the class's `self.x` containers, and `self` in a container class's method."""
        found: list[Reachable] = []
        scope = function
        while isinstance(scope, FunctionInfo):
            if scope.fixture is not None or scope.is_test:
                for param in scope.params:
                    stack = self.model.compose.stack_of(cst.Name(param), scope) if self.uses_compose else None
                    held = self.model.container_of(cst.Name(param), scope) if stack is None else None
                    if stack is not None or (held is not None and held.compose):
                        if stack is not None and stack.services is not None:
                            found.append(Reachable(param, stack.ports, compose=True, stack=stack))
                        continue
                    if held is not None and (param.endswith("_container") or held.cls is not None):
                        graph = self.model.fixture_graph
                        ports = {*signature_ports(graph.container_behind(param)), *graph.ports_behind(param)}
                        found.append(Reachable(param, tuple(sorted(ports))))
            found.extend(Reachable(param, ()) for param in self.params_used_as_containers(scope))
            for ref in scope.containers:
                if ref.var and "." not in ref.var:
                    held = Held(ref.cls, ref)
                    found.append(Reachable(ref.var, ports_of(held)))
            for name, bindings in scope.bindings.items() if self.uses_compose else ():
                if bindings and bindings[-1].value is not None and "." not in name and "[" not in name:
                    stack = self.model.compose.stack_of(cst.Name(name), scope)
                    if stack is not None and stack.services is not None:
                        found.append(Reachable(name, stack.ports, compose=True, stack=stack))
            scope = scope.parent if isinstance(scope.parent, FunctionInfo) else scope.parent
            if isinstance(scope, ClassInfo):
                found.extend(self.class_containers(scope))
                receiver = function.params[0] if function.params and function.params[0] in ("self", "cls") else "self"
                found.extend(Reachable(f"{receiver}.{attribute}", stack.ports, compose=True, stack=stack)
                             for attribute, stack in self.model.compose.class_stacks(scope).items())  # fmt: skip
                break
        return list({reach.expression: reach for reach in found}.values())

    def params_used_as_containers(self, function: FunctionInfo) -> list[str]:
        """Parameters of a helper that it asks for a mapped port or host (`container.get_exposed_port(...)`):
        whatever their type, they are the container the helper connects to."""
        if function.fixture is not None or function.is_test:
            return []
        params = set(function.params) - {"self", "cls"}
        used = []
        for node in self.own_nodes(function):
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and isinstance(node.func.value, cst.Name):
                receiver = node.func.value.value
                if receiver in params and receiver not in used and node.func.attr.value in MAPPED_ADDRESS_METHODS:
                    used.append(receiver)
        return used

    def class_containers(self, owner: ClassInfo) -> list[Reachable]:
        found = [Reachable(f"self.{attribute}", ports_of(Held(ref.cls, ref))) for attribute, ref in owner.attributes.items()]
        own = self.model.local_container_classes.get(owner.node.name.value)
        if own is not None:
            found.append(Reachable("self", ports_of(Held(own))))
        return found

    @staticmethod
    def own_nodes(function: FunctionInfo):
        """The function's nodes, without those of functions nested in it (they are checked on their own)."""
        stack = list(reversed(function.body))
        while stack:
            node = stack.pop()
            yield node
            if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
                continue
            stack.extend(reversed(list(children(node))))

    def written_into_container(self, function: FunctionInfo) -> set[int]:
        """Ids of the calls on a container (`container.env.update(...)`, `self.create_file(script, ...)`,
        `container.get_wrapped_container().put_archive(...)`) and the dicts they, a container's
        construction or its `with_env`/`with_envs`/`exec`/`with_command` are given (directly or through a
        variable): what they carry is read inside the container, where `localhost` is the container itself,
        not by a client of the test."""
        inside: set[int] = set()
        for node in self.own_nodes(function):
            if not isinstance(node, cst.Call):
                continue
            on_container = isinstance(node.func, cst.Attribute) and self.is_container(root_of(node.func.value), function)
            if on_container:
                inside.add(id(node))
            if on_container or self.model.container_class_of(node.func) is not None or CONTAINER_INSIDE.search(called_name(node.func)):
                for arg in node.args:
                    inside.update(id(d) for d in descendants(arg.value) if isinstance(d, cst.Dict))
                    origin = self.model.origin(arg.value, function).expr if isinstance(arg.value, cst.Name) else None
                    if isinstance(origin, cst.Dict):
                        inside.add(id(origin))
        return inside

    def is_container(self, expr: cst.BaseExpression, function: FunctionInfo) -> bool:
        return self.model.container_of(expr, function) is not None

    def served_locally(self, port: cst.BaseExpression, scope) -> bool:
        """A port read from an object of a class the module defines that runs a server (a TCP proxy the
        test puts in front of the container, a stub): the address is that server's, not the container's."""
        if isinstance(port, cst.Call):
            port = port.func
        if not isinstance(port, cst.Attribute):
            return False
        for made in self.values_of(port.value, scope):
            found = self.model.bindings(made.func.value, scope) if isinstance(made, cst.Call) and isinstance(made.func, cst.Name) else []
            owner = found[-1].node if found and found[-1].kind == "class" else None
            if owner is not None and any(isinstance(node, cst.Call) and self.starts_server(node) for node in descendants(owner)):
                return True
        return False

    def values_of(self, expr: cst.BaseExpression, scope) -> list[cst.BaseExpression]:
        """What an expression holds: its origin, or for a fixture of the module, what the fixture hands out."""
        origin = self.model.origin(expr, scope)
        fixture = self.model.module_functions.get(origin.param) if origin.param is not None else None
        if fixture is None or fixture.fixture is None:
            return [origin.expr]
        handed = [node.value for node in self.own_nodes(fixture) if isinstance(node, (cst.Return, cst.Yield)) and isinstance(node.value, cst.BaseExpression)]
        return [self.model.origin(value, fixture).expr for value in handed]

    def starts_server(self, call: cst.Call) -> bool:
        return bool(SERVER_CALL.search(called_name(call.func))) or (self.model.qualified(call.func) or "") in LOCAL_SERVERS

    # -- where addresses go -----------------------------------------------------------------------------

    def check_call(self, call: cst.Call, function: FunctionInfo, containers: list[Reachable]) -> None:
        written = called_name(call.func)
        qualified = self.model.callee(call, function) or ""
        if qualified in LOCAL_SERVERS or NOT_CONNECTING.search(written) or self.model.container_class_of(call.func) is not None:
            return
        if isinstance(call.func, cst.Attribute) and call.func.attr.value in ENVIRONMENT_SETTERS:
            self.check_environment_call(call, function, containers)
            return
        sinks = self.sinks(call, qualified, function)
        for sink in sinks:
            self.check_sink(sink, function, containers)
        self.check_port(call, qualified, sinks, function, containers)

    def check_port(self, call: cst.Call, qualified: str, sinks: list[Sink], function: FunctionInfo, containers) -> None:
        """`port=5432` next to the container's host: the internal port, where the mapped one belongs."""
        port = next((sink.port for sink in sinks if sink.port is not None), None)
        port = port if port is not None else keyword_value_matching(call, PORT_NAME)
        if port is None or id(call) in self.reported or any(id(node) in self.reported for node in descendants(call)):
            return
        origin = self.model.origin(port, function)
        literal, fallback = origin.expr, False
        if isinstance(literal, cst.IfExp):  # `mapped if mapped else 27017`: the internal port as a fallback
            literal, fallback = self.model.origin(literal.orelse, origin.scope).expr, True
        elif isinstance(literal, cst.BooleanOperation) and isinstance(literal.operator, cst.Or):
            literal, fallback = self.model.origin(literal.right, origin.scope).expr, True
        if not isinstance(literal, cst.Integer) or not self.inside(literal, function):
            return
        number = int(literal.evaluated_value)
        matching = [c for c in containers if number in c.ports and not c.compose]
        if len(matching) != 1:
            return
        target = matching[0]
        self.reported.add(id(literal))
        mapped = f"{target.expression}.get_exposed_port({number})"
        if fallback:
            self.report(literal, f"Port `{number}` is the container's internal port, used when the mapped one is missing: use `{mapped}` alone")
            return
        replacement = cst.parse_expression(f"int({mapped})")
        self.report(literal, f"Port `{number}` is the container's internal port: the test reaches it through `{mapped}`",
                    Fix(f"Use `{mapped}`", UNSAFE, [(literal, replacement)]))  # fmt: skip

    def sinks(self, call: cst.Call, qualified: str, function: FunctionInfo) -> list[Sink]:
        client = CLIENTS.get(qualified)
        port_arg = keyword_value_matching(call, PORT_NAME)
        if client is not None and client.port and client.port[0] is not None and port_arg is None:
            port_arg = positional(call, client.port[0])
        found = []
        for index, arg in enumerate(call.args):
            if arg.star:
                continue
            keyword = arg.keyword.value if arg.keyword else None
            if keyword is not None and ADDRESS_NAME.search(keyword):
                found.append(Sink(arg.value, port_arg, call, keyword_host="host" in keyword.lower() or "server" in keyword.lower()))
            elif keyword is None and client is not None and client.host and client.host[0] == index:
                found.append(Sink(arg.value, port_arg, call, keyword_host=True))
            elif keyword is None:
                is_url_argument = (client is not None and client.url and client.url[0] == index) or (qualified in URL_REQUESTS and index == 0)
                found.append(Sink(arg.value, None, call, keyword_host=False) if is_url_argument else Sink(arg.value, None, None, False))
        return found

    def check_dict(self, mapping: cst.Dict, function: FunctionInfo, containers: list[Reachable]) -> None:
        port = next((e.value for e in mapping.elements if isinstance(e, cst.DictElement) and PORT_NAME.search(literal_text(e.key) or "")), None)
        for element in mapping.elements:
            key = literal_text(element.key) if isinstance(element, cst.DictElement) else None
            if key and ADDRESS_NAME.search(key):
                self.check_sink(Sink(element.value, port, None, keyword_host="host" in key.lower()), function, containers)

    def check_environment_call(self, call: cst.Call, function: FunctionInfo, containers: list[Reachable]) -> None:
        """`monkeypatch.setenv("REDIS_URL", ...)`, `os.environ.setdefault("DB_HOST", ...)`: address variables only."""
        if len(call.args) >= 2 and ADDRESS_NAME.search(literal_text(call.args[0].value) or ""):
            key = literal_text(call.args[0].value) or ""
            self.check_sink(Sink(call.args[1].value, None, None, keyword_host=key.lower().endswith("host")), function, containers)

    def check_assignment(self, node: cst.Assign, function: FunctionInfo, containers: list[Reachable]) -> None:
        """An address environment variable (`os.environ["DB_HOST"] = ...`) or an address attribute of a
        module or settings object the code under test reads (`app_config.DSN = ...`)."""
        for target in node.targets:
            key = None
            subscript = target.target
            if isinstance(subscript, cst.Subscript) and source_of(subscript.value).endswith("environ") and len(subscript.slice) == 1:
                index = subscript.slice[0].slice
                key = literal_text(index.value) if isinstance(index, cst.Index) else None
            elif isinstance(subscript, cst.Attribute):
                key = subscript.attr.value
            if key and ADDRESS_NAME.search(key):
                self.check_sink(Sink(node.value, None, None, keyword_host=key.lower().endswith("host")), function, containers)

    # -- the literal behind an address --------------------------------------------------------------

    def check_sink(self, sink: Sink, function: FunctionInfo, containers: list[Reachable]) -> None:
        value = self.model.string_of(sink.address, function)
        if value is None:
            return
        match = HOST.search(value.text)
        if match is None:
            return
        part = value.part_at(match.start())
        if part is None or part.text is None or id(part.node) in self.reported:
            return
        text = value.text
        url_like = "://" in text or match.group(2) is not None or (sink.keyword_host and match.start() == 0 and match.end() == len(text))
        if not url_like or (sink.call is None and not sink.keyword_host and "://" not in text and match.group(2) is None):
            return
        if "," in text.replace(match.group(0), "", 1) and "://" not in text:
            return  # a list of hosts (a proxy bypass list), not an address
        if any(character.isspace() for character in text.strip()):
            return  # a command line or a script that mentions an address (one run inside the container), not one
        port, port_is_mapped = self.port_of(value, match, sink, function)
        if not containers and not port_is_mapped:
            return
        port_node = value.part_at(match.end() - 1) if match.group(2) == "{}" else None
        if port_node is not None and self.served_locally(port_node.node, port_node.scope):
            return
        if port_node is None and sink.port is not None and self.served_locally(sink.port, function):
            return
        if port is not None and not any(port in c.ports for c in containers):
            if port in self.server_ports or all(c.ports for c in containers):
                return  # a port no container in reach listens on: another service (a local server, say)
        if sink.call is None and not url_like:
            return
        target = self.pick(containers, port)
        self.reported.add(id(part.node))
        if sink.call is not None:
            self.reported.add(id(sink.call))
        if id(part.node) in self.model.foreign:  # a constant of another module: reported where it is used here
            if id(sink.address) not in self.reported:
                self.reported.add(id(sink.address))
                self.report(sink.address, f"`{source_of(sink.address)}` holds the hard-coded address `{shown(match)}`"
                                          " where the container's mapped address belongs: use `get_container_host_ip()`")  # fmt: skip
            return
        self.report_literal(part, match, value, sink, port, port_is_mapped, target, function)

    def port_of(self, value: StringValue, match, sink: Sink, function: FunctionInfo) -> tuple[int | None, bool]:
        """The port that goes with the host: written after it, or the call's port argument; and whether
        it is already the container's mapped port."""
        written = match.group(2)
        if written and written.isdigit():
            return int(written), False
        if written == "{}":
            after = value.part_at(match.end() - 1)
            return None, after is not None and self.model.address_role(after.node, after.scope) == "port"
        if sink.port is not None:
            if isinstance(sink.port, cst.Integer):
                return int(sink.port.evaluated_value), False
            origin = self.model.origin(sink.port, function)
            if isinstance(origin.expr, cst.Integer):
                return int(origin.expr.evaluated_value), False
            return None, self.model.address_role(sink.port, function) == "port"
        return None, False

    @staticmethod
    def pick(containers: list[Reachable], port: int | None) -> Reachable | None:
        """The container the address means: the one exposing the port, or the only one in reach."""
        if port is not None:
            matching = [c for c in containers if port in c.ports]
            if len(matching) == 1:
                return matching[0]
        return containers[0] if len(containers) == 1 else None

    def report_literal(self, part, match, value: StringValue, sink: Sink, port, port_is_mapped, target, function) -> None:
        literal = part.node
        where = f"`{shown(match)}`"
        if target is not None and target.compose:
            self.report_compose(part, match, value, sink, port, port_is_mapped, target, function)
            return
        name = target.expression if target else "container"
        advice = f"`{name}.get_container_host_ip()`"
        if port is not None and not port_is_mapped:
            advice += f" and `{name}.get_exposed_port({port})`"
        fix = self.fix(part, match, sink, port, port_is_mapped, target, function) if target else None
        message = f"Hard-coded address {where} where the container's mapped address belongs: use {advice}"
        if fix is not None and match.group(1) == "127.0.0.1":
            message += LOOPBACK_NOTE
        self.report(literal, message, fix)

    def report_compose_host(self, part, match, value: StringValue, sink: Sink, target: Reachable, function) -> None:
        """`f"http://localhost:{compose.get_service_port("web", 80)}"`: the port is the service's, the host is not."""
        port_node = value.part_at(match.end() - 1) if match.group(2) == "{}" else None
        port_expr, scope = (port_node.node, port_node.scope) if port_node is not None else (sink.port, function)
        asked = service_asked(self.model.origin(port_expr, scope).expr) if port_expr is not None else None
        if asked is None or asked[0] not in {service.name for service in target.stack.services}:
            return
        service, internal = asked
        whole = match.start() == 0 and match.end() == len(value.text)
        quote = "'" if not whole and '"' in (getattr(part.node, "quote", None) or getattr(part.node, "end", "")) else '"'
        shown_call = service_call(target, "host", service, internal)
        self.report(part.node, f"Hard-coded host `{match.group(1)}` beside the mapped port of the Compose service `{service}`: "
                               f"use `{shown_call}`",
                    self.host_fix(part, service_call(target, "host", service, internal, quote), shown_call, function))  # fmt: skip

    def host_fix(self, part, host_code: str, shown_call: str, function: FunctionInfo) -> Fix | None:
        replacement = self.replaced_string(part.node, host_code, None) if self.inside(part.node, function) else None
        return Fix(f"Use `{shown_call}`", UNSAFE, [(part.node, replacement)]) if replacement is not None else None

    def report_compose(self, part, match, value: StringValue, sink: Sink, port, port_is_mapped, target: Reachable, function) -> None:
        """An address of a service of the stack: its host port, as the compose file publishes it."""
        if port is None and port_is_mapped:
            self.report_compose_host(part, match, value, sink, target, function)
            return
        serving = target.stack.serving(port) if port is not None else []
        if not serving:
            return  # a port the stack does not publish, or none written: nothing says it is the stack's
        services = sorted({service.name for service, _ in serving})
        if len(serving) > 1:
            self.report(part.node, f"Hard-coded address `{shown(match)}` where a Compose service's address belongs "
                                   f"({', '.join(f'`{name}`' for name in services)}): use `{target.expression}.get_service_host(...)` "
                                   "and `get_service_port(...)`")  # fmt: skip
            return
        service, mapping = serving[0]
        published = f"host port {mapping.published}" if mapping.published is not None else "a host port Docker picks"
        message = (f"Hard-coded address `{shown(match)}` where the Compose service `{service.name}`'s address belongs "
                   f"(`{target.stack.shown(service.source)}` maps its port {mapping.target} to {published}): use "
                   f"`{service_call(target, 'host', service.name, mapping.target)}` and `{service_call(target, 'port', service.name, mapping.target)}`")  # fmt: skip
        whole = match.start() == 0 and match.end() == len(value.text) and not (match.group(2) or "").isdigit()
        quote = "'" if not whole and '"' in (getattr(part.node, "quote", None) or getattr(part.node, "end", "")) else '"'
        host_code = service_call(target, "host", service.name, mapping.target, quote)
        port_code = service_call(target, "port", service.name, mapping.target, quote)
        title = f"Use `{service_call(target, 'host', service.name, mapping.target)}` and the service's mapped port"
        self.report(part.node, message, self.compose_fix(part, match, sink, host_code, port_code, function, title))

    def compose_fix(self, part, match, sink: Sink, host_code: str, port_code: str, function: FunctionInfo, title: str) -> Fix | None:
        """The service's host and port together, as testcontainers maps them."""
        literal = part.node
        if not self.inside(literal, function):
            return None  # a constant shared with other code: change it by hand
        changes = []
        if not (match.group(2) or "").isdigit():
            port_node = self.port_literal(sink, function)
            if port_node is None:
                return None
            changes.append((port_node, cst.parse_expression(f"int({port_code})")))
            port_code = None
        replacement = self.replaced_string(literal, host_code, port_code)
        if isinstance(literal, cst.FormattedString) and port_code is not None and replacement is not None and not port_in_text(literal):
            replacement = port_expression_replaced(replacement, int(match.group(2)), port_code)
        if replacement is None:
            return None
        changes.insert(0, (literal, replacement))
        return Fix(title, UNSAFE, changes)

    # -- the fix ------------------------------------------------------------------------------------

    def fix(self, part, match, sink: Sink, port, port_is_mapped, target: Reachable, function: FunctionInfo) -> Fix | None:
        """Host and internal port together: fixing the host alone would leave the test on the wrong port."""
        literal = part.node
        if not self.inside(literal, function):
            return None  # a constant shared with other code: change it by hand
        host_code = f"{target.expression}.get_container_host_ip()"
        port_code = f"{target.expression}.get_exposed_port({port})" if port is not None and not port_is_mapped else None
        changes = []
        written_port = match.group(2)
        needs_port_change = port is not None and not port_is_mapped
        if needs_port_change and not (written_port and written_port.isdigit()):
            port_node = self.port_literal(sink, function)
            if port_node is None:
                return None
            changes.append((port_node, cst.parse_expression(f"int({port_code})")))
            port_code = None  # the port is not part of the string
        template = self.format_call(literal, function)
        if template is not None:
            filled = self.filled_host(template, host_code) if not changes and port_code is None else None
            return Fix(f"Use `{host_code}`", UNSAFE, [(template, filled)]) if filled is not None else None
        replacement = self.replaced_string(literal, host_code, port_code)
        if replacement is None:
            return None
        changes.insert(0, (literal, replacement))
        title = f"Use `{host_code}`" + (" and the mapped port" if needs_port_change else "")
        return Fix(title, UNSAFE, changes)

    def format_call(self, literal: cst.CSTNode, function: FunctionInfo) -> cst.Call | None:
        """The `template.format(...)` call whose template is this literal."""
        return next((node for node in self.own_nodes(function) if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
                     and node.func.attr.value == "format" and node.func.value is literal), None)  # fmt: skip

    @staticmethod
    def filled_host(call: cst.Call, host_code: str) -> cst.Call | None:
        """`"...@127.0.0.1:{port}".format(port=p)` -> `"...@{host}:{port}".format(port=p, host=c.get_container_host_ip())`."""
        literal = call.func.value
        if not isinstance(literal, cst.SimpleString) or literal.prefix or len(literal.quote) != 1 or "\\" in literal.value or not call.args:
            return None
        names = {arg.keyword.value for arg in call.args if arg.keyword is not None}
        name = next(n for n in ("host", "container_host", "mapped_host") if n not in names and "{" + n not in literal.value)
        inside = literal.value[1:-1]
        match = HOST.search(inside)
        template = literal.with_changes(value=literal.quote + inside[: match.start(1)] + "{" + name + "}" + inside[match.end(1) :] + literal.quote)
        args = list(call.args)
        between = without_comment(args[-2].comma) if len(args) > 1 else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        host = cst.Arg(cst.parse_expression(host_code), keyword=cst.Name(name), comma=args[-1].comma,
                       equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))  # fmt: skip
        args[-1] = args[-1].with_changes(comma=between)
        return call.with_changes(func=call.func.with_changes(value=template), args=[*args, host])

    def port_literal(self, sink: Sink, function: FunctionInfo) -> cst.Integer | None:
        if isinstance(sink.port, cst.Integer):
            return sink.port
        origin = self.model.origin(sink.port, function) if sink.port is not None else None
        if origin is not None and isinstance(origin.expr, cst.Integer) and self.inside(origin.expr, function):
            return origin.expr
        return None

    @staticmethod
    def inside(node: cst.CSTNode, function: FunctionInfo) -> bool:
        return any(child is node for child in descendants(function.node.body))

    @staticmethod
    def replaced_string(node, host_code: str, port_code: str | None) -> cst.BaseExpression | None:
        """`"redis://localhost:6379/0"` -> `f"redis://{c.get_container_host_ip()}:{c.get_exposed_port(6379)}/0"`."""
        address = "{" + host_code + "}" + (":{" + port_code + "}" if port_code else "")
        if isinstance(node, cst.SimpleString):
            if node.prefix.lower() != "" or len(node.quote) != 1:
                return None
            text = node.evaluated_value
            if "{" in text or "}" in text or "\\" in node.value:
                return None
            match = HOST.search(text)
            if match.start() == 0 and match.end() == len(text) and port_code is None:
                return cst.parse_expression(host_code)
            body = text[: match.start()] + address + text[match.end() :]
            return cst.parse_expression(f"f{node.quote}{body}{node.quote}")
        if isinstance(node, cst.FormattedString):
            parts = list(node.parts)
            for index, part in enumerate(parts):
                match = HOST.search(part.value) if isinstance(part, cst.FormattedStringText) else None
                if match is None:
                    continue
                written_port = match.group(2)
                end = match.end() if written_port and written_port.isdigit() else match.start(1) + len(match.group(1))
                here = "{" + host_code + "}" + (":{" + port_code + "}" if port_code and written_port else "")
                fresh = cst.parse_expression(f"f{node.end}{part.value[: match.start()]}{here}{part.value[end:]}{node.end}")
                parts[index : index + 1] = list(fresh.parts)
                return node.with_changes(parts=parts)
        return None

    # -- fixed host ports ---------------------------------------------------------------------------

    def check_bind_ports(self, call: cst.Call) -> None:
        """`with_bind_ports(5432, 5432)`: the test depends on a free fixed port on the host."""
        if len(call.args) < 2:
            return
        self.fixed_host_port(call.args[1].value)

    def visit_Assign(self, node: cst.Assign) -> None:
        """`self.ports = {"9000/tcp": 9100}` in a container class: fixed host ports."""
        for target in node.targets:
            held = self.model.container_of(target.target.value) if isinstance(target.target, cst.Attribute) else None
            if held is not None and target.target.attr.value == "ports" and isinstance(node.value, cst.Dict):
                self.check_port_map(node.value)

    def check_port_map(self, ports: cst.Dict) -> None:
        for element in ports.elements:
            if isinstance(element, cst.DictElement):
                self.fixed_host_port(element.value)

    def fixed_host_port(self, expr: cst.BaseExpression) -> None:
        number = self.literal_port(expr)
        if number and id(expr) not in self.reported:
            self.reported.add(id(expr))
            self.report(expr, f"Fixed host port `{number}`: the test fails when it is taken and reaches whatever listens "
                              "there; let Docker pick one and read it with `get_exposed_port(...)`")  # fmt: skip

    def literal_port(self, expr: cst.BaseExpression) -> int | None:
        """The port an expression holds: a literal, followed through names, constants and parameter defaults."""
        origin = self.model.origin(expr)
        value = origin.expr
        if origin.param is not None:
            binding = next((b for b in reversed(self.model.bindings(origin.param, origin.scope)) if b.kind == "param"), None)
            value = binding.value if binding is not None and binding.value is not None else value
        return int(value.evaluated_value) if isinstance(value, cst.Integer) else None


def ports_of(held: Held) -> tuple[int, ...]:
    """The container's internal ports: its class's, and those its construction and configuration expose."""
    ports = set(held.cls.ports if held.cls else ())
    ref = held.ref
    if ref is not None:
        port = keyword_value(ref.construction, "port")
        if isinstance(port, cst.Integer):
            ports.add(int(port.evaluated_value))
        for call in ref.config_calls:
            if call.func.attr.value == "with_exposed_ports":
                ports.update(int(arg.value.evaluated_value) for arg in call.args if isinstance(arg.value, cst.Integer))
    return tuple(sorted(ports))


def signature_ports(signature: tuple | None) -> tuple[int, ...]:
    """The internal ports of a fixture's container, from the signature its facts carry."""
    if not signature or len(signature) != 3:
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


def port_expression_replaced(node: cst.FormattedString, port: int, port_code: str) -> cst.FormattedString | None:
    """`f"http://localhost:{8080}/"`: the port written as an expression after the host, replaced too (None
    when it is no such expression)."""
    parts = list(node.parts)
    for index, part in enumerate(parts[1:], start=1):
        before = parts[index - 1]
        if (isinstance(part, cst.FormattedStringExpression) and isinstance(part.expression, cst.Integer)
                and int(part.expression.evaluated_value) == port and isinstance(before, cst.FormattedStringText)
                and before.value.endswith(":")):  # fmt: skip
            parts[index] = part.with_changes(expression=cst.parse_expression(port_code))
            return node.with_changes(parts=parts)
    return None


def port_in_text(node: cst.FormattedString) -> bool:
    """Whether the f-string writes the port after the host in its text (`f"http://localhost:8080/{path}"`)."""
    return any((match := HOST.search(part.value)) is not None and (match.group(2) or "").isdigit()
               for part in node.parts if isinstance(part, cst.FormattedStringText))  # fmt: skip


def service_asked(expr: cst.BaseExpression) -> tuple[str, int] | None:
    """("web", 80) of `compose.get_service_port("web", 80)` (through `int(...)`)."""
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value in ("int", "str") and len(expr.args) == 1:
        expr = expr.args[0].value
    if not (isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "get_service_port"):
        return None
    arguments = {arg.keyword.value if arg.keyword else index: arg.value for index, arg in enumerate(expr.args)}
    service, port = arguments.get("service_name", arguments.get(0)), arguments.get("port", arguments.get(1))
    name = literal_text(service)
    return (name, int(port.evaluated_value)) if name is not None and isinstance(port, cst.Integer) else None


def service_call(target: Reachable, what: str, service: str, port: int, quote: str = '"') -> str:
    """`compose.get_service_host("db", 5432)`."""
    return f"{target.expression}.get_service_{what}({quote}{service}{quote}, {port})"


def without_comment(comma: cst.Comma) -> cst.Comma:
    """The comma between two arguments, without the comment written after it."""
    after = comma.whitespace_after
    if isinstance(after, cst.ParenthesizedWhitespace):
        return comma.with_changes(whitespace_after=after.with_changes(first_line=cst.TrailingWhitespace()))
    return comma


def shown(match: re.Match) -> str:
    """The address as the message shows it: the host, and the port when it is written in the literal."""
    port = match.group(2)
    return match.group(1) + (f":{port}" if port and port.isdigit() else "")


def root_of(expr: cst.BaseExpression) -> cst.BaseExpression:
    """The object a chain of attributes and calls starts from: `c` of `c.get_wrapped_container().put_archive`."""
    while isinstance(expr, (cst.Attribute, cst.Call)):
        expr = expr.value if isinstance(expr, cst.Attribute) else expr.func
    return expr


def called_name(func: cst.BaseExpression) -> str:
    """The name a call is written with: `a.b.c`, or at least the method's name."""
    if isinstance(func, cst.Attribute):
        return dotted(func) or func.attr.value
    return func.value if isinstance(func, cst.Name) else ""


def literal_text(expr: cst.BaseExpression | None) -> str | None:
    if isinstance(expr, cst.SimpleString) and isinstance(expr.evaluated_value, str):
        return expr.evaluated_value
    return None


def keyword_value_matching(call: cst.Call, pattern: re.Pattern) -> cst.BaseExpression | None:
    return next((arg.value for arg in call.args if arg.keyword is not None and pattern.search(arg.keyword.value)), None)


def positional(call: cst.Call, index: int) -> cst.BaseExpression | None:
    positionals = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    return positionals[index] if index < len(positionals) else None


