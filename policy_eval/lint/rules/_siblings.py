"""The policy documents beside a linted file: the other policies of the same folder.

Projects keep a role's policies side by side (Amplify's ``s3-auth-private.json`` next to
``s3-auth-read-whole-bucket.json``), and a file linted on its own (a pre-commit run passes
one changed file) is only understood next to them: a bucket that another policy of the
folder splits into per-identity folders (``private/${cognito-identity.amazonaws.com:sub}/``)
must not be listed whole. The folder is read once per run (cached), only files that decode
and are policy documents count, and nothing of them is reported or quoted.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ...document.model import Policy, check_policy
from ...document.source import load_file
from ...errors import PolicyEvalError
from ..rule import Target

SUFFIXES = (".json", ".yaml", ".yml")
#: A folder with more files than this is not a project's policy folder: not read.
MAX_FILES = 200
MAX_BYTES = 256 * 1024


def sibling_policies(target: Target) -> list[tuple[str, Policy]]:
    """(file name, policy) of the other policy documents in the target's folder."""
    path = target.source.path
    if not path or target.pointer:      # a policy inside a pool file or bundle has its links
        return []
    file = Path(path)
    return [(name, policy) for name, policy in _folder_policies(str(file.parent.resolve()))
            if name != file.name]


@lru_cache(maxsize=64)
def _folder_policies(folder: str) -> tuple[tuple[str, Policy], ...]:
    try:
        files = sorted(p for p in Path(folder).iterdir()
                       if p.suffix.lower() in SUFFIXES and p.is_file())
    except OSError:
        return ()
    if len(files) > MAX_FILES:
        return ()
    out: list[tuple[str, Policy]] = []
    for file in files:
        try:
            if file.stat().st_size > MAX_BYTES:
                continue
            data = load_file(file).data
        except (OSError, PolicyEvalError):
            continue
        if not isinstance(data, dict) or "Statement" not in data:
            continue
        policy, errors = check_policy(data, kind="identity")
        if policy is not None and not errors:
            out.append((file.name, policy))
    return tuple(out)
