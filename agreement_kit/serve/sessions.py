"""Working specs kept in memory, one per browser session, each with its token.

A session is named by a random id in a cookie that only this origin sends
(``SameSite=Strict``, ``HttpOnly``); the page carries a second random token
that every request that changes state must send back, in the
``X-CSRF-Token`` header or a ``csrf`` form field. Another site can make the
browser send a request, but can read neither, so it cannot change a draft.
At most ``MAX_SESSIONS`` are kept; the least recently used goes first.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

COOKIE = "agreement_kit_session"
MAX_SESSIONS = 64


@dataclass
class Session:
    id: str
    csrf: str
    spec: dict[str, Any]
    revision: int = 0
    message: str = ""  # said once on the next page, after a form was posted without script
    sample: str = ""  # the sample last started from
    touched: float = field(default_factory=time.monotonic)

    def accepts(self, token: str | None) -> bool:
        return bool(token) and secrets.compare_digest(token.encode(), self.csrf.encode())  # type: ignore[union-attr]

    def save(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.revision += 1


class Sessions:
    def __init__(self, start: dict[str, Any]) -> None:
        self.start = start
        self._by_id: OrderedDict[str, Session] = OrderedDict()

    def get(self, session_id: str | None) -> Session | None:
        session = self._by_id.get(session_id or "")
        if session is not None:
            self._by_id.move_to_end(session.id)
            session.touched = time.monotonic()
        return session

    def new(self) -> Session:
        session = Session(secrets.token_urlsafe(24), secrets.token_urlsafe(32), dict(self.start))
        self._by_id[session.id] = session
        while len(self._by_id) > MAX_SESSIONS:
            self._by_id.popitem(last=False)
        return session
