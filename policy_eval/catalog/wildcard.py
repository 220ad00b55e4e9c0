"""Wildcard matching used by the catalogue: globs with ``*`` and ``?``.

Two questions are answered here, both without backtracking blow-up on hostile
patterns:

* :func:`glob_match` — does a glob match a concrete string? This is the policy
  language's one matcher, :func:`policy_eval.document.wildcard.glob_match`, re-exported.
* :func:`globs_intersect` — could some string match *both* of two globs?  A
  reachability search over the product of the two patterns' positions,
  O(len(a) * len(b)).  The ARN-format check (does a policy ``Resource`` pattern
  possibly name a resource of a given type?) is built on it.

Case folding is the caller's business: pass lower-cased text for
case-insensitive matching (actions are case-insensitive, spec section 1.3).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..document.wildcard import glob_match

__all__ = ["ANY", "SEGMENT", "STAR", "Token", "glob_match", "glob_tokens", "globs_intersect",
           "has_wildcard"]

# Token kinds for glob_tokens / globs_intersect.
STAR = "\x00*"
ANY = "\x00?"
# Any run of characters without a colon: an ARN-format placeholder in the
# partition/service/region/account fields (``arn:${Partition}:s3:...``).
SEGMENT = "\x00+"

Token = str  # one literal character, STAR, ANY or SEGMENT

_RUNS = (STAR, SEGMENT)


def has_wildcard(text: str) -> bool:
    """True when ``text`` contains ``*`` or ``?``."""
    return "*" in text or "?" in text


def glob_tokens(pattern: str) -> list[Token]:
    """Split a plain glob into tokens (consecutive stars collapse to one)."""
    out: list[Token] = []
    for ch in pattern:
        if ch == "*":
            if not out or out[-1] != STAR:
                out.append(STAR)
        elif ch == "?":
            out.append(ANY)
        else:
            out.append(ch)
    return out


def globs_intersect(a: Sequence[Token], b: Sequence[Token]) -> bool:
    """Is there a string matched by both token sequences?

    States are pairs (i, j) of positions in ``a`` and ``b``.  A star (or a
    colon-free SEGMENT run) may be skipped (matches the empty string) or may
    consume one character and stay put; a literal or ``?`` consumes one
    character.  Two consuming steps are compatible unless both are literals
    that differ, or one is a SEGMENT and the other the literal ``:``.  The
    answer is whether (len(a), len(b)) is reachable from (0, 0).
    """
    la, lb = len(a), len(b)
    seen = bytearray((la + 1) * (lb + 1))
    stack = [(0, 0)]
    seen[0] = 1
    width = lb + 1
    while stack:
        i, j = stack.pop()
        if i == la and j == lb:
            return True
        nxt: list[tuple[int, int]] = []
        ta = a[i] if i < la else None
        tb = b[j] if j < lb else None
        if ta in _RUNS:
            nxt.append((i + 1, j))
        if tb in _RUNS:
            nxt.append((i, j + 1))
        if ta is not None and tb is not None and _compatible(ta, tb):
            # Both consume one character of the common string.
            ni = i if ta in _RUNS else i + 1
            nj = j if tb in _RUNS else j + 1
            if (ni, nj) != (i, j):
                nxt.append((ni, nj))
        for ni, nj in nxt:
            k = ni * width + nj
            if not seen[k]:
                seen[k] = 1
                stack.append((ni, nj))
    return False


def _compatible(ta: Token, tb: Token) -> bool:
    """Can one character be consumed by token ``ta`` and token ``tb`` at once?"""
    if (ta == SEGMENT and tb == ":") or (tb == SEGMENT and ta == ":"):
        return False
    if ta in (STAR, ANY, SEGMENT) or tb in (STAR, ANY, SEGMENT):
        return True
    return ta == tb
