"""What STS refuses in the ``AssumeRoleWithWebIdentity`` call behind a Cognito login.

Cognito (enhanced flow) or the app (basic flow) asks STS for the role's credentials with
the identity pool's token and, when the pool maps principal tags, the session tags. STS
checks that request before it looks at the role:

* session tags (STS API reference, ``Tag`` and ``AssumeRoleWithWebIdentity``): "You can
  pass up to 50 session tags. The plain text session tag keys can't exceed 128
  characters" and "values can't exceed 256 characters"; both match the pattern
  ``[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*`` (a key takes at least one character). A tag taken
  from a claim such as ``O'Brien`` or a 300-character ``department`` breaks them; STS
  answers ``ValidationError``;
* the packed size (STS ``PackedPolicyTooLargeException``: "the total packed size of the
  session policies and session tags combined was too large. An AWS conversion compresses
  the session policy document, session policy ARNs, and session tags into a packed binary
  format that has a separate limit"); the message reads "Packed size of session tags
  consumes N% of allotted space";
* cross-account roles in the basic flow (Cognito developer guide, "Security best practices
  for Amazon Cognito identity pools": "AWS STS also requires that cross-account basic
  authentication requests have two specific conditions: cognito-identity.amazonaws.com:aud
  and cognito-identity.amazonaws.com:amr"); a trust policy without both is refused.

Every check returns ``None`` or the ``(AWS error code, reason)`` of the refusal.
"""

from __future__ import annotations

import json
import unicodedata
import zlib
from collections.abc import Iterable, Mapping

from ..document.model import Statement

MAX_SESSION_TAGS = 50
MAX_TAG_KEY_CHARS = 128
MAX_TAG_VALUE_CHARS = 256
#: Characters the STS ``Tag`` pattern names besides letters (L), separators (Z), numbers (N).
_TAG_PUNCTUATION = frozenset("_.:/=+-@")
#: [I] AWS publishes no figure for the packed limit (STS reports only a percentage of it).
#: We estimate the packed form as the zlib-compressed canonical JSON of the tags and the
#: session policies and take 2,048 bytes as the allotted space: a few tags of ordinary
#: claims use a fraction of it, fifty tags of 256 characters of random text exceed it,
#: which is what users of STS report. Never decided on this alone without saying so: the
#: refusal's reason gives the estimate.
PACKED_SIZE_BYTES = 2048

Refusal = tuple[str, str]


def _tag_text_ok(text: str) -> bool:
    return all(char in _TAG_PUNCTUATION or unicodedata.category(char)[0] in "LZN"
               for char in text)


def _validation_error(value: str, where: str, constraint: str) -> Refusal:
    shown = value if len(value) <= 60 else value[:57] + "..."
    return ("ValidationError", f"1 validation error detected: Value '{shown}' at '{where}' "
                               f"failed to satisfy constraint: {constraint}")


def session_tag_refusal(tags: Mapping[str, str]) -> Refusal | None:
    """STS's refusal of these session tags (count, lengths, characters), if any."""
    if len(tags) > MAX_SESSION_TAGS:
        return ("ValidationError", "1 validation error detected: Value at 'tags' failed to "
                f"satisfy constraint: Member must have length less than or equal to "
                f"{MAX_SESSION_TAGS} ({len(tags)} session tags)")
    pattern = "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]"
    for number, (key, value) in enumerate(tags.items(), start=1):
        where = f"tags.{number}.member"
        if not 1 <= len(key) <= MAX_TAG_KEY_CHARS:
            return _validation_error(key, where + ".key", "Member must have length between 1 "
                                     f"and {MAX_TAG_KEY_CHARS}")
        if not _tag_text_ok(key):
            return _validation_error(key, where + ".key", pattern + "+")
        if len(value) > MAX_TAG_VALUE_CHARS:
            return _validation_error(value, where + ".value", "Member must have length less "
                                     f"than or equal to {MAX_TAG_VALUE_CHARS}")
        if not _tag_text_ok(value):
            return _validation_error(value, where + ".value", pattern + "*")
    return None


def packed_size(tags: Mapping[str, str], session_policies: Iterable[str] = ()) -> int:
    """Our estimate of the packed size (bytes) of the session tags and policies."""
    canonical = json.dumps([sorted(tags.items()), list(session_policies)],
                           separators=(",", ":"), ensure_ascii=False)
    return len(zlib.compress(canonical.encode("utf-8"), 9))


def packed_size_refusal(tags: Mapping[str, str],
                        session_policies: Iterable[str] = ()) -> Refusal | None:
    """``PackedPolicyTooLarge`` when the estimated packed size exceeds the allotted space."""
    size = packed_size(tags, session_policies)
    if size <= PACKED_SIZE_BYTES:
        return None
    percent = size * 100 // PACKED_SIZE_BYTES
    what = "session tags" if tags else "policy"
    return ("PackedPolicyTooLarge", f"Packed size of {what} consumes {percent}% of allotted "
                                    f"space (estimated: {size:,} of {PACKED_SIZE_BYTES:,} "
                                    "bytes, an [I] figure: AWS publishes none)")


def cross_account_trust_refusal(statements: Iterable[Statement], key_prefix: str) -> \
        Refusal | None:
    """The basic flow's refusal of a cross-account role whose allowing trust statements do
    not test both ``<prefix>:aud`` and ``<prefix>:amr``."""
    aud, amr = f"{key_prefix}:aud", f"{key_prefix}:amr"
    for statement in statements:
        keys = {clause.key.lower() for clause in statement.conditions}
        if aud in keys and amr in keys:
            return None
    return ("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity (the role "
                            "is in another account than the identity pool: STS requires its "
                            f"trust policy to test both {aud} and {amr})")
