"""Documented placeholder values: pseudo parameters and what ``Ref``/``Fn::GetAtt`` return
for the resources of a template.

Before deployment the account, region, generated names and ids do not exist. Analysis
needs stable, well-formed stand-ins so that references between resources still agree (the
role ARN a pool's ``Roles`` names is the ARN of the role resource; a trust policy's ``aud``
``Ref IdentityPool`` is the pool id the pool is simulated with):

* pseudo parameters: :data:`PSEUDO_PARAMETERS` (account ``123456789012``, region
  ``us-east-1``, partition ``aws``, stack ``policy-eval-stack``); each can be overridden
  with ``--param AWS::Region=eu-west-1``;
* a resource's name: its name property when the template sets one (``RoleName``,
  ``BucketName``, ``TableName`` ...), else its logical id (lower-cased where AWS names must
  be, e.g. buckets); deployed stacks add a random suffix, which no policy can rely on;
* generated ids (identity pool, user pool, app client, KMS key, REST API) are derived from
  the logical id (a UUID-5 or a hash), so they are the same on every run;
* ARNs follow each service's documented ARN format with the names above.

A reference to a resource type or attribute not in :data:`RESOURCE_TYPES` is an
:class:`~.unknown.Unknown`, never a guess.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: Pseudo parameters and their placeholders (``AWS::NoValue`` is handled by the resolver).
PSEUDO_PARAMETERS: dict[str, Any] = {
    "AWS::AccountId": "123456789012",
    "AWS::Region": "us-east-1",
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": "policy-eval-stack",
    "AWS::StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/policy-eval-stack/"
                    "00000000-0000-4000-8000-000000000000",
    "AWS::NotificationARNs": [],
}

_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_NAMESPACE = uuid.UUID("5f1c7a52-3b0e-4c8e-9d61-2a4b8f0e7c13")


def _digest(logical_id: str, length: int, alphabet: str = "0123456789abcdef") -> str:
    raw = hashlib.sha256(logical_id.encode("utf-8")).digest()
    return "".join(alphabet[b % len(alphabet)] for b in raw)[:length]


@dataclass(frozen=True)
class Env:
    """What a placeholder is built from: the resolved pseudo parameters and the resource."""

    account: str
    region: str
    partition: str
    logical_id: str
    name: str                  # the name property, else the logical id (see module doc)
    props: dict[str, Any]      # resolved name-related properties (Path, Url, ...)

    def arn(self, service: str, resource: str, *, region: bool = True,
            account: bool = True) -> str:
        return (f"arn:{self.partition}:{service}:{self.region if region else ''}:"
                f"{self.account if account else ''}:{resource}")


def _path(env: Env) -> str:
    path = env.props.get("Path")
    return path if isinstance(path, str) and path.startswith("/") else "/"


def _user_pool_id(env: Env) -> str:
    return f"{env.region}_{_digest(env.logical_id, 9, _ALNUM)}"


def _identity_pool_id(env: Env) -> str:
    return f"{env.region}:{uuid.uuid5(_NAMESPACE, env.logical_id)}"


def _oidc_host(env: Env) -> str:
    url = env.props.get("Url")
    return url.split("://", 1)[-1] if isinstance(url, str) else env.logical_id


Getter = Callable[[Env], str]


@dataclass(frozen=True)
class ResourceType:
    """How one CloudFormation type answers ``Ref`` and ``Fn::GetAtt``."""

    name_property: str | None
    ref: Getter
    attributes: dict[str, Getter]
    lower_case_name: bool = False


def _role_arn(env: Env) -> str:
    return env.arn("iam", f"role{_path(env)}{env.name}", region=False)


def _managed_policy_arn(env: Env) -> str:
    return env.arn("iam", f"policy{_path(env)}{env.name}", region=False)


def _bucket_arn(env: Env) -> str:
    return env.arn("s3", env.name, region=False, account=False)


def _table_arn(env: Env) -> str:
    return env.arn("dynamodb", f"table/{env.name}")


def _queue_url(env: Env) -> str:
    return f"https://sqs.{env.region}.amazonaws.com/{env.account}/{env.name}"


def _topic_arn(env: Env) -> str:
    return env.arn("sns", env.name)


def _key_id(env: Env) -> str:
    return str(uuid.uuid5(_NAMESPACE, "kms:" + env.logical_id))


def _function_arn(env: Env) -> str:
    return env.arn("lambda", f"function:{env.name}")


def _rest_api_id(env: Env) -> str:
    return _digest(env.logical_id, 10, "abcdefghijklmnopqrstuvwxyz0123456789")


def _secret_arn(env: Env) -> str:
    return env.arn("secretsmanager", f"secret:{env.name}-{_digest(env.logical_id, 6)}")


#: ``Ref`` and ``Fn::GetAtt`` per resource type (AWS CloudFormation resource reference,
#: "Return values" of each type).
RESOURCE_TYPES: dict[str, ResourceType] = {
    "AWS::IAM::Role": ResourceType("RoleName", lambda e: e.name, {
        "Arn": _role_arn, "RoleId": lambda e: "AROA" + _digest(e.logical_id, 17, _BASE32)}),
    "AWS::IAM::User": ResourceType("UserName", lambda e: e.name, {
        "Arn": lambda e: e.arn("iam", f"user{_path(e)}{e.name}", region=False)}),
    "AWS::IAM::Group": ResourceType("GroupName", lambda e: e.name, {
        "Arn": lambda e: e.arn("iam", f"group{_path(e)}{e.name}", region=False)}),
    "AWS::IAM::ManagedPolicy": ResourceType("ManagedPolicyName", _managed_policy_arn, {
        "PolicyArn": _managed_policy_arn}),
    "AWS::IAM::Policy": ResourceType("PolicyName", lambda e: e.name, {}),
    "AWS::IAM::InstanceProfile": ResourceType("InstanceProfileName", lambda e: e.name, {
        "Arn": lambda e: e.arn("iam", f"instance-profile{_path(e)}{e.name}", region=False)}),
    "AWS::IAM::OIDCProvider": ResourceType(None, lambda e: e.arn(
        "iam", f"oidc-provider/{_oidc_host(e)}", region=False), {}),
    "AWS::IAM::SAMLProvider": ResourceType("Name", lambda e: e.arn(
        "iam", f"saml-provider/{e.name}", region=False), {}),
    "AWS::S3::Bucket": ResourceType("BucketName", lambda e: e.name, {
        "Arn": _bucket_arn,
        "DomainName": lambda e: f"{e.name}.s3.amazonaws.com",
        "RegionalDomainName": lambda e: f"{e.name}.s3.{e.region}.amazonaws.com",
        "WebsiteURL": lambda e: f"http://{e.name}.s3-website-{e.region}.amazonaws.com"},
        lower_case_name=True),
    "AWS::DynamoDB::Table": ResourceType("TableName", lambda e: e.name, {
        "Arn": _table_arn,
        "StreamArn": lambda e: _table_arn(e) + "/stream/1970-01-01T00:00:00.000"}),
    "AWS::SQS::Queue": ResourceType("QueueName", _queue_url, {
        "Arn": lambda e: e.arn("sqs", e.name), "QueueName": lambda e: e.name,
        "QueueUrl": _queue_url}),
    "AWS::SNS::Topic": ResourceType("TopicName", _topic_arn, {
        "TopicArn": _topic_arn, "TopicName": lambda e: e.name}),
    "AWS::KMS::Key": ResourceType(None, _key_id, {
        "Arn": lambda e: e.arn("kms", f"key/{_key_id(e)}"), "KeyId": _key_id}),
    "AWS::KMS::Alias": ResourceType("AliasName", lambda e: e.name, {}),
    "AWS::Lambda::Function": ResourceType("FunctionName", lambda e: e.name, {
        "Arn": _function_arn}),
    "AWS::Serverless::Function": ResourceType("FunctionName", lambda e: e.name, {
        "Arn": _function_arn}),
    "AWS::Kinesis::Stream": ResourceType("Name", lambda e: e.name, {
        "Arn": lambda e: e.arn("kinesis", f"stream/{e.name}")}),
    "AWS::Logs::LogGroup": ResourceType("LogGroupName", lambda e: e.name, {
        "Arn": lambda e: e.arn("logs", f"log-group:{e.name}:*")}),
    "AWS::ECR::Repository": ResourceType("RepositoryName", lambda e: e.name, {
        "Arn": lambda e: e.arn("ecr", f"repository/{e.name}")}, lower_case_name=True),
    "AWS::SecretsManager::Secret": ResourceType("Name", _secret_arn, {"Id": _secret_arn}),
    "AWS::StepFunctions::StateMachine": ResourceType("StateMachineName", lambda e: e.arn(
        "states", f"stateMachine:{e.name}"), {
        "Arn": lambda e: e.arn("states", f"stateMachine:{e.name}"), "Name": lambda e: e.name}),
    "AWS::Cognito::UserPool": ResourceType("UserPoolName", _user_pool_id, {
        "Arn": lambda e: e.arn("cognito-idp", f"userpool/{_user_pool_id(e)}"),
        "ProviderName": lambda e: f"cognito-idp.{e.region}.amazonaws.com/{_user_pool_id(e)}",
        "ProviderURL": lambda e: f"https://cognito-idp.{e.region}.amazonaws.com/"
                                 f"{_user_pool_id(e)}",
        "UserPoolId": _user_pool_id}),
    "AWS::Cognito::UserPoolClient": ResourceType("ClientName", lambda e: _digest(
        e.logical_id, 26, "abcdefghijklmnopqrstuvwxyz0123456789"), {
        "ClientId": lambda e: _digest(e.logical_id, 26, "abcdefghijklmnopqrstuvwxyz0123456789"),
        "Name": lambda e: e.name}),
    "AWS::Cognito::IdentityPool": ResourceType("IdentityPoolName", _identity_pool_id, {
        "Name": lambda e: e.name.replace("-", "_"), "Id": _identity_pool_id}),
    "AWS::ApiGateway::RestApi": ResourceType(None, _rest_api_id, {
        "RestApiId": _rest_api_id, "RootResourceId": lambda e: _digest(e.logical_id, 10)}),
    "AWS::Serverless::Api": ResourceType(None, _rest_api_id, {}),
    "AWS::Location::Map": ResourceType("MapName", lambda e: e.name, {
        "Arn": lambda e: e.arn("geo", f"map/{e.name}"), "MapArn": lambda e: e.arn(
            "geo", f"map/{e.name}")}),
    "AWS::Location::Tracker": ResourceType("TrackerName", lambda e: e.name, {
        "Arn": lambda e: e.arn("geo", f"tracker/{e.name}"), "TrackerArn": lambda e: e.arn(
            "geo", f"tracker/{e.name}")}),
}

#: Properties besides the name that a type's placeholders read.
EXTRA_PROPERTIES = ("Path", "Url")
