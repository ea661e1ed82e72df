"""TCL401 unpinned-container-image: an image with no tag or a tag that moves (`latest`, `edge`...)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from tclint.diagnostics import UNSAFE
from tclint.engine import build
from tclint.engine.fixes import Fix
from tclint.engine.model import ContainerRef, FunctionInfo, descendants, keyword_arg, literal_string, source_of
from tclint.engine.names import dotted
from tclint.engine.rule import Rule
from tclint.knowledge import DEFAULT_IMAGE_PINS, VARIANT_TAG_WORDS, public_image_names

ENVIRONMENT_LOOKUPS = ("os.environ.get", "os.getenv")
IMAGE_BUILDERS = ("testcontainers.core.image.DockerImage",)
PARAMETRIZE = ("pytest.mark.parametrize", "mark.parametrize")
PYTEST_PARAM = ("pytest.param",)
# `name:tag` or `registry/owner/name:tag`, as written in a string literal: an image reference
IMAGE_WITH_TAG = re.compile(r"[a-z0-9][a-z0-9._-]*(?:/[a-z0-9][a-z0-9._-]*)*:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")
REGISTRY_PREFIXES = ("docker.io/library/", "index.docker.io/library/", "docker.io/", "library/")


@dataclass(frozen=True)
class ImageText:
    """An image reference as far as it is known, and the literal that decides its tag."""

    text: str
    literal: cst.SimpleString | None  # replacing it pins the image
    literal_is_tag: bool = False  # the literal holds the tag alone (an f-string's tag part)


def split_image(image: str) -> tuple[str, str | None, bool]:
    """(name, tag or None, has digest)."""
    if "@" in image:
        return image.split("@", 1)[0], None, True
    slash = image.rfind("/")
    colon = image.rfind(":")
    if colon > slash:
        return image[:colon], image[colon + 1 :], False
    return image, None, False


class UnpinnedContainerImage(Rule):
    name = "unpinned-container-image"

    def __init__(self, context) -> None:
        super().__init__(context)
        self.pins = {**DEFAULT_IMAGE_PINS, **dict(context.settings.image_pins)}
        self.image_builds: list[tuple[cst.Call, object]] = []  # `DockerImage(tag=...)` and `images.build(tag=...)`
        self.reported: set[int] = set()
        self.built: set[str] = set()  # tags of the images the tests build
        self.image_retags: list[tuple[cst.Call, object]] = []  # docker's `image.tag(repository, tag="latest")`
        self.retagged: set[str] = set()  # tags given to built images whose repository tclint cannot read
        self.loose: list[cst.SimpleString] = []  # image-like literals with a moving tag, wherever they are
        self.imports_testcontainers = any(name.startswith("testcontainers") for name in self.model.resolver.imported_names())

    def floating(self, tag: str | None) -> bool:
        if tag is None:
            return True
        words = tag.split("-")
        moving = {"latest", *self.options["floating-tags"]}
        if tag in self.options["floating-tags"] or (len(words) > 1 and (words[0] in moving or words[-1] in moving)):
            return True  # `latest`, `latest-pg15`, `3.12-latest`
        return all(word in VARIANT_TAG_WORDS for word in words)  # `alpine`, `slim-bookworm`

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if not self.imports_testcontainers or ":" not in node.value or " " in node.value or "//" in node.value:
            return
        value = node.evaluated_value
        if isinstance(value, str) and IMAGE_WITH_TAG.fullmatch(value) and not value.startswith("localhost:"):
            if not isinstance(self.context.walker.parent(), (cst.Comparison, cst.ComparisonTarget)):
                self.loose.append(node)  # `assert container.image == "redis:latest"` checks, it does not choose

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "tag" and 1 <= len(node.args) <= 2:
            self.image_retags.append((node, self.model.current_scope))
            return
        if keyword_arg(node, "tag") is None:
            return
        if self.model.qualified(func) in IMAGE_BUILDERS or (isinstance(func, cst.Attribute) and func.attr.value == "build"):
            self.image_builds.append((node, self.model.current_scope))

    def finish(self) -> None:
        for call, scope in self.image_builds:
            self.built.update(image.text for image, _ in self.images(keyword_arg(call, "tag").value, scope))
        for call, scope in self.image_retags:
            self.note_retag(call, scope)
        scopes = [self.model.module_scope, *self.model.functions]
        for ref in (ref for scope in scopes for ref in scope.containers):
            if not ref.cls.configured:
                self.check(ref)
        for info in self.model.classes:
            if info.node.name.value in self.model.local_container_classes:
                self.check_subclass(info)
        for literal in self.loose:
            self.judge(ImageText(literal.evaluated_value, literal), literal)
        for call, scope in self.model.compose_calls:
            self.check_compose(call, scope)

    def check_compose(self, call: cst.Call, scope) -> None:
        """The images of the services a `DockerCompose(...)` stack's compose files name: reported at the call."""
        stack = self.model.compose.stack_at(call, scope)
        for service in stack.services or () if stack is not None else ():
            if service.image is None:
                continue  # built from a Dockerfile, or an image tclint cannot read (`${TAG}`)
            name, tag, digest = split_image(service.image)
            if digest or not self.floating(tag) or self.built_here(service.image, name, tag):
                continue
            where = f"Compose service `{service.name}` in `{stack.shown(service.source)}`"
            if tag is None:
                message = f"{where} runs image `{service.image}`, which has no tag, so it means `latest`: the image changes under the tests"
            else:
                message = f"{where} runs image `{service.image}` with the moving tag `{tag}`: the image changes under the tests"
            self.report(call, message)

    def note_retag(self, call: cst.Call, scope) -> None:
        """`image.tag("app", tag="latest")` names an image the tests built: `app:latest` is never pulled."""
        tag_arg = keyword_arg(call, "tag") or (call.args[1] if len(call.args) == 2 else None)
        tag = literal_string(tag_arg.value) if tag_arg is not None else "latest"
        repositories = [image.text for image, _ in self.images(call.args[0].value, scope)]
        if tag is not None and repositories:
            self.built.update(f"{repository}:{tag}" for repository in repositories)
        elif tag is not None and tag_arg is not None:
            self.retagged.add(tag)

    def built_here(self, image: str, name: str, tag: str | None) -> bool:
        """Built by the tests: tagged by them, or, when they tag built images with names tclint cannot read,
        an image of that tag that no testcontainers class pulls from a registry."""
        return image in self.built or (tag in self.retagged and not {name, name.rsplit("/", 1)[-1]} & public_image_names())

    def check(self, ref: ContainerRef) -> None:
        call = ref.construction
        argument = image_argument(call, ref.cls.image_position)
        if argument is None:
            if not all(self.spreads_no_image(arg.value, ref.scope) for arg in call.args if arg.star == "**"):
                return  # the image may be among the keywords
            own = self.local_class(call.func)
            project_class = self.model.project_class_fact(call.func) if own is None else None
            if (own is not None and has_init(own)) or (project_class is not None and project_class.has_init):
                return  # what its `__init__` passes up is judged where the class is defined
            default = ref.cls.default_image
            name, tag, digest = split_image(default) if default else ("", "", True)
            if default and not digest and self.floating(tag):
                spread = " (the keywords it spreads name no `image`)" if any(arg.star == "**" for arg in call.args) else ""
                message = f"`{source_of(call.func)}()` uses its default image `{default}`{spread}, whose tag moves"
                self.report(call, message, self.pin_default(call, name) if own is None and project_class is None else None)
            return
        for image, node in self.images(argument.value, ref.scope):
            at = node or self.written_at(image) or argument.value
            if id(at) in self.model.foreign or (image.literal is not None and id(image.literal) in self.model.foreign):
                self.judge(ImageText(image.text, None), argument.value)  # a constant of another module: reported where it is used here
            else:
                self.judge(image, at)

    def check_subclass(self, info) -> None:
        """A container class of the project: the image its `__init__` passes up, or its default."""
        default, literal = subclass_default(info.node)
        if literal is not None and default is not None:
            self.judge(ImageText(default, literal), literal)

    def judge(self, image: ImageText, node: cst.CSTNode) -> None:
        name, tag, digest = split_image(image.text)
        if digest or not self.floating(tag) or self.built_here(image.text, name, tag) or id(node) in self.reported:
            return
        self.reported.add(id(node))
        if tag is None:
            message = f"Image `{image.text}` has no tag, so it means `latest`: the image changes under the tests"
        else:
            message = f"Image `{image.text}` uses the moving tag `{tag}`: the image changes under the tests"
        self.report(node, message, self.pin(image, name))

    @staticmethod
    def written_at(image: ImageText) -> cst.SimpleString | None:
        """The literal that holds the whole image, reported where it is written (once for every use)."""
        literal = image.literal
        if literal is not None and not image.literal_is_tag and literal.evaluated_value == image.text:
            return literal
        return None

    def spreads_no_image(self, expr: cst.BaseExpression, scope) -> bool:
        """`**{...}`, or `**kwargs` where `kwargs` is bound once, in the calling function, to a dict literal
        (or `dict(a=...)`) whose keys are all written out and none is `image`, and never changed by key
        or by a method before the call could add one: the class default applies. Anything else (a
        parameter, a dict built elsewhere) may carry an image."""
        if isinstance(expr, cst.Name):
            found = self.model.bindings(expr.value, scope)
            if len(found) != 1 or found[0].kind != "assign" or found[0].value is None or _changed(expr.value, scope):
                return False
            expr = found[0].value
        return _keys_without_image(expr, self.model)

    def local_class(self, func: cst.BaseExpression) -> cst.ClassDef | None:
        if isinstance(func, cst.Name) and func.value in self.model.local_container_classes:
            return next((info.node for info in self.model.classes if info.node.name.value == func.value), None)
        return None

    # -- what the image is --------------------------------------------------------------------------

    def images(self, expr: cst.BaseExpression, scope) -> list[tuple[ImageText, cst.CSTNode | None]]:
        """The images an argument can be, each with the node to report when it is not the argument itself:
        one for a value tclint can read, one per parameter set for `request.param` and parametrized names,
        none for what it cannot read (a function's result, an environment variable with no default)."""
        origin = self.model.origin(expr, scope)
        value, scope = origin.expr, origin.scope
        if origin.param is not None and isinstance(scope, FunctionInfo):
            return self.parameter_images(origin.param, scope)
        if is_request_param(value) and isinstance(scope, FunctionInfo):
            return self.fixture_param_images(scope)
        image = self.image_text(value, scope)
        return [(image, None)] if image is not None else []

    def image_text(self, expr: cst.BaseExpression, scope, depth: int = 0) -> ImageText | None:
        if depth > 6:
            return None
        if isinstance(expr, cst.SimpleString) and isinstance(expr.evaluated_value, str):
            return ImageText(expr.evaluated_value, expr)
        if isinstance(expr, cst.ConcatenatedString) and isinstance(expr.evaluated_value, str):
            return ImageText(expr.evaluated_value, None)
        if isinstance(expr, cst.Call):
            name = self.model.qualified(expr.func)
            if name in ENVIRONMENT_LOOKUPS and len(expr.args) == 2:
                return self.image_text(expr.args[1].value, scope, depth + 1)  # the literal default
            if name is None and isinstance(expr.func, cst.Name) and expr.func.value == "str" and len(expr.args) == 1:
                return self.image_text(expr.args[0].value, scope, depth + 1)
            return None
        if isinstance(expr, cst.BooleanOperation) and isinstance(expr.operator, cst.Or):
            return self.image_text(expr.right, scope, depth + 1)  # `os.environ.get("IMAGE") or "redis:7"`
        if isinstance(expr, cst.FormattedString):
            return self.formatted(expr, scope, depth)
        origin = self.model.origin(expr, scope)
        if origin.expr is not expr and origin.param is None:
            return self.image_text(origin.expr, origin.scope, depth + 1)
        return None

    def formatted(self, expr: cst.FormattedString, scope, depth: int) -> ImageText | None:
        text, literal, parts = "", None, list(expr.parts)
        if len(parts) == 1 and isinstance(parts[0], cst.FormattedStringExpression):
            return self.image_text(parts[0].expression, scope, depth + 1)
        for index, part in enumerate(parts):
            if isinstance(part, cst.FormattedStringText):
                text += part.value
                continue
            if part.format_spec or part.conversion:
                return None
            inner = self.image_text(part.expression, scope, depth + 1)
            if inner is None:
                return None
            text += inner.text
            if index == len(parts) - 1 and text.endswith(":" + inner.text):
                literal = inner.literal  # the last part is the tag alone
        return ImageText(text, literal, literal_is_tag=literal is not None)

    def fixture_param_images(self, fixture: FunctionInfo) -> list[tuple[ImageText, cst.CSTNode | None]]:
        """`request.param` in a fixture: each of the fixture's `params=[...]`."""
        info = fixture.fixture
        params = keyword_arg(info.call, "params") if info is not None and info.call is not None else None
        return self.listed_images(params.value, fixture) if params is not None else []

    def parameter_images(self, name: str, function: FunctionInfo) -> list[tuple[ImageText, cst.CSTNode | None]]:
        """A parameter filled by `@pytest.mark.parametrize("name", [...])` or by a fixture of this module."""
        for decorator in function.node.decorators:
            call = decorator.decorator
            if not (isinstance(call, cst.Call) and len(call.args) >= 2 and dotted(call.func) in PARAMETRIZE):
                continue
            names = literal_string(call.args[0].value)
            names = [n.strip() for n in names.split(",")] if names is not None else []
            if name in names and len(names) == 1:
                return self.listed_images(call.args[1].value, function)
        provider = next((f for f in self.model.functions if f.fixture is not None and f.fixture.name == name
                         and f is not function), None)  # fmt: skip
        if provider is None:
            return []
        found = []
        for node in descendants(provider.node.body):
            value = node.value if isinstance(node, (cst.Return, cst.Yield)) else None
            if isinstance(value, cst.BaseExpression):
                found += [(image, where or value) for image, where in self.images(value, provider)]
        return found

    def listed_images(self, values: cst.BaseExpression, scope) -> list[tuple[ImageText, cst.CSTNode | None]]:
        origin = self.model.origin(values, scope)
        if not isinstance(origin.expr, (cst.List, cst.Tuple)):
            return []
        found = []
        for element in origin.expr.elements:
            value = element.value
            if isinstance(value, cst.Call) and dotted(value.func) in PYTEST_PARAM and value.args:
                value = value.args[0].value
            image = self.image_text(value, origin.scope)
            if image is not None:
                found.append((image, self.written_at(image) or value))
        return found

    # -- fixes --------------------------------------------------------------------------------------

    def pinned_tag(self, name: str) -> str | None:
        bare = name
        for prefix in REGISTRY_PREFIXES:
            if bare.startswith(prefix):
                bare = bare[len(prefix) :]
                break
        return self.pins.get(name) or self.pins.get(bare)

    def pin(self, image: ImageText, name: str) -> Fix | None:
        tag = self.pinned_tag(name)
        if tag is None or image.literal is None:
            return None
        value = tag if image.literal_is_tag else f"{name}:{tag}"
        replacement = build.string(value, image.literal.quote if len(image.literal.quote) == 1 else None)
        return Fix(f"Pin `{name}:{tag}`", UNSAFE, [(image.literal, replacement)])

    def pin_default(self, call: cst.Call, name: str) -> Fix | None:
        tag = self.pinned_tag(name)
        if tag is None:
            return None
        image = cst.Arg(value=build.string(f"{name}:{tag}", build.quote_of(call)))
        args = [image.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))] + list(call.args) if call.args else [image]
        return Fix(f"Pin `{name}:{tag}`", UNSAFE, [(call, call.with_changes(args=args))])



def _keys_without_image(expr: cst.BaseExpression, model) -> bool:
    if isinstance(expr, cst.Dict):
        keys = [element.key if isinstance(element, cst.DictElement) else None for element in expr.elements]
        return all(isinstance(key, cst.SimpleString) and key.evaluated_value != "image" for key in keys)
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value == "dict" and model.qualified(expr.func) is None:
        return all(arg.keyword is not None and arg.keyword.value != "image" and not arg.star for arg in expr.args)
    return False


def _changed(name: str, scope) -> bool:
    """`kwargs["image"] = ...` (or any key not written out), `kwargs.update(...)`, `kwargs.setdefault(...)`
    anywhere in the function: it may carry an image after all."""
    node = getattr(scope, "node", None)
    for inner in descendants(node) if node is not None else ():
        if isinstance(inner, cst.Attribute) and isinstance(inner.value, cst.Name) and inner.value.value == name and inner.attr.value in ("update", "setdefault", "__setitem__"):
            return True
        if isinstance(inner, cst.AssignTarget) and isinstance(inner.target, cst.Subscript) and dotted(inner.target.value) == name:
            key = inner.target.slice[0].slice if len(inner.target.slice) == 1 else None
            value = key.value if isinstance(key, cst.Index) else None
            if not isinstance(value, cst.SimpleString) or value.evaluated_value == "image":
                return True
    return False


def image_argument(call: cst.Call, position: int | None) -> cst.Arg | None:
    """The argument that holds the image: `image=`, or the positional one at the class's position."""
    keyword = keyword_arg(call, "image")
    if keyword is not None:
        return keyword
    positional = [arg for arg in call.args if arg.keyword is None]
    if position is None or any(arg.star for arg in positional[: position + 1]) or position >= len(positional):
        return None
    return positional[position]


def is_request_param(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Attribute) and expr.attr.value == "param" and dotted(expr.value) == "request"


def has_init(node: cst.ClassDef) -> cst.FunctionDef | None:
    return next((item for item in node.body.body if isinstance(item, cst.FunctionDef) and item.name.value == "__init__"), None)


def subclass_default(node: cst.ClassDef) -> tuple[str | None, cst.SimpleString | None]:
    """What a project container class passes up as its image when constructed without one: the
    default of its `image` parameter, or a literal it passes to `super().__init__`; (None, None) when it
    has no `__init__` or passes up something else."""
    init = has_init(node)
    if init is None:
        return None, None
    params = {param.name.value: param for param in (*init.params.params, *init.params.kwonly_params)}
    for call in (n for n in descendants(init.body) if isinstance(n, cst.Call)):
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "__init__"):
            continue
        argument = image_argument(call, 0)
        value = argument.value if argument is not None else None
        if isinstance(value, cst.Name) and value.value in params:
            value = params[value.value].default
        value = _class_constant(node, value) or value
        if isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
            return value.evaluated_value, value
        return None, None
    return None, None


def _class_constant(node: cst.ClassDef, expr: cst.BaseExpression | None) -> cst.SimpleString | None:
    """`self.IMAGE`, `cls.IMAGE`, `Httpbin.IMAGE` (or `IMAGE` as a parameter's default, evaluated in the
    class body): the string literal the class body binds that name to, once."""
    if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name) and expr.value.value in ("self", "cls", node.name.value):
        name = expr.attr.value
    elif isinstance(expr, cst.Name):
        name = expr.value
    else:
        return None
    values = [small.value for statement in node.body.body if isinstance(statement, cst.SimpleStatementLine) for small in statement.body
              if isinstance(small, cst.Assign) and any(isinstance(t.target, cst.Name) and t.target.value == name for t in small.targets)
              or isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.target.value == name]  # fmt: skip
    return values[0] if len(values) == 1 and isinstance(values[0], cst.SimpleString) else None
