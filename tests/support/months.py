"""The months the partner and shout-out tests use (2026 unless said)."""

from __future__ import annotations

from scoring.months import Month

JUL, AUG, SEP, OCT, NOV, DEC = (Month(2026, m) for m in (7, 8, 9, 10, 11, 12))
JAN = Month(2027, 1)
