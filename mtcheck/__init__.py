"""mtcheck: find literal mistranslations in English machine translation of Chinese text.

Public API (imports are lazy so that `import mtcheck` stays fast)::

    from mtcheck import check_text, check_file, load_glossary
    result = check_text("Millet released a new phone.")
    for finding in result.findings:
        print(finding.rule, finding.text, finding.suggestions)
"""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"

__all__ = ["__version__", "check_text", "check_file", "check_segments", "load_glossary", "CheckOptions"]


def _data_dir() -> Path:
    """Bundled data: mtcheck/_data in an installed package, ./data in a source checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "_data"
    if installed.is_dir():
        return installed
    return here.parent / "data"


def __getattr__(name: str):
    if name in {"check_text", "check_file", "check_segments"}:
        from . import api

        return getattr(api, name)
    if name == "load_glossary":
        from .glossary.loader import load_glossary_any

        return load_glossary_any
    if name == "CheckOptions":
        from .options import CheckOptions

        return CheckOptions
    raise AttributeError(f"module 'mtcheck' has no attribute {name!r}")
