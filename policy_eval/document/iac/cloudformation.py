"""CloudFormation-shaped data -> the located AWS API shapes the rest of the house reads.

:func:`extract_template` turns a template (CloudFormation or SAM, JSON or YAML, a CDK
stack, or the CloudFormation-shaped data of the Terraform readers) into one *view*: a
:class:`~policy_eval.document.source.SourceDocument` whose data has the shapes of the AWS
APIs and of ``get-account-authorization-details``, and whose locator answers every pointer
of that data with the template's own file, line, column, template pointer and resource
name (logical id, ``aws:cdk:path`` or ``policy-eval:address``)::

    {"IdentityPool": {...}, "Roles": {...}, "RoleMappings": {...},      # when the template
     "PrincipalTagAttributeMaps": {...},                                # has a pool
     "IamRoles": [{Arn, RoleName, AssumeRolePolicyDocument, RolePolicyList,
                   AttachedManagedPolicies, PermissionsBoundary}],
     "ManagedPolicies": [{Arn, PolicyName, PolicyVersionList: [{Document, ...}]}],
     "UserDetailList": [...], "GroupDetailList": [...],
     "ResourcePolicies": [{ResourceName, ResourceType, PolicyDocument}],
     "IdentityPolicies": [{ResourceName, PolicyDocument}]}             # attached to nothing
                                                                       # in the template

Resources read: ``AWS::IAM::Role`` (trust, inline ``Policies``, ``ManagedPolicyArns``,
``PermissionsBoundary``), ``AWS::IAM::Policy`` and ``AWS::IAM::ManagedPolicy`` (attached
to ``Roles``/``Users``/``Groups`` of the template), ``AWS::IAM::User``/``Group``,
``AWS::Serverless::Function`` (its role; :mod:`.sam`), the resource policies of
:data:`RESOURCE_POLICIES`, ``AWS::Cognito::IdentityPool``,
``AWS::Cognito::IdentityPoolRoleAttachment`` and ``AWS::Cognito::IdentityPoolPrincipalTag``.
Other types are skipped. Unresolvable values are :class:`~.unknown.Unknown` (placeholders
in the view, listed in :attr:`TemplateExtraction.unknowns`); what cannot be analysed at all
(an AWS managed policy, a SAM policy template without its definitions) is a :class:`Note`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ...errors import Location, PolicyEvalError, join_pointer
from ..locate import Locator, Span
from ..source import SourceDocument
from .intrinsics import NO_VALUE, Resolver, SubVariable, TemplateError
from .unknown import Unknown

#: Resource types whose property holds a resource-based policy (type -> property).
RESOURCE_POLICIES: dict[str, str] = {
    "AWS::S3::BucketPolicy": "PolicyDocument",
    "AWS::SQS::QueuePolicy": "PolicyDocument",
    "AWS::SNS::TopicPolicy": "PolicyDocument",
    "AWS::KMS::Key": "KeyPolicy",
    "AWS::KMS::ReplicaKey": "KeyPolicy",
    "AWS::ECR::Repository": "RepositoryPolicyText",
    "AWS::SecretsManager::ResourcePolicy": "ResourcePolicy",
    "AWS::Logs::ResourcePolicy": "PolicyDocument",
    "AWS::OpenSearchService::Domain": "AccessPolicies",
    "AWS::Elasticsearch::Domain": "AccessPolicies",
    "AWS::ApiGateway::RestApi": "Policy",
    "AWS::EFS::FileSystem": "FileSystemPolicy",
    "AWS::S3::AccessPoint": "Policy",
    "AWS::Backup::BackupVault": "AccessPolicy",
}
#: Types whose ``PolicyDocument`` is not an IAM policy.
NOT_IAM = ("AWS::IoT::Policy", "AWS::Lambda::LayerVersionPermission")

COGNITO_TYPES = ("AWS::Cognito::IdentityPool", "AWS::Cognito::IdentityPoolRoleAttachment",
                 "AWS::Cognito::IdentityPoolPrincipalTag")
IAM_TYPES = ("AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::User",
             "AWS::IAM::Group", "AWS::Serverless::Function")
#: Keys of the view that a pool file has (``PoolFile``).
POOL_KEYS = ("IdentityPool", "Roles", "RoleMappings", "PrincipalTagAttributeMaps", "IamRoles",
             "ManagedPolicies")
CDK_PATH = "aws:cdk:path"
ADDRESS = "policy-eval:address"


@dataclass(frozen=True)
class Note:
    """Something in the template that was not analysed, and where."""

    message: str
    pointer: str                      # template pointer
    unknown: Unknown | None = None
    #: True for what a check could not look at (reported by SYN022), False for context
    not_analysed: bool = False


class MappedLocator(Locator):
    """Positions of the view, answered from the template: every view pointer maps to the
    template pointer that produced it (the nearest recorded ancestor)."""

    def __init__(self, template: SourceDocument, origins: dict[str, str],
                 labels: dict[str, str]) -> None:
        super().__init__(template.path)
        self.template = template
        self.origins = origins
        self.labels = labels

    def origin(self, pointer: str) -> str:
        probe = pointer
        while probe not in self.origins:
            if not probe:
                return ""
            probe = probe.rsplit("/", 1)[0]
        return self.origins[probe]

    def span(self, pointer: str, *, key: bool = False) -> Span | None:
        return self.template.locator.span(self.origin(pointer), key=key)

    def location(self, pointer: str, *, key: bool = False) -> Location:
        tptr = self.origin(pointer)
        loc = self.template.locator.location(tptr, key=key)
        # a reader's locator may name each element's own file (a Terraform module)
        path = loc.path if loc.path != self.template.locator.path else self.path
        return Location(path, loc.line, loc.column, tptr, loc.end_line, loc.end_column,
                        resource_label(tptr, self.labels))


def resource_label(tptr: str, labels: Mapping[str, str]) -> str | None:
    """The name users know the resource at template pointer ``tptr`` by."""
    parts = tptr.split("/")
    if len(parts) >= 3 and parts[1] == "Resources":
        logical = parts[2].replace("~1", "/").replace("~0", "~")
        return labels.get(logical, logical)
    return None


@dataclass
class TemplateExtraction:
    """What a template holds, in the located AWS API shapes (see the module docstring)."""

    source: SourceDocument
    view: SourceDocument
    has_pool: bool = False
    policies: int = 0
    iam_resources: int = 0
    errors: list[PolicyEvalError] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    sub_variables: list[SubVariable] = field(default_factory=list)
    #: template pointer -> the unknown found there
    unknowns: dict[str, Unknown] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """No IAM or Cognito resource at all (nothing was checked)."""
        return self.iam_resources == 0 and not self.errors

    def pool_data(self) -> dict[str, Any]:
        """The view restricted to the pool-file keys (``PoolFile``)."""
        data = self.view.data
        return {key: data[key] for key in POOL_KEYS if key in data}

    def label(self, logical_id: str) -> str:
        return self.labels.get(logical_id, logical_id)

    def location(self, tptr: str) -> Location:
        """Where template pointer ``tptr`` is, naming its resource."""
        loc = self.source.location(tptr)
        return dataclasses.replace(loc, resource=resource_label(tptr, self.labels))


def _truthy(value: Any) -> Any:
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


class _Extractor:
    """Builds the view of one template."""

    def __init__(self, source: SourceDocument, params: Mapping[str, str] | None) -> None:
        self.source = source
        data = source.data if isinstance(source.data, dict) else {}
        self.template = data
        self.resolver = Resolver(data, self.locate, params)
        self.origins: dict[str, str] = {}
        self.view: dict[str, Any] = {}
        self.result = TemplateExtraction(source, source, errors=list(source.errors))
        resources = data.get("Resources")
        self.resources: dict[str, Any] = resources if isinstance(resources, dict) else {}
        self.roles_by_name: dict[str, int] = {}
        self.roles_by_logical: dict[str, int] = {}
        self.managed_by_arn: dict[str, int] = {}
        self.users_by_name: dict[str, int] = {}
        self.groups_by_name: dict[str, int] = {}
        self.pool_id: str | None = None

    # ------------------------------------------------------------------ helpers

    def locate(self, tptr: str) -> Location:
        """A template pointer's location, naming its resource."""
        return self.result.location(tptr)

    def note(self, message: str, pointer: str, unknown: Unknown | None = None, *,
             not_analysed: bool = False) -> None:
        self.result.notes.append(Note(message, pointer, unknown, not_analysed))

    def put(self, optr: str, tptr: str, node: Any) -> Any:
        """Resolve ``node`` into the view at ``optr``; unknowns become placeholders."""
        origins: dict[str, str] = {}
        value = self.resolver.resolve(node, tptr, optr, origins)
        self.origins.update(origins)
        return self._materialise(value, optr)

    def _materialise(self, value: Any, optr: str) -> Any:
        if isinstance(value, Unknown):
            tptr = self.origins.get(optr, "")
            self.result.unknowns[tptr] = value
            return value.placeholder()
        if isinstance(value, dict):
            return {k: self._materialise(v, join_pointer(optr, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self._materialise(v, join_pointer(optr, i)) for i, v in enumerate(value)]
        return value

    def synthetic(self, optr: str, tptr: str, value: Any) -> Any:
        """A value made by the extractor (an ARN, a name), located at ``tptr``."""
        self.origins[optr] = tptr
        return self._materialise(value, optr)

    def known(self, node: Any, tptr: str) -> Any:
        """A resolved value used for linking (names, ARNs); ``None`` when unknown."""
        value = self.resolver.value(node, tptr)
        return None if isinstance(value, Unknown) or value is NO_VALUE else value

    def props(self, logical_id: str) -> tuple[dict[str, Any], str]:
        resource = self.resources[logical_id]
        props = resource.get("Properties") if isinstance(resource, dict) else None
        return (props if isinstance(props, dict) else {},
                join_pointer("/Resources", logical_id, "Properties"))

    def attr(self, logical_id: str, attribute: str | None) -> Any:
        """``Ref``/``Fn::GetAtt`` of a resource (possibly an :class:`Unknown`)."""
        return self.resolver.attribute(logical_id, attribute,
                                       join_pointer("/Resources", logical_id))

    def names(self, node: Any, tptr: str) -> list[tuple[str, str]]:
        """(name, template pointer) of a list of names (``Roles: [!Ref A]``)."""
        value = self.resolver.value(node, tptr)
        if not isinstance(value, list):
            return []
        out = []
        for index, item in enumerate(value):
            if isinstance(item, str):
                out.append((item, join_pointer(tptr, index)))
            elif isinstance(item, Unknown):
                self.note(f"attached to {item.describe()}: not linked to a role of the "
                          "template", join_pointer(tptr, index), item)
        return out

    # ------------------------------------------------------------------ the walk

    def run(self) -> TemplateExtraction:
        if not isinstance(self.template.get("Resources"), dict):
            self.result.errors.append(TemplateError(
                "a CloudFormation template needs a Resources object", self.locate(
                    "/Resources" if "Resources" in self.template else ""), "invalid-template"))
            return self._finish()
        self._labels()
        by_type: dict[str, list[str]] = {}
        for logical_id, resource in self.resources.items():
            if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
                self.result.errors.append(TemplateError(
                    f"resource {logical_id!r} has no Type", self.locate(
                        join_pointer("/Resources", logical_id)), "invalid-template"))
                continue
            if not self._exists(logical_id, resource):
                if resource["Type"] in IAM_TYPES + COGNITO_TYPES:
                    self.note(f"{logical_id} is not created: its Condition "
                              f"{resource['Condition']} is false with these parameters",
                              join_pointer("/Resources", logical_id, "Condition"))
                continue
            by_type.setdefault(resource["Type"], []).append(logical_id)
        order = ("AWS::IAM::ManagedPolicy", "AWS::IAM::Role", "AWS::Serverless::Function",
                 "AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::Policy",
                 "AWS::Cognito::IdentityPool", "AWS::Cognito::IdentityPoolRoleAttachment",
                 "AWS::Cognito::IdentityPoolPrincipalTag")
        handlers = {
            "AWS::IAM::ManagedPolicy": self.managed_policy, "AWS::IAM::Role": self.role,
            "AWS::Serverless::Function": self.function, "AWS::IAM::User": self.user,
            "AWS::IAM::Group": self.group, "AWS::IAM::Policy": self.policy,
            "AWS::Cognito::IdentityPool": self.identity_pool,
            "AWS::Cognito::IdentityPoolRoleAttachment": self.role_attachment,
            "AWS::Cognito::IdentityPoolPrincipalTag": self.principal_tag,
        }
        for rtype in order:
            for logical_id in by_type.get(rtype, []):
                self.result.iam_resources += 1
                self._guard(handlers[rtype], logical_id)
        for rtype, ids in by_type.items():
            if rtype in RESOURCE_POLICIES and rtype not in NOT_IAM:
                for logical_id in ids:
                    self._guard(self.resource_policy, logical_id)
            elif rtype not in handlers and rtype not in NOT_IAM:
                for logical_id in ids:
                    props, _ = self.props(logical_id)
                    if isinstance(props.get("PolicyDocument"), dict):
                        self._guard(self.resource_policy, logical_id)
        self._managed_attachments()
        return self._finish()

    def _guard(self, handler: Any, logical_id: str) -> None:
        try:
            handler(logical_id)
        except PolicyEvalError as exc:
            self.result.errors.append(exc)

    def _exists(self, logical_id: str, resource: dict[str, Any]) -> bool:
        condition = resource.get("Condition")
        if not isinstance(condition, str):
            return True
        try:
            value = self.resolver.condition(condition, join_pointer("/Resources", logical_id,
                                                                    "Condition"))
        except PolicyEvalError as exc:
            self.result.errors.append(exc)
            return True
        # An unknown condition: the resource may exist, so it is analysed.
        return value is not False

    def _labels(self) -> None:
        for logical_id, resource in self.resources.items():
            meta = resource.get("Metadata") if isinstance(resource, dict) else None
            if isinstance(meta, dict):
                for key in (CDK_PATH, ADDRESS):
                    if isinstance(meta.get(key), str):
                        self.result.labels[logical_id] = meta[key]
                        break

    def _finish(self) -> TemplateExtraction:
        self.result.sub_variables = list(dict.fromkeys(self.resolver.sub_variables))
        locator = MappedLocator(self.source, self.origins, self.result.labels)
        view = SourceDocument(self.source.path, self.source.text, self.view,
                              self.source.format, locator)
        self.result.view = view
        return self.result

    def _list(self, key: str) -> list[Any]:
        return self.view.setdefault(key, [])

    def _document(self, optr: str, tptr: str, node: Any) -> Any:
        self.result.policies += 1
        return self.put(optr, tptr, node)

    # ------------------------------------------------------------------ IAM

    def managed_policy(self, logical_id: str) -> None:
        props, base = self.props(logical_id)
        arn = self.attr(logical_id, None)
        items = self._list("ManagedPolicies")
        optr = join_pointer("/ManagedPolicies", len(items))
        res_ptr = join_pointer("/Resources", logical_id)
        entry: dict[str, Any] = {
            "Arn": self.synthetic(optr + "/Arn", res_ptr, arn),
            "PolicyName": self.synthetic(optr + "/PolicyName", res_ptr, arn.rsplit("/", 1)[-1]
                                         if isinstance(arn, str) else logical_id),
            "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": True}]}
        self.origins[optr] = res_ptr
        if "PolicyDocument" in props:
            entry["PolicyVersionList"][0]["Document"] = self._document(
                optr + "/PolicyVersionList/0/Document", base + "/PolicyDocument",
                props["PolicyDocument"])
        else:
            self.result.errors.append(TemplateError(
                f"{logical_id}: AWS::IAM::ManagedPolicy needs a PolicyDocument",
                self.locate(base), "invalid-template"))
            return
        items.append(entry)
        if isinstance(arn, str):
            self.managed_by_arn[arn] = len(items) - 1

    def _principal(self, logical_id: str, list_key: str, name_key: str,
                   policy_list: str) -> tuple[dict[str, Any], str]:
        props, base = self.props(logical_id)
        items = self._list(list_key)
        optr = join_pointer(f"/{list_key}", len(items))
        res_ptr = join_pointer("/Resources", logical_id)
        self.origins[optr] = res_ptr
        entry: dict[str, Any] = {
            name_key: self.synthetic(f"{optr}/{name_key}", res_ptr, self.attr(logical_id, None)),
            "Arn": self.synthetic(optr + "/Arn", res_ptr, self.attr(logical_id, "Arn"))}
        entry[policy_list] = []
        raw = props.get("Policies")
        if isinstance(raw, list):
            for index, item in enumerate(raw):
                iptr = join_pointer(base, "Policies", index)
                if not isinstance(item, dict) or "PolicyDocument" not in item:
                    continue
                pptr = join_pointer(optr, policy_list, len(entry[policy_list]))
                self.origins[pptr] = iptr
                entry[policy_list].append({
                    "PolicyName": self.put(pptr + "/PolicyName", iptr + "/PolicyName",
                                           item.get("PolicyName", f"{logical_id}Policy{index}")),
                    "PolicyDocument": self._document(pptr + "/PolicyDocument",
                                                     iptr + "/PolicyDocument",
                                                     item["PolicyDocument"])})
        entry["AttachedManagedPolicies"] = []
        items.append(entry)
        return entry, optr

    def _attach_managed(self, entry: dict[str, Any], optr: str, logical_id: str) -> None:
        props, base = self.props(logical_id)
        for arn, aptr in self.names(props.get("ManagedPolicyArns", []),
                                    base + "/ManagedPolicyArns"):
            self._attach_arn(entry, optr, arn, aptr)

    def _attach_arn(self, entry: dict[str, Any], optr: str, arn: str, aptr: str) -> None:
        if arn in self.managed_by_arn:
            attached = entry["AttachedManagedPolicies"]
            if any(a["PolicyArn"] == arn for a in attached):
                return
            pptr = join_pointer(optr, "AttachedManagedPolicies", len(attached))
            attached.append({"PolicyArn": self.synthetic(pptr + "/PolicyArn", aptr, arn)})
            self.origins[pptr] = aptr
        else:
            self.note(f"managed policy {arn} is not defined in this template: not analysed",
                      aptr, not_analysed=True)

    def role(self, logical_id: str) -> None:
        props, base = self.props(logical_id)
        entry, optr = self._principal(logical_id, "IamRoles", "RoleName", "RolePolicyList")
        if "AssumeRolePolicyDocument" not in props:
            self.result.errors.append(TemplateError(
                f"{logical_id}: AWS::IAM::Role needs an AssumeRolePolicyDocument",
                self.locate(base), "invalid-template"))
            self.view["IamRoles"].pop()
            return
        entry["AssumeRolePolicyDocument"] = self._document(
            optr + "/AssumeRolePolicyDocument", base + "/AssumeRolePolicyDocument",
            props["AssumeRolePolicyDocument"])
        entry["RoleId"] = self.synthetic(optr + "/RoleId", join_pointer("/Resources", logical_id),
                                         self.attr(logical_id, "RoleId"))
        self._attach_managed(entry, optr, logical_id)
        if "PermissionsBoundary" in props:
            arn = self.known(props["PermissionsBoundary"], base + "/PermissionsBoundary")
            if isinstance(arn, str) and arn in self.managed_by_arn:
                entry["PermissionsBoundary"] = {
                    "PermissionsBoundaryArn": self.synthetic(
                        optr + "/PermissionsBoundary/PermissionsBoundaryArn",
                        base + "/PermissionsBoundary", arn),
                    "PermissionsBoundaryType": "Policy"}
            else:
                entry["PermissionsBoundary"] = None
                self.note(f"permissions boundary {arn or 'unknown'} is not defined in this "
                          "template: not analysed (the role cannot be evaluated)",
                          base + "/PermissionsBoundary", not_analysed=True)
        index = len(self.view["IamRoles"]) - 1
        self.roles_by_name[entry["RoleName"]] = index
        self.roles_by_logical[logical_id] = index

    def function(self, logical_id: str) -> None:
        from .sam import function_role
        function_role(self, logical_id)

    def user(self, logical_id: str) -> None:
        entry, optr = self._principal(logical_id, "UserDetailList", "UserName",
                                      "UserPolicyList")
        self._attach_managed(entry, optr, logical_id)
        self.users_by_name[entry["UserName"]] = len(self.view["UserDetailList"]) - 1

    def group(self, logical_id: str) -> None:
        entry, optr = self._principal(logical_id, "GroupDetailList", "GroupName",
                                      "GroupPolicyList")
        self._attach_managed(entry, optr, logical_id)
        self.groups_by_name[entry["GroupName"]] = len(self.view["GroupDetailList"]) - 1

    def policy(self, logical_id: str) -> None:
        """``AWS::IAM::Policy``: an inline policy of each role, user and group it names."""
        props, base = self.props(logical_id)
        if "PolicyDocument" not in props:
            raise TemplateError(f"{logical_id}: AWS::IAM::Policy needs a PolicyDocument",
                                self.locate(base), "invalid-template")
        name = self.known(props.get("PolicyName", logical_id), base + "/PolicyName")
        targets = []
        for key, list_key, by_name, policy_list in (
                ("Roles", "IamRoles", self.roles_by_name, "RolePolicyList"),
                ("Users", "UserDetailList", self.users_by_name, "UserPolicyList"),
                ("Groups", "GroupDetailList", self.groups_by_name, "GroupPolicyList")):
            for member, mptr in self.names(props.get(key, []), join_pointer(base, key)):
                if member in by_name:
                    targets.append((list_key, by_name[member], policy_list))
                else:
                    self.note(f"{logical_id} is attached to {key[:-1].lower()} {member!r}, "
                              "which is not defined in this template", mptr)
        if not targets:
            self._standalone(logical_id, base + "/PolicyDocument", props["PolicyDocument"])
            return
        for list_key, index, policy_list in targets:
            entry = self.view[list_key][index]
            optr = join_pointer(f"/{list_key}", index, policy_list, len(entry[policy_list]))
            self.origins[optr] = join_pointer("/Resources", logical_id)
            entry[policy_list].append({
                "PolicyName": self.synthetic(optr + "/PolicyName", base + "/PolicyName",
                                             name or logical_id),
                "PolicyDocument": self._document(optr + "/PolicyDocument",
                                                 base + "/PolicyDocument",
                                                 props["PolicyDocument"])})

    def _standalone(self, logical_id: str, tptr: str, node: Any) -> None:
        items = self._list("IdentityPolicies")
        optr = join_pointer("/IdentityPolicies", len(items))
        self.origins[optr] = join_pointer("/Resources", logical_id)
        items.append({"ResourceName": logical_id,
                      "PolicyDocument": self._document(optr + "/PolicyDocument", tptr, node)})

    def _managed_attachments(self) -> None:
        """``AWS::IAM::ManagedPolicy`` ``Roles``/``Users``/``Groups`` (an unresolvable name
        list is a located error of that policy, as for the other handlers)."""
        for index, entry in enumerate(self.view.get("ManagedPolicies", [])):
            logical_id = self.origins[join_pointer("/ManagedPolicies", index)].split("/")[2]
            self._guard(lambda lid, arn=entry["Arn"]: self._attach_to_members(lid, arn),
                        logical_id)

    def _attach_to_members(self, logical_id: str, arn: Any) -> None:
        """Attach managed policy ``logical_id`` (``arn``) to the principals it names."""
        props, base = self.props(logical_id)
        for key, list_key, by_name in (("Roles", "IamRoles", self.roles_by_name),
                                       ("Users", "UserDetailList", self.users_by_name),
                                       ("Groups", "GroupDetailList", self.groups_by_name)):
            for member, mptr in self.names(props.get(key, []), join_pointer(base, key)):
                if member in by_name:
                    target = self.view[list_key][by_name[member]]
                    self._attach_arn(target, join_pointer(f"/{list_key}", by_name[member]),
                                     arn, mptr)

    def resource_policy(self, logical_id: str) -> None:
        resource = self.resources[logical_id]
        props, base = self.props(logical_id)
        prop = RESOURCE_POLICIES.get(resource["Type"], "PolicyDocument")
        if prop not in props:
            return
        self.result.iam_resources += 1       # a resource policy is checked like the others
        items = self._list("ResourcePolicies")
        optr = join_pointer("/ResourcePolicies", len(items))
        self.origins[optr] = join_pointer("/Resources", logical_id)
        items.append({"ResourceName": logical_id, "ResourceType": resource["Type"],
                      "PolicyDocument": self._document(optr + "/PolicyDocument",
                                                       join_pointer(base, prop), props[prop])})

    # ------------------------------------------------------------------ Cognito

    def identity_pool(self, logical_id: str) -> None:
        props, base = self.props(logical_id)
        if "IdentityPool" in self.view:
            self.note(f"{logical_id}: the template declares more than one identity pool; "
                      "the first is analysed as the pool", join_pointer("/Resources",
                                                                         logical_id))
            return
        raw_id = self.attr(logical_id, None)
        pool_id = raw_id if isinstance(raw_id, str) else None
        res_ptr = join_pointer("/Resources", logical_id)
        self.origins["/IdentityPool"] = base
        pool: dict[str, Any] = {
            "IdentityPoolId": self.synthetic("/IdentityPool/IdentityPoolId", res_ptr, raw_id),
            "IdentityPoolName": self.synthetic("/IdentityPool/IdentityPoolName", res_ptr,
                                               logical_id)}
        for key, node in props.items():
            if key in ("CognitoStreams", "PushSync", "CognitoEvents", "IdentityPoolTags"):
                continue
            value = self.put(join_pointer("/IdentityPool", key), join_pointer(base, key), node)
            if key in ("AllowUnauthenticatedIdentities", "AllowClassicFlow"):
                value = _truthy(value)
            if key == "CognitoIdentityProviders" and isinstance(value, list):
                value = [{k: _truthy(v) for k, v in p.items()} if isinstance(p, dict) else p
                         for p in value]
            pool[key] = value
        self.view["IdentityPool"] = pool
        self.pool_id = pool_id
        self.result.has_pool = True

    def _for_this_pool(self, props: dict[str, Any], base: str) -> bool:
        pool_id = self.known(props.get("IdentityPoolId"), base + "/IdentityPoolId")
        return self.pool_id is not None and pool_id == self.pool_id

    def role_attachment(self, logical_id: str) -> None:
        props, base = self.props(logical_id)
        if not self._for_this_pool(props, base):
            self.note(f"{logical_id}: attached to an identity pool that is not the one "
                      "analysed", join_pointer(base, "IdentityPoolId"))
            return
        if "Roles" in props:
            self.view["Roles"] = self.put("/Roles", base + "/Roles", props["Roles"])
        mappings = props.get("RoleMappings")
        if isinstance(mappings, dict):
            out: dict[str, Any] = {}
            self.origins["/RoleMappings"] = base + "/RoleMappings"
            for label, mapping in mappings.items():
                mptr = join_pointer(base, "RoleMappings", label)
                provider = self.known(mapping.get("IdentityProvider"),
                                      mptr + "/IdentityProvider") if isinstance(
                    mapping, dict) else None
                key = provider if isinstance(provider, str) else label
                out[key] = self.put(join_pointer("/RoleMappings", key), mptr, mapping)
            self.view["RoleMappings"] = out
        elif mappings is not None:
            self.view["RoleMappings"] = self.put("/RoleMappings", base + "/RoleMappings",
                                                 mappings)

    def principal_tag(self, logical_id: str) -> None:
        props, base = self.props(logical_id)
        if not self._for_this_pool(props, base):
            self.note(f"{logical_id}: tags for an identity pool that is not the one analysed",
                      join_pointer(base, "IdentityPoolId"))
            return
        provider = self.known(props.get("IdentityProviderName"), base + "/IdentityProviderName")
        key = provider if isinstance(provider, str) else logical_id
        maps = self.view.setdefault("PrincipalTagAttributeMaps", {})
        optr = join_pointer("/PrincipalTagAttributeMaps", key)
        entry = self.put(optr, base, {k: v for k, v in props.items()})
        if isinstance(entry, dict) and "UseDefaults" in entry:
            entry["UseDefaults"] = _truthy(entry["UseDefaults"])
        maps[key] = entry


def extract_template(source: SourceDocument,
                     params: Mapping[str, str] | None = None) -> TemplateExtraction:
    """Read the IAM and Cognito resources of CloudFormation-shaped data (see the module
    docstring); ``params`` are ``--param`` values (parameters, pseudo parameters, export
    names). Never raises for the template's content: problems are in ``errors``."""
    return _Extractor(source, params).run()
