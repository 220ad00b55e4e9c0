"""Every code block of README.md runs as written.

Conventions (the fence's language decides, an HTML comment on the line right before the
fence changes it):

* ``sh`` / ``bash`` / ``shell``: each line is a command run with bash from the repository
  root, with the installed ``policy-eval`` on ``PATH`` (a line ending in ``\\`` continues
  on the next; a trailing ``# comment`` is allowed); each must exit 0.
* ``python``: the block is executed (``python -c``) from the repository root.
* ``json`` / ``yaml`` / ``toml``: parsed; they must be valid.
* ``text`` (and ``console``, ``output``): a synopsis or an output sample, not run.
* ``<!-- readme-test: exit N -->``: the block's commands (or script) must exit ``N``.
* ``<!-- readme-test: skip (why) -->``: not run; the reason is required.
* ``<!-- readme-test: file PATH -->``: a json/yaml/toml block must hold the same data as
  the bundled file ``PATH`` (so an example shown in full cannot drift from the fixture
  the other blocks run).

A fence without a language, or with one not listed here, fails: say what the block is.
No block escapes: the number of fences found is checked against the blocks collected.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"

SHELL = ("sh", "bash", "shell")
NOT_RUN = ("text", "console", "output")
PARSED = ("json", "yaml", "toml")
KNOWN = (*SHELL, "python", *PARSED, *NOT_RUN)
TIMEOUT = 300

_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>```+|~~~+)(?P<info>[^`\n]*)$")
_MARKER = re.compile(r"^\s*<!--\s*readme-test:\s*(?P<verb>[a-z]+)\s*(?P<arg>.*?)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced code block of the README."""

    line: int              # 1-based line of the opening fence
    language: str
    code: str
    marker: tuple[str, str] | None   # (verb, argument) of a readme-test comment

    @property
    def id(self) -> str:
        return f"L{self.line}-{self.language or 'none'}"


def readme_blocks(text: str) -> list[Block]:
    """The fenced blocks of a Markdown text, with the marker comment before each."""
    lines = text.splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence = m.group("fence")
        language = m.group("info").strip().split(" ")[0].lower()
        start = i
        body: list[str] = []
        i += 1
        while i < len(lines) and not (lines[i].strip().startswith(fence[0] * len(fence))
                                      and lines[i].strip().strip(fence[0]) == ""):
            body.append(lines[i])
            i += 1
        i += 1   # the closing fence
        previous = lines[start - 1] if start > 0 else ""
        mk = _MARKER.match(previous)
        marker = (mk.group("verb"), mk.group("arg")) if mk else None
        blocks.append(Block(start + 1, language, "\n".join(body) + "\n", marker))
    return blocks


BLOCKS = readme_blocks(README.read_text(encoding="utf-8"))


def test_no_block_escapes_the_runner() -> None:
    text = README.read_text(encoding="utf-8")
    fences = sum(1 for line in text.splitlines() if _FENCE.match(line))
    assert fences == 2 * len(BLOCKS), "an unclosed fence or a fence the runner does not see"
    assert len(BLOCKS) >= 10


def _environment() -> dict[str, str]:
    """The test's interpreter (and its ``policy-eval`` script) first on ``PATH``."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.pop("PYTEST_ADDOPTS", None)
    return env


def shell_commands(code: str) -> list[str]:
    """The commands of a shell block: one per line, ``\\`` joining continued lines."""
    commands: list[str] = []
    pending = ""
    for raw in code.splitlines():
        line = pending + raw
        if line.rstrip().endswith("\\"):
            pending = line.rstrip()[:-1] + " "
            continue
        pending = ""
        if line.strip() and not line.lstrip().startswith("#"):
            commands.append(line)
    if pending.strip():
        commands.append(pending)
    return commands


def _parse(language: str, code: str) -> object:
    if language == "json":
        return json.loads(code)
    if language == "yaml":
        from ruamel.yaml import YAML
        return YAML(typ="safe", pure=True).load(code)
    return tomllib.loads(code)


def _parse_file(path: Path) -> object:
    language = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".toml": "toml"}[path.suffix]
    return _parse(language, path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_readme_block(block: Block) -> None:
    expected_exit = 0
    if block.marker is not None:
        verb, arg = block.marker
        if verb == "skip":
            assert re.fullmatch(r"\(.+\)", arg), f"line {block.line}: skip needs a (reason)"
            pytest.skip(f"README line {block.line}: {arg[1:-1]}")
        elif verb == "exit":
            assert arg.isdigit(), f"line {block.line}: write <!-- readme-test: exit N -->"
            expected_exit = int(arg)
        elif verb == "file":
            assert block.language in PARSED, f"line {block.line}: 'file' is for data blocks"
        else:
            pytest.fail(f"README line {block.line}: unknown readme-test marker {verb!r}")

    language = block.language
    if language in NOT_RUN:
        return
    if language in PARSED:
        data = _parse(language, block.code)
        if block.marker is not None and block.marker[0] == "file":
            assert data == _parse_file(REPO / block.marker[1]), \
                f"README line {block.line} differs from {block.marker[1]}"
        return
    if language in SHELL:
        commands = shell_commands(block.code)
        assert commands, f"README line {block.line}: an empty shell block"
        for command in commands:
            done = subprocess.run(["bash", "-c", command], cwd=REPO, env=_environment(),
                                  capture_output=True, text=True, timeout=TIMEOUT)
            assert done.returncode == expected_exit, (
                f"README line {block.line}: `{command}` exited {done.returncode}, "
                f"expected {expected_exit}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return
    if language == "python":
        done = subprocess.run([sys.executable, "-c", block.code], cwd=REPO,
                              env=_environment(), capture_output=True, text=True,
                              timeout=TIMEOUT)
        assert done.returncode == expected_exit, (
            f"README line {block.line}: the Python block exited {done.returncode}, expected "
            f"{expected_exit}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return
    pytest.fail(f"README line {block.line}: a ```{language or ''} block: give it a language "
                f"the README test knows ({', '.join(KNOWN)}) "
                "or a <!-- readme-test: skip (why) --> marker")


def test_the_quickstart_job_passes_once_installed() -> None:
    """The first block is skipped for its ``pip install``; what follows the ``&&`` (the
    main job on the bundled fixtures, the first command a newcomer runs) must pass."""
    first = next(b for b in BLOCKS if b.language in SHELL)
    install, _, job = first.code.strip().partition(" && ")
    assert install.startswith("pip install") and job, first.code
    done = subprocess.run(["bash", "-c", job], cwd=REPO, env=_environment(),
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert re.search(r"\b0 failed", done.stdout), done.stdout[-500:]


def test_block_reader_handles_markers_and_continuations() -> None:
    text = ("intro\n<!-- readme-test: exit 1 -->\n```sh\npolicy-eval check a \\\n  b  # x\n"
            "```\n\n```\nbare\n```\n")
    first, second = readme_blocks(text)
    assert first.marker == ("exit", "1") and first.language == "sh" and first.line == 3
    assert shell_commands(first.code) == ["policy-eval check a    b  # x"]
    assert second.language == "" and second.marker is None
