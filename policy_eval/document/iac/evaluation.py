"""A template's identity pool, prepared for the engine (``IdentityPool.load``, scenarios,
``simulate``).

Unknown values are handled as :mod:`.unknown` decides: an ``Allow`` statement holding one is
left out (it can only make decisions less permissive than the deployed policy); a ``Deny``
statement, a statement that is itself unknown, or a pool setting holding one is an
:class:`~policy_eval.errors.InputError` at the template's line, naming the value and the
``--param`` that would resolve it. A role whose permissions boundary is not defined in the
template cannot be evaluated (leaving the boundary out could allow more), nor can a
template whose resources could not be read.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ...errors import InputError, Location, join_pointer
from ..source import SourceDocument, load_file
from .cloudformation import MappedLocator, TemplateExtraction
from .unknown import holds_placeholder


def pool_source(path: Path, params: Mapping[str, str] | None = None,
                source: SourceDocument | None = None) -> \
        tuple[SourceDocument, dict[str, Any]] | None:
    """The pool of the template at ``path`` (a template file, a ``cdk.out`` folder or its
    manifest) as a located source and pool-file data; ``None`` when ``path`` is not a
    template (``source``: the file, when already decoded). Raises :class:`InputError` when
    the template has no pool, several, or a value the engine cannot evaluate around."""
    from . import read_templates, reader_for, reader_named

    if path.is_dir():
        from .cdk import manifest_path
        if not manifest_path(path).is_file():
            return None
        reader = reader_named("cdk-assembly")
    elif (by_suffix := reader_for(path)) is not None:        # a raw-text format
        reader = by_suffix
    else:
        source = source or load_file(path)
        reader = reader_for(path, source.data)
    if reader is None:
        return None
    extractions = read_templates(reader, path, source, params)
    pools = [e for e in extractions if e.has_pool]
    if not pools:
        raise InputError("the template declares no AWS::Cognito::IdentityPool",
                         Location(str(path), 1, 1), "no-pool")
    if len(pools) > 1:
        names = ", ".join(e.source.path or "?" for e in pools)
        raise InputError(f"several templates declare an identity pool ({names}); name one "
                         "template file", Location(str(path), 1, 1), "invalid-pool")
    extraction = pools[0]
    if extraction.errors:
        raise extraction.errors[0]
    return prepare(extraction)


def prepare(extraction: TemplateExtraction) -> tuple[SourceDocument, dict[str, Any]]:
    """The pool data of ``extraction`` with unknowns handled for evaluation."""
    view = extraction.view
    locator = view.locator
    assert isinstance(locator, MappedLocator)
    origins = dict(locator.origins)
    data = copy.deepcopy(extraction.pool_data())
    roles = data.get("IamRoles", [])
    for i, role in enumerate(roles):
        rptr = join_pointer("/IamRoles", i)
        if "PermissionsBoundary" in role and role["PermissionsBoundary"] is None:
            raise InputError(f"role {role.get('RoleName')}: its permissions boundary is not "
                             "defined in the template, so the role cannot be evaluated",
                             view.location(rptr + "/PermissionsBoundary"), "unknown-value")
        role["AssumeRolePolicyDocument"] = _known_statements(
            role["AssumeRolePolicyDocument"], rptr + "/AssumeRolePolicyDocument", view, origins)
        for j, item in enumerate(role.get("RolePolicyList", [])):
            pptr = join_pointer(rptr, "RolePolicyList", j, "PolicyDocument")
            item["PolicyDocument"] = _known_statements(item["PolicyDocument"], pptr, view,
                                                       origins)
    for i, managed in enumerate(data.get("ManagedPolicies", [])):
        for j, version in enumerate(managed.get("PolicyVersionList", [])):
            if "Document" in version:
                dptr = join_pointer("/ManagedPolicies", i, "PolicyVersionList", j, "Document")
                version["Document"] = _known_statements(version["Document"], dptr, view,
                                                        origins)
    rest = {k: v for k, v in data.items() if k not in ("IamRoles", "ManagedPolicies")}
    _refuse_unknown(rest, "", view)
    for i, role in enumerate(roles):
        _refuse_unknown({k: v for k, v in role.items() if k not in (
            "AssumeRolePolicyDocument", "RolePolicyList")}, join_pointer("/IamRoles", i), view)
    prepared = MappedLocator(locator.template, origins, locator.labels)
    prepared.path = locator.path
    return SourceDocument(view.path, view.text, data, view.format, prepared), data


def _refuse_unknown(value: Any, pointer: str, view: SourceDocument) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_unknown(item, join_pointer(pointer, key), view)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_unknown(item, join_pointer(pointer, index), view)
    elif holds_placeholder(value):
        raise InputError(f"this value is unknown before deployment ({value}); the pool "
                         "cannot be simulated without it: pass --param NAME=VALUE",
                         view.location(pointer), "unknown-value")


def _known_statements(document: Any, pointer: str, view: SourceDocument,
                      origins: dict[str, str]) -> Any:
    """``document`` without its Allow statements that hold unknowns (see module doc)."""
    if not isinstance(document, dict):
        _refuse_unknown(document, pointer, view)
        return document
    statements = document.get("Statement")
    sptr = join_pointer(pointer, "Statement")
    if not isinstance(statements, list):
        _refuse_unknown(document, pointer, view)
        return document
    kept: list[Any] = []
    for index, statement in enumerate(statements):
        here = join_pointer(sptr, index)
        if not _holds(statement):
            if len(kept) != index:
                _move(origins, here, join_pointer(sptr, len(kept)))
            kept.append(statement)
            continue
        if isinstance(statement, dict) and statement.get("Effect") == "Allow":
            continue      # grants nothing in the evaluation: never more permissive
        _refuse_unknown(statement, here, view)
    _refuse_unknown({k: v for k, v in document.items() if k != "Statement"}, pointer, view)
    return {**document, "Statement": kept}


def _holds(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_holds(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds(v) for v in value)
    return holds_placeholder(value)


def _move(origins: dict[str, str], old: str, new: str) -> None:
    """Re-key the origins under ``old`` to ``new`` (a statement moved up a place)."""
    for key in [k for k in origins if k == old or k.startswith(old + "/")]:
        origins[new + key[len(old):]] = origins.pop(key)
