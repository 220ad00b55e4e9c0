"""Generate a population of simulated identities from a pool: ``n`` logins per role path.

Every login goes through :meth:`IdentityPool.simulate <policy_eval.cognito.IdentityPool>`,
the same simulation as ``policy-eval simulate`` (token checks, role selection, trust
policy, principal tags, guest scope-down, request context). Logins of one path differ in
their subject (a UUID, as user pools issue them) and in the values of claims mapped to
principal tags (one value per identity); the claims that steer the path stay fixed. Guests
present no token, so each guest gets its own identity ID explicitly.

``load_logins`` reads a JSON list (or ``{"logins": [...]}``), YAML, or JSON Lines file of
login objects; such logins replace the generated set (their path is named after the
provider, flow and role they reach).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..cognito.identity import Refusal, SimulatedIdentity
from ..cognito.model import Login
from ..cognito.pool import IdentityPool, parse_login
from ..cognito.simulate import identity_id_for
from ..document.source import load_file, read_text
from ..errors import InputError, Location
from .paths import RolePath, role_paths

#: Namespace of generated subjects (uuid5 of "path key/index").
SUBJECT_NAMESPACE = uuid.UUID("0e6f4b1c-7d2a-4c1e-9b3f-5a8d2c6e4f10")
#: Token issue time of every generated session, so that runs are reproducible.
ISSUE_TIME = datetime(2026, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Member:
    """One identity of a population and the role path it came through."""

    path: str
    identity: SimulatedIdentity

    @property
    def identity_id(self) -> str:
        return self.identity.identity_id

    @property
    def role_arn(self) -> str:
        return self.identity.role_arn

    def login_dict(self) -> dict[str, Any]:
        """The login that gave this identity (as a login file holds it)."""
        return self.identity.login.model_dump(exclude_none=True, exclude_defaults=True)

    def to_dict(self) -> dict[str, Any]:
        """The login, with the identity ID and role it got (the shape of the reports)."""
        return {**self.login_dict(), "role_path": self.path,
                "identity_id": self.identity_id, "role_arn": self.role_arn}


@dataclass(frozen=True)
class PathSummary:
    """A role path as a population took it."""

    key: str
    description: str
    role_arn: str | None = None
    identities: int = 0
    refusal: Refusal | None = None
    fixed_claims: frozenset[str] = frozenset()   # claims that steer the path


@dataclass
class Population:
    """Identities simulated through one pool, with their role paths."""

    pool: IdentityPool
    members: list[Member]
    paths: dict[str, PathSummary]
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.members)

    @property
    def refused(self) -> list[PathSummary]:
        return [p for p in self.paths.values() if p.refusal is not None]

    def by_path(self) -> dict[str, list[Member]]:
        out: dict[str, list[Member]] = {}
        for member in self.members:
            out.setdefault(member.path, []).append(member)
        return out


def _tag_claims(pool: IdentityPool, path: RolePath) -> list[str]:
    """Claims the provider maps to principal tags, other than those the path fixes."""
    provider = path.provider
    if provider is None:
        return []
    tag_map = pool.config.model.PrincipalTagAttributeMaps.get(provider.name)
    if tag_map is None:
        return []
    mapping = provider.default_tags if tag_map.UseDefaults else dict(tag_map.PrincipalTags)
    skip = {provider.subject_claim, "aud", *path.fixed_claims}
    return [claim for claim in dict.fromkeys(mapping.values()) if claim not in skip]


def path_login(pool: IdentityPool, path: RolePath, index: int) -> dict[str, Any]:
    """Login number ``index`` of ``path``: its own subject and tag-claim values."""
    login: dict[str, Any] = {"flow": path.flow}
    if path.role_arn is not None:
        login["role_arn"] = path.role_arn
    subject = str(uuid.uuid5(SUBJECT_NAMESPACE, f"{path.key}/{index}"))
    if path.provider is None:
        login["identity_id"] = identity_id_for(pool.id, None, subject)
        return login
    claims: dict[str, Any] = {path.provider.subject_claim: subject}
    if path.client_id:
        claims["aud"] = path.client_id
    for claim in _tag_claims(pool, path):
        claims[claim] = f"{claim.rsplit(':', 1)[-1]}-{subject[:8]}"
    claims.update(path.claims)
    login["provider"] = path.provider.name
    login["claims"] = claims
    return login


def generate_identities(pool: IdentityPool | str | Path, n: int = 100, *,
                        logins: Sequence[Login | Mapping[str, Any]] | None = None,
                        issue_time: datetime | None = None,
                        progress: Callable[[int], None] | None = None,
                        on_total: Callable[[int], None] | None = None) -> Population:
    """``n`` identities per role path of ``pool`` (or the given ``logins`` instead), each
    simulated as ``policy-eval simulate`` does. Paths on which AWS refuses the login are
    kept in ``Population.paths`` with their refusal. ``on_total`` hears how many logins
    will be simulated, ``progress`` each one."""
    if not isinstance(pool, IdentityPool):
        pool = IdentityPool.load(pool)
    when = issue_time or ISSUE_TIME
    if logins is not None:
        return _population_from_logins(pool, logins, when)
    if n < 1:
        raise InputError(f"the number of identities per role path must be at least 1, "
                         f"found {n}", Location(), "invalid-option")
    paths, notes = role_paths(pool)
    if on_total is not None:
        on_total(len(paths) * n)
    members: list[Member] = []
    summaries: dict[str, PathSummary] = {}
    for path in paths:
        first = pool.simulate(path_login(pool, path, 0), issue_time=when)
        if isinstance(first, Refusal):
            summaries[path.key] = PathSummary(path.key, path.description, refusal=first)
            if progress is not None:
                progress(n)
            continue
        found = [first]
        for index in range(1, n):
            outcome = pool.simulate(path_login(pool, path, index), issue_time=when)
            if isinstance(outcome, Refusal):  # pragma: no cover - paths are uniform
                raise AssertionError(f"{path.key}: login {index} refused while login 0 was "
                                     f"not: {outcome.describe()}")
            found.append(outcome)
            if progress is not None:
                progress(1)
        if progress is not None:
            progress(1)   # the first login
        members.extend(Member(path.key, ident) for ident in found)
        summaries[path.key] = PathSummary(path.key, path.description, first.role_arn, n,
                                          fixed_claims=path.fixed_claims)
    return Population(pool, members, summaries, notes)


def _population_from_logins(pool: IdentityPool, logins: Iterable[Login | Mapping[str, Any]],
                            when: datetime) -> Population:
    members: list[Member] = []
    summaries: dict[str, PathSummary] = {}
    for index, login in enumerate(logins):
        locate = getattr(login, "locate", None)
        outcome = pool.simulate(login if isinstance(login, Login) else dict(login),
                                issue_time=when, locate=locate,
                                base="" if locate is not None else f"/{index}")
        who = outcome.login.provider or "guest"
        if isinstance(outcome, Refusal):
            key = f"login {index}"
            summaries[key] = PathSummary(key, f"{who} ({outcome.login.flow} flow)",
                                         refusal=outcome)
            continue
        key = f"{who} ({outcome.flow}) -> {outcome.role.name}"
        summary = summaries.get(key)
        count = 1 if summary is None else summary.identities + 1
        summaries[key] = PathSummary(key, f"{who}, {outcome.flow} flow, role "
                                     f"{outcome.role.name}", outcome.role_arn, count)
        members.append(Member(key, outcome))
    return Population(pool, members, summaries)


class LocatedLogin(dict[str, Any]):
    """A login object read from a file, with a ``locate`` for its errors."""

    def __init__(self, data: Mapping[str, Any], locate: Any) -> None:
        super().__init__(data)
        self.locate = locate


def load_logins(path: str | Path) -> list[LocatedLogin]:
    """Read login objects from a JSON list, ``{"logins": [...]}``, YAML or JSON Lines file
    (``.jsonl``/``.ndjson``); each is checked as a login, errors name file, line, column
    and pointer."""
    path = Path(path)
    out: list[LocatedLogin] = []
    if path.suffix in (".jsonl", ".ndjson"):
        text = read_text(path)
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"invalid JSON: {exc.msg}", Location(str(path), number,
                                 exc.colno), "json-syntax") from None

            def at(pointer: str, line_no: int = number) -> Location:
                return Location(str(path), line_no, 1, pointer)
            parse_login(data, locate=at)
            out.append(LocatedLogin(data, at))
    else:
        source = load_file(path)
        data = source.data
        base = ""
        if isinstance(data, dict) and "logins" in data:
            data, base = data["logins"], "/logins"
        if not isinstance(data, list):
            raise InputError("a logins file holds a list of login objects (or "
                             "{\"logins\": [...]}, or one object per line in .jsonl)",
                             source.location(base), "invalid-logins")
        for index, item in enumerate(data):
            pointer = f"{base}/{index}"
            parse_login(item, locate=source.location, base=pointer)
            out.append(LocatedLogin(item, _Relocator(source.location, pointer)))
    if not out:
        raise InputError("the logins file holds no login", Location(str(path)),
                         "invalid-logins")
    return out


class _Relocator:
    """``locate`` for one login of a list: pointers relative to the login."""

    def __init__(self, locate: Any, prefix: str) -> None:
        self.locate = locate
        self.prefix = prefix

    def __call__(self, pointer: str) -> Location:
        found: Location = self.locate(self.prefix + pointer)
        return found
