"""A Word document rendered from the template, without reopening the template.

docxtpl's own render opens the template with python-docx for every document,
parses every part and serialises every part again on save. In a batch, every
document comes from the same template, so here the template is read once per
process: the parts that never change are compressed once and copied into
every document, and the parts holding Jinja tags (the body, headers and
footers) get docxtpl's clean-up and a Jinja compile once. A document then
costs a Jinja render of those parts, one parse of the body (of the
template's part of it alone when the rest is spliced in as text: see
``Spliced``), and the parts it writes itself (comments, properties).

The prepared template is kept in the per-user cache (utils/cache.py) under a
hash of the template file and of the code that prepares it, so a new process
reads it back instead of importing docxtpl and python-docx: the parts are
parsed with python-docx's parser settings but lxml's own element classes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from ... import __version__
from ...load.source_part import package_parts, with_source_rel, with_source_type
from ...utils import cache
from . import lists, wordml, zip_package
from .lists import NUMBERING, Lists, numbering_lists
from .wordml import W_NS, escape, parse_xml
from .zip_package import Deflated, deflate, write_zip

if TYPE_CHECKING:
    from docx.oxml.document import CT_Body, CT_Document
    from docxtpl import DocxTemplate
    from jinja2 import Environment

__all__ = ["Spliced", "WordDocument", "WordTemplate", "load_template"]

DOCUMENT = "word/document.xml"
CORE = "docProps/core.xml"
CONTENT_TYPES = "[Content_Types].xml"
DOCUMENT_RELS = "word/_rels/document.xml.rels"
COMMENTS = "word/comments.xml"
_DECLARATION = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_TEMPLATED_RELS = ("header", "footer", "footnotes")  # the parts docxtpl renders besides the body
_W_BODY = f"{{{W_NS}}}body"
_COLUMN_LOOP = re.compile(r"\{%-?\s*tc\s")
_COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
_CORE_XML = (
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>{title}</dc:title><dc:subject>{subject}</dc:subject><dc:creator>{author}</dc:creator>"
    "<cp:lastModifiedBy>{author}</cp:lastModifiedBy>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
    "<dc:language>{language}</dc:language></cp:coreProperties>"
)


def _render_part(src_xml: str, context: dict[str, Any], env: Environment) -> str:
    """docxtpl's render_xml_part (DocxTemplate.render_xml_part) on a part held
    here rather than on a python-docx document docxtpl opened itself, with
    docxtpl's own steps but its last: that one turns {_{ into {{ (and }_},
    {_%, %_}) across the whole rendered part, values included, so a name typed
    with {_{ would print as {{. The template uses no such escapes."""
    src_xml = _PARAGRAPH_START.sub(r"\n<w:p\1", src_xml)
    dst_xml = env.from_string(src_xml).render(context)
    return _resolve_listing(_PARAGRAPH_AGAIN.sub(r"<w:p\1", dst_xml))


def _resolve_listing(xml: str) -> str:
    # docxtpl's resolve_listing turns a tab, newline, \a or \f in a value into
    # Word markup. The prepared template has none of these outside its XML
    # declaration, so a rendered part without any needs none of its dozen
    # regex passes, nor docxtpl imported.
    if not _LISTING_CHARS.search(xml):
        return xml
    return _docxtpl().resolve_listing(xml)


def _docxtpl() -> DocxTemplate:
    """docxtpl's template object, for its methods that work on XML text alone
    (patch_xml, resolve_listing); it opens no file."""
    from docxtpl import DocxTemplate

    return DocxTemplate(template_file="")


_LISTING_CHARS = re.compile("[\t\n\a\f]")
_PARAGRAPH_START = re.compile(r"<w:p([ >])")
_PARAGRAPH_AGAIN = re.compile(r"\n<w:p([ >])")


# Where spliced XML goes in the parsed body: a processing instruction, which
# no user text can make (text is escaped) and lxml writes back as it was.
SPLICE = "agreement-kit"


@dataclass(frozen=True)
class Spliced:
    """Body XML written into the document part as text when it is packaged,
    never parsed: an agreement's clauses and schedules, most of its body.
    ``headings``: its Heading 1 and 2 paragraphs alone, for the contents list."""

    xml: str
    headings: str = ""


def _insert_before_paragraph(body: str, marker: str, xml: str) -> str:
    at = body.find(marker)
    start = max((m.start() for m in _PARAGRAPH_START.finditer(body, 0, at)), default=-1) if at >= 0 else -1
    if start < 0:
        raise LookupError(f"the Word template has no paragraph holding {marker!r}")
    return body[:start] + xml + body[start:]


@dataclass(frozen=True)
class WordTemplate:
    """The template's parts, read and prepared once per process."""

    path: Path
    members: tuple[tuple[str, Deflated], ...]  # every member in the template's zip order, compressed
    body: str  # the document body, as docxtpl prepares it for Jinja
    parts: tuple[tuple[str, str], ...]  # headers, footers, footnotes: (member name, prepared XML)
    document: tuple[str, str]  # word/document.xml before and after its body
    content_types: tuple[bytes, bytes]  # without, with the comments part
    document_rels: tuple[bytes, bytes]
    lists: Lists  # the numbering part's clause and item lists

    def render(
        self,
        context: dict[str, Any],
        env: Environment,
        before: dict[str, str] | None = None,
        *,
        spliced: dict[str, Spliced] | None = None,
        word_classes: bool = False,
    ) -> WordDocument:
        """Render the templated parts with ``context`` as docxtpl does
        (``{%p %}`` and ``{%tr %}`` tags; a newline in a value becomes a
        break). ``env`` should keep what it compiles: the sources repeat.
        ``before`` maps a marker text to XML written in front of the body
        paragraph that holds it, before the body is parsed; ``spliced`` to
        XML put there when the document is packaged (a placeholder holds its
        place in the parsed body). ``word_classes`` gives the document
        python-docx's element classes, for callers that use their methods
        (importing python-docx when they are first asked for)."""
        head, tail = self.document
        body = _render_part(self.body, context, env)
        for marker, xml in (before or {}).items():
            body = _insert_before_paragraph(body, marker, xml)
        placeholders = {}
        for n, (marker, piece) in enumerate((spliced or {}).items()):
            body = _insert_before_paragraph(body, marker, f"<?{SPLICE} {n}?>")
            placeholders[str(n)] = piece
        if word_classes:
            from docx.oxml.parser import parse_xml as parse_with_classes

            root: CT_Document = parse_with_classes(head + body + tail)
        else:
            root = parse_xml(head + body + tail)
        rendered = {
            name: _DECLARATION + _render_part(source, context, env).encode("utf-8")
            for name, source in self.parts
        }
        return WordDocument(self, root, rendered, spliced=placeholders)


@lru_cache(maxsize=4)
def load_template(path: Path) -> WordTemplate:
    """Read a .docx template and prepare its templated parts for Jinja; kept
    in the per-user cache while the file and the code preparing it are unchanged."""
    data = path.read_bytes()
    folder = f"word-template-{cache.key(str(path))[:8]}-"  # a newer entry replaces the older
    try:
        name = f"{folder}{_cache_key(path, data)}.pickle"
    except OSError:  # the code cannot be read to hash it: no entry
        return _prepare(path, data)
    return cache.pickled(
        name,
        lambda: _prepare(path, data),
        lambda kept: isinstance(kept, WordTemplate) and kept.path == path,
        replaces=folder,
    )


def _cache_key(path: Path, data: bytes) -> str:
    """A hash of the template and of what prepares it: this code, docxtpl's
    clean-up, lxml's serialiser, zlib's compression (the unchanging parts are
    kept compressed) and this package's version."""
    import zlib

    parts: list[bytes | str] = [str(path), data, __version__, etree.__version__, zlib.ZLIB_RUNTIME_VERSION]
    parts += [
        Path(module.__file__).read_bytes() for module in (lists, wordml, zip_package) if module.__file__
    ]
    parts.append(Path(__file__).read_bytes())
    parts += cache.package_files("docxtpl", "__init__.py", "template.py")
    return cache.key(*parts)


def _prepare(path: Path, data: bytes) -> WordTemplate:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = tuple((info.filename, archive.read(info)) for info in archive.infolist())
    parts_by_name = dict(members)
    if COMMENTS in parts_by_name:
        raise ValueError(f"{path.name}: the Word template must not carry comments of its own")
    cleaner = _docxtpl()
    document = parse_xml(parts_by_name[DOCUMENT])
    head, tail = _around_body(parts_by_name[DOCUMENT].decode("utf-8"))
    body_source = etree.tostring(document.find(_W_BODY), encoding="unicode")
    if _COLUMN_LOOP.search(body_source):
        # docxtpl repairs the table grid after a column loop (fix_tables);
        # rendering here does not, so refuse rather than write a broken table.
        raise ValueError(
            f"{path.name}: the Word template uses a {{%tc %}} column loop, which agreement-kit"
            " does not render; repeat rows with {%tr %} instead"
        )
    body = _bare_body(cleaner.patch_xml(body_source), head)
    rels = _relationships(parts_by_name[DOCUMENT_RELS])
    parts = []
    for kind in _TEMPLATED_RELS:
        for target in rels.get(kind, []):
            name = f"word/{target}"
            source = etree.tostring(parse_xml(parts_by_name[name]), encoding="unicode")
            parts.append((name, cleaner.patch_xml(source)))
    return WordTemplate(
        path=path,
        members=tuple((name, deflate(content)) for name, content in members),
        body=body,
        parts=tuple(parts),
        document=(head, tail),
        content_types=(parts_by_name[CONTENT_TYPES], _with_comments_type(parts_by_name[CONTENT_TYPES])),
        document_rels=(parts_by_name[DOCUMENT_RELS], _with_comments_rel(parts_by_name[DOCUMENT_RELS])),
        lists=numbering_lists(parts_by_name[NUMBERING], path.name),
    )


def _around_body(document: str) -> tuple[str, str]:
    """The document part's XML before and after its w:body element (the
    rendered body, which carries its own namespace declarations, goes between)."""
    start = re.search(r"<w:body[ >/]", document)
    end = document.rfind("</w:body>")
    if start is None or end < 0:
        raise ValueError("the Word template's document part has no body")
    head = re.sub(r"^<\?xml[^>]*\?>\s*", "", document[: start.start()])  # parse_xml takes text without it
    return head, document[end + len("</w:body>") :]


def _bare_body(body: str, head: str) -> str:
    """The body without the namespace declarations lxml gave it when it was
    serialised alone: the document element it goes back into declares them."""
    opening = re.match(r"<w:body[^>]*>", body)
    assert opening is not None  # serialised from a w:body element
    declared = set(re.findall(r'xmlns:(\w+)="([^"]*)"', head))
    if not set(re.findall(r'xmlns:(\w+)="([^"]*)"', opening.group())) <= declared:
        return body  # keep them: the document element lacks some
    return "<w:body>" + body[opening.end() :]


def _relationships(rels_xml: bytes) -> dict[str, list[str]]:
    """Targets of the document's relationships, by type (header, footer, ...)."""
    out: dict[str, list[str]] = {}
    for rel in etree.fromstring(rels_xml):
        kind = rel.get("Type", "").removeprefix(_REL_TYPE)
        out.setdefault(kind, []).append(rel.get("Target", ""))
    return out


def _with_comments_type(content_types: bytes) -> bytes:
    override = f'<Override PartName="/{COMMENTS}" ContentType="{_COMMENTS_TYPE}"/>'
    return content_types.replace(b"</Types>", override.encode() + b"</Types>")


def _with_comments_rel(rels_xml: bytes) -> bytes:
    taken = {int(n) for n in re.findall(rb'Id="rId(\d+)"', rels_xml)}
    rel_id = f"rId{max(taken, default=0) + 1}"
    rel = f'<Relationship Id="{rel_id}" Type="{_REL_TYPE}comments" Target="comments.xml"/>'
    return rels_xml.replace(b"</Relationships>", rel.encode() + b"</Relationships>")


@dataclass
class WordDocument:
    """One document being built: its body as python-docx elements, less what
    is spliced in as text when it is packaged (by the placeholder's number),
    and its comments as WordprocessingML text (numbered from 0 in order added)."""

    template: WordTemplate
    root: CT_Document
    rendered: dict[str, bytes]
    comments: list[str] = field(default_factory=list)
    spliced: dict[str, Spliced] = field(default_factory=dict)

    @property
    def body(self) -> CT_Body:
        return self.root.find(_W_BODY)

    def splice_before(self, anchor: Any, xml: str) -> None:
        """Put ``xml`` in front of body element ``anchor`` when the document is packaged."""
        key = str(len(self.spliced))
        self.spliced[key] = Spliced(xml)
        anchor.addprevious(etree.PI(SPLICE, key))

    def _document_part(self) -> bytes:
        """The body serialised, with each spliced piece in its placeholder's place."""
        document = etree.tostring(self.root, encoding="UTF-8", standalone=True)
        if not self.spliced:
            return document
        pieces = document.split(f"<?{SPLICE} ".encode())
        out, placed = [pieces[0]], []
        for piece in pieces[1:]:
            key, _, rest = piece.partition(b"?>")
            placed.append(key.decode())
            out += [self.spliced[placed[-1]].xml.encode("utf-8"), rest]
        if sorted(placed) != sorted(self.spliced):  # a placeholder removed with what held it: never lose text
            raise LookupError("the document lost the place of a part spliced into its body")
        return b"".join(out)

    def to_bytes(
        self,
        *,
        title: str,
        subject: str,
        author: str,
        language: str,
        when: dt.datetime,
        source: bytes | None = None,
    ) -> bytes:
        """The .docx file: the template's members in order, with this
        document's parts in place of the templated ones, all dated ``when``;
        ``source`` is the spec part (see source_part) a generated agreement carries."""
        stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        core = _CORE_XML.format(
            title=escape(title),
            subject=escape(subject),
            author=escape(author),
            when=stamp,
            language=escape(language),
        )
        has_comments = 1 if self.comments else 0
        content_types = self.template.content_types[has_comments]
        document_rels = self.template.document_rels[has_comments]
        if source is not None:
            content_types, document_rels = with_source_type(content_types), with_source_rel(document_rels)
        replaced = {
            CONTENT_TYPES: content_types,
            DOCUMENT_RELS: document_rels,
            DOCUMENT: self._document_part(),
            CORE: _DECLARATION + core.encode("utf-8"),
            **self.rendered,
        }
        members: list[tuple[str, bytes | Deflated]] = [
            (name, replaced.get(name, packed)) for name, packed in self.template.members
        ]
        if self.comments:
            comments = f'<w:comments xmlns:w="{W_NS}">{"".join(self.comments)}</w:comments>'
            members.append((COMMENTS, _DECLARATION + comments.encode("utf-8")))
        if source is not None:
            members.extend(package_parts(source))
        return write_zip(members, when)
