"""XML with character positions: a small element tree, built from expat's events, that
remembers where every element and every piece of its text lie in the file text.

`parse_xml` parses the document with expat (xml.parsers.expat) under defusedxml's rules:
entity declarations (the billion-laughs attack), unparsed entities and external entity
references are refused, and so is anything expat finds not well-formed, each as a
one-line InputError. Element and text positions come from expat's `CurrentByteIndex` for
every event, so what mtcheck checks and fixes is exactly what an XML parser sees (no
regular expression ever scans the markup). Readers use the tree to find targets and
`text_runs` to map a target's text to the file, so `fix` can splice new text in without
reserialising the document. Nothing here recurses, so nesting depth is only bounded by
memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterator, Union
from xml.sax.saxutils import escape as _xml_escape

from ..errors import InputError
from .spans import PLACEHOLDER, Run, fixed_run

XML_NS = "http://www.w3.org/XML/1998/namespace"

_DECLARED_ENCODING = re.compile(r"""^(\ufeff?<\?xml[^>]*?)(\s+encoding\s*=\s*["'][^"']*["'])""")


def escape_text(text: str) -> str:
    """Escape text for element content (also `>`, so `]]>` cannot appear)."""
    return _xml_escape(text)


def escape_cdata(text: str) -> str:
    return text.replace("]]>", "]]]]><![CDATA[>")


@dataclass(eq=False)  # compared by identity: equality would walk whole subtrees
class Element:
    name: str  # qualified name as written
    ns: str  # namespace URI ('' when none)
    local: str
    attrs: dict[str, str]  # as written (prefixed names), values unescaped
    start: int  # offset of '<'
    end: int = -1  # offset after the end tag (after '/>' for an empty-element tag)
    line: int = 1
    parent: "Element | None" = field(default=None, repr=False)
    children: list["Element"] = field(default_factory=list, repr=False)
    # Child elements and the text between them, in document order: text and CDATA as Runs
    # (file offsets of every character), comments and processing instructions left out.
    content: list[Union["Element", Run]] = field(default_factory=list, repr=False)

    def iter(self) -> Iterator["Element"]:
        """This element and all below it, in document order."""
        stack = [iter((self,))]
        while stack:
            node = next(stack[-1], None)
            if node is None:
                stack.pop()
                continue
            yield node
            stack.append(iter(node.children))

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
    """Decoded XML as UTF-8 bytes for a parser: the encoding declaration is blanked with
    spaces (the text is already decoded; positions stay the same)."""
    return _DECLARED_ENCODING.sub(lambda m: m.group(1) + " " * len(m.group(2)), text, count=1).encode("utf-8")


class _CharOffsets:
    """Character offsets of expat's byte offsets, which only move forward while parsing."""

    def __init__(self, text: str, data: bytes):
        self.data = data
        self.ascii = len(data) == len(text)
        self.byte = 0
        self.char = 0

    def __call__(self, byte: int) -> int:
        if self.ascii:
            return byte
        if byte < self.byte:
            raise ValueError("expat byte offsets went backwards")
        self.char += len(self.data[self.byte:byte].decode("utf-8"))
        self.byte = byte
        return self.char


class _TreeBuilder:
    """expat handlers that build the positioned tree."""

    def __init__(self, text: str, parser, offsets: _CharOffsets):
        self.text = text
        self.parser = parser
        self.offset = lambda: offsets(parser.CurrentByteIndex)
        self.root: Element | None = None
        self.stack: list[Element] = []
        self.namespaces: list[dict[str, str]] = [{"xml": XML_NS}]
        self.last_event = -1  # offset of the latest start, end, comment or PI, to tell <a/> from <a></a>
        self.pending: tuple[list[str], list[int]] | None = None  # text being collected
        self.pending_escape: Callable[[str], str] = escape_text
        self.in_cdata = False

    # -- text ----------------------------------------------------------------------------
    def _flush(self) -> None:
        if self.pending is None:
            return
        chars, bounds = self.pending
        self.pending = None
        if bounds[-1] - bounds[0] == len(chars) and "".join(chars) == self.text[bounds[0]:bounds[-1]]:
            run = Run("".join(chars), range(bounds[0], bounds[-1] + 1), True, self.pending_escape)
        else:
            run = Run("".join(chars), tuple(bounds), True, self.pending_escape)
        self.stack[-1].content.append(run)

    def characters(self, data: str) -> None:
        if not self.stack:
            return
        start = self.offset()
        text = self.text
        if text.startswith("&", start) and not self.in_cdata:
            raw_end = text.index(";", start) + 1  # a character or predefined entity reference
            per_char = [start] * len(data)
        elif data == "\n" and text.startswith("\r", start):
            raw_end = start + (2 if text.startswith("\r\n", start) else 1)  # a normalised line break
            per_char = [start]
        elif text.startswith(data, start):
            raw_end = start + len(data)
            per_char = list(range(start, raw_end))
        else:
            raise ValueError(f"expat text {data[:20]!r} does not match the file at offset {start}")
        if self.pending is None or self.pending[1][-1] != start:
            self._flush()
            self.pending = ([], [start])
            self.pending_escape = escape_cdata if self.in_cdata else escape_text
        chars, bounds = self.pending
        bounds.pop()
        chars.extend(data)
        bounds.extend(per_char)
        bounds.append(raw_end)

    def start_cdata(self) -> None:
        self._flush()
        self.in_cdata = True

    def end_cdata(self) -> None:
        self._flush()
        self.in_cdata = False

    def other(self, *_args) -> None:
        """A comment or processing instruction: it splits the text around it."""
        self._flush()
        self.last_event = self.offset()

    # -- elements ------------------------------------------------------------------------
    def start(self, qname: str, attrs: dict[str, str]) -> None:
        self._flush()
        at = self.offset()
        scope = dict(self.namespaces[-1])
        for key, value in attrs.items():
            if key == "xmlns":
                scope[""] = value
            elif key.startswith("xmlns:"):
                scope[key[6:]] = value
        prefix, _, local = qname.rpartition(":")
        parent = self.stack[-1] if self.stack else None
        element = Element(qname, scope.get(prefix, ""), local, dict(attrs), at, line=self.parser.CurrentLineNumber, parent=parent)
        if parent is not None:
            parent.children.append(element)
            parent.content.append(element)
        elif self.root is None:
            self.root = element
        self.stack.append(element)
        self.namespaces.append(scope)
        self.last_event = at

    def end(self, qname: str) -> None:
        self._flush()
        at = self.offset()
        element = self.stack.pop()
        self.namespaces.pop()
        if self.last_event == element.start and self.text[at - 2:at] == "/>":
            element.end = at  # <name/>: expat reports the offset after the tag
        else:
            element.end = self.text.index(">", at) + 1  # at is the offset of '</'
        self.last_event = at


def parse_xml(text: str, path: str) -> Element:
    """The document's root element; unsafe or malformed XML is a one-line InputError."""
    import xml.parsers.expat as expat
    from defusedxml.common import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden

    data = utf8_bytes(text)
    parser = expat.ParserCreate()
    parser.buffer_text = False
    builder = _TreeBuilder(text, parser, _CharOffsets(text, data))

    def refuse_entity(name, *args):
        raise EntitiesForbidden(name, None, None, None, None, None)

    def refuse_unparsed(name, base, sysid, pubid, notation_name):
        raise EntitiesForbidden(name, None, base, sysid, pubid, notation_name)

    def refuse_external(context, base, sysid, pubid):
        raise ExternalReferenceForbidden(context, base, sysid, pubid)

    parser.EntityDeclHandler = refuse_entity
    parser.UnparsedEntityDeclHandler = refuse_unparsed
    parser.ExternalEntityRefHandler = refuse_external
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.characters
    parser.StartCdataSectionHandler = builder.start_cdata
    parser.EndCdataSectionHandler = builder.end_cdata
    parser.CommentHandler = builder.other
    parser.ProcessingInstructionHandler = builder.other
    try:
        parser.Parse(data, True)
    except DefusedXmlException as exc:
        raise InputError(
            f"refused unsafe XML ({type(exc).__name__}: entity declarations and external entities are not allowed)",
            where=path, hint="remove the DOCTYPE's entity declarations",
        ) from None
    except expat.ExpatError as exc:
        message = expat.errors.messages[exc.code]
        raise InputError(f"not well-formed XML: {message} (column {exc.offset + 1})", where=path, line=exc.lineno, hint="fix the XML syntax") from None
    if builder.root is None:
        raise InputError("not well-formed XML: no element found", where=path, hint="fix the XML syntax")
    return builder.root


def text_runs(element: Element, kind: Callable[[Element], str]) -> list[Run]:
    """The runs of an element's content. `kind(child)` says what an inline child is:
    "text" (its content is part of the text: <g>, <mrk>, <pc>), "code" (a placeholder:
    <x/>, <ph>, <bpt>) or "skip" (contributes nothing)."""
    runs: list[Run] = []
    stack = [iter(element.content)]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
        elif isinstance(item, Run):
            runs.append(item)
        else:
            what = kind(item)
            if what == "text":
                stack.append(iter(item.content))
            elif what == "code":
                runs.append(fixed_run(PLACEHOLDER, item.start, item.end))
    return runs


def plain_text(element: Element) -> str:
    """All character data inside an element (inline markup dropped, CDATA kept)."""
    return "".join(run.text for run in text_runs(element, lambda child: "text"))
