"""Terraform HCL -> CloudFormation-shaped documents: translation, references, merging of
policy documents, string escapes, unknowns, locations and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_eval.document.iac import read_templates, reader_for
from policy_eval.document.iac.terraform import read_module, read_text_module
from policy_eval.document.iac.terraform.evaluate import unescape
from policy_eval.errors import PolicyEvalError

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "iac" / "terraform"
STACK = FIXTURES / "notes-app"
SUB = "${cognito-identity.amazonaws.com:sub}"


def translate(text: str) -> tuple[dict, object]:
    read = read_text_module(text, "main.tf")
    assert read.document is not None, read.errors
    return read.document.data, read


def resource(data: dict, address: str) -> dict:
    return data["Resources"][address]


def test_role_with_jsonencode_trust_inline_policy_and_managed_arns() -> None:
    data, read = translate('''
resource "aws_iam_role" "auth" {
  name = "notes-auth"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "cognito-identity.amazonaws.com" }
      Action    = "sts:AssumeRoleWithWebIdentity"
    }]
  })
  inline_policy {
    name = "files"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{
        Effect   = "Allow", Action = "s3:GetObject"
        Resource = "arn:aws:s3:::b/$${cognito-identity.amazonaws.com:sub}/*"
      }]
    })
  }
  managed_policy_arns  = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
  permissions_boundary = "arn:aws:iam::111122223333:policy/boundary"
}
''')
    role = resource(data, "aws_iam_role.auth")
    assert role["Type"] == "AWS::IAM::Role"
    assert role["Metadata"] == {"policy-eval:address": "aws_iam_role.auth"}
    props = role["Properties"]
    assert props["RoleName"] == "notes-auth"
    assert props["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Federated": "cognito-identity.amazonaws.com"}
    assert props["Policies"][0]["PolicyName"] == "files"
    assert props["Policies"][0]["PolicyDocument"]["Statement"][0]["Resource"] == \
        f"arn:aws:s3:::b/{SUB}/*"
    assert props["ManagedPolicyArns"] == ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    assert props["PermissionsBoundary"] == "arn:aws:iam::111122223333:policy/boundary"
    assert read.errors == []


def test_references_become_ref_getatt_and_join() -> None:
    data, _ = translate('''
variable "env" {
  default = "prod"
}
variable "owner" {}
data "aws_caller_identity" "current" {}
resource "aws_s3_bucket" "media" {
  bucket = "${var.env}-media"
}
resource "aws_iam_policy" "p" {
  name = "p-${var.owner}"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:GetObject"
      Resource = ["${aws_s3_bucket.media.arn}/*", aws_s3_bucket.media.arn]
      Condition = { StringEquals = {
        "aws:ResourceAccount" = data.aws_caller_identity.current.account_id } }
    }]
  })
}
''')
    assert data["Parameters"] == {"env": {"Type": "String", "Default": "prod"},
                                  "owner": {"Type": "String"}}
    assert resource(data, "aws_s3_bucket.media")["Properties"]["BucketName"] == {
        "Fn::Join": ["", [{"Ref": "env"}, "-media"]]}
    policy = resource(data, "aws_iam_policy.p")["Properties"]
    assert policy["ManagedPolicyName"] == {"Fn::Join": ["", ["p-", {"Ref": "owner"}]]}
    statement = policy["PolicyDocument"]["Statement"][0]
    assert statement["Resource"] == [
        {"Fn::Join": ["", [{"Fn::GetAtt": ["aws_s3_bucket.media", "Arn"]}, "/*"]]},
        {"Fn::GetAtt": ["aws_s3_bucket.media", "Arn"]}]
    assert statement["Condition"]["StringEquals"]["aws:ResourceAccount"] == {
        "Ref": "AWS::AccountId"}


def test_untranslatable_expressions_are_explicit_unknowns_with_their_text() -> None:
    data, _ = translate('''
variable "arns" {
  type = list(string)
}
resource "aws_iam_role" "r" {
  name               = var.prefix != "" ? "${var.prefix}-r" : "r"
  assume_role_policy = file("${path.module}/missing.json")
  managed_policy_arns = [for a in var.arns : upper(a)]
  permissions_boundary = module.shared.boundary_arn
}
''')
    props = resource(data, "aws_iam_role.r")["Properties"]
    assert props["RoleName"] == {
        "PolicyEval::Unknown": 'var.prefix != "" ? "${var.prefix}-r" : "r"'}
    assert props["AssumeRolePolicyDocument"] == {
        "PolicyEval::Unknown": 'file("${path.module}/missing.json")'}
    assert props["ManagedPolicyArns"] == {
        "PolicyEval::Unknown": "[for a in var.arns : upper(a)]"}
    assert props["PermissionsBoundary"] == {"PolicyEval::Unknown": "module.shared.boundary_arn"}


def test_policy_document_data_source_renders_like_the_provider() -> None:
    data, _ = translate('''
data "aws_iam_policy_document" "doc" {
  policy_id = "files"
  statement {
    sid     = "Own"
    actions = ["s3:GetObject"]
    resources = ["arn:aws:s3:::b/&{aws:username}/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::444455556666:root"]
    }
    condition {
      test     = "NumericLessThan"
      variable = "aws:MultiFactorAuthAge"
      values   = [3600]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalTag/team"
      values   = ["a"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalTag/team"
      values   = ["b"]
    }
  }
  statement {
    effect        = "Deny"
    not_actions   = ["s3:*"]
    not_resources = ["*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}
resource "aws_s3_bucket_policy" "b" {
  bucket = "b"
  policy = data.aws_iam_policy_document.doc.json
}
''')
    document = resource(data, "aws_s3_bucket_policy.b")["Properties"]["PolicyDocument"]
    assert document == {
        "Version": "2012-10-17", "Id": "files",
        "Statement": [
            {"Sid": "Own", "Effect": "Allow", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::b/${aws:username}/*",
             "Principal": {"AWS": ["arn:aws:iam::111122223333:root",
                                   "arn:aws:iam::444455556666:root"]},
             "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
                           "StringEquals": {"aws:PrincipalTag/team": ["a", "b"]}}},
            {"Effect": "Deny", "NotAction": "s3:*", "NotResource": "*", "Principal": "*"}]}
    assert resource(data, "aws_s3_bucket_policy.b")["Properties"]["Bucket"] == "b"


def test_source_and_override_documents_merge_by_sid() -> None:
    data, _ = translate('''
data "aws_iam_policy_document" "source" {
  statement {
    sid       = "A"
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
  statement {
    actions   = ["s3:ListBucket"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "override" {
  statement {
    sid       = "B"
    actions   = ["sqs:SendMessage"]
    resources = ["*"]
  }
  statement {
    sid       = "C"
    actions   = ["sns:Publish"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "merged" {
  source_policy_documents   = [data.aws_iam_policy_document.source.json]
  override_policy_documents = [data.aws_iam_policy_document.override.json]
  statement {
    sid       = "A"
    actions   = ["s3:PutObject"]
    resources = ["*"]
  }
  statement {
    sid       = "B"
    actions   = ["sqs:ReceiveMessage"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.merged.json
}
''')
    statements = resource(data, "aws_iam_policy.p")["Properties"]["PolicyDocument"]["Statement"]
    # A replaced in place by this block's A; the sid-less source statement kept; this
    # block's B appended, then overridden by the override document's B; C appended.
    assert [(s.get("Sid"), s["Action"]) for s in statements] == [
        ("A", "s3:PutObject"), (None, "s3:ListBucket"), ("B", "sqs:SendMessage"),
        ("C", "sns:Publish")]


def test_heredoc_json_with_interpolation_and_escape_is_located() -> None:
    text = '''resource "aws_iam_role_policy" "files" {
  role   = aws_iam_role.r.id
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [{
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::${var.bucket}/$${cognito-identity.amazonaws.com:sub}/*"
      }]
    }
  EOT
}
resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = "{\\"Version\\": \\"2012-10-17\\", \\"Statement\\": []}"
}
variable "bucket" {}
'''
    data, read = translate(text)
    props = resource(data, "aws_iam_role_policy.files")["Properties"]
    assert props["Roles"] == [{"Ref": "aws_iam_role.r"}]
    assert props["PolicyDocument"]["Statement"][0]["Resource"] == {
        "Fn::Join": ["", ["arn:aws:s3:::", {"Ref": "bucket"}, f"/{SUB}/*"]]}
    loc = read.document.location(
        "/Resources/aws_iam_role_policy.files/Properties/PolicyDocument/Statement/0/Action")
    assert (loc.path, loc.line) == ("main.tf", 8)
    role = resource(data, "aws_iam_role.r")["Properties"]
    assert role["AssumeRolePolicyDocument"] == {"Version": "2012-10-17", "Statement": []}


def test_attachments_fold_into_the_role_and_the_policy() -> None:
    data, read = translate('''
resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = "{}"
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = "{}"
}
resource "aws_iam_role_policy_attachment" "in_module" {
  role       = aws_iam_role.r.name
  policy_arn = aws_iam_policy.p.arn
}
resource "aws_iam_role_policy_attachment" "aws_managed" {
  role       = "r"
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
resource "aws_iam_role_policy_attachment" "outside_role" {
  role       = "someone-else"
  policy_arn = aws_iam_policy.p.arn
}
''')
    assert resource(data, "aws_iam_role.r")["Properties"]["ManagedPolicyArns"] == [
        {"Ref": "aws_iam_policy.p"}, "arn:aws:iam::aws:policy/ReadOnlyAccess"]
    assert resource(data, "aws_iam_policy.p")["Properties"]["Roles"] == ["someone-else"]
    assert "aws_iam_role_policy_attachment.in_module" not in data["Resources"]
    loc = read.document.location("/Resources/aws_iam_role.r/Properties/ManagedPolicyArns/1")
    assert loc.line == 16


def test_cognito_resources_translate_to_cloudformation_properties() -> None:
    data, _ = translate('''
resource "aws_cognito_identity_pool" "main" {
  identity_pool_name               = "p"
  allow_unauthenticated_identities = true
  supported_login_providers        = { "accounts.google.com" = "123.apps.googleusercontent.com" }
  cognito_identity_providers {
    client_id               = "client"
    provider_name           = "cognito-idp.us-east-1.amazonaws.com/us-east-1_X"
    server_side_token_check = true
  }
}
resource "aws_cognito_identity_pool_roles_attachment" "main" {
  identity_pool_id = aws_cognito_identity_pool.main.id
  roles = { authenticated = "arn:aws:iam::111122223333:role/a" }
  role_mapping {
    identity_provider         = "accounts.google.com"
    type                      = "Token"
    ambiguous_role_resolution = "Deny"
  }
}
resource "aws_cognito_identity_pool_provider_principal_tag" "google" {
  identity_pool_id       = aws_cognito_identity_pool.main.id
  identity_provider_name = "accounts.google.com"
  use_defaults           = true
}
''')
    pool = resource(data, "aws_cognito_identity_pool.main")
    assert pool["Type"] == "AWS::Cognito::IdentityPool"
    assert pool["Properties"] == {
        "IdentityPoolName": "p", "AllowUnauthenticatedIdentities": True,
        "SupportedLoginProviders": {"accounts.google.com": "123.apps.googleusercontent.com"},
        "CognitoIdentityProviders": [{
            "ClientId": "client", "ProviderName": "cognito-idp.us-east-1.amazonaws.com/us-east-1_X",
            "ServerSideTokenCheck": True}]}
    attachment = resource(data, "aws_cognito_identity_pool_roles_attachment.main")["Properties"]
    assert attachment["IdentityPoolId"] == {"Ref": "aws_cognito_identity_pool.main"}
    assert attachment["RoleMappings"] == {"role_mapping_0": {
        "IdentityProvider": "accounts.google.com", "Type": "Token",
        "AmbiguousRoleResolution": "Deny"}}
    tags = resource(data, "aws_cognito_identity_pool_provider_principal_tag.google")
    assert tags["Properties"]["UseDefaults"] is True


def test_locals_file_and_templatefile(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "read.json").write_text(
        '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow",\n'
        '     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}\n'
        '  ]\n}\n')
    (tmp_path / "policies" / "write.json.tpl").write_text(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject",'
        ' "Resource": "arn:aws:s3:::${bucket}/$${aws:username}/*"}]}\n')
    (tmp_path / "main.tf").write_text('''locals {
  bucket = "media"
  read   = file("${path.module}/policies/read.json")
}
resource "aws_iam_user_policy" "read" {
  user   = "alice"
  policy = local.read
}
resource "aws_iam_group_policy" "write" {
  group  = "writers"
  policy = templatefile("${path.module}/policies/write.json.tpl", { bucket = local.bucket })
}
''')
    read = read_module([tmp_path / "main.tf"])
    assert read.document is not None and read.errors == []
    data = read.document.data
    user = resource(data, "aws_iam_user_policy.read")["Properties"]
    assert user["Users"] == ["alice"]
    assert user["PolicyDocument"]["Statement"][0]["Resource"] == \
        "arn:aws:s3:::b/${aws:username}/*"
    loc = read.document.location(
        "/Resources/aws_iam_user_policy.read/Properties/PolicyDocument/Statement/0/Action")
    assert loc.path.endswith("policies/read.json") and loc.line == 5
    group = resource(data, "aws_iam_group_policy.write")["Properties"]
    assert group["Groups"] == ["writers"]
    assert group["PolicyDocument"]["Statement"][0]["Resource"] == \
        "arn:aws:s3:::media/${aws:username}/*"


def test_tfvars_values_are_the_parameter_defaults(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('''
variable "bucket" {
  default = "dev-media"
}
variable "team" {}
resource "aws_iam_policy" "p" {
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow",
    Action = "s3:GetObject", Resource = "arn:aws:s3:::${var.bucket}/${var.team}/*"}]})
}
''')
    (tmp_path / "terraform.tfvars").write_text('bucket = "prod-media"\nteam = "red"\n')
    (tmp_path / "z.auto.tfvars").write_text('team = "blue"\n')
    [extraction] = read_templates(reader_for(tmp_path / "main.tf"), tmp_path / "main.tf", None)
    parameters = extraction.source.data["Parameters"]
    assert parameters["bucket"]["Default"] == "prod-media"
    assert parameters["team"]["Default"] == "blue"
    [policy] = extraction.view.data["ManagedPolicies"]
    assert policy["PolicyVersionList"][0]["Document"]["Statement"][0]["Resource"] == \
        "arn:aws:s3:::prod-media/blue/*"
    loc = extraction.source.location("/Parameters/team/Default")
    assert (Path(loc.path).name, loc.line) == ("z.auto.tfvars", 1)


def test_reference_problems_are_located_errors_and_unknowns() -> None:
    data, read = translate('''
locals {
  a = local.b
  b = local.a
}
resource "aws_iam_role" "r" {
  name               = local.a
  assume_role_policy = var.missing
  inline_policy {
    name   = "bad"
    policy = <<EOT
{"Version": "2012-10-17", "Statement": [}
EOT
  }
}
''')
    props = resource(data, "aws_iam_role.r")["Properties"]
    assert "PolicyEval::Unknown" in props["RoleName"]
    assert props["AssumeRolePolicyDocument"] == {"PolicyEval::Unknown": "var.missing"}
    assert "PolicyEval::Unknown" in props["Policies"][0]["PolicyDocument"]
    by_code = {e.code: e for e in read.errors}
    assert set(by_code) == {"circular-reference", "undeclared-variable", "json-syntax"}
    assert "local.a -> local.b -> local.a" in by_code["circular-reference"].message
    assert by_code["undeclared-variable"].location.line == 8
    assert by_code["json-syntax"].location.line == 12


def test_syntax_error_is_one_located_error_and_siblings_are_still_read(tmp_path: Path) -> None:
    (tmp_path / "broken.tf").write_text('resource "aws_iam_role" "r" {\n  name = [1,\n}\n')
    (tmp_path / "good.tf").write_text(
        'resource "aws_iam_policy" "p" {\n  policy = jsonencode({Version = "2012-10-17", '
        'Statement = []})\n}\n')
    read = read_module(sorted(tmp_path.glob("*.tf")))
    assert [e.code for e in read.errors] == ["hcl-syntax"]
    error = read.errors[0]
    assert error.location.path.endswith("broken.tf") and error.location.line == 3
    assert "aws_iam_policy.p" in read.document.data["Resources"]
    # the registry's reader: the broken file raises, the good one reads its module
    with pytest.raises(PolicyEvalError) as raised:
        read_templates(reader_for(tmp_path / "broken.tf"), tmp_path / "broken.tf", None)
    assert raised.value.code == "hcl-syntax"
    [good] = read_templates(reader_for(tmp_path / "good.tf"), tmp_path / "good.tf", None)
    assert good.policies == 1


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_fixture_module_locations_name_each_file_and_address() -> None:
    cognito = STACK / "cognito.tf"
    [extraction] = read_templates(reader_for(cognito), cognito, None)
    assert extraction.errors == [] and extraction.has_pool
    view = extraction.view
    names = [r["RoleName"] for r in view.data["IamRoles"]]
    assert set(names) == {"notes-app-dev-authenticated", "notes-app-dev-editor",
                          "notes-app-dev-guest"}
    index = names.index("notes-app-dev-editor")
    loc = view.location(f"/IamRoles/{index}/RolePolicyList/0/PolicyDocument/Statement/0/Action")
    assert (Path(loc.path).name, loc.resource) == ("iam.tf", "aws_iam_role_policy.editor_publish")
    assert loc.line == _line_of(STACK / "iam.tf", 'Action   = ["s3:GetObject", "s3:PutObject"]')
    loc = view.location("/IdentityPool/AllowUnauthenticatedIdentities")
    assert (Path(loc.path).name, loc.line) == (
        "cognito.tf", _line_of(cognito, "allow_unauthenticated_identities"))
    metadata = extraction.source.data["Metadata"]["policy-eval:module"]
    assert Path(metadata["file"]).name == "cognito.tf"
    assert sorted(Path(f).name for f in metadata["files"]) == ["iam.tf", "storage.tf",
                                                                "variables.tf"]


def test_fixture_module_per_identity_policies_keep_policy_variables() -> None:
    [extraction] = read_templates(reader_for(STACK / "iam.tf"), STACK / "iam.tf", None)
    [managed] = extraction.view.data["ManagedPolicies"]
    statements = managed["PolicyVersionList"][0]["Document"]["Statement"]
    by_sid = {s["Sid"]: s for s in statements}
    assert by_sid["OwnFiles"]["Resource"] == f"arn:aws:s3:::notes-app-dev-files/private/{SUB}/*"
    assert by_sid["OwnNotes"]["Condition"] == {
        "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": SUB}}
    roles = {r["RoleName"]: r for r in extraction.view.data["IamRoles"]}
    for name in ("notes-app-dev-authenticated", "notes-app-dev-editor"):
        assert [a["PolicyArn"] for a in roles[name]["AttachedManagedPolicies"]] == [
            "arn:aws:iam::123456789012:policy/notes-app-dev-user-access"]
    guest = roles["notes-app-dev-guest"]["RolePolicyList"][0]["PolicyDocument"]
    assert guest["Statement"][0]["Resource"] == "arn:aws:s3:::notes-app-dev-files/public/*"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40))
def test_quoted_strings_evaluate_to_their_text(text: str) -> None:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("${", "$${") \
        .replace("%{", "%%{")
    data, _ = translate(f'resource "aws_s3_bucket" "b" {{\n  bucket = "{escaped}"\n}}\n')
    assert resource(data, "aws_s3_bucket.b")["Properties"].get("BucketName", "") == text


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet='resource"aws_iam_role{}=[]()${}.,\n #<>EOT:-', max_size=80))
def test_any_text_gives_a_document_or_located_errors(text: str) -> None:
    read = read_text_module(text, "main.tf")
    for error in read.errors:
        assert isinstance(error, PolicyEvalError) and error.location.path == "main.tf"
    if read.document is not None:
        json.dumps(read.document.data)


def test_unescape_handles_hcl_escapes() -> None:
    assert unescape(r"a\"b\\c\n\t\u00e9") == 'a"b\\c\n\té'


def test_instances_of_count_and_for_each_resources_are_the_resource() -> None:
    data, _ = translate('''
resource "aws_iam_role" "r" {
  for_each           = toset(["a", "b"])
  name               = "role-${each.key}"
  assume_role_policy = "{}"
}
resource "aws_s3_bucket" "b" {
  count  = 2
  bucket = "b-${count.index}"
}
resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.r["a"].name
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow",
    Action = "s3:GetObject", Resource = aws_s3_bucket.b[0].arn}]})
}
''')
    props = resource(data, "aws_iam_role_policy.p")["Properties"]
    assert props["Roles"] == [{"Ref": "aws_iam_role.r"}]
    assert props["PolicyDocument"]["Statement"][0]["Resource"] == {
        "Fn::GetAtt": ["aws_s3_bucket.b", "Arn"]}
    assert resource(data, "aws_iam_role.r")["Properties"]["RoleName"] == {
        "Fn::Join": ["", ["role-", {"PolicyEval::Unknown": "each.key"}]]}
