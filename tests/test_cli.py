"""The command line through click's runner: exit codes, outputs, and bad input."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from mtcheck.cli import main

from .conftest import RULES_GLOSSARY, modules_imported_by

BASE = ["--no-default-glossary", "--glossary", RULES_GLOSSARY, "--no-embed"]


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def mt_file(tmp_path):
    path = tmp_path / "mt.txt"
    path.write_text("They record record sales.\nPhones from HUAWEI sold well.\nAll fine here.\n", encoding="utf-8")
    return path


def invoke(runner, args, **kwargs):
    return runner.invoke(main, args, catch_exceptions=False, **kwargs)


def test_check_exit_1_on_error_findings(runner, mt_file):
    result = invoke(runner, ["check", str(mt_file), *BASE])
    assert result.exit_code == 1
    assert "RP001" in result.output and "GL002" in result.output
    assert "2 finding(s) in 3 segment(s)" in result.output


@pytest.mark.parametrize(
    "fail_on,expected",
    [("error", 1), ("warning", 1), ("info", 1), ("never", 0)],
)
def test_fail_on_levels(runner, mt_file, fail_on, expected):
    assert invoke(runner, ["check", str(mt_file), *BASE, "--fail-on", fail_on]).exit_code == expected


def test_warnings_only_pass_at_default_fail_on(runner, tmp_path):
    path = tmp_path / "w.txt"
    path.write_text("Phones from HUAWEI sold well.\n", encoding="utf-8")
    assert invoke(runner, ["check", str(path), *BASE]).exit_code == 0
    assert invoke(runner, ["check", str(path), *BASE, "--fail-on", "warning"]).exit_code == 1


def test_clean_file_exit_0(runner, tmp_path):
    path = tmp_path / "ok.txt"
    path.write_text("Xiaomi shipped more phones.\n", encoding="utf-8")
    result = invoke(runner, ["check", str(path), *BASE])
    assert result.exit_code == 0
    assert "0 finding(s)" in result.output


def test_json_output_follows_contract(runner, mt_file):
    result = invoke(runner, ["check", str(mt_file), *BASE, "--format", "json"])
    data = json.loads(result.stdout)
    assert set(data) == {"tool", "version", "signature", "summary", "findings"}
    assert data["tool"] == "mtcheck"
    assert {"segments", "findings", "by_severity", "by_rule"} <= set(data["summary"])
    finding = data["findings"][0]
    for key in ("rule", "category", "severity", "file", "segment", "line", "column", "start", "end",
                "text", "message", "suggestions", "confidence", "fix"):
        assert key in finding
    lines = mt_file.read_text(encoding="utf-8").splitlines()
    for f in data["findings"]:
        target = lines[int(f["segment"]) - 1]
        assert target[f["start"]:f["end"]] == f["text"]
        assert lines[f["line"] - 1][f["column"] - 1:].startswith(f["text"])


def test_report_files_default_to_reports_dir(runner, mt_file, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(runner, ["check", str(mt_file), *BASE, "--format", "markdown"])
    assert result.exit_code == 1
    assert "reports/mt.mtcheck.md" in result.stderr
    assert "record record" in (tmp_path / "reports" / "mt.mtcheck.md").read_text(encoding="utf-8")


def test_output_path(runner, mt_file, tmp_path):
    out = tmp_path / "sub" / "r.json"
    invoke(runner, ["check", str(mt_file), *BASE, "--format", "json", "-o", str(out)])
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["findings"] == 2


def test_fix_prints_diff_and_writes_output(runner, mt_file, tmp_path):
    out = tmp_path / "fixed.txt"
    result = invoke(runner, ["fix", str(mt_file), *BASE, "--output", str(out)])
    assert result.exit_code == 0
    assert "-They record record sales." in result.output and "+They record sales." in result.output
    assert out.read_text(encoding="utf-8") == "They record sales.\nPhones from Huawei sold well.\nAll fine here.\n"
    assert "record record" in mt_file.read_text(encoding="utf-8")  # input untouched


def test_fix_in_place_keeps_backup(runner, mt_file):
    original = mt_file.read_bytes()
    result = invoke(runner, ["fix", str(mt_file), *BASE, "--in-place"])
    assert result.exit_code == 0
    assert b"record record" not in mt_file.read_bytes()
    assert (mt_file.parent / "mt.txt.bak").read_bytes() == original


def test_fix_in_place_no_backup(runner, mt_file):
    invoke(runner, ["fix", str(mt_file), *BASE, "--in-place", "--no-backup"])
    assert not (mt_file.parent / "mt.txt.bak").exists()


def test_fix_without_destination_changes_nothing(runner, mt_file):
    before = mt_file.read_bytes()
    result = invoke(runner, ["fix", str(mt_file), *BASE])
    assert "+They record sales." in result.output
    assert mt_file.read_bytes() == before


def test_rules_lists_every_rule(runner):
    from mtcheck.registry import all_rules

    result = invoke(runner, ["rules", "--format", "json"])
    codes = [row["code"] for row in json.loads(result.output)]
    assert codes == [rule.code for rule in all_rules()]
    assert {"GL001", "GL002", "RP001", "RP002", "RP003", "NM001", "NU001", "NU002", "NU003", "CO001"} <= set(codes)


def test_glossary_validate_reports_file_line(runner, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("approved,wrong,severity\nXiaomi,millet,error\n,orphan,error\nHuawei,,fatal\n", encoding="utf-8")
    result = invoke(runner, ["glossary", "validate", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:3: empty 'approved' cell" in result.output
    assert f"{bad}:4: unknown severity 'fatal'" in result.output


def test_glossary_validate_clean(runner):
    assert invoke(runner, ["glossary", "validate", RULES_GLOSSARY]).exit_code == 0


# --- bad input: one line on stderr, exit 2, no traceback, no partial output --------------

def _bad_inputs(tmp_path):
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\x01\x02binary")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\xe9 record record\n".encode("latin-1"))
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n", encoding="utf-8")
    target = tmp_path / "t.txt"
    target.write_text("one\ntwo\n", encoding="utf-8")
    source = tmp_path / "s.txt"
    source.write_text("一\n", encoding="utf-8")
    table = tmp_path / "t.tsv"
    table.write_text("id\ttarget\tcomment\n1\tx\ty\n", encoding="utf-8")
    glossary = tmp_path / "g.csv"
    glossary.write_text("approved,wrong,case_sensitive\nXiaomi,millet,maybe\n", encoding="utf-8")
    return [
        (["check", str(tmp_path / "missing.txt")], "missing.txt: no such file"),
        (["check", str(tmp_path)], "is a directory"),
        (["check", str(binary)], "binary file"),
        (["check", str(latin)], "not valid utf-8"),
        (["check", str(empty)], "empty input"),
        (["check", str(target), "--source", str(source)], "source has 1 lines but"),
        (["check", str(table)], "unknown column 'comment'"),
        (["check", str(target), "--glossary", str(glossary)], f"{glossary}:2: column 'case_sensitive' must be yes or no"),
        (["check", str(target), "--select", "ZZ9"], "unknown rule or rule prefix 'ZZ9'"),
        (["check", str(target), "--encoding", "klingon"], "unknown encoding 'klingon'"),
    ]


def test_bad_inputs_one_line_exit_2(runner, tmp_path):
    for args, message in _bad_inputs(tmp_path):
        out = tmp_path / "report.json"
        result = runner.invoke(main, [*args, "--no-embed", "--format", "json", "-o", str(out)])
        assert result.exit_code == 2, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (args, result.stderr)
        assert lines[0].startswith("mtcheck: error: ") and message in lines[0], (args, lines[0])
        assert "Traceback" not in result.output
        assert not out.exists(), args


def test_non_utf8_hint_names_encoding_and_works_with_it(runner, tmp_path):
    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\xe9 record record\n".encode("latin-1"))
    result = runner.invoke(main, ["check", str(latin), *BASE])
    assert "--encoding" in result.stderr and ":1:" in result.stderr
    ok = runner.invoke(main, ["check", str(latin), *BASE, "--encoding", "latin-1"])
    assert ok.exit_code == 1 and "RP001" in ok.output


HEAVY = ("torch", "pandas", "sentence_transformers", "jieba", "translate")


def test_help_does_not_import_heavy_modules():
    code = "from click.testing import CliRunner; from mtcheck.cli import main; CliRunner().invoke(main, ['--help'])"
    assert modules_imported_by(code, HEAVY) == []


def test_glossary_only_check_does_not_import_heavy_modules(tmp_path):
    path = tmp_path / "mt.txt"
    path.write_text("Millet shipped phones. They record record sales.\n", encoding="utf-8")
    code = (
        "from click.testing import CliRunner; from mtcheck.cli import main;"
        f"r = CliRunner().invoke(main, ['check', {str(path)!r}, '--no-embed', '--format', 'json']);"
        "assert r.exit_code == 1, r.output"
    )
    assert modules_imported_by(code, HEAVY) == []


# The bilingual rules' helpers cost start-up time (their tables are built at import):
# without --source no rule needs them.
BILINGUAL_HELPERS = ("mtcheck.bilingual.number_match", "mtcheck.bilingual.zh_numbers", "mtcheck.bilingual.calque_index",
                     "mtcheck.bilingual.robust", "mtcheck.bilingual.cedict")


def test_check_without_a_source_does_not_import_the_bilingual_helpers(tmp_path):
    path = tmp_path / "mt.txt"
    path.write_text("\n".join(["Millet shipped 16 thousand phones. They record record sales."] * 20) + "\n", encoding="utf-8")
    code = (
        "from click.testing import CliRunner; from mtcheck.cli import main;"
        f"r = CliRunner().invoke(main, ['check', {str(path)!r}, '--no-embed', '--jobs', '1', '--format', 'json']);"
        "assert r.exit_code == 1, r.output"
    )
    assert modules_imported_by(code, BILINGUAL_HELPERS) == []
