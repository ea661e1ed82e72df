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
