"""Where paths are measured from: exclude globs and the source root of reports.

``exclude`` globs follow ruff's convention: a glob in a configuration file is matched
relative to that file's folder, a glob given with ``--exclude`` relative to each folder
given on the command line (and to the configuration's folder), never relative to the
current directory. A glob without ``/`` (``cdk.out``, ``*.tmp.json``) matches a file or
folder name at any depth; a glob with ``/`` (``legacy/**``, ``org/scps/*.json``) matches
the path from its base, and a folder it matches excludes everything below it.

The **source root** is what SARIF's ``%SRCROOT%``, GitHub annotations, fingerprints and
baselines are relative to: the enclosing git repository when every file is inside it,
else the current folder, the configuration's folder, or the folder given on the command
line, the first that holds every file.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


def _glob_hits(rel: str, pattern: str) -> bool:
    """Does ``pattern`` match ``rel`` (posix, relative to the pattern's base)?"""
    pattern = pattern.strip().rstrip("/")
    if pattern.startswith("./"):
        pattern = pattern[2:]
    if not pattern:
        return False
    parts = rel.split("/")
    if "/" not in pattern:
        return any(fnmatch.fnmatchcase(part, pattern) for part in parts)
    for variant in _zero_folder_variants(pattern.lstrip("/")):
        if fnmatch.fnmatchcase(rel, variant):
            return True
        # a folder matched by the pattern excludes what is below it ("legacy", "a/b/**")
        if any(fnmatch.fnmatchcase("/".join(parts[:i]), variant)
               or fnmatch.fnmatchcase("/".join(parts[:i]) + "/", variant)
               for i in range(1, len(parts))):
            return True
    return False


def _zero_folder_variants(pattern: str) -> list[str]:
    """``pattern`` and its spellings with some ``**/`` matching zero folders, as in ruff
    and gitignore (``**/x.json`` matches ``x.json`` at the base, ``a/**/b`` ``a/b``)."""
    pieces = pattern.split("**/")
    variants = {pieces[0]}
    for piece in pieces[1:]:
        variants = {v + "**/" + piece for v in variants} | {v + piece for v in variants}
    return sorted(variants, key=lambda v: (v != pattern, v))


def relative_inside(path: Path | str, base: Path) -> str | None:
    """``path`` relative to ``base`` (posix) when inside it, else ``None``."""
    absolute = os.path.abspath(path)
    rel = os.path.relpath(absolute, base)
    if rel == os.curdir:
        return ""
    if rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
        return None
    return Path(rel).as_posix()


@dataclass
class Excludes:
    """Exclude globs, each with the folder it is relative to."""

    rules: list[tuple[str, Path]] = field(default_factory=list)

    def add(self, patterns: Iterable[str], base: Path | str) -> None:
        folder = Path(os.path.abspath(base))
        self.rules.extend((p, folder) for p in patterns if p and p.strip())

    def __bool__(self) -> bool:
        return bool(self.rules)

    def matches(self, path: Path | str) -> bool:
        """Is ``path`` (a file or a folder) excluded?"""
        for pattern, base in self.rules:
            rel = relative_inside(path, base)
            if rel and _glob_hits(rel, pattern):
                return True
        return False


def command_line_bases(paths: Sequence[Path], config_root: Path | None) -> list[Path]:
    """The folders ``--exclude`` globs are relative to: each folder given (a file's
    folder when no folder is given), and the configuration's folder."""
    bases = [p for p in paths if p.is_dir()] or [p.parent for p in paths]
    if config_root is not None:
        bases.append(config_root)
    unique: list[Path] = []
    for base in bases:
        absolute = Path(os.path.abspath(base))
        if absolute not in unique:
            unique.append(absolute)
    return unique


def build_excludes(paths: Sequence[Path], cli_patterns: Sequence[str],
                   config_patterns: Sequence[str], config_root: Path | None) -> Excludes:
    """Config globs relative to the config's folder (the command-line folders when the
    defaults are used), ``--exclude`` globs relative to the folders given."""
    excludes = Excludes()
    bases = command_line_bases(paths, config_root)
    for base in bases:
        excludes.add(cli_patterns, base)
    for base in ([config_root] if config_root is not None else bases):
        excludes.add(config_patterns, base)
    return excludes


def _git_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def source_root(paths: Sequence[Path], config_root: Path | None = None) -> Path:
    """The folder reports are relative to (see the module docstring)."""
    absolute = [Path(os.path.abspath(p)) for p in paths] or [Path.cwd()]
    candidates: list[Path | None] = [_git_root(Path.cwd()), _git_root(absolute[0]),
                                     Path.cwd(), config_root]
    common = Path(os.path.commonpath([str(p) for p in absolute]))
    candidates.append(common if common.is_dir() or not common.exists() else common.parent)
    for root in candidates:
        if root is not None and all(relative_inside(p, root) is not None for p in absolute):
            return Path(os.path.abspath(root))
    return Path.cwd()


def root_relative(path: str | None, root: Path | None) -> str:
    """A finding's path for reports: relative to ``root`` when inside it, posix."""
    if not path:
        return "<input>"
    if root is not None:
        rel = relative_inside(path, root)
        if rel:
            return rel
    return path.replace("\\", "/")
