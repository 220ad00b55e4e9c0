"""``aws iam get-account-authorization-details`` output as a CloudFormation-shaped document.

The whole export is read: every role (``AssumeRolePolicyDocument``, ``RolePolicyList``,
``AttachedManagedPolicies``, ``PermissionsBoundary``), user and group (inline policies,
attached policies, a user's groups and boundary) and managed policy (the document of its
default version, ``IsDefaultVersion``) becomes a resource: ``AWS::IAM::Role``,
``AWS::IAM::User``, ``AWS::IAM::Group``, ``AWS::IAM::ManagedPolicy``, with
``Metadata["policy-eval:address"]`` and ``Metadata["policy-eval:arn"]`` holding the ARN.
Resources are keyed by :func:`logical_id` (``role:notes-api``). An attached policy that is
in the export is referenced as ``{"Ref": "policy:NAME"}`` (so it
is linted with the role); one that is not (an AWS managed policy left out of the export)
keeps its ARN as a string and is reported by the resolver as not analysed. Every element is
located at its line in the export file. Policy documents may be objects (the CLI decodes
them) or URL-encoded JSON strings (the raw API).
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ...errors import InputError, PolicyEvalError, join_pointer
from ..source import SourceDocument, load_file
from .located import (
    ADDRESS_KEY,
    ATTRIBUTES_KEY,
    FileLocator,
    FileSpan,
    Node,
    emit,
    from_located,
    from_plain,
    ref,
    unknown,
)

#: ``format`` of the documents this reader returns.
FORMAT = "account-export"
#: Metadata key holding the real ARN of a resource read from an account.
ARN_KEY = "policy-eval:arn"
EXPORT_LISTS = ("RoleDetailList", "UserDetailList", "GroupDetailList", "Policies")


class _Reader:
    def __init__(self, source: SourceDocument) -> None:
        self.source = source
        self.locator = source.locator
        self.errors: list[PolicyEvalError] = []
        self.resources: dict[str, Node] = {}
        self.policy_arns: set[str] = set()

    def node(self, pointer: str, value: Any) -> Node:
        node = from_located(value, self.locator, pointer)
        key = self.locator.keys.get(pointer)
        if key is not None:
            node.key_span = FileSpan(key.line, key.column, key.end_line, key.end_column,
                                     self.source.path)
        return node

    def span(self, pointer: str) -> FileSpan | None:
        found = self.locator.span(pointer)
        if found is None:
            return None
        return FileSpan(found.line, found.column, found.end_line, found.end_column,
                        self.source.path)

    def document(self, value: Any, pointer: str) -> Node:
        """A policy document: an object, or a (URL-encoded) JSON string."""
        if isinstance(value, str):
            text = value.strip()
            if text[:3].lower() == "%7b":
                text = urllib.parse.unquote(text)
            try:
                decoded = json.loads(text)
            except json.JSONDecodeError as exc:
                self.errors.append(InputError(f"policy document is not valid JSON: {exc.msg}",
                                              self.source.location(pointer), "json-syntax"))
                return unknown(value[:200], self.span(pointer))
            node = from_plain(decoded, self.span(pointer))
            node.key_span = self.node(pointer, value).key_span
            return node
        return self.node(pointer, value)

    def inline(self, entity: dict[str, Any], pointer: str, list_name: str) -> Node | None:
        items = entity.get(list_name)
        if not isinstance(items, list) or not items:
            return None
        at = join_pointer(pointer, list_name)
        policies = []
        for i, item in enumerate(items):
            if not isinstance(item, dict) or "PolicyDocument" not in item:
                continue
            item_at = join_pointer(at, i)
            members = {"PolicyDocument": self.document(item["PolicyDocument"],
                                                       join_pointer(item_at, "PolicyDocument"))}
            if "PolicyName" in item:
                members = {"PolicyName": self.node(join_pointer(item_at, "PolicyName"),
                                                   item["PolicyName"]), **members}
            policies.append(Node(members, self.span(item_at)))
        return Node(policies, self.span(at), self.node(at, items).key_span)

    def attached(self, entity: dict[str, Any], pointer: str) -> Node | None:
        items = entity.get("AttachedManagedPolicies")
        if not isinstance(items, list) or not items:
            return None
        at = join_pointer(pointer, "AttachedManagedPolicies")
        arns = []
        for i, item in enumerate(items):
            arn = item.get("PolicyArn") if isinstance(item, dict) else None
            if not isinstance(arn, str):
                continue
            arn_at = join_pointer(at, i, "PolicyArn")
            arns.append(ref(logical_id(arn), self.span(arn_at)) if arn in self.policy_arns
                        else self.node(arn_at, arn))
        return Node(arns, self.span(at), self.node(at, items).key_span)

    def boundary(self, entity: dict[str, Any], pointer: str) -> Node | None:
        boundary = entity.get("PermissionsBoundary")
        if not isinstance(boundary, dict) or not isinstance(
                boundary.get("PermissionsBoundaryArn"), str):
            return None
        at = join_pointer(pointer, "PermissionsBoundary", "PermissionsBoundaryArn")
        arn = boundary["PermissionsBoundaryArn"]
        node = ref(logical_id(arn), self.span(at)) if arn in self.policy_arns \
            else self.node(at, arn)
        node.key_span = self.node(join_pointer(pointer, "PermissionsBoundary"),
                                  boundary).key_span
        return node

    def add(self, kind: str, entity: dict[str, Any], pointer: str,
            properties: dict[str, Node | None]) -> None:
        arn = entity.get("Arn")
        if not isinstance(arn, str):
            self.errors.append(InputError(f"{kind} without an Arn: left out",
                                          self.source.location(pointer), "missing-arn"))
            return
        span = self.span(pointer)
        arn_node = self.node(join_pointer(pointer, "Arn"), arn)
        # what Ref and Fn::GetAtt return for the deployed resource (CloudFormation's
        # "Return values": a managed policy's Ref is its ARN, the others' their name)
        name = next((p for p in properties.values() if p is not None), None)
        deployed = {"Ref": arn_node if kind == "AWS::IAM::ManagedPolicy" or name is None
                    else name, "Arn": arn_node}
        if kind == "AWS::IAM::ManagedPolicy":
            deployed["PolicyArn"] = arn_node
        for field_name, attribute in (("RoleId", "RoleId"), ("PolicyId", "PolicyId")):
            if isinstance(entity.get(field_name), str):
                deployed[attribute] = self.node(join_pointer(pointer, field_name),
                                                entity[field_name])
        self.resources[logical_id(arn)] = Node({
            "Type": Node(kind, span),
            "Properties": Node({k: v for k, v in properties.items() if v is not None}, span),
            "Metadata": Node({ADDRESS_KEY: arn_node, ARN_KEY: arn_node,
                              ATTRIBUTES_KEY: Node(deployed, span)}, span),
        }, span)

    def field(self, entity: dict[str, Any], pointer: str, name: str) -> Node | None:
        if name not in entity:
            return None
        return self.node(join_pointer(pointer, name), entity[name])

    def policies(self, items: list[Any]) -> None:
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            at = join_pointer("/Policies", i)
            versions = item.get("PolicyVersionList")
            default = next(((j, v) for j, v in enumerate(versions) if isinstance(v, dict)
                            and v.get("IsDefaultVersion") is True and "Document" in v),
                           None) if isinstance(versions, list) else None
            if default is None:
                self.errors.append(InputError(
                    f"managed policy {item.get('PolicyName')!r} has no default version "
                    "with a Document in PolicyVersionList: not analysed",
                    self.source.location(at), "no-default-version"))
                continue
            j, version = default
            self.add("AWS::IAM::ManagedPolicy", item, at, {
                "ManagedPolicyName": self.field(item, at, "PolicyName"),
                "Path": self.field(item, at, "Path"),
                "PolicyDocument": self.document(
                    version["Document"], join_pointer(at, "PolicyVersionList", j, "Document")),
            })

    def read(self) -> None:
        data = self.source.data
        managed = data.get("Policies")
        if isinstance(managed, list):
            self.policy_arns = {p["Arn"] for p in managed if isinstance(p, dict)
                                and isinstance(p.get("Arn"), str)}
            self.policies(managed)
        for i, role in enumerate(_entries(data, "RoleDetailList")):
            at = join_pointer("/RoleDetailList", i)
            trust = role.get("AssumeRolePolicyDocument")
            self.add("AWS::IAM::Role", role, at, {
                "RoleName": self.field(role, at, "RoleName"),
                "Path": self.field(role, at, "Path"),
                "AssumeRolePolicyDocument": None if trust is None else self.document(
                    trust, join_pointer(at, "AssumeRolePolicyDocument")),
                "Policies": self.inline(role, at, "RolePolicyList"),
                "ManagedPolicyArns": self.attached(role, at),
                "PermissionsBoundary": self.boundary(role, at),
            })
        groups = {g["GroupName"]: g.get("Arn") for g in _entries(data, "GroupDetailList")
                  if isinstance(g.get("GroupName"), str)}
        for i, group in enumerate(_entries(data, "GroupDetailList")):
            at = join_pointer("/GroupDetailList", i)
            self.add("AWS::IAM::Group", group, at, {
                "GroupName": self.field(group, at, "GroupName"),
                "Path": self.field(group, at, "Path"),
                "Policies": self.inline(group, at, "GroupPolicyList"),
                "ManagedPolicyArns": self.attached(group, at),
            })
        for i, user in enumerate(_entries(data, "UserDetailList")):
            at = join_pointer("/UserDetailList", i)
            self.add("AWS::IAM::User", user, at, {
                "UserName": self.field(user, at, "UserName"),
                "Path": self.field(user, at, "Path"),
                "Policies": self.inline(user, at, "UserPolicyList"),
                "ManagedPolicyArns": self.attached(user, at),
                "PermissionsBoundary": self.boundary(user, at),
                "Groups": self.user_groups(user, at, groups),
            })

    def user_groups(self, user: dict[str, Any], pointer: str,
                    groups: dict[Any, Any]) -> Node | None:
        names = user.get("GroupList")
        if not isinstance(names, list) or not names:
            return None
        at = join_pointer(pointer, "GroupList")
        items = []
        for i, name in enumerate(names):
            arn = groups.get(name) if isinstance(name, str) else None
            span = self.span(join_pointer(at, i))
            items.append(ref(logical_id(arn), span) if isinstance(arn, str)
                         else self.node(join_pointer(at, i), name))
        return Node(items, self.span(at), self.node(at, names).key_span)


def logical_id(arn: str) -> str:
    """The resource key of an IAM entity: ``role:NAME``, ``user:NAME``, ``group:NAME``,
    ``policy:NAME`` (``aws-policy:NAME`` for AWS managed policies); names are unique per
    account and kind, and hold no ``/`` (paths are left out)."""
    parts = arn.split(":", 5)
    resource = parts[5] if len(parts) == 6 else arn
    kind, _, rest = resource.partition("/")
    name = rest.rsplit("/", 1)[-1]
    prefix = "aws-policy" if kind == "policy" and len(parts) == 6 and parts[4] == "aws" \
        else kind
    return f"{prefix}:{name}"


def _entries(data: dict[str, Any], name: str) -> list[dict[str, Any]]:
    items = data.get(name)
    return [e for e in items if isinstance(e, dict)] if isinstance(items, list) else []


def read_account_export(source: SourceDocument) -> tuple[SourceDocument | None,
                                                          list[PolicyEvalError]]:
    """Translate a decoded export (``source``) into a CloudFormation-shaped document
    (``None`` when the export's shape is wrong)."""
    for name in EXPORT_LISTS:
        if name in source.data and not isinstance(source.data[name], list):
            return None, [InputError(f"{name} must be a list", source.location("/" + name),
                                       "invalid-export")]
    reader = _Reader(source)
    reader.read()
    root = FileSpan(1, 1, 1, 1, source.path)
    locator = FileLocator(source.path)
    data = emit(Node({"Resources": Node(reader.resources, root)}, root), locator)
    document = SourceDocument(source.path, source.text, data, FORMAT, locator)
    document.errors = list(reader.errors)
    return document, reader.errors


def read_export(path: Path, source: SourceDocument | None,
                params: Mapping[str, str] | None = None) -> list[SourceDocument]:
    """The reader of the registry for an account export; a wrong shape raises."""
    if source is None:
        source = load_file(path)
    document, errors = read_account_export(source)
    if document is None:
        raise errors[0]
    return [document]

