"""The rule-docs loader reads every example or fails: a fence it does not know is never dropped."""

from __future__ import annotations

import re

import pytest
from rule_docs import DocError, all_cases, cases_of

from tclint.catalog import rules_dir

DOC = (rules_dir() / "sleep-in-test.md").read_text(encoding="utf-8")


def doc_with(tmp_path, block: str):
    doc = tmp_path / "sleep-in-test.md"
    doc.write_text(DOC.replace("## Why is this bad?", f"{block}\n## Why is this bad?", 1), encoding="utf-8")
    return doc


@pytest.mark.parametrize(
    ("block", "error"),
    [
        pytest.param("```python\nx = 1\n```\n", "fence `python`: unknown fence", id="python-without-kind"),
        pytest.param("```python bda id=typo\nx = 1\n```\n", "fence `python bda`: unknown fence", id="mistyped-kind"),
        pytest.param("```py bad id=x\nx = 1\n```\n", "fence `py bad`: unknown fence", id="mistyped-language"),
        pytest.param("```python good idd=x\nx = 1\n```\n", "unknown attribute idd", id="mistyped-attribute"),
        pytest.param("```python good\nx = 1\n```\n", "has no id=", id="good-without-id"),
        pytest.param("```python file\nx = 1\n```\n", "has no path=", id="file-without-path"),
        pytest.param("```yaml file\nservices: {}\n```\n", "has no path=", id="yaml-file-without-path"),
        pytest.param("```yaml\nservices: {}\n```\n", "fence `yaml`: unknown fence", id="yaml-without-kind"),
        pytest.param("```toml\n[tool.tclint\n```\n", "not TOML", id="illustration-that-is-not-toml"),
        pytest.param("```python fixed\nx = 1\n```\n", "follows no bad block", id="fixed-after-nothing"),
    ],
)
def test_a_fence_the_loader_does_not_know_is_an_error(tmp_path, block, error):
    with pytest.raises(DocError, match=re.escape(error)):
        cases_of(doc_with(tmp_path, block))


def test_an_unclosed_fence_is_an_error(tmp_path):
    doc = tmp_path / "sleep-in-test.md"
    doc.write_text(DOC + "\n```python good id=open\nx = 1\n", encoding="utf-8")
    with pytest.raises(DocError, match="is never closed"):
        cases_of(doc)


def test_text_and_illustration_fences_are_read_and_every_doc_loads(tmp_path):
    before = cases_of(doc_with(tmp_path, ""))
    assert cases_of(doc_with(tmp_path, "```\nplain text\n```\n\n```toml\n[tool.tclint]\n```\n")) == before
    assert len(all_cases()) > 100
