"""How serious a review finding is, lowest first: one scale for every review."""

from __future__ import annotations

SEVERITIES = ("info", "low", "medium", "high")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)
