"""Small CST builders the fixes share, written to keep the file's own layout and quotes."""

from __future__ import annotations

import libcst as cst


def quote_of(call: cst.Call | None, default: str = '"') -> str:
    """The quote character the call's string arguments already use."""
    for arg in call.args if call else ():
        if isinstance(arg.value, cst.SimpleString) and len(arg.value.quote) == 1:
            return arg.value.quote
    return default


def string(value: str, quote: str | None = None) -> cst.SimpleString:
    """A string literal: double quotes, or single ones when that avoids escaping."""
    if quote is None:
        quote = "'" if '"' in value and "'" not in value else '"'
    escaped = value.replace("\\", "\\\\").replace(quote, "\\" + quote)
    return cst.SimpleString(f"{quote}{escaped}{quote}")


def positional(value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value=value)


def keyword(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )


def append_arg(call: cst.Call, arg: cst.Arg) -> cst.Call:
    """The call with one more argument, following its trailing-comma layout."""
    args = list(call.args)
    if not args:
        return call.with_changes(args=[arg])
    last = args[-1]
    if isinstance(last.comma, cst.Comma):  # a trailing comma: one argument per line
        args[-1] = last.with_changes(comma=separator_before_last(args, call.whitespace_before_args))
        args.append(arg.with_changes(comma=last.comma))
    else:
        args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        args.append(arg)
    return call.with_changes(args=args)


def set_keyword(call: cst.Call, name: str, value: cst.BaseExpression) -> cst.Call:
    """The call with `name=value`: the value replaced where the keyword is given, appended otherwise."""
    for index, arg in enumerate(call.args):
        if arg.keyword is not None and arg.keyword.value == name:
            args = list(call.args)
            args[index] = arg.with_changes(value=value)
            return call.with_changes(args=args)
    return append_arg(call, keyword(name, value))


def called(expr: cst.BaseExpression, *args: cst.Arg) -> cst.Call:
    return cst.Call(func=expr, args=list(args))


def separator_before_last(items: list, opening_whitespace: cst.BaseParenthesizableWhitespace) -> cst.Comma:
    """The comma (and line break) that separates items, for a list laid out one item per line."""
    if len(items) > 1 and isinstance(items[-2].comma, cst.Comma):
        return items[-2].comma
    return cst.Comma(whitespace_after=opening_whitespace)


class _Rename(cst.CSTTransformer):
    """Rename a variable: every `Name` spelled `old`, but not attribute, keyword or definition names."""

    def __init__(self, old: str, new: str) -> None:
        super().__init__()
        self.old, self.new = old, new

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        return updated_node.with_changes(value=self.new) if updated_node.value == self.old else updated_node

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.Attribute:
        return updated_node.with_changes(attr=original_node.attr)

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        return updated_node.with_changes(keyword=original_node.keyword)

    def leave_FunctionDef(self, original_node, updated_node):
        return updated_node.with_changes(name=original_node.name)

    def leave_ClassDef(self, original_node, updated_node):
        return updated_node.with_changes(name=original_node.name)


def renamed(node: cst.CSTNode, old: str, new: str):
    return node if old == new else node.visit(_Rename(old, new))


def respliced(block: cst.IndentedBlock, changes: dict[int, list], keep_comments: bool = True) -> cst.IndentedBlock:
    """The block with some statements (by id) replaced by lists of statements, an empty list removing
    one. Comments above a replaced statement go with what replaces it (unless that is the statement
    itself, changed), else with the next statement kept, else to the block's footer; a block left empty
    gets `pass`. With `keep_comments=False` (the statements moved elsewhere with their comments), the
    comments of replaced statements go with them."""
    kept: list = []
    carried: list = []
    for statement in block.body:
        replacement = [statement]
        if id(statement) in changes:
            replacement = changes[id(statement)]
            same = replacement and tuple(replacement[0].leading_lines) == tuple(statement.leading_lines)
            if keep_comments and not same:
                carried.extend(statement.leading_lines)
        for new in replacement:
            if carried:
                new = new.with_changes(leading_lines=[*carried, *new.leading_lines])
                carried = []
            kept.append(new)
    if not kept:
        kept.append(cst.SimpleStatementLine(body=[cst.Pass()], leading_lines=carried))
        carried = []
    return block.with_changes(body=kept, footer=[*carried, *block.footer])


def call_statement(statement: cst.CSTNode) -> cst.Call | None:
    """The call a statement consists of (`f(...)` on a line of its own), if it is one."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    return small.value if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call) else None


def method_call_statement(statement: cst.CSTNode, receiver: str | None = None, method: str | None = None) -> cst.Call | None:
    """`receiver.method(...)` as a statement (any receiver or method when not given)."""
    call = call_statement(statement)
    if call is None or not isinstance(call.func, cst.Attribute):
        return None
    if method is not None and call.func.attr.value != method:
        return None
    if receiver is not None and cst.Module(body=[]).code_for_node(call.func.value) != receiver:
        return None
    return call
