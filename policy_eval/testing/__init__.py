"""Helpers for testing IAM policies and identity pools in your own unit tests.

    from policy_eval.testing import assert_allowed, assert_denied, assert_isolated

    def test_user_reads_own_photos(cognito_login):      # fixture from the pytest plugin
        alice = cognito_login(provider="accounts.google.com", claims={"sub": "1098"})
        assert_allowed(alice, "s3:GetObject",
                       f"arn:aws:s3:::photos/private/{alice.identity_id}/cat.jpg")

The pytest plugin (:mod:`policy_eval.testing.plugin`, registered through the ``pytest11``
entry point) provides the ``identity_pool``, ``cognito_login`` and ``load_identity_pool``
fixtures. Assertion failures carry the decision's explanation.
"""

from __future__ import annotations

from .assertions import (
    IsolationReport,
    assert_allowed,
    assert_denied,
    assert_isolated,
    assert_population_isolated,
    decide,
    granted_actions,
    resolve_template,
)

__all__ = [
    "IsolationReport",
    "assert_allowed",
    "assert_denied",
    "assert_isolated",
    "assert_population_isolated",
    "decide",
    "granted_actions",
    "resolve_template",
]
