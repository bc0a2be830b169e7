"""README.md's example output is what `mtcheck check` prints on the bundled example."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from mtcheck.cli import main

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"<!-- BEGIN example-output -->\n```\n(?P<output>.*?)\$ echo \$\?\n(?P<code>\d+)\n```\n<!-- END example-output -->", re.S)


def test_readme_example_output_is_the_real_output(monkeypatch):
    match = BLOCK.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert match, "README.md has no example-output block"
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["check", "data/examples/interview.mt.en.txt"])
    assert result.exit_code == int(match["code"]), result.output
    assert result.stdout == match["output"]
