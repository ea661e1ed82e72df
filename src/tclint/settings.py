"""Configuration: found once per run, validated strictly, frozen into one `Settings` object.

Sources, nearest first from the current directory upwards: `.tclint.toml`, `tclint.toml` (top-level
keys) or a `pyproject.toml` with a `[tool.tclint]` table. `--config FILE` names one explicitly. An
unknown key or a bad value is a `ConfigError` naming the key and the file, never a silent default.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from tclint import __version__
from tclint.catalog import RuleInfo, load_catalog, rules_dir
from tclint.project import Collection, PytestConfigError, VersionSpec, parse_spec, project_root_of, pytest_collection

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_NAMES = (".tclint.toml", "tclint.toml", "pyproject.toml")
DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".venv", "venv", "build", "dist", "node_modules", "__pycache__",
    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".tclint_cache",
)  # fmt: skip


class ConfigError(Exception):
    """A configuration problem: the message names the file and the key."""


@dataclass(frozen=True)
class Selection:
    """Whether one rule runs, and the setting that decided it."""

    rule: RuleInfo
    enabled: bool
    reason: str


@dataclass(frozen=True)
class Settings:
    project_root: Path
    config_path: Path | None = None
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    unsafe_fixes: bool = False
    container_classes: tuple[str, ...] = ()
    image_pins: tuple[tuple[str, str], ...] = ()
    wait_helper: str = "tests/test_utils/wait.py"
    testcontainers_version: str | None = None  # set by configuration or --testcontainers-version; None: each project's
    collection: Collection = Collection()  # what the project's pytest collects
    rule_options: tuple[tuple[str, tuple[tuple[str, object], ...]], ...] = ()
    fixable: tuple[str, ...] = ("ALL",)  # the rules whose fixes may be applied (selectors)
    unfixable: tuple[str, ...] = ()
    # where each of select / extend-select / ignore came from, for `tclint config`
    origins: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def options_for(self, rule: RuleInfo) -> dict[str, object]:
        """The rule's options: its defaults, overridden by `[tool.tclint.rules.<name>]`."""
        values = {spec.name: _frozen(spec.default) for spec in rule.options}
        values.update(dict(dict(self.rule_options).get(rule.name, ())))
        return values

    def selections(self) -> list[Selection]:
        return [self._select_one(rule) for rule in load_catalog()]

    def enabled_rules(self) -> tuple[RuleInfo, ...]:
        return tuple(choice.rule for choice in self.selections() if choice.enabled)

    def _select_one(self, rule: RuleInfo) -> Selection:
        origins = dict(self.origins)
        candidates: list[tuple[int, bool, str]] = []
        base = self.select if self.select is not None else ()
        for key, selectors, positive in (
            ("select", base, True),
            ("extend-select", self.extend_select, True),
            ("ignore", self.ignore, False),
        ):
            for selector in selectors:
                if selector_matches(selector, rule):
                    where = origins.get(key, "configuration")
                    candidates.append((specificity(selector), positive, f"{key} `{selector}` ({where})"))
        if candidates:
            # the most specific selector wins; on a tie, ignore wins
            best = max(candidates, key=lambda item: (item[0], not item[1]))
            return Selection(rule, best[1], best[2])
        if self.select is not None:
            return Selection(rule, False, f"not matched by select ({origins.get('select', 'configuration')})")
        if rule.default_enabled:
            return Selection(rule, True, "on by default")
        return Selection(rule, False, "off by default (select it to enable)")

    def unfixable_rules(self) -> frozenset[str]:
        """The rules whose fixes are neither offered nor applied: for each rule, the most specific of
        `fixable` and `unfixable` decides (not matched by `fixable`: unfixable); on a tie, unfixable wins."""
        return frozenset(rule.name for rule in load_catalog() if not self._fixable(rule))

    def _fixable(self, rule: RuleInfo) -> bool:
        matches = [(specificity(s), True) for s in self.fixable if selector_matches(s, rule)]
        matches += [(specificity(s), False) for s in self.unfixable if selector_matches(s, rule)]
        return bool(matches) and max(matches, key=lambda item: (item[0], not item[1]))[1]

    def version_override(self) -> VersionSpec | None:
        """The testcontainers version the user set, which wins over what each project pins."""
        if self.testcontainers_version is None:
            return None
        origin = dict(self.origins).get("testcontainers-version", "configuration")
        label = origin if origin.startswith("--") else f"testcontainers-version in {origin}"
        return parse_spec(self.testcontainers_version, label)

    def fingerprint(self) -> str:
        """Everything that can change a file's diagnostics, hashed: the key of the cache."""
        rules = [(rule.code, sorted(self.options_for(rule).items())) for rule in self.enabled_rules()]
        payload = [__version__, _code_stamp(), rules, self.container_classes, self.image_pins, self.wait_helper,
                   self.testcontainers_version, self.collection, self.fixable, self.unfixable]  # fmt: skip
        return hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()[:16]


def _code_stamp() -> str:
    """Changes whenever tclint's own code or rule docs change, so that a development checkout never
    serves results of the code it had before (one stat per file, no reads)."""
    package = Path(__file__).parent
    stamps = []
    for directory in (package, package / "rules", package / "engine", package / "knowledge", rules_dir()):
        for entry in sorted(os.scandir(directory), key=lambda entry: entry.name):
            if entry.name.endswith((".py", ".md")):
                stat = entry.stat()
                stamps.append(f"{entry.name}:{stat.st_mtime_ns}:{stat.st_size}")
    return hashlib.blake2b("|".join(stamps).encode(), digest_size=8).hexdigest()


def selector_matches(selector: str, rule: RuleInfo) -> bool:
    if selector == "ALL" or selector == rule.name:
        return True
    upper = selector.upper()
    return upper.startswith("TCL") and rule.code.startswith(upper)


def specificity(selector: str) -> int:
    if selector == "ALL":
        return 0
    if selector.upper().startswith("TCL"):
        return len(selector)
    return 100  # a full rule name is as specific as a full code


def validate_selectors(selectors: tuple[str, ...], where: str) -> None:
    catalog = load_catalog()
    for selector in selectors:
        if not any(selector_matches(selector, rule) for rule in catalog):
            raise ConfigError(f"{where}: unknown rule selector `{selector}` (see `tclint rules`)")


def find_config(start: Path) -> Path | None:
    """The nearest configuration file. A `pyproject.toml` that cannot be read is an error, never a
    file to skip: skipping it would silently apply a parent folder's configuration instead."""
    for directory in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_tool_table(candidate)):
                return candidate
    return None


def _has_tool_table(pyproject: Path) -> bool:
    return "tclint" in _read_toml(pyproject).get("tool", {})


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None


def load_settings(config_path: Path | None, cwd: Path) -> Settings:
    """Settings from `config_path` (found from `cwd` upwards when None) or the defaults."""
    if config_path is None:
        config_path = find_config(cwd)
    if config_path is None:
        settings = Settings(project_root=project_root_of(cwd, cwd))
    else:
        config_path = config_path.resolve()
        data = _read_toml(config_path)
        if config_path.name == "pyproject.toml":
            table, prefix = data.get("tool", {}).get("tclint", {}), "tool.tclint"
        else:
            table, prefix = data, ""
        settings = _parse_table(table, prefix, config_path)
    root = settings.project_root
    try:
        collection = pytest_collection(root)
    except PytestConfigError as error:
        raise ConfigError(str(error)) from None
    return replace(settings, collection=collection)


def _key(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _parse_table(table: dict, prefix: str, path: Path) -> Settings:
    reader = _TableReader(path, prefix)
    known = {
        "select", "extend-select", "ignore", "per-file-ignores", "exclude", "extend-exclude",
        "unsafe-fixes", "container-classes", "image-pins", "wait-helper", "rules", "fixable", "unfixable", "testcontainers-version",
    }  # fmt: skip
    for key in table:
        if key not in known:
            raise ConfigError(f"{path}: unknown key `{_key(prefix, key)}`")
    select = reader.strings(table, "select") if "select" in table else None
    extend_select = reader.strings(table, "extend-select")
    ignore = reader.strings(table, "ignore")
    fixable = reader.strings(table, "fixable") if "fixable" in table else Settings.fixable
    unfixable = reader.strings(table, "unfixable")
    for key, selectors in (("select", select or ()), ("extend-select", extend_select), ("ignore", ignore),
                           ("fixable", fixable), ("unfixable", unfixable)):  # fmt: skip
        validate_selectors(selectors, f"{path}: `{_key(prefix, key)}`")
    per_file = reader.table_of(table, "per-file-ignores", "strings")
    for pattern, selectors in per_file:
        validate_selectors(selectors, f"{path}: `{_key(prefix, 'per-file-ignores')}.{pattern}`")
    origins = tuple((key, path.name) for key in ("select", "extend-select", "ignore", "testcontainers-version") if key in table)
    return Settings(
        project_root=path.parent,
        config_path=path,
        select=select,
        extend_select=extend_select,
        ignore=ignore,
        per_file_ignores=per_file,
        exclude=reader.strings(table, "exclude") if "exclude" in table else DEFAULT_EXCLUDE,
        extend_exclude=reader.strings(table, "extend-exclude"),
        unsafe_fixes=reader.boolean(table, "unsafe-fixes"),
        container_classes=reader.strings(table, "container-classes"),
        image_pins=reader.table_of(table, "image-pins", "string"),
        wait_helper=reader.string(table, "wait-helper") if "wait-helper" in table else Settings.wait_helper,
        testcontainers_version=reader.version(table, "testcontainers-version") if "testcontainers-version" in table else None,
        rule_options=_parse_rule_options(table.get("rules", {}), reader),
        fixable=fixable,
        unfixable=unfixable,
        origins=origins,
    )


def _parse_rule_options(rules: object, reader: _TableReader) -> tuple:
    if not isinstance(rules, dict):
        raise ConfigError(f"{reader.path}: `{_key(reader.prefix, 'rules')}` must be a table")
    by_name = {rule.name: rule for rule in load_catalog()}
    parsed = []
    for rule_name, options in rules.items():
        where = f"{_key(reader.prefix, 'rules')}.{rule_name}"
        rule = by_name.get(rule_name)
        if rule is None:
            raise ConfigError(f"{reader.path}: unknown rule `{rule_name}` in `{where}` (rules take their full name)")
        if not isinstance(options, dict):
            raise ConfigError(f"{reader.path}: `{where}` must be a table")
        values = []
        for option, value in options.items():
            spec = rule.option(option)
            if spec is None:
                raise ConfigError(f"{reader.path}: unknown option `{where}.{option}`")
            values.append((option, _check_option(value, spec, f"{reader.path}: `{where}.{option}`")))
        parsed.append((rule_name, tuple(values)))
    return tuple(parsed)


def _check_option(value: object, spec, where: str) -> object:
    expected = {"str": str, "choice": str, "int": int, "bool": bool, "list": list, "table": dict}[spec.type]
    if not isinstance(value, expected) or (spec.type == "int" and isinstance(value, bool)):
        raise ConfigError(f"{where} must be {_describe(spec.type)}, got {value!r}")
    if spec.type == "choice" and value not in spec.choices:
        raise ConfigError(f"{where} must be one of {', '.join(spec.choices)}; got {value!r}")
    if spec.type == "list" and not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where} must be a list of strings")
    if spec.type == "table" and not all(isinstance(item, str) for item in value.values()):
        raise ConfigError(f"{where} must be a table of strings")
    return _frozen(value)


def _describe(kind: str) -> str:
    return {"str": "a string", "choice": "a string", "int": "an integer", "bool": "true or false",
            "list": "a list of strings", "table": "a table"}[kind]  # fmt: skip


def _frozen(value: object) -> object:
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, dict):
        return tuple(sorted(value.items()))
    return value


@dataclass(frozen=True)
class _TableReader:
    path: Path
    prefix: str

    def _fail(self, key: str, expected: str, value: object) -> ConfigError:
        return ConfigError(f"{self.path}: `{_key(self.prefix, key)}` must be {expected}, got {value!r}")

    def strings(self, table: dict, key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self._fail(key, "a list of strings", value)
        return tuple(value)

    def string(self, table: dict, key: str) -> str:
        value = table.get(key)
        if not isinstance(value, str):
            raise self._fail(key, "a string", value)
        return value

    def version(self, table: dict, key: str) -> str:
        value = self.string(table, key)
        if parse_spec(value) is None:
            raise self._fail(key, 'a version ("4.15.0") or a specifier (">=4.13,<5")', value)
        return value

    def boolean(self, table: dict, key: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            raise self._fail(key, "true or false", value)
        return value

    def table_of(self, table: dict, key: str, value_kind: str) -> tuple:
        """A table whose values are all read by the method named `value_kind`."""
        value = table.get(key, {})
        if not isinstance(value, dict):
            raise self._fail(key, "a table", value)
        read_value = getattr(_TableReader(self.path, _key(self.prefix, key)), value_kind)
        return tuple((name, read_value(value, name)) for name in value)


def with_cli_overrides(
    settings: Settings,
    *,
    select: tuple[str, ...] = (),
    extend_select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    unsafe_fixes: bool = False,
    fixable: tuple[str, ...] = (),
    unfixable: tuple[str, ...] = (),
    testcontainers_version: str | None = None,
) -> Settings:
    """Command-line selectors: `--select` and `--fixable` replace the configured ones, the others add
    to theirs."""
    for option, selectors in (("--select", select), ("--extend-select", extend_select), ("--ignore", ignore),
                              ("--fixable", fixable), ("--unfixable", unfixable)):  # fmt: skip
        validate_selectors(selectors, option)
    origins = dict(settings.origins)
    changes: dict = {"unsafe_fixes": settings.unsafe_fixes or unsafe_fixes, "unfixable": settings.unfixable + unfixable}
    if fixable:
        changes["fixable"] = fixable
    if testcontainers_version is not None:
        if parse_spec(testcontainers_version) is None:
            raise ConfigError(f"--testcontainers-version: not a version or specifier: {testcontainers_version!r}")
        changes["testcontainers_version"] = testcontainers_version
        origins["testcontainers-version"] = "--testcontainers-version"
    if select:
        changes["select"] = select
        origins["select"] = "--select"
    if extend_select:
        changes["extend_select"] = settings.extend_select + extend_select
        origins["extend-select"] = _joined(origins.get("extend-select"), "--extend-select")
    if ignore:
        changes["ignore"] = settings.ignore + ignore
        origins["ignore"] = _joined(origins.get("ignore"), "--ignore")
    return replace(settings, origins=tuple(origins.items()), **changes)


def _joined(first: str | None, second: str) -> str:
    return f"{first} and {second}" if first else second


def split_selectors(values: tuple[str, ...]) -> tuple[str, ...]:
    """`--select A,B --select C` -> (A, B, C)."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())
