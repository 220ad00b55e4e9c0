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

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .errors import InputError, Location, PolicyError, PolicyEvalError, RequestError

if TYPE_CHECKING:
    from .cognito import IdentityPool, SimulatedIdentity
    from .engine.batch import DecisionBatch, RequestBatch
    from .engine.explain import Decision
    from .engine.request import Request
    from .policyset import PolicySet, load_policy

__version__ = "0.1.0"

__all__ = [
    "Decision",
    "DecisionBatch",
    "IdentityPool",
    "InputError",
    "Location",
    "PolicyError",
    "PolicyEvalError",
    "PolicySet",
    "Request",
    "RequestBatch",
    "RequestError",
    "SimulatedIdentity",
    "__version__",
    "load_policy",
]


# Imported on first use: `policy-eval check` never needs the evaluator's front door, and
# every start of the command (a pre-commit hook) would pay for it.
_LAZY = {"Decision": ".engine.explain", "Request": ".engine.request",
         "RequestBatch": ".engine.batch", "DecisionBatch": ".engine.batch",
         "PolicySet": ".policyset", "load_policy": ".policyset",
         "IdentityPool": ".cognito", "SimulatedIdentity": ".cognito"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'policy_eval' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value
