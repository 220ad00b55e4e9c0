"""``terraform show -json`` output (a saved plan, or the state) as a CloudFormation-shaped
document.

A plan's ``planned_values`` and a state's ``values`` list every managed resource of the
root module and its child modules with the values Terraform knows (references and
variables already substituted; policies as JSON strings). A plan also says, in
``resource_changes[].change.after_unknown``, which values are known only after ``apply``:
those become explicit unknowns located at that ``after_unknown`` entry. Resources are
translated by the same table as HCL source (:mod:`.resources`), keyed by their full
address (``module.auth.aws_iam_role.authenticated``), every value located in the JSON file.

The JSON output format is versioned (``format_version``, "JSON Output Format" in
Terraform's documentation): majors 0 and 1 are read; another major is refused with a
located error, as its layout may differ.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ....errors import InputError, PolicyEvalError, join_pointer
from ...locate import Locator
from ...source import SourceDocument, load_file
from ..located import (
    ATTRIBUTES_KEY,
    FileLocator,
    FileSpan,
    Node,
    emit,
    from_located,
    unknown,
)
from .module import ModuleRead
from .resources import ATTACHMENTS, attach, translate_resource
from .types import RESOURCE_TYPES

#: ``format`` of the documents this reader returns.
FORMAT = "terraform-plan"
KNOWN_MAJORS = ("0", "1")


@dataclass
class ValuesBlock:
    """A resource (or a nested block) of a plan or state, for :mod:`.resources`."""

    labels: list[str]
    span: FileSpan
    key_span: FileSpan
    values: Node

    def blocks_of(self, kind: str) -> Sequence[ValuesBlock]:
        node = self.values.get(kind)
        if node is None or not isinstance(node.value, list):
            return []
        return [ValuesBlock([kind], item.span or self.span, item.span or self.span, item)
                for item in node.value if isinstance(item.value, dict)]


@dataclass
class ValuesReader:
    """Reads the attributes of :class:`ValuesBlock`: null, ``""``, ``[]`` and ``{}`` mean
    not set (a plan lists every attribute of the schema, set or not)."""

    errors: list[PolicyEvalError] = field(default_factory=list)

    def attribute(self, block: ValuesBlock, name: str) -> Node | None:
        node = block.values.get(name)
        if node is None or node.value in (None, "", [], {}):
            return None
        return node

    def error(self, message: str, span: FileSpan | None, code: str) -> None:
        from ....errors import Location

        loc = Location(span.path, span.line, span.column) if span else Location()
        self.errors.append(InputError(message, loc, code))


def read_show_json(source: SourceDocument) -> ModuleRead:
    """Translate decoded ``terraform show -json`` output (``source``)."""
    data = source.data
    path = source.path
    version = data.get("format_version")
    if not isinstance(version, str) or version.split(".")[0] not in KNOWN_MAJORS:
        return ModuleRead(None, [InputError(
            f"unsupported terraform show -json format_version {version!r}: this reader "
            f"knows versions {', '.join(m + '.x' for m in KNOWN_MAJORS)}",
            source.location("/format_version"), "unsupported-format-version")],
            [path or ""])
    locator = source.locator
    unknowns = _after_unknown(data, locator)
    reader = ValuesReader()
    resources: dict[str, Node] = {}
    attachments: list[ValuesBlock] = []
    for root in ("/planned_values/root_module", "/values/root_module"):
        module = _at(data, root)
        if isinstance(module, dict):
            for pointer, resource in _module_resources(module, root):
                block = _block(resource, pointer, locator, unknowns)
                if block is None:
                    continue
                if block.labels[0] in ATTACHMENTS:
                    attachments.append(block)
                    continue
                translated = translate_resource(resource["address"], block, reader)
                if translated is not None:
                    _deployed(translated, resource["type"], resource["values"], block.span)
                    resources[resource["address"]] = translated
            break
    for block in attachments:
        attach(block, reader, resources)
    _drop_duplicate_inline_policies(resources)
    root_span = FileSpan(1, 1, 1, 1, path)
    out = FileLocator(path)
    template = emit(Node({"Resources": Node(resources, root_span)}, root_span), out)
    document = SourceDocument(path, source.text, template, FORMAT, out)
    document.errors = list(reader.errors)
    return ModuleRead(document, reader.errors, [path or ""])


def read_terraform_show(path: Path, source: SourceDocument | None,
                        params: Mapping[str, str] | None = None) -> list[SourceDocument]:
    """The reader of the registry for ``terraform show -json`` output; an unknown
    ``format_version`` raises."""
    if source is None:
        source = load_file(path)
    result = read_show_json(source)
    if result.document is None:
        raise result.errors[0]
    return [result.document]


def _at(data: Any, pointer: str) -> Any:
    for token in pointer.strip("/").split("/"):
        if not isinstance(data, dict):
            return None
        data = data.get(token)
    return data


def _module_resources(module: dict[str, Any], pointer: str) -> list[tuple[str, Any]]:
    """(pointer, resource) of every managed resource of ``module`` and its children."""
    found: list[tuple[str, Any]] = []
    stack = [(module, pointer)]
    while stack:
        current, at = stack.pop(0)
        resources = current.get("resources")
        for i, resource in enumerate(resources if isinstance(resources, list) else []):
            if isinstance(resource, dict) and resource.get("mode", "managed") == "managed" \
                    and isinstance(resource.get("address"), str) \
                    and isinstance(resource.get("type"), str):
                found.append((join_pointer(at, "resources", i), resource))
        children = current.get("child_modules")
        for i, child in enumerate(children if isinstance(children, list) else []):
            if isinstance(child, dict):
                stack.append((child, join_pointer(at, "child_modules", i)))
    return found


def _after_unknown(data: dict[str, Any], locator: Locator) -> dict[str, Node]:
    """``after_unknown`` of each changed resource, by address, located."""
    out: dict[str, Node] = {}
    changes = data.get("resource_changes")
    for i, change in enumerate(changes if isinstance(changes, list) else []):
        if not isinstance(change, dict) or not isinstance(change.get("change"), dict):
            continue
        after_unknown = change["change"].get("after_unknown")
        if isinstance(after_unknown, dict) and isinstance(change.get("address"), str):
            out[change["address"]] = from_located(
                after_unknown, locator, join_pointer("/resource_changes", i, "change",
                                                     "after_unknown"))
    return out


def _block(resource: dict[str, Any], pointer: str, locator: Locator,
           unknowns: dict[str, Node]) -> ValuesBlock | None:
    values = resource.get("values")
    if not isinstance(values, dict):
        return None
    address = resource["address"]
    node = from_located(values, locator, join_pointer(pointer, "values"))
    _mark_unknown(node, unknowns.get(address), address)
    span = node.span or FileSpan(1, 1, 1, 1, locator.path)
    located = locator.values.get(pointer)
    whole = FileSpan(located.line, located.column, located.end_line, located.end_column,
                     locator.path) if located is not None else span
    return ValuesBlock([resource["type"], str(resource.get("name", ""))], whole, whole, node)


def _mark_unknown(values: Node, unknowns: Node | None, path: str) -> None:
    """Replace (or add) the values ``after_unknown`` marks ``true`` with unknowns."""
    if unknowns is None:
        return
    if isinstance(values.value, dict) and isinstance(unknowns.value, dict):
        for key, flag in unknowns.value.items():
            at = f"{path}.{key}"
            if flag.value is True:
                node = unknown(f"{at} (known after apply)", flag.span)
                node.key_span = flag.key_span
                values.value[key] = node
            elif key in values.value:
                _mark_unknown(values.value[key], flag, at)
    elif isinstance(values.value, list) and isinstance(unknowns.value, list):
        for index, flag in enumerate(unknowns.value):
            if index < len(values.value):
                at = f"{path}[{index}]"
                if flag.value is True:
                    values.value[index] = unknown(f"{at} (known after apply)", flag.span)
                else:
                    _mark_unknown(values.value[index], flag, at)


def _drop_duplicate_inline_policies(resources: dict[str, Node]) -> None:
    """A state lists a role's inline policies on the role too, also those written as
    ``aws_iam_role_policy`` resources: keep each policy once (the resource's)."""
    separate: set[tuple[str, str]] = set()
    for resource in resources.values():
        props = resource.get("Properties")
        if props is None or _text(resource.get("Type")) != "AWS::IAM::Policy":
            continue
        name = _text(props.get("PolicyName"))
        roles = props.get("Roles")
        for role in roles.value if roles is not None and isinstance(roles.value, list) else []:
            if name is not None and _text(role) is not None:
                separate.add((str(_text(role)), name))
    for resource in resources.values():
        props = resource.get("Properties")
        if not separate or props is None or _text(resource.get("Type")) != "AWS::IAM::Role":
            continue
        role_name = _text(props.get("RoleName"))
        policies = props.get("Policies")
        if role_name is None or policies is None or not isinstance(policies.value, list):
            continue
        policies.value = [p for p in policies.value
                          if (role_name, _text(p.get("PolicyName"))) not in separate]
        if not policies.value:
            del props.value["Policies"]


def _text(node: Node | None) -> str | None:
    return node.value if node is not None and isinstance(node.value, str) else None


def _deployed(resource: Node, kind: str, values: dict[str, Any], span: FileSpan) -> None:
    """Record what ``Ref``/``Fn::GetAtt`` of the resource return, from its known values."""
    attributes: dict[str, Node] = {}
    for attribute, (intrinsic, name) in RESOURCE_TYPES.get(kind, ("", {}, {}))[1].items():
        value = values.get(attribute)
        key = "Ref" if intrinsic == "Ref" else name
        if intrinsic in ("Ref", "GetAtt") and isinstance(value, str) and value \
                and key not in attributes:
            attributes[key] = Node(value, span)
    if attributes:
        resource.value["Metadata"].value[ATTRIBUTES_KEY] = Node(attributes, span)
