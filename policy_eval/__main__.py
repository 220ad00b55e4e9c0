"""``python -m policy_eval``: the same as the ``policy-eval`` command."""

from .cli import main

main()
