"""`mtcheck fix` on translation files: golden corrected files, only the targeted text
changes (every other byte identical), and property tests for the writers."""

from __future__ import annotations

import difflib
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtcheck.readers import FORMAT_WRITERS, read_segments
from mtcheck.readers.formats import FORMAT_MODULES, _locate
from mtcheck.readers.spans import PLACEHOLDER

from .formats_util import CLI_BASE, FIXTURES, FORMATS_DIR, assert_golden, invoke


def fixed_copy(tmp_path, name: str, *extra: str) -> tuple[str, str]:
    """(original text, fixed text) of a fixture fixed through the CLI."""
    source = tmp_path / name
    shutil.copy(FORMATS_DIR / name, source)
    out = tmp_path / f"fixed-{name}"
    result = invoke(["fix", str(source), *CLI_BASE, "--output", str(out), "--no-diff", *extra])
    assert result.exit_code == 0, result.output
    return source.read_text(encoding="utf-8"), out.read_text(encoding="utf-8")


def changed_regions(before: str, after: str) -> list[tuple[int, int]]:
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [(i1, i2) for tag, i1, i2, _, _ in matcher.get_opcodes() if tag != "equal"]


def target_spans(text: str, name: str) -> dict[str, tuple[int, int]]:
    located = _locate(FORMAT_MODULES["." + name.rsplit(".", 1)[1]])(text, name)
    return {item.segment.id: (item.runs[0].start, item.runs[-1].end) for item in located}


@pytest.mark.parametrize("name", FIXTURES)
def test_fixed_file_matches_golden_file(tmp_path, name):
    _, fixed = fixed_copy(tmp_path, name, "--unsafe-fixes")
    assert_golden(f"fixed-{name}", fixed)


@pytest.mark.parametrize("name", FIXTURES)
def test_fix_changes_only_target_text(tmp_path, name):
    before, after = fixed_copy(tmp_path, name, "--unsafe-fixes")
    assert before != after, "every fixture has something to fix"
    spans = target_spans(before, name)
    for start, end in changed_regions(before, after):
        assert any(s <= start and end <= e for s, e in spans.values()), f"change at {start}:{end} outside every target: {before[start:end]!r}"
    # Suppressed and skipped units keep their findings unfixed.
    old = {s.id: s.target for s in read_segments(str(tmp_path / name), include_fuzzy=True)}
    new = {s.id: s.target for s in read_segments(str(tmp_path / f"fixed-{name}"), include_fuzzy=True)}
    assert old.keys() == new.keys()


@pytest.mark.parametrize(
    "name,kept",
    [
        ("news.xlf", ["the nineteen major", "HUAWEI HUAWEI", "Legal legal", "A large data centre", "record record inside"]),
        ("news.po", ["the nineteen major", "The large data market", "old old entry"]),
        ("news.md", ["record record\n```", "The nineteen major", "this this", "line and line in front matter", "`line and line`"]),
        ("news.tmx", ["the nineteen major"]),
        ("news-2.0.xlf", ["good good", "brand brand", "large data"]),
    ],
)
def test_suppressed_skipped_and_code_text_is_not_fixed(tmp_path, name, kept):
    _, after = fixed_copy(tmp_path, name, "--unsafe-fixes")
    for text in kept:
        assert text in after


def test_fix_keeps_crlf_and_bom(tmp_path):
    data = (FORMATS_DIR / "news.po").read_text(encoding="utf-8").replace("\n", "\r\n")
    path = tmp_path / "crlf.po"
    path.write_bytes(b"\xef\xbb\xbf" + data.encode("utf-8"))
    result = invoke(["fix", str(path), *CLI_BASE, "--in-place", "--no-backup", "--no-diff"])
    assert result.exit_code == 0
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\n" not in raw.replace(b"\r\n", b"")
    assert "Shops join online and offline." in raw.decode("utf-8-sig")


def test_fix_escapes_new_text_for_the_format(tmp_path):
    cases = {
        "a.xlf": ('<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="x"><body>'
                  '<trans-unit id="1"><source>s</source><target>a</target></trans-unit></body></file></xliff>'),
        "a.po": 'msgid "s"\nmsgstr "a"\n',
        "a.json": '{"k": "a"}',
        "a.tmx": '<tmx><header srclang="zh"/><body><tu><tuv xml:lang="zh"><seg>s</seg></tuv><tuv xml:lang="en"><seg>a</seg></tuv></tu></body></tmx>',
    }
    tricky = 'R&D <b> "q" \\ tab\tend'
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        segment = read_segments(str(path))[0]
        path.write_text(FORMAT_WRITERS["." + name.split(".")[1]](text, str(path), {segment.id: tricky}), encoding="utf-8")
        assert read_segments(str(path))[0].target == tricky, name


# --- property tests: random new targets written and read back ---------------------------------

TEXT = st.text(alphabet=st.sampled_from(list('ab Z9 "\'&<>\\/\t\n中😀]]>%{}')), max_size=20)
WRITABLE = ["news.po", "news.json", "flat.json", "news.xlf", "news-2.0.xlf", "news.tmx"]


def new_target(old: str, pieces: list[str]) -> str:
    """A random target that keeps the old one's placeholders (inline code) in order."""
    parts = old.split(PLACEHOLDER)
    return PLACEHOLDER.join("A" + pieces[i % len(pieces)] for i in range(len(parts)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(WRITABLE), data=st.data())
def test_random_targets_are_written_and_read_back(tmp_path, name, data):
    text = (FORMATS_DIR / name).read_text(encoding="utf-8")
    segments = read_segments(str(FORMATS_DIR / name), include_fuzzy=True)
    chosen = data.draw(st.lists(st.sampled_from([s.id for s in segments]), unique=True, min_size=1))
    by_id = {s.id: s for s in segments}
    changes = {i: new_target(by_id[i].target, data.draw(st.lists(TEXT, min_size=1, max_size=3))) for i in chosen}
    if name.endswith((".xlf", ".tmx")):
        changes = {i: t.replace("\r", "") for i, t in changes.items()}
    extension = "." + name.rsplit(".", 1)[1]
    rewritten = FORMAT_WRITERS[extension](text, name, changes)
    path = tmp_path / name
    path.write_text(rewritten, encoding="utf-8")
    after = {s.id: s for s in read_segments(str(path), include_fuzzy=True)}
    assert after.keys() == by_id.keys()
    for segment_id, segment in by_id.items():
        assert after[segment_id].target == changes.get(segment_id, segment.target)
    old_spans, new_spans = target_spans(text, name), target_spans(rewritten, name)
    for segment_id in by_id.keys() - changes.keys():
        (a, b), (c, d) = old_spans[segment_id], new_spans[segment_id]
        assert text[a:b] == rewritten[c:d]
    # Outside the changed targets nothing moved: the text before the first change is equal.
    first = min(old_spans[i][0] for i in changes)
    assert rewritten[:first] == text[:first]


# --- Markdown: random documents ----------------------------------------------------------------

WORD = st.sampled_from(["alpha", "beta", "gamma", "record", "line", "data", "Xiaomi", "*em*", "**strong**", "a\\*b"])
CODE_WORD = "zzcode"  # only ever inside code: must never reach a target


@st.composite
def inline_text(draw) -> str:
    pieces = draw(st.lists(st.one_of(WORD, st.just(f"`{CODE_WORD}`"), st.just(f"[link](https://{CODE_WORD}.example)")), min_size=1, max_size=6))
    return " ".join(["start", *pieces])


@st.composite
def markdown_document(draw) -> str:
    blocks = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["para", "multi", "heading", "list", "quote", "fence", "indented"]))
        if kind == "indented" and blocks and blocks[-1].startswith("- "):
            kind = "fence"  # after a list item an indented line continues the item (CommonMark)
        if kind == "para":
            blocks.append(draw(inline_text()))
        elif kind == "multi":
            blocks.append(draw(inline_text()) + "\n   " + draw(inline_text()))
        elif kind == "heading":
            blocks.append("#" * draw(st.integers(1, 3)) + " " + draw(inline_text()))
        elif kind == "list":
            blocks.append("\n".join(f"- {draw(inline_text())}" for _ in range(draw(st.integers(1, 3)))))
        elif kind == "quote":
            blocks.append(f"> {draw(inline_text())}\n> {draw(inline_text())}")
        elif kind == "fence":
            blocks.append(f"```\n{CODE_WORD} alpha\n```")
        else:
            blocks.append(f"    {CODE_WORD} beta")
    return "\n\n".join(blocks) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=markdown_document(), data=st.data())
def test_random_markdown_reads_exactly_and_round_trips(tmp_path, document, data):
    from mtcheck.context import position

    path = tmp_path / "doc.md"
    path.write_text(document, encoding="utf-8")
    segments = read_segments(str(path))
    lines = document.split("\n")
    for segment in segments:
        assert CODE_WORD not in segment.target
        for offset, char in enumerate(segment.target):
            if char.isalnum():
                line, column = position(segment, offset)
                assert lines[line - 1][column - 1] == char
    if not segments:
        return
    chosen = data.draw(st.sampled_from(segments))
    new = chosen.target.replace("start", "begin", 1)
    rewritten = FORMAT_WRITERS[".md"](document, str(path), {chosen.id: new})
    path.write_text(rewritten, encoding="utf-8")
    after = {s.id: s.target for s in read_segments(str(path))}
    assert after == {s.id: (new if s.id == chosen.id else s.target) for s in segments}
    assert rewritten.replace("begin", "start", 1) == document


@pytest.mark.parametrize("args,shows_diff", [([], True), (["--show-diff"], True), (["--no-show-diff"], False), (["--no-diff"], False)])
def test_fix_show_diff_switch(tmp_path, args, shows_diff):
    path = tmp_path / "mt.txt"
    path.write_text("They set a record record.\n", encoding="utf-8")
    result = invoke(["fix", str(path), *CLI_BASE, *args])
    assert result.exit_code == 0
    assert ("+They set a record." in result.stdout) is shows_diff
