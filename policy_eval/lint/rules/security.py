"""Security rules (``SEC``): what a policy lets its holder do, evaluated with conditions.

The peers decide these categories by looking at the text (cloudsplaining and checkov treat
*any* Condition as a mitigation, lint-anchors row 45). Here every claim is an engine
decision: a probe request on a resource nobody scoped the policy to
(:func:`._probe.concrete_resource`), with the context keys every signed request carries,
and again with the caller-chosen keys (user agent, region, transport, the service a role is
passed to) set to whatever the policy's own conditions ask for. A condition counts as a
mitigation only when it makes the engine deny.

Which actions fall in a category comes from the service reference (access levels) where
it knows; the escalation *methods* (combinations of actions) and the short lists of
credential-returning and data-reading actions come from the literature, cited at each list.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any, ClassVar

from ...catalog import get_catalog
from ...document.model import Policy, Statement
from ...errors import PolicyEvalError
from ..rule import Finding, Severity, Target, register
from . import _probe as P
from ._base import EvidenceRule, stronger_than

__all__ = ["CredentialsExposure", "DataExfiltration", "FullAdmin", "PassRoleUnscoped",
           "PassRoleWithoutPassedToService", "PermissionsManagement", "PrivilegeEscalation",
           "PublicAccess"]

#: IAM privilege-escalation methods: (name, actions, service a role is passed to).
#: Source: Rhino Security Labs, "AWS IAM Privilege Escalation - Methods and Mitigation"
#: (2018, 21 methods), as mapped by cloudsplaining 0.9.1 (pathfinding.cloud paths).
#: Following cloudsplaining #580, the Attach/Put/UpdateAssumeRolePolicy methods do not
#: require sts:AssumeRole: a role session can change its own role, and a trust policy can
#: be opened to an account the attacker controls. The last entry is the Cognito role swap
#: (lint-anchors section (b), COG009 background).
ESCALATION_METHODS: tuple[tuple[str, tuple[str, ...], str | None], ...] = (
    ("CreateNewPolicyVersion", ("iam:CreatePolicyVersion",), None),
    ("SetExistingDefaultPolicyVersion", ("iam:SetDefaultPolicyVersion",), None),
    ("CreateEC2WithExistingIP", ("iam:PassRole", "ec2:RunInstances"), "ec2.amazonaws.com"),
    ("CreateAccessKey", ("iam:CreateAccessKey",), None),
    ("CreateLoginProfile", ("iam:CreateLoginProfile",), None),
    ("UpdateLoginProfile", ("iam:UpdateLoginProfile",), None),
    ("AttachUserPolicy", ("iam:AttachUserPolicy",), None),
    ("AttachGroupPolicy", ("iam:AttachGroupPolicy",), None),
    ("AttachRolePolicy", ("iam:AttachRolePolicy",), None),
    ("PutUserPolicy", ("iam:PutUserPolicy",), None),
    ("PutGroupPolicy", ("iam:PutGroupPolicy",), None),
    ("PutRolePolicy", ("iam:PutRolePolicy",), None),
    ("AddUserToGroup", ("iam:AddUserToGroup",), None),
    ("UpdateRolePolicyToAssumeIt", ("iam:UpdateAssumeRolePolicy",), None),
    ("PassExistingRoleToNewLambdaThenInvoke",
     ("iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"), "lambda.amazonaws.com"),
    ("PassExistingRoleToNewLambdaThenTriggerWithNewDynamo",
     ("iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"),
     "lambda.amazonaws.com"),
    ("EditExistingLambdaFunctionWithRole", ("lambda:UpdateFunctionCode",), None),
    ("PassExistingRoleToNewGlueDevEndpoint", ("iam:PassRole", "glue:CreateDevEndpoint"),
     "glue.amazonaws.com"),
    ("UpdateExistingGlueDevEndpoint", ("glue:UpdateDevEndpoint",), None),
    ("PassExistingRoleToCloudFormation", ("iam:PassRole", "cloudformation:CreateStack"),
     "cloudformation.amazonaws.com"),
    ("PassExistingRoleToNewDataPipeline",
     ("iam:PassRole", "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"),
     "datapipeline.amazonaws.com"),
    ("PassExistingRoleToNewSageMakerNotebook",
     ("iam:PassRole", "sagemaker:CreateNotebookInstance",
      "sagemaker:CreatePresignedNotebookInstanceUrl"), "sagemaker.amazonaws.com"),
    ("SwapIdentityPoolRoles", ("iam:PassRole", "cognito-identity:SetIdentityPoolRoles"),
     "cognito-identity.amazonaws.com"),
)

#: Actions that return credentials. Source: cloudsplaining 0.9.1
#: ``shared/constants.py`` (CredentialsExposure) and parliament's community auditor
#: ``CREDENTIALS_EXPOSURE``; names the catalogue does not know are skipped. Left out:
#: ``cognito-identity:GetCredentialsForIdentity`` and ``GetOpenIdToken``, the public calls
#: every identity-pool client makes (they need no IAM permission and take only an
#: identity id; lint-anchors section (b)); a role that can mint tokens for *other*
#: identities (``GetOpenIdTokenForDeveloperIdentity``) is COG009's finding.
CREDENTIAL_ACTIONS = (
    "chime:CreateApiKey", "codepipeline:PollForJobs",
    "cognito-identity:GetOpenIdTokenForDeveloperIdentity", "connect:GetFederationToken",
    "connect:GetFederationTokens", "ec2:GetPasswordData", "ecr:GetAuthorizationToken",
    "gamelift:RequestUploadCredentials", "iam:CreateAccessKey", "iam:CreateLoginProfile",
    "iam:CreateServiceSpecificCredential", "iam:ResetServiceSpecificCredential",
    "iam:UpdateAccessKey", "lightsail:GetInstanceAccessDetails",
    "lightsail:GetRelationalDatabaseMasterUserPassword", "rds-db:connect",
    "redshift:GetClusterCredentials", "sso:GetRoleCredentials",
    "mediapackage:RotateChannelCredentials", "mediapackage:RotateIngestEndpointCredentials",
    "sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity",
    "sts:GetFederationToken", "sts:GetSessionToken",
)

#: Actions that read stored data out of the account. Source: cloudsplaining 0.9.1
#: DataExfiltration list, plus DynamoDB item reads (Riancho 2019 found 1,200 DynamoDB
#: tables readable through identity-pool roles; lint-anchors section (b)).
DATA_ACTIONS = (
    "s3:GetObject", "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath",
    "secretsmanager:GetSecretValue", "rds:CopyDBSnapshot", "rds:CreateDBSnapshot",
    "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan",
)

#: Sensitive actions from unrelated services: an identity allowed all of them on resources
#: nobody scoped it to is an administrator.
_ADMIN_PROBES = ("iam:CreateUser", "ec2:RunInstances", "s3:PutBucketPolicy",
                 "kms:ScheduleKeyDeletion", "organizations:LeaveOrganization")

_PASSED_TO = ("ec2.amazonaws.com", "lambda.amazonaws.com")


class _SecurityRule(EvidenceRule):
    kinds: ClassVar[tuple[str, ...]] = ("identity",)


def _known(actions: Iterable[str]) -> list[str]:
    cat = get_catalog()
    out = []
    for a in actions:
        info = cat.action(a)
        if info is not None:
            out.append(info.name)
    return out


class _Probe:
    """Unscoped probes of one policy: is ``action`` allowed on a resource nobody scoped
    the policy to, under some context the caller can produce? Shared by the rules of the
    family (see :func:`_probe_for`), so each policy is compiled and each probe decided once."""

    def __init__(self, policy: Policy, base: dict[str, Any]) -> None:
        self.policy: Policy = policy
        self.ps = P.policy_set([policy])
        self.base = base
        self.contexts = list(P.adversarial_contexts(policy.statements, self.base))
        self.cache: dict[tuple[str, str | None], tuple[bool, dict[str, Any]]] = {}

    def allowed(self, action: str, passed_to: str | None = None) -> tuple[bool, dict[str, Any]]:
        key = (action, passed_to)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        result: tuple[bool, dict[str, Any]] = (False, {})
        if self.ps is not None:
            res = P.concrete_resource(action)
            contexts = self.contexts
            if passed_to is not None:
                contexts = [{**c, "iam:PassedToService": passed_to} for c in contexts]
            d, used = P.first_allowed(self.ps, action, res, contexts)
            evidence = P.request_evidence(action, res, used, d, keys=[
                "iam:PassedToService", "aws:UserAgent", "aws:SourceIp", "aws:RequestedRegion"])
            if d is not None and d.allowed and d.statements:
                st = d.statements[0].statement
                evidence["statement"] = {"index": st.index, "sid": st.sid,
                                         "pointer": st.pointer}
                result = (True, evidence)
            else:
                result = (False, evidence)
        self.cache[key] = result
        return result

    def statement_of(self, evidence: dict[str, Any]) -> Statement | None:
        index = evidence.get("statement", {}).get("index")
        return self.policy.statements[index] if isinstance(index, int) else None


@lru_cache(maxsize=256)
def _cached_probe(policy: Policy, cognito: bool, guest: bool) -> _Probe:
    base = (P.cognito_context(guest=guest) if cognito else dict(P.TYPICAL_CONTEXT))
    return _Probe(policy, base)


def _probe_for(target: Target) -> _Probe:
    assert target.policy is not None
    facts = P.role_facts(target)
    return _cached_probe(target.policy, facts.cognito,
                         facts.cognito and facts.guest)


def _candidates(policy: Policy, wanted: Iterable[str]) -> list[str]:
    """``wanted`` actions some Allow statement of the policy could cover."""
    covered: set[str] = set()
    wanted_l = {a.lower(): a for a in wanted}
    for st in policy.statements:
        if st.effect != "Allow":
            continue
        for a in P.statement_actions(st):
            if a.lower() in wanted_l:
                covered.add(wanted_l[a.lower()])
    return [a for a in wanted if a in covered]


def _group_by_statement(target: Target, probe: _Probe, hits: Iterable[tuple[str, dict[str, Any]]]
                        ) -> dict[int, tuple[Statement, list[str], list[dict[str, Any]]]]:
    out: dict[int, tuple[Statement, list[str], list[dict[str, Any]]]] = {}
    for label, evidence in hits:
        st = probe.statement_of(evidence)
        if st is None:
            continue
        entry = out.setdefault(st.index, (st, [], []))
        entry[1].append(label)
        if len(entry[2]) < 3:
            entry[2].append(evidence)
    return out


#: Access levels from the most to the least dangerous to hand to a stranger.
_LEVEL_DANGER = {"Permissions management": 0, "Write": 1, "Tagging": 2, "Read": 3, "List": 4}


def danger_rank(action: str) -> tuple[int, int, int, str]:
    """Sort key, most dangerous first: changing who has access (putting a policy, then an
    ACL), deleting, other permissions management, other writes, tagging, reads, lists;
    shorter (more common) names first."""
    name = action.split(":", 1)[-1]
    level = P.access_level(action)
    grants = name.startswith(("Put", "Create", "Attach", "Update", "Set", "Add", "Grant"))
    if level == "Permissions management" and grants:
        rank, sub = (0, 0) if "Policy" in name else (2, 0)
    elif level == "Write" and name.startswith("Delete"):
        rank, sub = 1, 0 if "Object" in name else 1      # data first
    else:
        rank, sub = 3 + _LEVEL_DANGER.get(level, 5), 0
    return rank, sub, len(name), name


def most_dangerous_first(actions: Iterable[str]) -> list[str]:
    """``actions`` ordered for a message: the most dangerous of each kind first (putting a
    policy, deleting, putting an ACL, ...: one of each in turn), then the rest in turn."""
    tiers: dict[int, list[str]] = {}
    for action in sorted(actions, key=danger_rank):
        tiers.setdefault(danger_rank(action)[0], []).append(action)
    ordered = [tiers[k] for k in sorted(tiers)]
    out: list[str] = []
    for i in range(max((len(t) for t in ordered), default=0)):
        out.extend(t[i] for t in ordered if i < len(t))
    return out


def _shown(items: list[str], n: int = 5) -> str:
    return ", ".join(items[:n]) + (f" and {len(items) - n} more" if len(items) > n else "")


@register
class PrivilegeEscalation(_SecurityRule):
    """Policy allows a known IAM privilege-escalation method.

    What it does
    ------------
    For each escalation method of the literature (Rhino Security Labs' list as mapped by
    cloudsplaining, e.g. ``iam:CreatePolicyVersion``, ``iam:PassRole`` +
    ``lambda:CreateFunction`` + ``lambda:InvokeFunction``, ``iam:AttachRolePolicy``;
    plus the Cognito role swap ``iam:PassRole`` + ``cognito-identity:SetIdentityPoolRoles``)
    asks the engine whether *every* action of the method is allowed on a resource the
    policy was not scoped to, under a context the caller can produce. Conditions are
    evaluated, not assumed to help: ``StringLike aws:UserAgent "*"`` does not stop it,
    ``aws:PrincipalTag`` or ``aws:SourceVpc`` conditions do.

    Why is this bad?
    ----------------
    Each method turns the holder into an administrator (new policy version, new access key
    for another user, a Lambda running with a more privileged role...).

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["iam:CreatePolicyVersion", "s3:GetObject"], "Resource": "*",
      "Condition": {"StringLike": {"aws:UserAgent": "*"}}}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::reports/*"}]}
    ```
    """

    code = "SEC001"
    name = "privilege-escalation"
    summary = "allows a known privilege-escalation method (conditions evaluated)"
    severity = Severity.error
    security_severity = 8.8
    superseded_by = stronger_than("SEC001")

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        probe = _probe_for(target)
        if probe.ps is None:
            return
        covered = set(_candidates(policy, {a for _, acts, _ in ESCALATION_METHODS
                                                  for a in acts}))
        hits: list[tuple[str, dict[str, Any]]] = []
        for name, actions, passed_to in ESCALATION_METHODS:
            if not all(a in covered for a in actions):
                continue
            proofs = []
            for a in actions:
                ok, ev = probe.allowed(a, passed_to if a == "iam:PassRole" else None)
                if not ok:
                    break
                proofs.append(ev)
            else:
                key = next((ev for ev in proofs if ev["action"] != "iam:PassRole"), proofs[0])
                hits.append((name, {**key, "method": name, "actions": list(actions)}))
        for st, methods, evidence in _group_by_statement(target, probe, hits).values():
            yield self.make(target, P.relative(policy, st.pointer),
                            f"{st.label} allows privilege escalation ({_shown(methods)}); "
                            "the engine allows every action of the method on resources the "
                            "policy does not name", evidence={"methods": evidence},
                            fix="remove the IAM write actions, or scope them to named "
                                "resources with a condition the caller cannot satisfy "
                                "by choice")


@register
class FullAdmin(_SecurityRule):
    """Policy grants administrator access (every action on every resource).

    What it does
    ------------
    Asks the engine whether sensitive actions of unrelated services (``iam:CreateUser``,
    ``ec2:RunInstances``, ``s3:PutBucketPolicy``, ``kms:ScheduleKeyDeletion``,
    ``organizations:LeaveOrganization``) are all allowed on resources nobody named,
    however the policy spells it (``*``/``*``, ``NotAction``, ``NotResource``, a trivially
    true condition). On a role used through an identity pool the finding is critical:
    every app user (every guest, for the guest role) is an administrator.

    A plain ``*``/``*`` statement is also what ``ACT005`` (``full-admin``) checks
    syntactically; when both rules run, this finding is the one kept (it carries the proof
    and the identity-pool severity) and ``ACT005``'s at the same statement is dropped.

    Why is this bad?
    ----------------
    ``parliament`` reports nothing for ``*``/``*`` in its default mode (lint-anchors
    section (e)); this is the one grant that can do everything, including removing
    every other control.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": "iam:*",
      "Resource": "*"}, {"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::app-data/*"}]}
    ```
    """

    code = "SEC002"
    name = "admin-equivalent-access"
    summary = ("grants administrator-equivalent access, however spelled (engine-proved; "
               "critical on identity-pool roles)")
    severity = Severity.error
    security_severity = 9.0

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        probe = _probe_for(target)
        if probe.ps is None:
            return
        evidence = []
        for action in _ADMIN_PROBES:
            ok, ev = probe.allowed(action)
            if not ok:
                return
            evidence.append(ev)
        st = probe.statement_of(evidence[0]) or policy.statements[0]
        facts = P.role_facts(target)
        msg = f"{st.label} grants administrator access: {_shown(list(_ADMIN_PROBES), 3)} are " \
              "all allowed on resources the policy does not name"
        security = None
        if facts.cognito:
            who = "every guest" if facts.guest else "every app user"
            msg += f"; the role is used through an identity pool, so {who} is an administrator"
            security = 10.0
        yield self.make(target, P.relative(policy, st.pointer), msg, security=security,
                        evidence={"probes": evidence},
                        fix="grant the actions the workload needs on its own resources")


@register
class PassRoleUnscoped(_SecurityRule):
    """``iam:PassRole`` allowed on any role.

    What it does
    ------------
    Asks the engine whether ``iam:PassRole`` is allowed for a role ARN the policy does not
    name (``Resource: "*"``, ``arn:aws:iam::*:role/*``, ``NotResource``), for every
    service the caller may choose.

    Why is this bad?
    ----------------
    Passing the most privileged role of the account to a service the caller controls
    (EC2, Lambda, Glue, CloudFormation...) gives the caller that role's permissions
    (Access Analyzer ``PASS_ROLE_WITH_STAR_IN_RESOURCE``).

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole",
      "Resource": "*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole",
      "Resource": "arn:aws:iam::111122223333:role/app-lambda-execution",
      "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}}]}
    ```
    """

    code = "SEC003"
    name = "pass-role-any-role"
    summary = "iam:PassRole allowed on any role"
    severity = Severity.warning
    security_severity = 7.5

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        if not _candidates(policy, ["iam:PassRole"]):
            return
        probe = _probe_for(target)
        for service in _PASSED_TO:
            ok, ev = probe.allowed("iam:PassRole", service)
            if ok:
                st = probe.statement_of(ev)
                assert st is not None
                yield self.make(target, P.relative(policy, st.pointer),
                                f"{st.label} allows iam:PassRole on any role (the engine "
                                f"allows passing {ev['resource']} to {service})",
                                evidence={"probe": ev},
                                fix="name the roles that may be passed")
                return


@register
class PassRoleWithoutPassedToService(_SecurityRule):
    """``iam:PassRole`` without an ``iam:PassedToService`` restriction.

    What it does
    ------------
    For each statement that allows ``iam:PassRole``, probes the engine with the statement's
    own role ARNs passed to two different services (and with the key absent). If all are
    allowed, the statement does not restrict the receiving service.

    Why is this bad?
    ----------------
    A role meant for Lambda can then be handed to EC2, Glue or SageMaker, where the caller
    may run arbitrary code with it. No peer checks this (lint-anchors row 64).

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole",
      "Resource": "arn:aws:iam::111122223333:role/app-lambda-execution"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole",
      "Resource": "arn:aws:iam::111122223333:role/app-lambda-execution",
      "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}}]}
    ```
    """

    code = "SEC004"
    name = "pass-role-without-passed-to-service"
    summary = "iam:PassRole without an iam:PassedToService condition"
    severity = Severity.warning
    security_severity = 5.0

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        base = P.role_facts(target).caller_context()
        for st in policy.statements:
            if st.effect != "Allow" or "iam:PassRole" not in P.statement_actions(st):
                continue
            ps = P.statement_set(policy, st)
            if ps is None:
                continue
            values = {k: v for k, v in base.items() if isinstance(v, str)}
            roles = [P.instantiate(r, values, enabled=policy.variables_enabled)
                     for r in (st.resources or ["*"])]
            roles = [r if r.startswith("arn:") else P.concrete_resource("iam:PassRole")
                     for r in roles]
            probes = []
            for service in (*_PASSED_TO, None):
                ctx = dict(base)
                if service:
                    ctx["iam:PassedToService"] = service
                d = P.decide(ps, "iam:PassRole", roles[0], ctx)
                probes.append(P.request_evidence("iam:PassRole", roles[0], ctx, d,
                                                 keys=["iam:PassedToService"], statement=st))
                if d is None or not d.allowed:
                    break
            else:
                yield self.make(target, P.relative(policy, st.pointer),
                                f"{st.label} allows iam:PassRole to any service (the engine "
                                "allows it for ec2, lambda and with no service at all)",
                                evidence={"probes": probes},
                                fix='add "StringEquals": {"iam:PassedToService": '
                                    '"<service>.amazonaws.com"}')


class _ListRule(_SecurityRule):
    """A category defined by a list of actions, each probed on an unscoped resource."""

    actions: tuple[str, ...] = ()
    what: str = ""

    def wanted(self, policy: Policy) -> list[str]:
        # filter by the policy first: looking every listed action up in the catalog would
        # load a dozen services' data for a policy that grants none of them
        return _known(_candidates(policy, self.actions))

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        wanted = self.wanted(policy)
        if not wanted:
            return
        probe = _probe_for(target)
        hits = []
        for action in wanted:
            ok, ev = probe.allowed(action)
            if ok:
                hits.append((action, ev))
        for st, actions, evidence in _group_by_statement(target, probe, hits).values():
            yield self.make(target, P.relative(policy, st.pointer),
                            f"{st.label} allows {self.what} on resources it does not name: "
                            f"{_shown(sorted(actions))}", evidence={"probes": evidence},
                            fix="scope these actions to named resources")


@register
class CredentialsExposure(_ListRule):
    """Actions that return credentials, allowed on any resource.

    What it does
    ------------
    Probes the actions that hand out credentials or tokens (``sts:AssumeRole``,
    ``iam:CreateAccessKey``, ``ecr:GetAuthorizationToken``,
    ``cognito-identity:GetOpenIdTokenForDeveloperIdentity``,
    ``redshift:GetClusterCredentials``...; the list of cloudsplaining and parliament) on a
    resource the policy does not name, with conditions evaluated.

    Why is this bad?
    ----------------
    Credentials outlive the session that fetched them and carry other principals'
    permissions.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["sts:AssumeRole", "iam:CreateAccessKey"], "Resource": "*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
      "Resource": "arn:aws:iam::111122223333:role/reporting-readonly"}]}
    ```
    """

    code = "SEC005"
    name = "credentials-exposure"
    summary = "actions that return credentials, on resources the policy does not name"
    severity = Severity.warning
    security_severity = 7.0
    superseded_by = stronger_than("SEC005")
    actions = CREDENTIAL_ACTIONS
    what = "actions that return credentials"


@register
class DataExfiltration(_ListRule):
    """Data-reading actions allowed on any resource.

    What it does
    ------------
    Probes the actions that read stored data (``s3:GetObject``,
    ``secretsmanager:GetSecretValue``, ``ssm:GetParameter*``, RDS snapshot copies,
    DynamoDB item reads) on a resource the policy does not name, with conditions
    evaluated.

    Why is this bad?
    ----------------
    Every object, secret, parameter or item of the account becomes readable by the holder
    (for an identity-pool role: by every app user).

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["s3:GetObject", "dynamodb:GetItem"], "Resource": "*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::reports/*"}]}
    ```
    """

    code = "SEC006"
    name = "data-exfiltration"
    summary = "data-reading actions on resources the policy does not name"
    severity = Severity.warning
    security_severity = 6.5
    superseded_by = stronger_than("SEC006")
    actions = DATA_ACTIONS
    what = "reading stored data"


@register
class PermissionsManagement(_ListRule):
    """Permissions-management actions allowed on any resource.

    What it does
    ------------
    Takes the actions the service reference classes as *Permissions management*
    (``s3:PutBucketPolicy``, ``dynamodb:PutResourcePolicy``, ``iam:PutRolePolicy``,
    ``kms:CreateGrant``...) that the policy's statements cover, and probes them on a
    resource the policy does not name, with conditions evaluated.

    Why is this bad?
    ----------------
    Changing who may access a resource is the step before exposing it (public bucket
    policy, a grant to another account) or escalating (cloudsplaining's
    ResourceExposure).

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:*",
      "Resource": "*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
      "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/Notes"}]}
    ```
    """

    code = "SEC007"
    name = "permissions-management"
    summary = "permissions-management actions on resources the policy does not name"
    severity = Severity.warning
    security_severity = 7.5
    superseded_by = stronger_than("SEC007")
    what = "permissions management"

    def wanted(self, policy: Policy) -> list[str]:
        covered: dict[str, None] = {}
        for st in policy.statements:
            if st.effect != "Allow":
                continue
            pm = [a for a in P.statement_actions(st)
                  if P.access_level(a) == "Permissions management"]
            for a in P.representatives(pm, 4):
                covered[a] = None
        return list(covered)


@register
class PublicAccess(_SecurityRule):
    """Resource or trust policy that anyone can use.

    What it does
    ------------
    For a resource-based policy (S3 bucket, SQS queue, KMS key...) or a role trust policy,
    asks the engine whether an anonymous caller, or a principal of an unrelated account,
    is allowed the actions of each ``Principal: "*"`` statement under a context the
    caller can produce. A condition that really restricts (``aws:SourceVpce``,
    ``aws:PrincipalOrgID``...) makes the engine deny, and nothing is reported.

    Why is this bad?
    ----------------
    Everything the statement grants is granted to the internet: for a bucket of user
    uploads, every user's files are world-readable.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
      "Action": "s3:GetObject", "Resource": "arn:aws:s3:::user-uploads/*"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
      "Action": "s3:GetObject", "Resource": "arn:aws:s3:::user-uploads/*",
      "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]}
    ```
    """

    code = "SEC008"
    name = "public-access"
    summary = "resource or trust policy grants access to anyone"
    severity = Severity.warning
    security_severity = 8.0
    kinds: ClassVar[tuple[str, ...]] = ("resource", "trust")

    _STRANGER = "arn:aws:sts::999988887777:assumed-role/Stranger/session"
    #: Up to this many actions a statement covers are each probed (``s3:*`` is ~200);
    #: beyond it, a few per service and access level, and the count is an estimate.
    _PROBE_ALL = 600

    def _granted(self, ps: Any, st: Statement, kind: str
                 ) -> tuple[list[str], list[dict[str, Any]], bool]:
        """The statement's actions an outsider is allowed, most dangerous first, some
        probes as evidence, and whether the list was extrapolated from representatives."""
        actions = sorted(P.statement_actions(st), key=danger_rank)
        estimated = len(actions) > self._PROBE_ALL
        probed = sorted(P.representatives(actions, 2), key=danger_rank) if estimated \
            else actions
        # The resource is in our account (S3 ARNs carry none), the stranger in another.
        contexts = [{**c, "aws:ResourceAccount": P.PROBE_ACCOUNT}
                    for c in P.adversarial_contexts([st], P.TYPICAL_CONTEXT)]
        named = [P.instantiate(r, {}) for r in (st.resources or ()) if r != "*"]
        named = [r for r in named if r.startswith("arn:")]
        star = st.resources is not None and "*" in st.resources
        cat = get_catalog()
        granted: list[str] = []
        evidence: list[dict[str, Any]] = []
        for action in probed:
            rts = cat.resource_types_of_action(action)
            fitting = [r for r in named if any(cat.arn_matches_resource_type(r, rt)
                                               for rt in rts)]
            if fitting:
                res = fitting[0]
            elif star or st.not_resources is not None or kind == "trust":
                res = P.concrete_resource(action)
            else:
                continue      # no Resource of the statement fits the action: not granted
            if kind == "trust":
                res = P.PROBE_ROLE_ARN
            for principal in ("anonymous", self._STRANGER):
                d, used = P.first_allowed(ps, action, res, contexts, principal=principal)
                if d is not None and d.allowed:
                    granted.append(action)
                    if len(evidence) < 2:
                        evidence.append(P.request_evidence(action, res, used, d,
                                                           principal=principal, keys=[],
                                                           statement=st))
                    break
        if estimated and granted:
            groups = {(a.split(":")[0].lower(), P.access_level(a)) for a in granted}
            granted = [a for a in actions
                       if (a.split(":")[0].lower(), P.access_level(a)) in groups]
        return granted, evidence, estimated

    def check_policy(self, target: Target, policy: Policy) -> Iterator[Finding]:
        kind = "trust" if target.kind == "trust" else "resource"
        try:
            resource_policy = P.as_kind(policy, kind)
        except PolicyEvalError:  # a policy the engine refuses is reported by SYN rules
            return
        # The stranger has granted itself everything in its own account.
        ps = P.policy_set([{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"}]}], resource=resource_policy)
        if ps is None:
            return
        for st in policy.statements:
            if st.effect != "Allow" or st.principal is None or not (
                    st.principal.wildcard or "*" in st.principal.values_of("AWS")):
                continue
            granted, evidence, estimated = self._granted(ps, st, kind)
            if not granted:
                continue
            count = f"about {len(granted)}" if estimated else str(len(granted))
            what = ("anyone can assume this role" if kind == "trust" else
                    f"anyone can call {count} action{'s' if len(granted) != 1 else ''}"
                    + (", the most dangerous first: " if len(granted) > 1 else ": ")
                    + _shown(most_dangerous_first(granted), 4))
            yield self.make(target, P.relative(policy, st.pointer),
                            f"{st.label} has Principal \"*\" and no condition that stops an "
                            f"outside caller: {what}", evidence={"probes": evidence},
                            severity=Severity.error if kind == "trust" else None,
                            security=9.5 if kind == "trust" else None,
                            fix="name the principals, or restrict with aws:PrincipalOrgID / "
                                "aws:SourceVpce")
