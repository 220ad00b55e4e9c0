"""The readers of the formats that are CloudFormation already (see the registry in
:mod:`policy_eval.document.iac`): a template file, and a CDK assembly manifest."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..source import SourceDocument, load_file
from .cdk import manifest_path, read_stack, stacks


def read_cloudformation(path: Path, source: SourceDocument | None,
                        params: Mapping[str, str] | None = None) -> list[SourceDocument]:
    """A CloudFormation/SAM template (JSON or YAML) is its own CloudFormation shape."""
    return [source if source is not None else load_file(path)]


def read_cdk_manifest(path: Path, source: SourceDocument | None,
                      params: Mapping[str, str] | None = None) -> list[SourceDocument]:
    """The stack templates of a CDK cloud assembly (``cdk.out`` or its manifest)."""
    manifest = manifest_path(path)
    return [read_stack(stack) for stack in stacks(manifest, source.data if source else None)]
