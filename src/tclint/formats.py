"""The names of the output formats, apart from their renderers (tclint.output): the CLI offers them
without importing what renders them (json, the rule catalog), which `tclint --version` does not need."""

FORMATS = ("full", "concise", "json", "sarif", "github", "gitlab")
MACHINE_FORMATS = ("json", "sarif", "github", "gitlab")  # pure on stdout: --statistics goes to stderr
