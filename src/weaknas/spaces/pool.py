"""Spaces too large to enumerate, searched over a seeded pool of distinct members that
can grow during a search.

A pool space keeps its members as rows of small integers (``rows``); architecture ``i``
is row ``i``. ``grown_copy`` gives a search its own copy, to which ``add_mutations``
appends unseen one-edit mutations of chosen members (``WeakNAS(pool_grow=K)``): the
candidates the predictor ranks are then no longer limited to the random pool drawn at
the start. Members are only ever appended, so indices stay valid.
"""

from __future__ import annotations

import copy
import os
from abc import abstractmethod
from collections.abc import Sequence

import numpy as np

from weaknas.spaces.base import FiniteSpace


def available_memory() -> int | None:
    """Bytes of memory free for a new allocation (Linux ``MemAvailable``), or None."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


class PoolSpace(FiniteSpace):
    """Base class: ``rows`` (pool members, canonical) and an index by row bytes."""

    rows: np.ndarray
    seed: int  # the pool's draw (pools of one size and seed are the same)
    #: Peak memory of a WeakNAS search per pool member (rows, index, features,
    #: predictions), measured by ``benchmarks/pool_memory.py``; subclasses set theirs.
    search_bytes_per_member: int = 2000

    @classmethod
    def check_pool_memory(cls, name: str, pool_size: int) -> None:
        """Refuse a pool a search could not hold, before any of it is built (a traceback
        from numpy's allocator, minutes in, is no way to learn it)."""
        needed = pool_size * cls.search_bytes_per_member
        available = available_memory()
        if available is not None and needed > available:
            raise ValueError(
                f"{name}: a pool of {pool_size:,} would need about {needed / 2**30:.1f} GiB "
                f"during a search ({cls.search_bytes_per_member:,} bytes a member), more "
                f"than the {available / 2**30:.1f} GiB of memory available; lower --pool"
            )

    def _set_rows(self, rows: np.ndarray) -> None:
        rows = np.ascontiguousarray(rows)
        rows.setflags(write=False)
        self.rows = rows
        self._index_of = {row.tobytes(): i for i, row in enumerate(rows)}

    @property
    def size(self) -> int:
        return len(self.rows)

    def index_of_row(self, row: np.ndarray | Sequence[int]) -> int | None:
        """The index of a canonical row, or None if it is not a member."""
        return self._index_of.get(np.asarray(row, dtype=self.rows.dtype).tobytes())

    def _member(self, row: np.ndarray, shown: str, noun: str) -> int:
        """The index of a valid canonical ``row``; ``ValueError`` if the pool lacks it."""
        index = self.index_of_row(row)
        if index is None:
            raise ValueError(
                f"{self.name}: {shown} is a valid {noun} but not in this pool "
                f"({self.size} {noun}s, seed {self.seed})"
            )
        return index

    def _encode_all(self, encoding: str) -> np.ndarray:
        return self._encode_rows(self.rows, encoding)

    # --- what a pool space defines ----------------------------------------------------------
    @abstractmethod
    def _encode_rows(self, rows: np.ndarray, encoding: str) -> np.ndarray:
        """Features of ``rows`` (same columns for any rows)."""

    @abstractmethod
    def _mutate_row(self, row: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A canonical row one edit away from ``row`` (it may fail ``_valid_rows``)."""

    def _valid_rows(self, rows: np.ndarray) -> np.ndarray:
        """Which rows satisfy the space's constraint (all, unless the space has one)."""
        return np.ones(len(rows), dtype=bool)

    # --- growth ---------------------------------------------------------------------------
    def grown_copy(self) -> PoolSpace:
        """A copy that can take new members without changing this space (one per search)."""
        twin = copy.copy(self)
        twin._index_of = dict(self._index_of)
        twin.__dict__["_encoded"] = dict(self.__dict__.get("_encoded", {}))
        return twin

    def add_mutations(
        self, parents: np.ndarray, count: int, rng: np.random.Generator, tries: int = 20
    ) -> np.ndarray:
        """Append up to ``count`` new members, each one edit from a parent (cycled in the
        given order); returns their indices. Gives up after ``tries * count`` mutations, so
        a tight constraint yields fewer members instead of a hang."""
        parents = np.asarray(parents, dtype=np.int64)
        if count <= 0 or len(parents) == 0:
            return np.empty(0, dtype=np.int64)
        new_rows: list[np.ndarray] = []
        keys: set[bytes] = set()
        for attempt in range(tries * count):
            if len(new_rows) == count:
                break
            parent = self.rows[parents[attempt % len(parents)]]
            child = self._mutate_row(parent, rng).astype(self.rows.dtype)
            key = child.tobytes()
            if key in self._index_of or key in keys or not self._valid_rows(child[None])[0]:
                continue
            keys.add(key)
            new_rows.append(child)
        return self.add_rows(np.array(new_rows, dtype=self.rows.dtype).reshape(-1, self.width))

    def add_rows(self, rows: np.ndarray) -> np.ndarray:
        """Append canonical ``rows`` that are not members yet; returns their indices."""
        fresh = [row for row in rows if row.tobytes() not in self._index_of]
        if not fresh:
            return np.empty(0, dtype=np.int64)
        start = len(self.rows)
        added = np.array(fresh, dtype=self.rows.dtype)
        rows = np.vstack([self.rows, added])
        rows.setflags(write=False)
        self.rows = rows
        for offset, row in enumerate(added):
            self._index_of[row.tobytes()] = start + offset
        cache = self.__dict__.get("_encoded", {})
        for encoding, matrix in list(cache.items()):
            extra = self._encode_rows(added, encoding).astype(matrix.dtype)
            grown = np.asfortranarray(np.vstack([matrix, extra]))
            grown.setflags(write=False)
            cache[encoding] = grown
        return np.arange(start, len(self.rows), dtype=np.int64)

    @property
    def width(self) -> int:
        return self.rows.shape[1]


def first_occurrences(rows: np.ndarray) -> np.ndarray:
    """``rows`` without repeats, each kept where it first occurs (draw order)."""
    _, first = np.unique(rows, axis=0, return_index=True)
    return rows[np.sort(first)]


def growable_copy(space: FiniteSpace) -> PoolSpace:
    """A search's own growable copy of ``space``; ``ValueError`` if it cannot grow."""
    if not isinstance(space, PoolSpace) or getattr(space, "enumerated", False):
        raise ValueError(
            f"pool growth needs a space searched over a candidate pool (darts, mobilenetv3, "
            f"a CategoricalSpace too large to enumerate); {space.name} holds every "
            "architecture already"
        )
    return space.grown_copy()
