"""A spec from a Word agreement that agreement-kit generated and someone then edited.

The document carries the spec it was built from and each clause's paragraphs
as written (load/source_part.py). Read against the document as it is now:

- a clause whose words changed (tracked changes read as accepted) becomes
  the parties' own ``text:`` for it;
- a clause heading with no bookmark of ours is a clause inserted in Word, and
  becomes a clause of the parties' own after its neighbour;
- a clause no longer there is left out (``remove:``, or dropped from ``add:``).

Numbers are Word's own lists (load/list_numbers.py), read back as the text
they were written as ("3.2.1<tab>", "(a)<tab>"); a cross-reference is a REF
field to a clause heading's bookmark, read as that clause's number as
generated, whatever Word shows after renumbering, so it still names the
clause it pointed at.

The spec's own comments and layout are kept (ruamel.yaml round-trips them,
where PyYAML would drop every comment the HR director wrote). Formatting
inside a clause (bold, a defined term's capitals as a term) is read as plain
words: the text is kept exactly, but a term typed in Word is not a defined
term until someone writes it as one.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from ..utils.errors import InputError, Problem, display_path
from .list_numbers import ListNumbers
from .source_part import BOOKMARK_PREFIX, NS, SourcePart, bookmark_number, read_source
from .spec import LoadedSpec, load_spec

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_MEMBERS = 2_000
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_RATIO = 200  # a zip bomb expands far more than a Word file's text does
_NUMBER = re.compile(r"^\d+(\.\d+)*\t")
_ITEM = re.compile(r"^\([a-z]{1,3}\)\t")
_HEADING_NUMBER = re.compile(r"^\d+(\.\d+)*\s+")
_MARKUP = re.compile(r"([*\[\]\\])")
_CLAUSE_REFERENCE = re.compile(r"\bclause (\d+\.\d+)(?![.\d]*\d| of the)")


@dataclass
class DraftClause:
    heading: str
    bookmark: str | None
    paragraphs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ImportedSpec:
    text: str  # the spec as YAML
    changes: tuple[str, ...]  # what was brought back, one line each, for the report
    warnings: tuple[str, ...]


def imported_spec(path: Path) -> ImportedSpec:
    """The spec of a generated agreement with the edits made to it in Word."""
    name = display_path(path)
    members = _safe_members(path, name)
    source = _source(members, name)
    try:
        body = etree.fromstring(members["word/document.xml"], _PARSER).find(f"{W}body")
    except (KeyError, etree.XMLSyntaxError) as exc:
        raise InputError(
            [Problem(name, None, "", f"the Word document part cannot be read ({exc})")]
        ) from None
    numbers = ListNumbers(members.get("word/numbering.xml"), members.get("word/styles.xml"))
    return _merge(source, _clauses(body, numbers), name)


# -- reading the document ---------------------------------------------------------------

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def _safe_members(path: Path, name: str) -> dict[str, bytes]:
    def fail(message: str) -> InputError:
        return InputError([Problem(name, None, "", message)])

    try:
        data = path.read_bytes()
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (OSError, zipfile.BadZipFile) as exc:
        raise fail(f"not a Word (.docx) file: {exc}") from None
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > MAX_UNZIPPED:
        raise fail("unpacks to more than a Word agreement could hold; refused")
    members = {}
    for info in infos:
        if not info.filename.endswith(".xml") and not info.filename.endswith(".rels"):
            continue
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            raise fail(
                f"{info.filename} expands {info.file_size // info.compress_size}-fold; refused as a zip bomb"
            )
        content = archive.read(info)
        if b"<!DOCTYPE" in content[:2048] or b"<!ENTITY" in content[:4096]:
            raise fail(
                f"{info.filename} declares a DOCTYPE or entities, which a Word file never needs; refused"
            )
        members[info.filename] = content
    return members


def carries_spec(path: Path) -> bool:
    """Whether a .docx carries the spec agreement-kit built it from (after the same checks
    against hostile files that reading it makes)."""
    members = _safe_members(path, display_path(path))
    return any(m.startswith("customXml/item") and NS.encode() in c[:500] for m, c in members.items())


def _source(members: dict[str, bytes], name: str) -> SourcePart:
    for member, content in sorted(members.items()):
        if member.startswith("customXml/item") and NS.encode() in content[:500]:
            try:
                return read_source(content)
            except (ValueError, etree.XMLSyntaxError) as exc:
                raise InputError(
                    [Problem(name, None, member, f"the spec it carries cannot be read ({exc})")]
                ) from None
    raise InputError(
        [
            Problem(
                name,
                None,
                "",
                "this Word file carries no agreement-kit spec (it was not generated by agreement-kit, or"
                " the part was stripped); to check a draft against the model, use"
                " `agreement-kit review DRAFT.docx`",
            )
        ]
    )


def _style(p: etree._Element) -> str:
    style = p.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val", "") if style is not None else ""


_REF = re.compile(rf"^\s*REF\s+({BOOKMARK_PREFIX}[\d_]+)\b")


def _text(p: etree._Element) -> str:
    """The paragraph's words with tracked changes accepted: inserted text is in
    w:t, deleted text in w:delText (left out); a tab is written as one. A REF
    field to one of our clause bookmarks reads as that clause's number."""
    out = []
    fields: list[bool] = []  # the fields open here: whether each is a REF read as its number
    instruction: list[str] = []
    for node in p.iter(f"{W}t", f"{W}tab", f"{W}fldChar", f"{W}instrText"):
        if any(a.tag in (f"{W}del", f"{W}moveFrom") for a in node.iterancestors()):
            continue
        if node.tag == f"{W}fldChar":
            kind = node.get(f"{W}fldCharType")
            if kind == "begin":
                fields.append(False)
                instruction = []
            elif kind == "separate" and fields and (ref := _REF.match("".join(instruction))):
                out.append(bookmark_number(ref.group(1)))
                fields[-1] = True
            elif kind == "end" and fields:
                fields.pop()
        elif node.tag == f"{W}instrText":
            instruction.append(node.text or "")
        elif not any(fields):
            out.append("\t" if node.tag == f"{W}tab" else node.text or "")
    return "".join(out)


def _clauses(body: etree._Element, numbers: ListNumbers) -> list[DraftClause]:
    """The clause headings (Heading 2) and their paragraphs, up to the signatures;
    each paragraph's list number written in front of it, as the document records it."""
    clauses: list[DraftClause] = []
    started = False
    for p in body.iter(f"{W}p"):
        label, p_text = numbers.label(p), _text(p)
        if label is not None and label.text and not label.bullet:
            p_text = f"{label.text}\t{p_text}"
        style = _style(p)
        if style == "Heading1":
            if started and clauses and p_text.startswith(("Signatures", "Schedule")):
                break
            started = True
            continue
        if not started:
            continue
        if style == "Heading2":
            marks = [b.get(f"{W}name", "") for b in p.iter(f"{W}bookmarkStart")]
            ours = next((m for m in marks if m.startswith(BOOKMARK_PREFIX)), None)
            clauses.append(DraftClause(_HEADING_NUMBER.sub("", p_text).strip(), ours))
        elif clauses and p_text.strip():
            clauses[-1].paragraphs.append(p_text)
    return clauses


# -- bringing the edits into the spec ----------------------------------------------------------


def _normal(paragraphs: list[str] | tuple[str, ...]) -> list[str]:
    return [" ".join(_ITEM.sub("- ", _NUMBER.sub("", p)).split()) for p in paragraphs if p.strip()]


def markup_text(paragraphs: list[str], numbers: dict[str, str] | None = None) -> str:
    """Paragraphs as clause markup: items as "- " lines, the rest as paragraphs,
    every character that markup would read (* [ ] \\) escaped, so the words
    come back exactly; "clause 7.8" becomes a cross-reference again when 7.8
    is a clause of the document as generated (``numbers``: number -> id), so
    it follows the clause if the agreement is renumbered."""
    numbers = numbers or {}

    def reference(match: re.Match[str]) -> str:
        target = numbers.get(match.group(1))
        return f"[[{target}]]" if target else match.group(0)

    blocks: list[list[str]] = []
    for paragraph in _normal(paragraphs):
        item = paragraph.startswith("- ")
        body = _MARKUP.sub(r"\\\1", paragraph[2:] if item else paragraph)
        body = _CLAUSE_REFERENCE.sub(reference, body)
        line = f"- {body}" if item else (("\\" + body) if body.startswith("- ") else body)
        if item and blocks and blocks[-1][0].startswith("- "):
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return "\n\n".join("\n".join(b) for b in blocks) + "\n"


def _merge(source: SourcePart, now: list[DraftClause], name: str) -> ImportedSpec:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)  # "key:\n  - item", as the samples are written
    data = yaml.load(source.spec_text)
    if not isinstance(data, CommentedMap):
        raise InputError([Problem(name, None, "", "the spec it carries is not a mapping")])
    by_bookmark = {c.bookmark: c for c in source.clauses}
    numbers = {bookmark_number(c.bookmark): c.id for c in source.clauses}
    changes: list[str] = []
    warnings: list[str] = []
    seen: set[str] = set()
    previous: str | None = None
    for clause in now:
        record = by_bookmark.get(clause.bookmark or "")
        if record is None:
            new_id = _new_id(clause.heading, data)
            entry = CommentedMap(
                [
                    ("id", new_id),
                    ("title", clause.heading or "Untitled"),
                    ("after", previous or source.clauses[0].id),
                ]
            )
            entry["text"] = LiteralScalarString(markup_text(clause.paragraphs or ["(no text)"], numbers))
            entry["reason"] = "Added in Word."
            _list(data, "add").append(entry)
            changes.append(f"added {new_id} ({clause.heading}) after {previous}")
            previous = new_id
            continue
        seen.add(record.id)
        previous = record.id
        if clause.heading != record.title:
            warnings.append(
                f"{record.id}: the heading was changed in Word to \u201c{clause.heading}\u201d;"
                f" clause headings come from the model, so the spec keeps \u201c{record.title}\u201d"
            )
        if _normal(clause.paragraphs) != _normal(record.paragraphs):
            choices = _map(data, "clauses")
            setting = choices.get(record.id) or CommentedMap()
            setting["text"] = LiteralScalarString(markup_text(clause.paragraphs, numbers))
            setting.setdefault("reason", "Edited in Word.")
            choices[record.id] = setting
            changes.append(f"{record.id}: wording edited in Word, kept as the parties' own text")
    for record in source.clauses:
        if record.id in seen:
            continue
        added = _list(data, "add")
        index = next(
            (i for i, e in enumerate(added) if (e if isinstance(e, str) else e.get("id")) == record.id), None
        )
        if index is not None:
            del added[index]
        else:
            _list(data, "remove").append(record.id)
        changes.append(f"{record.id}: deleted in Word, left out")
    out = io.StringIO()
    yaml.dump(data, out)
    return ImportedSpec(out.getvalue(), tuple(changes), tuple(warnings))


def _map(data: CommentedMap, key: str) -> CommentedMap:
    if not isinstance(data.get(key), CommentedMap):
        data[key] = CommentedMap()
    return data[key]


def _list(data: CommentedMap, key: str) -> CommentedSeq:
    if not isinstance(data.get(key), list):
        data[key] = CommentedSeq()
    return data[key]


def _new_id(heading: str, data: CommentedMap) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", heading.lower()).strip("_") or "clause"
    if not slug[0].isalpha():
        slug = "c_" + slug
    taken = {e.get("id") for e in data.get("add") or [] if isinstance(e, dict)}
    candidate, n = f"local.{slug[:40]}", 2
    while candidate in taken:
        candidate, n = f"local.{slug[:40]}_{n}", n + 1
    return candidate


def load_spec_or_docx(path: Path) -> LoadedSpec:
    """A spec file, or the spec a generated (and perhaps edited) Word agreement
    carries, with its edits: so that ``compare`` takes either."""
    if path.suffix.lower() != ".docx":
        return load_spec(path)
    recovered = imported_spec(path)
    with tempfile.TemporaryDirectory() as folder:
        staged = Path(folder) / f"{path.stem}.yaml"
        staged.write_text(recovered.text, encoding="utf-8")
        return load_spec(staged)
