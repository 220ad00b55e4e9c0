"""A request to evaluate: action, resource, principal and context (spec semantics.md §0).

The constructor checks the input and folds it into the form the engine reads: the action
lower-cased, context keys folded (they are case-insensitive, spec §1.3), context values as
``str`` (single-valued: ``True`` -> ``"true"``, numbers -> text) or ``tuple[str, ...]``
(multivalued; a list stays multivalued even with one element).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import Location, RequestError

Context = dict[str, Any]


def _value(key: str, value: Any) -> str | tuple[str, ...]:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return tuple(_value(key, v) for v in value)  # type: ignore[misc]
    raise RequestError(f"context value of {key!r} must be a string, a number, a boolean or a "
                       f"list of strings, found {type(value).__name__}",
                       Location(None, None, None, f"/context/{key}"), "invalid-context")


def fold_context(context: Mapping[str, Any] | None) -> Context:
    """Context with folded key names and normalised values."""
    if not context:
        return {}
    out: Context = {}
    for key, value in context.items():
        if not isinstance(key, str):
            raise RequestError(f"context key {key!r} must be a string",
                               Location(None, None, None, "/context"), "invalid-context")
        folded = _value(key, value)
        if isinstance(folded, tuple) and any(not isinstance(v, str) for v in folded):
            raise RequestError(f"context value of {key!r}: a list may only hold strings",
                               Location(None, None, None, f"/context/{key}"),
                               "invalid-context")
        out[key.lower()] = folded
    return out


def check_action(action: Any) -> str:
    if not isinstance(action, str) or action.count(":") != 1 or not all(action.split(":")):
        raise RequestError(f"action must look like 'service:Operation', found {action!r}",
                           Location(None, None, None, "/action"), "invalid-action")
    return action


def check_resource(resource: Any) -> str:
    if resource == "*":
        return resource
    if not isinstance(resource, str) or not resource.startswith("arn:"):
        raise RequestError(f"resource must be an ARN (arn:partition:service:region:account:"
                           f"resource) or '*', found {resource!r}",
                           Location(None, None, None, "/resource"), "invalid-arn")
    parts = resource.split(":", 5)
    if len(parts) != 6 or not parts[1] or not parts[2] or not parts[5]:
        raise RequestError(f"malformed ARN {resource!r}: expected six ':'-separated parts "
                           "arn:partition:service:region:account:resource",
                           Location(None, None, None, "/resource"), "invalid-arn")
    # '*' and '?' in a request ARN are literal characters (S3 object keys may hold them;
    # spec §7 case 9): a request names one concrete resource, never a pattern.
    return resource


class Request:
    """One request: ``Request(action, resource="*", principal=None, context=None)``."""

    __slots__ = ("_action_key", "_context", "action", "context", "principal", "resource")

    def __init__(self, action: str, resource: str = "*", principal: str | None = None,
                 context: Mapping[str, Any] | None = None) -> None:
        self.action = check_action(action)
        self.resource = check_resource(resource)
        self.principal = principal
        self.context = dict(context) if context else {}
        self._action_key = action.lower()
        self._context = fold_context(context)

    def with_context(self, extra: Mapping[str, Any]) -> Request:
        """A copy whose context has ``extra`` added (``extra`` wins)."""
        merged = {**self.context, **extra}
        return Request(self.action, self.resource, self.principal, merged)

    def to_dict(self) -> dict[str, Any]:
        return {"action": self.action, "resource": self.resource,
                "principal": self.principal, "context": self.context}

    def __repr__(self) -> str:
        return (f"Request(action={self.action!r}, resource={self.resource!r}, "
                f"principal={self.principal!r}, context={self.context!r})")
