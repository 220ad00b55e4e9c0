"""Reporters for lint results: text via rich (:mod:`.text`), JSON (:mod:`.json_format`)
and SARIF 2.1.0 for GitHub code scanning (:mod:`.sarif`)."""
