"""The explicit *unknown*: a template value that cannot be known before deployment.

A parameter without a ``Default`` (and no ``--param``), ``Fn::ImportValue`` of another
stack's export, an attribute of a resource type whose value we have no placeholder for, a
dynamic reference (``{{resolve:ssm:...}}``), a Terraform expression known only after apply
(``{"PolicyEval::Unknown": "<expression>"}`` in the CloudFormation-shaped data the Terraform
readers hand over): each becomes an :class:`Unknown`, never a guessed value.

How the rest of the house treats one (decided here, tested in tests/document/iac):

* **Lint.** In the located API shapes an unknown is the :meth:`Unknown.placeholder` string
  ``{{unknown: <expression>}}``: no ``*``, ``?`` or ``${``, so it matches nothing but itself
  and can neither widen a grant (a wildcard that hides a finding) nor look like a variable.
  Findings that other rules report *at* the unknown element are dropped (they would be
  about the placeholder, not the real value), and rule SYN022 reports the element instead
  (info: "not analysed", with the ``--param`` that would resolve it). Every other part of
  the statement is linted as usual.
* **Evaluation** (``simulate``, scenarios, ``IdentityPool.load``). An ``Allow`` statement
  holding an unknown is left out, so it grants nothing (the decision can only be *less*
  permissive than the deployed policy); a ``Deny`` statement, a whole document, a statement
  or a pool setting holding one is an error naming the value and its line (exit 2): leaving
  a Deny out could allow silently, so the engine never evaluates around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The pseudo-intrinsic other readers (Terraform) use for a value known only after apply.
UNKNOWN_KEY = "PolicyEval::Unknown"

_UNSAFE = re.compile(r"[*?$]")
_PLACEHOLDER = re.compile(r"\{\{unknown: [^{}]*\}\}")


@dataclass(frozen=True)
class Unknown:
    """A value that cannot be resolved: the source expression and why."""

    expression: str
    reason: str = ""

    def placeholder(self) -> str:
        """The string standing for this value in the located shapes (no wildcards)."""
        text = _UNSAFE.sub("_", " ".join(self.expression.split()))[:120]
        return "{{unknown: " + text.replace("{", "(").replace("}", ")") + "}}"

    def describe(self) -> str:
        """``Ref Bucket (parameter without Default)``."""
        return f"{self.expression} ({self.reason})" if self.reason else self.expression


def holds_placeholder(value: object) -> bool:
    """Does ``value`` (a string) hold an unknown's placeholder?"""
    return isinstance(value, str) and _PLACEHOLDER.search(value) is not None
