"""The identity-pool stack gives the same decisions whichever format it is read from.

Each format names the pool's resources its own way (placeholders from a template,
real identifiers from a plan), so requests are built from each pool's own facts (its
user-pool provider and client, the identity id of the login, the table ARN its policy
names); the decisions must be the same and the expected ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from policy_eval.cognito.pool import IdentityPool
from policy_eval.document.iac import pool_source

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "iac"
FORMATS = {
    "terraform": FIXTURES / "terraform" / "identity-pool-stack" / "cognito.tf",
    "terraform-plan": FIXTURES / "terraform" / "identity-pool-stack.plan.json",
}
BUCKET = "arn:aws:s3:::example-notes-media"
SUB = "3908ef60-7c1a-4b52-a1d3-6e9f2b4c8a70"


def _table_arn(data: dict[str, Any]) -> str:
    for role in data["IamRoles"]:
        for item in role["RolePolicyList"]:
            for statement in item["PolicyDocument"]["Statement"]:
                if statement.get("Sid") == "OwnNotesOnly":
                    return str(statement["Resource"])
    raise AssertionError("no OwnNotesOnly statement")


def decisions(path: Path) -> dict[str, Any]:
    source, data = pool_source(path)
    pool = IdentityPool.from_source(data, source, "", path.parent)
    provider = data["IdentityPool"]["CognitoIdentityProviders"][0]
    table = _table_arn(data)
    out: dict[str, Any] = {}
    for tier in ("premium", "free"):
        ident = pool.login(provider=provider["ProviderName"], claims={
            "sub": SUB, "aud": provider["ClientId"], "token_use": "id",
            "iss": "https://" + provider["ProviderName"], "custom:tier": tier})
        own = ident.identity_id
        out[f"{tier}:role"] = ident.role_arn.rsplit("/", 1)[1]
        requests = {
            "read-own-file": ("s3:GetObject", f"{BUCKET}/private/{own}/notes.txt", {}),
            "read-other-file": ("s3:GetObject",
                                f"{BUCKET}/private/us-east-1:24097158-3f74-554e-9208/x", {}),
            "read-premium-file": ("s3:GetObject", f"{BUCKET}/premium/themes/dark.css", {}),
            "list-own-prefix": ("s3:ListBucket", BUCKET, {"s3:prefix": f"private/{own}/"}),
            "list-everyone": ("s3:ListBucket", BUCKET, {"s3:prefix": "private/"}),
            "query-own-notes": ("dynamodb:Query", table, {"dynamodb:LeadingKeys": [own]}),
            "query-other-notes": ("dynamodb:Query", table,
                                  {"dynamodb:LeadingKeys": ["us-east-1:someone-else"]}),
        }
        for name, (action, resource, context) in requests.items():
            out[f"{tier}:{name}"] = ident.can(action, resource, context=context).allowed
    guest = pool.login()
    out["guest:role"] = guest.role_arn.rsplit("/", 1)[1]
    out["guest:read-public"] = guest.can("s3:GetObject", f"{BUCKET}/public/logo.png").allowed
    out["guest:read-own-file"] = guest.can(
        "s3:GetObject", f"{BUCKET}/private/{guest.identity_id}/x").allowed
    return out


EXPECTED = {
    "premium:role": "notes-premium", "free:role": "notes-authenticated",
    "premium:read-own-file": True, "free:read-own-file": True,
    "premium:read-other-file": False, "free:read-other-file": False,
    "premium:read-premium-file": True, "free:read-premium-file": False,
    "premium:list-own-prefix": True, "free:list-own-prefix": True,
    "premium:list-everyone": False, "free:list-everyone": False,
    "premium:query-own-notes": True, "free:query-own-notes": True,
    "premium:query-other-notes": False, "free:query-other-notes": False,
    "guest:role": "notes-guest", "guest:read-public": True, "guest:read-own-file": False,
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_identity_pool_stack_decisions(fmt: str) -> None:
    assert decisions(FORMATS[fmt]) == EXPECTED
