"""Cognito pool-file rule: the verdict of the pool loader that ``simulate`` uses.

``policy-eval check`` and ``policy-eval simulate`` read a pool file with the same loader
(:func:`policy_eval.cognito.load.load_pool_config`): what ``simulate`` refuses, ``check``
reports here, at the same place and in the same words. Errors inside the role and managed
policies of the pool are left to the syntax rules, which report every one of them.
"""

from __future__ import annotations

from ...discover import POOL_FILE_ERROR_CODES
from ...rule import Severity, register
from .._base import ParseErrorRule


@register
class InvalidPoolFile(ParseErrorRule):
    """What it does
    ------------
    Checks a pool file (``IdentityPool``, ``Roles``, ``RoleMappings``,
    ``PrincipalTagAttributeMaps``, ``IamRoles``, ``ManagedPolicies``) with the loader that
    ``policy-eval simulate`` uses, and reports what it refuses: a missing ``IdentityPool``,
    an unknown key, a value outside the API's enumerations (a ``MatchType`` of ``Regex``, a
    mapping ``Type`` of ``Magic``), a role mapping for a provider the pool does not have, a
    role or managed policy that is not in the file.

    Why is this bad?
    ----------------
    The AWS APIs refuse such a configuration, and ``policy-eval simulate`` cannot sign
    anyone in with it: every other finding about the pool is then about a pool that cannot
    exist.

    Example
    -------
    ```json
    {"IdentityPool": {"IdentityPoolId": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c",
                      "IdentityPoolName": "app", "AllowUnauthenticatedIdentities": false,
                      "SupportedLoginProviders": {"accounts.google.com": "client-1"}},
     "RoleMappings": {"accounts.google.com": {
        "Type": "Rules", "AmbiguousRoleResolution": "Deny",
        "RulesConfiguration": {"Rules": [{"Claim": "hd", "MatchType": "Regex",
                                          "Value": "example.com",
                                          "RoleARN": "arn:aws:iam::111122223333:role/Staff"}]}}}}
    ```

    Use instead
    -----------
    ```json
    {"IdentityPool": {"IdentityPoolId": "us-east-1:3f0e1b2c-9a4d-4e8f-b6c7-1d2e3f4a5b6c",
                      "IdentityPoolName": "app", "AllowUnauthenticatedIdentities": false,
                      "SupportedLoginProviders": {"accounts.google.com": "client-1"}}}
    ```
    """

    code = "COG020"
    name = "invalid-pool-file"
    summary = "A pool file the Cognito APIs (and policy-eval simulate) refuse"
    severity = Severity.error
    kinds = ("pool",)
    error_codes = POOL_FILE_ERROR_CODES
    fix_hint = "write the pool in the shapes of the Cognito and IAM APIs (see the message)"
