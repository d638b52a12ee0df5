"""Once-for-All's MobileNetV3 space, searched over a seeded (optionally FLOPs-bounded) pool.

A sub-network is OFA's configuration: a kernel size (3, 5, 7) and an expand ratio
(3, 4, 6) for each of 20 block positions, a depth (2, 3, 4) for each of the 5 stages
(a stage runs its first ``d`` blocks) and an input resolution. Users and files write
it as OFA does::

    {"ks": [20 kernel sizes], "e": [20 expand ratios], "d": [5 depths], "r": 224}

Blocks beyond a stage's depth build nothing, so two configurations differing only
there are one architecture: the canonical row (46 ``int16``: ks, e, d, r) holds 0 for
them, and the text form prints them as 3 (any value builds the same network). With
resolutions 128..224 the space holds about 2e19 sub-networks per width multiplier;
a ``MobileNetV3Space`` is a seeded pool of ``pool_size`` distinct random ones (OFA's
sampler: each choice uniform), optionally only those within ``flops`` MFLOPs (OFA's
multiply-adds, ``mobilenetv3_layout``), which is what WeakNAS ranks each iteration.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import numpy as np

from weaknas.spaces.mobilenetv3_layout import (
    DEPTHS,
    EXPANDS,
    KERNELS,
    MAX_DEPTH,
    N_BLOCKS,
    N_STAGES,
    RESOLUTIONS,
    TRAINED_RESOLUTIONS,
    WIDTH_MULTS,
    CostTable,
    Layout,
)
from weaknas.spaces.pool import PoolSpace, first_occurrences

KS = slice(0, N_BLOCKS)
E = slice(N_BLOCKS, 2 * N_BLOCKS)
D = slice(2 * N_BLOCKS, 2 * N_BLOCKS + N_STAGES)
R = 2 * N_BLOCKS + N_STAGES
ROW = R + 1  # 46
_ACTIVE_DEPTH = np.arange(N_BLOCKS) % MAX_DEPTH  # position of each block in its stage
_STAGE = np.arange(N_BLOCKS) // MAX_DEPTH


def active_blocks(rows: np.ndarray) -> np.ndarray:
    """(n, 20) bool: which block positions a row's depths switch on."""
    return _ACTIVE_DEPTH[None, :] < np.asarray(rows)[:, D][:, _STAGE]


def canonical(rows: np.ndarray) -> np.ndarray:
    """Rows with kernel and expand set to 0 for blocks beyond their stage's depth."""
    rows = np.array(rows, dtype=np.int16, ndmin=2)
    off = ~active_blocks(rows)
    rows[:, KS][off] = 0
    rows[:, E][off] = 0
    return rows


def sample_rows(n: int, rng: np.random.Generator, resolutions=RESOLUTIONS) -> np.ndarray:
    """``n`` canonical rows, every choice uniform (OFA's ``sample_active_subnet``)."""
    rows = np.empty((n, ROW), dtype=np.int16)
    rows[:, KS] = np.asarray(KERNELS, dtype=np.int16)[rng.integers(0, 3, (n, N_BLOCKS))]
    rows[:, E] = np.asarray(EXPANDS, dtype=np.int16)[rng.integers(0, 3, (n, N_BLOCKS))]
    rows[:, D] = np.asarray(DEPTHS, dtype=np.int16)[rng.integers(0, 3, (n, N_STAGES))]
    rows[:, R] = np.asarray(resolutions, dtype=np.int16)[rng.integers(0, len(resolutions), n)]
    return canonical(rows)


def mutate_row(row: np.ndarray, rng: np.random.Generator, resolutions=RESOLUTIONS) -> np.ndarray:
    """One edit: an active block's kernel or expand ratio, a stage's depth (a block that
    comes on draws its kernel and expand at random), or the resolution (to a neighbouring
    choice). The result always differs from ``row``."""
    row = np.array(row, dtype=np.int16)
    kinds = ["ks", "e", "d"] + (["r"] if len(resolutions) > 1 else [])
    kind = kinds[rng.integers(len(kinds))]
    if kind in ("ks", "e"):
        block = rng.choice(np.flatnonzero(active_blocks(row[None])[0]))
        column, values = (block, KERNELS) if kind == "ks" else (N_BLOCKS + block, EXPANDS)
        row[column] = rng.choice([v for v in values if v != row[column]])
    elif kind == "d":
        stage = int(rng.integers(N_STAGES))
        depth = int(rng.choice([d for d in DEPTHS if d != row[D][stage]]))
        for j in range(row[D][stage], depth):  # blocks that come on
            row[stage * MAX_DEPTH + j] = rng.choice(KERNELS)
            row[N_BLOCKS + stage * MAX_DEPTH + j] = rng.choice(EXPANDS)
        row[D.start + stage] = depth
    else:
        at = resolutions.index(int(row[R]))
        steps = [i for i in (at - 1, at + 1) if 0 <= i < len(resolutions)]
        row[R] = resolutions[int(rng.choice(steps))]
    return canonical(row)[0]


# --- text ----------------------------------------------------------------------------------
def format_config(row: np.ndarray) -> dict:
    """OFA's configuration dict of a canonical row (inactive blocks shown as 3)."""
    row = np.asarray(row)
    return {
        "ks": [int(k) or KERNELS[0] for k in row[KS]],
        "e": [int(e) or EXPANDS[0] for e in row[E]],
        "d": [int(d) for d in row[D]],
        "r": int(row[R]),
    }


def parse_config(config, resolutions=RESOLUTIONS) -> np.ndarray:
    """A canonical row from OFA's configuration (a dict or its JSON text); ``ValueError``
    naming the bad field. ``r`` may be a number or OFA's one-element list, and may be
    left out when the space has one resolution; ``wid`` (OFA's, always null here) is
    ignored. Values of blocks beyond a stage's depth may be any choice, 0 or null.
    ``resolutions=None`` admits any input size from 32 to 1024 pixels."""
    if resolutions is None:
        resolutions = range(32, 1025)
    if isinstance(config, str):
        try:
            config = json.loads(config)
        except json.JSONDecodeError as exc:
            raise ValueError(f"mobilenetv3: {config!r} is not JSON ({exc.msg})") from None
    if not isinstance(config, Mapping):
        raise ValueError(f"mobilenetv3: expected a dict with ks, e, d, r; got {config!r}")
    unknown = sorted(set(config) - {"ks", "e", "d", "r", "wid"})
    if unknown:
        raise ValueError(f"mobilenetv3: unknown field(s) {unknown}; expected ks, e, d, r")
    if config.get("wid") is not None:
        raise ValueError("mobilenetv3: 'wid' must be null (this space has no width choice)")
    row = np.zeros(ROW, dtype=np.int16)
    depths = _int_list(config, "d", N_STAGES)
    for stage, depth in enumerate(depths):
        if depth not in DEPTHS:
            raise ValueError(f"mobilenetv3: d[{stage}] = {depth!r}; expected one of {DEPTHS}")
    row[D] = depths
    active = active_blocks(row[None])[0]
    for name, columns, values in (("ks", KS, KERNELS), ("e", E, EXPANDS)):
        given = _int_list(config, name, N_BLOCKS, allow_null=True)
        for block, value in enumerate(given):
            if active[block] and value not in values:
                raise ValueError(
                    f"mobilenetv3: {name}[{block}] = {value!r} (stage {block // MAX_DEPTH + 1}, "
                    f"active); expected one of {values}"
                )
            if not active[block] and value not in (*values, 0, None):
                raise ValueError(f"mobilenetv3: {name}[{block}] = {value!r} is not a choice")
        row[columns] = [v or 0 for v in given]
    if "r" not in config:
        if len(resolutions) != 1:
            raise ValueError(f"mobilenetv3: 'r' is missing; this space has {len(resolutions)}")
        resolution = resolutions[0]
    else:
        resolution = config["r"]
        if isinstance(resolution, list) and len(resolution) == 1:
            resolution = resolution[0]
        if (
            not isinstance(resolution, int)
            or isinstance(resolution, bool)
            or (resolution not in resolutions)
        ):
            shown = _shown(resolutions)
            raise ValueError(f"mobilenetv3: r = {resolution!r}; this space takes {shown}")
    row[R] = int(resolution)
    return canonical(row)[0]


def _int_list(config: Mapping, name: str, length: int, allow_null: bool = False) -> list:
    if name not in config:
        raise ValueError(f"mobilenetv3: the configuration has no {name!r}")
    values = config[name]
    if not isinstance(values, list) or len(values) != length:
        raise ValueError(f"mobilenetv3: {name!r} must be a list of {length} numbers")
    for i, v in enumerate(values):
        ok = (v is None and allow_null) or (isinstance(v, int) and not isinstance(v, bool))
        if not ok:
            raise ValueError(f"mobilenetv3: {name}[{i}] = {v!r} is not a whole number")
    return values


def _shown(resolutions) -> str:
    if len(resolutions) > 3:
        return f"{resolutions[0]}..{resolutions[-1]} ({len(resolutions)} choices)"
    return str(list(resolutions))


# --- encodings ------------------------------------------------------------------------------
def encode_rows(rows: np.ndarray, encoding: str, resolutions=RESOLUTIONS) -> np.ndarray:
    """``integer``: the paper's lists, kernel, expand (0 if inactive), depth, and the
    resolution when it varies; ``onehot``: each active block's kernel and expand one-hot,
    each depth one-hot, the resolution one-hot when it varies; ``onehot+counts``: plus,
    per stage, how many active blocks use each kernel and each expand ratio."""
    rows = np.asarray(rows)
    varies = len(resolutions) > 1
    if encoding == "integer":
        columns = rows[:, : R + 1] if varies else rows[:, :R]
        return columns.astype(np.float32)
    parts = [
        (rows[:, KS, None] == np.asarray(KERNELS)).reshape(len(rows), -1),
        (rows[:, E, None] == np.asarray(EXPANDS)).reshape(len(rows), -1),
        (rows[:, D, None] == np.asarray(DEPTHS)).reshape(len(rows), -1),
    ]
    if varies:
        parts.append(rows[:, R, None] == np.asarray(resolutions))
    if encoding == "onehot+counts":
        per_stage = lambda block_onehot: block_onehot.reshape(len(rows), N_STAGES, MAX_DEPTH, 3)  # noqa: E731
        parts.append(per_stage(parts[0]).sum(axis=2).reshape(len(rows), -1))
        parts.append(per_stage(parts[1]).sum(axis=2).reshape(len(rows), -1))
    return np.hstack([p.astype(np.uint8) for p in parts])


# --- the space ------------------------------------------------------------------------------
class MobileNetV3Space(PoolSpace):
    """A seeded pool of ``pool_size`` distinct OFA MobileNetV3 sub-networks.

    ``width_mult`` 1.0 or 1.2 (OFA's two supernets); ``resolutions``: the input sizes a
    sub-network may take (a number fixes one; default: those the supernet of that width
    was trained for, 128..224 or 160..224 in steps of 4); ``flops=(low, high)`` keeps only
    sub-networks whose multiply-adds, in millions, lie in that closed range (the
    paper's pool: 10,000 within 550-600).
    """

    encodings = ("integer", "onehot", "onehot+counts")
    search_encoding = "integer"  # the paper's ks+e+d lists
    n_neighbours = 24  # as DartsSpace: a random pool rarely holds exact one-edit neighbours
    #: Measured 1,924 bytes (benchmarks/results/pool_memory.log), with headroom.
    search_bytes_per_member = 2500

    def __init__(
        self,
        pool_size: int = 10_000,
        seed: int = 0,
        width_mult: float = 1.0,
        resolutions: int | tuple[int, ...] | None = None,
        flops: tuple[float, float] | None = None,
    ) -> None:
        if isinstance(pool_size, bool) or not isinstance(pool_size, int) or pool_size < 1:
            raise ValueError(
                f"mobilenetv3: pool_size must be a whole number >= 1, got {pool_size!r}"
            )
        self.check_pool_memory("mobilenetv3", pool_size)
        if width_mult not in WIDTH_MULTS:
            raise ValueError(f"mobilenetv3: width_mult {width_mult!r}; OFA has {WIDTH_MULTS}")
        if resolutions is None:
            resolutions = TRAINED_RESOLUTIONS[width_mult]
        resolutions = (resolutions,) if isinstance(resolutions, int) else tuple(resolutions)
        if not resolutions or any(
            isinstance(r, bool) or not isinstance(r, int) or not 32 <= r <= 1024
            for r in resolutions
        ):
            raise ValueError(
                f"mobilenetv3: resolutions must be whole numbers of pixels in 32..1024, "
                f"got {resolutions!r}"
            )
        if flops is not None:
            low, high = flops
            if not 0 <= low <= high:
                raise ValueError(f"mobilenetv3: flops range {flops!r} must be 0 <= low <= high")
        self.name = "mobilenetv3"
        self.width_mult = width_mult
        self.resolutions = tuple(sorted(set(resolutions)))
        self.flops = None if flops is None else (float(flops[0]), float(flops[1]))
        self.seed = seed
        self.layout = Layout.of(width_mult)
        self.costs = CostTable(self.layout, self.resolutions)
        self._set_rows(self._pool(pool_size, np.random.default_rng(seed)))

    def _reachable_resolutions(self) -> tuple[int, ...]:
        """Resolutions at which some sub-network lies within ``flops``. Drawing only these
        changes nothing but speed: the others can never pass the check (multiply-adds
        grow with every kernel, expand ratio and depth, so the extremes bound them)."""
        if self.flops is None:
            return self.resolutions
        res = np.array(self.resolutions)
        smallest = canonical(np.tile([3] * 40 + [2] * 5 + [0], (len(res), 1)))
        largest = canonical(np.tile([7] * 20 + [6] * 20 + [4] * 5 + [0], (len(res), 1)))
        smallest[:, R] = largest[:, R] = res
        low, high = self.macs(smallest), self.macs(largest)
        reachable = tuple(int(r) for r in res[(high >= self.flops[0]) & (low <= self.flops[1])])
        if not reachable:
            raise ValueError(
                f"mobilenetv3: no sub-network lies within {self.flops[0]:g}-{self.flops[1]:g} "
                f"MFLOPs (width {self.width_mult:g}: {low.min():.1f} to {high.max():.1f} at "
                f"resolutions {_shown(self.resolutions)}); change --flops"
            )
        return reachable

    def _pool(self, size: int, rng: np.random.Generator) -> np.ndarray:
        """``size`` distinct valid rows in draw order; refuses a range too rare to fill."""
        resolutions = self._reachable_resolutions()
        rows = np.empty((0, ROW), dtype=np.int16)
        drawn = 0
        while len(rows) < size:
            batch = max(4 * (size - len(rows)), 1024)
            if self.flops is not None and drawn:  # draw enough for the acceptance rate
                rate = max(len(rows) / drawn, 1e-3)
                batch = min(int(1.2 * (size - len(rows)) / rate) + 1024, 5_000_000)
            draw = sample_rows(batch, rng, resolutions)
            drawn += batch
            draw = draw[self._valid_rows(draw)]
            rows = first_occurrences(np.vstack([rows, draw]))[:size]
            if self.flops is not None and drawn >= 200 * size and len(rows) < size:
                raise ValueError(
                    f"mobilenetv3: only {len(rows)} of {drawn} random sub-networks lie within "
                    f"{self.flops[0]:g}-{self.flops[1]:g} MFLOPs; widen --flops or lower --pool"
                )
        return rows

    # --- costs -------------------------------------------------------------------------
    def macs(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Multiply-adds in millions (OFA's MFLOPs) of ``rows`` (the pool by default)."""
        rows = self.rows if rows is None else np.asarray(rows)
        return self.costs.macs(rows[:, KS], rows[:, E], rows[:, R]) / 1e6

    def params(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Parameters in millions of ``rows`` (the pool by default)."""
        rows = self.rows if rows is None else np.asarray(rows)
        return self.costs.params(rows[:, KS], rows[:, E]) / 1e6

    def known_metrics(self) -> dict[str, np.ndarray]:
        """Every member's multiply-adds (``mflops``, OFA's MFLOPs) and parameters
        (``params_m``, millions), analytic."""
        return {"mflops": self.macs(), "params_m": self.params()}

    def _valid_rows(self, rows: np.ndarray) -> np.ndarray:
        if self.flops is None:
            return np.ones(len(rows), dtype=bool)
        macs = self.macs(rows)
        return (macs >= self.flops[0]) & (macs <= self.flops[1])

    # --- the protocol --------------------------------------------------------------------
    def config(self, index: int) -> dict:
        """OFA's configuration dict of architecture ``index``."""
        return format_config(self.rows[self.check_index(index)])

    def architecture(self, index: int) -> dict:
        return self.config(index)

    def to_string(self, index: int) -> str:
        return json.dumps(self.config(index))

    def from_string(self, text) -> int:
        row = parse_config(text, self.resolutions)
        return self._member(row, json.dumps(format_config(row)), "sub-network")

    def _encode_rows(self, rows: np.ndarray, encoding: str) -> np.ndarray:
        return encode_rows(rows, encoding, self.resolutions)

    def _mutate_row(self, row: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return mutate_row(row, rng, self.resolutions)

    def neighbours(self, index: int) -> list[int]:
        """The ``n_neighbours`` pool members differing in the fewest row entries."""
        row = self.rows[self.check_index(index)]
        differs = (self.rows != row).sum(axis=1)
        differs[index] = np.iinfo(differs.dtype).max
        order = np.argsort(differs, kind="stable")[: self.n_neighbours]
        return sorted(int(i) for i in order)

    def fingerprint(self) -> str:
        flops = "any" if self.flops is None else f"{self.flops[0]:g}-{self.flops[1]:g}"
        return f"{super().fingerprint()}:w{self.width_mult:g}:flops{flops}"

    def __repr__(self) -> str:
        bounds = "" if self.flops is None else f", {self.flops[0]:g}-{self.flops[1]:g} MFLOPs"
        return (
            f"MobileNetV3Space({self.size} sub-networks, width {self.width_mult:g}, "
            f"resolution {_shown(self.resolutions)}{bounds}, seed {self.seed})"
        )
