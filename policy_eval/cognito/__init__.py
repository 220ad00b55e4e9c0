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

from .identity import LoginRefused, Refusal, SimulatedIdentity
from .model import Login
from .pool import IdentityPool, load_login, parse_login
from .scope_down import SELECTIONS as SCOPE_DOWN_VERSIONS
from .simulate import identity_id_for

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
