"""Ordering candidates for several objectives, by predicted values (minimisation form).

Two orders (``WeakNASOptions.pareto_picks``):

- ``nds``: non-dominated sorting. A candidate's place is its Pareto rank among the
  observed architectures and every candidate together: rank 0 holds the candidates
  predicted to extend the observed front, rank 1 those only the first front dominates,
  and so on; within a rank the order is random (seeded), so picks spread along the front.
- ``hvi``: predicted hypervolume improvement, greedily for a batch: the candidate whose
  predicted point adds most to the hypervolume of the observed front, then (believing
  that prediction) the one that adds most to the front with it, and so on; the rest
  follow in ``nds`` order. The reference point is each objective's median over the
  space (predicted where not known), so the picks go where a front is measured. Exact
  for two objectives; with three, ``nds`` is used.
"""

from __future__ import annotations

import numpy as np

from weaknas.pareto import nondominated, pareto_ranks


def pareto_order(
    observed: np.ndarray, candidates: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Positions of ``candidates`` (rows of predicted values), best first by Pareto rank
    among the observed and the candidates together; ties in random order."""
    ranks = pareto_ranks(np.vstack([observed, candidates]))[len(observed) :]
    shuffled = rng.permutation(len(ranks))
    return shuffled[np.argsort(ranks[shuffled], kind="stable")]


def improvement_2d(points: np.ndarray, front: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Exact hypervolume each of ``points`` would add to ``front`` (two objectives,
    minimisation form, bounded by ``reference``)."""
    rx, ry = reference
    inside = np.all(front < reference, axis=1)
    front = front[inside]
    front = front[nondominated(front)] if len(front) else front
    front = front[np.lexsort((-front[:, 1], front[:, 0]))] if len(front) else front
    px = np.minimum(points[:, 0], rx)
    py = np.minimum(points[:, 1], ry)
    box = (rx - px) * (ry - py)
    if len(front) == 0:
        return box
    # the part of each point's box the front dominates: a staircase of clipped corners
    xs = np.maximum(px[:, None], front[None, :, 0])
    ys = np.maximum(py[:, None], front[None, :, 1])
    above = np.concatenate([np.full((len(points), 1), ry), ys[:, :-1]], axis=1)
    covered = np.sum((rx - xs) * np.clip(above - ys, 0, None), axis=1)
    return np.clip(box - covered, 0.0, None)


def improvement_order(
    observed: np.ndarray,
    candidates: np.ndarray,
    reference: np.ndarray,
    count: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Positions of ``candidates``: the ``count`` picked greedily by predicted
    hypervolume improvement (each pick's prediction joins the front), then the rest in
    ``pareto_order``."""
    order = pareto_order(observed, candidates, rng)
    front = observed
    chosen: list[int] = []
    available = np.ones(len(candidates), dtype=bool)
    for _ in range(min(count, len(candidates))):
        gain = improvement_2d(candidates, front, reference)
        gain[~available] = -1.0
        best = int(np.argmax(gain))
        if gain[best] <= 0:
            break  # nothing predicted to improve the front: the Pareto order decides
        chosen.append(best)
        available[best] = False
        front = np.vstack([front, candidates[best]])
    if not chosen:
        return order
    rest = order[available[order]]
    return np.concatenate([np.array(chosen, dtype=np.int64), rest])


__all__ = ["improvement_2d", "improvement_order", "pareto_order"]
