"""SUP: suppressions - comments and configuration entries that silence findings.

These rules look at no document themselves: the runner applies the suppressions
(:mod:`policy_eval.lint.suppress`) and reports, under these codes, the ones that silence
nothing or cannot be used. They are rules so that they are documented, selectable and
can be given another severity like any other.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..rule import Finding, Rule, Severity, Target, register


class _SuppressionRule(Rule):
    kinds = ()                   # reported by the runner, never run on a target
    needs_valid_policy = False

    def check(self, target: Target) -> Iterator[Finding]:
        return iter(())


@register
class UnusedSuppression(_SuppressionRule):
    """What it does
    ------------
    Reports a suppression that silences no finding: a ``# policy-eval: ignore[CODE]``
    comment with no finding of ``CODE`` on its line (or, for a comment on its own line,
    the next line), or an ``ignore`` entry of the configuration with ``sids`` that matched
    no finding in the whole run.

    Why is this bad?
    ----------------
    The problem it was written for is gone (or moved), and a stale suppression would
    silently hide the next finding of that rule at that place. Remove it.

    Example
    -------
    ```yaml
    Version: "2012-10-17"
    Statement:
      - Effect: Allow
        Action: s3:GetObject   # policy-eval: ignore[ACT002] old alias kept for the mobile app
        Resource: arn:aws:s3:::example-bucket/*
    ```

    Use instead
    -----------
    ```yaml
    Version: "2012-10-17"
    Statement:
      - Effect: Allow
        Action: s3:GetObject
        Resource: arn:aws:s3:::example-bucket/*
    ```
    """

    code = "SUP001"
    name = "unused-suppression"
    summary = "A suppression comment or ignore entry that silences no finding"
    severity = Severity.warning


@register
class InvalidSuppression(_SuppressionRule):
    """What it does
    ------------
    Reports a ``# policy-eval: ignore`` comment that cannot be used: it gives no reason,
    names no rule, or names a code that matches no rule. It suppresses nothing.

    Why is this bad?
    ----------------
    A suppression is a decision a reviewer has to be able to check later; without the
    reason it cannot be, and a misspelt code would silence nothing while looking as if
    it did.

    Example
    -------
    ```yaml
    Version: "2012-10-17"
    Statement:
      - Effect: Allow
        Action: s3:GetObjects   # policy-eval: ignore[ACT002]
        Resource: arn:aws:s3:::example-bucket/*
    ```

    Use instead
    -----------
    ```yaml
    Version: "2012-10-17"
    Statement:
      - Effect: Allow
        Action: s3:GetObjects   # policy-eval: ignore[ACT002] alias served by our proxy
        Resource: arn:aws:s3:::example-bucket/*
    ```
    """

    code = "SUP002"
    name = "invalid-suppression"
    summary = "A suppression comment without a reason, or naming no known rule"
    severity = Severity.warning
