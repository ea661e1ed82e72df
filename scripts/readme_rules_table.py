"""Rewrite the rule table of README.md from the rule docs' front matter (tests/test_registry.py checks it).

    python scripts/readme_rules_table.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tclint.catalog import load_catalog  # noqa: E402

MARKER = "<!-- rules-table -->"


def table() -> str:
    rows = ["| Code | Name | Summary | Fix |", "|---|---|---|---|"]
    for rule in load_catalog():
        fix = rule.fix if rule.fix == "never" else f"{rule.fix} ({rule.fix_safety})"
        on = "" if rule.default_enabled else " (off by default)"
        rows.append(f"| {rule.code} | `{rule.name}` | {rule.summary}{on} | {fix} |")
    return "\n".join(rows)


def main() -> int:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    start = text.index(MARKER) + len(MARKER) + 1
    end = text.index("\n\n", start)
    readme.write_text(text[:start] + table() + text[end:], encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
