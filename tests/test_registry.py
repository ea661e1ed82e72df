"""The rule tuple, the rule docs, the README and the pre-commit hooks stay in step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rule_docs import cases_of, fenced_blocks

from tclint.catalog import load_catalog, rules_dir, split_front_matter
from tclint.registry import RULES

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ["What it does", "Why is this bad?", "Example", "Use instead", "Fix safety", "Options", "References"]
CATALOG = load_catalog()


def test_every_rule_in_the_tuple_has_a_doc_and_every_doc_a_rule():
    assert sorted(rule.name for rule in RULES) == sorted(info.name for info in CATALOG)
    assert sorted(path.stem for path in rules_dir().glob("*.md")) == sorted(info.name for info in CATALOG)


def test_codes_and_names_are_unique_and_well_formed():
    codes = [info.code for info in CATALOG]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"TCL\d{3}", code) for code in codes)
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", info.name) for info in CATALOG)


@pytest.mark.parametrize("info", CATALOG, ids=lambda info: info.name)
def test_doc_has_the_sections_in_order(info):
    _, body = split_front_matter(info.doc_path.read_text(encoding="utf-8"), info.doc_path)
    headings = re.findall(r"^## (.+)$", body, flags=re.MULTILINE)
    assert headings == SECTIONS
    assert body.lstrip().startswith(f"# {info.name} ({info.code})\n")


@pytest.mark.parametrize("info", CATALOG, ids=lambda info: info.name)
def test_fix_availability_matches_the_examples(info):
    bad = [case for case in cases_of(info.doc_path) if case.kind == "bad"]
    fixed = [case for case in bad if case.fixed is not None]
    assert bad, "every rule shows at least one bad example"
    assert any(case.kind == "good" for case in cases_of(info.doc_path)), "and at least one good one"
    if info.fix == "never":
        assert not fixed
    elif info.fix == "always":
        assert len(fixed) == len(bad)
    else:
        assert fixed and len(fixed) < len(bad), "`sometimes` shows a fix and a case without one"


@pytest.mark.parametrize("info", CATALOG, ids=lambda info: info.name)
def test_options_are_documented_and_shown(info):
    _, body = split_front_matter(info.doc_path.read_text(encoding="utf-8"), info.doc_path)
    options_section = body.split("## Options", 1)[1].split("## References", 1)[0]
    for option in info.options:
        assert f"`{option.name}`" in options_section


def test_case_ids_are_unique():
    from rule_docs import all_cases

    ids = [case.test_id for case in all_cases()]
    assert len(ids) == len(set(ids))


def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_rule_table_lists_every_rule():
    table = readme().split("<!-- rules-table -->", 1)[1].split("\n\n", 1)[0]
    rows = [line.split("|")[1:-1] for line in table.strip().splitlines()[2:]]
    expected = [
        [f" {info.code} ", f" `{info.name}` ", f" {info.summary}{'' if info.default_enabled else ' (off by default)'} ",
         f" {info.fix if info.fix == 'never' else f'{info.fix} ({info.fix_safety})'} "]
        for info in CATALOG
    ]  # fmt: skip
    assert rows == expected, "run: python scripts/readme_rules_table.py"


def test_every_hook_is_in_the_readme_and_runs_tclint():
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    ids = re.findall(r"^- id: (\S+)$", hooks, flags=re.MULTILINE)
    assert ids == ["tclint", "tclint-fix"]
    for hook in ids:
        assert f"- id: {hook} " in readme()
    assert "entry: tclint check --force-exclude\n" in hooks and "entry: tclint check --fix --force-exclude\n" in hooks


def fenced_after(marker: str) -> str:
    blocks = [text for _, _, _, text in fenced_blocks(readme().split(marker, 1)[1])]
    return blocks[0].strip()


def test_ci_runs_exactly_the_readme_test_command():
    command = fenced_after("<!-- test-command -->")
    assert command.startswith("python3 -m venv .venv")
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert f"{command} || status=$?" in ci.splitlines(), "the exit status is kept to handle pytest's 5"


def test_readme_options_are_real_cli_options():
    from click.testing import CliRunner

    from tclint.cli import cli

    help_text = "".join(CliRunner().invoke(cli, [command, "--help"]).output for command in ("check", "verify"))
    for option in set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", readme())):
        assert option in help_text or option in ("--help", "--version"), option


@pytest.mark.parametrize(
    ("hints", "error"),
    [
        ('[["mock"], ["{container}"]]', "unknown hint token {container}"),
        ('[["mock"], ["{option:no-such-option}"]]', "hint {option:no-such-option} names no option"),
        ('["mock", ["patch"]]', "`hints` must be a list of words or a list of lists of words"),
    ],
)
def test_a_mistyped_hint_is_an_error_not_a_rule_that_never_runs(tmp_path, hints, error):
    from tclint.catalog import CatalogError, read_rule_info

    source = (rules_dir() / "sleep-in-test.md").read_text(encoding="utf-8")
    doc = tmp_path / "sleep-in-test.md"
    doc.write_text(re.sub(r"(?m)^hints = .*$", lambda _: f"hints = {hints}", source, count=1), encoding="utf-8")
    with pytest.raises(CatalogError, match=re.escape(error)):
        read_rule_info(doc)
