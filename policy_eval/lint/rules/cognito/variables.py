"""Cognito policy-variable rules: variables without Version, undelimited identity paths,
unknown variables."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ....catalog import get_catalog
from ....document.model import VERSION_2012, Policy, Statement
from ....document.variables import Text, Variable, template_parts
from ...rule import Finding, Severity, Target, register
from .. import _probe as P
from ._common import _CognitoRule, _is_per_identity, _own_resources, _values_for


def _strings_with_variables(st: Statement) -> Iterator[tuple[str, str, int | None, str]]:
    """(element, text, index, clause pointer or '') for every Resource/NotResource/condition
    string that contains ``${``."""
    for element, values in (("Resource", st.resources), ("NotResource", st.not_resources)):
        for i, text in enumerate(values or ()):
            if "${" in text:
                yield element, text, i, ""
    for clause in st.conditions:
        for i, text in enumerate(clause.values):
            if "${" in text:
                yield "Condition", text, i, clause.pointer


@register
class VariablesWithoutVersion(_CognitoRule):
    """Policy variables in a policy whose Version is 2008-10-17 or missing.

    What it does
    ------------
    Flags a policy that uses ``${...}`` (for example
    ``${cognito-identity.amazonaws.com:sub}``) while its ``Version`` is ``2008-10-17`` or
    absent (AWS then applies 2008-10-17). The engine shows an identity being refused its
    own resource, because the variable is taken as literal text.

    Why is this bad?
    ----------------
    Per-identity isolation silently breaks: an Allow matches nothing (users lose
    access), and a Deny or NotResource built on a variable never applies (fail open).

    Example
    -------
    ```json
    {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::app/private/${cognito-identity.amazonaws.com:sub}/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::app/private/${cognito-identity.amazonaws.com:sub}/*"}]}
    ```
    """

    code = "COG010"
    name = "variables-without-2012-version"
    summary = "policy variables with Version 2008-10-17 or no Version are taken literally"
    severity = Severity.error
    security_severity = 6.0
    kinds = ("identity", "resource", "boundary", "session", "scp", "rcp")

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        if policy.version == VERSION_2012:
            return
        for st in policy.statements:
            found = next(_strings_with_variables(st), None)
            if found is None:
                continue
            element, text, index, cptr = found
            ptr = (P.relative(policy, cptr) if cptr else P.element_pointer(target, st, element,
                                                                           index))
            evidence = None
            if element == "Resource" and st.actions:
                acts = P.expand(st.actions[:1])
                if acts:
                    ctx = P.cognito_context()
                    res = P.instantiate(text, {k: v for k, v in ctx.items() if isinstance(v, str)})
                    ps = P.statement_set(policy, st)
                    if ps is not None and res.startswith("arn:"):
                        d = P.decide(ps, acts[0], res, ctx)
                        evidence = {"own_resource": P.request_evidence(
                            acts[0], res, ctx, d, keys=["cognito-identity.amazonaws.com:sub"])}
            version = ("Version is missing (AWS applies 2008-10-17)" if policy.version is None
                       else f"Version is {policy.version}")
            effect = ("the Deny never matches the caller's resources (fails open)"
                      if st.effect == "Deny" or element == "NotResource" else
                      "the Allow matches only the literal text, so identities lose access")
            yield self.make(target, ptr, f"{version}: {text!r} in {st.label} is not a policy "
                            f"variable under this version; {effect}",
                            severity=Severity.error,
                            security=8.0 if st.effect == "Deny" or element == "NotResource"
                            else None, evidence=evidence,
                            fix='add "Version": "2012-10-17"')


#: Variables whose values all have the same length (a prefix of one cannot be another).
_FIXED_LENGTH = {"cognito-identity.amazonaws.com:sub", "cognito-identity.amazonaws.com:aud",
                 "cognito-identity.amazonaws.com.cn:sub", "cognito-identity.amazonaws.com.cn:aud",
                 "aws:principalaccount", "aws:sourceaccount", "aws:resourceaccount"}


def _undelimited(parts: tuple[Any, ...]) -> list[Variable]:
    """Variables followed by a wildcard with no ``/`` in between."""
    out = []
    for i, part in enumerate(parts):
        if not isinstance(part, Variable):
            continue
        for nxt in parts[i + 1:]:
            if isinstance(nxt, Text):
                cut = min([p for p in (nxt.value.find("*"), nxt.value.find("?")) if p >= 0],
                          default=-1)
                head = nxt.value if cut < 0 else nxt.value[:cut]
                if "/" in head:
                    break
                if cut >= 0:
                    out.append(part)
                    break
            elif isinstance(nxt, Variable):
                continue
            else:
                if nxt.value == "/":
                    break
        # a variable at the end (exact match) or followed by "/" is delimited
    return out


@register
class UndelimitedIdentityPath(_CognitoRule):
    """Per-identity path not closed by a ``/`` before a wildcard.

    What it does
    ------------
    Flags an Allow whose Resource or ``...Like`` condition value puts a wildcard right
    after a per-identity variable (``.../${cognito-identity.amazonaws.com:sub}*``,
    ``home/${aws:username}*``, ``s3:prefix`` ``private/${sub}*``). The engine proves it:
    for variable-length values (user names, principal tags) identity ``bob`` reaches
    identity ``bobby``'s objects; for the fixed-length identity id, an identity reaches
    keys outside its folder (``private/<id>x``).

    Why is this bad?
    ----------------
    A prefix is not a folder. Without the ``/`` the pattern covers every value that starts
    with the caller's value: other users' data, or sibling keys the caller can create to
    escape the per-identity folder.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject"],
      "Resource": "arn:aws:s3:::app/home/${aws:PrincipalTag/username}*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject"],
      "Resource": "arn:aws:s3:::app/home/${aws:PrincipalTag/username}/*"}]}
    ```
    """

    code = "COG011"
    name = "undelimited-per-identity-path"
    summary = "wildcard right after a per-identity variable (no '/' delimiter)"
    severity = Severity.warning
    security_severity = 7.5
    kinds = ("identity", "resource", "boundary", "session")

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        if not policy.variables_enabled:
            return
        for st in policy.statements:
            if st.effect != "Allow":
                continue
            for element, text, index, cptr in _strings_with_variables(st):
                if element == "NotResource":
                    continue
                if cptr:
                    clause = next(c for c in st.conditions if c.pointer == cptr)
                    base = clause.parsed_operator.base
                    if not base.wildcards or base.negated:
                        continue
                parts = template_parts(text)
                bad = [v for v in _undelimited(parts) if _is_per_identity(v)]
                if not bad:
                    continue
                var = bad[0]
                fixed = var.folded in _FIXED_LENGTH
                evidence = self._prove(policy, st, element, text, var, fixed,
                                       clause_key=(next(c for c in st.conditions
                                                        if c.pointer == cptr).key
                                                   if cptr else None))
                ptr = (P.relative(policy, cptr) if cptr else
                       P.element_pointer(target, st, element, index))
                if fixed:
                    msg = (f"{text!r}: no '/' after ${{{var.key}}} before the wildcard, so an "
                           "identity also reaches keys outside its own folder (e.g. "
                           "'<identity-id>x')")
                    sev = 5.3
                else:
                    msg = (f"{text!r}: no '/' after ${{{var.key}}} before the wildcard, so "
                           "'bob' also reaches the data of 'bobby'")
                    sev = 7.5
                if evidence and evidence.get("decision") == "allow":
                    msg += " (proved with the engine, see evidence)"
                yield self.make(target, ptr, msg, security=sev, evidence=evidence,
                                fix="close the per-identity segment: ${...}/*")

    @staticmethod
    def _prove(policy: Policy, st: Statement, element: str, text: str, var: Variable,
               fixed: bool, clause_key: str | None) -> dict[str, Any] | None:
        a_val = _values_for(var, "A")
        b_val = a_val if fixed else a_val + "by"
        ctx_a = P.cognito_context()
        ctx_a[var.key] = a_val
        values_b = {k: v for k, v in ctx_a.items() if isinstance(v, str)}
        values_b[var.key] = b_val
        fill = "x/notes.txt" if fixed else "/notes.txt"
        reached = P.instantiate(text, values_b, fill=fill)
        ps = P.statement_set(policy, st)
        if ps is None or not st.actions:
            return None
        actions = P.expand(st.actions)
        if not actions:
            return None
        if element == "Resource":
            action, resource, ctx = actions[0], reached, ctx_a
        else:
            action = actions[0]
            own = _own_resources(st, action, ctx_a, True)
            resource = own[0] if own else P.concrete_resource(action)
            ctx = {**ctx_a, clause_key or "": reached}
        if not resource.startswith("arn:"):
            return None
        d = P.decide(ps, action, resource, ctx)
        out = P.request_evidence(action, resource, ctx, d,
                                 keys=[var.key] + ([clause_key] if clause_key else []))
        out["identity_a"] = a_val
        if not fixed:
            out["identity_b"] = b_val
        return out


_USER_POOL_CLAIM = re.compile(r"^(cognito:|custom:|cognito-idp\.)", re.IGNORECASE)
_PROVIDER_KEYS = re.compile(r"^(www\.amazon\.com|graph\.facebook\.com|accounts\.google\.com|"
                            r"appleid\.apple\.com|api\.twitter\.com):", re.IGNORECASE)


@register
class UnknownVariable(_CognitoRule):
    """Policy variable that does not exist, never resolves, or is absent for Cognito.

    What it does
    ------------
    Checks every ``${...}`` in Resource and condition values: Cognito keys must be
    ``cognito-identity.amazonaws.com:sub`` / ``:aud`` (``:amr`` is multivalued and never
    resolves); typos such as ``cognito-identity.amazon.com:sub`` or unknown keys are
    errors; user-pool claims (``cognito:username``, ``custom:...``) are not context keys;
    in a role used through an identity pool ``${aws:username}`` and provider keys
    (``${www.amazon.com:user_id}``) are never present; with a pool file, an
    ``aws:PrincipalTag/<k>`` must be one the pool maps.

    Why is this bad?
    ----------------
    A variable with no value matches nothing: the Allow grants nothing, and a Deny or
    ``NotResource`` built on it silently stops protecting.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::app/private/${cognito-identity.amazon.com:sub}/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::app/private/${cognito-identity.amazonaws.com:sub}/*"}]}
    ```
    """

    code = "COG012"
    name = "unknown-policy-variable"
    summary = "policy variable is unknown, multivalued, a user-pool claim or absent for Cognito"
    severity = Severity.error
    kinds = ("identity", "resource", "boundary", "session", "scp", "rcp")

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        if not policy.variables_enabled:
            return
        cat = get_catalog()
        facts: P.RoleFacts | None = None
        tags = _mapped_tags(target.related.get("pool"))
        seen: set[tuple[str, str]] = set()
        for st in policy.statements:
            for element, text, index, cptr in _strings_with_variables(st):
                for part in template_parts(text):
                    if not isinstance(part, Variable):
                        continue
                    key, low = part.key, part.folded
                    ptr = (P.relative(policy, cptr) if cptr else
                           P.element_pointer(target, st, element, index))
                    if (ptr, low) in seen:
                        continue
                    seen.add((ptr, low))
                    msg, sev = None, Severity.error
                    claim = P.cognito_claim(key)
                    info = cat.condition_key(key)
                    if claim is not None and claim not in ("sub", "aud", "amr"):
                        msg = (f"${{{key}}}: Cognito sessions carry only :sub, :aud and :amr "
                               "under this prefix")
                    elif claim == "amr" or (info is not None and info.multivalued):
                        msg = (f"${{{key}}} is multivalued; only single-valued keys can be "
                               "policy variables, so it never resolves")
                    elif low.startswith("cognito-identity") and claim is None:
                        msg = (f"${{{key}}} is not a Cognito key (did you mean "
                               "cognito-identity.amazonaws.com:sub?)")
                    elif _USER_POOL_CLAIM.match(key):
                        msg = (f"${{{key}}} is a user-pool token claim, not a request context "
                               "key; map it to a principal tag and use ${aws:PrincipalTag/...}")
                    elif info is None and part.default is None:
                        msg = f"${{{key}}} is not a known condition key, so it never resolves"
                    elif low.startswith("aws:principaltag/") and tags is not None and \
                            low.split("/", 1)[1] not in tags:
                        msg = (f"${{{key}}}: the pool maps no principal tag "
                               f"{key.split('/', 1)[1]!r} (it maps: "
                               f"{', '.join(sorted(tags)) or 'none'})")
                    else:
                        if facts is None:
                            facts = P.role_facts(target)
                        if facts.cognito and low == "aws:username":
                            msg = ("${aws:username} is present only for IAM users; a role "
                                   "session from an identity pool never has it")
                            sev = Severity.warning
                        elif facts.cognito and _PROVIDER_KEYS.match(key):
                            msg = (f"${{{key}}} exists only when a client calls "
                                   "AssumeRoleWithWebIdentity with that provider's token; "
                                   "Cognito sessions use cognito-identity.amazonaws.com:sub")
                            sev = Severity.warning
                    if msg:
                        yield self.make(target, ptr, f"{st.label}: {msg}", severity=sev)


def _mapped_tags(pool: Any) -> set[str] | None:
    """Principal tag keys the pool file maps (None when unknown)."""
    if not isinstance(pool, dict) or not isinstance(pool.get("PrincipalTagAttributeMaps"), dict):
        return None
    out: set[str] = set()
    for entry in pool["PrincipalTagAttributeMaps"].values():
        if not isinstance(entry, dict):
            continue
        if entry.get("UseDefaults"):
            out.update({"username", "client"})
        tags = entry.get("PrincipalTags")
        if isinstance(tags, dict):
            out.update(k.lower() for k in tags)
    return out
