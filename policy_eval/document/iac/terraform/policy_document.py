"""``data "aws_iam_policy_document"``: the policy JSON the AWS provider would render.

Follows the provider's documentation and rendering: ``effect`` defaults to ``Allow``;
``principals``/``not_principals`` blocks of one ``type`` are merged (type ``*`` with
identifier ``*`` is ``"Principal": "*"``); ``condition`` blocks with the same ``test`` and
``variable`` merge their values; a list of one element is rendered as a string; values are
strings (``true`` is ``"true"``); ``&{...}`` is the provider's way to write an IAM policy
variable and becomes ``${...}``.

Merging (provider documentation, "Example with Source and Override"): the statements of
``source_policy_documents`` come first; a statement of this block whose ``sid`` equals a
source statement's replaces it in place, others are appended; then each document of
``override_policy_documents`` in order: a statement with a ``sid`` already present replaces
that statement, others are appended. Statements without ``sid`` are never replaced. The
deprecated ``source_json``/``override_json`` are a one-document list of each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..located import FileSpan, Node, unknown

if TYPE_CHECKING:
    from .evaluate import Evaluator
    from .hcl import Block

STATEMENT_LISTS = (("actions", "Action"), ("not_actions", "NotAction"),
                   ("resources", "Resource"), ("not_resources", "NotResource"))


def policy_document(block: Block, evaluator: Evaluator) -> Node:
    """The policy document of a ``data "aws_iam_policy_document"`` block."""
    members: dict[str, Node] = {}
    version = evaluator.attribute(block, "version")
    members["Version"] = version or Node("2012-10-17", block.key_span)
    policy_id = evaluator.attribute(block, "policy_id")
    if policy_id is not None:
        members["Id"] = policy_id
    statements: list[Node] = []
    for name in ("source_policy_documents", "source_json"):
        for document in _documents(evaluator.attribute(block, name)):
            statements.extend(_statements_of(document))
    own = [_statement(b, evaluator) for b in block.blocks_of("statement")]
    own += [unknown(f'dynamic "statement" in {block.header}', b.span)
            for b in block.blocks_of("dynamic") if b.labels == ["statement"]]
    _merge(statements, own)
    for name in ("override_json", "override_policy_documents"):
        for document in _documents(evaluator.attribute(block, name)):
            _merge(statements, _statements_of(document))
    first = block.blocks_of("statement")
    members["Statement"] = Node(statements, block.span,
                                first[0].key_span if first else block.key_span)
    return Node(members, block.span, block.key_span)


def _documents(node: Node | None) -> list[Node]:
    if node is None:
        return []
    if isinstance(node.value, list):
        return node.value
    return [node]


def _statements_of(document: Node) -> list[Node]:
    """The statements of a merged document (an unknown document is one unknown
    statement: what it adds or overrides is not known)."""
    if isinstance(document.value, str):
        import json

        from ..located import from_plain

        try:
            document = from_plain(json.loads(document.value), document.span)
        except json.JSONDecodeError:
            return [unknown(document.value, document.span)]
    statement = document.get("Statement") if not document.is_unknown else None
    if statement is None:
        return [unknown("statements of a merged policy document", document.span)
                if not document.is_unknown else document]
    return list(statement.value) if isinstance(statement.value, list) else [statement]


def _sid(statement: Node) -> str | None:
    sid = statement.get("Sid")
    return sid.value if sid is not None and isinstance(sid.value, str) and sid.value else None


def _merge(statements: list[Node], incoming: list[Node]) -> None:
    for statement in incoming:
        sid = _sid(statement)
        index = next((i for i, s in enumerate(statements) if sid and _sid(s) == sid), None)
        if index is None:
            statements.append(statement)
        else:
            statements[index] = statement


def _provider_string(node: Node) -> Node:
    """A value as the provider renders it in a statement: strings (``&{`` -> ``${``)."""
    value = node.value
    if isinstance(value, bool):
        return Node("true" if value else "false", node.span, node.key_span)
    if isinstance(value, (int, float)):
        return Node(str(value), node.span, node.key_span)
    if isinstance(value, str) and "&{" in value:
        return Node(value.replace("&{", "${"), node.span, node.key_span)
    if isinstance(value, dict) and "Fn::Join" in value:
        parts = value["Fn::Join"].value[1]
        if isinstance(parts.value, list):
            parts.value = [_provider_string(p) for p in parts.value]
    return node


def _string_list(node: Node) -> Node:
    """A list attribute as rendered: strings, one element as a string."""
    if isinstance(node.value, list):
        items = [_provider_string(item) for item in node.value]
        if len(items) == 1:
            return Node(items[0].value, items[0].span, node.key_span)
        return Node(items, node.span, node.key_span)
    return _provider_string(node)


def _statement(block: Block, evaluator: Evaluator) -> Node:
    members: dict[str, Node] = {}
    sid = evaluator.attribute(block, "sid")
    if sid is not None:
        members["Sid"] = _provider_string(sid)
    effect = evaluator.attribute(block, "effect")
    members["Effect"] = effect or Node("Allow", block.key_span)
    for attribute, element in STATEMENT_LISTS:
        node = evaluator.attribute(block, attribute)
        if node is not None:
            members[element] = _string_list(node)
    for kind, element in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        principal = _principals(block.blocks_of(kind), evaluator)
        if principal is not None:
            members[element] = principal
    condition = _conditions(block.blocks_of("condition"), evaluator)
    if condition is not None:
        members["Condition"] = condition
    return Node(members, block.span, block.key_span)


def _principals(blocks: list[Block], evaluator: Evaluator) -> Node | None:
    if not blocks:
        return None
    by_type: dict[str, Node] = {}
    for block in blocks:
        kind = evaluator.attribute(block, "type")
        identifiers = evaluator.attribute(block, "identifiers")
        if kind is None or identifiers is None:
            continue
        if not isinstance(kind.value, str):
            by_type[f"<unknown type at line {block.span.line}>"] = unknown(
                f"principals type in {block.header}", kind.span)
            continue
        if kind.value == "*" and isinstance(identifiers.value, list) \
                and [i.value for i in identifiers.value] == ["*"]:
            return Node("*", block.span, blocks[0].key_span)
        _append(by_type, kind.value, identifiers, block.span, kind.key_span)
    return Node({k: _string_list(v) for k, v in by_type.items()}, blocks[0].span,
                blocks[0].key_span)


def _append(table: dict[str, Node], key: str, values: Node, span: FileSpan,
            key_span: FileSpan | None) -> None:
    """Add ``values`` (a list node or one value) under ``key``, merging with earlier ones."""
    items = values.value if isinstance(values.value, list) else [values]
    if key in table and isinstance(table[key].value, list):
        table[key].value.extend(items)
    else:
        table[key] = Node(list(items), values.span or span, key_span)


def _conditions(blocks: list[Block], evaluator: Evaluator) -> Node | None:
    if not blocks:
        return None
    tests: dict[str, Node] = {}
    for block in blocks:
        test = evaluator.attribute(block, "test")
        variable = evaluator.attribute(block, "variable")
        values = evaluator.attribute(block, "values")
        if test is None or variable is None or values is None:
            continue
        if not isinstance(test.value, str) or not isinstance(variable.value, str):
            evaluator.error(f"condition of {block.header}: test and variable must be known "
                            "strings", block.span, "unknown-condition")
            continue
        keys = tests.setdefault(test.value, Node({}, block.span, test.key_span))
        _append(keys.value, variable.value, values, block.span, variable.key_span)
    return Node({test: Node({k: _string_list(v) for k, v in keys.value.items()}, keys.span,
                            keys.key_span)
                 for test, keys in tests.items()}, blocks[0].span, blocks[0].key_span)
