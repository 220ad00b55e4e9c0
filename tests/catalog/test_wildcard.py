"""Wildcard helpers: glob matching and glob intersection, against slow references."""

from __future__ import annotations

import fnmatch

from hypothesis import given, settings
from hypothesis import strategies as st

from policy_eval.catalog import get_catalog, glob_match, globs_intersect
from policy_eval.catalog.wildcard import glob_tokens

ALPHABET = "ab*?"


def reference_match(pattern: str, text: str) -> bool:
    """fnmatch without its [...] classes (absent from our alphabet), case-insensitive."""
    return fnmatch.fnmatchcase(text.lower(), pattern.lower())


@given(st.text(alphabet=ALPHABET, max_size=12), st.text(alphabet="ab", max_size=12))
def test_glob_match_agrees_with_fnmatch(pattern: str, text: str) -> None:
    assert glob_match(pattern, text) == reference_match(pattern, text)


def test_glob_match_pathological_pattern_is_fast() -> None:
    pattern = "*a" * 40 + "b"
    text = "a" * 5000
    assert not glob_match(pattern, text)


_S3 = get_catalog().actions_of_service("s3")
_NAME_CHARS = sorted({ch for name in _S3 for ch in name.partition(":")[2].lower()})


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(["*", "?"]), st.sampled_from(_NAME_CHARS)),
        min_size=0,
        max_size=10,
    ).map("".join),
    st.booleans(),
)
def test_expand_agrees_with_reference(name_pattern: str, upper: bool) -> None:
    """expand_action_pattern over s3 == case-insensitive fnmatch over the action names."""
    cat = get_catalog()
    pattern = "s3:" + (name_pattern.upper() if upper else name_pattern)
    expected = tuple(a for a in _S3 if reference_match(pattern, a))
    assert cat.expand_action_pattern(pattern) == expected


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(_S3).map(lambda a: a.partition(":")[2]), st.integers(0, 30))
def test_expand_finds_prefix_patterns(name: str, cut: int) -> None:
    pattern = "s3:" + name[: cut % (len(name) + 1)] + "*"
    got = get_catalog().expand_action_pattern(pattern)
    assert "s3:" + name in got


@given(
    st.text(alphabet=ALPHABET, max_size=8),
    st.text(alphabet=ALPHABET, max_size=8),
    st.text(alphabet="ab", max_size=10),
)
def test_intersection_is_sound(a: str, b: str, witness: str) -> None:
    """If a string matches both globs, the intersection test must say so."""
    if glob_match(a, witness) and glob_match(b, witness):
        assert globs_intersect(glob_tokens(a), glob_tokens(b))


@given(st.text(alphabet=ALPHABET, max_size=10), st.text(alphabet="ab", max_size=10))
def test_intersection_with_literal_is_match(pattern: str, literal: str) -> None:
    assert globs_intersect(glob_tokens(pattern), glob_tokens(literal)) == glob_match(
        pattern, literal
    )


@given(st.text(alphabet=ALPHABET, max_size=7), st.text(alphabet=ALPHABET, max_size=7))
def test_intersection_complete_on_small_strings(a: str, b: str) -> None:
    """If the test says "intersect", a witness exists; search short strings for it."""
    if not globs_intersect(glob_tokens(a), glob_tokens(b)):
        return
    import itertools

    max_len = len(a) + len(b) + 1
    found = any(
        glob_match(a, w) and glob_match(b, w)
        for n in range(max_len + 1)
        for w in ("".join(t) for t in itertools.product("abc", repeat=n))
    )
    assert found


def test_segment_token_does_not_cross_colons() -> None:
    from policy_eval.catalog.wildcard import SEGMENT

    fmt = ["a", ":", SEGMENT, ":", "b"]
    assert globs_intersect(glob_tokens("a:x:b"), fmt)
    assert globs_intersect(glob_tokens("a::b"), fmt)
    assert not globs_intersect(glob_tokens("a:x:y:b"), fmt)
    assert globs_intersect(glob_tokens("a:*"), fmt)
    assert not globs_intersect(glob_tokens("a:?:?:b"), fmt)
