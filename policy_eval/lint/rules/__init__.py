"""Rule families, one module each: ``syntax`` (SYN), ``actions`` (ACT), ``resources``
(RES), ``conditions`` (CND), ``variables`` (VAR), ``principals`` (PRN), ``redundancy``
(RED), ``cognito`` (COG) and ``security`` (SEC). :mod:`policy_eval.lint.registry` imports
them."""
