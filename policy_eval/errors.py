"""Errors as values with a location.

Every problem with the input (a file that is not JSON, a policy the IAM grammar rejects,
a request with a malformed ARN) is a :class:`PolicyEvalError` carrying a
:class:`Location`: the file, the 1-based line and column, and the RFC 6901 JSON pointer
of the element. The CLI prints ``str(error)`` and exits with code 2; it never shows a
traceback for these.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def escape_pointer_token(token: str | int) -> str:
    """Escape one reference token of a JSON pointer (RFC 6901)."""
    text = token if type(token) is str else str(token)
    if "~" in text or "/" in text:
        return text.replace("~", "~0").replace("/", "~1")
    return text


def join_pointer(pointer: str, *tokens: str | int) -> str:
    """Append reference tokens to a JSON pointer."""
    for token in tokens:
        pointer += "/" + escape_pointer_token(token)
    return pointer


@dataclass(frozen=True)
class Location:
    """Where an element sits: file, 1-based line and column, JSON pointer, and, for an
    element of an infrastructure template, the resource users know it by (a logical id,
    a CDK construct path, a Terraform address)."""

    path: str | None = None
    line: int | None = None
    column: int | None = None
    pointer: str = ""
    end_line: int | None = None
    end_column: int | None = None
    resource: str | None = None

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        if self.resource:
            where += f" [{self.resource}]"
        if self.pointer:
            where += f" (at {self.pointer})"
        return where

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "resource": self.resource,
        }


@dataclass
class PolicyEvalError(Exception):
    """An input that policy-eval cannot use, with the place it went wrong.

    ``code`` is a short stable identifier (``json-syntax``, ``duplicate-key``,
    ``invalid-effect`` ...) that the linter reuses as the finding's detail.
    """

    message: str
    location: Location = field(default_factory=Location)
    code: str = "invalid-input"

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"

    def with_path(self, path: str | None) -> PolicyEvalError:
        """The same error, reported against ``path`` when it had no file yet."""
        if self.location.path is not None or path is None:
            return self
        loc = Location(path, self.location.line, self.location.column, self.location.pointer,
                       self.location.end_line, self.location.end_column,
                       self.location.resource)
        return type(self)(self.message, loc, self.code)


class InputError(PolicyEvalError):
    """The input cannot be read or parsed (bad JSON/YAML, too big, not UTF-8)."""


class PolicyError(PolicyEvalError):
    """A policy document that the IAM grammar rejects, so it cannot be evaluated."""


class RequestError(PolicyEvalError):
    """A request that cannot be evaluated (malformed action, ARN or context value)."""
