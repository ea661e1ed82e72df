"""What a Docker Compose file says about its services: each one's image, the ports it publishes and the
services it needs started with it.

A reader for the part of YAML that compose files use for this (block mappings and sequences, plain and
quoted scalars, flow sequences and mappings of scalars), not a YAML parser: whatever it cannot read for
certain (an alias, a merge key, a tag, a block scalar, nested flow collections, `${VARIABLE}`
interpolation) is unknown, and an unknown image or port is never reported. PyYAML is not a dependency
of tclint.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

# what `docker compose` reads in the folder it runs in when no file is named, in its order of preference
DEFAULT_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
OVERRIDE_FILES = ("compose.override.yaml", "compose.override.yml", "docker-compose.override.yaml", "docker-compose.override.yml")


class Unknown:
    """A value the reader cannot read for certain."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()


@dataclass(frozen=True)
class Port:
    published: int | None  # the host port; None: Docker picks one
    target: int  # the port inside the service's container


@dataclass(frozen=True)
class Service:
    name: str
    image: str | None  # None: no image the file names for certain (`build:` only, interpolated, or from a base not read)
    ports: tuple[Port, ...]  # those read for certain
    source: str = ""  # the file that names its image
    profiles: tuple[str, ...] = ()  # started only with one of these profiles ("" for one tclint cannot read)
    needs: tuple[str, ...] = ()  # the services compose starts with it, those read for certain
    built: bool = False  # `build:`: compose builds the image and tags it with `image`


@dataclass(frozen=True)
class ComposeFile:
    services: tuple[Service, ...]
    includes: tuple[tuple[str, ...], ...] = ()  # the files `include:` names, each entry's paths merged as one


def read_compose(text: str) -> ComposeFile | None:
    """The services of a compose file and the files it includes, or None when its `services:` cannot be
    read (a file that includes others may have none of its own)."""
    document = parse(text)
    services = document.get("services") if isinstance(document, dict) else None
    includes = includes_of(document.get("include")) if isinstance(document, dict) else ()
    if services is None and includes:
        services = {}
    if not isinstance(services, dict):
        return None
    bodies = {str(name): body for name, body in services.items()}
    return ComposeFile(tuple(extended(name, bodies, ()) for name in bodies), includes)


def read_services(text: str) -> tuple[Service, ...] | None:
    compose = read_compose(text)
    return compose.services if compose is not None else None


def includes_of(entries: object) -> tuple[tuple[str, ...], ...]:
    """`include:` entries: a path, or `path:` (one, or a list merged as one file) in the long syntax. An
    entry tclint cannot read (an interpolated path) brings nothing it knows."""
    found = []
    for entry in entries if isinstance(entries, list) else ():
        paths = entry.get("path") if isinstance(entry, dict) else entry
        paths = [paths] if isinstance(paths, str) else paths
        if isinstance(paths, list) and paths and all(isinstance(path, str) and path and "$" not in path for path in paths):
            found.append(tuple(paths))
    return tuple(found)


def extended(name: str, bodies: dict[str, object], seen: tuple[str, ...]) -> Service:
    """The service with what `extends:` brings from a service of the same file (its image unless the
    service names one, its ports before the service's own). What a base in another file would bring is
    unknown, and so are a base's dependencies (compose's documentation and its behaviour disagree on
    whether they are inherited)."""
    body = bodies[name]
    service = service_of(name, body)
    base = body.get("extends") if isinstance(body, dict) else None
    if base is None:
        return service
    base_name = base if isinstance(base, str) else base.get("service") if isinstance(base, dict) and "file" not in base else None
    if not isinstance(base_name, str) or base_name not in bodies or base_name in seen:
        return Service(name, None, service.ports, profiles=service.profiles, needs=service.needs)
    parent = extended(base_name, bodies, (*seen, name))
    ports = parent.ports + tuple(port for port in service.ports if port not in parent.ports)
    built = service.built or parent.built
    image = service.image if isinstance(body, dict) and "image" in body else parent.image
    return Service(name, image, ports, profiles=service.profiles or parent.profiles, needs=service.needs, built=built)


def service_of(name: str, body: object) -> Service:
    if not isinstance(body, dict):
        return Service(name, None, ())
    image = body.get("image")
    image = image if isinstance(image, str) and image and "$" not in image else None
    ports = body.get("ports")
    found: list[Port] = []
    for entry in ports if isinstance(ports, list) else ():
        found += long_port(entry) if isinstance(entry, dict) else short_port(entry)
    profiles = body.get("profiles", [])
    profiles = tuple(item if isinstance(item, str) else "" for item in profiles) if isinstance(profiles, list) else ("",)
    return Service(name, image, tuple(found), profiles=profiles, needs=needs_of(body), built="build" in body)


SERVICE_MODE = ("network_mode", "ipc", "pid")


def needs_of(body: dict) -> tuple[str, ...]:
    """The services compose starts before this one: `depends_on` (a list, or a mapping with a condition
    for each), `links` (`name` or `name:alias`), `volumes_from` (`name`, `service:name`, with `:ro`/`:rw`)
    and `service:name` in `network_mode`, `ipc` and `pid`; what a merge key (`<<: *base`) brings is not
    known."""
    depends = body.get("depends_on")
    needs = list(depends) if isinstance(depends, dict) else strings(body, "depends_on")
    needs += [link.split(":")[0] for link in strings(body, "links")]
    needs += [entry.removeprefix("service:").split(":")[0] for entry in strings(body, "volumes_from") if not entry.startswith("container:")]
    for key in SERVICE_MODE:
        mode = body.get(key)
        if isinstance(mode, str) and mode.startswith("service:"):
            needs.append(mode.removeprefix("service:"))
    return tuple(needs)


def strings(body: dict, key: str) -> list[str]:
    """The list of names under `key` ([] when there is none, or not one tclint can read)."""
    value = body.get(key)
    return value if isinstance(value, list) and all(isinstance(item, str) for item in value) else []


SHORT_PORT = re.compile(r"^(?:(?:\[[0-9a-fA-F:.]+\]|\d{1,3}(?:\.\d{1,3}){3}):)?(?:(\d+(?:-\d+)?)?:)?(\d+(?:-\d+)?)(?:/(?:tcp|udp|sctp))?$")


def short_port(entry: object) -> list[Port]:
    """`"5432"`, `"5432:5432"`, `"127.0.0.1:8080:80"`, `"8080:80/tcp"`, `"127.0.0.1::80"`, `"9000-9001:9000-9001"`."""
    if isinstance(entry, int) and not isinstance(entry, bool):
        return [Port(None, entry)]
    match = SHORT_PORT.match(entry) if isinstance(entry, str) else None
    if match is None:
        return []
    published, target = match.groups()
    targets = port_range(target)
    if published is None:
        return [Port(None, port) for port in targets]
    hosts = port_range(published)
    if len(hosts) == 1 and len(targets) == 1:
        return [Port(hosts[0], targets[0])]
    return [Port(host, port) for host, port in zip(hosts, targets)] if len(hosts) == len(targets) else []


def port_range(text: str) -> list[int]:
    low, _, high = text.partition("-")
    first, last = int(low), int(high or low)
    return list(range(first, last + 1)) if 0 < last - first < 1000 else [first] if first == last else []


def long_port(entry: dict) -> list[Port]:
    """`- target: 80` with `published: 8080` (a number or a string)."""
    target, published = entry.get("target"), entry.get("published")
    target = number(target)
    if target is None:
        return []
    if published is None or published == "":
        return [Port(None, target)]
    host = number(published)
    return [Port(host, target)] if host is not None else []


def number(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


def stack_files(context: str, names: tuple[str, ...] | None) -> tuple[str, ...]:
    """The files `docker compose` reads: those named (relative to the context folder), or the first
    default file of the folder with the override file beside it."""
    if names is not None:
        return tuple(os.path.normpath(os.path.join(context, name)) for name in names)
    base = next((name for name in DEFAULT_FILES if os.path.isfile(os.path.join(context, name))), None)
    if base is None:
        return ()
    override = next((name for name in OVERRIDE_FILES if os.path.isfile(os.path.join(context, name))), None)
    return tuple(os.path.join(context, name) for name in (base, override) if name)


def merged(files: list[tuple[Service, ...]]) -> tuple[Service, ...]:
    """Services of several files, as compose merges them: a later file's image wins, ports add up."""
    by_name: dict[str, Service] = {}
    for services in files:
        for service in services:
            before = by_name.get(service.name)
            if before is None:
                by_name[service.name] = service
                continue
            ports = before.ports + tuple(port for port in service.ports if port not in before.ports)
            source = service.source if service.image else before.source
            profiles = service.profiles or before.profiles
            needs = before.needs + tuple(name for name in service.needs if name not in before.needs)
            by_name[service.name] = Service(service.name, service.image or before.image, ports, source, profiles, needs,
                                            service.built or before.built)  # fmt: skip
    return tuple(by_name.values())


def started(services: tuple[Service, ...], profiles: frozenset[str], targets: tuple[str, ...] | None) -> tuple[Service, ...]:
    """The services `docker compose up [targets]` starts, as far as tclint can tell them.

    Without targets: every service of no profile or of an enabled one. With them: the targets (whose
    profiles they enable) and, transitively, what they need of the enabled services. A name no file
    tclint read defines (one an interpolated `include:` path brings) and dependencies tclint cannot read
    add nothing: every service returned starts, though not every one that starts may be returned."""
    if not targets:
        return tuple(service for service in services if enabled(service, profiles))
    by_name = {service.name: service for service in services}
    profiles = profiles.union(*(by_name[target].profiles for target in targets if target in by_name))
    chosen: set[str] = set()
    waiting = [target for target in targets if target in by_name]
    while waiting:
        service = by_name[waiting.pop()]
        if service.name not in chosen:
            chosen.add(service.name)
            waiting += [name for name in service.needs or () if name in by_name and enabled(by_name[name], profiles)]
    return tuple(service for service in services if service.name in chosen)


def enabled(service: Service, profiles: frozenset[str]) -> bool:
    return not service.profiles or bool(profiles.intersection(service.profiles))


# -- the YAML subset --------------------------------------------------------------------------------


@dataclass
class Line:
    indent: int
    text: str


def parse(text: str) -> object:
    """The document as dicts, lists and scalars (strings, ints, None), UNKNOWN where it cannot tell."""
    lines = []
    for raw in text.splitlines():
        body = strip_comment(raw.rstrip())
        if not body.strip():
            continue
        stripped = body.lstrip(" ")
        if stripped.startswith("\t"):
            return UNKNOWN  # YAML forbids tabs in indentation: not a file compose reads
        if body in ("---", "...") or body.startswith("--- "):
            if lines:
                return UNKNOWN  # a second document (or text after the end of the first)
            continue
        lines.append(Line(len(body) - len(stripped), stripped))
    if not lines:
        return None
    value, end = block(lines, 0, lines[0].indent)
    return value if end == len(lines) else UNKNOWN


def strip_comment(line: str) -> str:
    """The line without its comment (a `#` at its start or after a space, outside quotes)."""
    quote = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"" and (index == 0 or line[index - 1] in " \t:-[,{"):
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return line[:index]
    return line


def block(lines: list[Line], start: int, indent: int) -> tuple[object, int]:
    """The mapping or sequence that starts at `start` with this indentation, and where it ends."""
    if lines[start].text == "-" or lines[start].text.startswith("- "):
        return sequence(lines, start, indent)
    return mapping(lines, start, indent)


def sequence(lines: list[Line], index: int, indent: int) -> tuple[object, int]:
    items: list[object] = []
    while index < len(lines) and lines[index].indent == indent and (lines[index].text == "-" or lines[index].text.startswith("- ")):
        rest = lines[index].text[1:]
        content = rest.lstrip(" ")
        if not content:  # `-` alone: the item is the block below it
            index += 1
            if index < len(lines) and lines[index].indent > indent:
                value, index = block(lines, index, lines[index].indent)
                items.append(value)
            else:
                items.append(None)
            continue
        inner = indent + 1 + len(rest) - len(content)
        if key_split(content) is not None or content.startswith("- "):  # `- key: value` opens a mapping
            lines[index] = Line(inner, content)
            value, index = block(lines, index, inner)
            items.append(value)
            continue
        value = scalar(content)
        index += 1
        if index < len(lines) and lines[index].indent > indent:
            value, index = UNKNOWN, skip(lines, index, indent)  # a multi-line scalar
        items.append(value)
    return items, index


def mapping(lines: list[Line], index: int, indent: int) -> tuple[object, int]:
    result: dict[str, object] = {}
    while index < len(lines) and lines[index].indent == indent:
        split = key_split(lines[index].text)
        if split is None:
            return UNKNOWN, skip(lines, index + 1, indent - 1)
        key, rest = split
        index += 1
        if not rest:
            if index < len(lines) and lines[index].indent > indent:
                value, index = block(lines, index, lines[index].indent)
            elif index < len(lines) and lines[index].indent == indent and lines[index].text.startswith("- "):
                value, index = sequence(lines, index, indent)  # a sequence may sit at its key's indentation
            else:
                value = None
        else:
            value = scalar(rest)
            if index < len(lines) and lines[index].indent > indent:
                value, index = UNKNOWN, skip(lines, index, indent)  # a block scalar or a multi-line one
        result[key] = UNKNOWN if key == "<<" else value  # a merge key: what it brings is not known
    return result, index


def skip(lines: list[Line], index: int, indent: int) -> int:
    while index < len(lines) and lines[index].indent > indent:
        index += 1
    return index


KEY = re.compile(r"""^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s'"\[\]{}#&*!|>%@`,?:-][^:#]*?|<<|-[^\s:][^:#]*?))\s*:(?:\s+(.*)|$)""")


def key_split(text: str) -> tuple[str, str] | None:
    """(key, the rest of the line) of a `key: value` line."""
    match = KEY.match(text)
    if match is None:
        return None
    double, single, plain, rest = match.groups()
    key = double if double is not None else single.replace("''", "'") if single is not None else plain.strip()
    return key, (rest or "").strip()


def scalar(text: str) -> object:
    """A value on one line: a quoted or plain scalar, or a flow sequence or mapping of them."""
    text = text.strip()
    if text.startswith("&"):  # an anchor names the value; the value itself is as written
        _, _, text = text.partition(" ")
        text = text.strip()
        if not text:
            return UNKNOWN  # the anchored value is the block below (read as unknown)
    if not text or text[0] in "*!|>@`%":
        return UNKNOWN  # aliases, tags, block scalars
    if text.startswith("{"):
        return flow_mapping(text)
    if text.startswith("["):
        if not text.endswith("]"):
            return UNKNOWN
        inner = text[1:-1].strip()
        items = [scalar(item) for item in split_flow(inner)] if inner else []
        return UNKNOWN if any(item is UNKNOWN or isinstance(item, list) for item in items) else items
    if text[0] == '"':
        return text[1:-1].replace('\\"', '"') if len(text) > 1 and text.endswith('"') and "\\" not in text[1:-1].replace('\\"', "") else UNKNOWN
    if text[0] == "'":
        return text[1:-1].replace("''", "'") if len(text) > 1 and text.endswith("'") else UNKNOWN
    if text in ("~", "null", "Null", "NULL"):
        return None
    if re.fullmatch(r"[-+]?\d+", text):
        return int(text)
    return text


def flow_mapping(text: str) -> object:
    """`{target: 80, published: 8080}`: a flow mapping of scalars (nested collections are unknown)."""
    inner = text[1:-1].strip() if text.endswith("}") else None
    if inner is None or any(char in "[]{}" for char in re.sub(r"'[^']*'|\"[^\"]*\"", "", inner)):
        return UNKNOWN
    result: dict[str, object] = {}
    for item in split_flow(inner) if inner else []:
        split = key_split(item)
        if split is None:
            return UNKNOWN
        key, rest = split
        result[key] = scalar(rest) if rest else None
    return result


def split_flow(text: str) -> list[str]:
    """The items of a flow sequence, split on commas outside quotes."""
    items, current, quote = [], "", None
    for char in text:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == ",":
            items.append(current)
            current = ""
            continue
        current += char
    items.append(current)
    return [item.strip() for item in items]
