"""Every rule, in one explicit tuple: a rule is its module in `tclint/rules/`, its doc in
`rules/<name>.md` and one line here. Importing this loads libcst (the rules' modules do)."""

from tclint.rules.client_fixture_without_cleanup import ClientFixtureWithoutCleanup
from tclint.rules.container_fixture_duplicated import ContainerFixtureDuplicated
from tclint.rules.container_in_setup import ContainerInSetup
from tclint.rules.container_never_stopped import ContainerNeverStopped
from tclint.rules.container_started_in_test import ContainerStartedInTest
from tclint.rules.deprecated_testcontainers_api import DeprecatedTestcontainersApi
from tclint.rules.function_scoped_container_fixture import FunctionScopedContainerFixture
from tclint.rules.hardcoded_container_address import HardcodedContainerAddress
from tclint.rules.integration_test_without_marker import IntegrationTestWithoutMarker
from tclint.rules.legacy_testcontainers_import import LegacyTestcontainersImport
from tclint.rules.mocked_infrastructure import MockedInfrastructure
from tclint.rules.sleep_after_container_start import SleepAfterContainerStart
from tclint.rules.sleep_in_test import SleepInTest
from tclint.rules.sleep_polling_loop import SleepPollingLoop
from tclint.rules.testcontainers_in_unit_tests import TestcontainersInUnitTests
from tclint.rules.unguarded_container_setup import UnguardedContainerSetup
from tclint.rules.unpinned_container_image import UnpinnedContainerImage
from tclint.rules.unused_suppression import UnusedSuppression

RULES = (
    UnusedSuppression,
    FunctionScopedContainerFixture,
    ContainerStartedInTest,
    ContainerNeverStopped,
    ContainerFixtureDuplicated,
    ContainerInSetup,
    UnguardedContainerSetup,
    SleepInTest,
    SleepPollingLoop,
    SleepAfterContainerStart,
    UnpinnedContainerImage,
    ClientFixtureWithoutCleanup,
    MockedInfrastructure,
    HardcodedContainerAddress,
    LegacyTestcontainersImport,
    DeprecatedTestcontainersApi,
    IntegrationTestWithoutMarker,
    TestcontainersInUnitTests,
)
RULES_BY_NAME = {rule.name: rule for rule in RULES}
