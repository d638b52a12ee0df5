"""The ``--seeds`` argument the benchmark scripts share: ``0-99``, ``5`` or ``0-4,10-14``."""

from __future__ import annotations


def parse_seeds(text: str) -> list[int]:
    """Seeds from ranges (inclusive) and single seeds, comma-separated."""
    seeds = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        seeds.extend(range(int(first), int(last or first) + 1))
    return seeds
