"""Who makes a request, and whether a ``Principal`` element names them.

:func:`parse_caller` reads the request's principal: an IAM user or role ARN, an STS
assumed-role session ARN, a federated-user ARN, an account root, or a bare service /
web-identity provider name (``lambda.amazonaws.com``, ``cognito-identity.amazonaws.com``).

:func:`principal_match` says how a ``Principal`` element names the caller (spec
semantics.md §2.3): ``wildcard`` (``"*"``), ``direct`` (the user or the session ARN),
``role`` (the role of a session), ``account`` (the caller's account), ``federated`` /
``service`` (a provider or service name), or ``None``. The decision logic needs the
kind: a same-account grant to the session ARN is not capped by boundaries or session
policies, one to the role ARN is, one to the account only delegates to IAM.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..document.model import PrincipalSpec
from ..errors import Location, RequestError

_ACCOUNT = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class Caller:
    """The principal a request comes from."""

    text: str | None                 # as given
    #: user | role | session | root | federated-user | service | anonymous | unspecified
    kind: str
    partition: str = "aws"
    account: str | None = None
    arn: str | None = None           # user ARN, session ARN, role ARN (role kind), root ARN
    role_arn: str | None = None      # for sessions and roles: arn:<p>:iam::<acct>:role/<name>
    role_name: str | None = None
    session_name: str | None = None
    name: str | None = None          # user name / service or provider name
    derived_context: dict[str, str] = field(default_factory=dict)
    #: Whether identity-based policies (and SCPs) can apply to this caller: false for
    #: services, web-identity providers and anonymous callers.
    has_identity: bool = True


def parse_caller(text: str | None, *, pointer: str = "/principal") -> Caller:
    """Read a request principal; raises :class:`RequestError` when malformed."""
    if text is None:
        # No principal given: a caller of unknown identity in the resource's account, to
        # whom the identity policies of the set apply.
        return Caller(text, "unspecified")
    if text == "anonymous":
        return Caller(text, "anonymous", has_identity=False)
    if not isinstance(text, str) or not text.strip():
        raise RequestError(f"principal must be an ARN or a service name, found {text!r}",
                           Location(None, None, None, pointer), "invalid-principal")
    if not text.startswith("arn:"):
        if ":" in text or "/" in text or " " in text:
            raise RequestError(f"principal {text!r} is neither an ARN nor a service name",
                               Location(None, None, None, pointer), "invalid-principal")
        return Caller(text, "service", name=text, has_identity=False)
    parts = text.split(":", 5)
    if (len(parts) != 6 or not parts[1] or parts[2] not in ("iam", "sts")
            or not _ACCOUNT.match(parts[4])):
        raise RequestError(
            f"malformed principal ARN {text!r}: expected arn:aws:iam::<12-digit account>:"
            "user/<name> | role/<name> | root, or arn:aws:sts::<account>:assumed-role/<role>/"
            "<session>", Location(None, None, None, pointer), "invalid-principal")
    _, partition, service, _, account, resource = parts
    ctx: dict[str, str] = {"aws:principalaccount": account}
    if service == "iam" and resource == "root":
        ctx.update({"aws:principalarn": text, "aws:principaltype": "Account"})
        return Caller(text, "root", partition, account, text, derived_context=ctx)
    if service == "iam" and resource.startswith("user/"):
        name = resource.rsplit("/", 1)[-1]
        ctx.update({"aws:principalarn": text, "aws:principaltype": "User", "aws:username": name})
        return Caller(text, "user", partition, account, text, name=name, derived_context=ctx)
    if service == "iam" and resource.startswith("role/"):
        name = resource.rsplit("/", 1)[-1]
        ctx.update({"aws:principalarn": text, "aws:principaltype": "AssumedRole"})
        return Caller(text, "role", partition, account, text, role_arn=text, role_name=name,
                      derived_context=ctx)
    if service == "sts" and resource.startswith("assumed-role/"):
        pieces = resource.split("/")
        if len(pieces) != 3 or not pieces[1] or not pieces[2]:
            raise RequestError(f"malformed session ARN {text!r}: expected "
                               "assumed-role/<role name>/<session name>",
                               Location(None, None, None, pointer), "invalid-principal")
        role_arn = f"arn:{partition}:iam::{account}:role/{pieces[1]}"
        ctx.update({"aws:principalarn": role_arn, "aws:principaltype": "AssumedRole"})
        return Caller(text, "session", partition, account, text, role_arn=role_arn,
                      role_name=pieces[1], session_name=pieces[2], derived_context=ctx)
    if service == "sts" and resource.startswith("federated-user/"):
        name = resource.split("/", 1)[1]
        ctx.update({"aws:principalarn": text, "aws:principaltype": "FederatedUser"})
        return Caller(text, "federated-user", partition, account, text, name=name,
                      derived_context=ctx)
    raise RequestError(f"unsupported principal ARN {text!r}",
                       Location(None, None, None, pointer), "invalid-principal")


def _aws_entry_match(entry: str, caller: Caller) -> str | None:
    if entry == "*":
        return "wildcard"
    if caller.account is None:
        return None
    if _ACCOUNT.match(entry):
        return "account" if entry == caller.account else None
    parts = entry.split(":", 5)
    if len(parts) != 6 or parts[4] != caller.account:
        return None
    resource = parts[5]
    if resource == "root":
        return "account"
    if caller.arn is not None and entry == caller.arn and caller.kind != "role":
        return "direct"
    # A role ARN in a policy may carry a path; the session ARN does not.
    if (caller.role_name is not None and parts[2] == "iam" and resource.startswith("role/")
            and resource.rsplit("/", 1)[-1] == caller.role_name):
        return "role"
    return None


def principal_match(spec: PrincipalSpec, caller: Caller) -> str | None:
    """How ``spec`` names ``caller`` (the strongest kind among its entries), or ``None``."""
    if spec.wildcard:
        return "wildcard"
    best: str | None = None
    for ptype, value in spec.entries:
        kind: str | None = None
        if ptype == "AWS":
            kind = _aws_entry_match(value, caller)
        elif ptype == "Federated" and caller.kind == "service" and value == caller.name:
            kind = "federated"
        elif ptype == "Service" and caller.kind == "service" and value == caller.name:
            kind = "service"
        if kind is not None and _RANK[kind] > (_RANK[best] if best else -1):
            best = kind
    return best


_RANK = {"account": 0, "role": 1, "federated": 2, "service": 2, "direct": 3, "wildcard": 4}

#: Kinds through which a same-account resource policy grants by itself (spec §2.3).
DIRECT_KINDS = frozenset({"wildcard", "direct", "federated", "service"})
