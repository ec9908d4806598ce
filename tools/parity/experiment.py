"""scikit-learn's side of `ffnn experiment`: trains each case on the rows ffnn trains on.

Usage (inside tools/parity/.venv; apps/cli/src/commands/experiment.ts runs it):
    python tools/parity/experiment.py CASES.json > results.json

CASES.json: {"data": {"cols": int, "x_train": path, "y_train": path, "x_test": path, "y_test":
path}, "cases": [{"name": str, "params": {sklearn params of FFNNReferenceClassifier}}]}. The data
files are the exact numbers ffnn trains on, written by experiment.ts: X as raw little-endian
float64 (row-major, `cols` wide), y as raw little-endian int32. Prints one JSON object: versions
and, per case, the test accuracy, loss curve, n_iter, final weights (flat, row-major) and
predictions, or the error. Progress goes to stderr.
"""

import json
import os
import platform
import sys
import time
import warnings

import numpy as np
import sklearn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ffnn_reference import FFNNReferenceClassifier  # noqa: E402


def read_data(spec):
    """The train and test rows from the raw files experiment.ts wrote."""
    cols = int(spec["cols"])
    X = lambda key: np.fromfile(spec[key], dtype="<f8").reshape(-1, cols)
    y = lambda key: np.fromfile(spec[key], dtype="<i4")
    return X("x_train"), y("y_train"), X("x_test"), y("y_test")


def main(argv):
    with open(argv[1]) as f:
        spec = json.load(f)
    Xtr, ytr, Xte, yte = read_data(spec["data"])
    results = []
    for case in spec["cases"]:
        t0 = time.perf_counter()
        params = dict(case["params"])
        params["hidden_layer_sizes"] = tuple(params["hidden_layer_sizes"])
        out = {"name": case["name"]}
        try:
            clf = FFNNReferenceClassifier(**params)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                clf.fit(Xtr, ytr)
            pred = clf.predict(Xte)
            out.update(
                accuracy=float(np.mean(pred == yte)),
                loss_curve=[float(v) for v in clf.loss_curve_],
                n_iter=int(clf.n_iter_),
                coefs=[[float(v) for v in c.ravel()] for c in clf.coefs_],
                intercepts=[[float(v) for v in b] for b in clf.intercepts_],
                predict=[int(v) for v in pred],
            )
        except Exception as e:  # reported in the table, not fatal for the other cases
            out["error"] = f"{type(e).__name__}: {e}"
        out["seconds"] = time.perf_counter() - t0
        results.append(out)
        print(f"sklearn {case['name']} {out['seconds']:.2f}s", file=sys.stderr, flush=True)
    print(
        json.dumps(
            {
                "versions": {"python": platform.python_version(), "numpy": np.__version__, "scikit_learn": sklearn.__version__},
                "results": results,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
