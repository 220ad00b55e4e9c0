"""What a reference to a Terraform resource's attribute is in CloudFormation terms.

For each resource type the reader models, the CloudFormation type it becomes and, for
each attribute a policy commonly references, the intrinsic with the same value:
``("Ref", "")`` when CloudFormation's ``Ref`` of that type returns the attribute (a role's
name, a bucket's name, a managed policy's ARN), ``("GetAtt", NAME)`` for ``Fn::GetAtt``, or
``("Join", PATTERN)`` for an ARN CloudFormation offers no attribute for. The pairs follow
each type's "Return values" section in the CloudFormation resource reference and the
"Attribute reference" of the AWS provider's documentation.
"""

from __future__ import annotations

REF = ("Ref", "")

#: Terraform type -> (CloudFormation type, {attribute: intrinsic}, name attribute -> property)
RESOURCE_TYPES: dict[str, tuple[str, dict[str, tuple[str, str]], dict[str, str]]] = {
    "aws_iam_role": ("AWS::IAM::Role", {
        "arn": ("GetAtt", "Arn"), "id": REF, "name": REF, "unique_id": ("GetAtt", "RoleId"),
    }, {"name": "RoleName", "path": "Path"}),
    "aws_iam_policy": ("AWS::IAM::ManagedPolicy", {
        "arn": REF, "id": REF, "policy_id": ("GetAtt", "PolicyId"),
    }, {"name": "ManagedPolicyName", "path": "Path"}),
    "aws_iam_user": ("AWS::IAM::User", {
        "arn": ("GetAtt", "Arn"), "id": REF, "name": REF,
    }, {"name": "UserName", "path": "Path"}),
    "aws_iam_group": ("AWS::IAM::Group", {
        "arn": ("GetAtt", "Arn"), "id": REF, "name": REF,
    }, {"name": "GroupName", "path": "Path"}),
    "aws_s3_bucket": ("AWS::S3::Bucket", {
        "arn": ("GetAtt", "Arn"), "id": REF, "bucket": REF,
        "bucket_domain_name": ("GetAtt", "DomainName"),
        "bucket_regional_domain_name": ("GetAtt", "RegionalDomainName"),
    }, {"bucket": "BucketName"}),
    "aws_dynamodb_table": ("AWS::DynamoDB::Table", {
        "arn": ("GetAtt", "Arn"), "id": REF, "name": REF, "stream_arn": ("GetAtt", "StreamArn"),
    }, {"name": "TableName"}),
    "aws_sqs_queue": ("AWS::SQS::Queue", {
        "arn": ("GetAtt", "Arn"), "id": REF, "url": REF, "name": ("GetAtt", "QueueName"),
    }, {"name": "QueueName"}),
    "aws_sns_topic": ("AWS::SNS::Topic", {
        "arn": REF, "id": REF, "name": ("GetAtt", "TopicName"),
    }, {"name": "TopicName"}),
    "aws_kms_key": ("AWS::KMS::Key", {
        "arn": ("GetAtt", "Arn"), "id": REF, "key_id": ("GetAtt", "KeyId"),
    }, {}),
    "aws_lambda_function": ("AWS::Lambda::Function", {
        "arn": ("GetAtt", "Arn"), "id": REF, "function_name": REF,
    }, {"function_name": "FunctionName"}),
    "aws_cognito_identity_pool": ("AWS::Cognito::IdentityPool", {
        "id": REF,
        "arn": ("Join", "arn:{partition}:cognito-identity:{region}:{account}:identitypool/{ref}"),
    }, {}),
    "aws_cognito_user_pool": ("AWS::Cognito::UserPool", {
        "id": REF, "arn": ("GetAtt", "Arn"), "endpoint": ("GetAtt", "ProviderName"),
    }, {"name": "UserPoolName"}),
    "aws_cognito_user_pool_client": ("AWS::Cognito::UserPoolClient", {"id": REF},
                                     {"name": "ClientName", "user_pool_id": "UserPoolId"}),
    "aws_iam_openid_connect_provider": ("AWS::IAM::OIDCProvider", {"arn": REF, "id": REF},
                                        {"url": "Url", "client_id_list": "ClientIdList"}),
    "aws_iam_saml_provider": ("AWS::IAM::SAMLProvider", {"arn": REF, "id": REF},
                              {"name": "Name"}),
}

#: Data sources whose attributes are CloudFormation pseudo parameters.
DATA_PSEUDO_PARAMETERS: dict[str, dict[str, str]] = {
    "aws_caller_identity": {"account_id": "AWS::AccountId"},
    "aws_region": {"name": "AWS::Region", "region": "AWS::Region", "id": "AWS::Region"},
    "aws_partition": {"partition": "AWS::Partition", "dns_suffix": "AWS::URLSuffix"},
}


def resource_attribute(kind: str, attribute: str | None) -> tuple[str, str] | None:
    """The intrinsic standing for ``kind.NAME.attribute`` (``None`` when not modelled)."""
    entry = RESOURCE_TYPES.get(kind)
    if entry is None or attribute is None:
        return None
    return entry[1].get(attribute)
