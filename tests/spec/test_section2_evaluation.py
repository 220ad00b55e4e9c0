"""Spec section 2 (evaluation logic): statement matching, ARN matching, combining policy types."""

from __future__ import annotations

from typing import Any

import pytest

from ._support import (
    ACCOUNT,
    OTHER_ACCOUNT,
    ROLE_ARN,
    SESSION_ARN,
    SUB,
    decide,
    policy,
    stmt,
)

OBJ = "arn:aws:s3:::media/x.png"
TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Notes"
FOREIGN_TABLE = f"arn:aws:dynamodb:us-east-1:{OTHER_ACCOUNT}:table/Shared"
ALLOW_ALL = policy(stmt("Allow", "*", "*"))


def allow(action: Any = "s3:GetObject", resource: Any = "arn:aws:s3:::media/*",
          **kw: Any) -> dict[str, Any]:
    return policy(stmt("Allow", action, resource, **kw))


def deny(action: Any = "s3:GetObject", resource: Any = "arn:aws:s3:::media/*",
         **kw: Any) -> dict[str, Any]:
    return policy(stmt("Deny", action, resource, **kw))


def resource_policy(principal: Any, effect: str = "Allow", action: Any = "s3:GetObject",
                    resource: Any = "arn:aws:s3:::media/*", **kw: Any) -> dict[str, Any]:
    return policy(stmt(effect, action, resource, Principal=principal, **kw))


# --- 2.1 statement matching ---------------------------------------------------------------

def test_no_statement_is_implicit_deny() -> None:
    """2.1/2.3: without a matching Allow the decision is an implicit deny."""
    assert decide(allow("s3:PutObject"), resource=OBJ) == "implicit_deny"
    assert decide([], resource=OBJ) == "implicit_deny"


def test_notaction_allow_grants_every_other_action() -> None:
    """2.1: Allow + NotAction iam:* + Resource * grants every non-IAM action."""
    doc = policy(stmt("Allow", None, "*", NotAction="iam:*"))
    assert decide(doc, "s3:GetObject", OBJ) == "allow"
    assert decide(doc, "dynamodb:DeleteTable", TABLE) == "allow"
    assert decide(doc, "iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/bob") == "implicit_deny"
    assert decide(doc, "IAM:createuser", f"arn:aws:iam::{ACCOUNT}:user/bob") == "implicit_deny"


def test_notaction_does_not_exempt_from_other_statements() -> None:
    """2.1: NotAction widens its own statement; another statement may still grant the action."""
    doc = policy(stmt("Allow", None, "*", NotAction="iam:*"),
                 stmt("Allow", "iam:GetUser", "*"))
    assert decide(doc, "iam:GetUser", f"arn:aws:iam::{ACCOUNT}:user/bob") == "allow"


def test_deny_with_notaction() -> None:
    """2.1: Deny + NotAction denies every action not listed."""
    doc = [ALLOW_ALL, policy(stmt("Deny", None, "*", NotAction=["s3:*", "dynamodb:GetItem"]))]
    assert decide(doc, "s3:GetObject", OBJ) == "allow"
    assert decide(doc, "dynamodb:GetItem", TABLE) == "allow"
    assert decide(doc, "dynamodb:PutItem", TABLE) == "explicit_deny"


def test_notresource_allow_and_deny() -> None:
    """2.1: NotResource matches when no listed pattern matches."""
    doc = policy(stmt("Allow", "s3:GetObject", None, NotResource="arn:aws:s3:::media/secret/*"))
    assert decide(doc, resource=OBJ) == "allow"
    assert decide(doc, resource="arn:aws:s3:::media/secret/a") == "implicit_deny"
    guarded = [allow(), deny("s3:*", None, NotResource=["arn:aws:s3:::media/public/*"])]
    assert decide(guarded, resource="arn:aws:s3:::media/public/a") == "allow"
    assert decide(guarded, resource=OBJ) == "explicit_deny"


@pytest.mark.parametrize("pattern,action,expected", [
    ("iam:*AccessKey*", "iam:CreateAccessKey", "allow"),
    ("iam:*AccessKey*", "iam:ListAccessKeys", "allow"),
    ("iam:*AccessKey*", "iam:ListUsers", "implicit_deny"),
    ("s3:Get?bject", "s3:GetObject", "allow"),
    ("s3:Get?bject", "s3:GetObjectAcl", "implicit_deny"),
    ("s3:*", "s3:ListBucket", "allow"),
    ("s3:*", "s3express:CreateSession", "implicit_deny"),
    ("s3:Get*", "s3:GetObject", "allow"),
    ("s3:Get*", "s3:PutObject", "implicit_deny"),
])
def test_action_wildcards(pattern: str, action: str, expected: str) -> None:
    """2.1: '*' matches any run (incl. none), '?' exactly one character, within the action."""
    assert decide(policy(stmt("Allow", pattern, "*")), action, "*") == expected


# --- 2.2 ARN and resource matching --------------------------------------------------------

@pytest.mark.parametrize("resource,expected", [
    ("arn:aws:s3:::bucket/1/2/test/3/x.jpg", "allow"),
    ("arn:aws:s3:::bucket//test/x.jpg", "allow"),
    ("arn:aws:s3:::bucket/test/x.jpg", "implicit_deny"),
])
def test_star_crosses_slashes(resource: str, expected: str) -> None:
    """2.2: `bucket/*/test/*` matches across '/', AWS's own example."""
    doc = policy(stmt("Allow", "s3:GetObject", "arn:aws:s3:::bucket/*/test/*"))
    assert decide(doc, resource=resource) == expected


def test_identity_id_colon_inside_resource_segment() -> None:
    """2.2: split on the first five colons only; an identity id's ':' is in the resource part."""
    doc = policy(stmt("Allow", "s3:GetObject", "arn:aws:s3:::media/*"))
    assert decide(doc, resource=f"arn:aws:s3:::media/{SUB}/a.jpg") == "allow"
    exact = policy(stmt("Allow", "s3:GetObject", f"arn:aws:s3:::media/{SUB}/a.jpg"))
    assert decide(exact, resource=f"arn:aws:s3:::media/{SUB}/a.jpg") == "allow"


def test_trailing_star_may_cross_colons() -> None:
    """2.2: a trailing '*' in Resource may expand past colon boundaries."""
    doc = policy(stmt("Allow", "sqs:SendMessage", "arn:aws:sqs:*"))
    assert decide(doc, "sqs:SendMessage",
                  f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders") == "allow"


def test_question_mark_in_resource() -> None:
    """2.2: '?' matches exactly one character in a Resource pattern."""
    doc = policy(stmt("Allow", "s3:GetObject", "arn:aws:s3:::media/img-?.png"))
    assert decide(doc, resource="arn:aws:s3:::media/img-1.png") == "allow"
    assert decide(doc, resource="arn:aws:s3:::media/img-12.png") == "implicit_deny"


def test_resource_star_and_actions_without_resource_type() -> None:
    """2.2: Resource "*" matches every request (even resource "*"); an ARN never matches "*"."""
    assert decide(policy(stmt("Allow", "s3:ListAllMyBuckets", "*")),
                  "s3:ListAllMyBuckets", "*") == "allow"
    assert decide(policy(stmt("Allow", "s3:ListAllMyBuckets", "arn:aws:s3:::*")),
                  "s3:ListAllMyBuckets", "*") == "implicit_deny"


def test_bucket_arn_is_not_matched_by_object_pattern() -> None:
    """2.2/5.2: `media/*` does not match the bucket ARN `media`."""
    assert decide(allow("s3:ListBucket"), "s3:ListBucket", "arn:aws:s3:::media") == "implicit_deny"


# --- 2.3 combining policy types ----------------------------------------------------------

def test_explicit_deny_in_identity_policy_wins() -> None:
    """2.3 step 1: an applicable Deny beats every Allow."""
    assert decide([allow(), deny()], resource=OBJ) == "explicit_deny"
    assert decide([deny(), ALLOW_ALL], resource=OBJ) == "explicit_deny"


def test_boundary_caps_identity_policy() -> None:
    """2.3 step 6: identity Allow needs a boundary Allow too (intersection)."""
    assert decide(allow(), resource=OBJ, boundary=allow()) == "allow"
    assert decide(allow(), resource=OBJ, boundary=allow("s3:PutObject")) == "implicit_deny"
    assert decide(allow("s3:PutObject"), resource=OBJ, boundary=allow()) == "implicit_deny"


def test_boundary_deny_is_explicit() -> None:
    """2.3 step 1: a Deny in the permissions boundary is an explicit deny."""
    bnd = policy(stmt("Allow", "*", "*"), stmt("Deny", "s3:GetObject", "*"))
    assert decide(allow(), resource=OBJ, boundary=bnd) == "explicit_deny"


def test_session_policy_caps_and_never_grants() -> None:
    """2.3 step 7: session policies limit, never grant."""
    assert decide(allow(), resource=OBJ, session=[allow()]) == "allow"
    assert decide(allow(), resource=OBJ, session=[allow("s3:PutObject")]) == "implicit_deny"
    assert decide([], resource=OBJ, session=[allow()]) == "implicit_deny"


def test_several_session_policies_are_a_union() -> None:
    """2.3: several session policies (Cognito inline + managed ARNs) allow if any allows."""
    role = policy(stmt("Allow", ["s3:GetObject", "rum:PutRumEvents", "polly:SynthesizeSpeech"],
                       "*"))
    inline = allow("s3:GetObject", "*")
    managed = allow("rum:PutRumEvents", "*")
    for action in ("s3:GetObject", "rum:PutRumEvents"):
        assert decide(role, action, "*", session=[inline, managed]) == "allow", action
    assert decide(role, "polly:SynthesizeSpeech", "*",
                  session=[inline, managed]) == "implicit_deny"


def test_session_policy_deny_is_explicit() -> None:
    """2.3 step 1: a Deny in a session policy is an explicit deny."""
    sess = policy(stmt("Allow", "*", "*"), stmt("Deny", "s3:GetObject", "*"))
    assert decide(allow(), resource=OBJ, session=[sess]) == "explicit_deny"


def test_empty_session_list_means_no_session_policy() -> None:
    """2.3 step 7 applies only when session policies were passed."""
    assert decide(allow(), resource=OBJ, session=[]) == "allow"


# SCP levels: root, OU..., account; each level needs its own Allow (2.3 steps 1 and 3).
FULL_ACCESS = policy(stmt("Allow", "*", "*"))


def test_scp_each_level_needs_an_allow() -> None:
    """2.3 step 3: SCPs intersect across levels; any level without an Allow denies."""
    s3_only = policy(stmt("Allow", "s3:*", "*"))
    assert decide(allow(), resource=OBJ, scps=[[FULL_ACCESS], [s3_only], [FULL_ACCESS]]) == "allow"
    assert decide(allow(), resource=OBJ,
                  scps=[[FULL_ACCESS], [policy(stmt("Allow", "dynamodb:*", "*"))],
                        [FULL_ACCESS]]) != "allow"


def test_scp_never_grants() -> None:
    """2.3: SCPs only cap; an SCP Allow without an identity Allow is still a deny."""
    assert decide([], resource=OBJ, scps=[[FULL_ACCESS]]) == "implicit_deny"


def test_scp_deny_at_any_level_is_explicit() -> None:
    """2.3 step 1: a Deny at any SCP level is an explicit deny."""
    deny_get = policy(stmt("Allow", "*", "*"), stmt("Deny", "s3:GetObject", "*"))
    assert decide(allow(), resource=OBJ,
                  scps=[[FULL_ACCESS], [deny_get], [FULL_ACCESS]]) == "explicit_deny"


def test_scp_level_with_several_policies_is_a_union() -> None:
    """2.3: within one level any attached SCP's Allow counts (FullAWSAccess plus others)."""
    assert decide(allow(), resource=OBJ,
                  scps=[[policy(stmt("Allow", "dynamodb:*", "*")), FULL_ACCESS]]) == "allow"


def test_rcp_caps_and_denies() -> None:
    """2.3 steps 1-2: RCP levels cap like SCPs; an RCP Deny is explicit."""
    assert decide(allow(), resource=OBJ, rcps=[[FULL_ACCESS]]) == "allow"
    assert decide(allow(), resource=OBJ,
                  rcps=[[FULL_ACCESS], [policy(stmt("Allow", "dynamodb:*", "*"))]]) != "allow"
    deny_get = policy(stmt("Allow", "*", "*"), stmt("Deny", "s3:GetObject", "*"))
    assert decide(allow(), resource=OBJ, rcps=[[deny_get]]) == "explicit_deny"


# resource-based policies, same account

def test_resource_policy_naming_session_arn_grants_alone() -> None:
    """2.3 step 4: a same-account resource policy naming the session ARN allows by itself."""
    rp = resource_policy({"AWS": SESSION_ARN})
    assert decide([], resource=OBJ) == "implicit_deny"
    assert decide([], resource=OBJ, resource_policy=rp) == "allow"


def test_resource_policy_naming_session_arn_not_capped_by_boundary_or_session() -> None:
    """2.3 step 4: a grant to the session ARN is not limited by boundary or session policy."""
    rp = resource_policy({"AWS": SESSION_ARN})
    none = allow("s3:PutObject")
    assert decide([], resource=OBJ, resource_policy=rp, boundary=none) == "allow"
    assert decide([], resource=OBJ, resource_policy=rp, session=[none]) == "allow"


def test_resource_policy_naming_role_arn_is_capped() -> None:
    """2.3 steps 5-7: a grant to the role ARN counts like an identity Allow but is capped."""
    rp = resource_policy({"AWS": ROLE_ARN})
    none = allow("s3:PutObject")
    assert decide([], resource=OBJ, resource_policy=rp) == "allow"
    assert decide([], resource=OBJ, resource_policy=rp, boundary=none) == "implicit_deny"
    assert decide([], resource=OBJ, resource_policy=rp, session=[none]) == "implicit_deny"


def test_resource_policy_principal_star_grants_uncapped() -> None:
    """2.3 step 4: Principal "*" grants directly, not capped by boundary/session [D/I]."""
    rp = resource_policy("*")
    none = allow("s3:PutObject")
    assert decide([], resource=OBJ, resource_policy=rp) == "allow"
    assert decide([], resource=OBJ, resource_policy=rp, boundary=none, session=[none]) == "allow"


@pytest.mark.parametrize("account_principal", [ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root"])
def test_resource_policy_naming_account_does_not_grant(account_principal: str) -> None:
    """2.3: a same-account resource policy naming only the account delegates to IAM [I]."""
    rp = resource_policy({"AWS": account_principal})
    assert decide([], resource=OBJ, resource_policy=rp) == "implicit_deny"
    assert decide(allow(), resource=OBJ, resource_policy=rp) == "allow"


def test_resource_policy_for_someone_else_does_not_grant() -> None:
    """2.1 step 3: the Principal entry must match the caller."""
    rp = resource_policy({"AWS": f"arn:aws:iam::{ACCOUNT}:role/SomeOtherRole"})
    assert decide([], resource=OBJ, resource_policy=rp) == "implicit_deny"


def test_resource_policy_deny_is_explicit() -> None:
    """2.3 step 1: a Deny in the resource policy is an explicit deny."""
    rp = resource_policy("*", effect="Deny")
    assert decide(ALLOW_ALL, resource=OBJ, resource_policy=rp) == "explicit_deny"


def test_resource_policy_deny_notprincipal_with_boundary_always_denies() -> None:
    """2.3: Deny + NotPrincipal in a resource policy denies any caller with a boundary."""
    rp = policy(stmt("Deny", "s3:GetObject", "arn:aws:s3:::media/*",
                     NotPrincipal={"AWS": [SESSION_ARN, ROLE_ARN]}))
    assert decide(allow(), resource=OBJ, resource_policy=rp) == "allow"
    assert decide(allow(), resource=OBJ, resource_policy=rp, boundary=ALLOW_ALL) == "explicit_deny"


# cross-account

def test_cross_account_needs_both_sides() -> None:
    """2.3: cross-account access needs the identity Allow and the resource-policy Allow."""
    ident = policy(stmt("Allow", "dynamodb:GetItem", FOREIGN_TABLE))
    rp = policy(stmt("Allow", "dynamodb:GetItem", FOREIGN_TABLE, Principal={"AWS": ROLE_ARN}))
    assert decide(ident, "dynamodb:GetItem", FOREIGN_TABLE) == "implicit_deny"
    assert decide([], "dynamodb:GetItem", FOREIGN_TABLE, resource_policy=rp) == "implicit_deny"
    assert decide(ident, "dynamodb:GetItem", FOREIGN_TABLE, resource_policy=rp) == "allow"


def test_cross_account_s3_uses_resource_account_key() -> None:
    """0/2.3: S3 ARNs carry no account; aws:ResourceAccount decides same vs cross account."""
    rp = resource_policy({"AWS": ROLE_ARN})
    ctx = {"aws:ResourceAccount": OTHER_ACCOUNT}
    assert decide([], resource=OBJ, resource_policy=rp, context=ctx) == "implicit_deny"
    assert decide(allow(), resource=OBJ, resource_policy=rp, context=ctx) == "allow"
    assert decide(allow(), resource=OBJ, context=ctx) == "implicit_deny"


def test_explicit_deny_everywhere_beats_session_arn_grant() -> None:
    """2.3 step 1: explicit deny anywhere beats even a resource-policy grant to the session."""
    rp = resource_policy({"AWS": SESSION_ARN})
    assert decide(deny(), resource=OBJ, resource_policy=rp) == "explicit_deny"
    assert decide([], resource=OBJ, resource_policy=rp,
                  session=[policy(stmt("Deny", "*", "*"))]) == "explicit_deny"
    assert decide([], resource=OBJ, resource_policy=rp,
                  scps=[[FULL_ACCESS, policy(stmt("Deny", "s3:*", "*"))]]) == "explicit_deny"


# --- 2.4 worked example --------------------------------------------------------------------

def test_section_2_4_worked_example() -> None:
    """2.4: Deny on media/locked/* beats s3:*; media/* does not cover the bucket ARN."""
    doc = policy(stmt("Allow", "s3:*", "arn:aws:s3:::media/*"),
                 stmt("Deny", "s3:DeleteObject", "arn:aws:s3:::media/locked/*"))
    assert decide(doc, "s3:DeleteObject", "arn:aws:s3:::media/locked/a.png") == "explicit_deny"
    assert decide(doc, "s3:GetObject", "arn:aws:s3:::media/x.png") == "allow"
    assert decide(doc, "s3:ListBucket", "arn:aws:s3:::media") == "implicit_deny"


def test_decision_names_the_deciding_statement() -> None:
    """2.3 / DESIGN: a Decision says allowed or not and names the statement that decided it."""
    import policy_eval as pe

    doc = policy(dict(stmt("Allow", "s3:*", "arn:aws:s3:::media/*"), Sid="MediaReadWrite"),
                 dict(stmt("Deny", "s3:DeleteObject", "arn:aws:s3:::media/locked/*"),
                      Sid="KeepLockedFiles"))
    ps = pe.PolicySet(identity=[doc])
    denied = ps.evaluate(pe.Request(action="s3:DeleteObject",
                                    resource="arn:aws:s3:::media/locked/a.png",
                                    principal=SESSION_ARN))
    allowed = ps.evaluate(pe.Request(action="s3:GetObject", resource=OBJ, principal=SESSION_ARN))
    assert (denied.decision, denied.allowed) == ("explicit_deny", False)
    assert (allowed.decision, allowed.allowed) == ("allow", True)
    assert "KeepLockedFiles" in denied.explain()
    assert "MediaReadWrite" in allowed.explain()
    assert denied.to_dict()["decision"] == "explicit_deny"
    many = ps.evaluate_many([pe.Request(action="s3:GetObject", resource=OBJ, principal=SESSION_ARN),
                             pe.Request(action="s3:DeleteObject",
                                        resource="arn:aws:s3:::media/locked/a.png",
                                        principal=SESSION_ARN)])
    assert [d.decision for d in many] == ["allow", "explicit_deny"]
