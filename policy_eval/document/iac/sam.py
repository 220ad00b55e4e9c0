"""``AWS::Serverless::Function``: the execution role SAM creates from ``Policies``.

SAM (``Transform: AWS::Serverless-2016-10-31``) gives a function without a ``Role`` a role
named ``<LogicalId>Role`` that Lambda assumes, with one inline policy per ``Policies``
entry: an inline document (``{"Statement": [...]}``) is taken as written; a managed policy
(a name such as ``AmazonS3ReadOnlyAccess`` or an ARN) is linked when it is defined in the
template, else reported as not analysed; a *SAM policy template*
(``{"S3ReadPolicy": {"BucketName": ...}}``) is expanded from the definitions that the
``aws-sam-translator`` package ships (``policy_templates.json``) when that package is
installed (``pip install '.[sam]'`` in the policy-eval checkout; it pulls in boto3, so it
is not part of the core install), and otherwise reported as not analysed.
"""

from __future__ import annotations

import importlib.util
import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import join_pointer

if TYPE_CHECKING:
    from .cloudformation import _Extractor

LAMBDA_TRUST = {"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                               "Principal": {"Service": "lambda.amazonaws.com"}}]}


@lru_cache(maxsize=1)
def policy_templates() -> dict[str, Any] | None:
    """SAM's policy-template definitions (``Templates``), or ``None`` when
    aws-sam-translator is not installed. Read as data: the package is not imported."""
    try:
        spec = importlib.util.find_spec("samtranslator")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "policy_templates_data" / "policy_templates.json"
        if path.is_file():
            templates: dict[str, Any] = json.loads(path.read_text("utf-8"))["Templates"]
            return templates
    return None


def _substitute(node: Any, values: dict[str, Any]) -> Any:
    """A template definition with ``{"Ref": "<Parameter>"}`` replaced by its value."""
    if isinstance(node, dict):
        if len(node) == 1 and isinstance(node.get("Ref"), str) and node["Ref"] in values:
            return values[node["Ref"]]
        return {k: _substitute(v, values) for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(v, values) for v in node]
    return node


def expand_policy_template(name: str, arguments: Any) -> tuple[dict[str, Any] | None, str]:
    """The policy document of SAM policy template ``name``, or ``None`` and why not."""
    templates = policy_templates()
    if templates is None:
        return None, (f"SAM policy template {name} not analysed: install aws-sam-translator "
                      "(pip install '.[sam]' in the policy-eval checkout) to expand it")
    definition = templates.get(name)
    if definition is None:
        return None, f"{name} is not a SAM policy template (aws-sam-translator knows it not)"
    params = definition.get("Parameters", {})
    values = arguments if isinstance(arguments, dict) else {}
    missing = [p for p in params if p not in values]
    if missing:
        return None, f"SAM policy template {name} needs {', '.join(missing)}"
    document = _substitute(definition["Definition"], values)
    document.setdefault("Version", "2012-10-17")
    return document, ""


def function_role(ex: _Extractor, logical_id: str) -> None:
    """Add the role SAM creates for function ``logical_id`` to the view."""
    props, base = ex.props(logical_id)
    if "Role" in props:
        ex.note(f"{logical_id} uses the role {props['Role']!r}; its policies are those of "
                "that role", base + "/Role")
        return
    res_ptr = join_pointer("/Resources", logical_id)
    roles = ex._list("IamRoles")
    optr = join_pointer("/IamRoles", len(roles))
    name = f"{logical_id}Role"
    account = ex.resolver.value({"Ref": "AWS::AccountId"}, res_ptr)
    partition = ex.resolver.value({"Ref": "AWS::Partition"}, res_ptr)
    ex.origins[optr] = res_ptr
    entry: dict[str, Any] = {
        "Arn": ex.synthetic(optr + "/Arn", res_ptr, f"arn:{partition}:iam::{account}:role/{name}"),
        "RoleName": ex.synthetic(optr + "/RoleName", res_ptr, name),
        "AssumeRolePolicyDocument": ex.put(optr + "/AssumeRolePolicyDocument", res_ptr,
                                           LAMBDA_TRUST),
        "RolePolicyList": [], "AttachedManagedPolicies": []}
    roles.append(entry)
    raw = props.get("Policies", [])
    items = [raw] if isinstance(raw, (str, dict)) else raw if isinstance(raw, list) else []
    for index, item in enumerate(items):
        iptr = base + "/Policies" if not isinstance(raw, list) else join_pointer(
            base, "Policies", index)
        if isinstance(item, str) or (isinstance(item, dict) and len(item) == 1 and (
                "Ref" in item or "Fn::Sub" in item or "Fn::GetAtt" in item)):
            arn = ex.known(item, iptr)
            if isinstance(arn, str) and not arn.startswith("arn:"):
                arn = f"arn:{partition}:iam::aws:policy/{arn}"
            ex._attach_arn(entry, optr, arn or str(item), iptr)
            continue
        if not isinstance(item, dict):
            continue
        if not item:
            ex.note("an empty policy entry: no statement, no policy template", iptr,
                    not_analysed=True)
            continue
        if "Statement" in item:
            document: Any = item
        else:
            (template_name, arguments), = list(item.items())[:1]
            resolved = ex.resolver.value(arguments, join_pointer(iptr, template_name))
            document, why = expand_policy_template(template_name, resolved)
            if document is None:
                ex.note(why, iptr, not_analysed=True)
                continue
        pptr = join_pointer(optr, "RolePolicyList", len(entry["RolePolicyList"]))
        ex.origins[pptr] = iptr
        entry["RolePolicyList"].append({
            "PolicyName": ex.synthetic(pptr + "/PolicyName", iptr, f"{name}Policy{index}"),
            "PolicyDocument": ex._document(pptr + "/PolicyDocument", iptr, document)})
    ex.roles_by_name[name] = len(roles) - 1
    ex.roles_by_logical[logical_id] = len(roles) - 1
