"""The rule catalog: what every rule is called, what it does and which options it takes.

The single source is the TOML front matter of each rule's doc in `rules/<name>.md`. This module
imports neither libcst nor rich, so `tclint rules`, `explain` and `config` start fast.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

FENCE = "+++"
FIX_AVAILABILITY = ("always", "sometimes", "never")
FIX_SAFETY = ("safe", "unsafe", "none")
MIXED_SAFETY = "safe or unsafe"  # a rule whose fixes declare different safeties
OPTION_TYPES = ("str", "choice", "int", "bool", "list", "table")
FILE = "file"  # walks each file's syntax tree with the other rules
PROJECT = "project"  # reads the facts of every file of the run, once they are all in
SUPPRESSIONS = "suppressions"  # reads a file's suppression comments once every other rule has reported
RULE_KINDS = (FILE, PROJECT, SUPPRESSIONS)


class CatalogError(Exception):
    """A rule doc whose front matter is missing or malformed."""


@dataclass(frozen=True)
class OptionSpec:
    name: str
    type: str
    default: object
    description: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleInfo:
    name: str
    code: str
    summary: str
    fix: str
    fix_safety: str  # of every fix, or MIXED_SAFETY
    default_enabled: bool
    since: str
    options: tuple[OptionSpec, ...]
    doc_path: Path
    kind: str = FILE
    # groups of words: a file where some group has none of its words holds nothing for the rule (no
    # groups: any file may); tokens in braces stand for word lists (see worker.Prefilter)
    hints: tuple[tuple[str, ...], ...] = ()
    # (title, safety) of each fix when the front matter declares them one by one (`[fix-safety]`, a
    # title's formatted parts as an example)
    fixes: tuple[tuple[str, str], ...] = ()

    @property
    def module_name(self) -> str:
        return self.name.replace("-", "_")

    def option(self, name: str) -> OptionSpec | None:
        return next((spec for spec in self.options if spec.name == name), None)


def rules_dir() -> Path:
    """`rules/` of a source checkout or editable install, or the copy packed into the wheel."""
    packed = Path(__file__).parent / "_rule_docs"
    if packed.is_dir():
        return packed
    return Path(__file__).resolve().parents[2] / "rules"


def split_front_matter(text: str, path: Path) -> tuple[dict, str]:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != FENCE:
        raise CatalogError(f"{path}: the doc must start with `{FENCE}` TOML front matter")
    for end, line in enumerate(lines[1:], start=1):
        if line.strip() == FENCE:
            try:
                meta = tomllib.loads("".join(lines[1:end]))
            except tomllib.TOMLDecodeError as error:
                raise CatalogError(f"{path}: front matter: {error}") from None
            return meta, "".join(lines[end + 1 :])
    raise CatalogError(f"{path}: front matter is not closed by `{FENCE}`")


def _option_specs(meta: dict, path: Path) -> tuple[OptionSpec, ...]:
    specs = []
    for name, table in meta.get("options", {}).items():
        kind = table.get("type")
        if kind not in OPTION_TYPES:
            raise CatalogError(f"{path}: option `{name}` has type {kind!r}, expected one of {OPTION_TYPES}")
        specs.append(
            OptionSpec(
                name=name,
                type=kind,
                default=table.get("default"),
                description=table.get("description", ""),
                choices=tuple(table.get("choices", ())),
            )
        )
    return tuple(specs)


HINT_TOKENS = ("{container-classes}", "{containers}", "{service-words}")


def _hint_groups(hints: list, path: Path) -> tuple[tuple[str, ...], ...]:
    """`hints = ["a", "b"]` is one group; `hints = [["a", "b"], ["c"]]` two, both needed."""
    if all(isinstance(hint, str) for hint in hints):
        groups = (tuple(hints),) if hints else ()
    elif all(isinstance(group, list) and group and all(isinstance(hint, str) for hint in group) for group in hints):
        groups = tuple(tuple(group) for group in hints)
    else:
        raise CatalogError(f"{path}: `hints` must be a list of words or a list of lists of words")
    for hint in (hint for group in groups for hint in group):
        if hint.startswith("{") and hint not in HINT_TOKENS and not hint.startswith("{option:"):
            raise CatalogError(f"{path}: unknown hint token {hint} (known: {', '.join(HINT_TOKENS)}, {{option:NAME}})")
    return groups


def _fix_safety(declared: object, path: Path) -> tuple[str, tuple[tuple[str, str], ...]]:
    """`fix-safety = "safe"` for every fix of the rule, or a table of each fix's safety by its title:
    (the rule's safety, the fixes one by one)."""
    if isinstance(declared, str):
        return declared, ()
    if not isinstance(declared, dict) or not declared or any(value not in ("safe", "unsafe") for value in declared.values()):
        raise CatalogError(f"{path}: `fix-safety` must be one of {FIX_SAFETY}, or a table of fix titles, each \"safe\" or \"unsafe\"")
    safeties = set(declared.values())
    return (safeties.pop() if len(safeties) == 1 else MIXED_SAFETY), tuple(declared.items())


def read_rule_info(path: Path) -> RuleInfo:
    meta, _ = split_front_matter(path.read_text(encoding="utf-8"), path)
    try:
        fix_safety, fixes = _fix_safety(meta["fix-safety"], path)
        info = RuleInfo(
            name=meta["name"],
            code=meta["code"],
            summary=meta["summary"],
            fix=meta["fix"],
            fix_safety=fix_safety,
            fixes=fixes,
            default_enabled=meta.get("default", True),
            since=meta["since"],
            options=_option_specs(meta, path),
            doc_path=path,
            kind=meta.get("kind", FILE),
            hints=_hint_groups(meta.get("hints", ()), path),
        )
    except KeyError as missing:
        raise CatalogError(f"{path}: front matter lacks {missing}") from None
    for hint in (hint for group in info.hints for hint in group if hint.startswith("{option:")):
        if info.option(hint[len("{option:") : -1]) is None:
            raise CatalogError(f"{path}: hint {hint} names no option of the rule")
    if info.kind not in RULE_KINDS:
        raise CatalogError(f"{path}: `kind` must be one of {RULE_KINDS}")
    if info.fix not in FIX_AVAILABILITY or info.fix_safety not in (*FIX_SAFETY, MIXED_SAFETY):
        raise CatalogError(f"{path}: `fix` must be one of {FIX_AVAILABILITY}, `fix-safety` one of {FIX_SAFETY}")
    if path.stem != info.name:
        raise CatalogError(f"{path}: file name does not match the rule name `{info.name}`")
    return info


@lru_cache(maxsize=1)
def load_catalog() -> tuple[RuleInfo, ...]:
    """Every rule, sorted by code."""
    infos = [read_rule_info(path) for path in sorted(rules_dir().glob("*.md"))]
    return tuple(sorted(infos, key=lambda info: info.code))


def rule_type(info: RuleInfo) -> type:
    """The rule's class, importing its module only (the project-wide and suppression rules need no
    libcst, so the runner loads them without loading the others)."""
    from importlib import import_module

    module = import_module(f"tclint.rules.{info.module_name}")
    return next(value for value in vars(module).values() if isinstance(value, type) and getattr(value, "name", None) == info.name
                and getattr(value, "kind", None) is not None)  # fmt: skip


def find_rule(selector: str) -> RuleInfo | None:
    """A rule by exact name or code (case-insensitive code)."""
    for info in load_catalog():
        if selector == info.name or selector.upper() == info.code:
            return info
    return None
