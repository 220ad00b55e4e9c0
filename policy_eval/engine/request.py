"""A request to evaluate: action, resource, principal and context (spec semantics.md §0).

The constructor checks the input (wrong types raise :class:`~policy_eval.errors.RequestError`
there, never a ``TypeError`` later) and folds it into the form the engine reads: the action
lower-cased, context keys folded (they are case-insensitive, spec §1.3), context values as
``str`` (single-valued: ``True`` -> ``"true"``, numbers -> text) or ``tuple[str, ...]``
(multivalued; a list stays multivalued even with one element).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..errors import Location, RequestError

Context = dict[str, Any]


def _invalid(key: str, what: str) -> RequestError:
    return RequestError(f"context value of {key!r} {what}",
                        Location(None, None, None, f"/context/{key}"), "invalid-context")


def _scalar(key: str, value: Any) -> str:
    if type(value) is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        try:
            return str(value)
        except ValueError:  # an int past sys.get_int_max_str_digits()
            raise _invalid(key, "is a number too long to write out") from None
    raise _invalid(key, "must be a string, a number, a boolean or a list of strings, found "
                   f"{type(value).__name__}")


def _value(key: str, value: Any) -> str | tuple[str, ...]:
    kind = type(value)
    if kind is str:
        return value
    if kind is list or kind is tuple:
        items = tuple(value)
        for item in items:
            if type(item) is not str:
                if isinstance(item, (list, tuple, dict)):
                    raise _invalid(key, "may only hold strings, numbers or booleans in its list")
                return tuple(_scalar(key, v) for v in items)
        return items
    return _scalar(key, value)


def fold_context(context: Mapping[str, Any] | None) -> Context:
    """Context with folded key names and normalised values (the hot path of building a
    request: type checks first, one pass)."""
    if not context:
        return {}
    out: Context = {}
    for key, value in context.items():
        if type(key) is not str:
            raise RequestError(f"context key {key!r} must be a string",
                               Location(None, None, None, "/context"), "invalid-context")
        out[key.lower()] = value if type(value) is str else _value(key, value)
    return out


_ACTION = re.compile(r"[^:\s]+:[^:\s]+")
_ARN = re.compile(r"arn:[^:]+:[^:]+:[^:]*:[^:]*:.")
_VALID_ACTIONS: set[str] = set()


def check_action(action: Any) -> str:
    try:
        if action in _VALID_ACTIONS:
            return action
    except TypeError:  # unhashable: not a string either
        pass
    if action is None:
        raise RequestError("action is missing (null, or an empty cell of a table)",
                           Location(None, None, None, "/action"), "invalid-action")
    if not isinstance(action, str) or not _ACTION.fullmatch(action):
        raise RequestError(f"action must look like 'service:Operation', found {action!r}",
                           Location(None, None, None, "/action"), "invalid-action")
    if len(_VALID_ACTIONS) < 65536:
        _VALID_ACTIONS.add(action)
    return action


def check_resource(resource: Any) -> str:
    """``resource`` if it is ``"*"`` or a well-formed ARN. ``*`` and ``?`` inside an ARN are
    literal characters (S3 object keys may hold them; spec §7 case 9): a request names one
    concrete resource, never a pattern."""
    if resource == "*" or (type(resource) is str and _ARN.match(resource)):
        return resource
    if resource is None:
        raise RequestError("resource is missing (null, or an empty cell of a table)",
                           Location(None, None, None, "/resource"), "invalid-arn")
    if not isinstance(resource, str) or not resource.startswith("arn:"):
        raise RequestError(f"resource must be an ARN (arn:partition:service:region:account:"
                           f"resource) or '*', found {resource!r}",
                           Location(None, None, None, "/resource"), "invalid-arn")
    raise RequestError(f"malformed ARN {resource!r}: expected six ':'-separated parts "
                       "arn:partition:service:region:account:resource",
                       Location(None, None, None, "/resource"), "invalid-arn")


class Request:
    """One request: ``Request(action, resource="*", principal=None, context=None)``."""

    __slots__ = ("_action_key", "_context", "action", "context", "principal", "resource")

    def __init__(self, action: str, resource: str = "*", principal: str | None = None,
                 context: Mapping[str, Any] | None = None) -> None:
        self.action = check_action(action)
        self.resource = check_resource(resource)
        if type(principal) is not str and principal is not None:
            raise RequestError(f"principal must be an ARN (a string) or None, found "
                               f"{type(principal).__name__}",
                               Location(None, None, None, "/principal"), "invalid-principal")
        self.principal = principal
        try:
            self._context = fold_context(context)
        except AttributeError:  # no .items(): not a mapping (checked only when it fails)
            raise RequestError(f"context must be a mapping of condition keys to values, found "
                               f"{type(context).__name__}", Location(None, None, None, "/context"),
                               "invalid-context") from None
        self.context = dict(context) if context else {}
        self._action_key = action.lower()

    def to_dict(self) -> dict[str, Any]:
        return {"action": self.action, "resource": self.resource,
                "principal": self.principal, "context": self.context}

    def __repr__(self) -> str:
        return (f"Request(action={self.action!r}, resource={self.resource!r}, "
                f"principal={self.principal!r}, context={self.context!r})")
