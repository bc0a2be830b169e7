"""Reading translation formats: golden segments per format, what is skipped, positions,
suppression comments, fuzzy handling, and one-line errors for bad or hostile input."""

from __future__ import annotations

import contextlib
import shutil

import pytest

from mtcheck.errors import InputError
from mtcheck.readers import read_segments
from mtcheck.readers.spans import PLACEHOLDER

from .formats_util import CLI_BASE, FIXTURES, FORMATS_DIR, assert_golden, invoke, segments_json


def read(name: str, **kwargs):
    with contextlib.chdir(FORMATS_DIR):
        return read_segments(name, **kwargs)


def ids(name: str, **kwargs) -> list[str]:
    return [segment.id for segment in read(name, **kwargs)]


@pytest.mark.parametrize("name", FIXTURES)
def test_segments_match_golden_file(name):
    assert_golden(f"{name}.segments.json", segments_json(read(name, include_fuzzy=True)))


@pytest.mark.parametrize(
    "name,expected",
    [
        # t3 translate="no", t4 state=new, t5 fuzzy-match, t7 in a translate="no" group, t10 empty;
        # t11 needs-translation but an MT suggestion: checked.
        ("news.xlf", ["t1", "t2", "t6", "t8", "t9", "t11"]),
        # u3 state=initial (fuzzy), u4 translate="no".
        ("news-2.0.xlf", ["u1::s1", "u1::segment-2", "u2", "u5"]),
        # header, fuzzy, untranslated and obsolete entries are not segments.
        ("news.po", ["线上线下融合", "十九大", "headline::小米", "%d record[0]", "%d record[1]"]),
        # a tu without target and one with an empty target are skipped.
        ("news.tmx", ["shop-1", "2", "quote"]),
        # @-metadata, empty strings, numbers and booleans are skipped.
        ("news.json", ["shop.title", "shop.body", "shop.tips.0", "shop.tips.2"]),
        ("flat.json", ["home.title", "home.subtitle", "footer.legal"]),
        # front matter, indented and fenced code are skipped; ids are block start lines.
        ("news.md", ["4", "6", "10", "11", "14", "24", "26", "29", "32"]),
    ],
)
def test_checked_units(name, expected):
    assert ids(name) == expected


@pytest.mark.parametrize(
    "name,fuzzy_id",
    [("news.xlf", "t5"), ("news-2.0.xlf", "u3"), ("news.po", "大数据")],
)
def test_fuzzy_units_only_with_include_fuzzy(name, fuzzy_id):
    assert fuzzy_id not in ids(name)
    assert fuzzy_id in ids(name, include_fuzzy=True)


def test_include_fuzzy_on_the_command_line(tmp_path):
    path = str(FORMATS_DIR / "news.po")
    quiet = invoke(["check", path, *CLI_BASE, "--format", "jsonl", "--select", "GL001"])
    loud = invoke(["check", path, *CLI_BASE, "--format", "jsonl", "--select", "GL001", "--include-fuzzy"])
    assert "large data" not in quiet.stdout
    assert "large data" in loud.stdout


@pytest.mark.parametrize(
    "name,segment_id,needle",
    [
        ("news.xlf", "t1", "line and line"),
        ("news.xlf", "t9", "the the"),  # second line of a multi-line target
        ("news-2.0.xlf", "u5", "nineteen"),
        ("news.po", "线上线下融合", "line and line"),
        ("news.tmx", "2", "record record"),
        ("news.json", "shop.title", "Line and line"),
        ("flat.json", "footer.legal", "nineteen major"),
        ("news.md", "6", "record record"),  # continuation line with indentation
        ("news.md", "14", "HUAWEI"),  # second line of a block quote
    ],
)
def test_line_and_column_point_at_the_text_in_the_file(name, segment_id, needle, check_options=None):
    from mtcheck.context import position

    segment = next(s for s in read(name) if s.id == segment_id)
    offset = segment.target.index(needle)
    line, column = position(segment, offset)
    file_line = (FORMATS_DIR / name).read_text(encoding="utf-8").split("\n")[line - 1]
    assert file_line[column - 1:column - 1 + len(needle)] == needle


def test_inline_markup_and_code_become_placeholders_not_text():
    xliff = {s.id: s.target for s in read("news.xlf")}
    assert xliff["t2"] == f"The millet company set a record record in sales & profit.{PLACEHOLDER}"
    assert xliff["t8"] == "Data <b>large data</b> tables"  # CDATA is text
    tmx = {s.id: s.target for s in read("news.tmx")}
    assert tmx["2"] == f"The {PLACEHOLDER}millet company{PLACEHOLDER} record record."
    markdown = {s.id: s.target for s in read("news.md")}
    assert "line and line" not in markdown["6"]  # inline code and link destination masked
    assert markdown["6"].count(PLACEHOLDER) == 2


def test_sources_come_with_the_segments():
    assert {s.id: s.source for s in read("news.po")}["%d record[1]"] == "%d records"
    assert {s.id: s.source for s in read("news.xlf")}["t1"] == "线上线下融合发展。"
    assert {s.id: s.source for s in read("news.tmx")}["2"] == "小米公司创纪录。"


@pytest.mark.parametrize(
    "name,segment_id,codes",
    [
        ("news.xlf", "t6", "GL001"),
        ("news-2.0.xlf", "u2", "RP001"),
        ("news.po", "十九大", "GL001"),
        ("news.tmx", "quote", "GL001"),
        ("news.md", "24", "GL001"),  # HTML comment block above the paragraph
        ("news.md", "29", "RP"),  # HTML comment inside the paragraph
    ],
)
def test_suppression_comments_reach_segment_meta(name, segment_id, codes):
    segment = next(s for s in read(name) if s.id == segment_id)
    assert segment.meta["suppress"] == codes


def test_multiple_xliff_files_prefix_ids(tmp_path):
    text = (FORMATS_DIR / "news-2.0.xlf").read_text(encoding="utf-8")
    doubled = text.replace("</file>", "</file>\n  " + text[text.index('<file id="f1">'):text.index("</file>") + 7].replace('id="f1"', 'id="f2"'), 1)
    path = tmp_path / "two.xlf"
    path.write_text(doubled, encoding="utf-8")
    found = [s.id for s in read_segments(str(path))]
    assert "f1/u1::s1" in found and "f2/u1::s1" in found


# --- bad and hostile input: one line, exit 2 --------------------------------------------------

@pytest.mark.parametrize(
    "name,content,message",
    [
        ("bad.xlf", '<xliff version="1.2"><file><body><trans-unit id="1"><target>x</trans-unit></body></file></xliff>', "not well-formed XML: mismatched tag"),
        ("bad.tmx", "<tmx><body><tu></body></tmx>", "not well-formed XML"),
        ("notxliff.xlf", "<html><body/></html>", "not an XLIFF file"),
        ("nottmx.tmx", "<xliff/>", "not a TMX file"),
        ("bad.po", 'msgid "a"\nmsgstr "b\n', "unterminated or malformed string"),
        ("bad2.po", 'msgid "a"\nmsgstr "b"\nnonsense here\n', "unexpected line in PO file"),
        ("bad3.po", 'msgid "a"\nmsgstr "b\\q"\n', "unknown escape sequence"),
        ("dup.po", 'msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', "duplicate id 'a'"),
        ("bad.json", '{"a": "b",}', "not valid JSON"),
        ("dup.json", '{"a.b": "x", "a": {"b": "y"}}', "duplicate id 'a.b'"),
    ],
)
def test_bad_files_give_one_line_errors(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_segments(str(path))
    assert message in info.value.one_line()
    result = invoke(["check", str(path), *CLI_BASE])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", ["billion-laughs.xlf", "external-entity.tmx"])
def test_entity_attacks_are_refused_with_exit_2(tmp_path, name):
    shutil.copy(FORMATS_DIR / name, tmp_path / name)
    result = invoke(["check", str(tmp_path / name), *CLI_BASE])
    assert result.exit_code == 2
    assert result.stderr.startswith("mtcheck: error: ") and result.stderr.count("\n") == 1
    assert "refused unsafe XML" in result.stderr and "lol" not in result.stdout


def test_billion_laughs_in_a_tbx_glossary_is_a_glossary_error(tmp_path):
    path = tmp_path / "bad.tbx"
    shutil.copy(FORMATS_DIR / "billion-laughs.xlf", path)
    target = tmp_path / "t.txt"
    target.write_text("Fine text.\n", encoding="utf-8")
    result = invoke(["check", str(target), "--no-embed", "--no-default-glossary", "--glossary", str(path)])
    assert result.exit_code == 2 and "refused unsafe XML" in result.stderr


def test_non_utf8_xml_without_encoding_option_is_a_clear_error(tmp_path):
    path = tmp_path / "latin.tmx"
    path.write_bytes('<?xml version="1.0" encoding="ISO-8859-1"?><tmx><header srclang="zh"/><body><tu><tuv xml:lang="zh"><seg>x</seg></tuv><tuv xml:lang="en"><seg>caf\xe9</seg></tuv></tu></body></tmx>'.encode("latin-1"))
    result = invoke(["check", str(path), *CLI_BASE])
    assert result.exit_code == 2 and "--encoding" in result.stderr
    segments = read_segments(str(path), encoding="latin-1")
    assert segments[0].target == "café"


@pytest.mark.parametrize("name", FIXTURES)
def test_every_letter_of_every_target_maps_to_the_same_letter_in_the_file(name):
    from mtcheck.context import position

    lines = (FORMATS_DIR / name).read_text(encoding="utf-8").split("\n")
    for segment in read(name, include_fuzzy=True):
        for offset, char in enumerate(segment.target):
            if char.isalnum():
                line, column = position(segment, offset)
                assert lines[line - 1][column - 1] == char, (segment.id, offset)


def test_mtcheck_reports_and_baselines_are_not_read_as_translations(tmp_path):
    path = tmp_path / ".mtcheck-baseline.json"
    path.write_text('{"tool": "mtcheck", "findings": [{"text": "record record"}]}', encoding="utf-8")
    assert read_segments(str(path)) == []
    other = tmp_path / "other.json"
    other.write_text('{"tool": "other", "findings": [{"text": "record record"}]}', encoding="utf-8")
    assert [s.id for s in read_segments(str(other))] == ["tool", "findings.0.text"]
