"""Linter configuration: ``[tool.policy-eval]`` in ``pyproject.toml`` or a
``.policy-eval.toml`` (top-level keys), found by walking up from the checked files.

```toml
[tool.policy-eval]
select = ["ALL"]                 # codes or prefixes; default every rule
severity = "warning"             # fail on findings at or above this level
exclude = ["cdk.out/**"]         # globs relative to this file's folder
ignore = [{ codes = ["RES004"], reason = "our buckets are listed on purpose" },
          { codes = ["ACT006"], sids = ["LegacyAdmin"], reason = "removed in Q3 (OPS-7)" }]
per-path-ignores = [{ paths = ["legacy/**"], codes = ["ACT"], reason = "frozen (JIRA-12)" }]
kinds = [{ paths = ["org/scps/*.json"], kind = "scp" }]

[tool.policy-eval.rule-severity]
SYN006 = "warning"
```

Every ignore needs a ``reason``: a suppression without one is an error in the config.
Config errors are reported with the file and, where it can be found, the line.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..document.model import ConcretePolicyKind
from ..document.source import read_text
from ..document.validation import located_validation_error
from ..errors import ErrorCode, InputError, Location

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

SeverityName = Literal["error", "warning", "info"]
CONFIG_NAMES = (".policy-eval.toml", "pyproject.toml")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def _codes(value: Any) -> Any:
    if isinstance(value, str):
        return [value]
    return value


class IgnoreEntry(_Model):
    """Codes (or prefixes) switched off everywhere, with the reason why; with ``sids``,
    only for the findings inside statements with one of those ``Sid`` values (how a JSON
    policy, which has no comments, suppresses one finding where it is)."""

    codes: list[str]
    sids: list[str] = Field(default_factory=list)
    reason: str = Field(min_length=1)

    _norm = field_validator("codes", mode="before")(_codes)
    _norm_sids = field_validator("sids", mode="before")(_codes)

    @field_validator("reason")
    @classmethod
    def _reason_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("reason must say why the rule is ignored")
        return value


class PathIgnore(IgnoreEntry):
    """Codes (or prefixes) switched off for files matching ``paths`` (globs)."""

    paths: list[str]

    _norm_paths = field_validator("paths", mode="before")(_codes)


class KindOverride(_Model):
    """Lint files matching ``paths`` as policies of ``kind`` (detection cannot tell an SCP
    from an identity policy)."""

    paths: list[str]
    kind: ConcretePolicyKind

    _norm_paths = field_validator("paths", mode="before")(_codes)


class LintConfig(_Model):
    """The ``[tool.policy-eval]`` table."""

    select: list[str] = Field(default_factory=lambda: ["ALL"])
    ignore: list[IgnoreEntry] = Field(default_factory=list)
    severity: SeverityName = "warning"
    exclude: list[str] = Field(default_factory=list)
    per_path_ignores: list[PathIgnore] = Field(default_factory=list, alias="per-path-ignores")
    rule_severity: dict[str, SeverityName] = Field(default_factory=dict, alias="rule-severity")
    kinds: list[KindOverride] = Field(default_factory=list)
    #: The file this configuration came from (``None``: defaults).
    path: str | None = Field(default=None, exclude=True)

    _norm_select = field_validator("select", mode="before")(_codes)

    @field_validator("ignore", mode="before")
    @classmethod
    def _ignores_need_reasons(cls, value: Any) -> Any:
        if isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    raise ValueError(f"ignore entry {item!r} has no reason: write "
                                     f'{{ codes = ["{item}"], reason = "why" }}')
        return value

    @property
    def root(self) -> Path | None:
        return Path(self.path).parent if self.path else None


def _toml_error(exc: Exception, path: str) -> InputError:
    """A located error for a TOML syntax error (the position is in the message)."""
    import re
    match = re.search(r"at line (\d+), column (\d+)", str(exc))
    line, column = (int(match.group(1)), int(match.group(2))) if match else (None, None)
    return InputError(f"invalid TOML: {exc}", Location(path, line, column), "config-syntax")


def _line_of(text: str, names: list[str]) -> int | None:
    """Best-effort line of the last named key of a pydantic error location."""
    for name in reversed(names):
        for number, line in enumerate(text.splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith((name, f'"{name}"')) or f" {name} =" in line \
                    or f"{{ {name} " in line or f", {name} " in line:
                return number
    return None


def parse_config(text: str, path: str, table: dict[str, Any] | None = None) -> LintConfig:
    """Validate a config table; errors become :class:`InputError` with a location."""
    if table is None:
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise _toml_error(exc, path) from None
        if Path(path).name == "pyproject.toml":
            table = doc.get("tool", {}).get("policy-eval", {})
        else:
            table = doc.get("tool", {}).get("policy-eval", doc)
    assert table is not None
    try:
        return LintConfig.model_validate({**table, "path": path})
    except ValidationError as exc:
        table_name = "tool.policy-eval" if Path(path).name == "pyproject.toml" else "configuration"

        def locate(pointer: str) -> Location:
            names = [token.replace("~1", "/").replace("~0", "~")
                     for token in pointer.split("/")[1:] if not token.isdigit()]
            return Location(path, _line_of(text, names), 1 if names else None, pointer)

        raise located_validation_error(exc, LintConfig, table, locate, table_name,
                                       ErrorCode.config_invalid) from None


def load_config(path: str | Path) -> LintConfig:
    """Read a config file given with ``--config``."""
    p = Path(path)
    try:
        text = read_text(p)
    except InputError as exc:
        raise InputError(f"cannot read configuration: {exc.message}", exc.location,
                         "config-unreadable") from None
    return parse_config(text, str(p))


def discover_config(start: Path) -> LintConfig | None:
    """The nearest configuration walking up from ``start`` (a file or a folder):
    ``.policy-eval.toml``, or a ``pyproject.toml`` that has ``[tool.policy-eval]``."""
    folder = start if start.is_dir() else start.parent
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            file = candidate / name
            if not file.is_file():
                continue
            try:
                text = read_text(file)
            except InputError as exc:
                raise InputError(f"cannot read configuration: {exc.message}", exc.location,
                                 "config-unreadable") from None
            if name == "pyproject.toml":
                if "policy-eval" not in text:  # cheap pre-check before parsing TOML
                    continue
                try:
                    doc = tomllib.loads(text)
                except tomllib.TOMLDecodeError as exc:
                    raise _toml_error(exc, str(file)) from None
                table = doc.get("tool", {}).get("policy-eval")
                if table is None:
                    continue
                return parse_config(text, str(file), table)
            return parse_config(text, str(file))
    return None
