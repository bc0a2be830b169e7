"""Checks, one module per family. Importing this package registers every rule."""

from . import glossary, repetition, names, numbers, consistency, bilingual  # noqa: F401
from .. import suppressions  # noqa: F401,E402  (registers SP001 unused-suppression)
