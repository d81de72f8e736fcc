"""Write an Office Open XML package (a zip) deterministically and quickly.

Most parts of a generated .docx (styles, theme, fonts, numbering, settings)
are the same bytes in every document built from one template. zipfile would
compress them afresh each time; here a part can be deflated once (``deflate``)
and its compressed form written into every package, so a batch pays for
compressing only what changed. Every member gets the same fixed date, so
equal input gives byte-identical files.

The parts written afresh for each document are deflated at a fast level
(PART_LEVEL): in a batch, compressing them at zlib's default level took
about a tenth of the time per employer. They come out about a fifth larger
(see benchmarks/README.md); a part deflated once ahead keeps the default.
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from collections.abc import Iterable
from typing import NamedTuple


class Deflated(NamedTuple):
    """A member's data compressed ahead of time."""

    crc: int
    size: int  # uncompressed
    packed: bytes


# zlib level for the parts compressed per document: level 2 takes a third of
# the default level's time on a generated agreement's parts
PART_LEVEL = 2


def deflate(data: bytes, level: int = zlib.Z_DEFAULT_COMPRESSION) -> Deflated:
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return Deflated(zlib.crc32(data), len(data), packer.compress(data) + packer.flush())


def _dos_time(when: dt.datetime) -> tuple[int, int]:
    year = min(max(when.year, 1980), 2107)  # the range a zip date can hold
    date = (year - 1980) << 9 | when.month << 5 | when.day
    time = when.hour << 11 | when.minute << 5 | when.second // 2
    return time, date


def write_zip(members: Iterable[tuple[str, bytes | Deflated]], when: dt.datetime) -> bytes:
    """A zip of (name, data) members, deflated (at PART_LEVEL), all dated
    ``when``; data already ``Deflated`` is written as it is."""
    time, date = _dos_time(when)
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    count = 0
    for name, data in members:
        encoded = name.encode("utf-8")
        crc, size, packed = data if isinstance(data, Deflated) else deflate(data, PART_LEVEL)
        flags = 0x800 if not encoded.isascii() else 0  # bit 11: UTF-8 name
        local = struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, flags, 8, time, date, crc, len(packed), size, len(encoded), 0
        )
        out += (local, encoded, packed)
        central.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                flags,
                8,
                time,
                date,
                crc,
                len(packed),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0o644 << 16,
                offset,
            )
            + encoded
        )
        offset += len(local) + len(encoded) + len(packed)
        count += 1
    directory = b"".join(central)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), offset, 0)
    return b"".join(out) + directory + end
