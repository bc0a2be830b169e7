"""XML with character positions: safe parsing plus a small element tree that remembers
where every element, its content and its text lie in the file text.

`parse_xml` first lets defusedxml parse the document (no entity declarations, so no
billion-laughs expansion; no external entities or DTD loading) and turns any problem
into a one-line InputError. Only a document that passed is then scanned by a regex
tokenizer, which is reliable on well-formed XML, into `Element`s with offsets and line
numbers. Readers use it to find targets and `text_runs` to map a target's text to the
file, so `fix` can splice new text in without reserialising the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterator
from xml.sax.saxutils import escape as _xml_escape

from ..errors import InputError
from .spans import PLACEHOLDER, Run, fixed_run

XML_NS = "http://www.w3.org/XML/1998/namespace"

_TOKEN = re.compile(
    r"""<!--.*?-->
      | <!\[CDATA\[(?P<cdata>.*?)\]\]>
      | <\?.*?\?>
      | <!DOCTYPE(?:[^\[>]|\[.*?\])*>
      | </(?P<end>[^\s>]+)\s*>
      | <(?P<start>[^\s/>!?]+)(?P<attrs>(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(?P<empty>/?)>""",
    re.S | re.X,
)
_ATTR = re.compile(r"""([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|lt|gt|amp|quot|apos);")
_DECLARED_ENCODING = re.compile(r"""^(<\?xml[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _decode_ref(name: str) -> str:
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    return _NAMED[name]


def unescape(raw: str) -> str:
    return _REF.sub(lambda m: _decode_ref(m.group(1)), raw)


def escape_text(text: str) -> str:
    """Escape text for element content (also `>`, so `]]>` cannot appear)."""
    return _xml_escape(text)


def escape_cdata(text: str) -> str:
    return text.replace("]]>", "]]]]><![CDATA[>")


@dataclass
class Element:
    name: str  # qualified name as written
    ns: str  # namespace URI ('' when none)
    local: str
    attrs: dict[str, str]  # as written (prefixed names), values unescaped
    start: int  # offset of '<'
    content_start: int  # offset after the start tag
    content_end: int = -1  # offset of the end tag ('</'), == content_start when empty
    end: int = -1  # offset after the end tag
    line: int = 1
    parent: "Element | None" = field(default=None, repr=False)
    children: list["Element"] = field(default_factory=list, repr=False)

    def iter(self) -> Iterator["Element"]:
        yield self
        for child in self.children:
            yield from child.iter()

    def find(self, local: str) -> "Element | None":
        return next((child for child in self.children if child.local == local), None)

    def findall(self, local: str) -> list["Element"]:
        return [child for child in self.children if child.local == local]

    def ancestors(self) -> Iterator["Element"]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def get(self, *names: str, default: str | None = None) -> str | None:
        """The first of the named attributes that is present (e.g. "xml:lang", "lang")."""
        for name in names:
            if name in self.attrs:
                return self.attrs[name]
        return default


def utf8_bytes(text: str) -> bytes:
    """Decoded XML as UTF-8 bytes, its encoding declaration removed so parsers read it right."""
    return _DECLARED_ENCODING.sub(r"\1", text.lstrip("\ufeff"), count=1).encode("utf-8")


def check_well_formed(data: bytes | str, path: str) -> None:
    """Parse with defusedxml; any entity declaration, external entity or syntax error
    becomes a one-line InputError."""
    import defusedxml.ElementTree as safe_et
    from defusedxml import DefusedXmlException
    from xml.etree.ElementTree import ParseError

    if isinstance(data, str):
        data = utf8_bytes(data)
    try:
        safe_et.fromstring(data)
    except DefusedXmlException as exc:
        raise InputError(
            f"refused unsafe XML ({type(exc).__name__}: entity declarations and external entities are not allowed)",
            where=path, hint="remove the DOCTYPE's entity declarations",
        ) from None
    except ParseError as exc:
        line, column = exc.position
        message = str(exc).split(":")[0]
        raise InputError(f"not well-formed XML: {message} (column {column + 1})", where=path, line=line, hint="fix the XML syntax") from None


def parse_xml(text: str, path: str) -> Element:
    """The document's root element, after a defusedxml safety and syntax check."""
    check_well_formed(text, path)
    return scan(text)


def scan(text: str) -> Element:
    root: Element | None = None
    stack: list[Element] = []
    namespaces: list[dict[str, str]] = [{"xml": XML_NS}]
    line = 1
    line_pos = 0
    for match in _TOKEN.finditer(text):
        line += text.count("\n", line_pos, match.start())
        line_pos = match.start()
        if match.group("start"):
            attrs = {name: unescape(dq if dq is not None else sq) for name, dq, sq in _ATTR.findall(match.group("attrs"))}
            scope = dict(namespaces[-1])
            for key, value in attrs.items():
                if key == "xmlns":
                    scope[""] = value
                elif key.startswith("xmlns:"):
                    scope[key[6:]] = value
            qname = match.group("start")
            prefix, _, local = qname.rpartition(":")
            element = Element(qname, scope.get(prefix, ""), local, attrs, match.start(), match.end(), line=line, parent=stack[-1] if stack else None)
            if stack:
                stack[-1].children.append(element)
            elif root is None:
                root = element
            if match.group("empty"):
                element.content_end = element.content_start
                element.end = match.end()
            else:
                stack.append(element)
                namespaces.append(scope)
        elif match.group("end"):
            element = stack.pop()
            namespaces.pop()
            element.content_end = match.start()
            element.end = match.end()
    if root is None or stack:
        raise ValueError("scan() needs a well-formed document")
    return root


def _text_piece(text: str, start: int, end: int) -> Run:
    """Character data text[start:end] with entity references decoded, offsets kept."""
    if "&" not in text[start:end]:
        return Run(text[start:end], range(start, end + 1), True, escape_text)
    chars: list[str] = []
    bounds: list[int] = []
    position = start
    for match in _REF.finditer(text, start, end):
        for offset in range(position, match.start()):
            chars.append(text[offset])
            bounds.append(offset)
        chars.append(_decode_ref(match.group(1)))
        bounds.append(match.start())
        position = match.end()
    for offset in range(position, end):
        chars.append(text[offset])
        bounds.append(offset)
    bounds.append(end)
    return Run("".join(chars), tuple(bounds), True, escape_text)


def text_runs(text: str, element: Element, kind: Callable[[Element], str]) -> list[Run]:
    """The runs of an element's content. `kind(child)` says what an inline child is:
    "text" (its content is part of the text: <g>, <mrk>, <pc>), "code" (a placeholder:
    <x/>, <ph>, <bpt>) or "skip" (contributes nothing)."""
    runs: list[Run] = []
    children = iter(element.children)
    child = next(children, None)
    position = element.content_start
    while position < element.content_end:
        next_child_start = child.start if child is not None else element.content_end
        if position == next_child_start and child is not None:
            what = kind(child)
            if what == "text":
                runs.extend(text_runs(text, child, kind))
            elif what == "code":
                runs.append(fixed_run(PLACEHOLDER, child.start, child.end))
            position = child.end
            child = next(children, None)
            continue
        match = _TOKEN.search(text, position, next_child_start)
        piece_end = match.start() if match else next_child_start
        if piece_end > position:
            runs.append(_text_piece(text, position, piece_end))
        if match is None:
            position = next_child_start
            continue
        if match.group("cdata") is not None:
            start = match.start("cdata")
            content = match.group("cdata")
            runs.append(Run(content, range(start, start + len(content) + 1), True, escape_cdata))
        position = match.end()
    return runs


def plain_text(text: str, element: Element) -> str:
    """All character data inside an element (inline markup dropped, CDATA kept)."""
    return "".join(run.text for run in text_runs(text, element, lambda child: "text"))
