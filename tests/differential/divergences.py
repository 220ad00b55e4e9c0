"""Named categories of known policy-eval / iam-simulate divergences, and the classifier.

Each category is documented in ``DIVERGENCES.md`` (same folder) with the spec section that
says which answer AWS gives. A category has

* ``applies(case)``: does the case contain the construct, given *this* request's context?
* ``fix(case)``: a copy of the case where every such construct is rewritten into a form with
  the **same meaning under the spec** that iam-simulate reads the same way (for example an
  unresolvable ``${...}`` under a negated operator becomes a literal that matches nothing,
  which is what spec section 3.3 says the unresolved value is).

A diverging case is explained by a category when, after that category's fix, (a) policy-eval
still gives its original answer (so the fix really kept the spec meaning and policy-eval
implements it) and (b) iam-simulate now gives that answer too (so the construct alone caused
the difference). Single categories are tried first; then all applicable fixes together.
Anything else is *unexplained*, and the differential test fails on it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

Case = dict[str, Any]

VAR_RE = re.compile(r"\$\{([^}]*)\}")
ESCAPES = {"*", "?", "$"}
UNMATCHABLE = "#unresolved-variable-matches-nothing#"
UNMATCHABLE_ARN = "arn:aws:s3:::#never-matches#"
NEGATED_BASE = {
    "stringnotequals",
    "stringnotequalsignorecase",
    "stringnotlike",
    "arnnotequals",
    "arnnotlike",
}
NON_LIKE_STRING = {
    "stringequals",
    "stringnotequals",
    "stringequalsignorecase",
    "stringnotequalsignorecase",
}
DATE_OPS = {
    "dateequals",
    "datenotequals",
    "datelessthan",
    "datelessthanequals",
    "dategreaterthan",
    "dategreaterthanequals",
}
CANONICAL_DEFAULT_RE = re.compile(r"^([^,]+), '([^']*)'$")
LENIENT_DEFAULT_RE = re.compile(r"^\s*([^,]+?)\s*,\s*'([^']*)'\s*$")


# ---- reading a case -------------------------------------------------------------------


def _statements(doc: dict[str, Any]) -> list[dict[str, Any]]:
    st = doc.get("Statement", [])
    return st if isinstance(st, list) else [st]


def _docs(case: Case) -> list[dict[str, Any]]:
    return [*case["identity"], *([case["boundary"]] if case.get("boundary") else [])]


def _ctx(case: Case) -> dict[str, Any]:
    return {k.lower(): v for k, v in case["request"]["context"].items()}


def _as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]


def base_operator(op: str) -> tuple[str, str, bool]:
    """``ForAnyValue:StringEqualsIfExists`` -> (``foranyvalue``, ``stringequals``, True)."""
    low = op.lower()
    prefix = ""
    if ":" in low:
        prefix, low = low.split(":", 1)
    if_exists = low.endswith("ifexists")
    if if_exists:
        low = low[: -len("ifexists")]
    return prefix, low, if_exists


@dataclass(frozen=True)
class Var:
    """One ``${...}`` occurrence."""

    text: str  # the whole ``${...}``
    key: str | None  # None for the escapes ${*} ${?} ${$}
    default: str | None
    canonical: bool  # default written exactly as ``key, 'x'`` (the documented form)


def parse_vars(s: str) -> list[Var]:
    out = []
    for m in VAR_RE.finditer(s):
        inner = m.group(1)
        if inner in ESCAPES:
            out.append(Var(m.group(0), None, None, True))
            continue
        canon = CANONICAL_DEFAULT_RE.match(inner)
        lenient = LENIENT_DEFAULT_RE.match(inner)
        if canon:
            out.append(Var(m.group(0), canon.group(1), canon.group(2), True))
        elif lenient:
            out.append(Var(m.group(0), lenient.group(1), lenient.group(2), False))
        else:
            out.append(Var(m.group(0), inner.strip(), None, True))
    return out


def resolve(var: Var, ctx: dict[str, Any]) -> str | None:
    """The spec value of a variable (section 3.3): None when it cannot be resolved."""
    assert var.key is not None
    v = ctx.get(var.key.lower())
    if isinstance(v, str):
        return v
    return var.default  # absent or multi-valued -> default, else unresolved


def _variables_enabled(doc: dict[str, Any]) -> bool:
    return doc.get("Version") == "2012-10-17"


# ---- visiting the strings a fix may rewrite ------------------------------------------


def _map_resources(case: Case, fn: Callable[[dict[str, Any], str, str], str]) -> Case:
    """Copy of ``case`` with fn(doc, element, pattern) applied to every (Not)Resource entry."""
    out = copy.deepcopy(case)
    for doc in _docs(out):
        for st in _statements(doc):
            for element in ("Resource", "NotResource"):
                if element in st:
                    val = st[element]
                    new = [fn(doc, element, p) for p in _as_list(val)]
                    st[element] = new if isinstance(val, list) else new[0]
    return out


def _map_condition_values(case: Case, fn: Callable[[dict[str, Any], str, str, Any], Any]) -> Case:
    """Copy of ``case`` with fn(doc, operator, key, value) applied to every condition value."""
    out = copy.deepcopy(case)
    for doc in _docs(out):
        for st in _statements(doc):
            for op, body in st.get("Condition", {}).items():
                for key, val in body.items():
                    new = [fn(doc, op, key, v) for v in _as_list(val)]
                    body[key] = new if isinstance(val, list) else new[0]
    return out


def _resources(case: Case) -> Iterator[tuple[dict[str, Any], str, str]]:
    for doc in _docs(case):
        for st in _statements(doc):
            for element in ("Resource", "NotResource"):
                for p in _as_list(st.get(element, [])):
                    yield doc, element, p


def _condition_values(case: Case) -> Iterator[tuple[dict[str, Any], str, str, Any]]:
    for doc in _docs(case):
        for st in _statements(doc):
            for op, body in st.get("Condition", {}).items():
                for key, val in body.items():
                    for v in _as_list(val):
                        yield doc, op, key, v


def _all_variable_strings(case: Case) -> Iterator[tuple[dict[str, Any], str]]:
    for doc, _el, p in _resources(case):
        yield doc, p
    for doc, op, _k, v in _condition_values(case):
        if isinstance(v, str) and not base_operator(op)[1].startswith(
            ("numeric", "date", "ipaddress", "notipaddress", "binary", "null")
        ):
            yield doc, v


# ---- the categories -------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    name: str
    spec: str
    applies: Callable[[Case], bool]
    fix: Callable[[Case], Case]


def _unresolved_vars(s: str, ctx: dict[str, Any]) -> bool:
    return any(v.key is not None and resolve(v, ctx) is None for v in parse_vars(s))


# 1. negated operator, unresolvable variable in a value


def _neg_unresolved_applies(case: Case) -> bool:
    ctx = _ctx(case)
    return any(
        _variables_enabled(doc)
        and base_operator(op)[1] in NEGATED_BASE
        and isinstance(v, str)
        and _unresolved_vars(v, ctx)
        for doc, op, _k, v in _condition_values(case)
    )


def _neg_unresolved_fix(case: Case) -> Case:
    ctx = _ctx(case)

    def fn(doc: dict[str, Any], op: str, _key: str, v: Any) -> Any:
        if (
            _variables_enabled(doc)
            and base_operator(op)[1] in NEGATED_BASE
            and isinstance(v, str)
            and _unresolved_vars(v, ctx)
        ):
            return UNMATCHABLE  # spec 3.3: the value can equal nothing
        return v

    return _map_condition_values(case, fn)


# 2. NotResource entry with an unresolvable variable


def _notres_unresolved_applies(case: Case) -> bool:
    ctx = _ctx(case)
    return any(
        _variables_enabled(doc) and el == "NotResource" and _unresolved_vars(p, ctx)
        for doc, el, p in _resources(case)
    )


def _notres_unresolved_fix(case: Case) -> Case:
    ctx = _ctx(case)

    def fn(doc: dict[str, Any], el: str, p: str) -> str:
        if _variables_enabled(doc) and el == "NotResource" and _unresolved_vars(p, ctx):
            return UNMATCHABLE_ARN  # spec 3.3: the entry matches (so excludes) nothing
        return p

    return _map_resources(case, fn)


# 3. variable whose value is the empty string


def _empty_vars(s: str, ctx: dict[str, Any]) -> list[Var]:
    return [v for v in parse_vars(s) if v.key is not None and ctx.get(v.key.lower()) == ""]


def _empty_applies(case: Case) -> bool:
    ctx = _ctx(case)
    return any(
        _variables_enabled(doc) and _empty_vars(s, ctx) for doc, s in _all_variable_strings(case)
    )


def _substitute_empty(doc: dict[str, Any], s: str, ctx: dict[str, Any]) -> str:
    if not _variables_enabled(doc):
        return s
    for v in _empty_vars(s, ctx):
        s = s.replace(v.text, "")  # spec 4.3: "" is a present value; substitute it
    return s


def _empty_fix(case: Case) -> Case:
    ctx = _ctx(case)
    case = _map_resources(case, lambda doc, _el, p: _substitute_empty(doc, p, ctx))
    return _map_condition_values(
        case,
        lambda doc, op, _k, v: (
            _substitute_empty(doc, v, ctx)
            if isinstance(v, str) and (base_operator(op)[1].startswith(("string", "arn")))
            else v
        ),
    )


# 4. ForAnyValue:...IfExists on an absent key (or an empty set, which counts as absent:
#    spec 4.3/4.4 and policy_eval/engine/conditions.py `_is_null`)


def _empty_or_absent(key: str, ctx: dict[str, Any]) -> bool:
    value = ctx.get(key.lower())
    return key.lower() not in ctx or (isinstance(value, list) and all(v == "" for v in value))


def _fav_ifexists_applies(case: Case) -> bool:
    ctx = _ctx(case)
    for doc in _docs(case):
        for st in _statements(doc):
            for op, body in st.get("Condition", {}).items():
                prefix, _b, if_exists = base_operator(op)
                if (
                    prefix == "foranyvalue"
                    and if_exists
                    and any(_empty_or_absent(k, ctx) for k in body)
                ):
                    return True
    return False


def _fav_ifexists_fix(case: Case) -> Case:
    out = copy.deepcopy(case)
    ctx = _ctx(case)
    for doc in _docs(out):
        for st in _statements(doc):
            cond = st.get("Condition", {})
            for op in list(cond):
                prefix, _b, if_exists = base_operator(op)
                if prefix == "foranyvalue" and if_exists:
                    for k in [k for k in cond[op] if _empty_or_absent(k, ctx)]:
                        del cond[op][k]  # spec 4.4 [I]: IfExists first, absent key -> true
                    if not cond[op]:
                        del cond[op]
            if "Condition" in st and not st["Condition"]:
                del st["Condition"]
    return out


# 5. a `*` in a Resource pattern that must span ARN colons


def _short_arn(p: str) -> bool:
    return p.startswith("arn:") and p.count(":") < 5


def _span_applies(case: Case) -> bool:
    return any(_short_arn(p) for _d, _el, p in _resources(case))


def _pad_arn(p: str) -> str:
    if not _short_arn(p):
        return p
    parts = p.split(":")
    if "*" not in parts[2:]:
        return p
    i = parts.index("*", 2)
    while len(parts) < 6:
        parts.insert(i, "*")  # spec 2.2 [I]: glob over the whole ARN, `*` crosses colons
    return ":".join(parts)


def _span_fix(case: Case) -> Case:
    return _map_resources(case, lambda _d, _el, p: _pad_arn(p))


# 6. upper case in the partition/service/region/account segments of a Resource pattern


def _segment_case(p: str) -> bool:
    if not p.startswith(("arn:", "ARN:", "Arn:")):
        return False
    parts = p.split(":", 5)
    head = ":".join(parts[:-1])  # everything before the resource part
    return head != head.lower()


def _case_applies(case: Case) -> bool:
    return any(_segment_case(p) for _d, _el, p in _resources(case))


def _case_fix(case: Case) -> Case:
    # spec 1.3/2.2: ARNs compare case-sensitively; every generated request ARN has lower-case
    # leading segments, so such a pattern matches no request at all.
    return _map_resources(case, lambda _d, _el, p: UNMATCHABLE_ARN if _segment_case(p) else p)


# 7. ${*} ${?} ${$} inside a non-wildcard string operator


def _escape_in(op: str, v: Any) -> bool:
    return (
        isinstance(v, str)
        and base_operator(op)[1] in NON_LIKE_STRING
        and any(x.key is None for x in parse_vars(v))
    )


def _escape_applies(case: Case) -> bool:
    return any(
        _variables_enabled(doc) and _escape_in(op, v) for doc, op, _k, v in _condition_values(case)
    )


def _escape_fix(case: Case) -> Case:
    def fn(doc: dict[str, Any], op: str, _k: str, v: Any) -> Any:
        if _variables_enabled(doc) and _escape_in(op, v):
            for ch in ESCAPES:
                v = v.replace("${" + ch + "}", ch)  # spec 3.1: the literal character
        return v

    return _map_condition_values(case, fn)


# 8. default value written without the documented ", " separator


def _noncanonical(s: str) -> bool:
    return any(
        v.key is not None and v.default is not None and not v.canonical for v in parse_vars(s)
    )


def _default_applies(case: Case) -> bool:
    return any(_variables_enabled(d) and _noncanonical(s) for d, s in _all_variable_strings(case))


def _canonicalise(s: str) -> str:
    for v in parse_vars(s):
        if v.key is not None and v.default is not None and not v.canonical:
            s = s.replace(v.text, "${" + v.key + ", '" + v.default + "'}")
    return s


def _default_fix(case: Case) -> Case:
    case = _map_resources(case, lambda _d, _el, p: _canonicalise(p))
    return _map_condition_values(
        case, lambda _d, _op, _k, v: _canonicalise(v) if isinstance(v, str) else v
    )


# 9. Date operator comparing epoch seconds with an ISO 8601 date


def _is_epoch(v: Any) -> bool:
    return isinstance(v, int | str) and str(v).isdigit()


def _date_mixed_applies(case: Case) -> bool:
    ctx = _ctx(case)
    for _doc, op, key, v in _condition_values(case):
        if base_operator(op)[1] in DATE_OPS:
            req = ctx.get(key.lower())
            if isinstance(req, str) and _is_epoch(req) != _is_epoch(v):
                return True
    return False


def _date_mixed_fix(case: Case) -> Case:
    def fn(_d: dict[str, Any], op: str, _k: str, v: Any) -> Any:
        if base_operator(op)[1] in DATE_OPS and _is_epoch(v):
            # spec 4.5: epoch seconds and ISO 8601 denote the same instant
            return datetime.fromtimestamp(int(v), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return v

    return _map_condition_values(case, fn)


# 10. `${...}` in a policy without Version 2012-10-17 (literal text)


def _version_applies(case: Case) -> bool:
    return any(
        not _variables_enabled(doc) and "${" in p
        for doc in _docs(case)
        for _d2, _el, p in _resources({"identity": [doc], "boundary": None})
    )


def _version_fix(case: Case) -> Case:
    out = copy.deepcopy(case)
    for doc in _docs(out):
        if _variables_enabled(doc):
            continue
        doc["Version"] = "2012-10-17"
        for st in _statements(doc):
            for el in ("Resource", "NotResource"):
                if el in st:
                    # spec 1.2: the text is literal; ${$} is the escape for a literal '$'
                    val = st[el]
                    new = [p.replace("${", "${$}{") for p in _as_list(val)]
                    st[el] = new if isinstance(val, list) else new[0]
    return out


# 11. Null / IfExists on a multivalued key sent as an empty list


def _tests_existence(op: str) -> bool:
    """Operators whose answer depends on whether the key exists: Null, ...IfExists, and
    plain (non-set) operators (absent -> negated true / positive false)."""
    prefix, base, if_exists = base_operator(op)
    return base == "null" or if_exists or not prefix


def _null_empty_keys(case: Case) -> set[str]:
    ctx = _ctx(case)
    return {
        key.lower()
        for _doc, op, key, _v in _condition_values(case)
        if _tests_existence(op) and ctx.get(key.lower()) == []
    }


def _null_empty_applies(case: Case) -> bool:
    return bool(_null_empty_keys(case))


def _null_empty_fix(case: Case) -> Case:
    keys = _null_empty_keys(case)
    out = copy.deepcopy(case)
    n = 0
    for doc in _docs(out):
        for st in _statements(doc):
            for op, body in st.get("Condition", {}).items():
                if not _tests_existence(op):
                    continue
                for k in [k for k in body if k.lower() in keys]:
                    # spec 4.3/4.4: an empty multivalued value behaves as null, i.e. like a key
                    # that is absent. Test a key that is really absent instead; the request's
                    # [] stays as it is for every other condition.
                    n += 1
                    body[f"differential:absent-key-{n}"] = body.pop(k)
    return out


CATEGORIES: list[Category] = [
    Category(
        "negated-operator-unresolved-variable", "3.3", _neg_unresolved_applies, _neg_unresolved_fix
    ),
    Category(
        "notresource-unresolved-variable", "3.3", _notres_unresolved_applies, _notres_unresolved_fix
    ),
    Category("empty-string-variable-value", "4.3, 3.3", _empty_applies, _empty_fix),
    Category("foranyvalue-ifexists-absent-key", "4.4", _fav_ifexists_applies, _fav_ifexists_fix),
    Category("wildcard-spans-arn-colon", "2.2", _span_applies, _span_fix),
    Category("arn-leading-segment-case", "1.3, 2.2", _case_applies, _case_fix),
    Category("escape-in-non-wildcard-string-operator", "3.1", _escape_applies, _escape_fix),
    Category("default-value-without-space", "3.1", _default_applies, _default_fix),
    Category("date-epoch-vs-iso", "4.5", _date_mixed_applies, _date_mixed_fix),
    Category("variable-without-version-2012", "1.2", _version_applies, _version_fix),
    Category("null-on-empty-multivalued-key", "4.3, 4.4", _null_empty_applies, _null_empty_fix),
]
CATEGORY_NAMES = [c.name for c in CATEGORIES]

Decide = Callable[[list[Case]], list[str]]
PeerRunner = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


@dataclass
class Verdict:
    case: Case
    ours: str
    peer: str
    category: str | None  # None: unexplained
    tried: list[str]


def classify(diverging: list[tuple[Case, str, str]], ours: Decide, peer: Decide) -> list[Verdict]:
    """Explain each (case, our decision, peer decision) by a category, or leave it None.

    ``ours``/``peer`` evaluate a batch of cases (one call each for all variants).
    """
    plans: list[tuple[int, str, Case]] = []
    applicable: list[list[Category]] = []
    for i, (case, _o, _p) in enumerate(diverging):
        cats = [c for c in CATEGORIES if c.applies(case)]
        applicable.append(cats)
        for c in cats:
            plans.append((i, c.name, c.fix(case)))
        if len(cats) > 1:
            fixed = case
            for c in cats:
                fixed = c.fix(fixed)
            plans.append((i, " + ".join(c.name for c in cats), fixed))
    variants = [dict(v, id=f"{v['id']}~{n}") for n, (_i, _name, v) in enumerate(plans)]
    ours_v = ours(variants)
    peer_v = peer(variants)
    explained: dict[int, str] = {}
    for (i, name, _v), o, p in zip(plans, ours_v, peer_v, strict=True):
        orig = diverging[i][1]
        if i not in explained and o == orig and p == orig:
            explained[i] = name
    return [
        Verdict(case, o, p, explained.get(i), [c.name for c in applicable[i]])
        for i, (case, o, p) in enumerate(diverging)
    ]
