"""`tclint server` end to end: a real LSP client (pytest-lsp) starts `python -m tclint server` over stdio,
opens, edits and saves documents of a project on disk, and applies the code actions it is offered."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import pytest_lsp
from helpers import write
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

LEGACY = "from testcontainers.redis import RedisContainer\n\n\ndef test_ping():\n    assert RedisContainer\n"
FIXED = LEGACY.replace("testcontainers.redis", "testcontainers.community.redis")
PER_TEST_FIXTURE = (
    "import pytest\nfrom testcontainers.community.redis import RedisContainer\n\n\n"
    "@pytest.fixture\ndef redis_container():\n    with RedisContainer('redis:7-alpine') as redis:\n        yield redis\n"
)

# the legacy-import fixes need a testcontainers version (tclint offers none when unknown)
PINNED = '[project]\nname = "x"\ndependencies = ["testcontainers==4.15.0"]\n'


@pytest.fixture
def project(tmp_path):
    write(tmp_path, {"pyproject.toml": PINNED + "[tool.tclint]\n", "tests/test_cache.py": LEGACY, "tests/conftest.py": PER_TEST_FIXTURE})
    return tmp_path


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "tclint", "server"]))
async def client(lsp_client: LanguageClient, project):
    params = types.InitializeParams(capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
                                    root_uri=project.as_uri())  # fmt: skip
    lsp_client.registrations = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        lsp_client.registrations += params.registrations

    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


class Editor:
    """One open document, as an editor holds it."""

    def __init__(self, client: LanguageClient, path, text: str) -> None:
        self.client, self.uri, self.text, self.version = client, path.as_uri(), text, 1
        item = types.TextDocumentItem(uri=self.uri, language_id="python", version=1, text=text)
        client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))

    async def diagnostics(self) -> list[types.Diagnostic]:
        """The diagnostics published for the current version."""
        while True:
            published = await self.client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if published.uri == self.uri and published.version == self.version:
                return list(published.diagnostics)

    def type(self, text: str) -> None:
        self.version += 1
        self.text = text
        change = types.TextDocumentContentChangeWholeDocument(text=text)
        document = types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version)
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(text_document=document, content_changes=[change]))

    async def actions(self, where: types.Range, only=None) -> list[types.CodeAction]:
        context = types.CodeActionContext(diagnostics=[], only=only)
        params = types.CodeActionParams(text_document=types.TextDocumentIdentifier(uri=self.uri), range=where, context=context)
        return list(await self.client.text_document_code_action_async(params) or [])

    def apply(self, action: types.CodeAction) -> str:
        """The document after the action's edit of it."""
        edit = action.edit
        edits = edit.changes[self.uri] if edit.changes else next(
            change.edits for change in edit.document_changes if getattr(change, "text_document", None) and change.text_document.uri == self.uri)  # fmt: skip
        lines = self.text.splitlines(keepends=True)

        def offset(position: types.Position) -> int:
            return sum(len(line) for line in lines[: position.line]) + position.character

        text = self.text
        for text_edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
            text = text[: offset(text_edit.range.start)] + text_edit.new_text + text[offset(text_edit.range.end) :]
        return text


@pytest.mark.asyncio
async def test_a_diagnostic_is_published_and_its_fix_applies(client: LanguageClient, project):
    editor = Editor(client, project / "tests/test_cache.py", LEGACY)
    [diagnostic] = await editor.diagnostics()
    assert (diagnostic.code, diagnostic.source, diagnostic.range) == (
        "TCL701", "tclint", types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=47)))  # fmt: skip
    actions = await editor.actions(diagnostic.range)
    assert [action.title for action in actions] == [
        "Import from `testcontainers.community.redis` (TCL701)",
        "Suppress with `# tclint: ignore[legacy-testcontainers-import]`",
        "Apply every safe tclint fix",
    ]
    assert editor.apply(actions[0]) == FIXED and editor.apply(actions[2]) == FIXED
    editor.type(editor.apply(actions[1]))
    assert await editor.diagnostics() == []


@pytest.mark.asyncio
async def test_fixing_by_hand_clears_the_diagnostic(client: LanguageClient, project):
    editor = Editor(client, project / "tests/test_cache.py", LEGACY)
    assert len(await editor.diagnostics()) == 1
    editor.type(LEGACY.replace("from testcontainers.redis", "from testcontainers.community.redi"))
    editor.type(FIXED)
    assert await editor.diagnostics() == []


@pytest.mark.asyncio
async def test_an_unsafe_fix_is_offered_marked_unsafe_and_not_in_fix_all(client: LanguageClient, project):
    editor = Editor(client, project / "tests/conftest.py", PER_TEST_FIXTURE)
    [diagnostic] = await editor.diagnostics()
    assert diagnostic.code == "TCL101"
    actions = await editor.actions(diagnostic.range)
    assert [(action.title, action.is_preferred) for action in actions] == [
        ('Set `scope="session"` (TCL101, unsafe fix: review the change)', False),
        ("Suppress with `# tclint: ignore[function-scoped-container-fixture]`", None),
    ]
    assert editor.apply(actions[0]) == PER_TEST_FIXTURE.replace("@pytest.fixture\n", '@pytest.fixture(scope="session")\n')
    assert await editor.actions(diagnostic.range, only=[types.CodeActionKind.SourceFixAll]) == []


@pytest.mark.asyncio
async def test_a_configuration_change_is_picked_up(client: LanguageClient, project):
    editor = Editor(client, project / "tests/test_cache.py", LEGACY)
    assert [d.code for d in await editor.diagnostics()] == ["TCL701"]
    [registration] = client.registrations
    assert "**/pyproject.toml" in [watcher["globPattern"] for watcher in registration.register_options["watchers"]]
    (project / "pyproject.toml").write_text(PINNED + '[tool.tclint]\nignore = ["legacy-testcontainers-import"]\n')
    change = types.FileEvent(uri=(project / "pyproject.toml").as_uri(), type=types.FileChangeType.Changed)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[change]))
    assert await editor.diagnostics() == []
    (project / "pyproject.toml").write_text(PINNED + "[tool.tclint]\n")  # unannounced, as with a client that watches nothing
    editor.type(LEGACY + "\n")
    assert [d.code for d in await editor.diagnostics()] == ["TCL701"]


def test_the_readme_editor_settings_start_this_server():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## In your editor: `tclint server`", 1)[1].split("\n## ", 1)[0]
    blocks = dict(re.findall(r"```(\w+)\n(.*?)```", section, re.DOTALL))
    vscode = json.loads(blocks["json"])
    assert [vscode["glspc.server.command"], *vscode["glspc.server.commandArguments"]] == ["tclint", "server"]
    assert vscode["glspc.server.languageId"] == ["python"]
    assert 'cmd = { "tclint", "server" }' in blocks["lua"] and 'pattern = "python"' in blocks["lua"]
    helix = tomllib.loads(blocks["toml"])
    assert [helix["language-server"]["tclint"]["command"], *helix["language-server"]["tclint"]["args"]] == ["tclint", "server"]
    assert "tclint" in helix["language"][0]["language-servers"]


SLEEPS = (
    "import time\n\n\ndef test_entry_expires(cache):\n    cache.set('k', 'v')\n    time.sleep(2)\n"
    "    assert cache.get('k') is None\n"
)


@pytest.mark.asyncio
async def test_a_fix_that_calls_the_wait_helper_creates_it(client: LanguageClient, project):
    editor = Editor(client, project / "tests/test_expiry.py", SLEEPS)
    [diagnostic] = await editor.diagnostics()
    [fix, _] = await editor.actions(diagnostic.range)
    assert fix.title == "Wait for `cache.get('k') is None` instead of sleeping (TCL301, unsafe fix: review the change)"
    created = [change.uri for change in fix.edit.document_changes if isinstance(change, types.CreateFile)]
    assert created == [(project / "tests/test_utils/__init__.py").as_uri(), (project / "tests/test_utils/wait.py").as_uri()]
    assert editor.apply(fix) == (
        "from test_utils import wait_for_condition_sync\n\n\ndef test_entry_expires(cache):\n"
        "    cache.set('k', 'v')\n"
        "    wait_for_condition_sync(lambda: cache.get('k') is None, \"cache.get('k') is None\", timeout_ms=5000)\n"
        "    assert cache.get('k') is None\n"
    )


@pytest.mark.asyncio
async def test_a_broken_configuration_is_shown_and_its_repair_picked_up(client: LanguageClient, project):
    editor = Editor(client, project / "tests/test_cache.py", LEGACY)
    assert len(await editor.diagnostics()) == 1
    (project / "pyproject.toml").write_text(PINNED + "[tool.tclint]\nselect = 1\n")
    editor.type(LEGACY + "\n")
    await client.wait_for_notification(types.WINDOW_SHOW_MESSAGE)
    (project / "pyproject.toml").write_text(PINNED + "[tool.tclint]\n")
    editor.type(LEGACY)
    assert len(await editor.diagnostics()) == 1
    assert [(m.type, m.message.split(":")[0]) for m in client.messages] == [(types.MessageType.Error, "tclint")]
    assert "`tool.tclint.select`" in client.messages[0].message
