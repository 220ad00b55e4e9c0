"""Find the files to lint, recognise what each document is, and build lint targets.

A path named on the command line is always read; a folder is searched for ``.json``,
``.yaml`` and ``.yml`` files (hidden folders and ``node_modules`` are skipped), and only
documents recognised as a policy, role, pool or scenario are linted from it.

Kinds (see :data:`policy_eval.lint.rule.KINDS`):

* ``pool`` - a pool file (has ``IdentityPool``; shapes of the Cognito and IAM APIs);
* ``role-bundle`` - ``aws iam get-account-authorization-details`` output (``RoleDetailList``,
  ``UserDetailList``, ``GroupDetailList``) or one role with ``AssumeRolePolicyDocument``
  (+ ``RolePolicyList``), or ``get-role``, or ``get-user-policy`` / ``get-group-policy``
  output (the policy knows it belongs to a user or group: ``related["principals"]``);
* ``scenario`` - has a ``requests`` list;
* ``template`` - an infrastructure template, recognised by its content
  (:mod:`policy_eval.document.iac`: CloudFormation/SAM/CDK; formats read by suffix join
  through its reader registry): its policies, roles and pool become targets located in the
  template (:mod:`.templates`);
* policies: ``trust`` (a Principal, only ``sts:AssumeRole*``-family actions, no Resource),
  ``resource`` (a Principal otherwise), ``scp``/``rcp``/``boundary``/``session`` (from the
  file name, e.g. ``deny-regions.scp.json``, or a ``kind`` set in the configuration),
  else ``identity``.

The policies nested in pool files, role bundles and scenarios become targets of their
own with pointers into the file, and ``Target.related`` links a role's trust policy with
its permission policies (and the pool they belong to).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import itertools
import json
import os
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..document.locate import Locator
from ..document.model import POLICY_KINDS, Policy, Statement, check_policy
from ..document.source import SourceDocument, load_file
from ..errors import ErrorCode, InputError, Location, PolicyEvalError, join_pointer
from .paths import Excludes, build_excludes
from .rule import Target

SUFFIXES = (".json", ".yaml", ".yml")
SKIPPED_DIRS = ("node_modules", "__pycache__", "cdk.out")

TRUST_ACTIONS = ("sts:assumerole", "sts:assumerolewithwebidentity", "sts:assumerolewithsaml",
                 "sts:tagsession", "sts:setsourceidentity", "sts:setcontext")


@dataclass(frozen=True)
class FileInput:
    """A file to read: its path, the name to report it by, and how it was found."""

    path: Path
    display: str
    explicit: bool


def raw_suffixes() -> tuple[str, ...]:
    """Suffixes of the template formats that are not JSON or YAML (``.tf``), from the
    reader registry of :mod:`policy_eval.document.iac`."""
    from ..document.iac import raw_suffixes as registered
    return registered()


def display_path(path: Path) -> str:
    """``path`` relative to the working folder when inside it (stable SARIF URIs),
    normalised (``pools/../policies/p.json`` is ``policies/p.json``)."""
    path = Path(os.path.normpath(path))
    try:
        return Path(os.path.relpath(path)).as_posix() if not path.is_absolute() else \
            Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def is_excluded(display: str, patterns: list[str] | tuple[str, ...]) -> bool:
    """Does a glob of ``patterns`` match the path, its name, or one of its folders?"""
    if not patterns:
        return False
    parts = display.split("/")
    for pat in patterns:
        pat = pat.rstrip("/")
        if fnmatch.fnmatch(display, pat) or fnmatch.fnmatch(parts[-1], pat):
            return True
        if any(fnmatch.fnmatch("/".join(parts[:i]), pat) for i in range(1, len(parts))):
            return True
        if any(fnmatch.fnmatch(part, pat) for part in parts[:-1]):
            return True
    return False


def find_files(paths: list[Path], exclude: Excludes | list[str] | tuple[str, ...] = ()) -> \
        tuple[list[FileInput], list[str]]:
    """The files named by ``paths`` (folders searched) and the paths that do not exist.

    ``exclude``: an :class:`~policy_eval.lint.paths.Excludes` (globs with the folder each
    is relative to), or plain globs, relative to the folders in ``paths``."""
    if not isinstance(exclude, Excludes):
        exclude = build_excludes(paths, list(exclude), (), None)
    skip = exclude.matches
    found: list[FileInput] = []
    missing: list[str] = []
    seen: set[str] = set()

    def add(item: FileInput) -> None:
        if item.display not in seen:
            seen.add(item.display)
            found.append(item)

    for path in paths:
        if path.is_dir():
            suffixes = SUFFIXES + raw_suffixes()
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                                 and d not in SKIPPED_DIRS
                                 and not skip(Path(root) / d))
                for name in sorted(files):
                    if not name.lower().endswith(suffixes):
                        continue
                    file = Path(root) / name
                    if not skip(file):
                        add(FileInput(file, display_path(file), False))
        elif path.exists():
            if not skip(path):
                add(FileInput(path, display_path(path), True))
        else:
            missing.append(str(path))
    return found, missing


# ------------------------------------------------------------------ kind detection

def _statements(data: dict[str, Any]) -> list[dict[str, Any]]:
    raw = data.get("Statement")
    items = raw if isinstance(raw, list) else [raw]
    return [s for s in items if isinstance(s, dict)]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


_NAME_TOKENS = re.compile(r"[a-z0-9]+")


def kind_from_name(path: str | None) -> str | None:
    """A policy kind named in the file name (``*.scp.json``, ``permissions-boundary.json``)."""
    if not path:
        return None
    tokens = _NAME_TOKENS.findall(Path(path).name.lower().rsplit(".", 1)[0])
    for kind, names in (("scp", ("scp", "scps")), ("rcp", ("rcp", "rcps")),
                        ("boundary", ("boundary",))):
        if any(t in names for t in tokens):
            return kind
    for a, b in itertools.pairwise(tokens):
        if a == "session" and b == "policy":
            return "session"
    return None


def detect_policy_kind(data: dict[str, Any], path: str | None = None) -> str:
    """Guess the kind of a policy document (see the module docstring)."""
    statements = _statements(data)
    named = kind_from_name(path)
    has_principal = any("Principal" in s or "NotPrincipal" in s for s in statements)
    if named == "rcp" or (named and not has_principal):
        return named
    if not has_principal:
        return "identity"
    no_resource = all("Resource" not in s and "NotResource" not in s for s in statements)
    actions = [a.lower() for s in statements for a in _strings(s.get("Action"))]
    if no_resource and actions and all(a in TRUST_ACTIONS or a.startswith("sts:assumerole")
                                       or a in ("sts:*", "sts:assumerole*") for a in actions):
        return "trust"
    if no_resource and not actions:
        return "trust"
    return "resource"


#: Error codes of the pool loader (:func:`policy_eval.cognito.load.load_pool_config`) that
#: concern the pool file itself, not the policy documents it holds (those have targets of
#: their own); reported by COG020.
POOL_FILE_ERROR_CODES = (ErrorCode.invalid_pool, ErrorCode.invalid_pool_file,
                         ErrorCode.unknown_role, ErrorCode.unknown_provider,
                         ErrorCode.unknown_policy)
#: Keys only a pool file has (besides ``IdentityPool``): the IAM side of the export.
_POOL_FILE_KEYS = ("IamRoles", "ManagedPolicies", "PrincipalTagAttributeMaps")


def is_pool_file(data: dict[str, Any]) -> bool:
    """A pool file as ``policy-eval simulate`` reads it: ``IdentityPool``, or the role side
    of one (``IamRoles``, ``PrincipalTagAttributeMaps``...) with ``Roles`` or
    ``RoleMappings`` (then the missing ``IdentityPool`` is reported)."""
    return "IdentityPool" in data or (any(k in data for k in _POOL_FILE_KEYS) and (
        "Roles" in data or "RoleMappings" in data))


def _is_pool_settings(data: dict[str, Any]) -> bool:
    """CreateIdentityPool / DescribeIdentityPool output, or SetIdentityPoolRoles input."""
    return "AllowUnauthenticatedIdentities" in data or (
        "IdentityPoolId" in data and ("RoleMappings" in data or "Roles" in data))


#: :data:`policy_eval.document.iac.detect.TEMPLATE_KEYS`, kept here so that checking a plain
#: policy never imports the iac package (pre-commit start-up; a test holds them equal).
TEMPLATE_KEYS = frozenset(("Resources", "AWSTemplateFormatVersion", "Transform", "artifacts",
                           "format_version"))


def template_reader(data: Any, path: str | None = None) -> Any:
    """The :class:`~policy_eval.document.iac.TemplateReader` of a decoded document, if it is
    a template (the iac package is imported only for documents that may be one)."""
    if not isinstance(data, dict) or TEMPLATE_KEYS.isdisjoint(data):
        return None
    from ..document.iac import reader_for
    return reader_for(path, data)


def detect_kind(data: Any, path: str | None = None) -> str | None:
    """The kind of a decoded document, or ``None`` when it is none of ours."""
    if not isinstance(data, dict):
        return None
    if is_pool_file(data) or _is_pool_settings(data):
        return "pool"
    if template_reader(data, path) is not None:
        return "template"
    if isinstance(data.get("requests"), list):
        return "scenario"
    if "RoleDetailList" in data or "AssumeRolePolicyDocument" in data or (
            isinstance(data.get("Role"), dict) and "AssumeRolePolicyDocument" in data["Role"]) \
            or "UserDetailList" in data or "GroupDetailList" in data or (
                "PolicyDocument" in data and ("UserName" in data or "GroupName" in data)):
        return "role-bundle"
    if "Statement" in data:
        return detect_policy_kind(data, path)
    return None


#: Keys (JSON or YAML) that only the kinds we lint use: a policy or trust policy, a role
#: bundle or account export, a pool file, a scenario, a CloudFormation template.
_OUR_KEYS = re.compile(
    r"""(?:^|[{,\s"'])(?:Statement|Effect|Sid|NotAction|NotResource|NotPrincipal|"""
    r"""AssumeRolePolicyDocument|PolicyDocument|RoleDetailList|UserDetailList|"""
    r"""GroupDetailList|IdentityPool|IdentityPoolId|IdentityPoolName|"""
    r"""AllowUnauthenticatedIdentities|RoleMappings|AWSTemplateFormatVersion|Resources|"""
    r"""requests)"""
    r"""["']?\s*:""", re.M)
_CFN_TYPE = re.compile(r"""["']?Type["']?\s*:\s*["']?AWS::|"""
                       r"""["']?Version["']?\s*:\s*["']?20(12|08)-10-17""")
#: How much of a file is sniffed for the keys above.
_SNIFF_BYTES = 1 << 20
#: Decoding errors after which a file may simply be another kind of file (JSONC, JSON5,
#: a YAML dialect, a binary): it is skipped unless its text looks like one of ours.
_NOT_OURS_ERRORS = (ErrorCode.json_syntax, ErrorCode.yaml_syntax, ErrorCode.binary_file,
                    ErrorCode.invalid_utf8, ErrorCode.unreadable, ErrorCode.duplicate_key,
                    ErrorCode.non_finite_number, ErrorCode.number_too_long, ErrorCode.too_deep,
                    ErrorCode.file_too_large, ErrorCode.yaml_alias_expansion,
                    ErrorCode.yaml_recursive_alias)


def looks_like_ours(text: str) -> bool:
    """Does the text of a file that did not decode look like a document we lint (a policy,
    trust policy, role bundle, pool file, scenario or CloudFormation template)? Then its
    errors are reported; otherwise it is some other JSON/YAML-like file (``tsconfig.json``
    with comments, ``.vscode/settings.json``, ``devcontainer.json``) and is skipped."""
    head = text[:_SNIFF_BYTES]
    return bool(_OUR_KEYS.search(head) or _CFN_TYPE.search(head))


def file_looks_like_ours(path: Path) -> bool:
    """:func:`looks_like_ours` on a file's first megabyte (``False`` when unreadable)."""
    try:
        if not path.is_file():      # only regular files (a FIFO would block)
            return False
        with path.open("rb") as handle:
            raw = handle.read(_SNIFF_BYTES)
    except OSError:
        return False
    return looks_like_ours(raw.decode("utf-8", errors="replace"))


def is_skippable_error(error: PolicyEvalError, path: Path) -> bool:
    """A decoding error of a file that does not look like a document we lint."""
    return error.code in _NOT_OURS_ERRORS and not file_looks_like_ours(path)


def json_cut_off(text: str) -> bool:
    """Does this JSON (or JSONC) text end inside a string or an open object/array, as a
    file emptied half-way or cut off does? Comments are skipped, so a ``tsconfig.json``
    with comments and trailing commas is not cut off."""
    depth = 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            if i >= n:
                return True             # the input ends inside a string
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 1
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
        i += 1
    return depth > 0


def _empty_file_error(display: str) -> InputError:
    return InputError("empty file: no policy document in it", Location(display, 1, 1, ""),
                      ErrorCode.json_syntax)


def _read_text(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            return handle.read(_SNIFF_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return None


# ------------------------------------------------------------------ target building

def _partial_policy(data: Any, kind: str, source: SourceDocument, pointer: str) -> Policy | None:
    """The statements of a document with grammar errors that parse on their own."""
    if not isinstance(data, dict):
        return None
    raw = data.get("Statement")
    spointer = join_pointer(pointer, "Statement")
    if isinstance(raw, dict):
        items = [(raw, spointer)]
    elif isinstance(raw, list):
        items = [(s, join_pointer(spointer, i)) for i, s in enumerate(raw)]
    else:
        return None
    version = data.get("Version") if data.get("Version") in ("2012-10-17", "2008-10-17") \
        else None
    statements: list[Statement] = []
    for index, (item, real) in enumerate(items):
        doc: dict[str, Any] = {"Statement": [item]}
        if version:
            doc["Version"] = version
        policy, errors = check_policy(doc, kind=kind)  # type: ignore[arg-type]
        if errors or policy is None:
            continue
        st = policy.statements[0]
        fake = st.pointer
        clauses = tuple(dataclasses.replace(c, pointer=real + c.pointer[len(fake):])
                        for c in st.conditions)
        statements.append(dataclasses.replace(st, pointer=real, index=index,
                                              conditions=clauses))
    if not statements:
        return None
    return Policy(version=version, statements=tuple(statements), kind=kind,  # type: ignore[arg-type]
                  name=source.path, path=source.path, pointer=pointer)


def policy_target(kind: str, source: SourceDocument, pointer: str, data: Any,
                  related: dict[str, Any] | None = None) -> Target:
    """A target for one policy document at ``pointer`` in ``source``."""
    policy, errors = check_policy(data, kind=kind, source=source,  # type: ignore[arg-type]
                                  pointer=pointer, path=source.path)
    target = Target(kind, source, pointer, data, policy, list(errors), related or {})
    if errors:
        target.partial = _partial_policy(data, kind, source, pointer)
    return target


def unreadable_target(error: PolicyEvalError, path: str | None, text: str = "") -> Target:
    """A target standing for a file (or reference) that could not be decoded."""
    source = SourceDocument(path, text, None, "json", Locator(path))
    return Target("unreadable", source, "", None, None, [error])  # type: ignore[list-item]


def _embedded_source(text: str, outer: SourceDocument, pointer: str) -> SourceDocument:
    """A document that was a JSON string inside another one: positions are the string's."""
    loc = outer.location(pointer)
    locator = Locator(outer.path)
    if loc.line is not None:
        from ..document.locate import Span
        locator.values[""] = Span(loc.line, loc.column or 1, loc.end_line or loc.line,
                                  loc.end_column or loc.column or 1)
    return SourceDocument(outer.path, text, json.loads(text), "json", locator)


class _Builder:
    """Builds the targets of one file, following policy references relative to it."""

    def __init__(self, source: SourceDocument, base: Path | None) -> None:
        self.source = source
        self.base = base
        self.targets: list[Target] = []
        self.sources: dict[str, SourceDocument] = {}

    def document(self, kind: str, value: Any, pointer: str,
                 related: dict[str, Any] | None = None) -> Target | None:
        """A policy given inline, as a path, or as a (URL-encoded) JSON string."""
        if isinstance(value, dict):
            target = policy_target(kind, self.source, pointer, value, related)
        elif isinstance(value, str):
            text = value.strip()
            if text.startswith("%7B") or text.startswith("%7b"):
                text = urllib.parse.unquote(text)
            try:
                if text.startswith("{"):
                    sub = _embedded_source(text, self.source, pointer)
                else:
                    ref = Path(text)
                    if self.base is not None and not ref.is_absolute():
                        ref = self.base / ref
                    shown = display_path(ref)
                    sub = self.sources.get(shown) or self.referenced(ref, shown, pointer)
                    sub.path = shown
                    if sub._locator is not None:
                        sub._locator.path = shown
                    self.sources[shown] = sub
            except json.JSONDecodeError as exc:
                loc = self.source.location(pointer)
                target = unreadable_target(InputError(
                    f"embedded policy is not valid JSON: {exc.msg}", loc, ErrorCode.json_syntax),
                    self.source.path, self.source.text)
            except PolicyEvalError as exc:
                if exc.code == ErrorCode.not_a_policy:    # reported where the reference is
                    target = unreadable_target(exc, self.source.path, self.source.text)
                else:
                    target = unreadable_target(exc, exc.location.path or self.source.path)
            else:
                target = policy_target(kind, sub, "", sub.data, related)
        else:
            return None
        self.targets.append(target)
        return target

    def referenced(self, ref: Path, shown: str, pointer: str) -> SourceDocument:
        """The policy file a reference at ``pointer`` names. A file that is not a policy
        document (``../secret.env``, a ``package.json``) raises a ``not-a-policy`` error
        located at the reference: its content is never quoted or excerpted."""
        try:
            sub = load_file(ref)
        except PolicyEvalError as exc:
            if exc.code in _NOT_OURS_ERRORS and not file_looks_like_ours(ref):
                raise self.not_a_policy(shown, pointer) from None
            raise
        if not isinstance(sub.data, dict) or detect_kind(sub.data) not in (*POLICY_KINDS,
                                                                            None) \
                or not looks_like_ours(sub.text):
            raise self.not_a_policy(shown, pointer)
        return sub

    def not_a_policy(self, shown: str, pointer: str) -> InputError:
        return InputError(f"{shown} is not a policy or pool document (it has none of their "
                          "elements); its content is not shown", self.source.location(pointer),
                          ErrorCode.not_a_policy)

    def role(self, role: dict[str, Any], pointer: str, managed: dict[str, Target],
             extra: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {"name": role.get("RoleName"), "arn": role.get("Arn"),
                                "data": role, "pointer": pointer, "trust": None,
                                "permissions": []}
        related = {"role": info, **extra}
        if "AssumeRolePolicyDocument" in role:
            info["trust"] = self.document("trust", role["AssumeRolePolicyDocument"],
                                          join_pointer(pointer, "AssumeRolePolicyDocument"),
                                          related)
        inline = role.get("RolePolicyList")
        for i, item in enumerate(inline if isinstance(inline, list) else []):
            if isinstance(item, dict) and "PolicyDocument" in item:
                t = self.document("identity", item["PolicyDocument"],
                                  join_pointer(pointer, "RolePolicyList", i, "PolicyDocument"),
                                  related)
                if t is not None:
                    info["permissions"].append(t)
        attached = role.get("AttachedManagedPolicies")
        for item in attached if isinstance(attached, list) else []:
            arn = item.get("PolicyArn") if isinstance(item, dict) else None
            if isinstance(arn, str) and arn in managed:
                target = managed[arn]
                info["permissions"].append(target)
                target.related.setdefault("roles", []).append(info)
                target.related.setdefault("principals", []).append(
                    {"type": "role", "name": info["name"]})
                target.related.setdefault("role", info)
                for key, value in extra.items():
                    target.related.setdefault(key, value)
        return info

    def managed_policies(self, items: Any, pointer: str) -> dict[str, Target]:
        out: dict[str, Target] = {}
        for i, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict):
                continue
            versions = item.get("PolicyVersionList")
            for j, version in enumerate(versions if isinstance(versions, list) else []):
                if isinstance(version, dict) and version.get("IsDefaultVersion", True) \
                        and "Document" in version:
                    t = self.document("identity", version["Document"],
                                      join_pointer(pointer, i, "PolicyVersionList", j,
                                                   "Document"))
                    if t is not None and isinstance(item.get("Arn"), str):
                        out[item["Arn"]] = t
                    break
        return out

    def principal_lists(self, data: dict[str, Any],
                        managed: dict[str, Target] | None = None) -> None:
        """Inline and attached policies of the export's IAM users and groups; each knows
        whose it is (``related["principals"]``: ``[{"type": "user", "name": ...}]``)."""
        for list_name, policy_list, kind, name_key in (
                ("UserDetailList", "UserPolicyList", "user", "UserName"),
                ("GroupDetailList", "GroupPolicyList", "group", "GroupName")):
            entries = data.get(list_name)
            for i, entry in enumerate(entries if isinstance(entries, list) else []):
                if not isinstance(entry, dict):
                    continue
                owner = {"type": kind, "name": entry.get(name_key)}
                policies = entry.get(policy_list)
                for j, item in enumerate(policies if isinstance(policies, list) else []):
                    if isinstance(item, dict) and "PolicyDocument" in item:
                        self.document("identity", item["PolicyDocument"],
                                      join_pointer("", list_name, i, policy_list, j,
                                                   "PolicyDocument"),
                                      {"principals": [owner]})
                attached = entry.get("AttachedManagedPolicies")
                for item in attached if isinstance(attached, list) else []:
                    arn = item.get("PolicyArn") if isinstance(item, dict) else None
                    if isinstance(arn, str) and managed and arn in managed:
                        managed[arn].related.setdefault("principals", []).append(owner)

    def role_bundle(self, data: dict[str, Any]) -> None:
        managed = self.managed_policies(data.get("Policies"), "/Policies")
        roles = []
        if isinstance(data.get("RoleDetailList"), list):
            for i, role in enumerate(data["RoleDetailList"]):
                if isinstance(role, dict):
                    roles.append(self.role(role, join_pointer("", "RoleDetailList", i),
                                           managed, {}))
        elif isinstance(data.get("Role"), dict):
            roles.append(self.role(data["Role"], "/Role", managed, {}))
        elif "AssumeRolePolicyDocument" in data:
            roles.append(self.role(data, "", managed, {}))
        elif "PolicyDocument" in data:
            # aws iam get-user-policy / get-group-policy output: one inline policy
            kind, name = ("user", data.get("UserName")) if "UserName" in data else \
                ("group", data.get("GroupName"))
            self.document("identity", data["PolicyDocument"], "/PolicyDocument",
                          {"principals": [{"type": kind, "name": name}]})
        self.principal_lists(data, managed)
        self.targets.insert(0, Target("role-bundle", self.source, "", data,
                                      related={"roles": roles}))

    def pool(self, data: dict[str, Any], pointer: str = "") -> dict[str, Target]:
        """The pool's target and its roles' targets; returns the pool file's managed
        policies by ARN (for :meth:`principal_lists`)."""
        roles_cfg: dict[str, Any] = data["Roles"] if isinstance(data.get("Roles"), dict) \
            else {}
        by_arn = {arn: slot for slot, arn in roles_cfg.items() if isinstance(arn, str)}
        managed = self.managed_policies(data.get("ManagedPolicies"),
                                        join_pointer(pointer, "ManagedPolicies"))
        roles = []
        iam_roles = data.get("IamRoles")
        for i, role in enumerate(iam_roles if isinstance(iam_roles, list) else []):
            if isinstance(role, dict):
                slot = by_arn.get(role.get("Arn", ""))
                if slot is None and role.get("Arn"):
                    slot = "mapped"
                roles.append(self.role(role, join_pointer(pointer, "IamRoles", i), managed,
                                       {"pool": data, "pool_role": slot}))
        self.targets.insert(0, Target("pool", self.source, pointer, data,
                                      errors=self.pool_errors(data, pointer),  # type: ignore[arg-type]
                                      related={"pool": data, "roles": roles}))
        return managed

    def pool_errors(self, data: dict[str, Any], pointer: str) -> list[PolicyEvalError]:
        """What the simulator's pool loader refuses in this pool (one loader, one verdict:
        ``check`` reports what ``simulate`` rejects); errors inside the policy documents
        are left to their own targets."""
        from ..cognito.load import load_pool_config

        try:
            load_pool_config(data, source=self.source, base_dir=self.base or Path.cwd(),
                             base=pointer)
        except PolicyEvalError as exc:
            if exc.code in POOL_FILE_ERROR_CODES:
                return [exc]
        return []

    def scenario(self, data: dict[str, Any]) -> None:
        policies: dict[str, Any] = data["policies"] if isinstance(data.get("policies"), dict) \
            else {}
        slots = {"identity": "identity", "boundary": "boundary", "session": "session",
                 "resource": "resource", "scp": "scp", "scps": "scp", "rcp": "rcp",
                 "rcps": "rcp"}
        for slot, value in policies.items():
            kind = slots.get(slot)
            if kind is None or value is None:
                continue
            base = join_pointer("/policies", slot)
            for pointer, item in _flatten(value, base):
                self.document(kind, item, pointer)
        cognito = data.get("cognito")
        if isinstance(cognito, dict):
            pool = cognito.get("pool")
            if isinstance(pool, dict):
                self.pool(pool, "/cognito/pool")
            elif isinstance(pool, str) and self.base is not None:
                self.pool_reference(self.base / pool)
        self.targets.insert(0, Target("scenario", self.source, "", data))

    def pool_reference(self, ref: Path) -> None:
        """The targets of a scenario's pool file: a pool file, or a template (a file, or
        a ``cdk.out`` folder) whose identity pool the scenario simulates."""
        shown = display_path(ref)
        if ref.is_dir() or ref.name.lower().endswith(raw_suffixes()):
            self.targets.extend(load_targets(FileInput(ref / "manifest.json" if ref.is_dir()
                                                       else ref, shown, True)))
            return
        try:
            sub = load_file(ref)
            sub.path = shown
            if not looks_like_ours(sub.text):
                raise self.not_a_policy(shown, "/cognito/pool")
        except PolicyEvalError as exc:
            if exc.code in _NOT_OURS_ERRORS and not file_looks_like_ours(ref):
                exc = self.not_a_policy(shown, "/cognito/pool")
            # a file that is not a pool is reported where the reference is, never quoted
            self.targets.append(unreadable_target(
                exc, self.source.path if exc.code == ErrorCode.not_a_policy
                else exc.location.path, self.source.text if exc.code ==
                ErrorCode.not_a_policy else ""))
            return
        if detect_kind(sub.data, shown) == "template":
            self.targets.extend(build_targets(sub, base=ref.parent))
            return
        inner = _Builder(sub, ref.parent)
        inner.pool(sub.data if isinstance(sub.data, dict) else {})
        self.targets.extend(inner.targets)


def _flatten(value: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from _flatten(item, join_pointer(pointer, i))
    else:
        yield pointer, value


def build_targets(source: SourceDocument, *, kind: str | None = None,
                  base: Path | None = None, params: dict[str, str] | None = None,
                  explicit: bool = True) -> list[Target]:
    """The lint targets of a decoded file (``[]`` when it is not one of ours).

    ``kind`` overrides detection for a policy document (from the configuration);
    ``params`` are the ``--param`` values for templates.
    """
    data = source.data
    detected = detect_kind(data, source.path)
    if kind in POLICY_KINDS and isinstance(data, dict) and detected in (*POLICY_KINDS, None):
        detected = kind
    if detected is None:
        return []
    if detected == "template":
        from .templates import file_template_targets
        return file_template_targets(source, template_reader(data, source.path), base,
                                     params, explicit)
    builder = _Builder(source, base)
    assert isinstance(data, dict)
    if detected == "pool" and not is_pool_file(data):
        # pool settings or a template: the pool-level rules read them as they are
        builder.targets.append(Target("pool", source, "", data, related={"pool": data}))
    elif detected == "pool":
        builder.pool(data)
    elif detected == "role-bundle":
        builder.role_bundle(data)
    elif detected == "scenario":
        builder.scenario(data)
    else:
        builder.targets.append(policy_target(detected, source, "", data))
    return builder.targets


def reported_as(exc: PolicyEvalError, display: str) -> PolicyEvalError:
    """``exc`` located in the file as the run names it (its display path)."""
    loc = exc.location
    return type(exc)(exc.message, Location(display, loc.line, loc.column, loc.pointer,
                                           loc.end_line, loc.end_column, loc.resource),
                     exc.code)


def _explicit_and_cut_off(item: FileInput, error: PolicyEvalError) -> bool:
    """A file named on the command line that is empty or whose JSON ends before its
    document does: reported, not skipped as some other kind of file (a JSONC file with
    comments or trailing commas still is)."""
    if not item.explicit or error.code != ErrorCode.json_syntax:
        return False
    text = _read_text(item.path)
    return text is not None and (not text.strip() or json_cut_off(text))


def load_targets(item: FileInput, kind: str | None = None,
                 params: dict[str, str] | None = None) -> list[Target]:
    """Read one file and build its targets; an unreadable file becomes one target whose
    error is reported as a finding (the run goes on with the other files)."""
    name = item.path.name.lower()
    if not name.endswith(SUFFIXES) and name.endswith(raw_suffixes()):
        from .templates import raw_template_targets
        return raw_template_targets(item, params)
    try:
        source = load_file(item.path)
    except PolicyEvalError as exc:
        if is_skippable_error(exc, item.path) and not _explicit_and_cut_off(item, exc):
            return []         # some other JSON/YAML-like file: skipped (see --verbose)
        if item.explicit and exc.code == ErrorCode.json_syntax and \
                not (_read_text(item.path) or "").strip():
            exc = _empty_file_error(item.display)
        return [unreadable_target(reported_as(exc, item.display), item.display)]
    source.path = item.display
    if source._locator is not None:
        source._locator.path = item.display
    targets = build_targets(source, kind=kind, base=item.path.parent, params=params,
                            explicit=item.explicit)
    if not targets and item.explicit and not isinstance(source.data, (dict, list)):
        if source.data is None and not source.text.strip():
            # an emptied file named on the command line (a pre-commit hook) must not pass
            return [unreadable_target(_empty_file_error(item.display), item.display)]
        return []
    return targets
