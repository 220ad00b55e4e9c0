"""Cognito identity-pool rules (``COG001``-``COG020``, lint-anchors.md section (b)).

Checks no other linter has: the trust policy of an identity-pool role (``aud``, ``amr``,
the trust action), guest-role blast radius and the guest scope-down, policy variables that
silently do not work, per-identity isolation that does not isolate (undelimited paths,
``ForAnyValue`` on ``dynamodb:LeadingKeys``, vacuous ``ForAllValues`` with ``Scan``,
``Attributes`` without ``Select``, another statement that makes the isolation moot), trust
vs permission policy mismatches, and pool-level settings.

Where a rule can prove its point it does so with the engine (:mod:`._probe`): it builds
concrete Cognito identities and requests, asks :class:`~policy_eval.PolicySet` for the
decision and puts both in ``Finding.evidence``.

Which role a permission policy belongs to (guest or authenticated) is read from, in order:
the role's trust policy (``target.related["role"]["trust"]``, evaluated for a guest and a
signed-in token), the pool file's ``Roles``, and — weakest — the role's or file's name
(``...Unauth...``, ``guest``). Findings say which signal they used.
"""

from __future__ import annotations

from .cross_document import CognitoKeysInUserPolicy, TrustPermissionMismatch
from .guest import GuestOutsideScopeDown, GuestRoleTooBroad
from .isolation import IsolationMadeMoot
from .personal_data import GuestReadsPersonalData
from .pool_admin import RoleCanAdministerPool
from .pool_file import InvalidPoolFile
from .pool_settings import PoolRiskySettings
from .storage import (
    AttributesWithoutSelect,
    LeadingKeysOperator,
    ListBucketWithoutIdentityPrefix,
    VacuousForAllValues,
)
from .trust import (
    AmrMatchesOtherClass,
    AmrWithoutForAnyValue,
    TrustWeakAud,
    TrustWithoutAmr,
    TrustWithoutAud,
    TrustWrongAction,
)
from .variables import UndelimitedIdentityPath, UnknownVariable, VariablesWithoutVersion

__all__ = [
    "AmrMatchesOtherClass", "AmrWithoutForAnyValue", "AttributesWithoutSelect",
    "CognitoKeysInUserPolicy",
    "GuestOutsideScopeDown", "GuestReadsPersonalData", "GuestRoleTooBroad", "InvalidPoolFile",
    "IsolationMadeMoot",
    "LeadingKeysOperator", "ListBucketWithoutIdentityPrefix", "PoolRiskySettings",
    "RoleCanAdministerPool", "TrustPermissionMismatch", "TrustWeakAud", "TrustWithoutAmr",
    "TrustWithoutAud", "TrustWrongAction", "UndelimitedIdentityPath", "UnknownVariable",
    "VacuousForAllValues", "VariablesWithoutVersion",
]

