"""`tclint verify`: keep a fix only where the project's own tests still pass against real containers.

This runs the project's tests, which is running its code: only use it on code you trust. It works on
scratch copies of the project and touches the user's files only at the end, with the fixes that held.

1. Lint a copy; every fixable diagnostic (unsafe ones included) is a candidate, grouped by file and rule.
2. Run the tests the fixes can affect (each fixed module by its path, the folder of each fixed
   conftest.py) on the untouched copy. A group that no passing test can tell about is unverified: it is
   neither tried nor written.
3. Apply the other groups in a fresh copy and run their tests again. When a test that passed now fails,
   narrow down: each file's fixes on their own, then each rule's fixes of a failing file on their own.
4. Apply the groups that held together, confirm with one more run, then write the files that changed to
   the project atomically (unless --dry-run).

Three parts: `trials` (the copies and the decisions), `pytest_runs` (one pytest run and its JUnit
report), `docker_engine` (the containers a run created, through the Docker API). `output` renders the report.
"""

from tclint.verify.pytest_runs import TestRun, VerifyError, VerifyTimeout
from tclint.verify.trials import KEPT, REJECTED, UNVERIFIED, FixOutcome, Verifier, VerifyOptions, VerifyReport

__all__ = ["KEPT", "REJECTED", "UNVERIFIED", "FixOutcome", "TestRun", "Verifier", "VerifyError", "VerifyOptions",
           "VerifyReport", "VerifyTimeout"]  # fmt: skip
