"""Infrastructure as code: templates read into the located AWS API shapes.

Format readers turn a file into CloudFormation-shaped data (a ``SourceDocument`` whose
``data`` is ``{"Parameters": {...}, "Resources": {"<id>": {"Type": "AWS::IAM::Role",
"Properties": {...}, "Metadata": {...}}}}`` and whose locator maps every JSON pointer of
that data to the span in the original file); :func:`.cloudformation.extract_template` turns
that into one *view* in the shapes of the AWS APIs (policies, role bundles, an identity
pool), located in the original file. Downstream stages never learn which format a pool or a
policy came from, except through the locations.

Modules: :mod:`.detect` (recognise a template by its content), :mod:`.unknown` (the
explicit unknown value and how it is treated), :mod:`.placeholders` (pseudo parameters,
``Ref``/``GetAtt`` placeholders), :mod:`.intrinsics` (``Ref``, ``Fn::Sub``, ``Fn::If``...),
:mod:`.cloudformation` (template -> view), :mod:`.sam` (``AWS::Serverless::Function``
roles), :mod:`.cdk` (``cdk.out``), :mod:`.evaluation` (a view prepared for the engine).

The reader registry
-------------------
:data:`READERS` lists the formats in the order they are tried. A reader has a ``name``,
either ``detect`` (a cheap test on decoded JSON/YAML content) or ``suffixes`` (raw-text
formats chosen by file suffix, e.g. ``(".tf",)``), and ``read``: ``"module:function"``,
imported only when a file needs it, with the signature::

    def read(path: Path, source: SourceDocument | None,
             params: Mapping[str, str] | None) -> list[SourceDocument]

returning CloudFormation-shaped documents (``source`` is the decoded file for ``detect``
readers, ``None`` for ``suffixes`` readers). A reader for another format (Terraform HCL,
``terraform show -json``, an account export) joins by appending a :class:`TemplateReader`
to :data:`READERS` here. Its data may express what it cannot resolve only with
CloudFormation intrinsics (``Ref``, ``Fn::GetAtt``, ``Fn::Join``, ``Parameters`` without
``Default``) or with ``{"PolicyEval::Unknown": "<source expression>"}``; findings name a
resource by ``Metadata["policy-eval:address"]`` (else ``aws:cdk:path``, else the logical
id). Problems that make a file unusable raise
:class:`~policy_eval.errors.PolicyEvalError` with the file's own location.

Entry points: :func:`reader_for` (which reader, if any, reads a file),
:func:`read_templates` (a file -> :class:`~.cloudformation.TemplateExtraction` per
template), :func:`extract_template` (CloudFormation-shaped data -> extraction),
:func:`pool_source` (the template holding an identity pool, for ``IdentityPool.load``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .detect import is_account_export, is_cdk_manifest, is_cloudformation, is_show_json

if TYPE_CHECKING:
    from ..source import SourceDocument
    from .cloudformation import TemplateExtraction


@dataclass(frozen=True)
class TemplateReader:
    """One input format (see the module docstring)."""

    name: str
    read: str
    detect: Callable[[Any], bool] | None = None
    suffixes: tuple[str, ...] = ()

    def reader(self) -> Callable[..., list[SourceDocument]]:
        module, _, function = self.read.partition(":")
        return getattr(import_module(module), function)


READERS: list[TemplateReader] = [
    TemplateReader("cdk-assembly", "policy_eval.document.iac.readers:read_cdk_manifest",
                   detect=is_cdk_manifest),
    TemplateReader("cloudformation", "policy_eval.document.iac.readers:read_cloudformation",
                   detect=is_cloudformation),
    TemplateReader("terraform", "policy_eval.document.iac.terraform.module:read_terraform_file",
                   suffixes=(".tf",)),
    TemplateReader("terraform-show", "policy_eval.document.iac.terraform.plan:read_terraform_show",
                   detect=is_show_json),
    TemplateReader("account-export", "policy_eval.document.iac.account_export:read_export",
                   detect=is_account_export),
]


def reader_for(path: Path | str | None, data: Any = None) -> TemplateReader | None:
    """The reader of a file: by suffix for raw-text formats, else by decoded content."""
    name = str(path or "").lower()
    for reader in READERS:
        if reader.suffixes and name.endswith(reader.suffixes):
            return reader
    for reader in READERS:
        if reader.detect is not None and reader.detect(data):
            return reader
    return None


def reader_named(name: str) -> TemplateReader | None:
    """The reader called ``name``."""
    return next((r for r in READERS if r.name == name), None)


def raw_suffixes() -> tuple[str, ...]:
    """File suffixes read as raw text by a reader (searched for in folders)."""
    return tuple(s for r in READERS for s in r.suffixes)


def read_templates(reader: TemplateReader, path: Path, source: SourceDocument | None,
                   params: Mapping[str, str] | None = None) -> list[TemplateExtraction]:
    """Every template of a file, extracted (see :func:`extract_template`)."""
    from .cloudformation import extract_template
    return [extract_template(doc, params) for doc in reader.reader()(path, source, params)]


def extract_template(source: SourceDocument,
                     params: Mapping[str, str] | None = None) -> TemplateExtraction:
    """CloudFormation-shaped data -> the located view (see :mod:`.cloudformation`)."""
    from .cloudformation import extract_template as extract
    return extract(source, params)


def pool_source(path: Path, params: Mapping[str, str] | None = None,
                source: SourceDocument | None = None) -> Any:
    """See :func:`.evaluation.pool_source`."""
    from .evaluation import pool_source as find
    return find(path, params, source)


__all__ = ["READERS", "TemplateReader", "extract_template", "is_cdk_manifest",
           "is_cloudformation", "pool_source", "raw_suffixes", "read_templates", "reader_for"]
