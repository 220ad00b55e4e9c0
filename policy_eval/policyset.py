"""The library's front door: :class:`PolicySet` gathers the policies that apply to a
principal and evaluates requests against them.

Documents may be dicts, file paths (JSON or YAML, relative to ``base_dir``) or parsed
:class:`~policy_eval.document.model.Policy` objects. A document that the IAM grammar
rejects raises :class:`~policy_eval.errors.PolicyError` with its location: the engine never
evaluates (and so never allows) a policy it could not fully understand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .document.model import Policy, PolicyKind, parse_policy
from .document.source import SourceDocument, load_file
from .engine.compile import CompiledPolicy
from .engine.decide import DecisionEngine
from .engine.explain import Decision
from .engine.request import Request

if TYPE_CHECKING:
    from .engine.batch import DecisionBatch, RequestBatch

PolicyInput = dict[str, Any] | str | Path | Policy


def load_policy(doc: PolicyInput, *, kind: PolicyKind = "any", name: str | None = None,
                base_dir: str | Path | None = None) -> Policy:
    """Parse one policy given as a dict, a file path or a ready :class:`Policy`."""
    if isinstance(doc, Policy):
        return doc
    if isinstance(doc, (str, Path)):
        path = Path(doc)
        if base_dir is not None and not path.is_absolute():
            path = Path(base_dir) / path
        source = load_file(path)
        return parse_policy(source.data, kind=kind, source=source, name=name or str(path))
    if isinstance(doc, SourceDocument):
        return parse_policy(doc.data, kind=kind, source=doc, name=name)
    return parse_policy(doc, kind=kind, name=name)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


class PolicySet:
    """The policies that decide a principal's requests.

    ``identity``: identity-based policies of the principal; ``resource``: the resource-based
    policy; ``boundary``: the permissions boundary; ``session``: session policies (their
    union caps the role); ``scps``/``rcps``: a list of documents (one organization level) or
    a list of lists (root first, then each OU, then the account; every level must allow).
    """

    def __init__(self, identity: Sequence[PolicyInput] | PolicyInput | None = None,
                 resource: PolicyInput | None = None, boundary: PolicyInput | None = None,
                 session: Sequence[PolicyInput] | PolicyInput | None = None,
                 scps: Sequence[Any] | None = None, rcps: Sequence[Any] | None = None, *,
                 base_dir: str | Path | None = None,
                 derive_principal_context: bool = True) -> None:
        def compile_slot(docs: Iterable[PolicyInput], slot: str, kind: PolicyKind,
                         prefix: str) -> list[CompiledPolicy]:
            out = []
            for i, doc in enumerate(docs):
                label = f"{prefix}[{i}]"
                policy = load_policy(doc, kind=kind, name=None, base_dir=base_dir)
                out.append(CompiledPolicy(policy, slot, _label(policy, label)))
            return out

        self.identity = compile_slot(_as_list(identity), "identity", "identity", "identity")
        self.resource = compile_slot(_as_list(resource), "resource", "resource", "resource")
        self.boundary = compile_slot(_as_list(boundary), "boundary", "boundary", "boundary")
        self.session = compile_slot(_as_list(session), "session", "session", "session")
        self.scp_levels = [compile_slot(level, "scp", "scp", f"scp[{n}]")
                           for n, level in enumerate(_levels(scps))]
        self.rcp_levels = [compile_slot(level, "rcp", "rcp", f"rcp[{n}]")
                           for n, level in enumerate(_levels(rcps))]
        self.engine = DecisionEngine(identity=self.identity, resource=self.resource,
                                     boundary=self.boundary, session=self.session,
                                     scp_levels=self.scp_levels, rcp_levels=self.rcp_levels,
                                     derive_principal_context=derive_principal_context)
        #: Decide one request: the engine's ``decide`` itself, so that a call costs no
        #: extra Python frame (the hot path of the library; it runs code generated per
        #: action plan, see :meth:`generated_source`).
        self.evaluate: Callable[[Request], Decision] = self.engine.decide

    def evaluate_many(self, requests: RequestBatch | Iterable[Request]) -> DecisionBatch:
        """Decide every request of a :class:`~policy_eval.engine.batch.RequestBatch` (or
        of an iterable of :class:`Request`), in order, through the columnar batch path
        (``engine/batch_decide.py``; same semantics as :meth:`evaluate`, held together by a
        property test). The result indexes and iterates like a list of ``Decision``."""
        from .engine.batch import RequestBatch
        from .engine.batch_decide import decide_batch

        batch = requests if isinstance(requests, RequestBatch) else (
            RequestBatch.from_requests(requests))
        return decide_batch(self.engine, batch)

    def generated_source(self, action: str) -> str:
        """The Python code :meth:`evaluate` runs for requests of ``action``: the decision
        procedure (spec §2.3) specialised to the statements that can apply to it
        (``engine/codegen.py``; ``evaluate`` runs it once the action has been asked
        ``DecisionEngine.generate_after`` times)::

            ps = PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}])
            print(ps.generated_source("s3:GetObject"))
        """
        return self.engine.generated_source(action)

    @property
    def policies(self) -> list[CompiledPolicy]:
        return list(self.engine.all_policies)


def _label(policy: Policy, fallback: str) -> str:
    """``identity[0]``, with the file name when the policy is a file of its own."""
    if policy.path and not policy.pointer:
        return f"{fallback} ({policy.path})"
    return fallback


def _levels(value: Sequence[Any] | None) -> list[list[PolicyInput]]:
    """``[doc, ...]`` is one level; ``[[doc, ...], [doc, ...]]`` are several."""
    if not value:
        return []
    items = list(value)
    if all(isinstance(item, (list, tuple)) for item in items):
        return [list(level) for level in items]
    return [items]
