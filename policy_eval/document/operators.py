"""The condition-operator table: the one source of truth for operator names and traits.

Both the evaluator (``engine/conditions.py``) and the linter read this table (DESIGN.md:
one source of truth per fact). Spec semantics.md §4.2 lists the operators; §4.3 the
missing-key rules that ``negated`` drives; §3.2 where variables are substituted.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class OperatorInfo:
    """One base condition operator (without ``IfExists`` or a set qualifier)."""

    name: str            # canonical spelling, e.g. "StringNotLike"
    family: str          # String | Numeric | Date | Bool | Binary | IpAddress | Arn | Null
    comparison: str      # equals | like | lt | lte | gt | gte | in_range | null
    negated: bool        # a "Not" operator: NOR over policy values, true when key absent
    ignore_case: bool = False
    wildcards: bool = False   # '*' and '?' in policy values are wildcards
    variables: bool = False   # '${...}' in policy values is substituted (spec §3.2)
    value_type: str = "String"  # the key type the operator is meant for (for the linter)


def _ops() -> list[OperatorInfo]:
    ops = [
        OperatorInfo("StringEquals", "String", "equals", False, variables=True),
        OperatorInfo("StringNotEquals", "String", "equals", True, variables=True),
        OperatorInfo("StringEqualsIgnoreCase", "String", "equals", False, True, variables=True),
        OperatorInfo("StringNotEqualsIgnoreCase", "String", "equals", True, True, variables=True),
        OperatorInfo("StringLike", "String", "like", False, wildcards=True, variables=True),
        OperatorInfo("StringNotLike", "String", "like", True, wildcards=True, variables=True),
        OperatorInfo("NumericEquals", "Numeric", "equals", False, value_type="Numeric"),
        OperatorInfo("NumericNotEquals", "Numeric", "equals", True, value_type="Numeric"),
        OperatorInfo("NumericLessThan", "Numeric", "lt", False, value_type="Numeric"),
        OperatorInfo("NumericLessThanEquals", "Numeric", "lte", False, value_type="Numeric"),
        OperatorInfo("NumericGreaterThan", "Numeric", "gt", False, value_type="Numeric"),
        OperatorInfo("NumericGreaterThanEquals", "Numeric", "gte", False, value_type="Numeric"),
        OperatorInfo("DateEquals", "Date", "equals", False, value_type="Date"),
        OperatorInfo("DateNotEquals", "Date", "equals", True, value_type="Date"),
        OperatorInfo("DateLessThan", "Date", "lt", False, value_type="Date"),
        OperatorInfo("DateLessThanEquals", "Date", "lte", False, value_type="Date"),
        OperatorInfo("DateGreaterThan", "Date", "gt", False, value_type="Date"),
        OperatorInfo("DateGreaterThanEquals", "Date", "gte", False, value_type="Date"),
        # Bool: variables allowed — spec §3.2 [C]: the operators page says yes, the
        # variables page says no; we evaluate them (and the linter says so at info level).
        OperatorInfo("Bool", "Bool", "equals", False, variables=True, value_type="Bool"),
        OperatorInfo("BinaryEquals", "Binary", "equals", False, value_type="Binary"),
        OperatorInfo("IpAddress", "IpAddress", "in_range", False, value_type="IPAddress"),
        OperatorInfo("NotIpAddress", "IpAddress", "in_range", True, value_type="IPAddress"),
        OperatorInfo("ArnEquals", "Arn", "like", False, wildcards=True, variables=True,
                     value_type="ARN"),
        OperatorInfo("ArnLike", "Arn", "like", False, wildcards=True, variables=True,
                     value_type="ARN"),
        OperatorInfo("ArnNotEquals", "Arn", "like", True, wildcards=True, variables=True,
                     value_type="ARN"),
        OperatorInfo("ArnNotLike", "Arn", "like", True, wildcards=True, variables=True,
                     value_type="ARN"),
        OperatorInfo("Null", "Null", "null", False, value_type="Bool"),
    ]
    return ops


#: Base operators by folded name.
OPERATORS: dict[str, OperatorInfo] = {op.name.lower(): op for op in _ops()}

SET_QUALIFIERS = ("ForAllValues", "ForAnyValue")


@dataclass(frozen=True, slots=True)
class ParsedOperator:
    """An operator as written in a policy, split into qualifier, base and ``IfExists``."""

    raw: str
    base: OperatorInfo
    set_qualifier: str | None   # "ForAllValues" | "ForAnyValue" | None
    if_exists: bool

    @property
    def canonical(self) -> str:
        """The operator in AWS's spelling."""
        name = self.base.name + ("IfExists" if self.if_exists else "")
        return f"{self.set_qualifier}:{name}" if self.set_qualifier else name


@lru_cache(maxsize=1024)
def parse_operator(raw: str) -> ParsedOperator | None:
    """Split ``raw`` into its parts; ``None`` for an operator AWS does not know.

    Names are matched case-insensitively (spec §1.3 [I]: undocumented; the linter reports
    non-canonical spelling). ``Null`` takes neither ``IfExists`` nor a set qualifier.
    """
    name = raw.strip()
    qualifier = None
    if ":" in name:
        prefix, _, rest = name.partition(":")
        matches = [q for q in SET_QUALIFIERS if q.lower() == prefix.lower()]
        if not matches:
            return None
        qualifier, name = matches[0], rest
    if_exists = False
    base = OPERATORS.get(name.lower())
    if base is None and name.lower().endswith("ifexists"):
        base = OPERATORS.get(name.lower()[: -len("ifexists")])
        if_exists = True
    if base is None:
        return None
    if base.family == "Null" and (if_exists or qualifier):
        return None
    return ParsedOperator(raw, base, qualifier, if_exists)
