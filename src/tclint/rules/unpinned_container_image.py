"""TCL401 unpinned-container-image: an image with no tag or a tag that moves (`latest`, `edge`...)."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from tclint.diagnostics import UNSAFE
from tclint.engine import build
from tclint.engine.fixes import Fix
from tclint.engine.model import ContainerRef, keyword_arg
from tclint.engine.names import top_level_statements
from tclint.engine.rule import Rule
from tclint.knowledge import DEFAULT_IMAGE_PINS

ENVIRONMENT_LOOKUPS = ("os.environ.get", "os.getenv")
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
        self.constants = self.module_constants()

    def module_constants(self) -> dict[str, cst.BaseExpression]:
        """Module-level names assigned exactly once, to their value."""
        values: dict[str, cst.BaseExpression] = {}
        seen: set[str] = set()
        for statement in top_level_statements(self.model.module):
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, (cst.Assign, cst.AnnAssign)):
                    targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
                    for target in targets:
                        if isinstance(target, cst.Name):
                            if target.value in seen:
                                values.pop(target.value, None)
                            else:
                                values[target.value] = small.value
                            seen.add(target.value)
        return values

    def floating(self, tag: str | None) -> bool:
        return tag is None or tag in self.options["floating-tags"] or tag.endswith("-latest")

    def finish(self) -> None:
        scopes = [self.model.module_scope, *self.model.functions]
        for ref in (ref for scope in scopes for ref in scope.containers):
            if not ref.cls.configured:
                self.check(ref)

    def check(self, ref: ContainerRef) -> None:
        call = ref.construction
        argument = keyword_arg(call, "image") or (call.args[0] if call.args and call.args[0].keyword is None else None)
        if argument is None:
            default = ref.cls.default_image
            name, tag, digest = split_image(default) if default else ("", "", True)
            if default and not digest and self.floating(tag):
                message = f"`{ref.cls.short_name}()` uses its default image `{default}`, whose tag moves"
                self.report(call, message, self.pin_default(call, name))
            return
        image = self.image_text(argument.value)
        if image is None:
            return
        name, tag, digest = split_image(image.text)
        if digest or not self.floating(tag):
            return
        if tag is None:
            message = f"Image `{image.text}` has no tag, so it means `latest`: the image changes under the tests"
        else:
            message = f"Image `{image.text}` uses the moving tag `{tag}`: the image changes under the tests"
        self.report(argument.value, message, self.pin(image, name))

    # -- what the image is --------------------------------------------------------------------------

    def image_text(self, expr: cst.BaseExpression, depth: int = 0) -> ImageText | None:
        if depth > 3:
            return None
        if isinstance(expr, cst.SimpleString) and isinstance(expr.evaluated_value, str):
            return ImageText(expr.evaluated_value, expr)
        if isinstance(expr, cst.Name) and expr.value in self.constants:
            return self.image_text(self.constants[expr.value], depth + 1)
        if isinstance(expr, cst.Call) and self.model.qualified(expr.func) in ENVIRONMENT_LOOKUPS and len(expr.args) == 2:
            return self.image_text(expr.args[1].value, depth + 1)  # the literal default
        if isinstance(expr, cst.FormattedString):
            return self.formatted(expr, depth)
        return None

    def formatted(self, expr: cst.FormattedString, depth: int) -> ImageText | None:
        text, literal, parts = "", None, list(expr.parts)
        if len(parts) == 1 and isinstance(parts[0], cst.FormattedStringExpression):
            return self.image_text(parts[0].expression, depth + 1)
        for index, part in enumerate(parts):
            if isinstance(part, cst.FormattedStringText):
                text += part.value
                continue
            if part.format_spec or part.conversion:
                return None
            inner = self.image_text(part.expression, depth + 1)
            if inner is None:
                return None
            text += inner.text
            if index == len(parts) - 1 and text.endswith(":" + inner.text):
                literal = inner.literal  # the last part is the tag alone
        return ImageText(text, literal, literal_is_tag=literal is not None)

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

