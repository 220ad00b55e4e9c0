"""The linter: rules (one class per rule, grouped by family), configuration, suppressions
and reporters (text via rich, JSON, SARIF 2.1.0)."""
