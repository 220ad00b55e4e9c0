"""Deterministic generator of Cognito-flavoured policy sets and requests.

Our own code (nothing taken from iam-simulate): a seeded :class:`random.Random` builds
identity policies (and sometimes a permissions boundary) of the shapes Cognito identity-pool
roles use, then requests aimed at what those policies mention, so most requests exercise a
statement rather than falling through to an implicit deny.

Covered on purpose (see :func:`feature_counts`): ``${cognito-identity.amazonaws.com:sub}`` in
Resource/NotResource and in condition values, ``${aws:PrincipalTag/...}``, defaults,
``ForAllValues``/``ForAnyValue`` on ``dynamodb:LeadingKeys`` (own, other, mixed, empty, absent
key), ``...IfExists``, ``Null``, NotAction/NotResource, Allow and Deny, ``s3:prefix``
``StringLike``, String/Bool/Numeric/Date/IpAddress/Arn operators, and a few constructs on which
iam-simulate is known to differ from AWS (empty-string values, unresolvable variables under
negated operators or in NotResource, ``${*}`` in ``StringEquals``, a ``*`` spanning ARN
colons, upper-case ARN segments, epoch-vs-ISO dates, defaults written without the space,
``ForAnyValue:...IfExists``, policies without ``Version``).

A *case* is a plain dict::

    {"id": "s12r3", "set": 12, "identity": [doc, ...], "boundary": doc | None,
     "request": {"action": ..., "resource": ..., "principal": ..., "context": {...}}}

Cases of the same policy set share the policy objects (``set`` is the set index).
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

ACCOUNT = "123456789012"
REGION = "us-east-1"
POOL_ID = "us-east-1:0c1f4e7a-2b3c-4d5e-8f90-a1b2c3d4e5f6"
USER_POOL_PROVIDER = "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123"
ROLE_NAME = "Cognito_AppAuth_Role"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/{ROLE_NAME}"
PRINCIPAL = f"arn:aws:sts::{ACCOUNT}:assumed-role/{ROLE_NAME}/CognitoIdentityCredentials"
BUCKET = "app-bucket"
TABLE_ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/UserData"
OTHER_TABLE_ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/AuditLog"
INDEX_ARN = TABLE_ARN + "/index/ByDate"

SUB = "cognito-identity.amazonaws.com:sub"
AUD = "cognito-identity.amazonaws.com:aud"
AMR = "cognito-identity.amazonaws.com:amr"
V_SUB = "${" + SUB + "}"
V_DEPT = "${aws:PrincipalTag/dept}"
V_USERNAME = "${aws:username}"
V_SUB_DEFAULT = "${" + SUB + ", 'guest'}"
V_SUB_DEFAULT_NOSPACE = "${" + SUB + ",'guest'}"

DEPTS = ["legal", "hr", "eng"]
S3_OBJECT_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
DDB_ACTIONS = [
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:BatchGetItem",
    "dynamodb:PutItem",
    "dynamodb:Scan",
]
OTHER_ACTIONS = ["iam:CreateUser", "cognito-sync:ListRecords", "lambda:InvokeFunction"]

Doc = dict[str, Any]
Case = dict[str, Any]


def _identity_id(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{REGION}:{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _obj(key: str) -> str:
    return f"arn:aws:s3:::{BUCKET}/{key}"


def _maybe_recase_action(rng: random.Random, action: str) -> str:
    if rng.random() < 0.08:
        service, name = action.split(":", 1)
        return service.upper() + ":" + name.lower()
    return action


class Generator:
    """Builds policy sets and requests from one seed; same seed, same cases."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.ids = [_identity_id(self.rng) for _ in range(6)]

    # ---- policies ------------------------------------------------------------------

    def _s3_object_patterns(self) -> str:
        r = self.rng
        return r.choices(
            [
                _obj(f"private/{V_SUB}/*"),
                _obj(f"protected/{V_SUB}/*"),
                _obj("protected/*"),
                _obj("public/*"),
                _obj(f"{V_DEPT}/*"),
                _obj(f"home/{V_USERNAME}/*"),
                _obj(f"private/{V_SUB_DEFAULT}/*"),
                _obj(f"private/{V_SUB_DEFAULT_NOSPACE}/*"),
                _obj(f"private/{V_SUB}/photos/*.jpg"),
                _obj("private/us-east-1:*"),
                _obj("*"),
                "arn:aws:s3:::*/public/*",
                "arn:AWS:s3:::" + BUCKET + "/*",
                "arn:aws:s3:::App-Bucket/*",
                "*",
            ],
            weights=[14, 6, 3, 4, 5, 2, 2, 1, 2, 2, 3, 1, 1, 1, 2],
        )[0]

    def _ddb_patterns(self) -> str:
        return self.rng.choices(
            [
                TABLE_ARN,
                TABLE_ARN + "/index/*",
                f"arn:aws:dynamodb:*:{ACCOUNT}:table/UserData",
                "arn:aws:dynamodb:*:table/UserData",  # '*' must span region:account
                "arn:aws:dynamodb:US-EAST-1:" + ACCOUNT + ":table/UserData",
                f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/*",
                "*",
            ],
            weights=[12, 3, 3, 1, 1, 3, 2],
        )[0]

    def _leading_keys_condition(self) -> dict[str, Any]:
        r = self.rng
        op = r.choices(
            [
                "ForAllValues:StringEquals",
                "ForAnyValue:StringEquals",
                "ForAllValues:StringLike",
                "ForAllValues:StringNotEquals",
                "ForAnyValue:StringEqualsIfExists",
                "ForAllValues:StringEqualsIfExists",
                "StringEquals",
            ],
            weights=[10, 4, 3, 2, 2, 1, 1],
        )[0]
        value: Any = r.choices(
            [V_SUB, [V_SUB, "shared"], V_SUB + "*", V_SUB_DEFAULT],
            weights=[8, 2, 1, 1],
        )[0]
        if op.startswith("ForAllValues:StringEquals") or op == "StringEquals":
            value = V_SUB if value == V_SUB + "*" else value
        cond: dict[str, Any] = {op: {"dynamodb:LeadingKeys": value}}
        if r.random() < 0.3:
            cond["Null"] = {"dynamodb:LeadingKeys": "false"}
        return cond

    def _prefix_condition(self, effect: str) -> dict[str, Any]:
        r = self.rng
        choice = r.randrange(9)
        if choice <= 2:
            vals = r.choice(
                [
                    [f"private/{V_SUB}/*"],
                    [f"private/{V_SUB}/*", f"protected/{V_SUB}/*", "public/*"],
                    ["", "public/", f"private/{V_SUB}/*"],
                    [f"{V_DEPT}/*"],
                ]
            )
            cond: dict[str, Any] = {"StringLike": {"s3:prefix": vals}}
        elif choice == 3:
            cond = {"StringEquals": {"s3:prefix": r.choice(["", f"private/{V_SUB}/", "a${*}b"])}}
        elif choice == 4:
            cond = {"StringLikeIfExists": {"s3:prefix": [f"private/{V_SUB}/*", "public/*"]}}
        elif choice == 5:
            cond = {"StringNotLike": {"s3:prefix": [f"private/{V_SUB}/*", "public/*"]}}
        elif choice == 6:
            cond = {"StringNotEquals": {"s3:delimiter": "/"}}
        elif choice == 7:
            cond = {"NumericLessThanEquals": {"s3:max-keys": r.choice(["10", "100", 1000])}}
        else:
            cond = {
                "StringLike": {"s3:prefix": f"private/{V_SUB}/*"},
                "Null": {"s3:prefix": "false"},
            }
        if effect == "Allow" and r.random() < 0.2:
            cond.setdefault("Null", {"s3:prefix": r.choice(["false", "true", False])})
        return cond

    def _guard_condition(self) -> dict[str, Any]:
        """Conditions on session / principal keys; used by any statement kind."""
        r = self.rng
        options: list[dict[str, Any]] = [
            {"Bool": {"aws:SecureTransport": r.choice(["false", "true", False])}},
            {"BoolIfExists": {"aws:SecureTransport": "true"}},
            {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}},
            {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
            {"StringEquals": {"aws:PrincipalTag/dept": r.choice([["legal", "hr"], "eng"])}},
            {"StringEqualsIgnoreCase": {"aws:PrincipalTag/dept": "LEGAL"}},
            {"StringNotEquals": {"aws:PrincipalTag/dept": ["legal", "hr"]}},
            {"StringNotEqualsIfExists": {"aws:PrincipalTag/dept": "eng"}},
            {"StringEqualsIfExists": {"aws:PrincipalTag/dept": ["legal", "eng"]}},
            {"Null": {"aws:PrincipalTag/dept": r.choice(["true", "false"])}},
            {"StringNotEquals": {"s3:ExistingObjectTag/owner": V_SUB}},
            {"StringEquals": {"s3:ExistingObjectTag/owner": V_SUB}},
            {"StringNotLike": {"aws:PrincipalTag/project": f"{V_DEPT}-*"}},
            {"StringLike": {"aws:PrincipalTag/project": f"{V_DEPT}-*"}},
            {"StringEquals": {AUD: POOL_ID}},
            {"ForAnyValue:StringLike": {AMR: r.choice(["authenticated", "cognito-idp.*"])}},
            {"ForAllValues:StringLike": {AMR: ["authenticated", "cognito-idp.*"]}},
            {"ForAnyValue:StringEquals": {AMR: "unauthenticated"}},
            {"StringNotEquals": {AMR: "unauthenticated"}},  # multi-valued key, no set op
            {"StringLike": {AMR: "authenticated"}},  # multi-valued key, no set op
            {
                "ArnLike": {
                    "aws:PrincipalArn": r.choice(
                        [f"arn:aws:iam::{ACCOUNT}:role/Cognito_*", "arn:aws:iam::*:role/Other*"]
                    )
                }
            },
            {"ArnNotEquals": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/Admin"}},
            {
                "DateLessThan": {
                    "aws:CurrentTime": r.choice(
                        ["2026-06-01T00:00:00Z", "2026-03-15", "1780272000"]
                    )
                }
            },
            {"DateGreaterThanEquals": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}},
            {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
            {"StringNotEquals": {"aws:PrincipalTag/dept": V_USERNAME}},
            {"StringEquals": {"aws:userid": f"AROAEXAMPLEROLEID:{V_SUB}"}},
            {"StringNotEquals": {"aws:PrincipalTag/owner": V_SUB}},
        ]
        return r.choice(options)

    def _merge(self, *conds: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for cond in conds:
            for op, body in cond.items():
                out.setdefault(op, {}).update(body)
        return out

    def _statement(self) -> dict[str, Any]:
        r = self.rng
        kind = r.choices(
            ["s3obj", "s3list", "ddb", "guard", "notaction"], weights=[10, 5, 7, 4, 2]
        )[0]
        effect = "Allow" if r.random() < (0.8 if kind != "guard" else 0.15) else "Deny"
        st: dict[str, Any] = {"Effect": effect}
        cond: dict[str, Any] = {}
        if kind == "s3obj":
            acts = r.sample([*S3_OBJECT_ACTIONS, "s3:Get*", "s3:*Object", "s3:*"], r.randint(1, 2))
            st["Action"] = [_maybe_recase_action(r, a) for a in acts]
            res = list({self._s3_object_patterns() for _ in range(r.randint(1, 2))})
            st["NotResource" if r.random() < 0.18 else "Resource"] = res
            if r.random() < 0.35:
                cond = self._guard_condition()
        elif kind == "s3list":
            st["Action"] = r.choice(["s3:ListBucket", ["s3:ListBucket", "s3:ListBucketVersions"]])
            st["Resource"] = r.choice([f"arn:aws:s3:::{BUCKET}", "arn:aws:s3:::app-*", "*"])
            cond = self._prefix_condition(effect)
            if r.random() < 0.2:
                cond = self._merge(cond, self._guard_condition())
        elif kind == "ddb":
            st["Action"] = r.choice(
                [
                    [
                        "dynamodb:GetItem",
                        "dynamodb:Query",
                        "dynamodb:BatchGetItem",
                        "dynamodb:PutItem",
                    ],
                    ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"],
                    "dynamodb:*",
                    "dynamodb:Get*",
                    "dynamodb:Query",
                ]
            )
            key = "NotResource" if r.random() < 0.1 else "Resource"
            st[key] = self._ddb_patterns() if key == "Resource" else OTHER_TABLE_ARN
            cond = self._leading_keys_condition() if r.random() < 0.8 else {}
            if r.random() < 0.2:
                cond = self._merge(cond, self._guard_condition())
        elif kind == "guard":
            if r.random() < 0.5:
                st["Action"] = r.choice(["*", "s3:*", ["s3:*", "dynamodb:*"]])
            else:
                st["NotAction"] = r.choice(
                    [["s3:GetObject", "s3:ListBucket"], "dynamodb:*", "iam:*"]
                )
            if r.random() < 0.25:
                st["NotResource"] = r.choice(
                    [
                        [_obj(f"private/{V_SUB}/*"), f"arn:aws:s3:::{BUCKET}"],
                        _obj(f"{V_DEPT}/*"),
                        [TABLE_ARN, _obj("public/*")],
                    ]
                )
            else:
                st["Resource"] = "*"
            cond = self._merge(*(self._guard_condition() for _ in range(r.randint(1, 2))))
        else:  # notaction
            st["NotAction"] = r.choice(
                [["iam:*", "dynamodb:Scan"], "iam:*", ["s3:DeleteObject", "iam:*", "sts:*"]]
            )
            st["Resource"] = "*"
            if r.random() < 0.7:
                cond = self._guard_condition()
        if cond:
            st["Condition"] = cond
        if r.random() < 0.3:
            st["Sid"] = f"S{r.randrange(1000)}"
        if r.random() < 0.12:
            st = self._spelling_variant(st)
        return st

    def _spelling_variant(self, st: dict[str, Any]) -> dict[str, Any]:
        """Same meaning, other spelling: operator/key/variable names are case-insensitive
        [spec 1.3]; ``?`` matches one character in actions and resources [spec 2.1, 2.2]."""
        r = self.rng

        def recase(text: str) -> str:
            return "".join(c.upper() if r.random() < 0.3 else c.lower() for c in text)

        def recase_vars(text: str) -> str:
            return re.sub(r"\$\{([^},]+)", lambda m: "${" + recase(m.group(1)), text)

        out = dict(st)
        if "Condition" in st:
            out["Condition"] = {
                recase(op): {recase(k): v for k, v in body.items()}
                for op, body in st["Condition"].items()
            }
        for el in ("Resource", "NotResource"):
            if el in st:
                vals = [recase_vars(v) for v in ([st[el]] if isinstance(st[el], str) else st[el])]
                vals = [v.replace("/public/*", "/publi?/*") for v in vals]
                out[el] = vals
        for el in ("Action", "NotAction"):
            if el in st:
                vals = [st[el]] if isinstance(st[el], str) else st[el]
                out[el] = [v.replace("GetObject", "?etObject") for v in vals]
        return out

    def _policy(self) -> Doc:
        r = self.rng
        if r.random() < 0.03:
            # No Version: variables are literal text [spec 1.2]. Plain resource grants only.
            stmts = []
            for _ in range(r.randint(1, 2)):
                st = {
                    "Effect": "Allow",
                    "Action": r.choice(S3_OBJECT_ACTIONS),
                    "Resource": self._s3_object_patterns(),
                }
                stmts.append(st)
            return {"Statement": stmts if len(stmts) > 1 else stmts[0]}
        stmts = [self._statement() for _ in range(r.randint(1, 4))]
        return {"Version": "2012-10-17", "Statement": stmts}

    def _boundary(self) -> Doc:
        r = self.rng
        return {
            "Version": "2012-10-17",
            "Statement": [
                r.choice(
                    [
                        {"Effect": "Allow", "Action": ["s3:*", "dynamodb:*"], "Resource": "*"},
                        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                        {"Effect": "Allow", "Action": "*", "Resource": _obj(f"private/{V_SUB}/*")},
                        {
                            "Effect": "Allow",
                            "NotAction": "dynamodb:Scan",
                            "Resource": "*",
                            "Condition": {"StringEquals": {AUD: POOL_ID}},
                        },
                    ]
                )
            ],
        }

    # ---- requests ------------------------------------------------------------------

    def _context(self, caller: str, other: str) -> dict[str, Any]:
        r = self.rng
        ctx: dict[str, Any] = {}
        x = r.random()
        if x < 0.84:
            ctx[SUB] = caller
        elif x < 0.90:
            pass  # absent
        elif x < 0.95:
            ctx[SUB] = ""
        else:
            ctx[SUB] = [caller]  # multi-valued: never a variable value [spec 3.3]
        ctx[AUD] = POOL_ID
        ctx[AMR] = r.choice(
            [
                [
                    "authenticated",
                    USER_POOL_PROVIDER,
                    f"{USER_POOL_PROVIDER}:CognitoSignIn:{caller[10:]}",
                ],
                ["authenticated", "accounts.google.com"],
                ["unauthenticated"],
            ]
        )
        x = r.random()
        if x < 0.6:
            ctx["aws:PrincipalTag/dept"] = r.choice(DEPTS)
        elif x < 0.68:
            ctx["aws:PrincipalTag/dept"] = ""
        if r.random() < 0.5:
            ctx["aws:PrincipalTag/project"] = r.choice(
                ["legal-alpha", "hr-beta", "eng-x", "other", ""]
            )
        if r.random() < 0.2:
            ctx["aws:PrincipalTag/owner"] = r.choice([caller, other])
        x = r.random()
        if x < 0.7:
            ctx["aws:SecureTransport"] = "true"
        elif x < 0.9:
            ctx["aws:SecureTransport"] = "false"
        if r.random() < 0.8:
            ctx["aws:SourceIp"] = r.choice(
                ["203.0.113.7", "198.51.100.20", "2001:db8::5", "192.0.2.1"]
            )
        ctx["aws:CurrentTime"] = r.choice(
            [
                "2026-02-10T08:00:00Z",
                "2026-05-31T23:59:59Z",
                "2026-07-04T12:00:00Z",
                "2025-12-31T00:00:00Z",
            ]
        )
        ctx["aws:PrincipalArn"] = ROLE_ARN
        ctx["aws:userid"] = f"AROAEXAMPLEROLEID:{r.choice([caller, 'CognitoIdentityCredentials'])}"
        if r.random() < 0.2:
            ctx["aws:MultiFactorAuthAge"] = r.choice(["30", "7200"])
        return ctx

    def _request(self, focus: set[str]) -> dict[str, Any]:
        r = self.rng
        caller = r.choice(self.ids)
        other = r.choice([i for i in self.ids if i != caller])
        ctx = self._context(caller, other)
        owner = caller if r.random() < 0.6 else other
        kinds = ["s3obj", "s3list", "ddb", "other"]
        weights = [w * (3 if k in focus else 1) for k, w in zip(kinds, [10, 5, 8, 1], strict=True)]
        kind = r.choices(kinds, weights=weights)[0]
        if kind == "s3obj":
            action = r.choice(S3_OBJECT_ACTIONS)
            dept = ctx.get("aws:PrincipalTag/dept") or r.choice(DEPTS)
            key = r.choices(
                [
                    f"private/{owner}/photo.jpg",
                    f"private/{owner}/photos/a.jpg",
                    f"protected/{owner}/doc.pdf",
                    "public/index.html",
                    f"{dept}/report.txt",
                    "private//photo.jpg",
                    "private/guest/x.txt",
                    "home/alice/notes.txt",
                    f"private/{owner}/photos/b.png",
                    "public",
                ],
                weights=[10, 3, 4, 4, 4, 1, 1, 1, 1, 1],
            )[0]
            resource = _obj(key)
            if r.random() < 0.5:
                ctx["s3:ExistingObjectTag/owner"] = r.choice([caller, other, ""])
        elif kind == "s3list":
            action = r.choice(["s3:ListBucket", "s3:ListBucket", "s3:ListBucketVersions"])
            resource = f"arn:aws:s3:::{BUCKET}"
            x = r.random()
            if x < 0.85:
                ctx["s3:prefix"] = r.choice(
                    [
                        f"private/{owner}/",
                        f"private/{owner}/photos/",
                        "public/",
                        "",
                        f"{ctx.get('aws:PrincipalTag/dept') or 'hr'}/",
                        "a*b",
                        "private/",
                    ]
                )
            ctx["s3:max-keys"] = r.choice(["10", "100", "1000"])
            if r.random() < 0.6:
                ctx["s3:delimiter"] = r.choice(["/", "-"])
        elif kind == "ddb":
            action = r.choice(DDB_ACTIONS)
            resource = r.choices([TABLE_ARN, INDEX_ARN, OTHER_TABLE_ARN], weights=[8, 2, 1])[0]
            if action != "dynamodb:Scan" or r.random() < 0.1:
                lk = r.choices(
                    [[caller], [other], [caller, other], [], None, [caller, caller]],
                    weights=[10, 4, 3, 2, 2, 1],
                )[0]
                if lk is not None:
                    ctx["dynamodb:LeadingKeys"] = lk
        else:
            action = r.choice(OTHER_ACTIONS)
            resource = {
                "iam:CreateUser": f"arn:aws:iam::{ACCOUNT}:user/mallory",
                "cognito-sync:ListRecords": (
                    f"arn:aws:cognito-sync:{REGION}:{ACCOUNT}:identitypool/{POOL_ID}"
                    f"/identity/{caller}/dataset/profile"
                ),
                "lambda:InvokeFunction": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:resize",
            }[action]
        if r.random() < 0.05:
            # key names are case-insensitive [spec 1.3]
            ctx = {(k.upper() if r.random() < 0.5 else k): v for k, v in ctx.items()}
        return {
            "action": _maybe_recase_action(r, action),
            "resource": resource,
            "principal": PRINCIPAL,
            "context": ctx,
        }

    def cases(self, n_sets: int, per_set: int) -> Iterator[Case]:
        """Yield ``n_sets * per_set`` cases, ``per_set`` requests per policy set."""
        for s in range(n_sets):
            identity = [self._policy() for _ in range(self.rng.choice([1, 1, 2]))]
            boundary = self._boundary() if self.rng.random() < 0.15 else None
            text = json.dumps(identity)
            focus = {
                kind
                for kind, marker in (
                    ("ddb", "dynamodb:"),
                    ("s3list", "s3:ListBucket"),
                    ("s3obj", "Object"),
                )
                if marker in text
            }
            for q in range(per_set):
                yield {
                    "id": f"s{s}r{q}",
                    "set": s,
                    "identity": identity,
                    "boundary": boundary,
                    "request": self._request(focus),
                }


def generate(seed: int, n_sets: int, per_set: int) -> list[Case]:
    """All cases for one seed, as a list."""
    return list(Generator(seed).cases(n_sets, per_set))


def _walk_strings(obj: Any) -> Iterator[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield str(k)
            yield from _walk_strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _walk_strings(v)


def feature_counts(cases: list[Case]) -> Counter[str]:
    """How many cases exercise each feature the differential run must cover."""
    counts: Counter[str] = Counter()
    for case in cases:
        docs = [*case["identity"], *([case["boundary"]] if case["boundary"] else [])]
        text = list(_walk_strings(docs))
        ctx = {k.lower(): v for k, v in case["request"]["context"].items()}
        stmts = [
            st
            for d in docs
            for st in (d["Statement"] if isinstance(d["Statement"], list) else [d["Statement"]])
        ]
        res_vars = any(
            V_SUB in str(st.get("Resource", "")) + str(st.get("NotResource", "")) for st in stmts
        )
        cond_vars = any(V_SUB in str(st.get("Condition", {})) for st in stmts)
        counts["cognito-sub-in-resource"] += res_vars
        counts["cognito-sub-in-condition"] += cond_vars
        counts["principal-tag"] += any("aws:PrincipalTag/" in s for s in text)
        counts["not-action"] += any("NotAction" in st for st in stmts)
        counts["not-resource"] += any("NotResource" in st for st in stmts)
        counts["deny"] += any(st["Effect"] == "Deny" for st in stmts)
        counts["if-exists"] += any("IfExists" in s for s in text)
        counts["null"] += any(s == "Null" for s in text)
        counts["s3-prefix-stringlike"] += any(
            "s3:prefix" in st.get("Condition", {}).get("StringLike", {}) for st in stmts
        )
        counts["for-all-values"] += any(s.startswith("ForAllValues:") for s in text)
        counts["for-any-value"] += any(s.startswith("ForAnyValue:") for s in text)
        if any("dynamodb:LeadingKeys" in s for s in text):
            lk = ctx.get("dynamodb:leadingkeys")
            sub = ctx.get(SUB)
            if lk is None:
                counts["leading-keys-absent"] += 1
            elif lk == []:
                counts["leading-keys-empty"] += 1
            elif isinstance(sub, str) and set(lk) == {sub}:
                counts["leading-keys-own"] += 1
            elif isinstance(sub, str) and sub in lk:
                counts["leading-keys-mixed"] += 1
            else:
                counts["leading-keys-other"] += 1
        for s in text:
            if s.split(":")[-1] in {
                "Bool",
                "NumericLessThan",
                "DateLessThan",
                "IpAddress",
                "ArnLike",
                "StringEqualsIgnoreCase",
                "NotIpAddress",
            }:
                counts["op-" + s.split(":")[-1]] += 1
    return counts
