"""Turn pydantic validation errors into located input errors that say what is accepted.

The one conversion for every pydantic-validated input (pool files, logins, scenarios,
their Cognito section, the linter's configuration). Pydantic reports an error as a
``loc`` tuple mixing real keys, list indexes and tags of union members
(``dict[str,any]``, ``str``). :func:`located_validation_error` walks the data
along that tuple to build the JSON pointer of the offending element, and walks the model
along it to name what the object accepts (its keys, or the values of a ``Literal``).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from ..errors import ErrorCode, InputError, Location, join_pointer

Locate = Callable[[str], Location]


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types an annotation may hold (Optional/Union members)."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        out: list[Any] = []
        for arg in get_args(annotation):
            if arg is not type(None):
                out.extend(_unwrap(arg))
        return out
    return [annotation]


def _step(annotation: Any, token: str | int) -> Any:
    """The annotation of ``token`` inside a value of type ``annotation``."""
    for candidate in _unwrap(annotation):
        origin = get_origin(candidate)
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            for name, field in candidate.model_fields.items():
                if str(token) in (name, field.alias):
                    return field.annotation
        elif origin is list and isinstance(token, int):
            return get_args(candidate)[0]
        elif origin is dict and isinstance(token, str):
            return get_args(candidate)[1]
    return None


def _accepted(annotation: Any) -> str | None:
    for candidate in _unwrap(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return ", ".join(field.alias or name for name, field in
                             candidate.model_fields.items() if not field.exclude)
        if get_origin(candidate) is dict:
            key_type = get_args(candidate)[0]
            if get_origin(key_type) is typing.Literal:
                return ", ".join(repr(v) for v in get_args(key_type))
    return None


def _describe(value: Any) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string",
             list: "an array", dict: "an object", type(None): "null"}
    kind = names.get(type(value), type(value).__name__)
    if isinstance(value, (str, int, float, bool)):
        return f"{kind} {value!r}"
    return kind


def located_validation_error(exc: ValidationError, model: type[BaseModel], data: Any,
                             locate: Locate, what: str, code: ErrorCode, base: str = "",
                             ) -> InputError:
    """The first error of ``exc`` as an :class:`InputError` at its place in the file:
    ``invalid <what>: <message>`` with ``code``."""
    err = exc.errors()[0]
    node: Any = data
    annotation: Any = model
    pointer = base
    parent_annotation: Any = model
    tokens = list(err["loc"])
    last_key: str | int | None = None
    for token in tokens:
        present = (isinstance(node, dict) and isinstance(token, str) and token in node) or (
            isinstance(node, list) and isinstance(token, int) and 0 <= token < len(node))
        if not present:
            if err["type"] in ("missing", "extra_forbidden") and isinstance(node, dict):
                last_key = token
            continue
        parent_annotation = annotation
        annotation = _step(annotation, token)
        node = node[token]
        pointer = join_pointer(pointer, token)
    kind = err["type"]
    if kind == "missing":
        accepted = _accepted(annotation)
        message = f"missing required key {str(last_key)!r}"
        if accepted:
            message += f" (this object takes: {accepted})"
    elif kind == "extra_forbidden":
        # the unknown key itself is present in the data, so the walk stepped into it
        accepted = _accepted(parent_annotation)
        key = pointer.rsplit("/", 1)[-1]
        message = f"unknown key {key!r}"
        if accepted:
            message += f" (accepted keys: {accepted})"
        return InputError(f"invalid {what}: {message}", locate(pointer), code)
    elif kind in ("literal_error", "enum"):
        expected = err.get("ctx", {}).get("expected", "")
        message = f"found {_describe(err.get('input'))}, expected {expected}"
        if "[key]" in tokens:
            # a Literal-keyed dict: the bad key is the last token
            message = f"unknown key {err['input']!r}, expected {expected}"
    elif kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        hint = {r"^[\w-]+:[0-9a-f-]+$":
                "REGION:GUID such as us-east-1:0c1f2a3b-4d5e-6f70-8a9b-0c1d2e3f4a5b"}
        expected = hint.get(pattern) or (
            "an IAM role ARN arn:aws:iam::<12-digit account>:role/<name>" if ":role/" in pattern
            else "an IAM policy ARN arn:aws:iam::<account>:policy/<name>" if ":policy/" in pattern
            else f"text matching {pattern}")
        message = f"found {_describe(err.get('input'))}, expected {expected}"
    elif kind == "value_error":
        # a validator's own explanation
        message = err["msg"].removeprefix("Value error, ")
    else:
        message = f"{err['msg']}, found {_describe(err.get('input'))}"
    return InputError(f"invalid {what}: {message}", locate(pointer), code)
