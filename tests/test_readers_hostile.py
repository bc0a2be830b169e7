"""Broken and hostile input to the readers (issue 11): each case ends in a correct result or
in one line on stderr with exit status 2, and a refused file keeps its bytes."""

from __future__ import annotations

import pytest

from mtcheck.errors import InputError
from mtcheck.readers import decode_file, read_segments, rewrite_file

from .formats_util import FORMATS_DIR, GLOSSARY, invoke

CLI_BASE = ["--no-embed", "--no-default-glossary", "--glossary", str(FORMATS_DIR / "group-glossary.csv")]
FIX = ["fix", *CLI_BASE, "--in-place", "--no-backup", "--no-diff"]


def write(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def assert_refused(result, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("mtcheck: error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.stderr


def check(path, *extra: str):
    return invoke(["check", str(path), *CLI_BASE, "--format", "json", *extra])


def findings(result) -> list[tuple[str, str, int, int]]:
    import json

    return [(f["segment"], f["text"], f["line"], f["column"]) for f in json.loads(result.stdout)["findings"]]


# --- 1. rows with the same id ------------------------------------------------------------------

DUPLICATE_ROWS = "id\ttarget\n1\tA different sentence that must survive.\n1\tThe millet group said hello.\n"


@pytest.mark.parametrize("content", [DUPLICATE_ROWS, "id\ttarget\n1\tThe millet group said hello.\n1\tA different sentence that must survive.\n"])
def test_rows_with_the_same_id_are_refused_and_left_alone(tmp_path, content):
    path = write(tmp_path, "d.tsv", content)
    assert_refused(check(path), f"{path}:3: duplicate id '1' (first at line 2)")
    assert_refused(invoke([*FIX[:1], str(path), *FIX[1:]]), "duplicate id '1'")
    assert path.read_text(encoding="utf-8") == content


@pytest.mark.parametrize(
    "content,fixed_line",
    [
        ("id\ttarget\n\tA different sentence that must survive.\n1\tThe millet group said hello.\n", 3),
        ("id\ttarget\n1\tThe millet group said hello.\n\tA different sentence that must survive.\n", 2),
        ("id\ttarget\n2\tA different sentence that must survive.\n\tThe millet group said hello.\n", 3),
    ],
)
def test_a_row_number_equal_to_another_rows_id_keeps_both_rows_apart(tmp_path, content, fixed_line):
    path = write(tmp_path, "d.tsv", content)
    segments = read_segments(str(path))
    assert len({s.id for s in segments}) == 2
    column = content.split("\n")[fixed_line - 1].index("millet") + 1
    assert [(text, line, column) for _, text, line, column in findings(check(path))] == [("millet group", fixed_line, column)]
    result = invoke(["fix", str(path), *FIX[1:]])
    assert result.exit_code == 0, result.output
    expected = content.replace("The millet group said", "The Xiaomi Group said")
    assert path.read_text(encoding="utf-8") == expected


# --- 2. record boundaries from the csv module ---------------------------------------------------

def test_cr_inside_records_loses_no_row(tmp_path):
    content = "id\ttarget\n1\tKeep.\r\n2\tThe millet group said.\r3\tKeep third row.\n4\tLast record record.\n"
    path = write(tmp_path, "c.tsv", content)
    assert [(s.id, s.target) for s in read_segments(str(path))] == [
        ("1", "Keep."), ("2", "The millet group said."), ("3", "Keep third row."), ("4", "Last record record."),
    ]
    assert invoke(["fix", str(path), *FIX[1:]]).exit_code == 0
    assert path.read_bytes() == content.replace("millet group", "Xiaomi Group").replace("record record", "record").encode()


@pytest.mark.parametrize("name,delimiter", [("r.tsv", "\t"), ("r.csv", ",")])
def test_cr_only_line_endings(tmp_path, name, delimiter):
    content = f"id{delimiter}target\r1{delimiter}Keep.\r2{delimiter}The millet group said.\r"
    path = write(tmp_path, name, content)
    assert [s.line for s in read_segments(str(path))] == [2, 3]
    assert invoke(["fix", str(path), *FIX[1:]]).exit_code == 0
    assert path.read_bytes() == content.replace("millet group", "Xiaomi Group").encode()


def test_quoted_cells_keep_their_quoting_and_line_breaks(tmp_path):
    content = 'id,source,target\r\n"a",\'x\',"The millet group said, ""again""\r\nand more."\r\nb,y,Keep.\r\n'
    path = write(tmp_path, "q.csv", content)
    first = read_segments(str(path))[0]
    assert first.target == 'The millet group said, "again"\r\nand more.'
    assert invoke(["fix", str(path), *FIX[1:]]).exit_code == 0
    assert path.read_bytes() == content.replace("millet group", "Xiaomi Group").encode()


def test_a_fix_that_needs_quotes_quotes_only_that_cell(tmp_path):
    content = "id\tsource\ttarget\n1\tx\tplain cell\n2\ty\tKeep.\n"
    path = write(tmp_path, "t.tsv", content)
    rewritten = rewrite_file(decode_file(str(path)), {"1": 'a "quoted"\ttab'})
    assert rewritten == 'id\tsource\ttarget\n1\tx\t"a ""quoted""\ttab"\n2\ty\tKeep.\n'


@pytest.mark.parametrize(
    "name,content,line",
    [
        ("u.tsv", 'id\ttarget\n1\t"Keep.\n2\tThe millet group said.\n3\tLast.\n', 2),
        ("u.csv", 'id,target\n1,Keep.\n2,"The millet group said.\n', 3),
        ("v.csv", 'id,target\n1,"Keep.\n2,"The millet group" said.\n3,Last.\n', 2),
    ],
)
def test_bad_quoting_is_a_one_line_error(tmp_path, name, content, line):
    path = write(tmp_path, name, content)
    assert_refused(check(path), f"{path}:{line}: bad CSV quoting")
    assert_refused(invoke(["fix", str(path), *FIX[1:]]), "bad CSV quoting")
    assert path.read_text(encoding="utf-8") == content


def test_lenient_quoting_on_one_line_is_read_as_the_csv_module_reads_it(tmp_path):
    content = 'id\ttarget\n1\t"The millet" group said.\n2\t"Keep" as is\n'
    path = write(tmp_path, "l.tsv", content)
    assert [s.target for s in read_segments(str(path))] == ["The millet group said.", "Keep as is"]
    assert invoke(["fix", str(path), *FIX[1:]]).exit_code == 0
    assert path.read_text(encoding="utf-8") == 'id\ttarget\n1\tThe Xiaomi Group said.\n2\t"Keep" as is\n'


def test_a_lenient_row_is_rewritten_whole_and_quoted_where_needed(tmp_path):
    path = write(tmp_path, "l.csv", 'id,target\nr1,"x"<"y"\nr2,Keep.\n')
    rewritten = rewrite_file(decode_file(str(path)), {"r1": "two\nlines, \"q\""})
    assert rewritten == 'id,target\nr1,"two\nlines, ""q"""\nr2,Keep.\n'


# --- 3. XML from expat, JSON from the json module ------------------------------------------------

XLIFF = '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="x"><body>{units}</body></file></xliff>'
UNIT = '<trans-unit id="{id}"><source>s</source><target>{target}</target></trans-unit>'
DECOY = XLIFF.format(units=UNIT.format(id="1", target="decoy millet group"))


@pytest.mark.parametrize(
    "document,target",
    [
        (f'<?xml version="1.0"?>\n<!DOCTYPE xliff [ <!-- ]>{DECOY} --> ]>\n' + XLIFF.format(units=UNIT.format(id="1", target="The millet group said.")), "The millet group said."),
        (f'<!DOCTYPE xliff [ <!ELEMENT x ANY> <!-- > ]> --> ]><?pi {DECOY}?>' + XLIFF.format(units=UNIT.format(id="1", target="The millet group said.")), "The millet group said."),
        (XLIFF.format(units=UNIT.format(id="1", target=f"The <![CDATA[millet</target>]]> group <!-- {DECOY} -->said.")), "The millet</target> group said."),
        (XLIFF.format(units=UNIT.format(id="1", target="<![CDATA[&amp; R&D; the millet group & <b>]]>")), "&amp; R&D; the millet group & <b>"),
        (XLIFF.format(units='<trans-unit id="1" resname="a>b"><source>s</source><target>The &#109;illet group &amp; &lt;said&gt;.</target></trans-unit>'), "The millet group & <said>."),
    ],
)
def test_xml_is_read_as_an_xml_parser_reads_it(tmp_path, document, target):
    path = write(tmp_path, "a.xlf", document)
    assert [s.target for s in read_segments(str(path))] == [target]
    assert invoke(["fix", str(path), *FIX[1:], "--unsafe-fixes"]).exit_code == 0
    after = path.read_text(encoding="utf-8")
    assert after.count("decoy millet group") == document.count("decoy millet group")
    assert read_segments(str(path))[0].target == target.replace("millet group", "Xiaomi Group")


@pytest.mark.parametrize("value,word", [("NaN", "NaN"), ("-Infinity", "-Infinity"), ("[1, Infinity]", "Infinity")])
def test_json_constants_that_are_not_json_are_refused(tmp_path, value, word):
    path = write(tmp_path, "n.json", '{"b": "The millet group said.",\n "a": %s}' % value)
    assert_refused(check(path), f"{path}:2: not valid JSON: {word} is not a JSON value")
    before = path.read_bytes()
    assert_refused(invoke(["fix", str(path), *FIX[1:]]), "is not a JSON value")
    assert path.read_bytes() == before


def test_a_5000_digit_integer_is_just_a_number(tmp_path):
    path = write(tmp_path, "big.json", '{"n": %s, "s": "The millet group said."}' % ("9" * 5000))
    assert [(s.id, s.target) for s in read_segments(str(path))] == [("s", "The millet group said.")]
    assert invoke(["fix", str(path), *FIX[1:]]).exit_code == 0
    assert path.read_text(encoding="utf-8") == '{"n": %s, "s": "The Xiaomi Group said."}' % ("9" * 5000)


def test_json_escapes_are_decoded_by_json_itself(tmp_path):
    raw = r'{"s": "The \u00e9 \ud83d\ude00 \"millet\" group \/ said\n"}'
    path = write(tmp_path, "e.json", raw)
    import json

    assert read_segments(str(path))[0].target == json.loads(raw)["s"]


# --- 8. cells over the csv module's field limit ---------------------------------------------------

def test_cells_over_131072_characters(tmp_path):
    long = "word " * 40000
    path = write(tmp_path, "long.tsv", f"id\ttarget\n1\t{long}The millet group said.\n")
    assert "millet group" in [text for _, text, _, _ in findings(check(path))]
    glossary = write(tmp_path, "g.csv", "source,approved,wrong,note\n小米,Xiaomi,millet,\"" + "n" * 200000 + "\"\n")
    result = invoke(["check", str(path), "--no-embed", "--no-default-glossary", "--glossary", str(glossary), "--format", "json"])
    assert result.exit_code == 1 and "Traceback" not in result.output


# --- 9. deep nesting ------------------------------------------------------------------------------

def test_tmx_hi_nested_deeper_than_the_recursion_limit(tmp_path):
    depth = 3000
    seg = "<hi>" * depth + "The millet group said." + "</hi>" * depth
    path = write(tmp_path, "deep.tmx", f'<tmx><header srclang="zh"/><body><tu><tuv xml:lang="zh"><seg>x</seg></tuv><tuv xml:lang="en"><seg>{seg}</seg></tuv></tu></body></tmx>')
    assert read_segments(str(path))[0].target == "The millet group said."
    assert invoke(["fix", str(path), *FIX[1:]]).exit_code == 0
    assert "<hi>The Xiaomi Group said.</hi>" in path.read_text(encoding="utf-8")


def test_tbx_nested_100k_deep(tmp_path):
    from mtcheck.glossary.loader import load_glossary_any

    depth = 100_000
    term = "<hi>" * depth + "Xiaomi" + "</hi>" * depth
    path = write(tmp_path, "deep.tbx", f'<martif><text><body><termEntry><langSet xml:lang="en"><tig><term>{term}</term></tig></langSet></termEntry></body></text></martif>')
    assert load_glossary_any(path).entries[0].approved == ("Xiaomi",)


@pytest.mark.parametrize("kind", ["input", "baseline"])
def test_json_of_100k_brackets(tmp_path, kind):
    deep = write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000)
    if kind == "input":
        assert_refused(check(deep), "nested too deeply")
    else:
        target = write(tmp_path, "t.txt", "Fine.\n")
        assert_refused(check(target, "--baseline", str(deep)), "baseline is not valid JSON (nested too deeply)")


# --- 10. baseline values that are not JSON --------------------------------------------------------

@pytest.mark.parametrize("count,message", [("NaN", "NaN is not a JSON value"), ("-Infinity", "-Infinity is not a JSON value"), ("9" * 5000, "an integer of 5000 digits")])
def test_baseline_with_nan_or_huge_integers(tmp_path, count, message):
    baseline = write(tmp_path, "b.json", '{"tool": "mtcheck", "baseline_format": 1, "findings": [{"fingerprint": "f", "rule": "GL001", "file": "t.txt", "count": %s}]}' % count)
    target = write(tmp_path, "t.txt", "Fine.\n")
    assert_refused(check(target, "--baseline", str(baseline)), message)


# --- 17. smaller ----------------------------------------------------------------------------------

def test_cr_only_plain_text_is_split_into_lines(tmp_path):
    path = write(tmp_path, "cr.txt", "First line.\rThe millet group said.\r\rLast.")
    assert [(s.id, s.target) for s in read_segments(str(path))] == [("1", "First line."), ("2", "The millet group said."), ("4", "Last.")]
    assert findings(check(path)) == [("2", "millet group", 2, 5)]
    assert invoke(["fix", str(path), *FIX[1:]]).exit_code == 0
    assert path.read_bytes() == b"First line.\rThe Xiaomi Group said.\r\rLast."


def test_po_context_beside_a_msgid_with_the_same_spelling(tmp_path):
    content = 'msgctxt "a"\nmsgid "b"\nmsgstr "The millet group said."\n\nmsgid "a::b"\nmsgstr "Other text."\n'
    path = write(tmp_path, "p.po", content)
    assert sorted(s.id for s in read_segments(str(path))) == ["a::b", "a::b#2"]
    assert invoke(["fix", str(path), *FIX[1:]]).exit_code == 0
    assert path.read_text(encoding="utf-8") == content.replace("millet group", "Xiaomi Group")
    same = write(tmp_path, "same.po", 'msgctxt "a"\nmsgid "b"\nmsgstr "x"\n\nmsgctxt "a"\nmsgid "b"\nmsgstr "y"\n')
    assert_refused(check(same), f"{same}:7: duplicate id 'a::b' (first at line 3)")


def test_tmx_tuid_beside_an_unnamed_unit_with_that_number(tmp_path):
    unit = '<tu{attr}><tuv xml:lang="zh"><seg>x</seg></tuv><tuv xml:lang="en"><seg>{text}</seg></tuv></tu>'
    body = unit.format(attr=' tuid="2"', text="Other text.") + unit.format(attr="", text="The millet group said.")
    path = write(tmp_path, "u.tmx", f'<tmx><header srclang="zh"/><body>{body}</body></tmx>')
    assert [s.id for s in read_segments(str(path))] == ["2", "2#2"]
    assert invoke(["fix", str(path), *FIX[1:]]).exit_code == 0
    assert [s.target for s in read_segments(str(path))] == ["Other text.", "The Xiaomi Group said."]
    seven = unit.format(attr=' tuid="7"', text="a") + unit.format(attr=' tuid="7"', text="b")
    twice = write(tmp_path, "t.tmx", f'<tmx><header srclang="zh"/><body>{seven}</body></tmx>')
    assert_refused(check(twice), "duplicate id '7'")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_detected_and_kept(tmp_path, codec):
    path = write(tmp_path, "u16.txt", "一 line.\nThe millet group said.\n".encode(codec))
    assert decode_file(str(path)).encoding == codec
    assert [s.target for s in read_segments(str(path))] == ["一 line.", "The millet group said."]
    assert invoke(["fix", str(path), *FIX[1:]]).exit_code == 0
    assert path.read_bytes() == "一 line.\nThe Xiaomi Group said.\n".encode(codec)


@pytest.mark.parametrize("data", [bytes(range(256)) * 8, b"Some UTF-8 text with one\x00 NUL byte in it.\n" * 3])
def test_binary_with_nul_bytes_is_still_refused(tmp_path, data):
    path = write(tmp_path, "b.txt", data)
    with pytest.raises(InputError, match="binary file"):
        read_segments(str(path))


@pytest.mark.parametrize("name", ["README.md", "notes.txt", "glossary"])
def test_glossary_validate_refuses_files_that_are_not_glossaries(tmp_path, name):
    path = write(tmp_path, name, "# Title\n\nsource,approved\n")
    assert_refused(invoke(["glossary", "validate", str(path)]), f"{path}: not a glossary file type")
    target = write(tmp_path, "t.txt", "Fine.\n")
    assert_refused(invoke(["check", str(target), "--no-embed", "--glossary", str(path)]), "not a glossary file type")
    assert invoke(["glossary", "validate", GLOSSARY]).exit_code == 0
