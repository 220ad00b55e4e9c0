"""Cognito trust-policy rules: ``aud`` and ``amr`` conditions, and the trust action of an
identity-pool role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ....document.model import Policy
from ...rule import Finding, Severity, Target, register
from .. import _probe as P
from ._common import (
    _POOL_ID_RE,
    _REGION_RE,
    _assume_probe,
    _clauses,
    _cognito_allows,
    _CognitoRule,
    _federated,
    _stmt_ptr,
    _TrustRule,
)


@register
class TrustWithoutAud(_TrustRule):
    """Trust policy lets any identity pool assume the role (no ``aud`` condition).

    What it does
    ------------
    Flags a role trust policy statement that trusts the federated principal
    ``cognito-identity.amazonaws.com`` (or a regional / China-partition variant) without a
    positive ``StringEquals`` condition on ``cognito-identity.amazonaws.com:aud``. The
    linter proves it with the engine: a token from a pool in another account is accepted.

    Why is this bad?
    ----------------
    Every identity pool in every AWS account mints OpenID tokens signed by the same
    Cognito issuer. Without ``aud`` pinned to your pool id, a user of *any* pool can call
    ``AssumeRoleWithWebIdentity`` (basic flow) with their token and get this role's
    credentials. IAM now refuses to create such trust policies, but existing roles keep
    them (Cognito developer guide, "Role trust and permissions").

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"ForAnyValue:StringLike": {
          "cognito-identity.amazonaws.com:amr": "authenticated"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringEquals": {
          "cognito-identity.amazonaws.com:aud": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"},
                    "ForAnyValue:StringLike": {
                        "cognito-identity.amazonaws.com:amr": "authenticated"}}}]}
    ```
    """

    code = "COG001"
    name = "cognito-trust-without-aud"
    summary = "Cognito trust policy has no aud condition: any identity pool can assume the role"
    severity = Severity.error
    security_severity = 9.3

    def check_trust(self, target: Target, trust: Policy) -> Iterator[Finding]:
        for st in _cognito_allows(target):
            positive = [c for c in _clauses(st, "aud") if not c.parsed_operator.base.negated]
            if positive:
                continue
            principal = _federated(st)
            evidence: dict[str, Any] = {"probes": []}
            accepted = False
            for guest in (False, True):
                d, probe = _assume_probe(trust, st, guest=guest, pool_id=P.FOREIGN_POOL_ID)
                evidence["probes"].append(probe)
                accepted = accepted or bool(d and d.allowed)
            message = (f"{st.label} trusts {principal} without a StringEquals condition on "
                       f"{P.key_prefix_for(principal)}:aud")
            message += (f": a token from another identity pool ({P.FOREIGN_POOL_ID}) is accepted"
                        if accepted else "; IAM requires aud on identity-pool roles")
            yield self.make(target, _stmt_ptr(target, st), message, evidence=evidence,
                            fix='add "StringEquals": {"cognito-identity.amazonaws.com:aud": '
                                '"<your identity pool id>"}')


@register
class TrustWeakAud(_TrustRule):
    """``aud`` condition that does not pin concrete identity pool ids.

    What it does
    ------------
    Flags an ``aud`` condition of a Cognito trust statement that uses wildcards
    (``StringLike`` with ``*``/``?``), a set operator (``ForAnyValue:``/``ForAllValues:``),
    ``...IfExists``, or a value that is not a well-formed identity pool id
    (``region:GUID``). A wildcard is proved with the engine: a made-up pool id that the
    pattern accepts is assumed successfully. A malformed id fails closed (no pool can
    match, so the role cannot be assumed at all) and is reported at info level.

    Why is this bad?
    ----------------
    ``aud`` is the only thing that ties the role to *your* pool. ``us-east-1:*`` accepts
    every pool in the region, in every account; ``ForAllValues`` holds when the key is
    missing.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringLike": {"cognito-identity.amazonaws.com:aud": "us-east-1:*"},
                    "ForAnyValue:StringLike": {
                        "cognito-identity.amazonaws.com:amr": "authenticated"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringEquals": {
          "cognito-identity.amazonaws.com:aud": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"},
                    "ForAnyValue:StringLike": {
                        "cognito-identity.amazonaws.com:amr": "authenticated"}}}]}
    ```
    """

    code = "COG002"
    name = "cognito-trust-weak-aud"
    summary = "aud condition uses wildcards, a set operator, IfExists or a malformed pool id"
    severity = Severity.warning
    security_severity = 7.5

    def check_trust(self, target: Target, trust: Policy) -> Iterator[Finding]:
        for st in _cognito_allows(target):
            for clause in _clauses(st, "aud"):
                op = clause.parsed_operator
                if op.base.negated:
                    continue
                ptr = P.relative(target.policy, clause.pointer)
                wild = [v for v in clause.values if "*" in v or "?" in v]
                problems = []
                if op.base.wildcards and wild:
                    problems.append(f"wildcard value {wild[0]!r}")
                if op.set_qualifier:
                    problems.append(f"set operator {op.set_qualifier}: (aud is single-valued)")
                if op.if_exists:
                    problems.append("IfExists (holds when aud is absent)")
                if any("${" in v for v in clause.values):
                    problems.append("a policy variable as the pool id")
                if problems:
                    evidence = None
                    if wild:
                        fake = wild[0].replace("*", "ffff0000-aaaa-4bbb-8ccc-dddd")
                        fake = fake.replace("?", "f")
                        d, probe = _assume_probe(trust, st, guest=False, pool_id=fake)
                        evidence = {"probe": probe}
                        if d is not None and d.allowed:
                            problems[0] += f", which also accepts the pool {fake!r}"
                    yield self.make(target, ptr, f"{st.label}: the aud condition {clause.operator} "
                                    f"does not pin your identity pool: " + "; ".join(problems),
                                    evidence=evidence,
                                    fix="use StringEquals with the exact identity pool id(s)")
                    continue
                bad = [v for v in clause.values if not _POOL_ID_RE.match(v)
                       or not _REGION_RE.match(v.split(":")[0])]
                if bad:
                    yield self.make(
                        target, ptr, f"{st.label}: {bad[0]!r} is not a well-formed identity pool "
                        "id (region:GUID); no pool can match it, so this statement never lets "
                        "anyone assume the role", severity=Severity.info, security=0.0,
                        fix="use the pool id from the Cognito console or DescribeIdentityPool")


@register
class TrustWithoutAmr(_TrustRule):
    """Cognito trust policy without an ``amr`` condition.

    What it does
    ------------
    Flags a Cognito trust statement with no condition on
    ``cognito-identity.amazonaws.com:amr``, and shows with the engine that both a guest
    token (``amr = ["unauthenticated"]``) and a signed-in token are accepted.

    Why is this bad?
    ----------------
    One role then serves guests and signed-in users alike. With the basic (classic) flow a
    guest — anyone who knows the pool id shipped in the app — can take the role meant for
    signed-in users. AWS's best practice is ``aud`` **and** ``amr`` on every such role.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringEquals": {
          "cognito-identity.amazonaws.com:aud":
              "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringEquals": {
          "cognito-identity.amazonaws.com:aud": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"},
                    "ForAnyValue:StringLike": {
                        "cognito-identity.amazonaws.com:amr": "authenticated"}}}]}
    ```
    """

    code = "COG003"
    name = "cognito-trust-without-amr"
    summary = "Cognito trust policy has no amr condition: guests and signed-in users share the role"
    severity = Severity.warning
    security_severity = 7.5

    def check_trust(self, target: Target, trust: Policy) -> Iterator[Finding]:
        for st in _cognito_allows(target):
            if _clauses(st, "amr"):
                continue
            principal = _federated(st)
            probes, accepted = [], []
            for guest in (True, False):
                d, probe = _assume_probe(trust, st, guest=guest)
                probes.append(probe)
                if d is not None and d.allowed:
                    accepted.append("guest" if guest else "signed-in")
            msg = f"{st.label} has no condition on {P.key_prefix_for(principal)}:amr"
            if len(accepted) == 2:
                msg += ": both guest and signed-in tokens are accepted"
            yield self.make(target, _stmt_ptr(target, st), msg, evidence={"probes": probes},
                            fix='add "ForAnyValue:StringLike": '
                                '{"cognito-identity.amazonaws.com:amr":'
                                ' "authenticated"} (or "unauthenticated" for the guest role)')


@register
class AmrWithoutForAnyValue(_TrustRule):
    """``amr`` tested without ``ForAnyValue:`` (or with ``ForAllValues:``).

    What it does
    ------------
    Flags a condition on the multivalued key ``cognito-identity.amazonaws.com:amr`` whose
    operator has no set qualifier (``StringLike``) or uses ``ForAllValues:``. The engine
    shows what happens to a real signed-in token
    (``["authenticated", "<provider>", ...]``) and to a token without ``amr``.

    Why is this bad?
    ----------------
    ``amr`` holds several values. A plain operator on a multivalued key never matches
    (spec 4.4), so the role silently cannot be assumed; ``ForAllValues:`` fails for every
    signed-in user (the provider entry is not ``authenticated``) and is vacuously true
    when ``amr`` is absent. The documented form is ``ForAnyValue:StringLike``.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringEquals": {
          "cognito-identity.amazonaws.com:aud": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"},
                    "StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringEquals": {
          "cognito-identity.amazonaws.com:aud": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"},
                    "ForAnyValue:StringLike": {
                        "cognito-identity.amazonaws.com:amr": "authenticated"}}}]}
    ```
    """

    code = "COG004"
    name = "cognito-amr-without-for-any-value"
    summary = "amr (multivalued) tested without ForAnyValue: or with ForAllValues:"
    severity = Severity.error
    security_severity = 7.0

    def check_trust(self, target: Target, trust: Policy) -> Iterator[Finding]:
        assert target.policy is not None
        for st in target.policy.statements:
            for clause in _clauses(st, "amr"):
                op = clause.parsed_operator
                if op.set_qualifier == "ForAnyValue" or op.base.family == "Null":
                    continue
                evidence = None
                if st.effect == "Allow" and st in _cognito_allows(target):
                    evidence = {"signed_in_token": _assume_probe(trust, st, guest=False)[1]}
                what = ("ForAllValues: requires every amr entry to match (a signed-in token "
                        "also carries its provider) and holds when amr is absent"
                        if op.set_qualifier == "ForAllValues" else
                        "a plain operator never matches the multivalued amr key")
                yield self.make(target, P.relative(target.policy, clause.pointer),
                                f"{st.label}: {clause.operator} on amr: {what}",
                                evidence=evidence,
                                fix=f"use ForAnyValue:{op.base.name}")


@register
class AmrMatchesOtherClass(_TrustRule):
    """``amr`` condition also admits the other class of identity (guest vs signed-in).

    What it does
    ------------
    Evaluates each Cognito trust statement that has an ``amr`` condition for a guest token
    and a signed-in token. Flags it when both are accepted (``*authenticated``, ``*``), or
    when the role is known to be the authenticated role (the pool's ``Roles``, the role
    slot of a pool file) but accepts guests, or the reverse. When only a role or file
    name suggests the role's class (``guest-trust.json``), the finding is an info that says
    it rests on a guess: a name never makes an error.

    Why is this bad?
    ----------------
    ``*authenticated`` also matches ``unauthenticated``. A guest — anyone with the pool id
    — then gets the signed-in users' role.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringEquals": {
          "cognito-identity.amazonaws.com:aud": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"},
                    "ForAnyValue:StringLike": {
                        "cognito-identity.amazonaws.com:amr": "*authenticated"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringEquals": {
          "cognito-identity.amazonaws.com:aud": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"},
                    "ForAnyValue:StringLike": {
                        "cognito-identity.amazonaws.com:amr": "authenticated"}}}]}
    ```
    """

    code = "COG005"
    name = "cognito-amr-matches-other-class"
    summary = "amr condition admits guests on a signed-in role (or the reverse)"
    severity = Severity.error
    security_severity = 9.1

    def check_trust(self, target: Target, trust: Policy) -> Iterator[Finding]:
        role = P.role_link(target)
        expected: str | None = None
        why = ""
        facts_pool = target.related.get("pool")
        slot = target.related.get("pool_role")
        if slot in ("unauthenticated", "authenticated"):
            expected = "guest" if slot == "unauthenticated" else "authenticated"
            why = f"the pool's {slot} role"
        elif facts_pool is not None and isinstance(role.get("arn"), str):
            _, roles, _ = P._pool_parts(facts_pool)
            if roles.get("unauthenticated") == role["arn"]:
                expected, why = "guest", "the pool's unauthenticated role"
            elif roles.get("authenticated") == role["arn"]:
                expected, why = "authenticated", "the pool's authenticated role"
        guessed = False
        if expected is None:
            expected, why = P.name_class(role.get("name") if isinstance(role.get("name"), str)
                                         else None, role.get("arn") if isinstance(
                                             role.get("arn"), str) else None, target.path)
            # a name is only a guess: it may lower confidence, never raise an error
            guessed = expected is not None
            why = f"a guess from {why}, not from a pool or role bundle"
        for st in _cognito_allows(target):
            if not _clauses(st, "amr"):
                continue
            results = {}
            probes = []
            for guest in (True, False):
                d, probe = _assume_probe(trust, st, guest=guest)
                results[guest] = bool(d and d.allowed)
                probes.append(probe)
            msg = None
            severity = None
            if results[True] and results[False]:
                msg = f"{st.label}: the amr condition accepts both guest and signed-in tokens"
            elif expected == "authenticated" and results[True]:
                msg = (f"{st.label}: the role seems to be the authenticated role ({why}) but "
                       "its amr condition accepts guest (unauthenticated) tokens")
            elif expected == "guest" and results[False]:
                msg = (f"{st.label}: the role seems to be the guest role ({why}) but its amr "
                       "condition accepts signed-in tokens")
            if msg and guessed and not (results[True] and results[False]):
                severity = Severity.info
            elif msg:
                msg = msg.replace("seems to be", "is")
            if msg:
                ptr = P.relative(target.policy, _clauses(st, "amr")[0].pointer)
                yield self.make(target, ptr, msg, evidence={"probes": probes},
                                severity=severity,
                                fix='match exactly "authenticated" or "unauthenticated"')


_GOOD_TRUST_ACTIONS = {"sts:assumerolewithwebidentity", "sts:tagsession"}


@register
class TrustWrongAction(_CognitoRule):
    """Cognito trust statement with an action other than ``sts:AssumeRoleWithWebIdentity``.

    What it does
    ------------
    Flags a statement trusting ``cognito-identity.amazonaws.com`` whose actions do not
    include ``sts:AssumeRoleWithWebIdentity``, or include actions other than it and
    ``sts:TagSession`` (``sts:AssumeRole``, ``sts:AssumeRoleWithSAML``, ``sts:*``,
    ``NotAction``).

    Why is this bad?
    ----------------
    Cognito (and a basic-flow client) obtains credentials only through
    ``AssumeRoleWithWebIdentity``; ``sts:AssumeRole`` with a federated principal is a
    common mistake (danilop/LambdAuth #4) that leaves the role unusable, and wildcards
    trust more than intended.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRole",
      "Condition": {"StringEquals": {
          "cognito-identity.amazonaws.com:aud": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"},
                    "ForAnyValue:StringLike": {
                        "cognito-identity.amazonaws.com:amr": "authenticated"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
      "Condition": {"StringEquals": {
          "cognito-identity.amazonaws.com:aud": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c"},
                    "ForAnyValue:StringLike": {
                        "cognito-identity.amazonaws.com:amr": "authenticated"}}}]}
    ```
    """

    code = "COG006"
    name = "cognito-trust-wrong-action"
    summary = "Cognito trust statement does not (only) allow sts:AssumeRoleWithWebIdentity"
    severity = Severity.error
    kinds = ("trust",)

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        for st in _cognito_allows(target):
            element = "Action" if st.actions is not None else "NotAction"
            ptr = P.element_pointer(target, st, element)
            if st.not_actions is not None:
                yield self.make(target, ptr, f"{st.label} uses NotAction with the Cognito "
                                "principal: it trusts every STS action except those listed",
                                fix='use "Action": "sts:AssumeRoleWithWebIdentity"')
                continue
            actions = {a.lower(): a for a in P.expand(st.actions or ())}
            extra = sorted(v for k, v in actions.items() if k not in _GOOD_TRUST_ACTIONS)
            if "sts:assumerolewithwebidentity" not in actions:
                yield self.make(target, ptr, f"{st.label} trusts the Cognito principal but does "
                                "not allow sts:AssumeRoleWithWebIdentity, the only action Cognito "
                                "uses: the role cannot be used by the identity pool",
                                fix='use "Action": "sts:AssumeRoleWithWebIdentity"')
            elif extra:
                shown = ", ".join(extra[:5]) + (" ..." if len(extra) > 5 else "")
                yield self.make(target, ptr, f"{st.label} also allows {shown} for the Cognito "
                                "principal; only sts:AssumeRoleWithWebIdentity (and "
                                "sts:TagSession) belong here",
                                fix='use "Action": ["sts:AssumeRoleWithWebIdentity", '
                                    '"sts:TagSession"]')
