"""Recognise a template by its content, never by its name alone (cheap: plain dict tests).

* CloudFormation / SAM / CDK stack: an ``AWSTemplateFormatVersion``, a SAM ``Transform``
  (``AWS::Serverless-2016-10-31``), or a ``Resources`` object whose entries have a
  ``Type`` such as ``AWS::IAM::Role`` (or ``Custom::...``).
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


def may_be_template(data: Any) -> bool:
    """A first test cheap enough for every file (one to three key lookups)."""
    return isinstance(data, dict) and ("Resources" in data or "AWSTemplateFormatVersion" in data
                                       or "Transform" in data or "artifacts" in data)
