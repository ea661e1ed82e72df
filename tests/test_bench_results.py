"""bench/run.py adds a full run to RESULTS.md without erasing the sections measured before it."""

import importlib.util
import sys
from pathlib import Path

BENCH_RUN = Path(__file__).resolve().parent.parent / "bench" / "run.py"


def load_bench_run():
    spec = importlib.util.spec_from_file_location("bench_run", BENCH_RUN)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_a_new_run_goes_first_and_earlier_sections_stay():
    bench_run = load_bench_run()
    earlier = "# Benchmark results\n\n## main against v0.1\n\nratios\n\n## v0.1, 2026-11-26\n\ntable\n"

    written = bench_run.with_new_section(earlier, "## Full run, 2026-12-01\n\nnew table\n")

    assert written == (
        "# Benchmark results\n\n## Full run, 2026-12-01\n\nnew table\n"
        "\n## main against v0.1\n\nratios\n\n## v0.1, 2026-11-26\n\ntable\n"
    )


def test_the_first_run_writes_the_title_and_its_section():
    bench_run = load_bench_run()

    assert bench_run.with_new_section("", "## Full run, 2026-12-01\n\ntable\n") == (
        "# Benchmark results\n\n## Full run, 2026-12-01\n\ntable\n"
    )


def test_the_report_gives_wall_and_cpu_ratios_and_the_load():
    bench_run = load_bench_run()
    here = Path(".")
    tclint = bench_run.Command("heavy: tclint check --no-cache", [], here, walls=[26.0], cpus=[40.0])
    floor = bench_run.Command("heavy: libcst parse, 2 processes", [], here, walls=[20.0], cpus=[38.0])

    text = bench_run.report([tclint, floor], 1, loads=("9.1 / 8.0 / 7.5", "10.2 / 9.0 / 8.1"))

    assert "at the start: 9.1 / 8.0 / 7.5; at the end: 10.2 / 9.0 / 8.1." in text
    assert "| heavy: tclint check --no-cache | 26.000 s | 40.000 s | 1 | 0 MB |  | 1.300x, 1.053x |" in text
    assert "- heavy corpus, cold <= 1.3x the 2-process libcst parse: **1.300x** by wall time (met); 1.053x by CPU time" in text
