"""Cognito S3 / DynamoDB isolation rules: ListBucket prefixes, the LeadingKeys operator,
vacuous ForAllValues, Attributes without Select."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from ....catalog import get_catalog
from ....document.model import Policy, Statement
from ....document.variables import Text, Variable, template_parts
from ...rule import Finding, Severity, Target, register
from .. import _probe as P
from ._common import _CognitoRule, _is_per_identity, _leading_key_values, _own_resources, _stmt_ptr

_S3_OBJECT = re.compile(r"^arn:[^:]+:s3:::([^/]+)/(.*)$")
_S3_BUCKET = re.compile(r"^arn:[^:]+:s3:::([^/*?]+)$")


def _per_identity_buckets(targets: Iterable[Target]) -> dict[str, str]:
    """Buckets holding per-identity data in the role's policies -> the key prefix above the
    per-identity segment (``private/``)."""
    out: dict[str, str] = {}
    for t in targets:
        pol = t.policy
        if pol is None or not pol.variables_enabled:
            continue
        for st in pol.statements:
            if st.effect != "Allow":
                continue
            for res in st.resources or ():
                m = _S3_OBJECT.match(res)
                if m and "${" not in m.group(1):
                    prefix = _prefix_before_identity(m.group(2))
                    if prefix is not None:
                        out.setdefault(m.group(1), prefix)
            for clause in st.conditions:
                if clause.folded_key != "s3:prefix":
                    continue
                for value in clause.values:
                    prefix = _prefix_before_identity(value)
                    if prefix is None:
                        continue
                    for res in st.resources or ():
                        b = _S3_BUCKET.match(res)
                        if b:
                            out.setdefault(b.group(1), prefix)
    return out


def _prefix_before_identity(text: str) -> str | None:
    parts = template_parts(text)
    head: list[str] = []
    for part in parts:
        if isinstance(part, Variable):
            return "".join(head) if _is_per_identity(part) else None
        head.append(part.value)
        if isinstance(part, Text) and ("*" in part.value or "?" in part.value):
            return None
    return None


@register
class ListBucketWithoutIdentityPrefix(_CognitoRule):
    """``s3:ListBucket`` on a per-identity bucket without an ``s3:prefix`` restriction.

    What it does
    ------------
    Finds buckets whose keys are per identity (``.../${cognito-identity.amazonaws.com:sub}/...``
    in this policy or the role's other policies) and probes ``s3:ListBucket`` on them with
    the engine, as identity A: without a prefix, and with the folder that holds every
    identity's folder (``private/`` with delimiter ``/``). Either one allowed is reported.

    Why is this bad?
    ----------------
    The listing returns every identity id. Guest identity ids are bearer credentials
    (``GetCredentialsForIdentity`` needs nothing else for a guest), and they name every
    other user's folder.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::app"},
      {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
       "Resource": "arn:aws:s3:::app/private/${cognito-identity.amazonaws.com:sub}/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::app",
       "Condition": {"StringLike": {
           "s3:prefix": ["private/${cognito-identity.amazonaws.com:sub}/*"]}}},
      {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
       "Resource": "arn:aws:s3:::app/private/${cognito-identity.amazonaws.com:sub}/*"}]}
    ```
    """

    code = "COG013"
    name = "list-bucket-without-identity-prefix"
    summary = "s3:ListBucket on a per-identity bucket without an s3:prefix condition"
    severity = Severity.warning
    security_severity = 7.5
    kinds = ("identity",)

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        buckets = _per_identity_buckets(P.role_policies(target))
        if not buckets:
            return
        facts = P.role_facts(target)
        ctx = P.cognito_context(guest=facts.guest)
        for st in policy.statements:
            if st.effect != "Allow" or "s3:ListBucket" not in P.statement_actions(st):
                continue
            ps = P.statement_set(policy, st)
            if ps is None:
                continue
            for bucket, prefix in buckets.items():
                res = f"arn:aws:s3:::{bucket}"
                probes = [dict(ctx)]
                probes.append({**ctx, "s3:prefix": prefix, "s3:delimiter": "/"})
                d, used = P.first_allowed(ps, "s3:ListBucket", res, probes)
                if d is None or not d.allowed:
                    continue
                listed = ("the whole bucket" if "s3:prefix" not in used
                          else f"the prefix {prefix!r} (every identity's folder)")
                yield self.make(
                    target, _stmt_ptr(target, st),
                    f"{st.label} lets any identity list {listed} of {bucket}, which holds "
                    "per-identity folders: every identity id leaks (guest ids are bearer "
                    "credentials)",
                    evidence={"probe": P.request_evidence("s3:ListBucket", res, used, d,
                                                          keys=["s3:prefix", "s3:delimiter"],
                                                          statement=st)},
                    fix='add "StringLike": {"s3:prefix": ["' + prefix
                        + '${cognito-identity.amazonaws.com:sub}/*"]}')
                break


@register
class LeadingKeysOperator(_CognitoRule):
    """``dynamodb:LeadingKeys`` tested with ``ForAnyValue:`` or without a set operator.

    What it does
    ------------
    Flags a condition on ``dynamodb:LeadingKeys`` whose operator is ``ForAnyValue:...``
    (in an Allow) or has no set qualifier. For ``ForAnyValue`` the engine shows a
    ``BatchGetItem`` by identity A that carries its own key and identity B's key being
    allowed.

    Why is this bad?
    ----------------
    ``LeadingKeys`` holds every partition key a request touches. ``ForAnyValue`` passes
    when *one* of them is the caller's, so a batch request reads or writes other users'
    items. A plain operator on this multivalued key never matches (AWS requires
    ``ForAllValues``): the grant does nothing, a Deny never applies.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"],
      "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/Notes",
      "Condition": {"ForAnyValue:StringEquals": {
          "dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"]}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"],
      "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/Notes",
      "Condition": {"ForAllValues:StringEquals": {
          "dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"]}}}]}
    ```
    """

    code = "COG014"
    name = "leading-keys-without-for-all-values"
    summary = "dynamodb:LeadingKeys with ForAnyValue: or a plain operator"
    severity = Severity.error
    security_severity = 9.1
    kinds = ("identity", "resource", "boundary", "session")

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        for st in policy.statements:
            for clause in st.conditions:
                if clause.folded_key != "dynamodb:leadingkeys":
                    continue
                op = clause.parsed_operator
                ptr = P.relative(policy, clause.pointer)
                if op.set_qualifier is None and op.base.family != "Null":
                    yield self.make(target, ptr, f"{st.label}: {clause.operator} on the "
                                    "multivalued dynamodb:LeadingKeys never matches; "
                                    + ("the Deny never applies" if st.effect == "Deny" else
                                       "the statement grants nothing"),
                                    security=5.0, fix=f"use ForAllValues:{op.base.name}")
                elif op.set_qualifier == "ForAnyValue" and st.effect == "Allow" \
                        and not op.base.negated:
                    yield self.make(target, ptr, f"{st.label}: ForAnyValue on "
                                    "dynamodb:LeadingKeys passes when one key is the caller's: "
                                    "a batch request reaches other identities' items",
                                    evidence=self._prove(policy, st, clause),
                                    fix=f"use ForAllValues:{op.base.name}")

    @staticmethod
    def _prove(policy: Policy, st: Statement, clause: Any) -> dict[str, Any] | None:
        actions = P.statement_actions(st)
        action = next((a for a in ("dynamodb:BatchGetItem", "dynamodb:BatchWriteItem",
                                   "dynamodb:GetItem", "dynamodb:Query") if a in actions), None)
        if action is None:
            return None
        ctx = P.cognito_context()
        ctx.update(_leading_key_values(clause, "A"))
        own = _own_resources(st, action, ctx, policy.variables_enabled)
        ps = P.statement_set(policy, st)
        if not own or ps is None:
            return None
        keys_a = [P.instantiate(v, ctx) for v in clause.values[:1]]
        keys_b = [P.instantiate(v, {**ctx, **_leading_key_values(clause, "B")})
                  for v in clause.values[:1]]
        ctx["dynamodb:LeadingKeys"] = keys_a + [k for k in keys_b if k not in keys_a]
        d = P.decide(ps, action, own[0], ctx)
        return P.request_evidence(action, own[0], ctx, d, keys=["dynamodb:LeadingKeys"])


#: Item-level actions whose requests always carry the partition key (DynamoDB developer
#: guide, fine-grained access control; spec 5.1): they are the safe ones.
@register
class VacuousForAllValues(_CognitoRule):
    """``ForAllValues`` on ``dynamodb:LeadingKeys`` with actions that carry no keys.

    What it does
    ------------
    For an Allow that isolates identities with ``ForAllValues:... dynamodb:LeadingKeys``,
    finds the actions whose requests carry no ``LeadingKeys`` (the service reference lists
    no such key for them: ``Scan``, ``DescribeTable``, ``ListTables``...; PartiQL selects
    doing a full-table scan) and shows with the engine that identity A's ``Scan`` of the
    table is allowed.

    Why is this bad?
    ----------------
    ``ForAllValues`` is true when the key is absent. ``dynamodb:*`` or an added ``Scan``
    turns per-identity rows into a readable table. AWS's own example lists item-level
    actions only.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"],
      "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/Notes",
      "Condition": {"ForAllValues:StringEquals": {
          "dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"]}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["dynamodb:GetItem", "dynamodb:Query"],
      "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/Notes",
      "Condition": {"ForAllValues:StringEquals": {
          "dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"]}}}]}
    ```
    """

    code = "COG015"
    name = "for-all-values-vacuous-for-action"
    summary = "ForAllValues LeadingKeys Allow includes actions without keys (Scan): whole table"
    severity = Severity.error
    security_severity = 9.1
    kinds = ("identity", "boundary", "session")

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        cat = get_catalog()
        for st in policy.statements:
            if st.effect != "Allow":
                continue
            clause = next((c for c in st.conditions if c.folded_key == "dynamodb:leadingkeys"
                           and c.parsed_operator.set_qualifier == "ForAllValues"
                           and not c.parsed_operator.base.negated), None)
            if clause is None:
                continue
            keyless = []
            for action in P.statement_actions(st):
                if not action.lower().startswith("dynamodb:"):
                    continue
                keys = {k.lower() for k in cat.condition_keys_for_action(action)}
                if "dynamodb:leadingkeys" not in keys or "dynamodb:fulltablescan" in keys:
                    keyless.append(action)
            if not keyless:
                continue
            ps = P.statement_set(policy, st)
            if ps is None:
                continue
            ctx = P.cognito_context()
            ctx.update(_leading_key_values(clause, "A"))
            allowed: list[str] = []
            evidence: list[dict[str, Any]] = []
            order = sorted(keyless, key=lambda a: (a != "dynamodb:Scan", a))
            for action in order:
                own = _own_resources(st, action, ctx, policy.variables_enabled) or [
                    P.concrete_resource(action)]
                probe_ctx = dict(ctx)
                if action == "dynamodb:PartiQLSelect":
                    probe_ctx["dynamodb:FullTableScan"] = True
                d = P.decide(ps, action, own[0], probe_ctx)
                if d is not None and d.allowed:
                    allowed.append(action)
                    if len(evidence) < 2:
                        evidence.append(P.request_evidence(
                            action, own[0], probe_ctx, d,
                            keys=["dynamodb:LeadingKeys", "dynamodb:FullTableScan"]))
            if not allowed:
                continue
            shown = ", ".join(allowed[:5]) + (" ..." if len(allowed) > 5 else "")
            yield self.make(target, P.relative(policy, clause.pointer),
                            f"{st.label}: ForAllValues on dynamodb:LeadingKeys is vacuously "
                            f"true for {shown}, whose requests carry no partition key: the "
                            "whole table is readable", evidence={"probes": evidence},
                            fix='list item-level actions only, or add "Null": '
                                '{"dynamodb:LeadingKeys": "false"}')


_SELECT_ACTIONS = ("dynamodb:Query", "dynamodb:Scan", "dynamodb:GetItem", "dynamodb:BatchGetItem")


@register
class AttributesWithoutSelect(_CognitoRule):
    """``dynamodb:Attributes`` allow-list without ``dynamodb:Select = SPECIFIC_ATTRIBUTES``.

    What it does
    ------------
    Flags an Allow that restricts ``dynamodb:Attributes`` for read actions (Query, Scan,
    GetItem, BatchGetItem) but has no condition pinning ``dynamodb:Select`` to
    ``SPECIFIC_ATTRIBUTES``. The engine shows a ``Query`` with
    ``Select = ALL_PROJECTED_ATTRIBUTES`` being allowed.

    Why is this bad?
    ----------------
    Without the ``Select`` condition a Query or Scan on an index returns every projected
    attribute, including the ones the allow-list meant to hide (DynamoDB developer guide,
    fine-grained access control).

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["dynamodb:GetItem", "dynamodb:Query"],
      "Resource": ["arn:aws:dynamodb:us-east-1:111122223333:table/Players",
                   "arn:aws:dynamodb:us-east-1:111122223333:table/Players/index/*"],
      "Condition": {"ForAllValues:StringEquals": {
          "dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"],
          "dynamodb:Attributes": ["UserId", "Score"]}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["dynamodb:GetItem", "dynamodb:Query"],
      "Resource": ["arn:aws:dynamodb:us-east-1:111122223333:table/Players",
                   "arn:aws:dynamodb:us-east-1:111122223333:table/Players/index/*"],
      "Condition": {"ForAllValues:StringEquals": {
          "dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"],
          "dynamodb:Attributes": ["UserId", "Score"]},
        "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"}}}]}
    ```
    """

    code = "COG016"
    name = "attributes-without-select"
    summary = "dynamodb:Attributes restriction without dynamodb:Select = SPECIFIC_ATTRIBUTES"
    severity = Severity.warning
    security_severity = 7.0
    kinds = ("identity", "boundary", "session")

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        for st in policy.statements:
            if st.effect != "Allow":
                continue
            attrs = next((c for c in st.conditions if c.folded_key == "dynamodb:attributes"
                          and not c.parsed_operator.base.negated), None)
            if attrs is None:
                continue
            reads = [a for a in _SELECT_ACTIONS if a in P.statement_actions(st)]
            if not reads:
                continue
            select_ok = any(c.folded_key == "dynamodb:select" and not c.parsed_operator.base.negated
                            and c.parsed_operator.set_qualifier is None
                            and set(c.values) == {"SPECIFIC_ATTRIBUTES"} for c in st.conditions)
            if select_ok:
                continue
            evidence = None
            ps = P.statement_set(policy, st)
            action = "dynamodb:Query" if "dynamodb:Query" in reads else reads[0]
            ctx = P.cognito_context()
            for c in st.conditions:
                if c.folded_key == "dynamodb:leadingkeys":
                    ctx.update(_leading_key_values(c, "A"))
                    ctx["dynamodb:LeadingKeys"] = [P.instantiate(c.values[0], ctx)]
            ctx["dynamodb:Attributes"] = ([P.instantiate(attrs.values[0], ctx)]
                                          if attrs.values else [])
            ctx["dynamodb:Select"] = "ALL_PROJECTED_ATTRIBUTES"
            own = _own_resources(st, action, ctx, policy.variables_enabled)
            if ps is not None and own:
                res = next((r for r in own if "/index/" in r), own[0])
                d = P.decide(ps, action, res, ctx)
                evidence = P.request_evidence(action, res, ctx, d, keys=[
                    "dynamodb:Select", "dynamodb:Attributes", "dynamodb:LeadingKeys"])
            yield self.make(target, P.relative(policy, attrs.pointer),
                            f"{st.label} restricts dynamodb:Attributes for {', '.join(reads)} "
                            "but does not require dynamodb:Select = SPECIFIC_ATTRIBUTES: a "
                            "Query or Scan with ALL_PROJECTED_ATTRIBUTES returns the other "
                            "attributes", evidence=evidence,
                            fix='add "StringEqualsIfExists": {"dynamodb:Select": '
                                '"SPECIFIC_ATTRIBUTES"}')
