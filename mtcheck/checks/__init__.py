"""Checks, one module per family. Importing this package registers every rule."""

from . import glossary, repetition, names, numbers, consistency, bilingual  # noqa: F401
