"""The spec a Word agreement was built from, carried inside it as a custom XML part.

An HR director edits the generated .docx in Word; ``agreement-kit import``
brings the edits back into the spec. For that the document carries, in
``customXml/item1.xml`` (a part Word keeps when it saves), the spec's own
text, the library version, and for each clause its id, the bookmark on its
heading and its paragraphs as written, so that an edit can be told from the
model's words.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from lxml import etree

NS = "urn:agreement-kit:source:1"
ITEM = "customXml/item1.xml"
ITEM_PROPS = "customXml/itemProps1.xml"
ITEM_RELS = "customXml/_rels/item1.xml.rels"
_PROPS_TYPE = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_DS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"

# The bookmark on a clause's heading, which cross-references name: written by the
# Word renderer, read back by import and review.
BOOKMARK_PREFIX = "clause_"


def clause_bookmark(number: str) -> str:
    """3.2 -> clause_3_2."""
    return BOOKMARK_PREFIX + number.replace(".", "_")


def bookmark_number(name: str) -> str:
    """The clause number a bookmark was named for: clause_3_2 -> 3.2."""
    return name.removeprefix(BOOKMARK_PREFIX).replace("_", ".")


@dataclass(frozen=True)
class ClauseRecord:
    id: str
    kind: str
    bookmark: str
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class SourcePart:
    spec_text: str
    library_version: str
    kind: str
    clauses: tuple[ClauseRecord, ...]


def source_xml(spec_text: str, library_version: str, kind: str, clauses: list[ClauseRecord]) -> bytes:
    root = etree.Element(f"{{{NS}}}source", nsmap={"ak": NS})
    root.set("format", "1")
    root.set("library", library_version)
    root.set("kind", kind)
    etree.SubElement(root, f"{{{NS}}}spec").text = spec_text
    for clause in clauses:
        element = etree.SubElement(root, f"{{{NS}}}clause", id=clause.id, bookmark=clause.bookmark)
        element.set("title", clause.title)
        for text in clause.paragraphs:
            etree.SubElement(element, f"{{{NS}}}p").text = text
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, standalone=True)


def package_parts(item: bytes) -> list[tuple[str, bytes]]:
    """The custom XML item, its properties (with an id derived from its content,
    so equal input still gives equal bytes) and the relationship between them."""
    store_id = "{" + str(uuid.UUID(hashlib.sha256(item).hexdigest()[:32])).upper() + "}"
    props = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="no"?>'
        f'<ds:datastoreItem ds:itemID="{store_id}" xmlns:ds="{_DS}"><ds:schemaRefs>'
        f'<ds:schemaRef ds:uri="{NS}"/></ds:schemaRefs></ds:datastoreItem>'
    ).encode()
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}customXmlProps" Target="itemProps1.xml"/></Relationships>'
    ).encode()
    return [(ITEM, item), (ITEM_PROPS, props), (ITEM_RELS, rels)]


def with_source_type(content_types: bytes) -> bytes:
    override = f'<Override PartName="/{ITEM_PROPS}" ContentType="{_PROPS_TYPE}"/>'
    if b'Extension="xml"' not in content_types:
        override += '<Default Extension="xml" ContentType="application/xml"/>'
    return content_types.replace(b"</Types>", override.encode() + b"</Types>")


def with_source_rel(rels_xml: bytes) -> bytes:
    rel = f'<Relationship Id="rIdAgreementKitSource" Type="{_REL}customXml" Target="../{ITEM}"/>'
    return rels_xml.replace(b"</Relationships>", rel.encode() + b"</Relationships>")


def read_source(item: bytes) -> SourcePart:
    """The part as written by ``source_xml``; raises ValueError if it is not one."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(item, parser)
    if root.tag != f"{{{NS}}}source":
        raise ValueError("not an agreement-kit source part")
    spec = root.find(f"{{{NS}}}spec")
    clauses = tuple(
        ClauseRecord(
            c.get("id", ""),
            root.get("kind", ""),
            c.get("bookmark", ""),
            c.get("title", ""),
            tuple(p.text or "" for p in c.findall(f"{{{NS}}}p")),
        )
        for c in root.findall(f"{{{NS}}}clause")
    )
    return SourcePart(
        spec.text or "" if spec is not None else "", root.get("library", ""), root.get("kind", ""), clauses
    )
