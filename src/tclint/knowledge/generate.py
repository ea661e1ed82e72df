"""Generate the knowledge tables from the installed testcontainers and pytest sources.

    python -m tclint.knowledge.generate          # rewrite src/tclint/knowledge/generated.py
    python -m tclint.knowledge.generate --check  # exit 1 when the committed tables drift

The sources are read with `ast`; neither package is imported.
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import pprint
import sys
from dataclasses import dataclass, field
from pathlib import Path

OUTPUT = Path(__file__).with_name("generated.py")
DOCKER_CONTAINER = "testcontainers.core.container.DockerContainer"


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"generate: package {name!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def modules_of(package: str) -> dict[str, ast.Module]:
    root = package_dir(package)
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return modules


def import_map(module_name: str, tree: ast.Module, is_package: bool) -> dict[str, str]:
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module_name.split(".")
                parent = parent if is_package else parent[:-1]
                parent = parent[: len(parent) - (node.level - 1)]
                base = ".".join(parent + ([node.module] if node.module else []))
            for alias in node.names:
                names[alias.asname or alias.name] = f"{base}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
    return names


def dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


@dataclass
class ClassFacts:
    qualname: str
    bases: list[str]
    image_default: object = None  # str, None when the class takes no image or it is not a literal
    takes_image: bool = False
    image_position: int | None = None  # of `image` among `__init__`'s positional parameters, self excluded
    has_init: bool = False
    fixed_image: str | None = None
    ports: list[int] = field(default_factory=list)
    own_readiness: bool = False
    ready_logs: list[str] = field(default_factory=list)  # literal log texts its own readiness check waits for
    deprecated_parameters: dict[str, str] = field(default_factory=dict)
    deprecated: bool = False
    client_methods: dict[str, str] = field(default_factory=dict)  # get_*client* -> the type it returns


def _constants(tree: ast.Module) -> dict[str, str]:
    consts = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    consts[target.id] = node.value.value
    return consts


def _literal(node: ast.expr | None, consts: dict[str, str]) -> object:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name) and node.id in consts:
        return consts[node.id]
    return None


def _class_facts(qualname: str, node: ast.ClassDef, imports: dict[str, str], consts: dict[str, str], module: str) -> ClassFacts:
    bases = []
    for base in node.bases:
        name = dotted(base)
        if name:
            head, _, rest = name.partition(".")
            resolved = imports.get(head, f"{module}.{head}")
            bases.append(f"{resolved}.{rest}" if rest else resolved)
    facts = ClassFacts(qualname, bases, deprecated="DEPRECATED" in (ast.get_docstring(node) or ""))
    class_consts = dict(consts)
    for item in node.body:
        if isinstance(item, ast.Assign) and isinstance(item.value, ast.Constant) and isinstance(item.value.value, str):
            for target in item.targets:
                if isinstance(target, ast.Name):
                    class_consts[target.id] = item.value.value
    for item in node.body:
        if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if item.name in ("start", "_connect"):
            facts.own_readiness = True
        facts.ready_logs.extend(_awaited_logs(item, class_consts))
        if item.name == "__init__":
            _read_init(item, facts, class_consts)
        if item.name.startswith("get_") and "client" in item.name and item.name != "get_docker_client":
            returned = _returned_type(item, imports)
            if returned:
                facts.client_methods[item.name] = returned
    return facts


def _awaited_logs(method: ast.FunctionDef | ast.AsyncFunctionDef, consts: dict[str, str]) -> list[str]:
    """The literal texts a method waits to see in the logs: `wait_for_logs(self, "text")` and
    `LogMessageWaitStrategy("text")` (a pattern: the logs match it as a regular expression)."""
    found = []
    for node in ast.walk(method):
        if not isinstance(node, ast.Call):
            continue
        func = (dotted(node.func) or "").rsplit(".", 1)[-1]
        if func == "wait_for_logs":
            text = node.args[1] if len(node.args) > 1 else next((kw.value for kw in node.keywords if kw.arg == "predicate"), None)
        elif func == "LogMessageWaitStrategy":
            text = node.args[0] if node.args else None
        else:
            continue
        literal = _literal(text, consts)
        if isinstance(literal, str):
            found.append(literal)
    return found


def _returned_type(method: ast.FunctionDef | ast.AsyncFunctionDef, imports: dict[str, str]) -> str | None:
    """The annotation, or else the class a plain `return [await] Class(...)` builds."""
    def resolve(name: str | None) -> str | None:
        if not name:
            return None
        head, _, rest = name.partition(".")
        base = imports.get(head)
        return (f"{base}.{rest}" if rest else base) if base else None

    if method.returns is not None:
        annotation = method.returns
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            return resolve(annotation.value)
        return resolve(dotted(annotation))
    for node in ast.walk(method):
        if isinstance(node, ast.Return) and node.value is not None:
            value = node.value.value if isinstance(node.value, ast.Await) else node.value
            if isinstance(value, ast.Call):
                return resolve(dotted(value.func))
    return None


def _read_init(init: ast.FunctionDef, facts: ClassFacts, consts: dict[str, str]) -> None:
    args = init.args.args + init.args.kwonlyargs
    defaults = [None] * (len(init.args.args) - len(init.args.defaults)) + list(init.args.defaults)
    defaults += list(init.args.kw_defaults)
    facts.has_init = True
    positional = [arg.arg for arg in init.args.posonlyargs + init.args.args][1:]
    facts.image_position = positional.index("image") if "image" in positional else None
    for arg, default in zip(args, defaults):
        if arg.arg == "image":
            facts.takes_image = True
            facts.image_default = _literal(default, consts)
        elif (arg.arg == "port" or arg.arg.endswith(("_port", "port_to_expose"))) and isinstance(_literal(default, consts), int):
            facts.ports.append(_literal(default, consts))
    for node in ast.walk(init):
        if not isinstance(node, ast.Call):
            continue
        func = dotted(node.func) or ""
        if func.endswith("waiting_for") or any(kw.arg == "_wait_strategy" for kw in node.keywords):
            facts.own_readiness = True
        if func == "super.__init__" or (isinstance(node.func, ast.Attribute) and node.func.attr == "__init__"):
            image = node.args[0] if node.args else next((kw.value for kw in node.keywords if kw.arg == "image"), None)
            literal = _literal(image, consts)
            if not facts.takes_image and isinstance(literal, str):
                facts.fixed_image = literal
        if func.endswith("raise_for_deprecated_parameter") and len(node.args) == 3:
            old, new = (_literal(arg, consts) for arg in node.args[1:])
            if isinstance(old, str) and isinstance(new, str):
                facts.deprecated_parameters[old] = new
        if func.endswith("with_exposed_ports"):
            facts.ports.extend(arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, int))


def _public_name(qualname: str) -> str:
    """testcontainers.community.x.Y -> testcontainers.x.Y (the spelling both layouts share)."""
    return qualname.replace("testcontainers.community.", "testcontainers.", 1)


def testcontainers_tables() -> dict:
    modules = modules_of("testcontainers")
    classes: dict[str, ClassFacts] = {}
    reexports: dict[str, str] = {}
    legacy_modules: dict[str, str] = {}
    for name, tree in modules.items():
        is_package = (package_dir("testcontainers").parent / name.replace(".", "/") / "__init__.py").exists()
        imports = import_map(name, tree, is_package)
        consts = _constants(tree)
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                qualname = f"{name}.{node.name}"
                classes[qualname] = _class_facts(qualname, node, imports, consts, name)
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    reexports[f"{name}.{alias.asname or alias.name}"] = imports[alias.asname or alias.name]
        if _is_deprecation_shim(tree):
            target = next((node.module for node in tree.body if isinstance(node, ast.ImportFrom)), None)
            if target:
                legacy_modules[name] = target

    def is_container(qualname: str, seen=()) -> bool:
        facts = resolved(qualname)  # through re-exports: `from testcontainers.core.generic import DockerContainer`
        if facts is not None and facts.qualname == DOCKER_CONTAINER:
            return True
        return bool(facts) and qualname not in seen and any(is_container(b, (*seen, qualname)) for b in facts.bases)

    def resolved(qualname: str) -> ClassFacts | None:
        seen = set()
        while qualname in reexports and qualname not in seen:
            seen.add(qualname)
            qualname = reexports[qualname]
        return classes.get(qualname)

    def inherited(facts: ClassFacts, attribute: str, stop_at_docker: bool = True):
        value = getattr(facts, attribute)
        if value not in (None, False, [], {}):
            return value
        for base in facts.bases:
            parent = resolved(base)
            if parent and not (stop_at_docker and parent.qualname == DOCKER_CONTAINER):
                found = inherited(parent, attribute)
                if found not in (None, False, [], {}):
                    return found
        return value

    def image_position(facts: ClassFacts) -> int | None:
        """Read from the nearest `__init__`: a class without one takes its base's parameters."""
        if facts.has_init:
            return facts.image_position
        parents = (resolved(base) for base in facts.bases)
        return next((image_position(parent) for parent in parents if parent is not None and parent.has_init), None)

    def inherited_methods(facts: ClassFacts) -> dict[str, str]:
        methods: dict[str, str] = {}
        for base in facts.bases:
            parent = resolved(base)
            if parent is not None and parent is not facts:
                methods.update(inherited_methods(parent))
        methods.update(facts.client_methods)
        return methods

    table = {}
    for qualname, facts in sorted(classes.items()):
        if not is_container(qualname) or facts.qualname.split(".")[-1].startswith("_"):
            continue
        takes_image = inherited(facts, "takes_image", stop_at_docker=False)
        default = inherited(facts, "image_default") if takes_image else None
        table[_public_name(qualname)] = {
            "default_image": default if isinstance(default, str) else inherited(facts, "fixed_image"),
            "image_position": image_position(facts) if takes_image else None,
            "waits_until_ready": bool(inherited(facts, "own_readiness")) and qualname != DOCKER_CONTAINER,
            "ready_logs": tuple(facts.ready_logs if facts.own_readiness else inherited(facts, "ready_logs")) if qualname != DOCKER_CONTAINER else (),
            "ports": tuple(sorted(set(inherited(facts, "ports")))),
            "deprecated_parameters": dict(sorted(inherited(facts, "deprecated_parameters", stop_at_docker=False).items()))
            if inherited(facts, "deprecated_parameters", stop_at_docker=False) else {},
            "deprecated": facts.deprecated,
            "client_methods": dict(sorted(inherited_methods(facts).items())),
        }
    aliases = {}
    for alias in sorted(reexports):
        facts = resolved(alias)
        if facts and _public_name(facts.qualname) in table and _public_name(alias) != _public_name(facts.qualname):
            aliases[_public_name(alias)] = _public_name(facts.qualname)
    return {
        "TESTCONTAINERS_VERSION": importlib.metadata.version("testcontainers"),
        "CONTAINER_CLASSES": table,
        "CONTAINER_ALIASES": aliases,
        "LEGACY_MODULES": dict(sorted(legacy_modules.items())),
        "DEPRECATED_FUNCTIONS": deprecated_functions(modules),
    }


def deprecated_functions(modules: dict[str, ast.Module]) -> dict[str, str]:
    """Functions that warn with a DeprecationWarning when called: their replacement advice."""
    found = {}
    for name, tree in modules.items():
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("__"):
                continue
            for call in ast.walk(node):
                if isinstance(call, ast.Call) and dotted(call.func) == "warnings.warn" and call.args:
                    text = _joined_text(call.args[0])
                    category = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "category"), None)
                    if "deprecated" in text and dotted(category) == "DeprecationWarning":
                        found[_public_name(f"{name}.{node.name}")] = text
                        break
    return dict(sorted(found.items()))


def _joined_text(node: ast.expr) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value for part in node.values if isinstance(part, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _joined_text(node.left) + _joined_text(node.right)
    return ""


def _is_deprecation_shim(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and dotted(node.func) == "warnings.warn":
            text = " ".join(str(arg.value) for arg in node.args if isinstance(arg, ast.Constant))
            if "deprecated" in text and "community" in text:
                return True
    return False


def pytest_tables() -> dict:
    scopes = {}
    modules = modules_of("_pytest")
    for name, tree in modules.items():
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for decorator in node.decorator_list:
                call = decorator if isinstance(decorator, ast.Call) else None
                target = dotted(call.func if call else decorator) or ""
                if target.split(".")[-1] != "fixture":
                    continue
                scope = "function"
                fixture_name = node.name
                for keyword in call.keywords if call else ():
                    if keyword.arg == "scope" and isinstance(keyword.value, ast.Constant):
                        scope = keyword.value.value
                    if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                        fixture_name = keyword.value.value
                if not fixture_name.startswith("_"):
                    scopes[fixture_name] = scope
    return {
        "PYTEST_VERSION": importlib.metadata.version("pytest"),
        "PYTEST_FIXTURE_SCOPES": dict(sorted(scopes.items())),
        "PYTEST_COLLECTION_DEFAULTS": collection_defaults(modules["_pytest.python"]),
        "PYTEST_CONFIG_FILES": config_file_names(modules["_pytest.config.findpaths"]),
    }


def config_file_names(tree: ast.Module) -> tuple[str, ...]:
    """The files pytest looks for in each directory, in its order of precedence."""
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "CONFIG_LOADERS_BY_NAME":
            return tuple(ast.literal_eval(key) for key in node.value.keys)
    raise SystemExit("generate: CONFIG_LOADERS_BY_NAME not found in _pytest/config/findpaths.py")


COLLECTION_OPTIONS = ("python_files", "python_classes", "python_functions")


def collection_defaults(tree: ast.Module) -> dict[str, tuple[str, ...]]:
    """The defaults of the ini options that say which files, classes and functions pytest collects."""
    defaults = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and dotted(node.func) == "parser.addini" and node.args):
            continue
        option = node.args[0].value if isinstance(node.args[0], ast.Constant) else None
        default = next((keyword.value for keyword in node.keywords if keyword.arg == "default"), None)
        if option in COLLECTION_OPTIONS and default is not None:
            defaults[option] = tuple(ast.literal_eval(default))
    missing = set(COLLECTION_OPTIONS) - set(defaults)
    if missing:
        raise SystemExit(f"generate: no default found in _pytest/python.py for {sorted(missing)}")
    return defaults


def render() -> str:
    tables = {**testcontainers_tables(), **pytest_tables()}
    lines = [
        '"""Generated by `python -m tclint.knowledge.generate` from the installed testcontainers and pytest',
        'sources. Do not edit by hand: tests/test_knowledge.py fails when this drifts from them."""',
        "",
        "# fmt: off",
    ]
    for key, value in tables.items():
        lines.append(f"{key} = {pprint.pformat(value, width=110, sort_dicts=True)}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT} is out of date: run python -m tclint.knowledge.generate", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
