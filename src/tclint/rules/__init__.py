"""Every rule, in one explicit tuple. A rule is one module here plus its doc in `rules/<name>.md`."""

from tclint.rules.function_scoped_container_fixture import FunctionScopedContainerFixture
from tclint.rules.unused_suppression import UnusedSuppression

RULES = (
    UnusedSuppression,
    FunctionScopedContainerFixture,
)
RULES_BY_NAME = {rule.name: rule for rule in RULES}
