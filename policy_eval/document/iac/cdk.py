"""CDK cloud assemblies: ``cdk.out/manifest.json`` -> its stacks' ``*.template.json``.

A synthesized stack is a CloudFormation template, read by :mod:`.cloudformation`; what CDK
adds is the construct path of each resource (``Metadata["aws:cdk:path"]``, e.g.
``NotesStack/AuthRole/Resource``), which findings name. When a template was synthesized
without path metadata (``--no-path-metadata``), the manifest's ``aws:cdk:logicalId``
entries give the same paths. Nested assemblies (CDK stages, ``cdk:cloud-assembly``
artifacts) are followed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import InputError, Location
from ..source import SourceDocument, load_file
from .detect import NESTED_ASSEMBLY, STACK_ARTIFACT

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class StackTemplate:
    """One stack of an assembly: its template file and construct paths by logical id."""

    name: str
    path: Path
    paths: dict[str, str] = field(default_factory=dict)


def manifest_path(path: Path) -> Path:
    """``cdk.out`` (a folder) or its ``manifest.json`` -> the manifest."""
    return path / MANIFEST if path.is_dir() else path


def stacks(manifest: Path, data: Any | None = None, depth: int = 0) -> list[StackTemplate]:
    """The stack templates an assembly manifest lists, nested assemblies included."""
    if data is None:
        data = load_file(manifest).data
    artifacts = data.get("artifacts") if isinstance(data, dict) else None
    if not isinstance(artifacts, dict):
        raise InputError("not a CDK cloud assembly manifest (no artifacts)",
                         Location(str(manifest), 1, 1), "invalid-template")
    out: list[StackTemplate] = []
    for name, artifact in artifacts.items():
        if not isinstance(artifact, dict):
            continue
        raw_props = artifact.get("properties")
        props: dict[str, Any] = raw_props if isinstance(raw_props, dict) else {}
        if artifact.get("type") == STACK_ARTIFACT and isinstance(props.get("templateFile"), str):
            paths: dict[str, str] = {}
            metadata = artifact.get("metadata")
            for construct, entries in (metadata.items() if isinstance(metadata, dict) else ()):
                for entry in entries if isinstance(entries, list) else ():
                    if isinstance(entry, dict) and entry.get("type") == "aws:cdk:logicalId" \
                            and isinstance(entry.get("data"), str):
                        paths[entry["data"]] = construct.lstrip("/")
            out.append(StackTemplate(name, manifest.parent / props["templateFile"], paths))
        elif artifact.get("type") == NESTED_ASSEMBLY and isinstance(
                props.get("directoryName"), str) and depth < 8:
            nested = manifest.parent / props["directoryName"] / MANIFEST
            if nested.is_file():
                out.extend(stacks(nested, None, depth + 1))
    return out


def read_stack(stack: StackTemplate) -> SourceDocument:
    """A stack's template, with construct paths from the manifest where the template has
    none (added as ``aws:cdk:path`` metadata)."""
    source = load_file(stack.path)
    resources = source.data.get("Resources") if isinstance(source.data, dict) else None
    for logical_id, resource in (resources.items() if isinstance(resources, dict) else ()):
        if isinstance(resource, dict) and logical_id in stack.paths:
            meta = resource.setdefault("Metadata", {})
            if isinstance(meta, dict):
                meta.setdefault("aws:cdk:path", stack.paths[logical_id])
    return source
