"""Search spaces by the names the command line gives them: ``nb201``, ``nb101``,
``nbgraph``, ``darts``, ``mobilenetv3``, FILE.json."""

from __future__ import annotations

import json
import os
from pathlib import Path

from weaknas.spaces.base import FiniteSpace

NAMED_SPACES = ("nb201", "nb101", "nbgraph", "darts", "mobilenetv3")
POOL_SPACES = ("darts", "mobilenetv3")  # searched over a seeded candidate pool
DEFAULT_POOL = 10_000


def load_space(
    spec: str,
    data: str | os.PathLike | None = None,
    pool: int | None = None,
    **pool_options,
) -> FiniteSpace:
    """``nb201``, ``nb101`` (its cells come from the NB101 data file, ``data``),
    ``nbgraph`` (NAS-Bench-Graph's networks), ``darts`` (a seeded pool of ``pool``
    genotypes, seed 0), ``mobilenetv3`` (a seeded pool of OFA sub-networks;
    ``pool_options``: ``width_mult``, ``resolutions``, ``flops``) or a JSON file declaring
    a ``CategoricalSpace`` (see ``categorical_space_from_json``)."""
    if pool_options and spec != "mobilenetv3":
        raise ValueError(f"--space {spec}: {sorted(pool_options)} are mobilenetv3 settings")
    if spec == "nb201":
        from weaknas.spaces.nb201 import NB201Space

        return NB201Space()
    if spec == "nb101":
        from weaknas.benchmarks import load_benchmark

        return load_benchmark("nb101", data).space
    if spec == "nbgraph":
        from weaknas.spaces.nbgraph import NBGraphSpace

        return NBGraphSpace()
    if spec == "darts":
        from weaknas.spaces.darts import DartsSpace

        return DartsSpace(pool_size=pool or DEFAULT_POOL, seed=0)
    if spec == "mobilenetv3":
        from weaknas.spaces.mobilenetv3 import MobileNetV3Space

        return MobileNetV3Space(pool_size=pool or DEFAULT_POOL, seed=0, **pool_options)
    if spec.endswith(".json"):
        return categorical_space_from_json(spec)
    raise ValueError(
        f"--space {spec!r}: expected nb201, nb101, nbgraph, darts, mobilenetv3 or a .json "
        "file of choices"
    )


def categorical_space_from_json(path: str | os.PathLike) -> FiniteSpace:
    """A ``CategoricalSpace`` declared in a JSON file.

    Either the choices alone, ``{"depth": [2, 4, 8], "act": ["relu", "gelu"]}``, or
    ``{"name": "mynet", "choices": {...}, "constraint": "MODULE:FUNCTION"}`` where the
    optional constraint is a function ``config -> bool`` importable from the working
    directory.
    """
    from weaknas.callables import import_callable
    from weaknas.spaces.categorical import CategoricalSpace

    path = Path(path)
    try:
        declared = json.loads(path.read_text())
    except FileNotFoundError:
        raise ValueError(f"--space {path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"--space {path}: not a JSON file ({exc})") from None
    if not isinstance(declared, dict):
        raise ValueError(f"--space {path}: expected a JSON object of choices")
    if "choices" in declared and isinstance(declared["choices"], dict):
        unknown = sorted(set(declared) - {"name", "choices", "constraint"})
        if unknown:
            raise ValueError(f"--space {path}: unknown field(s) {unknown}")
        choices = declared["choices"]
        name = str(declared.get("name", path.stem))
        spec = declared.get("constraint")
        constraint = import_callable(spec, f"{path}: constraint") if spec else None
    else:
        choices, name, constraint = declared, path.stem, None
    try:
        return CategoricalSpace(choices, constraint=constraint, name=name)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"--space {path}: {exc}") from None
