"""Writes fixtures/sklearn-test-mlp.json: the data sets and reference numbers that
libs/ffnn/test/sklearn-test-mlp.test.ts (the port of scikit-learn's
sklearn/neural_network/tests/test_mlp.py) needs from Python.

Run in the parity venv (pinned scikit-learn 1.8.0):
    tools/parity/.venv/bin/python tools/parity/sklearn_test_mlp_data.py

Every array is built exactly as test_mlp.py builds it at module level or inside a test
(same loaders, same random states); floats are written as Python reprs (exact round trip).
The reference numbers computed here: those test_mlp.py takes from scikit-learn itself
rather than from the MLP under test (PoissonRegressor's predictions in
test_mlp_vs_poisson_glm_equivalent, global_random_seed = 42, conftest.py's default), and
scikit-learn's own run of test_mlp_diverging_loss (its loss curve and validation scores, which
ffnn's must equal epoch for epoch up to the first non-finite loss, where ffnn stops; NaN is
written as null).
"""

import json
import math
import platform
import sys
import warnings
from pathlib import Path

import numpy as np
import scipy
import sklearn
from sklearn.datasets import (
    load_digits,
    load_iris,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import PoissonRegressor
from sklearn.neural_network import MLPRegressor
from sklearn.preprocessing import MinMaxScaler, scale

OUT = Path(__file__).resolve().parents[2] / "fixtures" / "sklearn-test-mlp.json"
GLOBAL_RANDOM_SEED = 42  # sklearn/conftest.py: default_random_seeds = [42]


def mat(a):
    a = np.asarray(a)
    return [[float(v) for v in row] for row in a] if a.ndim == 2 else [float(v) for v in a]


def nan_null(a):
    """Floats with NaN as null (JSON has no NaN)."""
    return [None if math.isnan(v) else float(v) for v in a]


def ints(a):
    return [int(v) for v in np.asarray(a).ravel()]


def main():
    data = {}
    # module level of test_mlp.py
    X_digits, y_digits = load_digits(n_class=3, return_X_y=True)
    data["X_digits_multi"] = mat(MinMaxScaler().fit_transform(X_digits[:200]))
    data["y_digits_multi"] = ints(y_digits[:200])
    X_digits, y_digits = load_digits(n_class=2, return_X_y=True)
    data["X_digits_binary"] = mat(MinMaxScaler().fit_transform(X_digits[:200]))
    data["y_digits_binary"] = ints(y_digits[:200])
    # X_digits / y_digits keep the n_class=2 load (unscaled): the dtype tests use them
    data["X_digits"] = mat(X_digits)
    data["y_digits"] = ints(y_digits)
    X_reg, y_reg = make_regression(n_samples=200, n_features=10, bias=20.0, noise=100.0, random_state=7)
    data["X_reg"] = mat(X_reg)
    data["y_reg"] = mat(scale(y_reg))
    iris = load_iris()
    data["X_iris"] = mat(iris.data)
    data["y_iris"] = ints(iris.target)

    # inside tests
    X, y = make_multilabel_classification(n_samples=50, random_state=0, return_indicator=True)
    data["multilabel"] = {"X": mat(X), "Y": [ints(r) for r in y]}
    X, y = make_regression(n_samples=200, n_targets=5, random_state=11)
    data["multioutput"] = {"X": mat(X), "Y": mat(y)}
    rng = np.random.RandomState(0)
    fmax = np.finfo(np.float64).max
    X = fmax * rng.uniform(size=(10, 2))
    y = rng.standard_normal(size=10)
    data["nonfinite"] = {"X": mat(X), "y": mat(y)}
    X, y = make_regression(n_samples=50, n_features=5, n_targets=1, random_state=0)
    data["shuffle"] = {"X": mat(X), "y": mat(y)}
    rng = np.random.RandomState(0)
    data["feature_names"] = {"X": mat(rng.randn(10, 2)), "columns": ["colname_a", "colname_b"]}
    X, y = make_regression(n_samples=100, n_features=2, n_informative=2, random_state=42)
    data["sample_weight_early_stopping"] = {"X": mat(X), "y": mat(y)}
    X, y = make_regression(n_samples=2, n_features=5, random_state=0)
    data["minimum_input"] = {"X": mat(X), "y": mat(y)}

    # test_mlp_vs_poisson_glm_equivalent: the data and sklearn's GLM, the reference
    seed = GLOBAL_RANDOM_SEED
    n = 100
    rng = np.random.default_rng(seed)
    X = np.linspace(0, 1, n)
    y = rng.poisson(np.exp(X + 1))
    X = X.reshape(n, -1)
    glm = PoissonRegressor(alpha=0, tol=1e-7).fit(X, y)
    data["poisson_glm"] = {
        "global_random_seed": seed,
        "mlp_random_state": seed + 1,
        "X": mat(X),
        "y": ints(y),
        "glm_predict": mat(glm.predict(X)),
    }

    # test_mlp_diverging_loss: scikit-learn's own run of the test, with the test's parameters
    mlp = MLPRegressor(
        hidden_layer_sizes=100,
        activation="identity",
        solver="sgd",
        alpha=0.0001,
        learning_rate="constant",
        learning_rate_init=1,
        shuffle=True,
        max_iter=20,
        early_stopping=True,
        n_iter_no_change=10,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(iris.data, iris.target)
    data["diverging_loss"] = {
        "loss_curve": nan_null(mlp.loss_curve_),
        "validation_scores": nan_null(mlp.validation_scores_),
        "best_validation_score": float(mlp.best_validation_score_),
        "n_iter": int(mlp.n_iter_),
        "predict_first_rows": mat(mlp.predict(iris.data[:10])),
    }

    doc = {
        "description": "Data and reference numbers for libs/ffnn/test/sklearn-test-mlp.test.ts, the port of sklearn/neural_network/tests/test_mlp.py",
        "generator": {
            "script": "tools/parity/sklearn_test_mlp_data.py",
            "command": "tools/parity/.venv/bin/python tools/parity/sklearn_test_mlp_data.py",
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__,
        },
        "data": data,
    }
    OUT.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
