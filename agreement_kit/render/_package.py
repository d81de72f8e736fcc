"""Write an Office Open XML package (a zip) deterministically and quickly.

Most parts of a generated .docx (styles, theme, fonts, numbering, settings)
are the same bytes in every document built from one template. zipfile would
compress them afresh each time; here their deflated form is remembered and
reused, so a batch pays for compressing only what changed. Every member gets
the same fixed date, so equal input gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from collections import OrderedDict
from collections.abc import Iterable

_CACHE: OrderedDict[bytes, tuple[int, bytes]] = OrderedDict()
_CACHE_SIZE = 64  # parts, not documents: a template has a dozen static parts
_CACHE_MIN = 2048  # small parts are cheaper to compress than to look up


def _deflate(data: bytes) -> tuple[int, bytes]:
    cached = _CACHE.get(data) if len(data) >= _CACHE_MIN else None
    if cached is not None:
        _CACHE.move_to_end(data)
        return cached
    packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    result = (zlib.crc32(data), packer.compress(data) + packer.flush())
    if len(data) >= _CACHE_MIN:
        _CACHE[data] = result
        if len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result


def _dos_time(when: dt.datetime) -> tuple[int, int]:
    year = min(max(when.year, 1980), 2107)  # the range a zip date can hold
    date = (year - 1980) << 9 | when.month << 5 | when.day
    time = when.hour << 11 | when.minute << 5 | when.second // 2
    return time, date


def write_zip(members: Iterable[tuple[str, bytes]], when: dt.datetime) -> bytes:
    """A zip of (name, data) members, deflated, all dated ``when``."""
    time, date = _dos_time(when)
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    count = 0
    for name, data in members:
        encoded = name.encode("utf-8")
        crc, packed = _deflate(data)
        flags = 0x800 if not encoded.isascii() else 0  # bit 11: UTF-8 name
        local = struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, flags, 8, time, date, crc, len(packed), len(data), len(encoded), 0
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
                len(data),
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
