"""Amazon Cognito identity pools: from a login to the policies and request context AWS
applies (spec semantics.md §6, §3.4).

    >>> from policy_eval.cognito import IdentityPool, LoginRefused
    >>> pool = IdentityPool.load("pool.json")
    >>> ident = pool.login(provider="accounts.google.com", claims={"sub": "1098"})
    >>> ident.role_arn, ident.context["cognito-identity.amazonaws.com:sub"]
    >>> ident.can("s3:GetObject", "arn:aws:s3:::b/...").allowed

Pool files use the shapes of the AWS APIs (:mod:`.model`); :mod:`.load` checks them,
:mod:`.roles` chooses the role, :mod:`.simulate` runs the login, :mod:`.scope_down` holds
the guest session policies as versioned data. ``IdentityPool.login`` raises
:class:`LoginRefused` when AWS would issue no credentials; ``IdentityPool.simulate``
returns the :class:`Refusal` instead.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# Loaded on first use: the pool models (pydantic) cost ~250 ms to import, which every
# ``policy-eval`` start would otherwise pay (the CLI registers ``simulate`` from here).
_EXPORTS = {
    "LoginRefused": "identity", "Refusal": "identity", "SimulatedIdentity": "identity",
    "Login": "model", "IdentityPool": "pool", "load_login": "pool", "parse_login": "pool",
    "identity_id_for": "simulate",
}


def __getattr__(name: str) -> Any:
    if name == "SCOPE_DOWN_VERSIONS":
        return import_module(".scope_down", __name__).SELECTIONS
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{module}", __name__), name)


__all__ = [
    "SCOPE_DOWN_VERSIONS",
    "IdentityPool",
    "Login",
    "LoginRefused",
    "Refusal",
    "SimulatedIdentity",
    "identity_id_for",
    "load_login",
    "parse_login",
]
