"""The engine's parts: the walk, name resolution, fixes and imports, the process pool."""

from __future__ import annotations

import inspect
import subprocess
import sys
import threading
import warnings
from collections import Counter

import libcst as cst
import pytest
from helpers import write

from tclint.engine.fixes import Fix, ImportRequest, add_imports, apply_fixes
from tclint.engine.names import Resolver
from tclint.engine.walk import Walker

WHITESPACE_TYPES = {
    "EmptyLine", "SimpleWhitespace", "ParenthesizedWhitespace", "TrailingWhitespace", "Newline", "Comment",
    "Comma", "Semicolon", "Colon", "AssignEqual", "Dot", "LeftParen", "RightParen", "LeftSquareBracket",
    "RightSquareBracket", "LeftCurlyBrace", "RightCurlyBrace", "Asynchronous", "ImportStar", "ParamStar",
    "ParamSlash", "AnnAssign",
}  # fmt: skip


class _Counter:
    def __init__(self) -> None:
        self.seen: Counter = Counter()

    def __getattr__(self, name: str):
        if name.startswith("visit_"):
            return lambda node: self.seen.update([type(node).__name__])
        raise AttributeError(name)


def test_the_walk_reaches_every_node_libcst_visits_but_whitespace_and_punctuation():
    import tclint.engine.model

    module = cst.parse_module(inspect.getsource(tclint.engine.model))

    class Everything(cst.CSTVisitor):
        def __init__(self) -> None:
            super().__init__()
            self.seen: Counter = Counter()

        def on_visit(self, node):
            self.seen.update([type(node).__name__])
            return True

    reference = Everything()
    module.visit(reference)
    names = {name for name in reference.seen if name not in WHITESPACE_TYPES and not _is_operator(name)}

    class Listener:
        pass

    for name in names:
        setattr(Listener, f"visit_{name}", lambda self, node: seen.update([type(node).__name__]))
    seen: Counter = Counter()
    Walker([Listener()]).walk(module)
    assert {name: reference.seen[name] for name in names} == {name: seen[name] for name in names}


def _is_operator(name: str) -> bool:
    return isinstance(getattr(cst, name, None), type) and issubclass(
        getattr(cst, name), (cst.BaseBinaryOp, cst.BaseBooleanOp, cst.BaseCompOp, cst.BaseUnaryOp, cst.BaseAugOp)
    )


def test_walk_order_decorators_before_body_and_leaves_in_reverse():
    module = cst.parse_module("@deco\ndef f(x):\n    return x\n")
    events = []

    class First:
        def visit_Name(self, node):
            events.append(("first", node.value))

        def leave_FunctionDef(self, node):
            events.append(("first-leave", "f"))

    class Second:
        def leave_FunctionDef(self, node):
            events.append(("second-leave", "f"))

    Walker([First(), Second()]).walk(module)
    assert [value for kind, value in events if kind == "first"] == ["deco", "f", "x", "x"]
    assert [kind for kind, _ in events if kind.endswith("leave")] == ["second-leave", "first-leave"]


@pytest.mark.parametrize(
    ("source", "expression", "expected"),
    [
        ("from time import sleep as nap", "nap", "time.sleep"),
        ("import time", "time.sleep", "time.sleep"),
        ("import testcontainers.postgres as tcp", "tcp.PostgresContainer", "testcontainers.postgres.PostgresContainer"),
        ("import testcontainers.postgres", "testcontainers.postgres.PostgresContainer", "testcontainers.postgres.PostgresContainer"),
        ("from testcontainers.community.redis import RedisContainer as R", "R", "testcontainers.redis.RedisContainer"),
        ("from pytest import fixture", "fixture", "pytest.fixture"),
        ("try:\n    import asyncio as aio\nexcept ImportError:\n    pass", "aio.sleep", "asyncio.sleep"),
        ("if X:\n    from unittest import mock", "mock.patch", "unittest.mock.patch"),
        ("from .helpers import start", "start", ".helpers.start"),
        ("x = 1", "sleep", None),
    ],
)
def test_resolver(source, expression, expected):
    resolver = Resolver(cst.parse_module(source + "\n"))
    assert resolver.resolve(cst.parse_expression(expression)) == expected


def test_function_local_imports_stay_in_their_function():
    from tclint.engine.model import Model

    module = cst.parse_module("def f():\n    from time import sleep\n    sleep(1)\n\ndef g():\n    sleep(1)\n")
    resolved = []

    class Probe:
        def visit_Call(self, node):
            resolved.append(model.qualified(node.func))

    walker = Walker([])
    model = Model(module, "tests/test_x.py", (), walker)
    walker.listen(model, Probe())
    walker.walk(module)
    assert resolved == ["time.sleep", None]


@pytest.mark.parametrize(
    ("source", "request_", "expected"),
    [
        ('"""Doc."""\nimport os\n\nx = 1\n', ImportRequest("pytest"), '"""Doc."""\nimport os\n\nimport pytest\n\nx = 1\n'),
        ("# head\nimport time\nfrom testcontainers import x\n", ImportRequest("pytest"),
         "# head\nimport time\nimport pytest\nfrom testcontainers import x\n"),
        ("from a import b\n\nx = 1\n", ImportRequest("a", "c"), "from a import b, c\n\nx = 1\n"),
        ("from a import (\n    b,\n)\n", ImportRequest("a", "c"), "from a import (\n    b,\n    c,\n)\n"),
        ("import pytest\n", ImportRequest("pytest"), "import pytest\n"),
        ("x = 1\n", ImportRequest("a.b", "c"), "from a.b import c\n\nx = 1\n"),
        ("from __future__ import annotations\n\nx = 1\n", ImportRequest("time"),
         "from __future__ import annotations\n\nimport time\n\nx = 1\n"),
        ("import os\n\nimport pytest\n", ImportRequest("time"), "import os\nimport time\n\nimport pytest\n"),
        ("import pytest\n\nfrom tests.db import y\n", ImportRequest("test_utils", "w", local=("tests",)),
         "import pytest\nfrom test_utils import w\n\nfrom tests.db import y\n"),
        ("import pytest\n", ImportRequest("tests.support", "w", local=("tests",)), "import pytest\n\nfrom tests.support import w\n"),
        ("import os\n\nfrom . import x\n", ImportRequest("pytest"), "import os\n\nimport pytest\n\nfrom . import x\n"),
    ],
)
def test_imports_are_added_once_and_cleanly(source, request_, expected):
    assert add_imports(cst.parse_module(source), [request_, request_]).code == expected


def test_overlapping_fixes_wait_for_the_next_pass():
    from tclint.engine.fixes import compatible

    module = cst.parse_module("def f():\n    return 1\n")
    function = module.body[0]
    inner = function.body.body[0]
    outer_fix = Fix("outer", "safe", [(function, function.with_changes(name=cst.Name("g")))])
    inner_fix = Fix("inner", "safe", [(inner, cst.parse_statement("return 2\n"))])
    assert compatible([outer_fix, inner_fix]) == [inner_fix], "the inner fix first; the outer waits a pass"
    assert apply_fixes(module, [inner_fix]).code == "def f():\n    return 2\n"


def test_many_files_through_the_pool_give_the_serial_results(project):
    from tclint.runner import RunOptions, run
    from tclint.settings import load_settings

    bad = (
        "import pytest\nfrom testcontainers.community.redis import RedisContainer\n\n\n"
        "@pytest.fixture\ndef redis_{n}():\n    with RedisContainer('redis:7-alpine') as r:\n        yield r\n"
    )
    write(project, {f"tests/test_{n}.py": bad.format(n=n) for n in range(30)})
    settings = load_settings(None, project)
    serial = run(["."], settings, RunOptions(cache=False, jobs=1))
    pooled = run(["."], settings, RunOptions(cache=False, jobs=2))
    assert len(serial.diagnostics) == 30
    assert pooled.diagnostics == serial.diagnostics


def test_what_libcst_cannot_parse_is_a_one_line_error_of_its_file(project):
    from tclint.runner import RunOptions, run
    from tclint.settings import load_settings

    write(project, {"tests/test_t.py": 'import testcontainers\nx = t"{a}" t"{b}"\n', "tests/test_ok.py": "import testcontainers\n"})
    result = run(["."], load_settings(None, project), RunOptions(cache=False))
    assert result.errors == [("tests/test_t.py", "libcst cannot parse this file (CSTLogicError: Logic error!)")]


FIXTURE_CONFTEST = (
    "import pytest\nfrom testcontainers.community.redis import RedisContainer\n\n\n"
    "@pytest.fixture\ndef redis_container():\n    with RedisContainer('redis:7-alpine') as redis:\n        yield redis\n"
)
SLEEPING_TEST = "import time\n\n\ndef test_ping_{n}(redis_container):\n    time.sleep(1)\n    assert redis_container.get_client().ping()\n"
FORK_WARNING = "This process"  # Python 3.12+: "This process (pid=...) is multi-threaded, use of fork() may lead to deadlocks"


@pytest.mark.skipif(sys.version_info < (3, 12), reason="Python 3.12 is the first to warn on a fork of a process with threads")
def test_the_pool_forks_no_worker_from_this_process_and_its_lint_thread(project):
    from tclint.runner import RunOptions, run
    from tclint.settings import load_settings

    write(project, {"conftest.py": FIXTURE_CONFTEST, **{f"tests/test_{n}.py": SLEEPING_TEST.format(n=n) for n in range(10)}})
    settings = load_settings(None, project)
    run(["conftest.py"], settings, RunOptions(cache=False))  # linted here, on tclint's lint thread
    assert any(thread.name.startswith("tclint-lint") for thread in threading.enumerate())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = run(["tests"], settings, RunOptions(cache=False, jobs=2))
    assert [d.path for d in result.diagnostics if d.name == "sleep-in-test"] == [f"tests/test_{n}.py" for n in range(10)]
    assert [str(each.message) for each in caught if FORK_WARNING in str(each.message)] == []


@pytest.mark.skipif(sys.version_info < (3, 12), reason="Python 3.12 is the first to warn on a fork of a process with threads")
@pytest.mark.parametrize("arguments", [
    pytest.param(["-j", "2", "tests"], id="a-pool-run-below-a-conftest-linted-in-process"),
    pytest.param(["--stdin-filename", "tests/test_0.py"], id="stdin"),
])  # fmt: skip
def test_tclint_runs_under_deprecation_warnings_as_errors(project, arguments):
    """An error filter cannot raise from inside os.fork (Python drops the exception), so the fork
    warning is let through to stderr, where the test looks for it."""
    write(project, {"conftest.py": FIXTURE_CONFTEST, **{f"tests/test_{n}.py": SLEEPING_TEST.format(n=n) for n in range(10)}})
    flags = ["-W", "error::DeprecationWarning", "-W", f"always:{FORK_WARNING}:DeprecationWarning"]
    done = subprocess.run([sys.executable, *flags, "-m", "tclint", "check", "--no-cache", *arguments], cwd=project,
                          input=(project / "tests/test_0.py").read_text(), capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "Warning" not in done.stderr
    assert done.stdout.count("[sleep-in-test]") == (10 if "tests" in arguments else 1)
