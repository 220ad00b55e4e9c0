"""The identity-pool file: frozen pydantic models in the shapes of the AWS APIs.

A pool file gathers what the AWS CLI prints, so a user can paste it:

* ``IdentityPool`` — ``aws cognito-identity describe-identity-pool``;
* ``Roles`` and ``RoleMappings`` — ``aws cognito-identity get-identity-pool-roles``;
* ``PrincipalTagAttributeMaps`` — ``get-principal-tag-attribute-map``, one entry per provider;
* ``IamRoles`` and ``ManagedPolicies`` — the ``RoleDetailList`` and ``Policies`` shapes of
  ``aws iam get-account-authorization-details``.

Field names are the AWS names. Unknown keys are refused (a typo in ``AttachedManagedPolicies``
must not silently drop a policy), but every field the AWS output carries is accepted, so a
pasted export loads as is. A policy document may be given inline, as a path relative to the
pool file, or as the URL-encoded JSON string the raw IAM API returns.

Cross-references (a mapping for a provider the pool does not have, a role ARN missing from
``IamRoles``) are checked by :mod:`policy_eval.cognito.load`, which knows where each element
sits in the file.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

#: Identity pool and identity IDs: ``REGION:GUID`` (spec §6.1).
ID_PATTERN = r"^[\w-]+:[0-9a-f-]+$"

DocumentInput = dict[str, Any] | str


class _AwsShape(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CognitoIdentityProvider(_AwsShape):
    """A user pool app client linked to the identity pool."""

    ProviderName: str = Field(min_length=1, max_length=128)
    ClientId: str = Field(min_length=1, max_length=128)
    ServerSideTokenCheck: bool = False


class IdentityPoolDescription(_AwsShape):
    """``DescribeIdentityPool`` output."""

    IdentityPoolId: str = Field(pattern=ID_PATTERN, max_length=55)
    IdentityPoolName: str = Field(min_length=1, max_length=128)
    AllowUnauthenticatedIdentities: bool
    # Pools opt in to the basic flow; the API default is off (spec §6.3, default off is [I]).
    AllowClassicFlow: bool = False
    SupportedLoginProviders: dict[str, str] = Field(default_factory=dict)
    DeveloperProviderName: str | None = Field(default=None, min_length=1, max_length=128)
    OpenIdConnectProviderARNs: list[str] = Field(default_factory=list)
    CognitoIdentityProviders: list[CognitoIdentityProvider] = Field(default_factory=list)
    SamlProviderARNs: list[str] = Field(default_factory=list)
    IdentityPoolTags: dict[str, str] = Field(default_factory=dict)

    @property
    def region(self) -> str:
        return self.IdentityPoolId.split(":", 1)[0]


class MappingRule(_AwsShape):
    """One rule of a ``Rules`` role mapping (spec §6.4)."""

    Claim: str = Field(min_length=1, max_length=64)
    MatchType: Literal["Equals", "Contains", "StartsWith", "NotEqual"]
    Value: str = Field(min_length=1, max_length=128)
    RoleARN: str = Field(min_length=20, max_length=2048)


class RulesConfigurationShape(_AwsShape):
    Rules: list[MappingRule] = Field(min_length=1, max_length=25)


class RoleMapping(_AwsShape):
    """How the role is chosen for one provider (``GetIdentityPoolRoles`` ``RoleMappings``)."""

    Type: Literal["Token", "Rules"]
    AmbiguousRoleResolution: Literal["AuthenticatedRole", "Deny"] | None = None
    RulesConfiguration: RulesConfigurationShape | None = None
    # Written by CloudFormation (``AWS::Cognito::IdentityPoolRoleAttachment``); the key of the
    # map is authoritative, this copy must agree with it when present.
    IdentityProvider: str | None = None


class PrincipalTagAttributeMap(_AwsShape):
    """``GetPrincipalTagAttributeMap`` output for one provider (spec §6.7)."""

    IdentityPoolId: str | None = None
    IdentityProviderName: str | None = None
    UseDefaults: bool = False
    PrincipalTags: dict[str, str] = Field(default_factory=dict, max_length=50)


class RolePolicy(_AwsShape):
    PolicyName: str = Field(min_length=1)
    PolicyDocument: DocumentInput


class AttachedPolicy(_AwsShape):
    PolicyArn: str = Field(min_length=20)
    PolicyName: str | None = None


class PermissionsBoundaryShape(_AwsShape):
    PermissionsBoundaryArn: str = Field(min_length=20)
    PermissionsBoundaryType: Literal["Policy"] = "Policy"


class IamRole(_AwsShape):
    """One entry of ``RoleDetailList`` (get-account-authorization-details)."""

    Arn: str = Field(pattern=r"^arn:[\w-]+:iam::\d{12}:role/")
    RoleName: str | None = None
    RoleId: str | None = None
    Path: str | None = None
    CreateDate: str | None = None
    Description: str | None = None
    MaxSessionDuration: int | None = None
    AssumeRolePolicyDocument: DocumentInput
    RolePolicyList: list[RolePolicy] = Field(default_factory=list)
    AttachedManagedPolicies: list[AttachedPolicy] = Field(default_factory=list)
    PermissionsBoundary: PermissionsBoundaryShape | None = None
    InstanceProfileList: list[Any] = Field(default_factory=list)
    Tags: list[dict[str, str]] = Field(default_factory=list)
    RoleLastUsed: dict[str, Any] = Field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.Arn.rsplit("/", 1)[-1]

    @property
    def account(self) -> str:
        return self.Arn.split(":")[4]

    @property
    def partition(self) -> str:
        return self.Arn.split(":")[1]


class PolicyVersion(_AwsShape):
    Document: DocumentInput
    VersionId: str | None = None
    IsDefaultVersion: bool = False
    CreateDate: str | None = None


class ManagedPolicy(_AwsShape):
    """One entry of ``Policies`` (get-account-authorization-details)."""

    Arn: str = Field(pattern=r"^arn:[\w-]+:iam::(\d{12}|aws):policy/")
    PolicyName: str | None = None
    PolicyId: str | None = None
    Path: str | None = None
    DefaultVersionId: str | None = None
    AttachmentCount: int | None = None
    PermissionsBoundaryUsageCount: int | None = None
    IsAttachable: bool | None = None
    Description: str | None = None
    CreateDate: str | None = None
    UpdateDate: str | None = None
    PolicyVersionList: list[PolicyVersion] = Field(min_length=1)


class PoolFile(_AwsShape):
    """A whole pool file."""

    IdentityPool: IdentityPoolDescription
    # ``IdentityPoolId`` is part of the GetIdentityPoolRoles output; accepted when it agrees.
    IdentityPoolId: str | None = None
    Roles: dict[Literal["authenticated", "unauthenticated"], str] = Field(default_factory=dict)
    RoleMappings: dict[str, RoleMapping] = Field(default_factory=dict, max_length=10)
    PrincipalTagAttributeMaps: dict[str, PrincipalTagAttributeMap] = Field(default_factory=dict)
    IamRoles: list[IamRole] = Field(default_factory=list)
    ManagedPolicies: list[ManagedPolicy] = Field(default_factory=list)


FlowName = Literal["enhanced", "basic"]


class Login(BaseModel):
    """A simulated sign-in: who, with which token claims, through which flow.

    ``provider`` is a login-provider name (``accounts.google.com``, the user-pool name
    ``cognito-idp.<region>.amazonaws.com/<poolId>``, an OIDC issuer host, a SAML provider
    ARN, the pool's developer provider name) or ``None`` for a guest. ``role_arn`` is the
    role asked for: the role to assume in the basic flow, the ``CustomRoleArn`` of
    ``GetCredentialsForIdentity`` in the enhanced flow. ``identity_id`` fixes the identity
    ID instead of deriving it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    provider: str | None = None
    claims: dict[str, Any] = Field(default_factory=dict)
    flow: FlowName = "enhanced"
    role_arn: str | None = None
    identity_id: str | None = Field(default=None, pattern=ID_PATTERN, max_length=55)
    description: str | None = None
