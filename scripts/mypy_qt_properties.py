"""mypy plugin: PySide6 constructors take any Qt property as a keyword (`QLabel(objectName="x")`), but
its stubs list only each class's own properties, not inherited ones such as `objectName`. Every
PySide6 constructor signature gets a `**properties: Any` tail; the listed keywords keep their types.

This is the one place the window code's PySide6 typing noise is handled (pyproject: [tool.mypy] plugins).
"""

from __future__ import annotations

from collections.abc import Callable

from mypy.nodes import ARG_STAR2
from mypy.plugin import FunctionSigContext, Plugin
from mypy.types import AnyType, CallableType, Instance, TypeOfAny


def _take_properties(ctx: FunctionSigContext) -> CallableType:
    signature = ctx.default_signature
    if ARG_STAR2 in signature.arg_kinds:
        return signature
    return signature.copy_modified(arg_types=[*signature.arg_types, AnyType(TypeOfAny.explicit)],
                                   arg_kinds=[*signature.arg_kinds, ARG_STAR2],
                                   arg_names=[*signature.arg_names, "properties"])


def _constructor(fullname: str) -> Callable[[FunctionSigContext], CallableType]:
    def hook(ctx: FunctionSigContext) -> CallableType:
        made = ctx.default_signature.ret_type
        if isinstance(made, Instance) and made.type.fullname == fullname:
            return _take_properties(ctx)
        return ctx.default_signature
    return hook


class QtProperties(Plugin):
    def get_function_signature_hook(self, fullname: str) -> Callable[[FunctionSigContext], CallableType] | None:
        return _constructor(fullname) if fullname.startswith("PySide6.") else None


def plugin(version: str) -> type[Plugin]:
    return QtProperties
