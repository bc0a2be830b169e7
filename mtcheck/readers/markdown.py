"""Markdown: one segment per paragraph and heading (a list item's or quote's paragraphs too).

Blocks come from markdown-it-py (CommonMark). Not checked: fenced and indented code
blocks, HTML blocks, YAML front matter, and inside a paragraph inline code spans, link
destinations, autolinks, bare URLs and inline HTML; those stand in the target as U+FFFC
placeholders and `fix` never touches them. The target keeps the paragraph's line breaks;
a continuation line's indentation or quote marker shows as spaces, so columns are exact.
Emphasis markers and escapes stay in the text as written.

Segment id: the 1-based line number where the block starts (as for plain text).
Suppressions: an HTML comment `<!-- mtcheck: ignore[RULE] -->` inside the block, or HTML
comment blocks directly above it.
"""

from __future__ import annotations

import re

from ..suppressions import parse_directives, suppression_meta
from .decoding import split_lines, strip_eol
from .spans import PLACEHOLDER, Located, Run, fixed_run, located_segment, raw_run

_MASK = re.compile(
    r"""(?<![`\\])(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)     # code span
      | <!--.*?-->                                               # HTML comment
      | <[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>                  # autolink
      | <[A-Za-z0-9.!\#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+>       # email autolink
      | </?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>                 # inline HTML tag
      | (?<=\])\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)  # link destination
      | \b(?:https?|ftp)://[^\s<>()]+[^\s<>().,;:!?'"]           # bare URL
    """,
    re.S | re.X,
)
_FRONT_MATTER_END = {"---", "..."}
_COMMENT_ONLY = re.compile(r"^\s*(?:<!--.*?-->\s*)+$", re.S)


def blank_front_matter(text: str) -> str:
    """The text with a leading YAML front matter block blanked (line numbers kept)."""
    lines = split_lines(text)
    if not lines or strip_eol(lines[0]).rstrip() != "---":
        return text
    for index in range(1, len(lines)):
        if strip_eol(lines[index]).rstrip() in _FRONT_MATTER_END:
            return "".join(line[len(strip_eol(line)):] for line in lines[: index + 1]) + "".join(lines[index + 1:])
    return text


def _line_offsets(text: str) -> list[int]:
    offsets = [0]
    for line in split_lines(text):
        offsets.append(offsets[-1] + len(line))
    return offsets


def _content_pieces(text: str, offsets: list[int], first_line: int, content: str) -> list[tuple[int, int]] | None:
    """File (start, end) of each content line of a block, or None if one cannot be found."""
    pieces = []
    for index, content_line in enumerate(content.split("\n")):
        wanted = content_line.strip()
        number = first_line + index
        if number + 1 >= len(offsets):
            return None
        raw = strip_eol(text[offsets[number]:offsets[number + 1]])
        at = raw.rfind(wanted) if wanted else len(raw)
        if at < 0:
            return None
        pieces.append((offsets[number] + at, offsets[number] + at + len(wanted)))
    return pieces


def _runs(text: str, pieces: list[tuple[int, int]]) -> list[Run]:
    """Runs over the content lines: raw text, masked spans as placeholders, line breaks
    as a newline plus the next line's indentation in spaces."""
    # The content as one string with a map from its offsets to file offsets.
    joined: list[str] = []
    where: list[int] = []
    for index, (start, end) in enumerate(pieces):
        if index:
            joined.append("\n")
            where.append(pieces[index - 1][1])
        joined.append(text[start:end])
        where.extend(range(start, end))
    content = "".join(joined)
    where.append(pieces[-1][1])
    runs: list[Run] = []
    position = 0

    def plain(upto: int) -> None:
        nonlocal position
        while position < upto:
            newline = content.find("\n", position, upto)
            stop = upto if newline < 0 else newline
            if stop > position:
                runs.append(raw_run(content[position:stop], where[position]))
            if newline < 0:
                position = upto
                break
            next_start = where[newline + 1]
            line_start = max(text.rfind("\n", 0, next_start), text.rfind("\r", 0, next_start)) + 1
            runs.append(fixed_run("\n", where[newline], line_start))
            if next_start > line_start:
                runs.append(fixed_run(" " * (next_start - line_start), line_start, next_start))
            position = newline + 1

    for match in _MASK.finditer(content):
        plain(match.start())
        runs.append(fixed_run(PLACEHOLDER, where[match.start()], where[match.end() - 1] + 1))
        position = match.end()
    plain(len(content))
    return runs


def locate(text: str, path: str) -> list[Located]:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(blank_front_matter(text))
    offsets = _line_offsets(text)
    located: list[Located] = []
    pending: list[str] = []  # suppression comments from HTML blocks right above
    for index, token in enumerate(tokens):
        if token.type == "html_block":
            pending = pending + [token.content] if _COMMENT_ONLY.match(token.content) else []
            continue
        if token.type in ("code_block", "fence", "hr"):
            pending = []
            continue
        if token.type != "inline" or token.map is None or tokens[index - 1].type not in ("paragraph_open", "heading_open"):
            continue
        pieces = _content_pieces(text, offsets, token.map[0], token.content)
        comments = pending + re.findall(r"<!--.*?-->", token.content, re.S)
        pending = []
        if not pieces or not token.content.strip():
            continue
        runs = _runs(text, pieces)
        kind = tokens[index - 1].tag
        meta = {"format": "markdown", "block": kind, **suppression_meta(c for c in comments if parse_directives(c))}
        located.append(located_segment(text, path, str(token.map[0] + 1), runs, meta=meta))
    return located
