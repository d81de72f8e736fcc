"""Check a .docx before anything parses it.

A draft comes from outside: it may not be a zip at all, may be a zip bomb,
may carry a DOCTYPE (entity expansion, external entities) or be too large
to review. Each is refused with the file named, before any XML is parsed,
so a hostile draft costs no more than reading its zip directory.
"""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

from ..utils.errors import InputError, Problem, display_path

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_MEMBERS = 2_000
MAX_UNZIPPED = 256 * 1024 * 1024  # every part together
MAX_PART = 64 * 1024 * 1024  # any one part
MAX_RATIO = 200  # uncompressed / compressed, for any part over 1 MiB and for the whole
MAX_PARAGRAPHS = 50_000
REQUIRED = ("[Content_Types].xml", "word/document.xml")


class DraftError(InputError):
    """A draft that cannot be reviewed: one problem naming the file."""

    def __init__(self, path: Path, message: str):
        super().__init__([Problem(display_path(path), None, "", message)])


def read_docx_bytes(path: Path) -> bytes:
    """The file's bytes once it is known to be a .docx that is safe to parse."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise DraftError(path, "file not found") from None
    if not stat.S_ISREG(mode):
        raise DraftError(path, "not a regular file")
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise DraftError(path, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; too large to review")
    check_package(path, data)
    return data


def check_package(path: Path, data: bytes) -> None:
    if not data.startswith(b"PK") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise DraftError(path, "not a Word document (.docx is a zip package; this file is not one)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
            _check_sizes(path, infos)
            names = {i.filename for i in infos}
            for part in REQUIRED:
                if part not in names:
                    raise DraftError(path, f"not a Word document: the package has no {part}")
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    _check_xml(path, info.filename, _read_part(path, package, info))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError) as exc:
        raise DraftError(path, f"damaged Word document: {exc}") from None


def _check_sizes(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise DraftError(path, f"the package has {len(infos)} parts (at most {MAX_MEMBERS}); refused")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if total > MAX_UNZIPPED:
        raise DraftError(path, f"unzips to {total:,} bytes (at most {MAX_UNZIPPED:,}); refused as a zip bomb")
    for info in infos:
        if info.file_size > MAX_PART:
            raise DraftError(path, f"part {info.filename} unzips to {info.file_size:,} bytes; refused")
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise DraftError(
                path, f"part {info.filename} is compressed more than {MAX_RATIO}:1; refused as a zip bomb"
            )
    if total > 1024 * 1024 and total > MAX_RATIO * max(packed, 1):
        raise DraftError(path, f"the package is compressed more than {MAX_RATIO}:1; refused as a zip bomb")


def _read_part(path: Path, package: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A part's bytes, never more than its declared size (a lying header is a bomb)."""
    with package.open(info) as handle:
        data = handle.read(min(info.file_size, MAX_PART) + 1)
    if len(data) > info.file_size:
        raise DraftError(path, f"part {info.filename} is larger than its zip entry says; refused")
    return data


def _check_xml(path: Path, name: str, data: bytes) -> None:
    head = data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = data.decode("utf-16", errors="replace").encode("utf-8", errors="replace")
    upper = head.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise DraftError(
            path, f"part {name} declares a DOCTYPE (entities are not allowed in a .docx); refused"
        )
