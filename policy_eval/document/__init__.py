"""The document stage: read policy files, keep where every element came from, build models.

Data flows text -> located syntax -> model. This package knows nothing of evaluation.
"""
