"""Lint targets of infrastructure templates (CloudFormation, SAM, CDK and the formats that
join the reader registry of :mod:`policy_eval.document.iac`).

A template is read once into its located view (AWS API shapes); its documents become the
same targets as those of pool files and role bundles, located in the template:

* a ``pool`` target when it declares an identity pool (the Cognito rules), and each role's
  trust, inline and attached in-template policies linked as a role bundle
  (``related["role"]``), or a ``role-bundle`` target otherwise;
* users' and groups' inline policies, in-template managed policies, resource policies
  (``resource``) and policies attached to nothing the template defines (``identity``);
* one ``template`` target for the template as a whole: its read errors (SYN021), what was
  not analysed (SYN022) and ``Fn::Sub`` policy variables (VAR006) -
  ``related["template"]`` is the extraction.

Every target carries ``related["unknown_pointers"]``: template pointers of unknown values,
under which other rules' findings are dropped (see :mod:`policy_eval.document.iac.unknown`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..document.iac.unknown import holds_placeholder
from ..errors import PolicyEvalError, join_pointer
from .discover import FileInput, _Builder, display_path, reported_as, unreadable_target
from .rule import Target

if TYPE_CHECKING:
    from ..document.iac import TemplateReader
    from ..document.iac.cloudformation import TemplateExtraction
    from ..document.source import SourceDocument


def extraction_targets(extraction: TemplateExtraction, base: Path | None) -> list[Target]:
    """The targets of one extracted template (see the module docstring)."""
    view = extraction.view
    whole = Target("template", view, "", extraction.source.data, None,
                   list(extraction.errors), {"template": extraction})  # type: ignore[arg-type]
    if extraction.empty:
        return [whole]
    data: dict[str, Any] = view.data
    builder = _Builder(view, base)
    if extraction.has_pool:
        managed = builder.pool(extraction.pool_data())
        pool_target = builder.targets[0]
        # a pool error about an unknown value is SYN022's to report, not the pool's
        pool_target.errors = [e for e in pool_target.errors
                              if not holds_placeholder(e.message)]
    else:
        managed = builder.managed_policies(data.get("ManagedPolicies"), "/ManagedPolicies")
        roles = [builder.role(role, join_pointer("/IamRoles", i), managed, {})
                 for i, role in enumerate(data.get("IamRoles", []))]
        if roles:
            builder.targets.insert(0, Target("role-bundle", view, "", data,
                                             related={"roles": roles}))
    # a template user's or group's attached managed policy knows whose it is (COG022)
    builder.principal_lists(data, managed)
    for key, kind in (("ResourcePolicies", "resource"), ("IdentityPolicies", "identity")):
        for i, item in enumerate(data.get(key, [])):
            builder.document(kind, item["PolicyDocument"],
                             join_pointer(f"/{key}", i, "PolicyDocument"))
    targets = [whole, *builder.targets]
    unknown = tuple(extraction.unknowns)
    elsewhere = _reported_elsewhere(extraction)
    for target in targets:
        target.related["unknown_pointers"] = unknown
        if elsewhere:
            target.related["reported_elsewhere"] = elsewhere
    return targets


def _reported_elsewhere(extraction: TemplateExtraction) -> frozenset[str]:
    """The files whose findings belong to their own reading: a Terraform module is read
    whole for each of its files, and a finding located in another ``.tf`` file of the
    module is reported when that file is linted (once per run, and only for the files a
    pre-commit hook names)."""
    data = extraction.source.data
    meta = data.get("Metadata") if isinstance(data, dict) else None
    module = meta.get("policy-eval:module") if isinstance(meta, dict) else None
    files = module.get("files") if isinstance(module, dict) else None
    return frozenset(f for f in files if isinstance(f, str)) if isinstance(files, list) \
        else frozenset()


def file_template_targets(source: SourceDocument, reader: TemplateReader | None,
                          base: Path | None, params: dict[str, str] | None,
                          explicit: bool) -> list[Target]:
    """The targets of a decoded template file (a CDK manifest gives its stacks' targets
    when named explicitly; found in a folder it is skipped, as the stacks are read on
    their own)."""
    from ..document.iac import read_templates

    if reader is None:
        return []
    if reader.name == "cdk-assembly" and not explicit:
        return []
    try:
        extractions = read_templates(reader, Path(source.path or "."), source, params)
    except PolicyEvalError as exc:
        return [unreadable_target(exc.with_path(source.path), source.path, source.text)]
    targets: list[Target] = []
    for extraction in extractions:
        if extraction.source is not source and extraction.source.path:
            shown = display_path(Path(extraction.source.path))
            extraction.source.path = shown
            extraction.view.path = shown
            extraction.view.locator.path = shown
        targets.extend(extraction_targets(extraction, base))
    return targets


def raw_template_targets(item: FileInput, params: dict[str, str] | None) -> list[Target]:
    """The targets of a template format read as raw text (by suffix, e.g. ``.tf``)."""
    from ..document.iac import read_templates, reader_for

    reader = reader_for(item.path)
    if reader is None:
        return []
    try:
        extractions = read_templates(reader, item.path, None, params)
    except PolicyEvalError as exc:
        return [unreadable_target(reported_as(exc, item.display), item.display)]
    targets: list[Target] = []
    for extraction in extractions:
        for doc in (extraction.source, extraction.view):
            doc.path = item.display
        extraction.view.locator.path = item.display
        targets.extend(extraction_targets(extraction, item.path.parent))
    return targets
