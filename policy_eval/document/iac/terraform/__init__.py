"""Terraform: HCL source (``*.tf``) and ``terraform show -json`` plans and states, read into
CloudFormation-shaped documents (see :mod:`policy_eval.document.iac.located`)."""

from .module import FORMAT, ModuleRead, read_module, read_text_module

__all__ = ["FORMAT", "ModuleRead", "read_module", "read_text_module"]
