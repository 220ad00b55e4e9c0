"""Terraform resources as CloudFormation resources.

Each modelled ``resource "TYPE" "NAME"`` becomes ``Resources["TYPE.NAME"]`` with the
CloudFormation type and property names of the same thing (``aws_iam_role`` ->
``AWS::IAM::Role`` with ``AssumeRolePolicyDocument``, ``Policies``, ``ManagedPolicyArns``,
``PermissionsBoundary``), and ``Metadata["policy-eval:address"]`` naming the address.
Terraform's attachment resources have no CloudFormation twin: an
``aws_iam_role_policy_attachment`` (user, group, and ``aws_iam_policy_attachment``) adds
its ``policy_arn`` to the ``ManagedPolicyArns`` of the role it names when that role is in
the module (located at the attachment), else the role to the ``Roles`` of the module's
managed policy it attaches.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from ..located import ADDRESS_KEY, FileSpan, Node, from_plain, plain, unknown
from .types import RESOURCE_TYPES


class Block(Protocol):
    """A resource or nested block: an HCL block (:class:`.hcl.Block`) or a resource of a
    plan or state (:class:`.plan.ValuesBlock`)."""

    labels: list[str]
    span: FileSpan
    key_span: FileSpan

    def blocks_of(self, kind: str) -> Sequence[Block]: ...


class Evaluator(Protocol):
    """Reads a block's attributes as located values and collects errors (``block`` is a
    block of the reader's own kind)."""

    def attribute(self, block: Any, name: str) -> Node | None: ...

    def error(self, message: str, span: FileSpan | None, code: str) -> None: ...


Translate = Callable[[Block, Evaluator], dict[str, "Node | None"]]


def as_policy(node: Node | None, evaluator: Evaluator, what: str) -> Node | None:
    """A policy-valued attribute as a document: ``jsonencode``/heredoc/document objects as
    they are, a JSON string decoded, anything else an explicit unknown."""
    if node is None:
        return None
    value = node.value
    if isinstance(value, (dict, list)):
        return node
    if isinstance(value, str):
        try:
            decoded = json.loads(value)
        except json.JSONDecodeError as exc:
            template = node.notes.get("template")
            span = node.span
            if span is not None and template is not None:
                span = type(span)(span.line + exc.lineno - 1, exc.colno, span.line +
                                  exc.lineno - 1, exc.colno, span.path)
            evaluator.error(f"{what} is not valid JSON: {exc.msg}", span, "json-syntax")
            result = unknown(value[:200], node.span)
            result.key_span = node.key_span
            return result
        result = from_plain(decoded, node.span)
        result.key_span = node.key_span
        return result
    return node


def _role(block: Block, ev: Evaluator) -> dict[str, Node | None]:
    policies = []
    for inline in block.blocks_of("inline_policy"):
        name = ev.attribute(inline, "name")
        document = as_policy(ev.attribute(inline, "policy"), ev, "inline_policy.policy")
        if document is None:
            continue
        policies.append(Node({"PolicyName": name or Node("", inline.key_span),
                              "PolicyDocument": document}, inline.span, inline.key_span))
    inline_blocks = block.blocks_of("inline_policy")
    return {
        "RoleName": ev.attribute(block, "name"),
        "Path": ev.attribute(block, "path"),
        "AssumeRolePolicyDocument": as_policy(ev.attribute(block, "assume_role_policy"), ev,
                                              "assume_role_policy"),
        "Policies": Node(policies, inline_blocks[0].span, inline_blocks[0].key_span)
        if policies else None,
        "ManagedPolicyArns": ev.attribute(block, "managed_policy_arns"),
        "PermissionsBoundary": ev.attribute(block, "permissions_boundary"),
        "MaxSessionDuration": ev.attribute(block, "max_session_duration"),
    }


def _listed(node: Node | None) -> Node | None:
    if node is None or isinstance(node.value, list):
        return node
    return Node([node], node.span, node.key_span)


def _inline_policy(principal: str, cfn_list: str) -> Translate:
    def translate(block: Block, ev: Evaluator) -> dict[str, Node | None]:
        return {
            "PolicyName": ev.attribute(block, "name"),
            "PolicyDocument": as_policy(ev.attribute(block, "policy"), ev, "policy"),
            cfn_list: _listed(ev.attribute(block, principal)),
        }
    return translate


def _managed_policy(block: Block, ev: Evaluator) -> dict[str, Node | None]:
    return {
        "ManagedPolicyName": ev.attribute(block, "name"),
        "Path": ev.attribute(block, "path"),
        "PolicyDocument": as_policy(ev.attribute(block, "policy"), ev, "policy"),
    }


def _resource_policy(target: str, cfn_target: str, *, listed: bool) -> Translate:
    def translate(block: Block, ev: Evaluator) -> dict[str, Node | None]:
        node = ev.attribute(block, target)
        return {cfn_target: _listed(node) if listed else node,
                "PolicyDocument": as_policy(ev.attribute(block, "policy"), ev, "policy")}
    return translate


def _kms_key(block: Block, ev: Evaluator) -> dict[str, Node | None]:
    return {"KeyPolicy": as_policy(ev.attribute(block, "policy"), ev, "policy"),
            "Description": ev.attribute(block, "description")}


def _renamed(block: Block, ev: Evaluator, names: dict[str, str]) -> dict[str, Node | None]:
    return {cfn: ev.attribute(block, tf) for tf, cfn in names.items()}


def _identity_pool(block: Block, ev: Evaluator) -> dict[str, Node | None]:
    props = _renamed(block, ev, {
        "identity_pool_name": "IdentityPoolName",
        "allow_unauthenticated_identities": "AllowUnauthenticatedIdentities",
        "allow_classic_flow": "AllowClassicFlow",
        "developer_provider_name": "DeveloperProviderName",
        "openid_connect_provider_arns": "OpenIdConnectProviderARNs",
        "saml_provider_arns": "SamlProviderARNs",
        "supported_login_providers": "SupportedLoginProviders",
    })
    providers = block.blocks_of("cognito_identity_providers")
    if providers:
        props["CognitoIdentityProviders"] = Node(
            [Node({k: v for k, v in _renamed(p, ev, {
                "client_id": "ClientId", "provider_name": "ProviderName",
                "server_side_token_check": "ServerSideTokenCheck"}).items() if v is not None},
                p.span, p.key_span) for p in providers], providers[0].span, providers[0].key_span)
    return props


def _roles_attachment(block: Block, ev: Evaluator) -> dict[str, Node | None]:
    props = _renamed(block, ev, {"identity_pool_id": "IdentityPoolId", "roles": "Roles"})
    mappings: dict[str, Node] = {}
    for index, mapping in enumerate(block.blocks_of("role_mapping")):
        members = {k: v for k, v in _renamed(mapping, ev, {
            "identity_provider": "IdentityProvider",
            "type": "Type",
            "ambiguous_role_resolution": "AmbiguousRoleResolution",
        }).items() if v is not None}
        rules = mapping.blocks_of("mapping_rule")
        if rules:
            members["RulesConfiguration"] = Node({"Rules": Node([
                Node({k: v for k, v in _renamed(rule, ev, {
                    "claim": "Claim", "match_type": "MatchType", "value": "Value",
                    "role_arn": "RoleARN"}).items() if v is not None}, rule.span, rule.key_span)
                for rule in rules], rules[0].span, rules[0].key_span)}, rules[0].span,
                rules[0].key_span)
        mappings[f"role_mapping_{index}"] = Node(members, mapping.span, mapping.key_span)
    if mappings:
        first = block.blocks_of("role_mapping")[0]
        props["RoleMappings"] = Node(mappings, first.span, first.key_span)
    return props


def _principal_tag(block: Block, ev: Evaluator) -> dict[str, Node | None]:
    return _renamed(block, ev, {"identity_pool_id": "IdentityPoolId",
                                "identity_provider_name": "IdentityProviderName",
                                "principal_tags": "PrincipalTags",
                                "use_defaults": "UseDefaults"})


#: Terraform type -> (CloudFormation type, translation of the block's properties).
TRANSLATIONS: dict[str, tuple[str, Translate]] = {
    "aws_iam_role": ("AWS::IAM::Role", _role),
    "aws_iam_role_policy": ("AWS::IAM::Policy", _inline_policy("role", "Roles")),
    "aws_iam_user_policy": ("AWS::IAM::Policy", _inline_policy("user", "Users")),
    "aws_iam_group_policy": ("AWS::IAM::Policy", _inline_policy("group", "Groups")),
    "aws_iam_policy": ("AWS::IAM::ManagedPolicy", _managed_policy),
    "aws_s3_bucket_policy": ("AWS::S3::BucketPolicy",
                             _resource_policy("bucket", "Bucket", listed=False)),
    "aws_sqs_queue_policy": ("AWS::SQS::QueuePolicy",
                             _resource_policy("queue_url", "Queues", listed=True)),
    "aws_sns_topic_policy": ("AWS::SNS::TopicPolicy",
                             _resource_policy("arn", "Topics", listed=True)),
    "aws_kms_key": ("AWS::KMS::Key", _kms_key),
    "aws_cognito_identity_pool": ("AWS::Cognito::IdentityPool", _identity_pool),
    "aws_cognito_identity_pool_roles_attachment": ("AWS::Cognito::IdentityPoolRoleAttachment",
                                                   _roles_attachment),
    "aws_cognito_identity_pool_provider_principal_tag": (
        "AWS::Cognito::IdentityPoolPrincipalTag", _principal_tag),
}


def _named(names: dict[str, str]) -> Translate:
    """Resources a policy refers to: only the properties that name them."""
    def translate(block: Block, ev: Evaluator) -> dict[str, Node | None]:
        return _renamed(block, ev, names)
    return translate


for _kind, (_cfn, _attrs, _names) in RESOURCE_TYPES.items():
    TRANSLATIONS.setdefault(_kind, (_cfn, _named(_names)))

#: Attachment type -> (attribute naming the principal(s), CloudFormation principal type,
#: the principal's property listing managed policies on a ManagedPolicy).
ATTACHMENTS = {
    "aws_iam_role_policy_attachment": (("role", "AWS::IAM::Role", "Roles"),),
    "aws_iam_user_policy_attachment": (("user", "AWS::IAM::User", "Users"),),
    "aws_iam_group_policy_attachment": (("group", "AWS::IAM::Group", "Groups"),),
    "aws_iam_policy_attachment": (("roles", "AWS::IAM::Role", "Roles"),
                                  ("users", "AWS::IAM::User", "Users"),
                                  ("groups", "AWS::IAM::Group", "Groups")),
}


def translate_resource(address: str, block: Block, ev: Evaluator) -> Node | None:
    """The CloudFormation resource for a modelled Terraform resource (else ``None``)."""
    entry = TRANSLATIONS.get(block.labels[0])
    if entry is None:
        return None
    cfn_type, translate = entry
    properties = {k: v for k, v in translate(block, ev).items() if v is not None}
    return Node({
        "Type": Node(cfn_type, block.key_span),
        "Properties": Node(properties, block.span, block.key_span),
        "Metadata": Node({ADDRESS_KEY: Node(address, block.key_span)}, block.key_span),
    }, block.span, block.key_span)


def attach(block: Block, ev: Evaluator, resources: dict[str, Node]) -> None:
    """Fold an attachment resource into the principal or the policy it attaches."""
    policy_arn = ev.attribute(block, "policy_arn")
    if policy_arn is None:
        return
    policy_address = _referenced(policy_arn)
    for attribute, cfn_type, policy_list in ATTACHMENTS[block.labels[0]]:
        principals = _listed(ev.attribute(block, attribute))
        for principal in principals.value if principals is not None else []:
            target = resources.get(_referenced(principal) or "")
            if target is None:
                target = _by_name(resources, cfn_type, principal)
            if target is not None and _type(target) == cfn_type:
                props = target.value["Properties"]
                arns = props.value.setdefault("ManagedPolicyArns",
                                              Node([], block.span, block.key_span))
                # a state also lists the attachment on the role: keep it once
                if isinstance(arns.value, list) and all(
                        plain(a) != plain(policy_arn) for a in arns.value):
                    arns.value.append(Node(policy_arn.value, policy_arn.span))
                continue
            policy = resources.get(policy_address or "")
            if policy is not None and _type(policy) == "AWS::IAM::ManagedPolicy":
                props = policy.value["Properties"]
                listed = props.value.setdefault(policy_list, Node([], block.span,
                                                                  block.key_span))
                if isinstance(listed.value, list):
                    listed.value.append(principal)


def _referenced(node: Node) -> str | None:
    value = node.value
    if isinstance(value, dict) and "Ref" in value and isinstance(value["Ref"].value, str):
        return str(value["Ref"].value)
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        args = value["Fn::GetAtt"].value
        if isinstance(args, list) and args and isinstance(args[0].value, str):
            return str(args[0].value)
    return None


def _type(resource: Node) -> str | None:
    node = resource.get("Type")
    return node.value if node is not None and isinstance(node.value, str) else None


def _by_name(resources: dict[str, Node], cfn_type: str, name: Node) -> Node | None:
    """The module's resource of ``cfn_type`` whose literal name is ``name``."""
    if not isinstance(name.value, str):
        return None
    prop = {"AWS::IAM::Role": "RoleName", "AWS::IAM::User": "UserName",
            "AWS::IAM::Group": "GroupName"}[cfn_type]
    for resource in resources.values():
        props = resource.get("Properties")
        named = props.get(prop) if props is not None else None
        if _type(resource) == cfn_type and named is not None and named.value == name.value:
            return resource
    return None
