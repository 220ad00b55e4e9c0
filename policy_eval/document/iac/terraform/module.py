"""Read the ``.tf`` files of one Terraform module into one CloudFormation-shaped document.

:func:`read_module` parses each file (a file with a syntax error is reported as one
located error and left out; the other files are still read), indexes the module's
variables, locals, resources and data sources, translates the modelled resources
(:mod:`.resources`) and returns a :class:`~policy_eval.document.source.SourceDocument`
whose data is a CloudFormation template (``Parameters`` from the variables, ``Resources``
keyed by resource address) and whose locator points every element at the line of the
``.tf`` file it was written in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ....errors import InputError, Location, PolicyEvalError
from ...source import SourceDocument, read_text
from ..located import FileLocator, FileSpan, Node, emit, from_plain, plain
from .evaluate import Evaluator, ModuleIndex
from .hcl import HclFile, parse_file
from .policy_document import policy_document
from .resources import ATTACHMENTS, attach, translate_resource

TERRAFORM_SUFFIX = ".tf"
#: ``format`` of the documents this reader returns.
FORMAT = "terraform"
#: Template metadata naming the file a module was read for and the module's other files.
MODULE_KEY = "policy-eval:module"


@dataclass
class ModuleRead:
    """A module's document (``None`` when no file could be read) and the errors met."""

    document: SourceDocument | None
    errors: list[PolicyEvalError] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def read_module(paths: Sequence[str | Path], display: Sequence[str] | None = None,
                directory: Path | None = None) -> ModuleRead:
    """Read the ``.tf`` files ``paths`` of one module (shown as ``display``)."""
    shown = list(display) if display is not None else [str(p) for p in paths]
    errors: list[PolicyEvalError] = []
    files: list[HclFile] = []
    for path, name in zip(paths, shown, strict=True):
        try:
            files.append(parse_file(read_text(path), name))
        except PolicyEvalError as exc:
            errors.append(exc.with_path(name) if exc.location.path else _renamed(exc, name))
    if directory is None:
        directory = Path(paths[0]).parent if paths else Path(".")
    if not files:
        return ModuleRead(None, errors, shown)
    values, value_errors = _values_files(directory)
    document, found = translate_module(files, directory, values=values)
    errors += value_errors
    return ModuleRead(document, errors + found, shown)


def _renamed(exc: PolicyEvalError, name: str) -> PolicyEvalError:
    loc = exc.location
    return type(exc)(exc.message, Location(name, loc.line, loc.column, loc.pointer,
                                           loc.end_line, loc.end_column), exc.code)


def index_module(files: list[HclFile], directory: Path) -> tuple[ModuleIndex,
                                                                  list[PolicyEvalError]]:
    """The declarations of the module's files; a name declared twice is an error."""
    index = ModuleIndex(directory)
    errors: list[PolicyEvalError] = []

    def declare(table: dict[str, Any], key: str, value: Any, span: FileSpan,
                what: str) -> None:
        if key in table:
            errors.append(InputError(f"duplicate {what} {key!r}",
                                     Location(span.path, span.line, span.column),
                                     "duplicate-declaration"))
        else:
            table[key] = value

    for hcl in files:
        for block in hcl.blocks:
            if block.type == "variable" and len(block.labels) == 1:
                declare(index.variables, block.labels[0], block, block.key_span, "variable")
            elif block.type == "locals":
                for name, attr in block.attributes.items():
                    declare(index.locals, name, (attr, hcl), attr.key_span, "local value")
            elif block.type == "resource" and len(block.labels) == 2:
                declare(index.resources, ".".join(block.labels), block, block.key_span,
                        "resource")
            elif block.type == "data" and len(block.labels) == 2:
                declare(index.data, ".".join(block.labels), block, block.key_span,
                        "data source")
    return index, errors


def _parameter(block: Any, evaluator: Evaluator) -> Node:
    """A CloudFormation parameter for a Terraform variable (``Default`` when it has one a
    parameter can hold: a string, number, bool, or list of them)."""
    members: dict[str, Node] = {}
    default = evaluator.variable_value(block.labels[0])
    kind = "String"
    if default is not None:
        value = plain(default)
        if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
            kind = "CommaDelimitedList"
            members["Default"] = Node(",".join(str(v) for v in value), default.span,
                                      default.key_span)
        elif isinstance(value, bool):
            members["Default"] = Node("true" if value else "false", default.span,
                                      default.key_span)
        elif isinstance(value, (int, float)):
            kind = "Number"
            members["Default"] = Node(value, default.span, default.key_span)
        elif isinstance(value, str):
            members["Default"] = default
    members = {"Type": Node(kind, block.key_span), **members}
    description = evaluator.attribute(block, "description")
    if description is not None and isinstance(description.value, str):
        members["Description"] = description
    return Node(members, block.span, block.key_span)


def translate_module(files: list[HclFile], directory: Path, only: str | None = None,
                     values: Sequence[HclFile] = ()) -> \
        tuple[SourceDocument, list[PolicyEvalError]]:
    """The CloudFormation-shaped document of parsed module files.

    ``values`` are the module's parsed ``.tfvars`` files (in loading order): their
    assignments become the ``Default`` of the variables' parameters.

    With ``only`` (one of the files), the document is that file's view of its module:
    every resource is there (references, attachments and the identity pool's roles need
    the whole module), the errors are those located in ``only``, and the template's
    ``Metadata["policy-eval:module"]`` names ``file`` (``only``) and the module's other
    ``files``: a finding located in one of those belongs to that file's own reading, so
    that each finding is reported once when every file of a module is linted, and a
    finding in the file that changed is reported when only that one is.
    """
    index, errors = index_module(files, directory)
    for tfvars in values:
        index.values.update({name: (attr, tfvars) for name, attr in tfvars.attributes.items()})
    evaluator = Evaluator(index, lambda block: policy_document(block, evaluator))
    parameters = {name: _parameter(block, evaluator) for name, block in index.variables.items()}
    resources: dict[str, Node] = {}
    attachments = []
    for address, block in index.resources.items():
        if block.labels[0] in ATTACHMENTS:
            attachments.append(block)
            continue
        translated = translate_resource(address, block, evaluator)
        if translated is not None:
            resources[address] = translated
    for block in attachments:
        attach(block, evaluator, resources)
    template: dict[str, Node] = {}
    if only is not None:
        others = [f.path for f in files if f.path != only]
        files = [f for f in files if f.path == only] or files
        errors = [e for e in errors if e.location.path == only]
        evaluator.errors = [e for e in evaluator.errors if e.location.path == only]
        template["Metadata"] = from_plain({MODULE_KEY: {"file": only, "files": others}},
                                          FileSpan(1, 1, 1, 1, only))
    first = files[0]
    root_span = FileSpan(1, 1, 1, 1, first.path)
    if parameters:
        template["Parameters"] = Node(parameters, root_span)
    template["Resources"] = Node(resources, root_span)
    path = first.path if len(files) == 1 else _common_folder([f.path for f in files])
    locator = FileLocator(path)
    data = emit(Node(template, root_span), locator)
    document = SourceDocument(path, first.text if len(files) == 1 else "", data, FORMAT,
                              locator)
    document.errors = errors + evaluator.errors
    return document, document.errors


def _common_folder(paths: list[str]) -> str:
    parents = {Path(p).parent.as_posix() for p in paths}
    return parents.pop() if len(parents) == 1 else "."


def read_text_module(text: str, path: str = "main.tf") -> ModuleRead:
    """Read one module given as the text of a single ``.tf`` file (for tests and APIs)."""
    try:
        hcl = parse_file(text, path)
    except PolicyEvalError as exc:
        return ModuleRead(None, [exc], [path])
    document, errors = translate_module([hcl], Path(path).parent)
    return ModuleRead(document, errors, [path])


#: Parsed files by (path, size, modification time): a module's files are read once per run
#: even when each of them is linted on its own.
_PARSED: dict[tuple[str, int, int], HclFile] = {}


def _parse_cached(path: Path, shown: str) -> HclFile:
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _PARSED:
        _PARSED[key] = parse_file(read_text(path), shown)
    return _PARSED[key]


def module_files(path: Path) -> list[Path]:
    """The ``.tf`` files of the module ``path`` belongs to (its folder), ``path`` first."""
    siblings = sorted(p for p in path.parent.glob("*" + TERRAFORM_SUFFIX)
                      if p.is_file() and p.resolve() != path.resolve())
    return [path, *siblings]


def read_terraform_file(path: Path, source: SourceDocument | None = None,
                        params: Mapping[str, str] | None = None) -> list[SourceDocument]:
    """The reader of the registry for one ``.tf`` file: its module (the ``.tf`` files of
    its folder) as seen from this file (see :func:`translate_module`). A syntax error in
    this file raises; one in a sibling only hides that sibling's declarations (and is
    reported when the sibling is read)."""
    from ..located import display_name

    shown = display_name(path)
    own = _parse_cached(path, shown)
    files = [own]
    for sibling in module_files(path)[1:]:
        try:
            files.append(_parse_cached(sibling, display_name(sibling)))
        except PolicyEvalError:
            continue
    values, value_errors = _values_files(path.parent)
    document, _ = translate_module(files, path.parent, only=shown, values=values)
    document.errors += value_errors
    return [document]


def _values_files(directory: Path) -> tuple[list[HclFile], list[PolicyEvalError]]:
    """The ``.tfvars`` files Terraform loads by itself, in its order: ``terraform.tfvars``,
    then ``*.auto.tfvars`` by name."""
    from ..located import display_name

    paths = [directory / "terraform.tfvars", *sorted(directory.glob("*.auto.tfvars"))]
    parsed: list[HclFile] = []
    errors: list[PolicyEvalError] = []
    for path in paths:
        if path.is_file():
            try:
                parsed.append(_parse_cached(path, display_name(path)))
            except PolicyEvalError as exc:
                errors.append(exc)
    return parsed, errors
