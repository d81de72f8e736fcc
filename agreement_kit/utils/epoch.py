"""SOURCE_DATE_EPOCH: the reproducible-builds convention for a fixed time.

A .docx carries times: on its comments, its tracked changes, its document
properties and its zip entries. By default they are the agreement's
effective date at 00:00 UTC, so the same input always gives the same bytes.
Someone who wants every file dated at one chosen moment (a release, an
archive) sets SOURCE_DATE_EPOCH to that moment in seconds since 1970-01-01
UTC, as other reproducible tools read it; an explicit time, such as
`compare --date`, still wins.
"""

from __future__ import annotations

import datetime as dt
import os

from .errors import UsageError

VARIABLE = "SOURCE_DATE_EPOCH"
_LATEST = 4102444800  # 2100-01-01: the last date a spec may carry


def source_date_epoch() -> dt.datetime | None:
    """The time SOURCE_DATE_EPOCH sets, in UTC, or None when it is unset or empty."""
    raw = os.environ.get(VARIABLE, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) > _LATEST:
        raise UsageError(
            f"{VARIABLE} must be a whole number of seconds since 1970-01-01 UTC"
            f" no later than 2100 (for example 1775001600), not {raw!r}"
        )
    return dt.datetime.fromtimestamp(int(raw), dt.UTC)


def fixed_time(explicit: dt.datetime | None, default: dt.date) -> dt.datetime:
    """The time to date a document with: ``explicit`` if given, else
    SOURCE_DATE_EPOCH's, else ``default`` at 00:00 UTC."""
    return explicit or source_date_epoch() or dt.datetime.combine(default, dt.time(), dt.UTC)
