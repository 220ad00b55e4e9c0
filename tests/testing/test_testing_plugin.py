"""The pytest plugin and the assertion helpers, run through pytest's own ``pytester``.

Includes the README example "Test your identity pool in your unit tests", extracted from
README.md and run as is."""

from __future__ import annotations

import re
import shutil
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from policy_eval.cognito import IdentityPool

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[2]
COGNITO = REPO / "fixtures" / "cognito"


@pytest.fixture(scope="module", autouse=True)
def _warm_imports() -> None:
    """pytester's in-process runs drop the modules first imported during a run, while
    policy-eval caches parsers built from lazily imported lark classes; loading every
    fixture pool here imports them in the outer process, where they survive."""
    for pool in sorted((COGNITO / "pools").iterdir()):
        IdentityPool.load(pool).simulate()


def plugin_args() -> list[str]:
    """``-p`` for the plugin unless the ``pytest11`` entry point is installed."""
    installed = any(ep.value == "policy_eval.testing.plugin"
                    for ep in entry_points(group="pytest11"))
    return [] if installed else ["-p", "policy_eval.testing.plugin"]


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester folder holding the photo-app pool (pools/, policies/)."""
    for sub in ("pools", "policies"):
        shutil.copytree(COGNITO / sub, pytester.path / sub)
    return pytester


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*plugin_args(), "-p", "no:cacheprovider", *args)


def readme_example() -> str:
    text = (REPO / "README.md").read_text()
    section = text.split("<!-- section:cognito -->", 1)[1].split("<!-- /section:cognito -->")[0]
    assert "## Test your identity pool in your unit tests" in section
    blocks = [b for b in re.findall(r"```python\n(.*?)```", section, re.S)
              if re.search(r"^def test_", b, re.M)]
    assert len(blocks) == 1, "one pytest example in the Cognito section"
    return blocks[0]


def test_readme_example_passes(project: pytest.Pytester) -> None:
    code = readme_example()
    project.makepyfile(test_readme_example=code)
    result = run(project, "-v")
    tests = len(re.findall(r"^def test_", code, re.M))
    assert tests >= 5
    result.assert_outcomes(passed=tests)


def test_marker_and_ini_option(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\npolicy_eval_pool = pools/corp-docs.json\n")
    project.makepyfile(test_pools="""
        import pytest

        def test_ini_pool(identity_pool):
            assert identity_pool.name == "CorpDocs"

        @pytest.mark.identity_pool("pools/photo-app.json", scope_down="2026-05")
        def test_marker_pool(identity_pool, cognito_login):
            assert identity_pool.name == "PhotoApp"
            guest = cognito_login()
            assert [p.version for p in guest.session_policies] == ["2026-05"]

        def test_loader(load_identity_pool):
            a = load_identity_pool("pools/internal-tools.json")
            assert a is load_identity_pool("pools/internal-tools.json")
    """)
    run(project).assert_outcomes(passed=3)


def test_missing_pool_configuration_is_a_usage_error(project: pytest.Pytester) -> None:
    project.makepyfile(test_none="""
        def test_needs_pool(identity_pool):
            pass
    """)
    result = run(project)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*needs @pytest.mark.identity_pool*policy_eval_pool*"])


def test_marker_is_registered(project: pytest.Pytester) -> None:
    result = run(project, "--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.identity_pool(path, **options)*"])


def test_failure_messages_are_explanations(project: pytest.Pytester) -> None:
    project.makepyfile(test_fail="""
        import pytest
        from policy_eval.testing import assert_allowed, assert_denied, assert_isolated

        pytestmark = pytest.mark.identity_pool("pools/photo-app.json")
        UP = "cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab12Cd34E"
        WEB = "6k2r9q5t8v3x1z4b7d0f2h4j6m"
        BUCKET = "arn:aws:s3:::example-photo-app-media"

        def user(sub, **claims):
            return {"provider": UP, "claims": {"sub": sub, "aud": WEB, **claims}}

        def test_allowed_fails(cognito_login):
            guest = cognito_login()
            assert_allowed(guest, "evidently:PutProjectEvents",
                           "arn:aws:evidently:us-east-1:111122223333:project/photo-app")

        def test_denied_fails(cognito_login):
            me = cognito_login(**user("a"))
            assert_denied(me, "s3:GetObject", BUCKET + "/private/" + me.identity_id + "/x")

        def test_isolation_fails_for_moderators(identity_pool):
            assert_isolated(identity_pool, user("m", **{"cognito:groups": ["moderators"]}),
                            user("b"), BUCKET + "/private/${sub}/photo.jpg")

        def test_isolation_must_not_be_vacuous(identity_pool):
            assert_isolated(identity_pool, user("a"), user("b"),
                            "arn:aws:s3:::another-bucket/${sub}/x")
    """)
    result = run(project)
    result.assert_outcomes(failed=4)
    result.stdout.fnmatch_lines([
        "*AssertionError: IMPLICIT DENY: evidently:PutProjectEvents*",
        "*why: no session policy allows it*",
    ])
    result.stdout.fnmatch_lines(["*expected explicit_deny or implicit_deny:*",
                                 "*ALLOW: s3:GetObject*"])
    result.stdout.fnmatch_lines(["*reaches identity B's*", "*s3:GetObject on*"])
    result.stdout.fnmatch_lines(["*vacuous isolation check*"])


def test_helpers_on_policy_sets(project: pytest.Pytester) -> None:
    project.makepyfile(test_sets="""
        import pytest
        import policy_eval as pe
        from policy_eval.testing import assert_allowed, assert_denied

        PS = pe.PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
            {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/secret/*"}]}])

        def test_policy_set():
            assert_allowed(PS, "s3:GetObject", "arn:aws:s3:::b/x")
            assert_denied(PS, "s3:GetObject", "arn:aws:s3:::b/secret/x", explicit=True)
            assert_denied(PS, "s3:PutObject", "arn:aws:s3:::b/x", explicit=False)
            with pytest.raises(AssertionError, match="expected implicit_deny"):
                assert_denied(PS, "s3:GetObject", "arn:aws:s3:::b/secret/x", explicit=False)
    """)
    run(project).assert_outcomes(passed=1)
