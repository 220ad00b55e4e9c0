"""The engine stage: compile policies into fast matchers and decide requests.

``templates`` (policy variables resolved per request; the wildcard matcher itself is
``document/wildcard.py``), ``conditions`` (every operator of spec §4), ``principals`` (who a
request comes from and whom a Principal element names), ``compile`` (Policy -> CompiledPolicy),
``decide`` (spec §2.3 across policy types) and ``explain`` (why a decision came out as it
did). Nothing here knows about files, the CLI or rich.
"""
