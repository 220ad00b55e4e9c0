"""Policy, Statement and Condition models, and the parser that builds them from JSON data.

:func:`parse_policy` checks a decoded document against the IAM grammar (spec semantics.md
§1.1) and normalises it (spec §1.4): ``Statement``/``Action``/``Resource`` become tuples,
condition values become strings (``true`` -> ``"true"``), operators are split by
:mod:`.operators`, and policy variables are parsed (only under ``Version 2012-10-17``).

What the grammar rejects raises :class:`~policy_eval.errors.PolicyError` with a location
(:func:`check_policy` returns all of them, for the linter). Things AWS would reject at
upload time but whose meaning is clear (a ``Principal`` in an identity policy, an invalid
``Sid``) are left to the linter so that the evaluator can still answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

from ..errors import ErrorCode, Location, PolicyError, join_pointer
from .operators import ParsedOperator, parse_operator
from .source import SourceDocument
from .values import condition_value_text
from .variables import VariableSyntaxError, has_variables, parse_template

#: The kinds of IAM policy document (the one list: the engine's slots, the linter's kinds,
#: the linter configuration's ``kinds`` overrides and scenario policy slots read it).
ConcretePolicyKind = Literal["identity", "trust", "resource", "scp", "rcp", "boundary", "session"]
POLICY_KINDS: tuple[ConcretePolicyKind, ...] = get_args(ConcretePolicyKind)
#: A kind to parse a document as; ``any`` checks only what every kind shares.
PolicyKind = ConcretePolicyKind | Literal["any"]

VERSION_2012 = "2012-10-17"
VERSION_2008 = "2008-10-17"
VERSIONS = (VERSION_2012, VERSION_2008)

POLICY_ELEMENTS = ("Version", "Id", "Statement")
STATEMENT_ELEMENTS = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource",
                      "Principal", "NotPrincipal", "Condition")
PRINCIPAL_TYPES = ("AWS", "Federated", "Service", "CanonicalUser")

#: Policy kinds whose statements must name a Resource or NotResource. A resource-based
#: policy may leave it out when it is a role trust policy (the role is the resource,
#: spec §1.1 [I]), so that slot accepts both; the linter checks the detected kind.
_RESOURCE_REQUIRED = ("identity", "boundary", "session", "scp", "rcp")
#: The error code of a statement that names neither form of an element.
_MISSING_CODES = {"Action": ErrorCode.missing_action, "Resource": ErrorCode.missing_resource,
                  "Principal": ErrorCode.missing_principal}
#: Policy kinds whose statements must name a Principal or NotPrincipal.
_PRINCIPAL_REQUIRED = ("resource", "trust")


# The policy models are frozen dataclasses rather than pydantic models: the parser below
# validates the IAM grammar itself (with locations pydantic cannot give), and importing
# and building pydantic models cost ~150 ms of CLI start-up (measured with -X importtime),
# which matters for a pre-commit hook. Input formats with no grammar of their own
# (scenarios, pool files, config) use pydantic.


@dataclass(frozen=True, slots=True)
class ConditionClause:
    """One ``operator: {key: values}`` entry of a Condition block."""

    operator: str                 # as written
    key: str                      # as written
    values: tuple[str, ...]       # stringified policy values
    pointer: str                  # JSON pointer of the key's value

    @property
    def parsed_operator(self) -> ParsedOperator:
        op = parse_operator(self.operator)
        assert op is not None, "parse_policy only builds clauses with known operators"
        return op

    @property
    def folded_key(self) -> str:
        return self.key.lower()


@dataclass(frozen=True, slots=True)
class PrincipalSpec:
    """A ``Principal``/``NotPrincipal`` element: ``"*"`` or typed entries."""

    wildcard: bool = False
    entries: tuple[tuple[str, str], ...] = ()   # (type, value), e.g. ("AWS", "arn:...")

    def values_of(self, principal_type: str) -> tuple[str, ...]:
        return tuple(v for t, v in self.entries if t == principal_type)


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement, normalised."""

    index: int
    pointer: str
    effect: Literal["Allow", "Deny"]
    sid: str | None = None
    actions: tuple[str, ...] | None = None
    not_actions: tuple[str, ...] | None = None
    resources: tuple[str, ...] | None = None
    not_resources: tuple[str, ...] | None = None
    principal: PrincipalSpec | None = None
    not_principal: PrincipalSpec | None = None
    conditions: tuple[ConditionClause, ...] = ()

    @property
    def label(self) -> str:
        return f"statement {self.index}" + (f" ({self.sid})" if self.sid else "")


@dataclass(frozen=True, slots=True)
class Policy:
    """A parsed policy document."""

    version: str | None = None
    id: str | None = None
    statements: tuple[Statement, ...] = ()
    kind: PolicyKind = "any"
    name: str | None = None          # a label: file path, policy name or slot[index]
    path: str | None = None          # file the policy came from
    pointer: str = ""                # where the document sits inside that file

    @property
    def variables_enabled(self) -> bool:
        """Policy variables are substituted only under 2012-10-17 (spec §1.2)."""
        return self.version == VERSION_2012

    def to_json(self) -> dict[str, Any]:
        """The policy as canonical IAM JSON (lists everywhere; parses back to an equal
        policy up to statement pointers)."""
        doc: dict[str, Any] = {}
        if self.version is not None:
            doc["Version"] = self.version
        if self.id is not None:
            doc["Id"] = self.id
        doc["Statement"] = [statement_to_json(s) for s in self.statements]
        return doc


def _principal_to_json(spec: PrincipalSpec) -> Any:
    if spec.wildcard:
        return "*"
    out: dict[str, list[str]] = {}
    for ptype, value in spec.entries:
        out.setdefault(ptype, []).append(value)
    return out


def statement_to_json(s: Statement) -> dict[str, Any]:
    """One statement as canonical IAM JSON."""
    out: dict[str, Any] = {}
    if s.sid is not None:
        out["Sid"] = s.sid
    out["Effect"] = s.effect
    for name, value in (("Action", s.actions), ("NotAction", s.not_actions),
                        ("Resource", s.resources), ("NotResource", s.not_resources)):
        if value is not None:
            out[name] = list(value)
    if s.principal is not None:
        out["Principal"] = _principal_to_json(s.principal)
    if s.not_principal is not None:
        out["NotPrincipal"] = _principal_to_json(s.not_principal)
    if s.conditions:
        cond: dict[str, dict[str, list[str]]] = {}
        for clause in s.conditions:
            cond.setdefault(clause.operator, {})[clause.key] = list(clause.values)
        out["Condition"] = cond
    return out


class _Checker:
    """Walks one document, collecting errors with their locations."""

    def __init__(self, source: SourceDocument | None, path: str | None) -> None:
        self.source = source
        self.path = path if path is not None else (source.path if source else None)
        self.errors: list[PolicyError] = []

    def error(self, message: str, pointer: str, code: str, *, key: bool = False,
              column_offset: int | None = None) -> None:
        if self.source is not None:
            loc = self.source.location(pointer, key=key)
            if column_offset is not None and loc.column is not None:
                loc = Location(loc.path, loc.line, loc.column + 1 + column_offset, loc.pointer,
                               loc.end_line, loc.end_column)
        else:
            loc = Location(self.path, None, None, pointer)
        self.errors.append(PolicyError(message, loc, code))


_TYPE_NAMES = {str: "a string", int: "a number", float: "a number", bool: "a boolean",
               list: "an array", dict: "an object", type(None): "null"}


def _type_name(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _string_list(chk: _Checker, value: Any, pointer: str, element: str) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                chk.error(f"{element} entries must be strings, found {_type_name(item)}",
                          join_pointer(pointer, i), ErrorCode.invalid_type)
                return None
            out.append(item)
        return tuple(out)
    chk.error(f"{element} must be a string or an array of strings, found {_type_name(value)}",
              pointer, ErrorCode.invalid_type)
    return None


def _check_variables(chk: _Checker, values: tuple[str, ...], pointer: str, single: bool) -> None:
    for i, text in enumerate(values):
        if not has_variables(text):
            continue
        try:
            parse_template(text)
        except VariableSyntaxError as exc:
            where = pointer if single else join_pointer(pointer, i)
            chk.error(f"{exc.message} in {text!r}", where, ErrorCode.variable_syntax,
                      column_offset=exc.column - 1)


def _principal(chk: _Checker, value: Any, pointer: str, element: str) -> PrincipalSpec | None:
    if value == "*":
        return PrincipalSpec(wildcard=True)
    if isinstance(value, str):
        chk.error(f'{element} must be "*" or an object such as {{"AWS": "{value}"}}',
                  pointer, ErrorCode.invalid_principal)
        return None
    if not isinstance(value, dict):
        chk.error(f"{element} must be \"*\" or an object, found {_type_name(value)}", pointer,
                  ErrorCode.invalid_type)
        return None
    entries: list[tuple[str, str]] = []
    for ptype, pvalue in value.items():
        ppointer = join_pointer(pointer, ptype)
        if ptype not in PRINCIPAL_TYPES:
            chk.error(f"unknown principal type {ptype!r} in {element} (expected one of "
                      f"{', '.join(PRINCIPAL_TYPES)})", ppointer, ErrorCode.invalid_principal,
                      key=True)
            continue
        items = _string_list(chk, pvalue, ppointer, f"{element}.{ptype}")
        if items is not None:
            entries.extend((ptype, item) for item in items)
    return PrincipalSpec(entries=tuple(entries))


def _condition_value(chk: _Checker, value: Any, pointer: str) -> str | None:
    if isinstance(value, (str, int, float)):
        return condition_value_text(value)
    chk.error(f"condition values must be strings, numbers or booleans, found {_type_name(value)}",
              pointer, ErrorCode.invalid_type)
    return None


def _conditions(chk: _Checker, value: Any, pointer: str,
                variables: bool) -> tuple[ConditionClause, ...]:
    if not isinstance(value, dict):
        chk.error(f"Condition must be an object, found {_type_name(value)}", pointer,
                  ErrorCode.invalid_type)
        return ()
    clauses: list[ConditionClause] = []
    for op_name, block in value.items():
        op_pointer = join_pointer(pointer, op_name)
        op = parse_operator(op_name)
        if op is None:
            chk.error(f"unknown condition operator {op_name!r}", op_pointer,
                      ErrorCode.unknown_operator, key=True)
            continue
        if not isinstance(block, dict):
            chk.error(f"the block of {op_name} must be an object of condition keys, found "
                      f"{_type_name(block)}", op_pointer, ErrorCode.invalid_type)
            continue
        for key, raw in block.items():
            key_pointer = join_pointer(op_pointer, key)
            raw_items = raw if isinstance(raw, list) else [raw]
            items = []
            for i, item in enumerate(raw_items):
                item_pointer = (join_pointer(key_pointer, i) if isinstance(raw, list)
                                else key_pointer)
                text = _condition_value(chk, item, item_pointer)
                if text is not None:
                    items.append(text)
            values = tuple(items)
            if variables and op.base.variables:
                _check_variables(chk, values, key_pointer, not isinstance(raw, list))
            clauses.append(ConditionClause(operator=op_name, key=key, values=values,
                                           pointer=key_pointer))
    return tuple(clauses)


def _statement(chk: _Checker, data: Any, index: int, pointer: str, kind: PolicyKind,
               variables: bool) -> Statement | None:
    if not isinstance(data, dict):
        chk.error(f"a statement must be an object, found {_type_name(data)}", pointer,
                  ErrorCode.invalid_type)
        return None
    before = len(chk.errors)
    for key in data:
        if key not in STATEMENT_ELEMENTS:
            hint = next((e for e in STATEMENT_ELEMENTS if e.lower() == key.lower().rstrip("s")
                         or e.lower() == key.lower()), None)
            chk.error(f"unknown statement element {key!r}"
                      + (f" (did you mean {hint!r}?)" if hint else
                         f" (expected one of {', '.join(STATEMENT_ELEMENTS)})"),
                      join_pointer(pointer, key), ErrorCode.unknown_element, key=True)

    def get(name: str) -> tuple[Any, str]:
        return data.get(name), join_pointer(pointer, name)

    sid, sid_pointer = get("Sid")
    if sid is not None and not isinstance(sid, str):
        chk.error(f"Sid must be a string, found {_type_name(sid)}", sid_pointer,
                  ErrorCode.invalid_type)
    effect, effect_pointer = get("Effect")
    if effect is None:
        chk.error("statement has no Effect (expected \"Allow\" or \"Deny\")", pointer,
                  ErrorCode.missing_effect)
    elif effect not in ("Allow", "Deny"):
        shown = repr(effect) if isinstance(effect, str) else f"{_type_name(effect)} {effect!r}"
        chk.error(f"Effect must be exactly \"Allow\" or \"Deny\" (case-sensitive), found {shown}",
                  effect_pointer, ErrorCode.invalid_effect)

    def pair(a: str, b: str, required: bool) -> tuple[tuple[str, ...] | None, ...]:
        va, pa = get(a)
        vb, pb = get(b)
        if a in data and b in data:
            chk.error(f"a statement cannot have both {a} and {b}", pb,
                      ErrorCode.element_combination, key=True)
            return None, None
        if a not in data and b not in data:
            if required:
                chk.error(f"statement has neither {a} nor {b}", pointer, _MISSING_CODES[a])
            return None, None
        return (_string_list(chk, va, pa, a) if a in data else None,
                _string_list(chk, vb, pb, b) if b in data else None)

    actions, not_actions = pair("Action", "NotAction", True)
    resources, not_resources = pair("Resource", "NotResource", kind in _RESOURCE_REQUIRED)
    if variables:
        for values, name in ((resources, "Resource"), (not_resources, "NotResource")):
            if values is not None:
                _check_variables(chk, values, join_pointer(pointer, name),
                                 isinstance(data.get(name), str))
    principal = not_principal = None
    if "Principal" in data and "NotPrincipal" in data:
        chk.error("a statement cannot have both Principal and NotPrincipal",
                  join_pointer(pointer, "NotPrincipal"), ErrorCode.element_combination, key=True)
    elif "Principal" in data:
        principal = _principal(chk, data["Principal"], join_pointer(pointer, "Principal"),
                               "Principal")
    elif "NotPrincipal" in data:
        not_principal = _principal(chk, data["NotPrincipal"],
                                   join_pointer(pointer, "NotPrincipal"), "NotPrincipal")
    elif kind in _PRINCIPAL_REQUIRED:
        chk.error(f"a {kind} policy statement needs a Principal or NotPrincipal", pointer,
                  ErrorCode.missing_principal)
    conditions: tuple[ConditionClause, ...] = ()
    if "Condition" in data:
        conditions = _conditions(chk, data["Condition"], join_pointer(pointer, "Condition"),
                                 variables)
    if len(chk.errors) > before:
        return None
    return Statement(index=index, pointer=pointer, sid=sid, effect=effect, actions=actions,
                     not_actions=not_actions, resources=resources, not_resources=not_resources,
                     principal=principal, not_principal=not_principal, conditions=conditions)


def check_policy(data: Any, *, kind: PolicyKind = "any", source: SourceDocument | None = None,
                 pointer: str = "", name: str | None = None,
                 path: str | None = None) -> tuple[Policy | None, list[PolicyError]]:
    """Parse ``data`` as a policy of ``kind``; returns the policy (``None`` if any error)
    and every grammar error found, each with its location."""
    chk = _Checker(source, path)
    if not isinstance(data, dict):
        chk.error(f"a policy document must be a JSON object, found {_type_name(data)}", pointer,
                  ErrorCode.invalid_type)
        return None, chk.errors
    for key in data:
        if key not in POLICY_ELEMENTS:
            chk.error(f"unknown policy element {key!r} (expected Version, Id, Statement)",
                      join_pointer(pointer, key), ErrorCode.unknown_element, key=True)
    version = data.get("Version")
    if version is not None and version not in VERSIONS:
        chk.error(f"Version must be \"2012-10-17\" or \"2008-10-17\", found {version!r}",
                  join_pointer(pointer, "Version"), ErrorCode.invalid_version)
    pid = data.get("Id")
    if pid is not None and not isinstance(pid, str):
        chk.error(f"Id must be a string, found {_type_name(pid)}", join_pointer(pointer, "Id"),
                  ErrorCode.invalid_type)
    variables = version == VERSION_2012
    statements: list[Statement] = []
    if "Statement" not in data:
        chk.error("policy has no Statement", pointer, ErrorCode.missing_statement)
    else:
        raw = data["Statement"]
        spointer = join_pointer(pointer, "Statement")
        if isinstance(raw, dict):
            items: list[tuple[Any, str]] = [(raw, spointer)]
        elif isinstance(raw, list):
            items = [(s, join_pointer(spointer, i)) for i, s in enumerate(raw)]
        else:
            chk.error(f"Statement must be an object or an array of objects, found "
                      f"{_type_name(raw)}", spointer, ErrorCode.invalid_type)
            items = []
        for index, (item, item_pointer) in enumerate(items):
            st = _statement(chk, item, index, item_pointer, kind, variables)
            if st is not None:
                statements.append(st)
    if chk.errors:
        return None, chk.errors
    where = path if path is not None else (source.path if source else None)
    policy = Policy(version=version, id=pid, statements=tuple(statements), kind=kind,
                    name=name or where, path=where, pointer=pointer)
    return policy, []


def parse_policy(data: Any, *, kind: PolicyKind = "any", source: SourceDocument | None = None,
                 pointer: str = "", name: str | None = None,
                 path: str | None = None) -> Policy:
    """Parse ``data`` as a policy of ``kind``; raises the first :class:`PolicyError`."""
    policy, errors = check_policy(data, kind=kind, source=source, pointer=pointer, name=name,
                                  path=path)
    if errors:
        raise errors[0]
    assert policy is not None
    return policy

