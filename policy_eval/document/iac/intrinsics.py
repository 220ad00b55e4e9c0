"""CloudFormation intrinsic functions, resolved where the value is known.

:class:`Resolver` walks a value of a template and returns it with every intrinsic
replaced: ``Ref`` (parameters, pseudo parameters, resources), ``Fn::GetAtt``, ``Fn::Sub``
(string and list forms, ``${!literal}``), ``Fn::Join``, ``Fn::Select``, ``Fn::Split``,
``Fn::If`` with the template's ``Conditions`` (``Fn::Equals``/``And``/``Or``/``Not``,
``Condition``), ``Fn::FindInMap``, ``Fn::ImportValue``, ``Fn::GetAZs``, ``Fn::Base64``,
``Fn::Length``, ``Fn::ToJsonString``, ``AWS::NoValue`` (the element is dropped), dynamic
references and the pseudo-intrinsic ``{"PolicyEval::Unknown": "<expression>"}``.

Values come from, in order: ``--param KEY=VALUE`` (also for pseudo parameters and
``Fn::ImportValue`` export names), a parameter's ``Default``, the placeholders of
:mod:`.placeholders`. What is left is an :class:`~.unknown.Unknown` (see its module for how
unknowns are treated). Problems that make a value meaningless raise
:class:`TemplateError` at the template's own line: a ``Ref`` to nothing, a circular
reference, a ``!Sub`` variable that names nothing, a malformed intrinsic.

Every produced element is recorded in ``origins`` (output pointer -> template pointer), so a
finding on the resolved value points at the template text that produced it.

A ``${...}`` in ``Fn::Sub`` that names a policy variable (``${aws:username}``,
``${cognito-identity.amazonaws.com:sub}``) is recorded in :attr:`Resolver.sub_variables`
and kept as the literal ``${...}`` the author meant; CloudFormation itself rejects the
template (or substitutes a parameter of that name), which lint rule VAR006 reports.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ...errors import InputError, Location, join_pointer
from .placeholders import EXTRA_PROPERTIES, PSEUDO_PARAMETERS, RESOURCE_TYPES, Env
from .unknown import UNKNOWN_KEY, Unknown


class TemplateError(InputError):
    """A template value that cannot be resolved (located in the template)."""


class _NoValue:
    """``AWS::NoValue``: the element holding it is removed."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()

#: Policy-variable prefixes (spec §3): a ``${...}`` in ``Fn::Sub`` starting with one of
#: these is an IAM variable the author forgot to escape, not a template reference.
POLICY_VARIABLE_PREFIXES = ("aws:", "saml:", "cognito-identity.amazonaws.com:", "sts:",
                            "www.amazon.com:", "graph.facebook.com:", "accounts.google.com:",
                            "appleid.apple.com:", "s3:", "ec2:", "iam:", "dynamodb:")
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_CONDITION_FUNCTIONS = ("Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Condition")
_DYNAMIC_REFERENCE = re.compile(r"\{\{resolve:[^}]*\}\}")
#: Stands for an unknown name while a placeholder is built (see ``Resolver._env``).
_UNKNOWN_PART = "\x00unknown\x00"


@dataclass(frozen=True)
class SubVariable:
    """A policy variable written unescaped inside ``Fn::Sub``."""

    name: str                   # cognito-identity.amazonaws.com:sub
    pointer: str                # template pointer of the Sub string
    shadowed: bool = False      # True when a parameter/resource of that name is substituted


def is_policy_variable(name: str) -> bool:
    """Is ``${name}`` an IAM policy variable (not a pseudo parameter such as
    ``AWS::Partition``)? Variable names are case-insensitive (spec §3)."""
    return "::" not in name and name.lower().startswith(POLICY_VARIABLE_PREFIXES)


def parse_params(items: list[str] | None) -> dict[str, str]:
    """``["KEY=VALUE", ...]`` (from ``--param``) as a dict; a malformed item is an error."""
    out: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--param {item!r}: expected KEY=VALUE", Location(None),
                             "invalid-param")
        out[key.strip()] = value
    return out


#: Resource metadata holding what ``Ref`` (key ``"Ref"``) and ``Fn::GetAtt`` (attribute
#: names) return for a resource that exists: readers of deployed state (account exports,
#: Terraform plans and states) know the real values, which replace the placeholders.
DEPLOYED_ATTRIBUTES = "policy-eval:attributes"


def _deployed_attribute(resource: dict[str, Any], attribute: str | None) -> str | None:
    meta = resource.get("Metadata")
    known = meta.get(DEPLOYED_ATTRIBUTES) if isinstance(meta, dict) else None
    value = known.get(attribute or "Ref") if isinstance(known, dict) else None
    return value if isinstance(value, str) else None


class Resolver:
    """Resolves the values of one template (see the module docstring)."""

    def __init__(self, template: dict[str, Any], locate: Callable[[str], Location],
                 params: Mapping[str, str] | None = None) -> None:
        self.template = template
        self.locate = locate
        self.params = dict(params or {})
        self.sub_variables: list[SubVariable] = []
        self.used_params: set[str] = set()
        self._stack: list[str] = []
        self._conditions: dict[str, bool | Unknown] = {}
        resources = template.get("Resources")
        self.resources: dict[str, Any] = resources if isinstance(resources, dict) else {}
        parameters = template.get("Parameters")
        self.parameters: dict[str, Any] = parameters if isinstance(parameters, dict) else {}
        self._pseudo = {k: self.params.get(k, v) for k, v in PSEUDO_PARAMETERS.items()}

    # ------------------------------------------------------------------ errors

    def error(self, message: str, pointer: str, code: str = "template-error") -> TemplateError:
        return TemplateError(message, self.locate(pointer), code)

    # ------------------------------------------------------------------ walking

    def resolve(self, node: Any, tptr: str, optr: str = "",
                origins: dict[str, str] | None = None) -> Any:
        """``node`` (found at template pointer ``tptr``) with its intrinsics resolved; its
        elements are recorded in ``origins`` under output pointer ``optr``."""
        if origins is not None:
            origins[optr] = tptr
        if isinstance(node, dict):
            if len(node) == 1:
                (key, arg), = node.items()
                if key in _FUNCTIONS or key in ("Fn::If", UNKNOWN_KEY):
                    return self._function(key, arg, join_pointer(tptr, key), tptr, optr,
                                          origins)
            out: dict[str, Any] = {}
            for key, value in node.items():
                resolved = self.resolve(value, join_pointer(tptr, key), join_pointer(optr, key),
                                        origins)
                if resolved is not NO_VALUE:
                    out[key] = resolved
            return out
        if isinstance(node, list):
            items: list[Any] = []
            for index, value in enumerate(node):
                resolved = self.resolve(value, join_pointer(tptr, index),
                                        join_pointer(optr, len(items)), origins)
                if resolved is not NO_VALUE:
                    items.append(resolved)
            return items
        if isinstance(node, str) and _DYNAMIC_REFERENCE.search(node):
            return Unknown(node, "dynamic reference, resolved at deployment")
        return node

    def value(self, node: Any, tptr: str) -> Any:
        """``node`` resolved without recording origins (names, conditions, arguments)."""
        return self.resolve(node, tptr)

    def _function(self, name: str, arg: Any, aptr: str, tptr: str, optr: str,
                  origins: dict[str, str] | None) -> Any:
        if name == UNKNOWN_KEY:
            return Unknown(str(arg), "known only after apply")
        if name == "Fn::If":
            if not isinstance(arg, list) or len(arg) != 3 or not isinstance(arg[0], str):
                raise self.error("Fn::If takes [condition name, value if true, value if "
                                 "false]", aptr, "invalid-intrinsic")
            chosen = self.condition(arg[0], join_pointer(aptr, 0))
            if isinstance(chosen, Unknown):
                return Unknown(f"Fn::If {arg[0]}", f"condition {arg[0]} depends on "
                               f"{chosen.describe()}")
            branch = 1 if chosen else 2
            return self.resolve(arg[branch], join_pointer(aptr, branch), optr, origins)
        handler = _FUNCTIONS[name]
        return handler(self, arg, aptr)

    # ------------------------------------------------------------------ Ref / GetAtt

    def ref(self, name: Any, aptr: str) -> Any:
        if not isinstance(name, str):
            name = self.value(name, aptr)
            if isinstance(name, Unknown):
                return name
            if not isinstance(name, str):
                raise self.error("Ref takes the name of a parameter or resource", aptr,
                                 "invalid-intrinsic")
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self._pseudo:
            return self._pseudo[name]
        if name in self.parameters:
            return self.parameter(name, aptr)
        if name in self.resources:
            return self.attribute(name, None, aptr)
        raise self.error(f"Ref {name!r} names no parameter, pseudo parameter or resource of "
                         "the template", aptr, "unknown-reference")

    def parameter(self, name: str, aptr: str) -> Any:
        spec = self.parameters.get(name)
        spec = spec if isinstance(spec, dict) else {}
        kind = str(spec.get("Type", "String"))
        if name in self.params:
            self.used_params.add(name)
            raw: Any = self.params[name]
        elif "Default" in spec:
            raw = spec["Default"]
        else:
            return Unknown(f"Ref {name}", f"parameter without Default; pass --param "
                           f"{name}=VALUE")
        if kind.startswith("List<") or kind == "CommaDelimitedList":
            if isinstance(raw, list):
                return [str(v) for v in raw]
            return [part.strip() for part in str(raw).split(",")] if str(raw) else []
        return raw if isinstance(raw, str) else json.dumps(raw) if isinstance(
            raw, (list, dict)) else str(raw).lower() if isinstance(raw, bool) else str(raw)

    def attribute(self, logical_id: str, attribute: str | None, aptr: str) -> Any:
        """``Ref`` (``attribute`` None) or ``Fn::GetAtt`` of a resource of the template."""
        resource = self.resources.get(logical_id)
        if not isinstance(resource, dict):
            raise self.error(f"Fn::GetAtt names {logical_id!r}, which is not a resource of the "
                             "template", aptr, "unknown-reference")
        deployed = _deployed_attribute(resource, attribute)
        if deployed is not None:
            return deployed
        rtype = str(resource.get("Type", ""))
        shape = RESOURCE_TYPES.get(rtype)
        expression = f"Ref {logical_id}" if attribute is None else \
            f"Fn::GetAtt {logical_id}.{attribute}"
        if shape is None:
            return Unknown(expression, f"no placeholder for {rtype or 'this resource'}"
                           + ("" if attribute is None else f" attribute {attribute}"))
        getter = shape.ref if attribute is None else shape.attributes.get(attribute)
        if getter is None:
            return Unknown(expression, f"no placeholder for {rtype} attribute {attribute}")
        key = f"resource:{logical_id}"
        if key in self._stack:
            cycle = " -> ".join([*self._stack[self._stack.index(key):], key])
            raise self.error(f"circular reference: {cycle.replace('resource:', '')}", aptr,
                             "circular-reference")
        self._stack.append(key)
        try:
            env, unknown = self._env(logical_id, resource, shape)
        finally:
            self._stack.pop()
        value = getter(env)
        if unknown is not None and _UNKNOWN_PART in value:
            return Unknown(expression, f"it depends on {unknown.describe()}")
        return value

    def _env(self, logical_id: str, resource: dict[str, Any],
             shape: Any) -> tuple[Env, Unknown | None]:
        """The placeholder environment of a resource; an unknown name (or path) is the
        marker :data:`_UNKNOWN_PART`, so only values built from it become unknown."""
        props = resource.get("Properties")
        props = props if isinstance(props, dict) else {}
        base = join_pointer("/Resources", logical_id, "Properties")
        unknown: Unknown | None = None
        name: Any = logical_id.lower() if shape.lower_case_name else logical_id
        if shape.name_property and shape.name_property in props:
            name = self.value(props[shape.name_property],
                              join_pointer(base, shape.name_property))
            if isinstance(name, Unknown):
                unknown, name = name, _UNKNOWN_PART
        extra = {}
        for prop in EXTRA_PROPERTIES:
            if prop in props:
                value = self.value(props[prop], join_pointer(base, prop))
                if isinstance(value, Unknown):
                    unknown, value = value, _UNKNOWN_PART
                extra[prop] = value
        return Env(str(self._pseudo["AWS::AccountId"]), str(self._pseudo["AWS::Region"]),
                   str(self._pseudo["AWS::Partition"]), logical_id, str(name), extra), unknown

    def get_att(self, arg: Any, aptr: str) -> Any:
        if isinstance(arg, str) and "." in arg:
            logical_id, attribute = arg.split(".", 1)
        elif isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str):
            logical_id = arg[0]
            attribute = self.value(arg[1], join_pointer(aptr, 1))
            if isinstance(attribute, Unknown):
                return attribute
        else:
            raise self.error("Fn::GetAtt takes [resource, attribute] or 'Resource.Attribute'",
                             aptr, "invalid-intrinsic")
        return self.attribute(logical_id, str(attribute), aptr)

    # ------------------------------------------------------------------ strings

    def sub(self, arg: Any, aptr: str) -> Any:
        variables: dict[str, Any] = {}
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
            text, vptr = arg[0], join_pointer(aptr, 0)
            for key, value in arg[1].items():
                variables[key] = self.value(value, join_pointer(aptr, 1, key))
        else:
            text, vptr = arg, aptr
        if not isinstance(text, str):
            raise self.error("Fn::Sub takes a string or [string, {variables}]", aptr,
                             "invalid-intrinsic")
        unknowns: list[Unknown] = []

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            value = self._sub_variable(name.strip(), variables, vptr)
            if isinstance(value, Unknown):
                unknowns.append(value)
                return ""
            if isinstance(value, list):
                raise self.error(f"Fn::Sub variable ${{{name}}} is a list; use Fn::Join",
                                 vptr, "invalid-intrinsic")
            return str(value)

        out = _SUB_VARIABLE.sub(replace, text)
        if unknowns:
            return Unknown(f"Fn::Sub {text!r}", unknowns[0].describe())
        return out

    def _sub_variable(self, name: str, variables: dict[str, Any], vptr: str) -> Any:
        if name in variables:
            return variables[name]
        known = name in self._pseudo or name in self.parameters or name in self.resources
        if is_policy_variable(name):
            self.sub_variables.append(SubVariable(name, vptr, shadowed=known))
            if not known:
                return "${" + name + "}"
        if known:
            return self.ref(name, vptr)
        if "." in name:
            logical_id, attribute = name.split(".", 1)
            if logical_id in self.resources:
                return self.attribute(logical_id, attribute, vptr)
        raise self.error(f"Fn::Sub variable ${{{name}}} names no parameter, resource, "
                         "attribute or variable of the Sub (write ${!...} for a literal)",
                         vptr, "sub-missing-variable")

    def join(self, arg: Any, aptr: str) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            raise self.error("Fn::Join takes [delimiter, [values]]", aptr, "invalid-intrinsic")
        delimiter = self.value(arg[0], join_pointer(aptr, 0))
        values = self.value(arg[1], join_pointer(aptr, 1))
        for item in [delimiter, values] + (values if isinstance(values, list) else []):
            if isinstance(item, Unknown):
                return Unknown("Fn::Join", item.describe())
        if not isinstance(values, list) or not isinstance(delimiter, str):
            raise self.error("Fn::Join takes [delimiter, [values]]", aptr, "invalid-intrinsic")
        return delimiter.join(v if isinstance(v, str) else json.dumps(v) for v in values)

    def split(self, arg: Any, aptr: str) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            raise self.error("Fn::Split takes [delimiter, string]", aptr, "invalid-intrinsic")
        delimiter = self.value(arg[0], join_pointer(aptr, 0))
        text = self.value(arg[1], join_pointer(aptr, 1))
        for item in (delimiter, text):
            if isinstance(item, Unknown):
                return Unknown("Fn::Split", item.describe())
        if isinstance(text, list):       # Split of a CommaDelimitedList already split
            text = ",".join(text)
        if not isinstance(delimiter, str) or not isinstance(text, str) or not delimiter:
            raise self.error("Fn::Split takes [delimiter, string]", aptr, "invalid-intrinsic")
        return text.split(delimiter)

    def select(self, arg: Any, aptr: str) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            raise self.error("Fn::Select takes [index, [values]]", aptr, "invalid-intrinsic")
        index = self.value(arg[0], join_pointer(aptr, 0))
        values = self.value(arg[1], join_pointer(aptr, 1))
        for item in (index, values):
            if isinstance(item, Unknown):
                return Unknown("Fn::Select", item.describe())
        try:
            position = int(index)
        except (TypeError, ValueError):
            raise self.error(f"Fn::Select index {index!r} is not a number", aptr,
                             "invalid-intrinsic") from None
        if not isinstance(values, list) or not 0 <= position < len(values):
            raise self.error(f"Fn::Select index {position} is out of range", aptr,
                             "invalid-intrinsic")
        return values[position]

    def import_value(self, arg: Any, aptr: str) -> Any:
        name = self.value(arg, aptr)
        if isinstance(name, str) and name in self.params:
            self.used_params.add(name)
            return self.params[name]
        shown = name.describe() if isinstance(name, Unknown) else name
        return Unknown(f"Fn::ImportValue {shown}", "exported by another stack; pass "
                       f"--param {shown}=VALUE")

    def find_in_map(self, arg: Any, aptr: str) -> Any:
        if not isinstance(arg, list) or len(arg) not in (3, 4):
            raise self.error("Fn::FindInMap takes [map, top-level key, second-level key]",
                             aptr, "invalid-intrinsic")
        keys = [self.value(a, join_pointer(aptr, i)) for i, a in enumerate(arg[:3])]
        for key in keys:
            if isinstance(key, Unknown):
                return Unknown("Fn::FindInMap", key.describe())
        mappings = self.template.get("Mappings")
        node: Any = mappings if isinstance(mappings, dict) else {}
        for key in keys:
            if not isinstance(node, dict) or str(key) not in node:
                if len(arg) == 4 and isinstance(arg[3], dict) and "DefaultValue" in arg[3]:
                    return self.value(arg[3]["DefaultValue"], join_pointer(aptr, 3))
                raise self.error(f"Fn::FindInMap: no {key!r} in Mappings "
                                 f"{'/'.join(map(str, keys))}", aptr, "unknown-reference")
            node = node[str(key)]
        return self.value(node, join_pointer("/Mappings", *map(str, keys)))

    # ------------------------------------------------------------------ conditions

    def condition(self, name: str, aptr: str) -> bool | Unknown:
        """The value of a named condition of ``Conditions``."""
        if name in self._conditions:
            return self._conditions[name]
        conditions = self.template.get("Conditions")
        conditions = conditions if isinstance(conditions, dict) else {}
        if name not in conditions:
            raise self.error(f"condition {name!r} is not in Conditions", aptr,
                             "unknown-reference")
        key = f"condition:{name}"
        if key in self._stack:
            cycle = " -> ".join([*self._stack[self._stack.index(key):], key])
            raise self.error(f"circular reference: {cycle.replace('condition:', '')}", aptr,
                             "circular-reference")
        self._stack.append(key)
        try:
            value = self._truth(conditions[name], join_pointer("/Conditions", name))
        finally:
            self._stack.pop()
        self._conditions[name] = value
        return value

    def _truth(self, node: Any, ptr: str) -> bool | Unknown:
        if isinstance(node, dict) and len(node) == 1:
            (key, arg), = node.items()
            aptr = join_pointer(ptr, key)
            if key == "Condition" and isinstance(arg, str):
                return self.condition(arg, aptr)
            if key == "Fn::Not" and isinstance(arg, list) and len(arg) == 1:
                inner = self._truth(arg[0], join_pointer(aptr, 0))
                return inner if isinstance(inner, Unknown) else not inner
            if key in ("Fn::And", "Fn::Or") and isinstance(arg, list) and arg:
                values = [self._truth(a, join_pointer(aptr, i)) for i, a in enumerate(arg)]
                known = [v for v in values if not isinstance(v, Unknown)]
                decisive = key != "Fn::And"
                if decisive in known:
                    return decisive
                unknown = next((v for v in values if isinstance(v, Unknown)), None)
                return unknown if unknown is not None else not decisive
            if key == "Fn::Equals" and isinstance(arg, list) and len(arg) == 2:
                left = self.value(arg[0], join_pointer(aptr, 0))
                right = self.value(arg[1], join_pointer(aptr, 1))
                for side in (left, right):
                    if isinstance(side, Unknown):
                        return side
                return _canonical(left) == _canonical(right)
        raise self.error("a condition is Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition",
                         ptr, "invalid-intrinsic")


def _canonical(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _get_azs(resolver: Resolver, arg: Any, aptr: str) -> Any:
    region = resolver.value(arg, aptr) or resolver._pseudo["AWS::Region"]
    if isinstance(region, Unknown):
        return region
    return [f"{region}{zone}" for zone in "abc"]


def _base64(resolver: Resolver, arg: Any, aptr: str) -> Any:
    value = resolver.value(arg, aptr)
    if isinstance(value, Unknown) or not isinstance(value, str):
        return value
    return base64.b64encode(value.encode("utf-8")).decode("ascii")


def _length(resolver: Resolver, arg: Any, aptr: str) -> Any:
    value = resolver.value(arg, aptr)
    return value if isinstance(value, Unknown) else len(value) if isinstance(value, list) \
        else Unknown("Fn::Length", "not a list")


def _to_json(resolver: Resolver, arg: Any, aptr: str) -> Any:
    value = resolver.value(arg, aptr)
    if _holds_unknown(value):
        return Unknown("Fn::ToJsonString", "part of the value is unknown")
    return json.dumps(value, separators=(",", ":"))


def _holds_unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        return any(_holds_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_unknown(v) for v in value)
    return False


def _unknown_function(name: str) -> Callable[[Resolver, Any, str], Any]:
    def handler(resolver: Resolver, arg: Any, aptr: str) -> Any:
        return Unknown(name, "computed by CloudFormation at deployment")
    return handler


def _condition_outside_conditions(resolver: Resolver, arg: Any, aptr: str) -> Any:
    raise resolver.error("condition functions (Fn::Equals, Fn::And, ...) belong in "
                         "Conditions or Fn::If", aptr, "invalid-intrinsic")


_FUNCTIONS: dict[str, Callable[[Resolver, Any, str], Any]] = {
    "Ref": Resolver.ref,
    "Fn::GetAtt": Resolver.get_att,
    "Fn::Sub": Resolver.sub,
    "Fn::Join": Resolver.join,
    "Fn::Split": Resolver.split,
    "Fn::Select": Resolver.select,
    "Fn::ImportValue": Resolver.import_value,
    "Fn::FindInMap": Resolver.find_in_map,
    "Fn::GetAZs": _get_azs,
    "Fn::Base64": _base64,
    "Fn::Length": _length,
    "Fn::ToJsonString": _to_json,
    "Fn::Cidr": _unknown_function("Fn::Cidr"),
    "Fn::Transform": _unknown_function("Fn::Transform"),
    **{name: _condition_outside_conditions for name in _CONDITION_FUNCTIONS if name !=
       "Condition"},
}


def holds_unknown(value: Any) -> bool:
    """Does a resolved value contain an :class:`Unknown` anywhere?"""
    return _holds_unknown(value)
