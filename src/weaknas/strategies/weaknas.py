"""WeakNAS: iterate a weak predictor that only has to rank the promising region well.

Each iteration fits a fresh predictor on every (architecture, observed value) pair,
scores every unevaluated architecture, and picks the next batch from its predictions:
the paper samples uniformly from the predicted top-M (``acquisition="uniform"``). The
region the predictor must rank shrinks as the search sharpens.

The default encoding is the space's ``graf`` where it has one (NB201: the op one-hot and
counts plus GRAF's graph features; chosen in issue 30 on seeds 0-99 and confirmed on
100-199, ``benchmarks/predictor_variants.py``), else its ``search_encoding``.

NAS-Bench-Graph benchmarks have their own default picks (``PROTOCOL_PICKS`` in
``weaknas.runner.config``, issue 30): Thompson sampling over 5 models, 60% of each batch
from the neighbourhood of the best observed. Elsewhere,
the default picks (``DEFAULT_PICKS``, chosen in issue 14 on NB201 and NB101 and
confirmed on unused seeds; ``benchmarks/default_selection.py``): the predicted best
(greedy), with 30% of each batch drawn uniformly from the predicted top-M, and whole
batches drawn so once 5 iterations in a row have not raised the best observed value.

Variants (the paper's and its code's): an ensemble of ``n_models`` predictors, each
fitted on a bootstrap resample, and an acquisition over the ensemble: greedy top-N by
mean, expected improvement, upper confidence bound or Thompson sampling, each taking
the N best unevaluated architectures by its score (see ``acquisition``). ``explore``
mixes the two: that share of each batch is drawn uniformly from the predicted top-M, the
rest taken by the acquisition; ``local`` takes that share as the predicted best unseen
one-edit neighbours of the 10 best architectures observed (BANANAS's candidates).

Stall escape (``stall=K``, non-uniform acquisitions): once K iterations in a row have
not raised the best observed value, whole batches are drawn uniformly from the
predicted top-M (the paper's acquisition) until one does. Exploitation finds a
near-optimum fast, but then keeps proposing around it; the paper's broad sampling of
the predicted top region is what finds an isolated optimum (NB101's).

Shortlist (``shortlist=K``, ensembles only): the first member ranks the whole space, the
others only its K best unseen architectures (plus the local candidates), and every pick
is made from that shortlist. An ensemble then costs about one whole-space ranking, not
``n_models``; on large spaces (NB101) that is most of a run's time.

Several objectives (``set_objectives``, ``--objectives accuracy:max,latency:min``): a
weak predictor per objective observed with the evaluation (an objective known before
evaluation, such as analytic FLOPs or a device's latency table, is used as it is), and
the unseen architectures are ordered by non-dominated sorting of their predicted values
together with the observed ones (a candidate predicted to extend the observed front
ranks first; ties in random order). The picks are the first of that order, with the
explore share drawn uniformly from its first M (``weaknas.strategies.pareto_picks``).

Observed constraints (``set_observed_constraints``, ``--constraint`` on a metric the
evaluations return, such as a latency measured on the device): a weak predictor per
constrained metric, fitted to its observed values, marks the architectures predicted to
break a bound, and no pick takes one of them; the stall counts feasible bests only.
(A metric known before evaluation is bounded exactly instead: the runner never lets the
strategy propose an infeasible architecture.)

Pool growth (``pool_grow=K``, for spaces searched over a candidate pool): each
iteration adds up to K unseen one-edit mutations of the predicted best architectures to
the pool before choosing, so the search can move beyond the random pool it started
with. The strategy grows its own copy of the space (``strategy.space``).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from weaknas.predictors.base import WeakPredictor, predict_in_chunks
from weaknas.spaces.base import FiniteSpace
from weaknas.spaces.pool import PoolSpace, growable_copy
from weaknas.strategies.acquisition import (
    expected_improvement,
    thompson_draws,
    upper_confidence_bound,
)
from weaknas.strategies.base import Suggestion, top_k
from weaknas.strategies.fitted import PredictorStrategy
from weaknas.strategies.options import DEFAULT_PICKS, WeakNASOptions, resolve_picks
from weaknas.strategies.pareto_picks import improvement_order, pareto_order

LOCAL_PARENTS = 10  # local picks: neighbours of this many best observed architectures


def stalled(values, stall: int, per_iteration: int) -> bool:
    """True once ``stall`` iterations of ``per_iteration`` queries have not raised the
    best of ``values`` (in the order observed); never with ``stall`` 0."""
    if not stall:
        return False
    since_best = len(values) - 1 - int(np.argmax(values))  # first reach of the max
    return since_best >= stall * per_iteration


class WeakNAS(PredictorStrategy):
    """The WeakNAS strategy: 10 initial, 10 per step, top-100, the default picks
    (``DEFAULT_PICKS``; ``acquisition="uniform"`` is the paper's)."""

    Options = WeakNASOptions
    #: Graph features, where the space has them. NB201's ``graf``: fewer queries to the
    #: optimum than ``onehot+counts`` on all three datasets (seeds 100-199: 62.1 / 66.9 /
    #: 113.0 against 81.0 / 82.7 / 131.4) for 0.1 s more a 1,000-query run; LambdaRank on
    #: top ranked better still but doubled the cost. NB101's ``adjacency+stats+graf``:
    #: seeds 100-199, 1,061.8 against ``adjacency+stats``'s 1,341.7 (p < 0.001), 100 found
    #: each, and faster (``benchmarks/results/predictor_variants``).
    preferred_encodings = ("graf", "adjacency+stats+graf")

    def __init__(self, space: FiniteSpace, seed: int = 0, **options: Any) -> None:
        """``options``: the fields of ``WeakNASOptions`` (``top_m`` may also be a
        ``TopMSchedule``; a plain M or ``"M_START:M_END"`` decays over 1,000 queries)."""
        given: WeakNASOptions = self._read_options(options)
        if given.pool_grow:
            space = growable_copy(space)
        super().__init__(space, seed, given)
        self.options = given
        self.pool_grow = given.pool_grow
        self.acquisition: str = given.acquisition or ""
        self.explore = float(given.explore or 0.0)
        self.local = float(given.local)
        self.shortlist = given.shortlist
        self.stall = int(given.stall or 0)
        self.n_models = int(given.n_models or 1)
        self.n_init = given.n_init
        self.batch_size = given.batch_size
        self.top_m = given.top_m_schedule(horizon=1000)
        self.n_fits = 0
        self.fit_seconds = 0.0
        self.rank_seconds = 0.0

    def step_size(self) -> int:
        return self.batch_size

    def in_initial_design(self) -> bool:
        return super().in_initial_design() or self.n_told < 2  # a fit needs two values

    def set_objectives(self, objectives, known=None) -> None:
        """Several objectives (see the module's docstring); the options that have no
        meaning there are refused: the acquisitions over an ensemble, local picks, the
        shortlist and pool growth. The stall escape does not apply (no single best)."""
        given = self.options
        unusable = {
            "acquisition": given.acquisition not in ("greedy", "uniform"),
            "n_models": self.n_models > 1,
            "local": bool(self.local),
            "shortlist": bool(self.shortlist),
            "pool_grow": bool(self.pool_grow),
        }
        named = [name for name, bad in unusable.items() if bad]
        if named:
            raise ValueError(
                f"weaknas with several objectives picks by predicted Pareto order (greedy, "
                f"or uniform from its top-M) with one predictor per objective: "
                f"{', '.join(named)} cannot be used there"
            )
        super().set_objectives(objectives, known)

    def set_observed_constraints(self, constraints) -> None:
        """Bounds on metrics observed with each evaluation: a weak predictor per metric
        (fitted to its values) marks the architectures predicted to break a bound, and
        every pick avoids them (see the module's docstring)."""
        if self.objectives:
            raise ValueError(
                "weaknas with several objectives bounds only metrics known before evaluation"
            )
        if self.pool_grow or self.shortlist:
            raise ValueError("observed constraints cannot be combined with pool_grow or shortlist")
        super().set_observed_constraints(constraints)

    def _predicted_feasible(self, indices: np.ndarray) -> np.ndarray | None:
        """Which architectures are predicted to meet every observed constraint (None
        without any): a predictor per constrained metric, fitted to its observed values."""
        if not self.observed_constraints:
            return None
        metrics = self.observed_metrics()
        feasible = np.ones(self.space.size, dtype=bool)
        for j, constraint in enumerate(self.observed_constraints):
            model = self._new_predictor().fit(self.features[indices], metrics[:, j])
            self.n_fits += 1
            feasible &= constraint.satisfied(predict_in_chunks(model, self.features))
        return feasible

    def _propose(self, count: int) -> list[Suggestion]:
        if self.objectives:
            return self._propose_pareto(count)
        indices, values = self.observations()
        features = self.features
        labels = self._labels(values)
        started = time.perf_counter()
        models = self._fit_models(features[indices], labels)
        predicted_feasible = self._predicted_feasible(indices)
        fitted = time.perf_counter()
        near = None  # the unseen neighbours of the best observed, once computed
        if self.shortlist and len(models) > 1:
            if self.local:  # shortlisted too
                near = self._unseen_neighbours(indices, values)
            candidates, shortlisted = self._rank_shortlist(models, near)
            scores = np.mean(shortlisted, axis=0)
            assert self.latest_scores is not None  # the lead member's ranking
            self.latest_scores[candidates] = scores
            predictions: np.ndarray | None = shortlisted
        else:
            # Scoring the whole space (evaluated cells too) avoids copying the candidate
            # rows, which costs more than the few extra predictions on large spaces.
            whole = [predict_in_chunks(model, features) for model in models]
            if self.options.self_train:
                models, whole = self._self_trained(indices, labels, whole[0])
            if self.pool_grow:
                whole = self._grow_pool(models, whole, count)
            candidates = self.unseen_indices()
            mean = whole[0] if len(models) == 1 else np.mean(whole, axis=0)
            self.latest_scores = mean
            predictions = np.array([p[candidates] for p in whole]) if len(models) > 1 else None
            scores = mean[candidates]
        # Under observed constraints every pick avoids the architectures predicted to
        # break a bound (the predictions' errors are the exploration).
        allowed, progress = scores, values
        if predicted_feasible is not None:
            allowed = np.where(predicted_feasible[candidates], scores, -np.inf)
            progress = values[self.observed_feasible()]  # a stall: no new feasible best
        if self.acquisition == "uniform" or self._stalled(progress):
            chosen = self._uniform_from_top_m(allowed, count, len(indices))
        else:
            spread = np.std(predictions, axis=0) if predictions is not None else None
            n_explore = round(count * self.explore)
            n_local = round(count * self.local)
            chosen = self._best_by_acquisition(
                allowed, spread, labels.max(), count - n_explore - n_local
            )
            if n_local:  # the predicted best one-edit neighbours of the best observed
                if near is None:  # after any pool growth: neighbours in the grown pool
                    near = self._unseen_neighbours(indices, values)
                local = self._positions_of(near, candidates, chosen)
                chosen = np.concatenate([chosen, local[top_k(allowed[local], n_local, self.rng)]])
                n_explore = count - len(chosen)  # too few neighbours: explore instead
            if n_explore:  # the rest uniformly from the predicted top-M, as the paper's
                others = np.setdiff1d(np.arange(len(scores)), chosen)
                picks = self._uniform_from_top_m(allowed[others], n_explore, len(indices))
                chosen = np.concatenate([chosen, others[picks]])
        self.fit_seconds += fitted - started
        self.rank_seconds += time.perf_counter() - fitted
        self.n_fits += len(models)
        return [Suggestion(int(candidates[c]), float(scores[c])) for c in chosen]

    def _propose_pareto(self, count: int) -> list[Suggestion]:
        """Several objectives: predict each observed one, order the unseen by predicted
        Pareto rank among the observed, take the first (and explore the top-M)."""
        indices, values = self.observed_vectors()
        started = time.perf_counter()
        size = self.space.size
        # Everything in minimisation form; a fitted objective in its label's units (the
        # order within one objective is all dominance needs).
        whole = np.empty((size, len(self.objectives)))
        observed = np.empty((len(indices), len(self.objectives)))
        primary_prediction = None
        rank_seconds = 0.0
        for j, objective in enumerate(self.objectives):
            if objective.name in self.known_objectives:
                whole[:, j] = objective.sign * self.known_objectives[objective.name]
                observed[:, j] = whole[indices, j]
                continue
            labels = self._labels(-objective.sign * values[:, j])  # higher is better
            model = self._new_predictor().fit(self.features[indices], labels)
            ranked = time.perf_counter()
            predicted = predict_in_chunks(model, self.features)
            rank_seconds += time.perf_counter() - ranked
            self.n_fits += 1
            whole[:, j] = -predicted
            observed[:, j] = -labels
            if objective.primary:
                primary_prediction = predicted
        ranked = time.perf_counter()
        candidates = self.unseen_indices()
        n_greedy = count - round(count * self.explore)
        if self.options.pareto_picks == "hvi" and len(self.objectives) == 2:
            reference = np.median(whole, axis=0)  # each objective's median over the space
            order = improvement_order(observed, whole[candidates], reference, n_greedy, self.rng)
        else:
            order = pareto_order(observed, whole[candidates], self.rng)
        if self.acquisition == "uniform":
            chosen = self._uniform_from_order(order, count, len(indices))
        else:
            n_explore = count - n_greedy
            chosen = order[:n_greedy]
            if n_explore:
                rest = order[n_greedy:]
                chosen = np.concatenate(
                    [chosen, self._uniform_from_order(rest, n_explore, len(indices))]
                )
        self.latest_scores = None  # no single score to diagnose
        rank_seconds += time.perf_counter() - ranked
        self.rank_seconds += rank_seconds
        self.fit_seconds += time.perf_counter() - started - rank_seconds
        return [
            Suggestion(
                int(candidates[c]),
                float("nan")
                if primary_prediction is None
                else float(primary_prediction[candidates[c]]),
            )
            for c in chosen
        ]

    def _uniform_from_order(self, order: np.ndarray, count: int, n_told: int) -> np.ndarray:
        """``count`` drawn uniformly from the first M of ``order`` (at least ``count``)."""
        m = min(max(self.top_m(n_told), count), len(order))
        return self.rng.choice(order[:m], size=count, replace=False)

    def _stalled(self, values: np.ndarray) -> bool:
        return len(values) > 0 and stalled(values, self.stall, self.batch_size)

    def _rank_shortlist(self, models, near) -> tuple[np.ndarray, np.ndarray]:
        """The shortlist (sorted unseen indices, plus ``near`` if given) and every
        member's predictions for it; ``latest_scores`` is the first member's ranking."""
        lead = predict_in_chunks(models[0], self.features)
        self.latest_scores = lead  # the caller writes the ensemble's mean over the shortlist
        unseen = self.unseen_indices()
        rows = unseen[top_k(lead[unseen], self.shortlist, self.rng)]
        rows = np.sort(rows) if near is None else np.union1d(rows, near)
        others = [model.predict(self.features[rows]) for model in models[1:]]
        return rows, np.array([lead[rows], *others])

    def _unseen_neighbours(self, indices, values) -> np.ndarray:
        """Unseen architectures one edit from the ``LOCAL_PARENTS`` best observed."""
        parents = indices[np.argsort(-values, kind="stable")[:LOCAL_PARENTS]]
        near = np.unique([n for p in parents for n in self.space.neighbours(int(p))])
        return near[~self._seen[near]] if len(near) else near.astype(np.int64)

    @staticmethod
    def _positions_of(near: np.ndarray, candidates: np.ndarray, taken) -> np.ndarray:
        """Positions in ``candidates`` (sorted) of the ``near`` architectures not taken."""
        positions = np.searchsorted(candidates, near)
        inside = positions < len(candidates)
        positions, near = positions[inside], near[inside]
        positions = positions[candidates[positions] == near]
        return np.setdiff1d(positions, taken)

    def _grow_pool(self, models, predictions: list[np.ndarray], count: int) -> list[np.ndarray]:
        """Add up to ``pool_grow`` mutations of the ``count`` predicted best (evaluated
        ones included) to the pool; return the predictions extended to them."""
        mean = predictions[0] if len(models) == 1 else np.mean(predictions, axis=0)
        parents = top_k(mean, count, self.rng)
        space = self.space
        assert isinstance(space, PoolSpace)  # pool_grow searches a growable_copy
        added = space.add_mutations(parents, self.pool_grow, self.rng)
        self._follow_growth()
        if len(added) == 0:
            return predictions
        new_features = self.features[added]
        return [
            np.concatenate([p, model.predict(new_features)])
            for p, model in zip(predictions, models, strict=True)
        ]

    def _fit_models(self, X: np.ndarray, labels: np.ndarray) -> list[WeakPredictor]:
        """One predictor on all data, or an ensemble of bootstrap-resampled ones."""
        if self.n_models == 1:
            return [self._new_predictor().fit(X, labels)]
        models = []
        for _ in range(self.n_models):
            rows = self.rng.integers(len(labels), size=len(labels))
            models.append(self._new_predictor().fit(X[rows], labels[rows]))
        return models

    def _self_trained(
        self, indices: np.ndarray, labels: np.ndarray, predicted: np.ndarray
    ) -> tuple[list[WeakPredictor], list[np.ndarray]]:
        """Self-training: the predictor's own predictions label ``self_train`` unseen
        architectures drawn at random, and a predictor fitted to them and the observed
        ones ranks the space instead."""
        unseen = self.unseen_indices()
        drawn = self.rng.choice(unseen, min(self.options.self_train, len(unseen)), replace=False)
        rows = np.concatenate([indices, drawn])
        model = self._new_predictor().fit(
            self.features[rows], np.concatenate([labels, predicted[drawn]])
        )
        self.n_fits += 1
        return [model], [predict_in_chunks(model, self.features)]

    def _uniform_from_top_m(self, scores: np.ndarray, count: int, n_told: int) -> np.ndarray:
        m = min(max(self.top_m(n_told), count), len(scores))
        # Ties (tree models predict many equal values) are broken at random, not by index.
        return self._uniform_from_order(top_k(scores, m, self.rng), count, n_told)

    def _best_by_acquisition(self, mean, spread, best_label: float, count: int) -> np.ndarray:
        if self.acquisition == "greedy":
            value = mean
        elif self.acquisition == "ei":
            value = expected_improvement(mean, spread, best_label)
        elif self.acquisition == "ucb":
            value = upper_confidence_bound(mean, spread)
        else:  # "ts"
            value = thompson_draws(mean, spread, self.rng)
        return top_k(value, count, self.rng)


__all__ = ["DEFAULT_PICKS", "WeakNAS", "resolve_picks", "stalled"]
