"""Work kept for an immutable object by its identity rather than its value.

In a batch, most of a clause's words reach every employer's agreement as the
very same objects (the markup parse keeps them, see assembly/markup.py), so
what is made from them (a paragraph's WordprocessingML, say) can be kept for
the object itself: looking an object up by its id costs next to nothing,
where hashing it by value would cost about what making its rendering again
does. Each entry holds its object, so the object lives, and its id is not
reused, while the entry is kept; a new object with equal content is simply
a miss. Bounded: when full, everything kept is dropped at once.
"""

from __future__ import annotations

from typing import Generic, TypeVar

V = TypeVar("V")


class KeptByIdentity(Generic[V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: dict[int, tuple[object, V]] = {}

    def get(self, thing: object) -> V | None:
        entry = self._kept.get(id(thing))
        return entry[1] if entry is not None and entry[0] is thing else None

    def put(self, thing: object, value: V) -> V:
        if len(self._kept) >= self.size:
            self._kept.clear()
        self._kept[id(thing)] = (thing, value)
        return value

    def __len__(self) -> int:
        return len(self._kept)

    def clear(self) -> None:
        self._kept.clear()
