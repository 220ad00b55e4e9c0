"""Recognise a template by its content, never by its name alone (cheap: plain dict tests).

* CloudFormation / SAM / CDK stack: an ``AWSTemplateFormatVersion``, a SAM ``Transform``
  (``AWS::Serverless-2016-10-31``), or a ``Resources`` object whose entries have a
  ``Type`` such as ``AWS::IAM::Role`` (or ``Custom::...``).
* ``terraform show -json`` output: a ``format_version`` with ``planned_values`` or
  ``resource_changes`` (a plan) or ``values`` and ``terraform_version`` (a state).
* ``aws iam get-account-authorization-details`` output: a ``RoleDetailList`` list with
  ``Policies``, ``UserDetailList`` or ``GroupDetailList``.
* CDK cloud assembly manifest (``cdk.out/manifest.json``): ``version`` and ``artifacts``
  with an ``aws:cloudformation:stack`` or ``cdk:cloud-assembly`` artifact.
"""

from __future__ import annotations

from typing import Any

STACK_ARTIFACT = "aws:cloudformation:stack"
NESTED_ASSEMBLY = "cdk:cloud-assembly"


def _is_transform(value: Any) -> bool:
    items = value if isinstance(value, list) else [value]
    return any(isinstance(v, str) and v.startswith("AWS::") for v in items)


def is_cloudformation(data: Any) -> bool:
    """Is decoded ``data`` a CloudFormation (or SAM, or CDK-synthesized) template?"""
    if not isinstance(data, dict):
        return False
    if isinstance(data.get("AWSTemplateFormatVersion"), str):
        return True
    if "Transform" in data and _is_transform(data["Transform"]):
        return True
    resources = data.get("Resources")
    if not isinstance(resources, dict) or not resources:
        return False
    return any(isinstance(r, dict) and isinstance(r.get("Type"), str)
               and r["Type"].startswith(("AWS::", "Custom::", "Alexa::"))
               for r in resources.values())


def is_cdk_manifest(data: Any) -> bool:
    """Is decoded ``data`` a CDK cloud assembly ``manifest.json``?"""
    if not isinstance(data, dict) or not isinstance(data.get("artifacts"), dict) \
            or "version" not in data:
        return False
    return any(isinstance(a, dict) and a.get("type") in (STACK_ARTIFACT, NESTED_ASSEMBLY)
               for a in data["artifacts"].values())


#: Top-level keys of which a template of a JSON/YAML format has at least one.
TEMPLATE_KEYS = frozenset(("Resources", "AWSTemplateFormatVersion", "Transform", "artifacts",
                           "format_version"))


def may_be_template(data: Any) -> bool:
    """A first test cheap enough for every file (a few key lookups). An account export is
    not included: the linter reads it as a role bundle, with pointers into the export
    (:func:`is_account_export` serves the pool and population readers)."""
    return isinstance(data, dict) and not TEMPLATE_KEYS.isdisjoint(data)


def is_show_json(data: Any) -> bool:
    """Is decoded ``data`` the output of ``terraform show -json`` (a plan or a state)?"""
    return isinstance(data, dict) and isinstance(data.get("format_version"), str) and (
        "planned_values" in data or "resource_changes" in data
        or ("values" in data and "terraform_version" in data))


def is_account_export(data: Any) -> bool:
    """Is decoded ``data`` ``aws iam get-account-authorization-details`` output?"""
    return isinstance(data, dict) and isinstance(data.get("RoleDetailList"), list) and (
        "Policies" in data or "UserDetailList" in data or "GroupDetailList" in data)
