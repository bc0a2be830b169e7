from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Iterable

import pytest

from mtcheck import CheckOptions, check_text

DATA = Path(__file__).parent / "data"
RULES_GLOSSARY = str(DATA / "rules-glossary.csv")


def glossary_only(**overrides) -> CheckOptions:
    """Options for rule tests: the small test glossary, no bundled glossary, no model."""
    values = dict(glossaries=(RULES_GLOSSARY,), use_default_glossary=False, embed=False)
    values.update(overrides)
    return CheckOptions(**values)


@pytest.fixture
def check():
    def run(text: str, **overrides):
        return check_text(text, glossary_only(**overrides))

    return run


def modules_imported_by(code: str, modules: Iterable[str]) -> list[str]:
    """Run `code` in a fresh interpreter and return which of `modules` it imported.

    Lazy-import tests use this: heavy libraries (torch, pandas, ...) must stay out of
    start-up paths. The probe prints last, so output from `code` itself does not matter."""
    marker = "imported-modules:"
    probe = f"{code}\nimport sys as _sys\nprint({marker!r} + ','.join(m for m in {tuple(modules)!r} if m in _sys.modules))\n"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    last = done.stdout.rstrip("\n").rsplit("\n", 1)[-1]
    assert last.startswith(marker), done.stdout
    return [name for name in last[len(marker):].split(",") if name]
