"""tclint: a linter with autofix for pytest suites that use testcontainers."""

__version__ = "0.1.0"
