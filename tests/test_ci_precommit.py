"""The pre-commit hook definition: its entry and args, run through the CLI as pre-commit would
(with the staged file names appended)."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .formats_util import FORMATS_DIR, GLOSSARY, invoke

HOOKS = Path(__file__).parent.parent / ".pre-commit-hooks.yaml"


def hooks() -> dict[str, dict]:
    return {entry["id"]: entry for entry in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}


def hook(hook_id: str = "mtcheck") -> dict:
    return hooks()[hook_id]


def hook_command(files: list[str], extra: list[str] = (), hook_id: str = "mtcheck") -> list[str]:
    """The argv pre-commit builds: entry + args (+ the user's args) + file names, minus the
    program name that the click runner supplies."""
    definition = hook(hook_id)
    argv = shlex.split(definition["entry"]) + list(definition["args"]) + list(extra) + files
    assert argv[0] == "mtcheck"
    return argv[1:]


def test_hook_definition():
    definition = hook()
    assert definition["id"] == "mtcheck"
    assert definition["entry"] == "mtcheck check"
    assert definition["language"] == "python"
    assert definition["types"] == ["text"]
    assert definition["args"] == ["--no-embed"]


def test_light_hook_uses_the_installed_mtcheck_with_the_same_command():
    """`mtcheck-system` builds no environment (language: system) and runs what `mtcheck` runs."""
    assert set(hooks()) == {"mtcheck", "mtcheck-system"}
    light, full = hook("mtcheck-system"), hook("mtcheck")
    assert light["language"] == "system"
    for key in ("entry", "types", "args"):
        assert light[key] == full[key]


def test_both_hooks_are_documented_with_which_to_pick():
    docs = (HOOKS.parent / "docs" / "ci.md").read_text(encoding="utf-8")
    readme = (HOOKS.parent / "README.md").read_text(encoding="utf-8")
    for text in (docs, readme):
        assert "mtcheck-system" in text and "language: system" in text


@pytest.mark.parametrize("hook_id", ["mtcheck", "mtcheck-system"])
def test_hook_entry_fails_on_a_bad_translation_and_passes_a_good_one(tmp_path, monkeypatch, hook_id):
    monkeypatch.chdir(tmp_path)
    shutil.copy(FORMATS_DIR / "news.po", tmp_path / "news.po")
    (tmp_path / "ok.md").write_text("# Xiaomi news\n\nShops sold online and offline.\n", encoding="utf-8")
    user_args = ["--no-default-glossary", "--glossary", GLOSSARY]  # what a repository adds in its config
    bad = invoke(hook_command(["news.po", "ok.md"], user_args, hook_id))
    assert bad.exit_code == 1 and "news.po" in bad.stdout and "RP001" in bad.stdout
    good = invoke(hook_command(["ok.md"], user_args, hook_id))
    assert good.exit_code == 0, good.output


def test_hook_entry_imports_no_model_and_no_heavy_libraries(tmp_path):
    """Run the hook in a fresh interpreter: --no-embed on Markdown/PO must not import torch,
    pandas or sentence-transformers (translate-toolkit is only imported for XLIFF)."""
    (tmp_path / "a.md").write_text("# Title\n\nFine text with `code`.\n", encoding="utf-8")
    shutil.copy(FORMATS_DIR / "news.po", tmp_path / "news.po")
    argv = hook_command([str(tmp_path / "a.md"), str(tmp_path / "news.po")], ["--no-default-glossary", "--glossary", GLOSSARY])
    code = (
        "import sys; from click.testing import CliRunner; from mtcheck.cli import main; "
        f"r = CliRunner().invoke(main, {argv!r}); "
        "heavy = [m for m in ('torch', 'pandas', 'sentence_transformers', 'translate.storage.xliff') if m in sys.modules]; "
        "print(r.exit_code, heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")[-2]
    assert out == "1 []"
