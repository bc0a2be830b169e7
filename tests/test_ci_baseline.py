"""Baselines: fingerprints that survive moved lines, only new findings reported, counts,
unused entries, bad baseline files, and exit codes with configuration and baseline."""

from __future__ import annotations

import json

import pytest

from mtcheck import check_segments
from mtcheck.baseline import apply_baseline, build_baseline, dump_baseline, fingerprints, load_baseline
from mtcheck.errors import ConfigError
from mtcheck.models import Segment

from .formats_util import CLI_BASE, GLOSSARY, invoke, options

TEXT = "Shops sold line and line.\nThey set a record record.\nAll is well.\n"


def run(lines: list[str]):
    segments = [Segment(id=str(n), target=t, file="mt.txt", line=n) for n, t in enumerate(lines, start=1) if t]
    return check_segments(segments, options())


def test_fingerprints_ignore_line_numbers_and_other_segments():
    before = run(["Shops sold line and line.", "They set a record record."])
    after = run(["A new first line.", "", "They set a record record.", "Edited: fine.", "Shops sold line and line."])
    assert sorted(fingerprints(before)) == sorted(fingerprints(after))


def test_editing_the_segment_changes_its_fingerprints():
    before = run(["They set a record record."])
    after = run(["They set a record record again."])
    assert fingerprints(before) != fingerprints(after)
    spaced = run(["They  set a record   record. "])  # spacing is folded
    assert fingerprints(spaced) == fingerprints(before)


def test_only_new_findings_survive_and_counts_matter(tmp_path):
    old = run(["They set a record record.", "Sales line and line."])
    baseline = build_baseline(old, str(tmp_path / "b.json"))
    new = run(["Sales line and line.", "They set a record record.", "They set a record record.", "Fresh fresh error."])
    outcome = apply_baseline(new, baseline)
    assert sorted((f.rule, f.text) for f in outcome.new) == [("RP001", "Fresh fresh"), ("RP001", "record record")]
    assert len(outcome.known) == 2 and outcome.unused == ()


def test_unused_entries_are_listed(tmp_path):
    baseline = build_baseline(run(["They set a record record.", "Sales line and line."]), str(tmp_path / "b.json"))
    outcome = apply_baseline(run(["Sales line and line."]), baseline)
    assert outcome.new == () and [(e.rule, e.text, e.count) for e in outcome.unused] == [("RP001", "record record", 1)]


def test_baseline_file_round_trip(tmp_path):
    path = tmp_path / "b.json"
    baseline = build_baseline(run(["They set a record record.", "They set a record record."]), str(path))
    path.write_text(dump_baseline(baseline), encoding="utf-8")
    loaded = load_baseline(str(path))
    assert loaded.entries == baseline.entries and loaded.entries[0].count == 2
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["tool"] == "mtcheck" and data["baseline_format"] == 1
    assert [(item["rule"], item["text"], item["count"]) for item in data["findings"]] == [("RP001", "record record", 2)]


@pytest.mark.parametrize(
    "content,message",
    [
        ("not json", "baseline is not valid JSON"),
        ('{"tool": "other", "findings": []}', "not an mtcheck baseline"),
        ('{"tool": "mtcheck", "baseline_format": 9, "findings": []}', "unsupported baseline format 9"),
        ('{"tool": "mtcheck", "baseline_format": 1, "findings": [{"rule": "RP001"}]}', "baseline entry 1 lacks"),
    ],
)
def test_bad_baseline_files(tmp_path, content, message):
    path = tmp_path / "b.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_baseline(str(path))


# --- through the CLI ---------------------------------------------------------------------------

@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mt.txt").write_text(TEXT, encoding="utf-8")
    return tmp_path


def test_baseline_create_then_check_passes_until_a_new_error(project):
    created = invoke(["baseline", "create", "mt.txt", *CLI_BASE])
    assert created.exit_code == 0 and "baseline of 2 finding(s)" in created.stderr
    assert (project / ".mtcheck-baseline.json").is_file()
    assert invoke(["check", "mt.txt", *CLI_BASE]).exit_code == 1
    clean = invoke(["check", "mt.txt", *CLI_BASE, "--baseline", ".mtcheck-baseline.json"])
    assert clean.exit_code == 0 and "2 finding(s) already in the baseline" in clean.stderr
    # Move lines around and add one: only the new error fails the run.
    (project / "mt.txt").write_text("Intro.\nAll is well.\nThey set a record record.\nShops sold line and line.\nNew new problem.\n", encoding="utf-8")
    moved = invoke(["check", "mt.txt", *CLI_BASE, "--baseline", ".mtcheck-baseline.json", "--format", "jsonl"])
    assert moved.exit_code == 1
    assert [json.loads(line)["text"] for line in moved.stdout.splitlines()] == ["New new"]


def test_unused_baseline_entries_are_reported(project):
    invoke(["baseline", "create", "mt.txt", *CLI_BASE, "-o", "base.json"])
    (project / "mt.txt").write_text("Shops sold online and offline.\nThey set a record record.\n", encoding="utf-8")
    result = invoke(["check", "mt.txt", *CLI_BASE, "--baseline", "base.json"])
    assert result.exit_code == 0
    assert "1 baseline entry in base.json matched nothing" in result.stderr
    assert "unused baseline entry: mt.txt: GL001 'line and line'" in result.stderr


def test_baseline_from_configuration_and_command_line_override(project):
    (project / ".mtcheck.toml").write_text(
        f'glossaries = ["{GLOSSARY}"]\ndefault_glossary = false\nembed = false\nbaseline = "ci/baseline.json"\n', encoding="utf-8")
    created = invoke(["baseline", "create", "mt.txt"])
    assert created.exit_code == 0 and (project / "ci" / "baseline.json").is_file()
    assert invoke(["check", "mt.txt"]).exit_code == 0
    invoke(["baseline", "create", "mt.txt", "-o", "empty.json", "--select", "NU"])
    assert invoke(["check", "mt.txt", "--baseline", "empty.json"]).exit_code == 1


def test_baseline_paths_are_relative_to_the_baseline_file(project, monkeypatch):
    (project / "docs").mkdir()
    (project / "docs" / "mt.txt").write_text(TEXT, encoding="utf-8")
    invoke(["baseline", "create", "docs/mt.txt", *CLI_BASE, "-o", "docs/baseline.json"])
    data = json.loads((project / "docs" / "baseline.json").read_text(encoding="utf-8"))
    assert {item["file"] for item in data["findings"]} == {"mt.txt"}
    monkeypatch.chdir(project / "docs")
    assert invoke(["check", "mt.txt", *CLI_BASE, "--baseline", "baseline.json"]).exit_code == 0


def test_missing_baseline_is_exit_2_with_one_line(project):
    result = invoke(["check", "mt.txt", *CLI_BASE, "--baseline", "nope.json"])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "baseline file not found" in result.stderr and "mtcheck baseline create" in result.stderr


def test_sarif_fingerprints_are_baseline_fingerprints(project):
    result = invoke(["check", "mt.txt", *CLI_BASE, "--format", "sarif"])
    prints = [item["partialFingerprints"]["mtcheck/v1"] for item in json.loads(result.stdout)["runs"][0]["results"]]
    invoke(["baseline", "create", "mt.txt", *CLI_BASE])
    stored = [item["fingerprint"] for item in json.loads((project / ".mtcheck-baseline.json").read_text())["findings"]]
    assert sorted(prints) == sorted(stored)
