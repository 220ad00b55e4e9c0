"""Cognito rule: per-identity isolation made moot by another Allow statement."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ....catalog import get_catalog
from ....document.model import Policy, Statement
from ....document.variables import Variable, template_parts
from ....errors import PolicyEvalError
from ...rule import Finding, Severity, Target, register
from .. import _probe as P
from ._common import (
    _CognitoRule,
    _is_per_identity,
    _leading_key_values,
    _own_resources,
    _stmt_ptr,
    _values_for,
)


def _isolation_probes(policy: Policy, st: Statement) -> list[tuple[str, str, dict[str, Any],
                                                                   dict[str, Any]]]:
    """(action, identity B's resource, identity A's context, what isolates) for one
    statement that isolates identities."""
    if st.effect != "Allow" or not policy.variables_enabled or st.actions is None:
        return []
    out = []
    actions = P.statement_actions(st)
    ctx_a = P.cognito_context()
    for res in st.resources or ():
        parts = template_parts(res)
        vars_ = [p for p in parts if isinstance(p, Variable) and _is_per_identity(p)]
        if not vars_:
            continue
        values_a = {v.key: _values_for(v, "A") for v in vars_}
        values_b = {**{k: v for k, v in ctx_a.items() if isinstance(v, str)},
                    **{v.key: _values_for(v, "B") for v in vars_}}
        res_b = P.instantiate(res, values_b, fill="probe")
        cat = get_catalog()
        for action in P.representatives(actions, 3)[:12]:
            rts = cat.resource_types_of_action(action)
            if rts and not any(cat.arn_matches_resource_type(res, rt) for rt in rts):
                continue
            out.append((action, res_b, {**ctx_a, **values_a}, {"resource": res}))
    for clause in st.conditions:
        if clause.folded_key == "dynamodb:leadingkeys" and \
                clause.parsed_operator.set_qualifier == "ForAllValues":
            values_a = _leading_key_values(clause, "A")
            values_b = _leading_key_values(clause, "B")
            if not values_a:
                continue
            key_b = P.instantiate(clause.values[0], {**ctx_a, **values_b})
            for action in ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"):
                if action not in actions:
                    continue
                own = _own_resources(st, action, ctx_a, True)
                if own:
                    out.append((action, own[0], {**ctx_a, **values_a,
                                                 "dynamodb:LeadingKeys": [key_b]},
                                {"condition": "dynamodb:LeadingKeys"}))
        if clause.folded_key == "s3:prefix" and "s3:ListBucket" in actions:
            for value in clause.values:
                parts = template_parts(value)
                vars_ = [p for p in parts if isinstance(p, Variable) and _is_per_identity(p)]
                if not vars_:
                    continue
                values_b = {v.key: _values_for(v, "B") for v in vars_}
                prefix_b = P.instantiate(value, {**ctx_a, **values_b}, fill="")
                own = _own_resources(st, "s3:ListBucket", ctx_a, True)
                if own:
                    out.append(("s3:ListBucket", own[0],
                                {**ctx_a, **{v.key: _values_for(v, "A") for v in vars_},
                                 "s3:prefix": prefix_b}, {"condition": "s3:prefix"}))
                break
    return out


@register
class IsolationMadeMoot(_CognitoRule):
    """Per-identity isolation made moot by another Allow statement.

    What it does
    ------------
    Takes every statement of the role (this policy and, when known, the role's other
    permission policies) that isolates identities — a per-identity variable in the
    Resource, ``ForAllValues`` on ``dynamodb:LeadingKeys``, an ``s3:prefix`` condition —
    and asks the engine whether *another* Allow statement of this policy grants identity
    A the same action on identity B's resource. Reports that statement.

    Why is this bad?
    ----------------
    Permissions are a union: one broad statement (``s3:GetObject`` on ``bucket/*``) next to
    the careful per-identity one lets every user read every other user's data; the
    careful statement only looks like protection.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": "s3:GetObject",
       "Resource": "arn:aws:s3:::app/private/${cognito-identity.amazonaws.com:sub}/*"},
      {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::app/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": "s3:GetObject",
       "Resource": "arn:aws:s3:::app/private/${cognito-identity.amazonaws.com:sub}/*"},
      {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::app/public/*"}]}
    ```
    """

    code = "COG017"
    name = "per-identity-isolation-made-moot"
    summary = "another Allow statement grants what a per-identity statement isolates"
    severity = Severity.warning
    security_severity = 7.5
    kinds = ("identity",)

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        probes = []
        for t in P.role_policies(target):
            pol = t.policy
            if pol is None:
                continue
            for st in pol.statements:
                for probe in _isolation_probes(pol, st):
                    probes.append((t, st, probe))
        if not probes:
            return
        denies = [s for t in P.role_policies(target) if t.policy is not None
                  for s in t.policy.statements if s.effect == "Deny"]
        for other in policy.statements:
            if other.effect != "Allow":
                continue
            try:
                from ....document.model import parse_policy
                doc = P.statement_policy(policy, [other, *denies])
                ps = P.policy_set([parse_policy(doc, kind="identity")])
            except PolicyEvalError:
                continue
            if ps is None:
                continue
            hits: list[dict[str, Any]] = []
            actions: list[str] = []
            isolating = None
            for t, st, (action, res_b, ctx_a, what) in probes:
                if t is target and st is other:
                    continue
                if action in actions:
                    continue
                d = P.decide(ps, action, res_b, ctx_a)
                if d is not None and d.allowed:
                    actions.append(action)
                    isolating = isolating or (t, st, what)
                    if len(hits) < 2:
                        hits.append(P.request_evidence(
                            action, res_b, ctx_a, d,
                            keys=["cognito-identity.amazonaws.com:sub", "s3:prefix",
                                  "dynamodb:LeadingKeys"]))
            if not actions or isolating is None:
                continue
            t, st, what = isolating
            where = st.label if t is target else f"{st.label} of {t.path or 'another policy'}"
            yield self.make(target, _stmt_ptr(target, other),
                            f"{other.label} grants {', '.join(actions[:4])} on other identities' "
                            f"resources (identity A reaches identity B's), which makes the "
                            f"per-identity isolation of {where} moot",
                            evidence={"probes": hits, "isolating": {"statement": st.index,
                                                                    "path": t.path, **what}},
                            fix="scope this statement to shared prefixes, or add the same "
                                "per-identity restriction")
