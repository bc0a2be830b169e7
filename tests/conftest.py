from __future__ import annotations

from pathlib import Path

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
