import numpy as np
import pytest
from scipy.stats import spearmanr
from sklearn.base import clone

from weaknas.predictors import PREDICTORS, LGBMPredictor, MLPPredictor, make_predictor
from weaknas.spaces import NB201Space


def _toy_problem(n_train=300, seed=0):
    """A smooth additive target over the one-hot features, with a little noise."""
    X = NB201Space().features
    rng = np.random.default_rng(seed)
    weights = rng.normal(size=X.shape[1])
    y = X @ weights * 3 + 80
    train = rng.choice(len(X), n_train, replace=False)
    return X, y, train, y[train] + rng.normal(scale=0.1, size=n_train)


@pytest.mark.parametrize("name", ["lgbm", "xgb", "rf", "mlp"])
def test_predictors_rank_a_learnable_target(name):
    X, y, train, y_train = _toy_problem()
    model = make_predictor(name, random_state=1).fit(X[train], y_train)
    predicted = model.predict(X)
    assert predicted.shape == (len(X),)
    assert spearmanr(predicted, y).statistic > 0.85


@pytest.mark.parametrize("name", ["lgbm", "xgb", "rf", "mlp"])
def test_predictors_are_deterministic_for_a_seed(name):
    X, _, train, y_train = _toy_problem(n_train=50)
    a = make_predictor(name, random_state=3).fit(X[train], y_train).predict(X[:500])
    b = make_predictor(name, random_state=3).fit(X[train], y_train).predict(X[:500])
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", ["lgbm", "xgb", "rf", "mlp"])
def test_predictors_fit_tiny_training_sets(name):
    X, _, train, y_train = _toy_problem(n_train=10)
    predicted = make_predictor(name).fit(X[train], y_train).predict(X)
    assert np.isfinite(predicted).all()
    assert np.ptp(predicted) > 0, "a predictor that cannot split 10 samples ranks nothing"


def test_sklearn_protocol():
    model = make_predictor("lgbm", random_state=7)
    assert clone(model).get_params()["random_state"] == 7
    with pytest.raises(ValueError, match="NaN"):
        model.fit(np.zeros((3, 2)), [1.0, np.nan, 2.0])
    with pytest.raises(ValueError, match="unknown predictor"):
        make_predictor("svm")
    assert set(PREDICTORS) >= {"lgbm", "rf", "mlp", "mlp-paper"}


def test_paper_mlp_configuration():
    paper = MLPPredictor.paper()
    assert paper.hidden_layer_sizes == (1000, 1000, 1000, 1000) and paper.epochs == 100
    # a short version of it trains and predicts (the full one takes seconds per fit)
    X, _, train, y_train = _toy_problem(n_train=20)
    quick = clone(paper).set_params(epochs=2)
    assert np.isfinite(quick.fit(X[train], y_train).predict(X[:100])).all()


@pytest.mark.parametrize("n_train", [10, 300])
def test_lookup_tables_equal_lightgbm_exactly(n_train):
    """Whole-space ranking uses compiled tables; they must give LightGBM's numbers."""
    rng = np.random.default_rng(5)
    features = rng.integers(0, 4, size=(5000, 20)).astype(np.uint8)
    labels = features[:, :5].sum(axis=1) * 1.0 + rng.normal(0, 0.3, len(features))
    model = LGBMPredictor(random_state=2).fit(features[:n_train], labels[:n_train])
    assert model.tables_ is not None
    from_tables = model.predict(features)  # integer rows above the threshold: tables
    from_lightgbm = model.booster_.predict(features.astype(np.float32))
    np.testing.assert_array_equal(from_tables, from_lightgbm)
    # few rows skip the tables; same numbers
    np.testing.assert_array_equal(model.predict(features[:50]), from_lightgbm[:50])


def test_ranking_objectives_fit_grades_of_the_order_and_rank_the_best_first():
    from scipy.stats import kendalltau

    from weaknas.predictors import LGBMPredictor, make_predictor

    grades = LGBMPredictor._grades(np.array([0.5, 0.1, 0.9, 0.1, 0.7]))
    np.testing.assert_array_equal(grades, [12, 3, 24, 3, 18])  # 31 levels by rank, ties shared
    assert LGBMPredictor._grades(np.arange(1000.0)).max() == LGBMPredictor.RANK_GRADES - 1
    rng = np.random.default_rng(0)
    X = rng.integers(0, 2, size=(400, 12)).astype(np.uint8)
    y = X[:, :4] @ np.array([4.0, 3.0, 2.0, 1.0]) + rng.normal(0, 0.3, 400)
    for name in ("lgbm-lambdarank", "lgbm-xendcg"):
        model = make_predictor(name, 3).fit(X, y)
        assert kendalltau(model.predict(X), y)[0] > 0.6, name
        again = make_predictor(name, 3).fit(X, y)
        np.testing.assert_array_equal(model.predict(X), again.predict(X))  # seeded
    with pytest.raises(ValueError, match="unknown objective 'pairwise'"):
        LGBMPredictor(objective="pairwise")
