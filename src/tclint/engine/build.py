"""Small CST builders the fixes share, written to keep the file's own layout and quotes."""

from __future__ import annotations

import libcst as cst


def quote_of(call: cst.Call | None, default: str = '"') -> str:
    """The quote character the call's string arguments already use."""
    for arg in call.args if call else ():
        if isinstance(arg.value, cst.SimpleString) and len(arg.value.quote) == 1:
            return arg.value.quote
    return default


def string(value: str, quote: str = '"') -> cst.SimpleString:
    escaped = value.replace("\\", "\\\\").replace(quote, "\\" + quote)
    return cst.SimpleString(f"{quote}{escaped}{quote}")


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
