"""The guest scope-down: session policies Cognito passes for guests (spec §6.6).

When a guest gets credentials through the enhanced flow, Cognito hands session policies to
its own ``AssumeRoleWithWebIdentity`` call; the guest's permissions are the role's policies
capped by them. AWS does not publish the inline part, so the policies are versioned data
files under ``data/scope_down/``, each with its source and date:

* ``2023`` — the service list of the 2023 Cognito developer guide written as a policy, plus
  the managed ``AmazonCognitoUnauthenticatedIdentities`` (``rum:PutRumEvents``);
* ``2024-11`` — the managed ``AmazonCognitoUnAuthedIdentitiesSessionPolicy`` v3;
* ``2026-05`` — the same managed policy, v4 (exact published text).

The default, ``default``, is the union of ``2023`` and the managed policy in its current
version (``2026-05``). Spec §6.6 [I, medium-low confidence] reads the managed policy as
added to the inline list, not replacing it, and names v3 as the managed policy; we take
its later update (v4 is now the published default version, and Cognito passes the policy
by ARN, so AWS applies whatever version is the default). ``none`` applies no scope-down
(not what AWS does; for comparisons only).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..document.model import Policy, parse_policy
from ..document.source import load_file
from ..errors import InputError, Location

DATA_DIR = Path(__file__).resolve().parent / "data" / "scope_down"

#: Named selections -> data files whose policies they apply (their union, spec §2.3).
SELECTIONS: dict[str, tuple[str, ...]] = {
    "default": ("2023", "2026-05"),
    "2023": ("2023",),
    "2024-11": ("2024-11",),
    "2026-05": ("2026-05",),
    "none": (),
}
DEFAULT_SCOPE_DOWN = "default"


@dataclass(frozen=True)
class SessionPolicy:
    """One session policy of a scope-down version, with where it comes from."""

    name: str
    version: str
    source: str
    date: str
    arn: str | None
    policy: Policy
    document: dict[str, Any]

    def describe(self) -> str:
        ref = self.arn or "inline session policy"
        return f"{self.name} ({ref}; scope-down {self.version}, {self.date}; source: {self.source})"


@cache
def _version(version: str) -> tuple[SessionPolicy, ...]:
    path = DATA_DIR / f"{version}.json"
    source = load_file(path)
    data = source.data
    out = []
    for index, entry in enumerate(data["policies"]):
        pointer = f"/policies/{index}/document"
        policy = parse_policy(entry["document"], kind="session", source=source, pointer=pointer,
                              name=f"guest scope-down {version}: {entry['name']}")
        date = entry.get("lastUpdatedDate") or data["date"]
        out.append(SessionPolicy(entry["name"], version, entry["source"], str(date)[:10],
                                 entry.get("arn"), policy, entry["document"]))
    return tuple(out)


def scope_down_policies(selection: str = DEFAULT_SCOPE_DOWN) -> tuple[SessionPolicy, ...]:
    """The session policies of a named selection (see :data:`SELECTIONS`)."""
    if selection not in SELECTIONS:
        raise InputError(f"unknown guest scope-down {selection!r} (accepted: "
                         f"{', '.join(SELECTIONS)})", Location(None, None, None, "/scope_down"),
                         "invalid-scope-down")
    return tuple(p for version in SELECTIONS[selection] for p in _version(version))
