""":class:`IdentityPool`: a loaded pool file that simulates logins.

    >>> pool = IdentityPool.load("fixtures/cognito/pools/photo-app.json")
    >>> alice = pool.login(provider="accounts.google.com", claims={"sub": "1098..."})
    >>> alice.can("s3:GetObject", f"arn:aws:s3:::photos/private/{alice.identity_id}/a.jpg")

``login`` raises :class:`~policy_eval.cognito.identity.LoginRefused` when AWS would issue
no credentials (a refused login must never pass for one that got credentials);
``simulate`` returns the :class:`~policy_eval.cognito.identity.Refusal` instead.
Input that cannot be simulated (an unknown provider, malformed claims, a role that is not
in the file) raises :class:`~policy_eval.errors.InputError` with its location.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..document.source import SourceDocument, load_file
from ..document.validation import located_validation_error
from ..errors import ErrorCode, InputError, Location
from .identity import LoginRefused, Refusal, SimulatedIdentity
from .load import (
    PoolConfig,
    Provider,
    ResolvedRole,
    load_pool_config,
    load_pool_document,
    pool_config_from_data,
)
from .model import FlowName, Login
from .roles import TokenWithoutRoles
from .scope_down import DEFAULT_SCOPE_DOWN, SELECTIONS
from .simulate import simulate_login

Locate = Callable[[str], Location]


def parse_login(data: Any, *, locate: Locate | None = None, base: str = "") -> Login:
    """Validate a login object (``provider``, ``claims``, ``flow``, ``role_arn``,
    ``identity_id``) with located errors."""
    def no_file(pointer: str) -> Location:
        return Location(None, None, None, pointer)
    where = locate or no_file
    if isinstance(data, Login):
        return data
    if not isinstance(data, dict):
        raise InputError("a login must be an object {\"provider\": ..., \"claims\": {...}, "
                         "\"flow\": \"enhanced\" | \"basic\", \"role_arn\": ..., "
                         "\"identity_id\": ...}", where(base), "invalid-login")
    try:
        return Login.model_validate(data, strict=True)
    except ValidationError as exc:
        raise located_validation_error(exc, Login, data, where, "login",
                                       ErrorCode.invalid_login, base) from None


def load_login(path: str | Path) -> Login:
    """Read a login file (JSON or YAML)."""
    source = load_file(path)
    return parse_login(source.data, locate=source.location)


class IdentityPool:
    """An identity pool read from a pool file; ``login`` simulates sign-ins.

    Options (spec points marked [I], each a switch):

    * ``scope_down``: the guest scope-down version (``default``, ``2023``, ``2024-11``,
      ``2026-05``, ``none``; spec §6.6);
    * ``guest_identity_keys``: whether guests' sessions carry ``sub``/``aud`` (spec §3.4
      models them as present; ``False`` leaves them out);
    * ``token_without_roles``: a Token mapping and a token without role claims gives the
      default ``authenticated`` role, or is ``ambiguous`` (spec §6.4).

    Guests: each guest login without an ``identity_id`` is a new identity with its own id,
    as each ``GetId`` creates one, so two guests can be told apart (guest-vs-guest
    isolation). The ids are reproducible: the n-th guest of a pool gets the same id in
    every run, derived from the pool id, ``guest_seed`` (an option, default ``""``: give
    another seed for another series) and n. ``guests_created`` counts the guests so far;
    set it to replay a series from any point.
    """

    def __init__(self, config: PoolConfig, *, scope_down: str = DEFAULT_SCOPE_DOWN,
                 guest_identity_keys: bool = True,
                 token_without_roles: TokenWithoutRoles = "authenticated",
                 guest_seed: str | int = "") -> None:
        if scope_down not in SELECTIONS:
            raise InputError(f"unknown guest scope-down {scope_down!r} (accepted: "
                             f"{', '.join(SELECTIONS)})", Location(None, None, None, ""),
                             "invalid-scope-down")
        if token_without_roles not in ("authenticated", "ambiguous"):
            raise InputError(f"token_without_roles must be 'authenticated' or 'ambiguous', "
                             f"found {token_without_roles!r}", Location(), "invalid-option")
        if not isinstance(guest_seed, (str, int)) or isinstance(guest_seed, bool):
            raise InputError(f"guest_seed must be a string or an integer, found "
                             f"{type(guest_seed).__name__}", Location(), "invalid-option")
        self.config = config
        self.guest_seed = str(guest_seed)
        self.guests_created = 0
        self.scope_down = scope_down
        self.guest_identity_keys = guest_identity_keys
        self.token_without_roles: TokenWithoutRoles = token_without_roles

    # ------------------------------------------------------------ construction

    @classmethod
    def load(cls, path: str | Path, *, params: Mapping[str, str] | None = None,
             **options: Any) -> IdentityPool:
        """Read a pool file (JSON or YAML; policy paths relative to it), or the identity
        pool of a template (CloudFormation/SAM, ``cdk.out``; ``params`` are its
        ``--param`` values: parameters, pseudo parameters, export names). ``options`` are
        those of the constructor: ``scope_down``, ``guest_identity_keys``,
        ``token_without_roles`` and ``guest_seed`` (the series of guest identity ids, see
        the class docstring)."""
        source, data = load_pool_document(path, params)
        config = load_pool_config(data, source=source, base_dir=Path(path).resolve().parent)
        return cls(config, **options)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], base_dir: str | Path | None = None,
                  **options: Any) -> IdentityPool:
        """A pool given as data (policy paths relative to ``base_dir``, default the
        working directory)."""
        return cls(pool_config_from_data(dict(data), base_dir), **options)

    @classmethod
    def from_source(cls, data: Any, source: SourceDocument, base: str, base_dir: Path,
                    **options: Any) -> IdentityPool:
        """A pool found at pointer ``base`` of a larger document (a scenario)."""
        return cls(load_pool_config(data, source=source, base_dir=base_dir, base=base),
                   **options)

    # ------------------------------------------------------------ facts

    @property
    def id(self) -> str:
        return self.config.model.IdentityPool.IdentityPoolId

    @property
    def name(self) -> str:
        return self.config.model.IdentityPool.IdentityPoolName

    @property
    def region(self) -> str:
        return self.config.model.IdentityPool.region

    @property
    def providers(self) -> dict[str, Provider]:
        return dict(self.config.providers)

    @property
    def roles(self) -> dict[str, ResolvedRole]:
        return dict(self.config.roles)

    @property
    def path(self) -> str | None:
        return self.config.path

    def __repr__(self) -> str:
        return f"IdentityPool({self.id!r}, name={self.name!r})"

    # ------------------------------------------------------------ logins

    def next_guest_subject(self) -> str:
        """What the next new guest identity's id is derived from (see the class docstring);
        the first guest of the default series keeps the id of a lone guest."""
        number = self.guests_created
        self.guests_created += 1
        return "guest" + (f"/{self.guest_seed}" if self.guest_seed else "") + (
            f"/{number}" if number else "")

    def simulate(self, login: Login | Mapping[str, Any] | None = None, *,
                 issue_time: datetime | None = None, locate: Locate | None = None,
                 base: str = "", **fields: Any) -> SimulatedIdentity | Refusal:
        """Simulate a login given as a :class:`Login`, a dict, or keyword fields; returns
        the identity, or the :class:`Refusal` when AWS would issue no credentials."""
        if login is None:
            login = {k: v for k, v in fields.items() if v is not None}
        elif fields:
            raise TypeError("give the login either as an object or as keyword fields")
        if isinstance(login, Mapping) and not isinstance(login, dict):
            login = dict(login)
        parsed = parse_login(login, locate=locate, base=base)
        return simulate_login(self, parsed, locate=locate, base=base, issue_time=issue_time)

    def login(self, provider: str | None = None, claims: Mapping[str, Any] | None = None,
              flow: FlowName = "enhanced", role_arn: str | None = None,
              identity_id: str | None = None, *,
              issue_time: datetime | None = None) -> SimulatedIdentity:
        """Sign in and get credentials; raises :class:`LoginRefused` (with ``.code`` and
        ``.reason``) when AWS would refuse."""
        outcome = self.simulate(provider=provider,
                                claims=dict(claims) if isinstance(claims, Mapping) else claims,
                                flow=flow,
                                role_arn=role_arn, identity_id=identity_id,
                                issue_time=issue_time)
        if isinstance(outcome, Refusal):
            raise LoginRefused(outcome)
        return outcome
