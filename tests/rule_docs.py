"""Reading the examples of `rules/<name>.md` as test cases.

A fence's info string is `python bad|fixed|good|file`, `yaml file` or `toml config`, then `key=value` attributes:
`id=` (required on bad and good blocks: test ids never come from list indexes) and `path=` (where the
example lives in the scratch project; default `tests/test_example.py`). A `fixed` block belongs to the
`bad` block right before it. A `toml config` block, and `python file path=...` and `yaml file path=...`
blocks (other files of the scratch project, such as a conftest.py or a compose file), apply to the next
bad or good block. Lines that
should be reported end with `# error: [rule-name]`; the marker is stripped before linting. A bare
`toml` block is an illustration (it must parse) and a bare fence is plain text; any other fence, an
unknown attribute or an unclosed fence is an error, so a mistyped example is never silently dropped.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tclint.catalog import rules_dir, split_front_matter

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

# the examples are written for the testcontainers the knowledge comes from (a config block may set another),
# in a project whose pytest imports from its root, as the guide's `from tests.test_utils import ...` needs
EXAMPLE_PROJECT = '[project]\nname = "example"\ndependencies = ["testcontainers==4.15.0"]\n\n[tool.pytest.ini_options]\npythonpath = ["."]\n\n'


def pyproject(tclint_table: str, config: str) -> str:
    """The scratch project's pyproject.toml: the example project (unless `config` declares its own), then
    `tclint_table` and the example's config block."""
    project_table = "" if "[project]" in config else EXAMPLE_PROJECT
    return f"{project_table}[tool.tclint]\n{tclint_table}\n\n{config}"


MARKER = re.compile(r"\s*# error: \[(?P<rules>[a-z0-9, -]+)\]\s*$")
DEFAULT_PATH = "tests/test_example.py"
# the info words a fence may have, and the attributes each kind takes
FENCES = {
    (): set(),
    ("toml",): set(),
    ("toml", "config"): set(),
    ("python", "bad"): {"id", "path"},
    ("python", "fixed"): set(),
    ("python", "good"): {"id", "path"},
    ("python", "file"): {"path"},
    ("yaml", "file"): {"path"},
}


class DocError(AssertionError):
    """A rule doc that the loader cannot read as the examples its author meant."""


@dataclass
class Case:
    rule: str
    section: str
    kind: str  # "bad" or "good"
    id: str
    source: str
    path: str = DEFAULT_PATH
    expected: list[tuple[str, int, str]] = field(default_factory=list)  # (path, line, rule name)
    fixed: str | None = None
    config: str = ""
    extra_files: dict[str, str] = field(default_factory=dict)

    @property
    def test_id(self) -> str:
        return f"{self.rule}/{self.section}/{self.id}"


def slug(heading: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")


def strip_markers(source: str) -> tuple[str, list[tuple[int, str]]]:
    lines, expected = [], []
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        ending = line[len(line.rstrip("\r\n")) :]
        match = MARKER.search(line.rstrip("\r\n"))
        if match:
            expected.extend((number, name.strip()) for name in match.group("rules").split(","))
            line = line.rstrip("\r\n")[: match.start()] + ending
        lines.append(line)
    return "".join(lines), expected


def fenced_blocks(body: str):
    """(section slug, info words, attributes, text) of every fenced block, in order."""
    section = "intro"
    lines = body.splitlines(keepends=True)
    index = 0
    while index < len(lines):
        line = lines[index]
        heading = re.match(r"#{2,3} (.+)", line)
        if heading:
            section = slug(heading.group(1))
        if line.startswith("```"):
            info = line[3:].strip().split()
            start = index + 1
            index = start
            while index < len(lines) and not lines[index].startswith("```"):
                index += 1
            if index == len(lines):
                raise DocError(f"the fence `{line.strip()}` (line {start}) is never closed")
            words = [word for word in info if "=" not in word]
            attributes = dict(word.split("=", 1) for word in info if "=" in word)
            yield section, words, attributes, "".join(lines[start:index])
        index += 1


def checked_blocks(doc: Path, body: str):
    """fenced_blocks, failing on a fence or an attribute the loader does not know."""
    for section, words, attributes, text in fenced_blocks(body):
        where = f"{doc.name}, section {section!r}, fence `{' '.join(words)}`"
        allowed = FENCES.get(tuple(words))
        if allowed is None:
            known = ", ".join(f"`{' '.join(kind)}`" for kind in FENCES if kind)
            raise DocError(f"{where}: unknown fence (known: {known}, or a bare fence for text)")
        if set(attributes) - allowed:
            raise DocError(f"{where}: unknown attribute {', '.join(sorted(set(attributes) - allowed))}")
        if words == ["toml"]:
            try:
                tomllib.loads(text)
            except tomllib.TOMLDecodeError as error:
                raise DocError(f"{where}: not TOML ({error})") from None
        yield section, words, attributes, text


def cases_of(doc: Path) -> list[Case]:
    meta, body = split_front_matter(doc.read_text(encoding="utf-8"), doc)
    cases: list[Case] = []
    config = ""
    files: dict[str, str] = {}
    extra_expected: list[tuple[str, int, str]] = []
    for section, words, attributes, text in checked_blocks(doc, body):
        kind = words[1] if len(words) > 1 else ""
        if words[:2] == ["toml", "config"]:
            config = text
        elif words[:1] == ["python"] and kind in ("bad", "good"):
            if "id" not in attributes:
                raise DocError(f"{doc}: a `python {kind}` block in section {section!r} has no id=")
            source, marked = strip_markers(text)
            path = attributes.get("path", DEFAULT_PATH)
            expected = [(path, line, name) for line, name in marked] + extra_expected
            cases.append(Case(meta["name"], section, kind, attributes["id"], source, path, expected,
                              config=config, extra_files=files))  # fmt: skip
            config, files, extra_expected = "", {}, []
        elif words[:1] == ["python"] and kind == "fixed":
            if not cases or cases[-1].kind != "bad" or cases[-1].fixed is not None:
                raise DocError(f"{doc}: a `python fixed` block in section {section!r} follows no bad block")
            cases[-1].fixed = text
        elif words[:1] == ["python"] and kind == "file":
            if "path" not in attributes:
                raise DocError(f"{doc}: a `python file` block in section {section!r} has no path=")
            files[attributes["path"]], marked = strip_markers(text)
            extra_expected += [(attributes["path"], line, name) for line, name in marked]
        elif words == ["yaml", "file"]:
            if "path" not in attributes:
                raise DocError(f"{doc}: a `yaml file` block in section {section!r} has no path=")
            files[attributes["path"]] = text
    return cases


def all_cases() -> list[Case]:
    return [case for doc in sorted(rules_dir().glob("*.md")) for case in cases_of(doc)]
