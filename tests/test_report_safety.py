"""Hostile file names, ids and text in reports: no formula injection in CSV, always valid
JUnit XML, no control sequences in terminal or GitHub output (issue 11, items 12-14)."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings, strategies as st

from mtcheck.models import Segment
from mtcheck.reporters import ReportContext, get_reporter
from mtcheck.reporters.csv_reporter import COLUMNS, INTEGER_COLUMNS, neutralise_cell
from mtcheck.reporters.junit import JunitReporter
from mtcheck.visible import visible, xml_safe

from .test_reporters import finding, result_of

TEXT_COLUMNS = [c for c in COLUMNS if c not in INTEGER_COLUMNS and c != "confidence"]
# Anything a terminal or CI log would act on; "\n" separates lines and is allowed.
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HOSTILE = "\x1b[2J\x1b]0;owned\x07\x9b31m\u202etxt.exe\x00\x0b"


def hostile_result(file: str, segment_id: str, target: str, message: str = "msg", suggestion: str = "fix", line: int | None = 1):
    segment = Segment(id=segment_id, target=target, file=file, line=line)
    return result_of([segment], [finding(segment, 0, min(4, len(target)), message=message, suggestions=(suggestion,))])


def render(fmt: str, result, **attributes) -> str:
    reporter = get_reporter(fmt)
    for key, value in attributes.items():
        setattr(reporter, key, value)
    return reporter.render(result, ReportContext())


# --- item 12: CSV -----------------------------------------------------------------------------


@pytest.mark.parametrize("value,expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+1+1", "'+1+1"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("plain text", "plain text"),
    ("a=b", "a=b"),
    ("", ""),
    (3, 3),
    (None, None),
])
def test_neutralise_cell(value, expected):
    assert neutralise_cell(value) == expected


@pytest.mark.parametrize("where", ["file", "segment", "text", "message", "suggestion"])
@pytest.mark.parametrize("payload", ["=cmd|' /C calc'!A0", "+SUM(1)", "-1+2", "@SUM(A1)", "\t=1", "\r=1"])
def test_csv_cells_cannot_start_a_formula(where, payload):
    values = {"file": "a.txt", "segment": "s1", "text": "Some target text", "message": "msg", "suggestion": "fix"}
    if where == "text":
        values["text"] = payload + " and more"
    else:
        values[where] = payload
    result = hostile_result(values["file"], values["segment"], values["text"], values["message"], values["suggestion"])
    text = render("csv", result)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 1
    for column in TEXT_COLUMNS:
        assert not rows[0][column].startswith(("=", "+", "-", "@", "\t", "\r")), (column, rows[0][column])
    column = {"suggestion": "suggestions"}.get(where, where)
    if where == "text":
        assert rows[0]["text"] == "'" + values["text"][:4]
    else:
        assert rows[0][column] == "'" + payload


# --- item 13: JUnit ---------------------------------------------------------------------------


def test_junit_with_control_characters_is_valid_xml():
    result = hostile_result(f"dir/{HOSTILE}.txt", f"id{HOSTILE}", f"Tex{HOSTILE}t", message=f"m{HOSTILE}", suggestion=f"s{HOSTILE}")
    root = ET.fromstring(render("junit", result, fail_on=JunitReporter().fail_on))  # expat
    suite = root.find("testsuite")
    assert suite.get("name") == xml_safe(f"dir/{HOSTILE}.txt")
    assert "\\x1b" in suite.get("name") and "\\x00" in root.find(".//failure").text


@settings(max_examples=60, deadline=None)
@given(file=st.text(min_size=1, max_size=20), segment_id=st.text(min_size=1, max_size=20), target=st.text(min_size=4, max_size=30), message=st.text(max_size=30))
def test_junit_is_always_well_formed(file, segment_id, target, message):
    ET.fromstring(render("junit", hostile_result(file, segment_id, target, message)))


# --- item 14: terminal and GitHub annotations --------------------------------------------------


@pytest.mark.parametrize("fmt", ["terminal", "github"])
def test_no_control_sequence_from_the_input_is_printed(fmt):
    result = hostile_result(f"{HOSTILE}.txt", f"id{HOSTILE}", f"Tex{HOSTILE}t", message=f"m{HOSTILE}", suggestion=f"s{HOSTILE}", line=None)
    output = render(fmt, result)
    assert not CONTROL.search(output), repr(output)
    assert visible("\x1b[2J") in output and "\\u202e" in output


def test_coloured_terminal_output_has_only_its_own_escape_sequences():
    result = hostile_result(f"{HOSTILE}.txt", "id", f"Tex{HOSTILE}t", message=f"m{HOSTILE}")
    output = render("terminal", result, color=True)
    assert "\x1b[2J" not in output and "\x1b]0" not in output and "\x9b" not in output
    assert "\\x1b[2J" in output


@settings(max_examples=60, deadline=None)
@given(file=st.text(min_size=1, max_size=20), target=st.text(min_size=4, max_size=30), message=st.text(max_size=30))
def test_terminal_and_github_never_pass_control_characters(file, target, message):
    result = hostile_result(file, "id", target, message)
    for fmt in ("terminal", "github"):
        assert not CONTROL.search(render(fmt, result))
