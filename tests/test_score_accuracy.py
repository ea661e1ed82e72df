import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPEC = importlib.util.spec_from_file_location("score_accuracy", ROOT / "scripts" / "score_accuracy.py")
score_accuracy = importlib.util.module_from_spec(SPEC)
sys.modules["score_accuracy"] = score_accuracy
SPEC.loader.exec_module(score_accuracy)

CODES = {"sleep-in-test": "TCL301", "unpinned-container-image": "TCL401", "legacy-testcontainers-import": "TCL701"}

MANIFEST = """\
repository = "someone/suite"
commit = "0123456789012345678901234567890123456789"
shape = "test"

[[files]]
path = "tests/conftest.py"

[[files]]
path = "tests/test_a.py"

[[findings]]
path = "tests/test_a.py"
line = 10
end_line = 12
rule = "sleep-in-test"
certainty = "clear-cut"
note = "sleep waiting for a consumer"

[[findings]]
path = "tests/conftest.py"
line = 5
alt_lines = [20]
rule = "unpinned-container-image"
certainty = "clear-cut"
note = "default image"

[[findings]]
path = "tests/test_a.py"
line = 30
rule = "sleep-in-test"
certainty = "debatable"
note = "holds a lock on purpose"
"""


def found(path, first, last, rule):
    return score_accuracy.Found("someone/suite", path, first, last, rule, "message")


def scored(tmp_path, findings):
    manifest_path = tmp_path / "someone+suite.toml"
    manifest_path.write_text(MANIFEST, encoding="utf-8")
    manifest = score_accuracy.load_manifest(manifest_path, CODES)
    scores = {name: score_accuracy.Score() for name in CODES}
    score_accuracy.score_repository(manifest, findings, scores)
    return scores


def test_a_finding_inside_the_range_or_on_an_alternative_line_is_a_hit(tmp_path):
    scores = scored(
        tmp_path, [found("tests/test_a.py", 11, 11, "sleep-in-test"), found("tests/conftest.py", 20, 20, "unpinned-container-image")]
    )
    assert [len(scores["sleep-in-test"].true_positives), len(scores["unpinned-container-image"].true_positives)] == [1, 1]
    assert [len(score.misses) + len(score.false_positives) for score in scores.values()] == [0, 0, 0]


def test_a_finding_whose_rows_cover_the_annotated_line_is_a_hit(tmp_path):
    scores = scored(tmp_path, [found("tests/conftest.py", 3, 8, "unpinned-container-image")])
    assert len(scores["unpinned-container-image"].true_positives) == 1


@pytest.mark.parametrize(
    "finding",
    [
        pytest.param(found("tests/test_a.py", 13, 13, "sleep-in-test"), id="line-after-the-range"),
        pytest.param(found("tests/conftest.py", 11, 11, "sleep-in-test"), id="other-file"),
        pytest.param(found("tests/test_a.py", 11, 11, "unpinned-container-image"), id="other-rule"),
    ],
)
def test_a_finding_elsewhere_is_a_false_positive_and_the_entry_a_miss(tmp_path, finding):
    scores = scored(tmp_path, [finding])
    assert len(scores[finding.rule].false_positives) == 1
    assert len(scores["sleep-in-test"].misses) == 1


def test_a_debatable_entry_counts_neither_way(tmp_path):
    reported = scored(tmp_path, [found("tests/test_a.py", 30, 30, "sleep-in-test")])["sleep-in-test"]
    silent = scored(tmp_path, [])["sleep-in-test"]
    assert [len(reported.debatable_found), len(reported.false_positives), len(reported.true_positives)] == [1, 0, 0]
    assert [len(silent.debatable_silent), len(silent.misses)] == [1, 1]


def test_one_finding_matches_one_entry(tmp_path):
    scores = scored(tmp_path, [found("tests/test_a.py", 10, 30, "sleep-in-test")])["sleep-in-test"]
    assert [len(scores.true_positives), len(scores.debatable_silent)] == [1, 1]


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        pytest.param('rule = "sleep-in-test"', 'rule = "sleepy"', "is not a scored tclint rule name", id="unknown-rule"),
        pytest.param(
            'rule = "sleep-in-test"', 'rule = "legacy-testcontainers-import"', "is not a scored", id="unscored-rule"
        ),
        pytest.param('certainty = "clear-cut"', 'certainty = "sure"', "certainty must be one of", id="certainty"),
        pytest.param('path = "tests/test_a.py"\nline', 'path = "tests/b.py"\nline', "is not listed in [[files]]", id="path"),
    ],
)
def test_a_malformed_manifest_is_refused_with_the_entry_named(tmp_path, old, new, error):
    manifest_path = tmp_path / "bad.toml"
    manifest_path.write_text(MANIFEST.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SystemExit, match=r"^bad\.toml: .*" + error.replace("[", r"\[").replace("]", r"\]")):
        score_accuracy.load_manifest(manifest_path, CODES)


def test_every_manifest_in_the_repository_loads():
    codes = score_accuracy.rule_codes()
    manifests = sorted(score_accuracy.MANIFESTS.glob("*.toml"))
    assert len(manifests) >= 8
    for path in manifests:
        manifest = score_accuracy.load_manifest(path, codes)
        assert path.name == manifest.repository.replace("/", "+") + ".toml"
        assert len(manifest.commit) == 40


def test_a_missing_snapshot_is_skipped_with_one_line(tmp_path):
    manifest = score_accuracy.MANIFESTS / "tdensmore+avatars.toml"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "score_accuracy.py"), "--mirror", str(tmp_path), "--output", "-", str(manifest)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stderr.splitlines() == [f"skipped tdensmore/avatars: no snapshot under {tmp_path}"]
    assert f"- tdensmore/avatars: no snapshot under {tmp_path}" in result.stdout


def test_a_second_finding_on_an_entry_already_found_is_a_duplicate_not_a_false_positive(tmp_path):
    scores = scored(
        tmp_path,
        [found("tests/conftest.py", 5, 5, "unpinned-container-image"), found("tests/conftest.py", 20, 20, "unpinned-container-image")],
    )["unpinned-container-image"]
    assert [len(scores.true_positives), len(scores.duplicates), len(scores.false_positives)] == [1, 1, 0]


def git(*args, cwd):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


def test_extract_writes_every_file_the_snapshot_holds_and_leaves_out_missing_blobs(tmp_path):
    repository = tmp_path / "repository"
    (repository / "tests").mkdir(parents=True)
    (repository / "tests" / "test_a.py").write_text("def test_a():\n    pass\n")
    (repository / "big.jar").write_bytes(b"\x00" * 10)
    git("init", "-q", cwd=repository)
    git("add", ".", cwd=repository)
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "c", cwd=repository)
    commit = git("rev-parse", "HEAD", cwd=repository)
    missing = git("rev-parse", "HEAD:big.jar", cwd=repository)
    (repository / ".git" / "objects" / missing[:2] / missing[2:]).unlink()
    destination = tmp_path / "checkout"
    destination.mkdir()
    assert score_accuracy.extract(repository / ".git", commit, destination) is None
    assert sorted(path.relative_to(destination).as_posix() for path in destination.rglob("*") if path.is_file()) == [
        "tests/test_a.py"
    ]
    assert (destination / "tests" / "test_a.py").read_text() == "def test_a():\n    pass\n"
    assert score_accuracy.extract(repository / ".git", "0" * 40, destination) == "commit 000000000000 is not in the snapshot"


def test_findings_on_keeps_scored_rules_of_annotated_files_from_the_gitlab_report(tmp_path):
    manifest = score_accuracy.Manifest("someone/suite", "0" * 40, ("tests/test_a.py",), ())
    names = {"TCL301": "sleep-in-test", "TCL701": "legacy-testcontainers-import"}

    def item(path, code, name, begin, end):
        location = {"path": path, "lines": {"begin": begin, "end": end}}
        return {"check_name": f"{code} {name}", "description": f"{code} [{name}] Waits 1 s", "location": location}

    raw = [
        item("tests/test_a.py", "TCL301", "sleep-in-test", 4, 6),
        item("tests/test_a.py", "TCL701", "legacy-testcontainers-import", 1, 1),
        item("tests/other.py", "TCL301", "sleep-in-test", 2, 2),
    ]
    assert score_accuracy.findings_on(manifest, raw, tmp_path, names) == [
        score_accuracy.Found("someone/suite", "tests/test_a.py", 4, 6, "sleep-in-test", "Waits 1 s")
    ]


def test_a_manifest_is_in_the_development_set_unless_it_says_heldout(tmp_path):
    manifest_path = tmp_path / "someone+suite.toml"
    manifest_path.write_text(MANIFEST, encoding="utf-8")
    heldout_path = tmp_path / "someone+other.toml"
    heldout_path.write_text(MANIFEST.replace('shape = "test"', 'set = "heldout"\nshape = "test"'), encoding="utf-8")
    assert [score_accuracy.load_manifest(path, CODES).set for path in (manifest_path, heldout_path)] == [
        "development",
        "heldout",
    ]


def test_a_manifest_with_an_unknown_set_is_refused(tmp_path):
    manifest_path = tmp_path / "bad.toml"
    manifest_path.write_text(MANIFEST.replace('shape = "test"', 'set = "tuned"\nshape = "test"'), encoding="utf-8")
    with pytest.raises(SystemExit, match=r"^bad\.toml: set must be one of development, heldout$"):
        score_accuracy.load_manifest(manifest_path, CODES)


def test_the_report_gives_each_set_its_own_tables():
    development = score_accuracy.Tally({name: score_accuracy.Score() for name in CODES}, ["someone/suite @ 0123"], 2)
    heldout = score_accuracy.Tally({name: score_accuracy.Score() for name in CODES}, ["someone/other @ 4567"], 1)
    hit = score_accuracy.Expected("someone/suite", "tests/test_a.py", frozenset({10}), "sleep-in-test", "clear-cut", "n")
    miss = score_accuracy.Expected("someone/other", "tests/test_b.py", frozenset({3}), "sleep-in-test", "clear-cut", "m")
    development.scores["sleep-in-test"].true_positives.append(hit)
    heldout.scores["sleep-in-test"].misses.append(miss)
    text = score_accuracy.report({"development": development, "heldout": heldout}, CODES, [], "python x")
    development_part, heldout_part = text.split("## Per rule family (held-out set)")
    assert "| waiting (TCL301-303) | 1 | 1 | 0 | 0 | 1.00 | 1.00 | 0 of 0 |" in development_part
    assert "| waiting (TCL301-303) | 1 | 0 | 1 | 0 | n/a | 0.00 | 0 of 0 |" in heldout_part
    assert "- TCL301 someone/other tests/test_b.py:3: m" in heldout_part
    assert "someone/other" not in development_part


def test_only_the_chosen_set_is_scored(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "score_accuracy.py"), "--mirror", str(tmp_path), "--output", "-",
         "--set", "heldout"],
        capture_output=True,
        text=True,
        check=True,
    )
    heldout = [path for path in score_accuracy.MANIFESTS.glob("*.toml") if 'set = "heldout"' in path.read_text()]
    assert len(result.stderr.splitlines()) == len(heldout) > 0
    assert all("no snapshot under" in line for line in result.stderr.splitlines())
    assert "    python scripts/score_accuracy.py --set heldout --mirror" in result.stdout


def test_a_set_with_no_scored_repository_is_left_out_of_the_report():
    empty = score_accuracy.Tally({name: score_accuracy.Score() for name in CODES})
    heldout = score_accuracy.Tally({name: score_accuracy.Score() for name in CODES}, ["someone/other @ 4567"], 1)
    text = score_accuracy.report({"development": empty, "heldout": heldout}, CODES, [], "python x --set heldout")
    assert "## Per rule family (held-out set)" in text
    assert "## Per rule family\n" not in text


def test_a_held_out_entry_changed_after_the_run_is_listed_with_its_reason(tmp_path):
    manifest_path = tmp_path / "someone+suite.toml"
    manifest_path.write_text(
        MANIFEST.replace('note = "default image"', 'note = "default image"\nchanged = "line read off by one"'),
        encoding="utf-8",
    )
    manifest = score_accuracy.load_manifest(manifest_path, CODES)
    heldout = score_accuracy.Tally({name: score_accuracy.Score() for name in CODES}, ["someone/suite @ 0123"], 2)
    score_accuracy.score_repository(manifest, [], heldout.scores)
    lines = score_accuracy.set_section(heldout, CODES, score_accuracy.SETS["heldout"])
    changed = lines[lines.index("## Entries changed after tclint first ran on their suite (held-out set)") + 2 :]
    assert changed[0] == "- TCL401 someone/suite tests/conftest.py:5: line read off by one"
    assert changed[1] == ""


def test_a_checkout_with_an_unreadable_module_is_still_scored_on_the_rest(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "legacy.py").write_text('print "python 2"\n')
    (tmp_path / "tests" / "test_a.py").write_text("import time\n\n\ndef test_a():\n    time.sleep(5)\n")

    raw, problem = score_accuracy.run_tclint(tmp_path, ("tests/test_a.py",), whole_checkout=True)

    assert problem == ""
    assert [(item["location"]["path"], item["check_name"].split()[0]) for item in raw] == [
        ("tests/test_a.py", "TCL301")
    ]
