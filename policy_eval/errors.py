"""Errors as values with a location.

Every problem with the input (a file that is not JSON, a policy the IAM grammar rejects,
a request with a malformed ARN) is a :class:`PolicyEvalError` carrying a
:class:`Location`: the file, the 1-based line and column, and the RFC 6901 JSON pointer
of the element. The CLI prints ``str(error)`` and exits with code 2; it never shows a
traceback for these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class ErrorCode(str, Enum):
    """The stable codes of input errors: the one table that the loaders and the policy
    grammar raise and that the linter's rules (``error_codes``), the scenario runner and
    the reporters match. A member is its string (``ErrorCode.json_syntax == "json-syntax"``).
    """

    # reading a file (document/source.py)
    file_not_found = "file-not-found"
    unreadable = "unreadable"
    binary_file = "binary-file"
    invalid_utf8 = "invalid-utf8"
    file_too_large = "file-too-large"
    too_deep = "too-deep"
    json_syntax = "json-syntax"
    yaml_syntax = "yaml-syntax"
    duplicate_key = "duplicate-key"
    invalid_input = "invalid-input"
    invalid_path = "invalid-path"
    not_a_regular_file = "not-a-regular-file"
    number_too_long = "number-too-long"
    non_finite_number = "non-finite-number"
    yaml_alias_expansion = "yaml-alias-expansion"
    yaml_recursive_alias = "yaml-recursive-alias"
    #: a file a scenario or pool file refers to as a policy is no policy document
    not_a_policy = "not-a-policy"
    # the IAM policy grammar (document/model.py)
    invalid_type = "invalid-type"
    invalid_version = "invalid-version"
    unknown_element = "unknown-element"
    missing_statement = "missing-statement"
    missing_effect = "missing-effect"
    missing_action = "missing-action"
    missing_resource = "missing-resource"
    missing_principal = "missing-principal"
    invalid_effect = "invalid-effect"
    invalid_principal = "invalid-principal"
    element_combination = "element-combination"
    unknown_operator = "unknown-operator"
    variable_syntax = "variable-syntax"
    # requests (engine/request.py)
    invalid_action = "invalid-action"
    invalid_arn = "invalid-arn"
    invalid_context = "invalid-context"
    # request tables (engine/batch.py)
    invalid_request = "invalid-request"
    invalid_column = "invalid-column"
    invalid_frame = "invalid-frame"
    ragged_columns = "ragged-columns"
    # scenarios, pools and logins (scenario/, cognito/)
    invalid_scenario = "invalid-scenario"
    invalid_pool = "invalid-pool"
    invalid_pool_file = "invalid-pool-file"
    invalid_cognito_section = "invalid-cognito-section"
    invalid_login = "invalid-login"
    invalid_claims = "invalid-claims"
    invalid_option = "invalid-option"
    invalid_scope_down = "invalid-scope-down"
    unknown_policy = "unknown-policy"
    unknown_provider = "unknown-provider"
    unknown_role = "unknown-role"
    missing_role = "missing-role"
    # populations and isolation search (population/)
    invalid_logins = "invalid-logins"
    no_actions = "no-actions"
    vacuous_check = "vacuous-check"
    # request tables read by eval-table (table_cli.py)
    invalid_table = "invalid-table"
    missing_dependency = "missing-dependency"
    unreachable_scheduler = "unreachable-scheduler"
    # plots (plot.py)
    missing_extra = "missing-extra"
    write_error = "write-error"
    # infrastructure as code (document/iac/)
    template_error = "template-error"
    invalid_template = "invalid-template"
    invalid_param = "invalid-param"
    invalid_intrinsic = "invalid-intrinsic"
    unknown_reference = "unknown-reference"
    circular_reference = "circular-reference"
    sub_missing_variable = "sub-missing-variable"
    unknown_value = "unknown-value"
    no_pool = "no-pool"
    invalid_export = "invalid-export"
    missing_arn = "missing-arn"
    no_default_version = "no-default-version"
    hcl_syntax = "hcl-syntax"
    undeclared_variable = "undeclared-variable"
    undeclared_local = "undeclared-local"
    duplicate_declaration = "duplicate-declaration"
    unsupported_format_version = "unsupported-format-version"
    unknown_condition = "unknown-condition"
    # the linter's configuration (lint/config.py)
    config_syntax = "config-syntax"
    config_unreadable = "config-unreadable"
    config_invalid = "config-invalid"
    # baselines (lint/baseline.py)
    baseline_unreadable = "baseline-unreadable"
    baseline_invalid = "baseline-invalid"
    baseline_unwritable = "baseline-unwritable"

    def __str__(self) -> str:
        return self.value


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
    code: str = ErrorCode.invalid_input

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
