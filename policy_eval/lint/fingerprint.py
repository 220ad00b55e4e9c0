"""Finding fingerprints that survive edits elsewhere in the file.

A fingerprint says *what* a finding is about, not *where* it sits: the rule, the file
(relative to the source root), and the finding's **subject**, its JSON pointer with every
array index replaced by what the indexed item is:

* a statement by its ``Sid``, or, without one, by a hash of its normalised content
  (keys sorted, action names lower-cased, string lists sorted);
* a role, policy, user or group by its name (``RoleName``, ``PolicyName`` ...);
* a string (an action, a resource, a condition value) by its text;
* anything else by a hash of its content.

Inserting a statement above a finding, or moving lines, leaves the subject unchanged.
Two findings with the same rule, file and subject (two identical statements) are told
apart by their rank in document order (``#0``, ``#1`` ...), which is deterministic.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

#: Keys that name the item of a list (first present wins).
NAME_KEYS = ("Sid", "RoleName", "PolicyName", "PolicyArn", "UserName", "GroupName",
             "Arn", "name", "id")
#: Statement elements whose string lists are sets (order carries no meaning).
_SET_ELEMENTS = ("Action", "NotAction", "Resource", "NotResource")


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _normalised_statement(statement: dict[str, Any]) -> dict[str, Any]:
    """A statement with the differences that change nothing taken out."""
    out = dict(statement)
    for element in _SET_ELEMENTS:
        value = out.get(element)
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            if "Action" in element:
                value = [v.lower() for v in value]
            out[element] = sorted(set(value))
    return out


def item_name(item: Any) -> str:
    """What an item of a list is, independent of its position."""
    if isinstance(item, dict):
        for key in NAME_KEYS:
            name = item.get(key)
            if isinstance(name, str) and name.strip():
                return f"{key}={name}"
        if "Effect" in item or "Action" in item or "NotAction" in item:
            return "stmt:" + _digest(_normalised_statement(item))
        return "obj:" + _digest(item)
    if isinstance(item, (str, int, float, bool)) or item is None:
        return "=" + json.dumps(item, ensure_ascii=False)
    return "obj:" + _digest(item)


def subject(data: Any, pointer: str) -> str:
    """``pointer`` with each array index replaced by :func:`item_name` of its item."""
    if not pointer:
        return ""
    node = data
    out: list[str] = []
    for raw in pointer.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            try:
                node = node[int(token)]
            except (ValueError, IndexError):
                out.append(raw)
                node = None
                continue
            out.append(item_name(node).replace("~", "~0").replace("/", "~1"))
        elif isinstance(node, dict):
            out.append(raw)
            node = node.get(token)
        else:
            out.append(raw)
    return "/" + "/".join(out)


def fingerprint(code: str, path: str, about: str, rank: int) -> str:
    """The fingerprint of the ``rank``-th finding of ``code`` about ``about`` in ``path``."""
    material = "\x00".join((code, path, about, str(rank)))
    return hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def assign(keys: Iterable[tuple[str, str, str]]) -> list[str]:
    """Fingerprints for (code, path, subject) keys given in document order; equal keys
    get ranks 0, 1, 2 ... in that order."""
    seen: dict[tuple[str, str, str], int] = {}
    out: list[str] = []
    for key in keys:
        rank = seen.get(key, 0)
        seen[key] = rank + 1
        out.append(fingerprint(*key, rank))
    return out
