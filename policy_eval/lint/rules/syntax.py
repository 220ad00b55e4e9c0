"""SYN: document syntax and structure - the IAM grammar per policy type (spec §1.1).

Most of these report the located errors of the reader and of
:func:`~policy_eval.document.model.check_policy`; the rest look at the raw document for
what the grammar accepts but AWS refuses or ignores (a missing Version, a Principal in an
identity policy, duplicate Sids, empty arrays, oversized documents).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, ClassVar

from ...errors import ErrorCode, join_pointer
from ..rule import KINDS, Finding, Rule, Severity, Target, register
from ._base import IDENTITY_KINDS, ParseErrorRule, TemplateRule, raw_statements

ALL_KINDS = KINDS


@register
class InternalError(Rule):
    """What it does
    ------------
    Stands for a rule that crashed on a document. The run goes on with the other rules and
    files; the crash is reported as this finding instead of a traceback.

    Why is this bad?
    ----------------
    A crashed rule checked nothing, so the document may hide a problem. It is a bug in
    policy-eval: please report it with the document.

    Example
    -------
    ```text
    (any document on which a rule raises an exception)
    ```

    Use instead
    -----------
    ```text
    (nothing to change in the policy; upgrade policy-eval or report the bug)
    ```
    """

    code = "SYN000"
    name = "internal-error"
    summary = "A rule crashed on this document (a policy-eval bug; the run went on)"
    severity = Severity.error
    kinds = ALL_KINDS
    needs_valid_policy = False
    examples_in_tests = True

    def check(self, target: Target) -> Iterator[Finding]:
        return iter(())


@register
class InvalidSyntax(ParseErrorRule):
    """What it does
    ------------
    Reports a document that is not valid JSON or YAML, at the line and column where the
    parser stopped.

    Why is this bad?
    ----------------
    AWS refuses the policy, and nothing else in the file can be checked.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*",}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "SYN001"
    name = "invalid-syntax"
    summary = "The file is not valid JSON or YAML"
    severity = Severity.error
    kinds = ALL_KINDS
    error_codes = (ErrorCode.json_syntax, ErrorCode.yaml_syntax, ErrorCode.non_finite_number)
    fix_hint = "fix the syntax at the position shown (a trailing comma, a missing quote)"


@register
class DuplicateKey(ParseErrorRule):
    """What it does
    ------------
    Reports a key repeated in one JSON/YAML object, such as two ``Effect`` or two
    ``StringEquals`` entries.

    Why is this bad?
    ----------------
    The IAM grammar forbids it, and tools disagree on which value wins: Python's ``json``
    keeps the last one silently, so a reviewer may read a different policy than AWS.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Deny", "Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "SYN002"
    name = "duplicate-key"
    summary = "A key appears twice in one object; which value applies is ambiguous"
    severity = Severity.error
    kinds = ALL_KINDS
    error_codes = (ErrorCode.duplicate_key,)
    fix_hint = "keep one entry; merge the values into an array where the element takes one"


@register
class UnreadableDocument(ParseErrorRule):
    """What it does
    ------------
    Reports a file that cannot be read as a document: binary content, text that is not
    UTF-8, a file over 2 MB, nesting deeper than 64 levels, a device, FIFO or socket instead
    of a regular file, a number too long to convert, YAML aliases that contain themselves
    or expand past 100,000 nodes, or a referenced policy file that does not exist (or whose
    name holds a NUL character).

    Why is this bad?
    ----------------
    Nothing in it can be checked, and AWS would refuse it as a policy.

    Example
    -------
    ```text
    (a .json file holding a NUL byte, or Latin-1 text)
    ```

    Use instead
    -----------
    ```text
    (a UTF-8 JSON or YAML policy document)
    ```
    """

    code = "SYN003"
    name = "unreadable-document"
    summary = ("Binary, non-UTF-8, oversized, too deeply nested, special (device, FIFO) or "
               "missing document")
    severity = Severity.error
    kinds = ALL_KINDS
    examples_in_tests = True
    error_codes = (ErrorCode.binary_file, ErrorCode.invalid_utf8, ErrorCode.file_too_large,
                   ErrorCode.too_deep, ErrorCode.unreadable, ErrorCode.file_not_found,
                   ErrorCode.invalid_input, ErrorCode.not_a_regular_file, ErrorCode.invalid_path,
                   ErrorCode.number_too_long, ErrorCode.yaml_alias_expansion,
                   ErrorCode.yaml_recursive_alias)
    fix_hint = "save the policy as UTF-8 JSON or YAML"


@register
class MissingVersion(Rule):
    """What it does
    ------------
    Reports a policy without a ``Version`` element: a warning when the policy holds
    ``${`` (the variables are taken literally; the COG rules say what breaks), else info.

    Why is this bad?
    ----------------
    Without a Version, AWS applies the 2008-10-17 language: policy variables such as
    ``${aws:username}`` are not substituted and match only their literal text, and newer
    features are off.

    Example
    -------
    ```json
    {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/${aws:username}/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "SYN004"
    name = "missing-version"
    summary = "No Version: the 2008-10-17 language applies and variables are not substituted"
    severity = Severity.warning
    needs_valid_policy = False

    def check(self, target: Target) -> Iterator[Finding]:
        if isinstance(target.data, dict) and "Version" not in target.data \
                and "Statement" in target.data:
            variables = "${" in json.dumps(target.data)
            yield self.finding(target, "", "the policy has no Version; AWS applies 2008-10-17"
                               + (" and does not substitute its ${...} variables"
                                  if variables else ""),
                               fix='add "Version": "2012-10-17" as the first element',
                               severity=None if variables else Severity.info)


@register
class InvalidVersion(ParseErrorRule):
    """What it does
    ------------
    Reports a ``Version`` other than ``2012-10-17`` or ``2008-10-17`` (often a date
    typed by hand, or the date the policy was written).

    Why is this bad?
    ----------------
    AWS refuses the policy.

    Example
    -------
    ```json
    {"Version": "2024-01-15",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "SYN005"
    name = "invalid-version"
    summary = "Version is neither 2012-10-17 nor 2008-10-17"
    severity = Severity.error
    error_codes = (ErrorCode.invalid_version,)
    fix_hint = 'use "Version": "2012-10-17" (it is a language version, not a date)'


@register
class OldVersion(Rule):
    """What it does
    ------------
    Reports ``"Version": "2008-10-17"``.

    Why is this bad?
    ----------------
    The old language has no policy variables and misses newer features. It still works, so
    this is informational unless the policy uses variables (then see the Cognito rules).

    Example
    -------
    ```json
    {"Version": "2008-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "SYN006"
    name = "old-version"
    summary = "Version 2008-10-17: the old policy language"
    severity = Severity.info
    needs_valid_policy = False

    def check(self, target: Target) -> Iterator[Finding]:
        if isinstance(target.data, dict) and target.data.get("Version") == "2008-10-17":
            yield self.finding(target, "/Version", "the policy uses the 2008-10-17 language",
                               fix='use "Version": "2012-10-17"')


@register
class UnknownElement(ParseErrorRule):
    """What it does
    ------------
    Reports an element the IAM grammar does not know, at the policy or statement level
    (``Actions``, ``Resources``, ``effect``, ``Conditions`` ...).

    Why is this bad?
    ----------------
    AWS refuses the policy; a tool that ignores the element reads a different policy.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Actions": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "SYN007"
    name = "unknown-element"
    summary = "An element the IAM grammar does not know (a typo such as Actions)"
    severity = Severity.error
    error_codes = (ErrorCode.unknown_element,)
    fix_hint = "use the exact element name: Version, Id, Statement, Sid, Effect, Action, " \
               "NotAction, Resource, NotResource, Principal, NotPrincipal, Condition"


@register
class MissingElement(ParseErrorRule):
    """What it does
    ------------
    Reports a policy without ``Statement``, or a statement without ``Effect`` or without
    ``Action``/``NotAction``.

    Why is this bad?
    ----------------
    AWS refuses the policy.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "SYN008"
    name = "missing-element"
    summary = "Missing Statement, Effect or Action"
    severity = Severity.error
    error_codes = (ErrorCode.missing_statement, ErrorCode.missing_effect, ErrorCode.missing_action)
    fix_hint = "add the missing element"


@register
class InvalidEffect(ParseErrorRule):
    """What it does
    ------------
    Reports an ``Effect`` that is not exactly ``"Allow"`` or ``"Deny"``.

    Why is this bad?
    ----------------
    The value is case-sensitive: ``"allow"`` or ``"Allow "`` make AWS refuse the policy.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "SYN009"
    name = "invalid-effect"
    summary = 'Effect is not exactly "Allow" or "Deny"'
    severity = Severity.error
    error_codes = (ErrorCode.invalid_effect,)
    fix_hint = 'write "Allow" or "Deny" (case-sensitive, no spaces)'


@register
class InvalidType(ParseErrorRule):
    """What it does
    ------------
    Reports an element of the wrong JSON type: a number as Action, an object as Resource,
    a statement that is a string, a condition value that is an object.

    Why is this bad?
    ----------------
    AWS refuses the policy.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": {"s3": "GetObject"},
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "SYN010"
    name = "invalid-type"
    summary = "An element has the wrong JSON type"
    severity = Severity.error
    error_codes = (ErrorCode.invalid_type,)
    fix_hint = "use a string or an array of strings (objects for Principal and Condition)"


@register
class ElementCombination(ParseErrorRule):
    """What it does
    ------------
    Reports a statement with both ``Action`` and ``NotAction``, ``Resource`` and
    ``NotResource``, or ``Principal`` and ``NotPrincipal``.

    Why is this bad?
    ----------------
    AWS refuses the policy.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "NotAction": "s3:PutObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "SYN011"
    name = "element-combination"
    summary = "Action with NotAction, Resource with NotResource, or Principal with NotPrincipal"
    severity = Severity.error
    error_codes = (ErrorCode.element_combination,)
    fix_hint = "keep one of the two elements"


@register
class MissingResource(ParseErrorRule):
    """What it does
    ------------
    Reports a statement without ``Resource``/``NotResource`` in a policy type that needs
    one (identity, resource-based, boundary, session, SCP, RCP).

    Why is this bad?
    ----------------
    AWS refuses the policy. (Role trust policies are the exception: they leave Resource
    out, because the role is the resource.)

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "SYN012"
    name = "missing-resource"
    summary = "A statement has neither Resource nor NotResource"
    severity = Severity.error
    error_codes = (ErrorCode.missing_resource,)
    fix_hint = "name the resources the statement applies to"


class _MisplacedElement(Rule):
    """Reports each of ``elements`` that a statement of this kind of policy must not have
    (seen in the raw data: the model drops what does not belong)."""

    elements: ClassVar[tuple[str, ...]] = ()
    needs_valid_policy = False

    def problem(self, target: Target,
                element: str) -> tuple[str, str]:  # pragma: no cover - abstract
        """(message, fix) for ``element`` found in a statement."""
        raise NotImplementedError

    def check(self, target: Target) -> Iterator[Finding]:
        for raw, pointer in raw_statements(target):
            for element in self.elements:
                if element in raw:
                    message, fix = self.problem(target, element)
                    yield self.finding_at(target, join_pointer(pointer, element), message,
                                          key=True, fix=fix)


@register
class ResourceInTrustPolicy(_MisplacedElement):
    """What it does
    ------------
    Reports ``Resource`` or ``NotResource`` in a role trust policy.

    Why is this bad?
    ----------------
    In a trust policy the role itself is the resource; IAM refuses a trust policy that
    names one.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole", "Resource": "*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole"}]}
    ```
    """

    code = "SYN013"
    name = "resource-in-trust-policy"
    summary = "A role trust policy names a Resource"
    severity = Severity.error
    kinds = ("trust",)
    example_kind = "trust"

    elements = ("Resource", "NotResource")

    def problem(self, target: Target, element: str) -> tuple[str, str]:
        return f"a role trust policy cannot have {element}", f"remove {element}"


@register
class PrincipalInIdentityPolicy(_MisplacedElement):
    """What it does
    ------------
    Reports ``Principal`` or ``NotPrincipal`` in an identity-based policy, a permissions
    boundary, a session policy or an SCP.

    Why is this bad?
    ----------------
    These policies apply to the principal they are attached to; AWS refuses a Principal in
    them. It is usually a resource or trust policy pasted in the wrong place.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                    "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "SYN014"
    name = "principal-in-identity-policy"
    summary = "Principal/NotPrincipal in an identity, boundary, session policy or SCP"
    severity = Severity.error
    kinds = (*IDENTITY_KINDS, "scp")
    example_kind = "identity"

    elements = ("Principal", "NotPrincipal")

    def problem(self, target: Target, element: str) -> tuple[str, str]:
        return (f"{element} is not allowed in a {target.kind} policy",
                f"remove {element}, or lint the file as a resource policy")


@register
class NotPrincipalInTrustPolicy(_MisplacedElement):
    """What it does
    ------------
    Reports ``NotPrincipal`` in a role trust policy.

    Why is this bad?
    ----------------
    IAM does not allow NotPrincipal in a trust policy; with Allow it would trust everyone
    except the listed principals.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
                    "Action": "sts:AssumeRole"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                    "Action": "sts:AssumeRole"}]}
    ```
    """

    code = "SYN015"
    name = "notprincipal-in-trust-policy"
    summary = "NotPrincipal in a role trust policy"
    severity = Severity.error
    kinds = ("trust",)
    example_kind = "trust"

    elements = ("NotPrincipal",)

    def problem(self, target: Target, element: str) -> tuple[str, str]:
        return ("a role trust policy cannot use NotPrincipal",
                "name the trusted principals with Principal")


@register
class DuplicateSid(Rule):
    """What it does
    ------------
    Reports two statements with the same ``Sid``.

    Why is this bad?
    ----------------
    Several services (and IAM for some policy types) require unique Sids; where they are
    accepted, a reviewer or a tool that refers to a statement by its Sid finds the wrong one.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"},
                   {"Sid": "Read", "Effect": "Allow", "Action": "s3:ListBucket",
                    "Resource": "arn:aws:s3:::example-bucket"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Sid": "ReadObjects", "Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"},
                   {"Sid": "ListBucket", "Effect": "Allow", "Action": "s3:ListBucket",
                    "Resource": "arn:aws:s3:::example-bucket"}]}
    ```
    """

    code = "SYN016"
    name = "duplicate-sid"
    summary = "Two statements share a Sid"
    severity = Severity.warning
    needs_valid_policy = False

    def check(self, target: Target) -> Iterator[Finding]:
        seen: dict[str, str] = {}
        for raw, pointer in raw_statements(target):
            sid = raw.get("Sid")
            if not isinstance(sid, str) or not sid:
                continue
            if sid in seen:
                yield self.finding_at(target, join_pointer(pointer, "Sid"),
                                      f"Sid {sid!r} is already used at {seen[sid]}",
                                      fix="give every statement its own Sid")
            else:
                seen[sid] = pointer


_IAM_SID = re.compile(r"^[A-Za-z0-9]*$")


@register
class InvalidSid(Rule):
    """What it does
    ------------
    Reports, in IAM policies (identity, trust, boundary, session, SCP), a Sid with
    characters other than ``A-Z``, ``a-z`` and ``0-9``; and, at info level, an empty Sid
    (accepted, but it names nothing).

    Why is this bad?
    ----------------
    IAM refuses such Sids (resource-based policies of other services accept more, so only
    empty Sids are reported there).

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Sid": "read-objects", "Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Sid": "ReadObjects", "Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "SYN017"
    name = "invalid-sid"
    summary = "Empty Sid, or a Sid with characters IAM refuses"
    severity = Severity.warning
    needs_valid_policy = False

    def check(self, target: Target) -> Iterator[Finding]:
        for raw, pointer in raw_statements(target):
            sid = raw.get("Sid")
            if not isinstance(sid, str):
                continue
            at = join_pointer(pointer, "Sid")
            if sid == "":
                yield self.finding_at(target, at, "the Sid is empty",
                                      fix="remove the Sid or give it a name",
                                      severity=Severity.info)
            elif target.kind not in ("resource", "rcp") and not _IAM_SID.match(sid):
                yield self.finding_at(target, at,
                                      f"Sid {sid!r} has characters IAM does not accept "
                                      "(only A-Z, a-z, 0-9)",
                                      fix=f"use {re.sub(r'[^A-Za-z0-9]', '', sid) or 'a name'!r}")


@register
class EmptyElement(Rule):
    """What it does
    ------------
    Reports empty arrays and objects: ``Statement: []``, ``Action: []``, ``Resource: []``,
    ``Principal: {}``, ``Condition: {}``, an operator with no keys, a key with no values.

    Why is this bad?
    ----------------
    An empty element matches nothing or is refused; it is usually a template that lost its
    values. A statement with ``Action: []`` grants nothing, and a ``Condition`` block with
    an empty value list never matches.

    Example
    -------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": [], "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"],
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "SYN018"
    name = "empty-element"
    summary = "An empty array or object (Action: [], Condition: {}, ...)"
    severity = Severity.warning
    needs_valid_policy = False

    def check(self, target: Target) -> Iterator[Finding]:
        data = target.data
        if isinstance(data, dict) and data.get("Statement") in ([], {}):
            yield self.finding(target, "/Statement", "the policy has no statements",
                               fix="add statements or delete the policy")
        for raw, pointer in raw_statements(target):
            for element in ("Action", "NotAction", "Resource", "NotResource", "Principal",
                            "NotPrincipal", "Condition"):
                value = raw.get(element)
                at = join_pointer(pointer, element)
                if value in ([], {}):
                    yield self.finding_at(target, at, f"{element} is empty",
                                          fix=f"list the values, or remove {element}")
                elif element in ("Principal", "NotPrincipal") and isinstance(value, dict):
                    for ptype, pvalue in value.items():
                        if pvalue == []:
                            yield self.finding_at(target, join_pointer(at, ptype),
                                                  f"{element}.{ptype} is empty",
                                                  fix="list the principals")
                elif element == "Condition" and isinstance(value, dict):
                    for op, block in value.items():
                        if block == {}:
                            yield self.finding_at(target, join_pointer(at, op),
                                                  f"condition operator {op} has no keys",
                                                  fix="remove the operator or add keys")
                        elif isinstance(block, dict):
                            for key, values in block.items():
                                if values == []:
                                    yield self.finding_at(
                                        target, join_pointer(at, op, key),
                                        f"condition key {key} has no values: the condition "
                                        "never matches (ForAllValues: always matches)",
                                        fix="list the values")


#: Documented size quotas in characters, whitespace not counted (IAM and Organizations
#: quotas pages): managed policy 6,144; role trust policy 2,048 by default (4,096 on
#: request); SCP/RCP 5,120; session policy 2,048 (packed); S3 bucket policy 20 KB.
SIZE_QUOTAS = {"identity": 6144, "boundary": 6144, "trust": 2048, "scp": 5120, "rcp": 5120,
               "session": 2048, "resource": 20480}


@register
class PolicySizeQuota(Rule):
    """What it does
    ------------
    Reports a policy longer than the quota of its type, counted without whitespace:
    6,144 characters for a managed policy, 2,048 for a role trust policy (the default
    quota) and a session policy, 5,120 for an SCP or RCP, 20,480 for an S3 bucket policy.

    Why is this bad?
    ----------------
    AWS refuses to save the policy, usually at deploy time, long after review.

    Example
    -------
    ```text
    (an identity policy that lists 400 actions one by one: 9,000 characters)
    ```

    Use instead
    -----------
    ```text
    (group actions with wildcards such as s3:Get*, or split into several managed policies)
    ```
    """

    code = "SYN019"
    name = "policy-size-quota"
    summary = "The policy is longer than the AWS size quota for its type"
    severity = Severity.warning
    needs_valid_policy = False
    examples_in_tests = True

    def check(self, target: Target) -> Iterator[Finding]:
        quota = SIZE_QUOTAS.get(target.kind)
        if quota is None or not isinstance(target.data, dict):
            return
        size = len(json.dumps(target.data, separators=(",", ":"), ensure_ascii=False))
        if size > quota:
            yield self.finding(target, "", f"the {target.kind} policy is {size:,} characters "
                               f"without whitespace; the quota is {quota:,}",
                               fix="use wildcards for action families, or split the policy")


@register
class IdInIdentityPolicy(Rule):
    """What it does
    ------------
    Reports an ``Id`` element in an identity-based policy, boundary or session policy.

    Why is this bad?
    ----------------
    The IAM grammar notes say Id belongs to resource-based policies; in an identity policy
    it is ignored and usually shows a resource policy copied by mistake.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Id": "ReadPolicy",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::example-bucket/*"}]}
    ```
    """

    code = "SYN020"
    name = "id-in-identity-policy"
    summary = "Id in an identity-based policy (it belongs to resource policies)"
    severity = Severity.info
    kinds = IDENTITY_KINDS
    needs_valid_policy = False
    example_kind = "identity"

    def check(self, target: Target) -> Iterator[Finding]:
        if isinstance(target.data, dict) and "Id" in target.data:
            yield self.finding(target, "/Id", "Id has no meaning in an identity-based policy",
                               key=True, fix="remove Id")


@register
class InvalidTemplate(ParseErrorRule):
    """What it does
    ------------
    Reports an infrastructure template (CloudFormation, SAM, CDK output) whose IAM or
    Cognito resources cannot be read: a ``Ref`` or ``Fn::GetAtt`` to nothing, a circular
    reference, a ``!Sub`` variable that names no parameter, resource or attribute, a
    malformed intrinsic function, a resource without ``Type`` or without its policy.

    Why is this bad?
    ----------------
    CloudFormation refuses the template, and the policies that depend on the value cannot
    be checked. The other resources of the template are still linted.

    Example
    -------
    ```yaml
    Resources:
      TaskRole:
        Type: AWS::IAM::Role
        Properties:
          RoleName: !Sub "${Service}-task"
          AssumeRolePolicyDocument:
            Statement: [{Effect: Allow, Principal: {Service: ecs-tasks.amazonaws.com},
                         Action: "sts:AssumeRole"}]
    ```

    Use instead
    -----------
    ```yaml
    Parameters:
      Service: {Type: String, Default: billing}
    Resources:
      TaskRole:
        Type: AWS::IAM::Role
        Properties:
          Description: the billing service's tasks
          RoleName: !Sub "${Service}-task"
          AssumeRolePolicyDocument:
            Version: "2012-10-17"
            Statement: [{Effect: Allow, Principal: {Service: ecs-tasks.amazonaws.com},
                         Action: "sts:AssumeRole"}]
    ```
    """

    code = "SYN021"
    name = "invalid-template"
    summary = "A template value cannot be resolved (Ref to nothing, cycle, bad !Sub variable)"
    severity = Severity.error
    kinds = ("template",)
    error_codes = (ErrorCode.template_error, ErrorCode.invalid_template,
                   ErrorCode.invalid_intrinsic, ErrorCode.unknown_reference,
                   ErrorCode.circular_reference, ErrorCode.sub_missing_variable)
    fix_hint = ("declare the parameter or resource the value names, or write ${!...} for a "
                "literal ${...}")


@register
class TemplateValueNotAnalysed(TemplateRule):
    """What it does
    ------------
    Reports a value of an infrastructure template that cannot be known before deployment,
    and so was not analysed: a parameter without ``Default`` (and no ``--param``),
    ``Fn::ImportValue``, a dynamic reference, an attribute with no documented placeholder;
    and what the template only points at: an AWS managed policy, a permissions boundary or
    a SAM policy template whose definition is not available.

    Why is this bad?
    ----------------
    Nothing is known about such a value, so no rule can vouch for it: it is neither
    treated as a wildcard (which would invent findings) nor as harmless (which would hide
    them). Findings that other rules would report on the placeholder are dropped; this one
    says what to supply (``--param NAME=VALUE``) to have it checked.

    Example
    -------
    ```yaml
    Parameters:
      DataBucket:
        Type: String
    Resources:
      ReadPolicy:
        Type: AWS::IAM::ManagedPolicy
        Properties:
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: s3:GetObject, Resource: !Sub "arn:aws:s3:::${DataBucket}/*"}
    ```

    Use instead
    -----------
    ```yaml
    Parameters:
      DataBucket:
        Type: String
        Default: example-data
    Resources:
      ReadPolicy:
        Type: AWS::IAM::ManagedPolicy
        Properties:
          Description: read the data bucket
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: s3:GetObject, Resource: !Sub "arn:aws:s3:::${DataBucket}/*"}
    ```
    """

    code = "SYN022"
    name = "template-value-not-analysed"
    summary = "A template value unknown before deployment (or defined elsewhere) was not analysed"
    severity = Severity.info

    def check_template(self, extraction: Any) -> Iterator[Finding]:
        for pointer, unknown in extraction.unknowns.items():
            yield Finding(self.code, self.name, f"not analysed: {unknown.describe()}",
                          self.severity, extraction.location(pointer),
                          "pass the value with --param NAME=VALUE (or give the parameter "
                          "a Default)")
        for note in extraction.notes:
            if note.not_analysed:
                yield Finding(self.code, self.name, note.message, self.severity,
                              extraction.location(note.pointer))
