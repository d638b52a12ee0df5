"""Your own search space, declared as named categorical choices.

    space = CategoricalSpace(
        {"depth": [2, 4, 8], "width": [16, 32, 64], "act": ["relu", "gelu"]},
        constraint=lambda c: c["depth"] * c["width"] <= 256,
    )

Small spaces (at most ``max_enumerate`` combinations) are enumerated; larger ones are
represented by a seeded pool of ``pool_size`` distinct random combinations, which is
what WeakNAS ranks each iteration (and may grow: ``WeakNAS(pool_grow=K)``).
Architecture ``i`` is row ``i`` of ``codes`` (the position of each choice); people and
files see it as a JSON object.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from weaknas.spaces.pool import PoolSpace

Config = dict[str, object]
_SCALARS = (str, int, float, bool, type(None))


class CategoricalSpace(PoolSpace):
    """Named categorical choices with an optional validity ``constraint(config) -> bool``.

    Encodings: ``auto`` (default: a numeric choice is one column holding its value, any
    other choice is one-hot), ``onehot`` and ``ordinal`` (the position of each choice).
    """

    encodings = ("auto", "onehot", "ordinal")
    search_encoding = "auto"

    def __init__(
        self,
        choices: Mapping[str, Sequence],
        constraint: Callable[[Config], bool] | None = None,
        max_enumerate: int = 1_000_000,
        pool_size: int = 100_000,
        seed: int = 0,
        name: str = "custom",
    ) -> None:
        self.name = name
        self.choices_ = _check_choices(choices)
        self.names = tuple(self.choices_)
        self.radix = np.array([len(v) for v in self.choices_.values()], dtype=np.int64)
        self.total = math.prod(int(r) for r in self.radix)
        self.enumerated = self.total <= max_enumerate

        self.constraint = constraint

        def valid(rows: np.ndarray) -> np.ndarray:
            return rows[self._valid_rows(rows)]

        if self.enumerated:
            codes = valid(_all_codes(self.radix))
        else:
            codes = _pool(self.radix, pool_size, seed, valid)
        if len(codes) == 0:
            raise ValueError(f"{name}: no combination of the choices satisfies the constraint")
        self._set_rows(codes)

    @property
    def codes(self) -> np.ndarray:
        """Row ``i``: the position of each choice of architecture ``i``."""
        return self.rows

    def _valid_rows(self, rows: np.ndarray) -> np.ndarray:
        if self.constraint is None:
            return np.ones(len(rows), dtype=bool)
        keep = [_accepts(self.constraint, self._config(row)) for row in rows]
        return np.array(keep, dtype=bool)

    def _mutate_row(self, row: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Another value of one random choice (that has more than one)."""
        row = np.array(row, dtype=np.uint16)
        position = int(rng.choice(np.flatnonzero(self.radix > 1)))
        row[position] = rng.choice(
            [c for c in range(int(self.radix[position])) if c != row[position]]
        )
        return row

    # --- the protocol ---------------------------------------------------------------------
    def config(self, index: int) -> Config:
        """Architecture ``index`` as ``{name: choice}``."""
        return self._config(self.codes[self.check_index(index)])

    def index_of(self, config: Mapping[str, object]) -> int:
        """The index of ``config``; ``ValueError`` naming the bad key or value."""
        if not isinstance(config, Mapping):
            raise ValueError(f"{self.name}: expected a dict of choices, got {config!r}")
        missing = [n for n in self.names if n not in config]
        extra = [k for k in config if k not in self.choices_]
        if missing or extra:
            raise ValueError(
                f"{self.name}: config {dict(config)} has missing keys {missing}, "
                f"unknown keys {extra}"
            )
        codes = []
        for name, options in self.choices_.items():
            value = config[name]
            matches = [i for i, o in enumerate(options) if o == value and type(o) is type(value)]
            if not matches:
                raise ValueError(f"{self.name}: {name}={value!r} is not one of {list(options)}")
            codes.append(matches[0])
        row = self.index_of_row(np.array(codes, dtype=np.uint16))
        if row is None:
            where = "violates the constraint" if self.enumerated else "is not in the candidate pool"
            raise ValueError(f"{self.name}: config {dict(config)} {where}")
        return row

    def architecture(self, index: int) -> Config:
        return self.config(index)

    def to_string(self, index: int) -> str:
        return json.dumps(self.config(index))

    def from_string(self, text: str) -> int:
        try:
            config = json.loads(text)
        except (TypeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{self.name}: {text!r} is not a JSON object: {exc}") from None
        return self.index_of(config)

    def neighbours(self, index: int) -> list[int]:
        """Architectures in the space that differ in exactly one choice."""
        row = [int(c) for c in self.codes[self.check_index(index)]]
        found = []
        for position, radix in enumerate(self.radix):
            for code in range(int(radix)):
                if code != row[position]:
                    other = self.index_of_row((*row[:position], code, *row[position + 1 :]))
                    if other is not None:
                        found.append(other)
        return found

    def choices(self) -> dict[str, tuple]:
        return {name: tuple(options) for name, options in self.choices_.items()}

    def to_choices(self, index: int) -> tuple[int, ...]:
        return tuple(int(c) for c in self.codes[self.check_index(index)])

    def from_choices(self, codes) -> int:
        row = self.index_of_row([int(c) for c in codes])
        if row is None:
            raise ValueError(f"{self.name}: choices {list(codes)} are not in the space")
        return row

    def _encode_rows(self, rows: np.ndarray, encoding: str) -> np.ndarray:
        columns = []
        for position, options in enumerate(self.choices_.values()):
            code = rows[:, position]
            numeric = all(isinstance(o, int | float) and not isinstance(o, bool) for o in options)
            if encoding == "ordinal":
                columns.append(code[:, None].astype(np.float32))
            elif encoding == "auto" and numeric:
                values = np.array(options, dtype=np.float32)
                columns.append(values[code][:, None])
            else:
                columns.append((code[:, None] == np.arange(len(options))).astype(np.uint8))
        if all(c.dtype == np.uint8 for c in columns):
            return np.hstack(columns)
        return np.hstack([c.astype(np.float32) for c in columns])

    def _config(self, row) -> Config:
        return {
            name: options[int(c)]
            for (name, options), c in zip(self.choices_.items(), row, strict=True)
        }

    def __repr__(self) -> str:
        how = "enumerated" if self.enumerated else "candidate pool"
        return f"CategoricalSpace({self.name!r}, {len(self.names)} choices, {self.size} {how})"


def _check_choices(choices: Mapping[str, Sequence]) -> dict[str, tuple]:
    if not isinstance(choices, Mapping) or not choices:
        raise ValueError(
            f"space: expected a non-empty dict of name -> list of choices, got {choices!r}"
        )
    checked = {}
    for name, options in choices.items():
        if not isinstance(name, str) or not name:
            raise ValueError(f"space: choice names must be non-empty strings, got {name!r}")
        if isinstance(options, str | bytes) or not isinstance(options, Sequence) or not options:
            raise ValueError(f"space: {name!r} needs a non-empty list of choices, got {options!r}")
        for option in options:
            if not isinstance(option, _SCALARS):
                raise ValueError(
                    f"space: {name!r} choice {option!r} must be a str, number, bool or None"
                )
        if len({(type(o), o) for o in options}) != len(options):
            raise ValueError(f"space: {name!r} lists a choice twice: {list(options)}")
        if len(options) > 65535:
            raise ValueError(f"space: {name!r} has more than 65535 choices")
        checked[name] = tuple(options)
    return checked


def _all_codes(radix: np.ndarray) -> np.ndarray:
    """Every combination, first choice most significant (mixed radix order)."""
    total = int(np.prod(radix))
    place = np.array([int(np.prod(radix[i + 1 :])) for i in range(len(radix))], dtype=np.int64)
    index = np.arange(total, dtype=np.int64)[:, None]
    return (index // place % radix).astype(np.uint16)


def _pool(radix: np.ndarray, size: int, seed: int, valid) -> np.ndarray:
    """Up to ``size`` distinct valid random combinations (seeded), in sorted order.

    Gives up after drawing 20x ``size`` combinations, so a constraint that few satisfy
    gives a smaller pool instead of a hang.
    """
    rng = np.random.default_rng(seed)
    rows: set[tuple[int, ...]] = set()
    for _ in range(20):
        draw = rng.integers(0, radix, size=(size, len(radix))).astype(np.uint16)
        for row in valid(draw).tolist():
            if len(rows) < size:
                rows.add(tuple(row))
        if len(rows) >= size:
            break
    return np.array(sorted(rows), dtype=np.uint16).reshape(-1, len(radix))


def _accepts(constraint: Callable[[Config], bool], config: Config) -> bool:
    try:
        return bool(constraint(config))
    except Exception as exc:
        raise ValueError(f"space: the constraint failed on {config}: {exc!r}") from exc
