"""Benchmark workloads: a Cognito identity policy and seeded requests with known answers.

This is the project's copy of the shared peer-benchmark workload
(``shared/peers/bench/workload.py``, written for this project, not AGPL). The
request stream of :func:`build` is identical to the shared one for the same seed
and sizes, so figures measured here can be set beside ``peers/performance.md``
and beside the peers' own bench scripts, which build it from the shared file.
The one addition to the base workload is :attr:`Workload.expected_decisions`: the
three-valued answer (``allow`` / ``explicit_deny`` / ``implicit_deny``) of each
request, also known by construction.

:func:`build_extended` is a second, optional workload that covers what the
shared one lists as "not covered yet": absent and multi-valued
``dynamodb:LeadingKeys`` (``ForAllValues`` is vacuously true on an absent key),
``NotAction`` and ``NotResource``, ``?`` wildcards, and a resource (bucket)
policy with an Allow naming the role and a ``Principal: "*"`` Deny on
``aws:SecureTransport``. Every expected decision comes from how the request was
made, never from running an evaluator; the reasoning for each category sits
beside it in :data:`EXT_CATEGORIES` and cites ``shared/spec/semantics.md``.

A request is a tuple ``(identity_index, action, resource_arn, context)``;
``context`` holds only request-specific keys, the identity's own keys come from
:func:`identity_context`.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

ACCOUNT = "123456789012"
REGION = "us-east-1"
POOL_ID = "us-east-1:0d1b2c3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
BUCKET = "app-user-data"
PUBLIC_BUCKET = "public-assets"
FOREIGN_BUCKET = "someone-elses-bucket"
TABLE_ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/UserData"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/Cognito_AppAuth_Role"
PRINCIPAL = f"arn:aws:sts::{ACCOUNT}:assumed-role/Cognito_AppAuth_Role/CognitoIdentityCredentials"
SUB_KEY = "cognito-identity.amazonaws.com:sub"
AUD_KEY = "cognito-identity.amazonaws.com:aud"
SUB = "${" + SUB_KEY + "}"

ALLOW = "allow"
EXPLICIT_DENY = "explicit_deny"
IMPLICIT_DENY = "implicit_deny"

Request = tuple[int, str, str, dict[str, Any]]

POLICY: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "OwnObjects",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": [f"arn:aws:s3:::{BUCKET}/{SUB}/*"],
        },
        {
            "Sid": "ListOwnPrefix",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": f"arn:aws:s3:::{BUCKET}",
            "Condition": {"StringLike": {"s3:prefix": [f"{SUB}/*"]}},
        },
        {
            "Sid": "OwnItems",
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
            "Resource": TABLE_ARN,
            "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [SUB]}},
        },
        {
            "Sid": "NoWritesToReadonly",
            "Effect": "Deny",
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/*/readonly/*",
        },
    ],
}

# category -> (share of requests, expected decision)
CATEGORIES: dict[str, tuple[float, str]] = {
    "s3_obj_own": (0.25, ALLOW),  # Get/PutObject under own prefix (never readonly/ for Put)
    # Get/PutObject under another identity's prefix; PutObject into other/readonly/
    # also meets the Deny, so that subset is an explicit deny (decided per request).
    "s3_obj_other": (0.20, IMPLICIT_DENY),
    "s3_list_own": (0.08, ALLOW),  # ListBucket, s3:prefix = own/...
    "s3_list_other": (0.07, IMPLICIT_DENY),  # ListBucket, s3:prefix = other/...
    "ddb_own": (0.15, ALLOW),  # Get/Put/Query, LeadingKeys = [own]
    "ddb_other": (0.13, IMPLICIT_DENY),  # Get/Put/Query, LeadingKeys = [other]
    "s3_put_readonly_own": (0.05, EXPLICIT_DENY),  # PutObject own/readonly/...
    "edge_case_variant": (0.025, IMPLICIT_DENY),  # upper-case GUID: ARNs are case-sensitive
    "edge_unlisted_action": (0.025, IMPLICIT_DENY),  # s3:DeleteObject under own prefix
    "edge_list_no_prefix": (0.02, IMPLICIT_DENY),  # ListBucket, s3:prefix absent
}

_FOLDERS = ["photos", "docs", "backup", "notes", "readonly", "shared"]
_EXT = ["jpg", "png", "txt", "json", "bin"]


def identity_context(identity_id: str) -> dict[str, str]:
    """Keys Cognito puts in the request context of an authenticated identity."""
    return {SUB_KEY: identity_id, AUD_KEY: POOL_ID}


def _key(rng: random.Random, owner: str, folder: str | None = None) -> str:
    folder = folder or rng.choice(_FOLDERS)
    return f"{owner}/{folder}/{rng.randrange(10**6):06d}.{rng.choice(_EXT)}"


@dataclass
class Workload:
    """Identities, requests and the decision AWS gives each request."""

    name: str
    identities: list[str]
    requests: list[Request]
    expected_decisions: list[str]
    categories: list[str]
    policy: dict[str, Any]
    resource_policy: dict[str, Any] | None = None
    category_expect: dict[str, str] = field(default_factory=dict)

    @property
    def expected(self) -> list[bool]:
        """Allow/deny only, for evaluators that answer a bool."""
        return [d == ALLOW for d in self.expected_decisions]

    def __len__(self) -> int:
        return len(self.requests)

    def head(self, n: int) -> Workload:
        """The first ``n`` requests (for peers too slow for the whole workload)."""
        return Workload(self.name, self.identities, self.requests[:n],
                        self.expected_decisions[:n], self.categories[:n], self.policy,
                        self.resource_policy, self.category_expect)

    def fingerprint(self) -> str:
        """SHA-256 over identities and requests (to prove two runs saw the same input)."""
        h = hashlib.sha256()
        h.update(json.dumps(self.identities).encode())
        for req in self.requests:
            h.update(json.dumps(req, sort_keys=True).encode())
        return h.hexdigest()[:16]

    def mix(self) -> dict[str, int]:
        """Number of requests per category."""
        return dict(Counter(self.categories))

    def dump_json(self, path: str) -> None:
        """Write the workload in the shape ``peers/bench/iamsimulate_runner.cjs`` reads."""
        with open(path, "w") as fh:
            json.dump({"identities": self.identities, "policy": self.policy,
                       "accountId": ACCOUNT, "roleArn": ROLE_ARN,
                       "requests": self.requests, "expected": self.expected,
                       "categories": self.categories}, fh)


def _identities(rng: random.Random, n: int) -> list[str]:
    return [f"{REGION}:{uuid.UUID(int=rng.getrandbits(128), version=4)}" for _ in range(n)]


def build(n_identities: int = 1000, n_requests: int = 100_000, seed: int = 20240601) -> Workload:
    """The shared peer workload: same seed and sizes give the same requests as the shared file."""
    if n_identities < 2:
        raise ValueError("need at least 2 identities (requests refer to another identity)")
    rng = random.Random(seed)
    identities = _identities(rng, n_identities)
    names = list(CATEGORIES)
    weights = [CATEGORIES[c][0] for c in names]
    cats = rng.choices(names, weights=weights, k=n_requests)
    requests: list[Request] = []
    expected: list[str] = []
    obj = f"arn:aws:s3:::{BUCKET}/"
    for cat in cats:
        i = rng.randrange(n_identities)
        own = identities[i]
        j = rng.randrange(n_identities - 1)
        other = identities[j + (j >= i)]
        ctx: dict[str, Any] = {}
        want = CATEGORIES[cat][1]
        if cat == "s3_obj_own":
            action = rng.choice(["s3:GetObject", "s3:PutObject"])
            folder = None if action == "s3:GetObject" else rng.choice(
                [f for f in _FOLDERS if f != "readonly"])
            res = obj + _key(rng, own, folder)
        elif cat == "s3_obj_other":
            action = rng.choice(["s3:GetObject", "s3:PutObject"])
            folder = rng.choice(_FOLDERS)  # the same draw _key would make
            res = obj + _key(rng, other, folder)
            if action == "s3:PutObject" and folder == "readonly":
                want = EXPLICIT_DENY  # NoWritesToReadonly matches any owner
        elif cat in ("s3_list_own", "s3_list_other"):
            action = "s3:ListBucket"
            res = f"arn:aws:s3:::{BUCKET}"
            who = own if cat == "s3_list_own" else other
            ctx["s3:prefix"] = f"{who}/" + rng.choice(["", "photos/", "docs/2024/"])
        elif cat in ("ddb_own", "ddb_other"):
            action = rng.choice(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"])
            res = TABLE_ARN
            ctx["dynamodb:LeadingKeys"] = [own if cat == "ddb_own" else other]
        elif cat == "s3_put_readonly_own":
            action = "s3:PutObject"
            res = obj + _key(rng, own, "readonly")
        elif cat == "edge_case_variant":
            action = "s3:GetObject"
            region, guid = own.split(":", 1)
            res = obj + _key(rng, f"{region}:{guid.upper()}")
        elif cat == "edge_unlisted_action":
            action = "s3:DeleteObject"
            res = obj + _key(rng, own)
        elif cat == "edge_list_no_prefix":
            action = "s3:ListBucket"
            res = f"arn:aws:s3:::{BUCKET}"
        else:  # pragma: no cover - the categories are listed above
            raise AssertionError(cat)
        requests.append((i, action, res, ctx))
        expected.append(want)
    return Workload("cognito", identities, requests, expected, cats, POLICY,
                    category_expect={c: e for c, (_, e) in CATEGORIES.items()})


# ------------------------------------------------------------------ extended workload

EXT_POLICY: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        *POLICY["Statement"],
        {
            "Sid": "OnlyStorageServices",
            "Effect": "Deny",
            "NotAction": ["s3:*", "dynamodb:*"],
            "Resource": "*",
        },
        {
            "Sid": "NoForeignBuckets",
            "Effect": "Deny",
            "Action": "s3:*",
            "NotResource": [
                f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*",
                f"arn:aws:s3:::{PUBLIC_BUCKET}", f"arn:aws:s3:::{PUBLIC_BUCKET}/*",
            ],
        },
        {
            "Sid": "ReadOutsideUserData",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "NotResource": f"arn:aws:s3:::{BUCKET}/*",
        },
        {
            "Sid": "DatedUploads",
            "Effect": "Allow",
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{PUBLIC_BUCKET}/uploads/????-??-??/*",
        },
    ],
}

BUCKET_POLICY: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "RoleReadsPublicFolder",
            "Effect": "Allow",
            "Principal": {"AWS": ROLE_ARN},
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/public/*",
        },
        {
            "Sid": "TlsOnly",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    ],
}

# The base categories keep their meaning under EXT_POLICY + BUCKET_POLICY: their
# actions are all s3:/dynamodb: (OnlyStorageServices does not apply), their buckets
# are listed in NoForeignBuckets, their GetObject resources are all in BUCKET/*
# (ReadOutsideUserData does not apply), their keys never start with "public/" and
# they carry no aws:SecureTransport key (a positive operator on an absent key is
# false, semantics.md 4.3).
EXT_CATEGORIES: dict[str, tuple[float, str]] = {
    # ForAllValues on an absent key is true (semantics.md 4.4) -> OwnItems allows.
    "ddb_absent_leading_keys": (0.06, ALLOW),
    # every value equals own id -> ForAllValues true.
    "ddb_multi_own": (0.05, ALLOW),
    # one value is another identity's id -> ForAllValues false -> no Allow.
    "ddb_multi_mixed": (0.05, IMPLICIT_DENY),
    # sqs:/lambda: are outside NotAction [s3:*, dynamodb:*] -> the Deny applies.
    "notaction_other_service": (0.04, EXPLICIT_DENY),
    # a bucket not listed in NotResource -> NoForeignBuckets applies (the Allow
    # ReadOutsideUserData also matches; the Deny wins).
    "notresource_foreign_bucket": (0.04, EXPLICIT_DENY),
    # public-assets/... is not BUCKET/* -> ReadOutsideUserData allows.
    "notresource_public_read": (0.05, ALLOW),
    # uploads/YYYY-MM-DD/... fits ????-??-?? -> DatedUploads allows.
    "qmark_upload_ok": (0.04, ALLOW),
    # uploads/YYYY-M-D/... does not fit -> no Allow.
    "qmark_upload_bad": (0.03, IMPLICIT_DENY),
    # only the bucket policy grants, to the role; same account, no boundary or
    # session policy -> allowed (semantics.md 2.3 step 5, rp_role).
    "rp_public_read": (0.05, ALLOW),
    # the bucket policy grants GetObject only.
    "rp_public_write": (0.03, IMPLICIT_DENY),
    # own object over plain HTTP -> TlsOnly (Principal "*") denies.
    "rp_insecure_own": (0.04, EXPLICIT_DENY),
}

_BASE_SHARE_IN_EXT = 0.52  # what is left after EXT_CATEGORIES' 0.48


def _ext_request(rng: random.Random, cat: str, own: str, other: str) -> tuple[str, str, dict]:
    obj = f"arn:aws:s3:::{BUCKET}/"
    ctx: dict[str, Any] = {}
    if cat == "ddb_absent_leading_keys":
        action = rng.choice(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"])
        return action, TABLE_ARN, ctx
    if cat == "ddb_multi_own":
        ctx["dynamodb:LeadingKeys"] = [own] * rng.randint(2, 4)
        return "dynamodb:Query", TABLE_ARN, ctx
    if cat == "ddb_multi_mixed":
        keys = [own, own, other]
        rng.shuffle(keys)
        ctx["dynamodb:LeadingKeys"] = keys
        return "dynamodb:Query", TABLE_ARN, ctx
    if cat == "notaction_other_service":
        if rng.random() < 0.5:
            return "sqs:SendMessage", f"arn:aws:sqs:{REGION}:{ACCOUNT}:app-events", ctx
        return "lambda:InvokeFunction", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:app-fn", ctx
    if cat == "notresource_foreign_bucket":
        action = rng.choice(["s3:GetObject", "s3:PutObject"])
        return action, f"arn:aws:s3:::{FOREIGN_BUCKET}/" + _key(rng, own), ctx
    if cat == "notresource_public_read":
        return "s3:GetObject", (f"arn:aws:s3:::{PUBLIC_BUCKET}/img/"
                                f"{rng.randrange(10**6):06d}.{rng.choice(_EXT)}"), ctx
    if cat in ("qmark_upload_ok", "qmark_upload_bad"):
        y, m, d = rng.randint(2020, 2026), rng.randint(1, 9), rng.randint(1, 9)
        day = f"{y}-{m:02d}-{d:02d}" if cat == "qmark_upload_ok" else f"{y}-{m}-{d}"
        return "s3:PutObject", (f"arn:aws:s3:::{PUBLIC_BUCKET}/uploads/{day}/"
                                f"{rng.randrange(10**6):06d}.{rng.choice(_EXT)}"), ctx
    if cat in ("rp_public_read", "rp_public_write"):
        ctx["aws:SecureTransport"] = "true"
        action = "s3:GetObject" if cat == "rp_public_read" else "s3:PutObject"
        return action, obj + f"public/{rng.randrange(10**6):06d}.{rng.choice(_EXT)}", ctx
    if cat == "rp_insecure_own":
        ctx["aws:SecureTransport"] = "false"
        return "s3:GetObject", obj + _key(rng, own), ctx
    raise AssertionError(cat)  # pragma: no cover


def build_extended(n_identities: int = 1000, n_requests: int = 100_000,
                   seed: int = 20241126) -> Workload:
    """Base categories (52%) plus the "not covered yet" ones (48%), with a bucket policy."""
    base = build(n_identities, n_requests, seed)
    rng = random.Random(seed + 1)
    names = list(EXT_CATEGORIES)
    weights = [EXT_CATEGORIES[c][0] for c in names]
    requests, expected, cats = [], [], []
    ids = base.identities
    n_id = len(ids)
    for k in range(n_requests):
        if rng.random() < _BASE_SHARE_IN_EXT:
            requests.append(base.requests[k])
            expected.append(base.expected_decisions[k])
            cats.append(base.categories[k])
            continue
        cat = rng.choices(names, weights=weights)[0]
        i = rng.randrange(n_id)
        j = rng.randrange(n_id - 1)
        action, res, ctx = _ext_request(rng, cat, ids[i], ids[j + (j >= i)])
        requests.append((i, action, res, ctx))
        expected.append(EXT_CATEGORIES[cat][1])
        cats.append(cat)
    cat_expect = {c: e for c, (_, e) in CATEGORIES.items()}
    cat_expect.update({c: e for c, (_, e) in EXT_CATEGORIES.items()})
    return Workload("cognito_extended", ids, requests, expected, cats, EXT_POLICY,
                    resource_policy=BUCKET_POLICY, category_expect=cat_expect)


# ------------------------------------------------------------------ checking answers


def agreement(wl: Workload, decisions: Sequence[Any], *, three_valued: bool = False) -> dict:
    """Compare answers with the expected ones, per category.

    ``decisions`` are bools (allowed or not) or, with ``three_valued``, the
    strings ``allow`` / ``explicit_deny`` / ``implicit_deny``.
    """
    if len(decisions) != len(wl.expected_decisions):
        raise ValueError(f"{len(decisions)} decisions for {len(wl.expected_decisions)} requests")
    total = Counter(wl.categories)
    wrong: Counter[str] = Counter()
    for cat, got, want in zip(wl.categories, decisions, wl.expected_decisions, strict=True):
        ok = got == want if three_valued else bool(got) == (want == ALLOW)
        if not ok:
            wrong[cat] += 1
    n = len(decisions)
    n_wrong = sum(wrong.values())
    return {
        "agree": n - n_wrong,
        "total": n,
        "agree_pct": round(100.0 * (n - n_wrong) / n, 2) if n else 100.0,
        "three_valued": three_valued,
        "disagreements": {c: f"{wrong[c]}/{total[c]} (expected {wl.category_expect.get(c, '?')})"
                          for c in sorted(wrong)},
    }


if __name__ == "__main__":
    for wl in (build(), build_extended()):
        n = len(wl.requests)
        print(f"{wl.name}: {n} requests, {len(wl.identities)} identities, "
              f"fingerprint {wl.fingerprint()}")
        for cat, count in sorted(wl.mix().items(), key=lambda kv: -kv[1]):
            print(f"  {cat:28s} {count:6d}  expect {wl.category_expect[cat]}")
        print("  allow share:", round(sum(wl.expected) / n, 4))
