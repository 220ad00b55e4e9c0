"""Condition values: one parser per condition-operator family (spec semantics.md §4.2, §4.5).

The evaluator (``engine/conditions.py``), the linter's value checks
(``lint/rules/conditions.py``) and the linter's probe values (``lint/rules/_probe.py``) all
read values through these functions, so that "the linter says this value is malformed"
and "the engine cannot read this value (the comparison never matches)" are one fact.
Request-context values go through the same parsers as policy values.

What AWS documents is quoted from "IAM JSON policy elements: Condition operators"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html,
``[iam-condops]`` in the spec). Where the page is silent we take the safe side: we accept
only the forms the page shows or names, so a value the linter passes means the same thing
here and on AWS; anything else is a lint error (CND005) and a non-match in the engine
(spec §4.5 [I]: "reject anything else as no match plus a lint error").

Per family (accepted / rejected / what the page says):

Numeric
    accepted: ``10``, ``-3``, ``0.5``, ``-2.25``; JSON numbers (``10``, ``0.5``)
    rejected: ``1e3``, ``+5``, ``1_000``, ``5.``, ``.5``, ``0x10``, ``NaN``, ``Infinity``
    docs: "an integer or decimal value"; silent on notation, so plain decimals only (safe)
Date
    accepted: the W3C ISO 8601 profiles ``2026``, ``2026-01``, ``2026-01-31``,
    ``2026-01-31T10:00Z``, ``2026-01-31T10:00:00+02:00``, ``2026-01-31T10:00:00.5Z``;
    epoch seconds ``1768478400`` (four digits are a year)
    rejected: ``2026-13-01``, ``2020-02-30`` (no such day), ``2026-01-31T10:00`` (no zone),
    ``2026-01-31 10:00:00Z``, ``2026-01-31T24:00:00Z``, lower-case ``t``/``z``, ``-5`` and
    ``1.5`` as epochs, ``yesterday``
    docs: "one of the W3C implementations of the ISO 8601 date formats or in epoch (UNIX)
    time" (the W3C note NOTE-datetime lists the profiles); signs and fractions of epochs
    are undocumented (safe side: refused)
Bool
    accepted: ``true``, ``false`` in any case (spec §4.2 [I]); JSON booleans
    rejected: ``yes``, ``1``, ``""``
    docs: "comparing a key to true or false"
IpAddress
    accepted: ``203.0.113.0/24``, ``203.0.113.7`` (= /32), ``2001:DB8::/64``, a bare IPv6
    address (= /128, spec §4.2 [I]); host bits after the prefix (``10.0.0.1/16``) name
    the block the prefix selects
    rejected: ``10.0.0.0/255.255.0.0`` (netmask), ``10.0.0.0/33``, ``10.0.0.0/024``,
    ``010.0.0.1``, ``fe80::1%eth0`` (zone), ``10.0.0``
    docs: "The value must be in the standard CIDR format (for example, 203.0.113.0/24 or
    2001:DB8:1234:5678::/64). If you specify an IP address without the associated routing
    prefix, IAM uses the default prefix value of /32."
Arn
    accepted: ``*``; six ``:``-separated components with ``*``/``?`` wildcards
    (``arn:aws:iam::*:role/*``); a request value must be an ARN (``arn:`` + six)
    rejected: ``arn:aws:s3``, ``arn:aws:iam::*`` (fewer than six components)
    docs: "Each of the six colon-delimited components of the ARN is checked separately"
Binary
    accepted: base64 (``QmluYXJ5``)
    rejected: ``not base64!``, bad padding
    docs: "a base-64 encoded representation of the binary value in the policy"

Whitespace around a value is never trimmed: the page shows none and AWS compares the
value as written (safe side).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Callable
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IpAddressValue = ipaddress.IPv4Address | ipaddress.IPv6Address


def condition_value_text(value: Any) -> str:
    """A JSON condition value as the text AWS compares: strings as they are, numbers in
    their plain decimal spelling, booleans as ``true``/``false`` (spec §4.5 [D iam-grammar]:
    values may be strings, numbers or booleans; they are stringified)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # plain decimal notation: 1e3 in JSON reads as 1000.0, never "1e+16" or "1e-05"
        return format(Decimal(repr(value)), "f")
    return str(value)


# ---------------------------------------------------------------- numbers

# [iam-condops] "Numeric condition operators ... comparing a key to an integer or decimal
# value." The page shows only plain integers; it is silent on signs, exponents and digit
# separators, so only an optional minus, digits, and an optional fraction with digits on
# both sides of the point are read (safe side).
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def parse_number(text: str) -> Decimal | None:
    """An integer or decimal (``-3``, ``0.5``); ``None`` for anything else."""
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:     # pragma: no cover - the pattern admits only decimals
        return None


# ---------------------------------------------------------------- dates

# [iam-condops] "You must specify date/time values with one of the W3C implementations of
# the ISO 8601 date formats or in epoch (UNIX) time." The W3C note (NOTE-datetime) lists
# YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mmTZD, YYYY-MM-DDThh:mm:ssTZD and
# YYYY-MM-DDThh:mm:ss.sTZD, where TZD is Z or +hh:mm / -hh:mm; a time needs its zone. A
# calendar date that does not exist (2026-13-01, 2020-02-30) is no date at all.
_W3C = re.compile(
    r"(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2})"
    r"(?:T(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})"
    r"(?P<fraction>\.[0-9]+)?)?(?P<zone>Z|[+-][0-9]{2}:[0-9]{2}))?)?)?")
# Epoch (UNIX) time: whole seconds since 1970. The page is silent on signs and fractions
# (aws:EpochTime is a whole number), so neither is read (safe side). Four digits are a
# W3C year, not an epoch.
_EPOCH = re.compile(r"[0-9]+")
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def parse_date(text: str) -> Decimal | None:
    """Seconds since the epoch for a W3C ISO-8601 date or epoch seconds; ``None`` for
    anything else, including dates that do not exist."""
    if _EPOCH.fullmatch(text) and len(text) != 4:
        return Decimal(text)
    m = _W3C.fullmatch(text)
    if not m:
        return None
    g = m.groupdict()
    try:
        moment = datetime(int(g["year"]), int(g["month"] or 1), int(g["day"] or 1),
                          int(g["hour"] or 0), int(g["minute"] or 0), int(g["second"] or 0),
                          tzinfo=timezone.utc)
    except ValueError:
        return None
    delta = moment - _UNIX_EPOCH
    seconds = Decimal(delta.days * 86400 + delta.seconds)
    if g["fraction"]:
        seconds += Decimal("0" + g["fraction"])
    zone = g["zone"]
    if zone and zone != "Z":
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 23 or minutes > 59:
            return None
        offset = hours * 3600 + minutes * 60
        seconds -= offset if zone[0] == "+" else -offset
    return seconds


# ---------------------------------------------------------------- booleans

# [iam-condops] "Boolean conditions let you construct Condition elements that restrict
# access based on comparing a key to true or false." Case is not documented; compared
# case-insensitively as iam-simulate does (spec §4.2 [I]). The Null operator's values are
# read the same way ([iam-condops]: "true" / "false").


def parse_bool(text: str) -> bool | None:
    """``true``/``false`` in any case; ``None`` for anything else."""
    lowered = text.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    return None


# ---------------------------------------------------------------- IP addresses

# [iam-condops] "The value must be in the standard CIDR format (for example, 203.0.113.0/24
# or 2001:DB8:1234:5678::/64). If you specify an IP address without the associated routing
# prefix, IAM uses the default prefix value of /32." A bare IPv6 address is /128 (spec §4.2
# [I]). Standard CIDR is address/prefix-length: netmask notation (10.0.0.0/255.255.0.0),
# zone ids (fe80::1%eth0) and zero-padded prefixes are not CIDR and are refused (safe side).
# Host bits after the prefix (10.0.0.1/16) are silent in the page; CIDR notation names the
# block the prefix selects, so they are read as that block.
_CIDR = re.compile(r"(?P<address>[0-9A-Fa-f:.]+)(?:/(?P<prefix>0|[1-9][0-9]{0,2}))?")


def parse_ip_address(text: str) -> IpAddressValue | None:
    """One IPv4 or IPv6 address (a request's ``aws:SourceIp``); ``None`` otherwise."""
    m = _CIDR.fullmatch(text)
    if not m or m.group("prefix") is not None:
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def parse_network(text: str) -> IpNetwork | None:
    """A CIDR block; a bare address is /32 (IPv4) or /128 (IPv6); ``None`` otherwise."""
    if not _CIDR.fullmatch(text):
        return None
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


# ---------------------------------------------------------------- ARNs

# [iam-condops] ArnEquals/ArnLike: "Each of the six colon-delimited components of the ARN is
# checked separately and each can include multi-character match wildcards (*) or
# single-character match wildcards (?)." A policy value with fewer than six components can
# therefore match no ARN; a lone "*" matches every ARN. A request value that is not an ARN
# (arn:partition:service:region:account:resource, [iam-arns]) matches nothing (spec §4.2
# [I], as PMapper).
ARN_COMPONENTS = 6


def split_arn(text: str) -> tuple[str, ...] | None:
    """The six components of an ARN (the resource keeps its own colons); ``None`` when
    ``text`` has fewer than six."""
    parts = text.split(":", ARN_COMPONENTS - 1)
    return tuple(parts) if len(parts) == ARN_COMPONENTS else None


def is_arn(text: str) -> bool:
    """Whether a request value is an ARN (``arn:`` and six components)."""
    return text.startswith("arn:") and split_arn(text) is not None


def is_arn_pattern(text: str) -> bool:
    """Whether a policy value of an ARN operator can match some ARN: ``*`` or six
    components."""
    return text == "*" or split_arn(text) is not None


# ---------------------------------------------------------------- binary

# [iam-condops] BinaryEquals "compares the value of the specified key byte for byte against
# a base-64 encoded representation of the binary value in the policy."


def parse_binary(text: str) -> bytes | None:
    """The bytes of a base64 value; ``None`` when ``text`` is not base64."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


# ---------------------------------------------------------------- per family

#: The parser of each operator family whose values are not plain strings.
PARSERS: dict[str, Callable[[str], Any]] = {
    "Numeric": parse_number,
    "Date": parse_date,
    "Bool": parse_bool,
    "Null": parse_bool,
    "IpAddress": parse_network,
    "Binary": parse_binary,
}

_EXPECTED = {
    "Numeric": "is not a number (an integer or decimal such as 10 or 0.5)",
    "Date": "is not an ISO 8601 date (2026-01-31T00:00:00Z) or epoch seconds",
    "Bool": "is not true or false",
    "Null": "is not true or false",
    "IpAddress": "is not an IP address or CIDR range (203.0.113.0/24)",
    "Binary": "is not base64",
    "Arn": "is not an ARN pattern (six ':'-separated components, or '*')",
}


def readable(family: str, text: str) -> bool:
    """Whether an operator of ``family`` can read the policy value ``text``."""
    if family == "Arn":
        return is_arn_pattern(text)
    parse = PARSERS.get(family)
    return parse is None or parse(text) is not None


def value_problem(family: str, text: str) -> str | None:
    """Why an operator of ``family`` cannot read the policy value ``text`` (``None`` when
    it can): the linter's message for what the engine treats as a non-match."""
    if readable(family, text):
        return None
    return f"{text!r} {_EXPECTED[family]}"
