"""Helpers for the format and CI tests: fixture paths, golden-file comparison, the CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from mtcheck.cli import main
from mtcheck.models import Segment
from mtcheck.options import CheckOptions

TESTS = Path(__file__).parent
FORMATS_DIR = TESTS / "data" / "formats"
GOLDEN_DIR = TESTS / "golden" / "formats"
GLOSSARY = str(FORMATS_DIR / "glossary.csv")
UPDATE_GOLDEN = os.environ.get("MTCHECK_UPDATE_GOLDEN") == "1"
# The fixtures of each format (one per format and variant).
FIXTURES = ("news.xlf", "news-2.0.xlf", "news.po", "news.tmx", "news.json", "flat.json", "news.md")
CLI_BASE = ["--no-embed", "--no-default-glossary", "--glossary", GLOSSARY]


def options(**overrides) -> CheckOptions:
    values = dict(glossaries=(GLOSSARY,), use_default_glossary=False, embed=False)
    values.update(overrides)
    return CheckOptions(**values)


def assert_golden(name: str, text: str) -> None:
    """Compare `text` with tests/golden/formats/NAME (MTCHECK_UPDATE_GOLDEN=1 rewrites it)."""
    path = GOLDEN_DIR / name
    if UPDATE_GOLDEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"missing golden file {path}: run with MTCHECK_UPDATE_GOLDEN=1"
    assert text == path.read_bytes().decode("utf-8"), f"output differs from {path} (MTCHECK_UPDATE_GOLDEN=1 regenerates it)"


def segments_json(segments: list[Segment]) -> str:
    rows = [
        {"id": s.id, "line": s.line, "column": s.column_offset + 1, "target": s.target, "source": s.source, "meta": dict(s.meta)}
        for s in segments
    ]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def invoke(args: list[str], **kwargs):
    return CliRunner().invoke(main, args, catch_exceptions=False, **kwargs)
