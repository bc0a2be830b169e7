"""Bilingual options through the CLI: --align, --cross-lingual-model, rule listing."""

from __future__ import annotations

import json

from click.testing import CliRunner

from mtcheck.cli import main


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_unaligned_files_error_without_align(tmp_path):
    target = _write(tmp_path / "t.txt", ["Xiaomi released a phone.", "Sales rose.", "Shipments hit a record."])
    source = _write(tmp_path / "s.txt", ["小米发布了手机。", "销量上升，出货量创纪录。"])
    result = CliRunner().invoke(main, ["check", target, "--source", source, "--no-embed"])
    assert result.exit_code == 2
    assert "source has 2 lines" in result.output


def test_align_length_says_which_method(tmp_path):
    target = _write(tmp_path / "t.txt", ["Xiaomi released a phone.", "Sales rose.", "It has 290,000 staff."])
    source = _write(tmp_path / "s.txt", ["小米发布了手机。", "销量上升。员工2.9万人。"])
    result = CliRunner().invoke(main, ["check", target, "--source", source, "--no-embed", "--no-default-glossary", "--align", "length", "--format", "json"])
    assert "Gale-Church length-based alignment" in result.stderr
    report = json.loads(result.stdout)
    assert [(f["rule"], f["text"]) for f in report["findings"]] == [("BI003", "290,000")]


def test_align_embedding_needs_a_model(tmp_path):
    target = _write(tmp_path / "t.txt", ["Hello."])
    source = _write(tmp_path / "s.txt", ["你好。"])
    result = CliRunner().invoke(main, ["check", target, "--source", source, "--no-embed", "--align", "embedding"])
    assert result.exit_code == 2
    assert "--cross-lingual-model" in result.output
    assert "Traceback" not in result.output


def test_missing_cross_lingual_model_is_a_clear_error(tmp_path):
    target = _write(tmp_path / "t.txt", ["Hello."])
    source = _write(tmp_path / "s.txt", ["你好。"])
    result = CliRunner().invoke(main, ["check", target, "--source", source, "--no-embed", "--cross-lingual-model", str(tmp_path / "no-such-model")])
    assert result.exit_code == 2
    assert "cannot load cross-lingual model" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_rules_lists_bilingual_rules_as_needing_source():
    result = CliRunner().invoke(main, ["rules", "--format", "markdown"])
    assert "| BI002 | cedict-calque |" in result.output
    assert "(needs source)" in result.output.split("BI002")[1].splitlines()[0]
