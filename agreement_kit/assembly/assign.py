"""A one-to-one assignment of maximum total score (the Hungarian method), in numpy.

The shortest augmenting path form for an n x m matrix (n <= m, else it is
solved transposed): O(n^2 m), a few milliseconds for a draft's hundred
clauses against the library's, and no scipy to import for it.
"""

from __future__ import annotations

import numpy as np


def assign(score: np.ndarray) -> list[tuple[int, int]]:
    """(row, column) pairs, each row and column at most once, as many pairs as the
    smaller side, with the largest total score."""
    if score.size == 0:
        return []
    if score.shape[0] > score.shape[1]:
        return sorted((r, c) for c, r in assign(score.T))
    cost = -np.asarray(score, dtype=np.float64)
    n, m = cost.shape
    u = np.zeros(n + 1)
    v = np.zeros(m + 1)
    p = np.zeros(m + 1, np.int64)  # p[j]: the row (1-based) holding column j, 0 for none
    way = np.zeros(m + 1, np.int64)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = np.full(m + 1, np.inf)
        used = np.zeros(m + 1, bool)
        while True:
            used[j0] = True
            i0 = p[j0]
            free = ~used
            free[0] = False
            reduced = cost[i0 - 1] - u[i0] - v[1:]
            better = free[1:] & (reduced < minv[1:])
            minv[1:][better] = reduced[better]
            way[1:][better] = j0
            candidates = np.where(free, minv, np.inf)
            j1 = int(np.argmin(candidates))
            delta = candidates[j1]
            u[p[used]] += delta
            v[used] -= delta
            minv[free] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = int(way[j0])
            p[j0] = p[j1]
            j0 = j1
    return sorted((int(p[j]) - 1, j - 1) for j in range(1, m + 1) if p[j])
