"""Owner templates: a resource (or context value) named after the identity that owns it.

``arn:aws:s3:::photos/private/${sub}/photo.jpg`` names, for each identity, *its* resource:
each ``${key}`` takes the value of that context key in the identity's session
(``${sub}`` and ``${identity_id}`` abbreviate ``${cognito-identity.amazonaws.com:sub}``;
any single-valued key works, e.g. ``${aws:PrincipalTag/username}``). An identity whose
context lacks a key owns no resource under the template.

:func:`granted_actions` lists the actions the identities' roles allow somewhere that can
act on a resource (the default set of actions checked by ``assert_isolated``, ``matrix``
and ``isolation``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..catalog import get_catalog
from ..cognito.identity import SimulatedIdentity
from ..document.variables import Variable, VariableSyntaxError, parse_template
from ..errors import InputError, Location

#: Short names accepted in templates.
ALIASES = {"sub": "cognito-identity.amazonaws.com:sub",
           "identity_id": "cognito-identity.amazonaws.com:sub"}


class OwnerTemplate:
    """A string with ``${key}`` placeholders filled from an identity's context, read as
    in a policy (``${key, 'default'}``, ``${*}``; spec §3.1) through
    :mod:`policy_eval.document.variables`."""

    __slots__ = ("keys", "parts", "source")

    def __init__(self, source: str, *, where: Location | None = None) -> None:
        self.source = source
        try:
            parts = parse_template(source)
        except VariableSyntaxError as exc:
            raise InputError(f"template {source!r}: {exc.message} (column {exc.column})",
                             where or Location(), "invalid-template") from None
        self.parts = tuple(
            Variable(ALIASES.get(p.key, p.key), p.default) if isinstance(p, Variable) else p
            for p in parts)
        self.keys = tuple(p.folded for p in self.parts if isinstance(p, Variable))

    @property
    def has_variables(self) -> bool:
        return bool(self.keys)

    def _value(self, part: Variable, folded_context: Mapping[str, Any]) -> Any:
        return folded_context.get(part.folded, part.default)

    def resolve(self, folded_context: Mapping[str, Any]) -> str | None:
        """The template for a context with lower-cased keys; ``None`` when a key is
        absent (without a default) or multivalued: the identity owns nothing here."""
        out: list[str] = []
        for part in self.parts:
            if not isinstance(part, Variable):
                out.append(part.value)
                continue
            value = self._value(part, folded_context)
            if not isinstance(value, str):
                return None
            out.append(value)
        return "".join(out)

    def resolve_for(self, identity: SimulatedIdentity) -> str:
        """The template for one identity; ``ValueError`` naming the keys it could use
        when a key is missing."""
        folded = fold(identity.context)
        found = self.resolve(folded)
        if found is None:
            missing = next(p for p in self.parts if isinstance(p, Variable)
                           and not isinstance(self._value(p, folded), str))
            keys = sorted(k for k, v in identity.context.items() if isinstance(v, str))
            raise ValueError(f"resource template {self.source!r}: ${{{missing.key}}} is not "
                             "a single-valued key of the identity's context (available: "
                             f"{', '.join(keys)})")
        return found

    def __repr__(self) -> str:
        return f"OwnerTemplate({self.source!r})"


def fold(context: Mapping[str, Any]) -> dict[str, Any]:
    """Context keys lower-cased (context keys are case-insensitive, spec §1.3)."""
    return {k.lower(): v for k, v in context.items()}


def granted_actions(identities: Iterable[SimulatedIdentity], resource: str) -> tuple[str, ...]:
    """Actions the identities' roles allow somewhere that can act on ``resource``: every
    Allow statement's Action patterns expanded through the service reference (NotAction:
    the service's actions it leaves out), kept when one of the action's resource types can
    name ``resource``."""
    catalog = get_catalog()
    service = resource.split(":")[2] if resource.startswith("arn:") else ""
    found: dict[str, None] = {}
    seen_roles: set[str] = set()
    for ident in identities:
        if ident.role_arn in seen_roles:
            continue
        seen_roles.add(ident.role_arn)
        for policy in ident.role.identity:
            for st in policy.statements:
                if st.effect != "Allow":
                    continue
                candidates: list[str] = []
                for pattern in st.actions or ():
                    svc = pattern.split(":", 1)[0].lower()
                    if pattern == "*":
                        pattern = f"{service}:*"
                    elif svc != service and "*" not in svc and "?" not in svc:
                        continue
                    candidates.extend(catalog.expand_action_pattern(pattern))
                if st.not_actions is not None:
                    excluded = {a.lower() for p in st.not_actions
                                for a in catalog.expand_action_pattern(p)}
                    candidates.extend(a for a in catalog.actions_of_service(service)
                                      if a.lower() not in excluded)
                for action in candidates:
                    if action.split(":", 1)[0].lower() == service:
                        found.setdefault(action)
    out = []
    for action in found:
        types = catalog.resource_types_of_action(action)
        if any(catalog.arn_matches_resource_type(resource, rt) for rt in types):
            out.append(action)
    return tuple(out)
