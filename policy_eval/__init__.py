"""policy-eval: evaluate and lint AWS IAM policies exactly as AWS does, with first-class
understanding of Amazon Cognito identity pools.

    >>> import policy_eval as pe
    >>> ps = pe.PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Action": "s3:GetObject",
    ...      "Resource": "arn:aws:s3:::b/${cognito-identity.amazonaws.com:sub}/*"}]}])
    >>> ps.evaluate(pe.Request("s3:GetObject", "arn:aws:s3:::b/us-east-1:1/x",
    ...     context={"cognito-identity.amazonaws.com:sub": "us-east-1:1"})).decision
    'allow'
"""

from __future__ import annotations

from typing import Any

from .engine.explain import Decision
from .engine.request import Request
from .errors import InputError, Location, PolicyError, PolicyEvalError, RequestError
from .policyset import PolicySet, load_policy

__version__ = "0.1.0"

__all__ = [
    "Decision",
    "IdentityPool",
    "InputError",
    "Location",
    "PolicyError",
    "PolicyEvalError",
    "PolicySet",
    "Request",
    "RequestError",
    "SimulatedIdentity",
    "__version__",
    "load_policy",
]


def __getattr__(name: str) -> Any:
    # The Cognito simulator is imported on first use to keep start-up fast.
    if name in ("IdentityPool", "SimulatedIdentity"):
        from . import cognito
        return getattr(cognito, name)
    raise AttributeError(f"module 'policy_eval' has no attribute {name!r}")
