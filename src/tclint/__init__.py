"""tclint: a linter with autofix for pytest suites that use testcontainers."""

__version__ = "0.2.0"

# `tclint` on PyPI is an unrelated Tcl linter: this one is published as DISTRIBUTION. The command and the
# import package stay `tclint`. REPOSITORY is the one place the README, pyproject, the GitHub Action and
# SARIF output take the project's address from (tests/test_release.py keeps them in step).
DISTRIBUTION = "tclint-testcontainers"
REPOSITORY = "https://github.com/tclint-testcontainers/tclint-testcontainers"
