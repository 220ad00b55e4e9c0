"""Terraform: HCL source (``*.tf``) and ``terraform show -json`` plans and states, read into
CloudFormation-shaped documents (see :mod:`policy_eval.document.iac.located`)."""

from .module import FORMAT, ModuleRead, read_module, read_text_module
from .plan import FORMAT as PLAN_FORMAT
from .plan import read_show_json

__all__ = ["FORMAT", "PLAN_FORMAT", "ModuleRead", "read_module", "read_show_json",
           "read_text_module"]
