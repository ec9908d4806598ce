"""Converts a fitted scikit-learn MLPClassifier into an ffnn model file (binary format version 2).

    python import_sklearn.py convert MODEL.joblib OUT.ffnn [--check-x X.json --check-out CHECK.json]
    python import_sklearn.py demo NAME|all OUT_DIR

`convert` loads a pickled MLPClassifier (joblib) and writes OUT.ffnn: a safetensors file whose
tensors are coefs_/intercepts_ (coefs.l [fanIn, fanOut], intercepts.l [fanOut], F64 or F32 as
the fitted weights are) and whose __metadata__ describes the model in ffnn's terms (see
libs/ffnn/src/io/README.md). With --check-x it also writes sklearn's predict_proba and predict
on those rows, for comparison with ffnn.

`demo` trains named MLPClassifier configurations on scikit-learn's load_digits, pickles each with
joblib (OUT_DIR/NAME.joblib), converts it with `convert` (OUT_DIR/NAME.ffnn) and writes
OUT_DIR/NAME.check.json: the held-out rows, predict_proba, predict and a tolerance.

Only numpy, scikit-learn and joblib are needed (the parity venv: node tools/parity/setup.mjs).
"""

import argparse
import hashlib
import json
import math
import os
import struct
import sys
import warnings

import joblib
import numpy as np
import sklearn
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import FFNN_NAMES  # noqa: E402  (the parity reference's sklearn -> ffnn option names)

FORMAT = "ffnn-model"
FORMAT_VERSION = "2"

# sklearn activation names are ffnn's canonical names already (identity, logistic, tanh, relu,
# softmax); the loss follows the output activation, as in sklearn
LOSS_FOR_OUTPUT = {"softmax": "categorical_cross_entropy", "logistic": "binary_cross_entropy", "identity": "mean_squared_error"}
KIND = {"binary": "binary", "multiclass": "multiclass", "multilabel-indicator": "multilabel"}


def finite_or_none(v):
    return float(v) if v is not None and math.isfinite(v) else None


def plain(value):
    """numpy scalars and tuples as JSON values."""
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, np.str_):
        return str(value)
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    return value


def ffnn_options(clf):
    """sklearn's parameters under ffnn's option names, only where ffnn accepts the value."""
    p = clf.get_params()
    out = {}
    hidden = p["hidden_layer_sizes"]
    out["hiddenLayerSizes"] = [int(h) for h in (hidden if isinstance(hidden, (list, tuple)) else [hidden])]
    out["activation"] = p["activation"]
    if p["solver"] in ("sgd", "adam", "lbfgs"):
        out["solver"] = p["solver"]
    out["maxFun"] = int(p["max_fun"])
    # the plain parameters share the parity reference's sklearn -> ffnn name map
    plain_params = ("alpha", "learning_rate", "learning_rate_init", "power_t", "max_iter", "shuffle", "tol",
                    "warm_start", "momentum", "nesterovs_momentum", "early_stopping", "validation_fraction",
                    "beta_1", "beta_2", "epsilon", "n_iter_no_change")
    simple = {k: FFNN_NAMES[k] for k in plain_params}
    for k, name in simple.items():
        out[name] = plain(p[k])
    out["batchSize"] = "auto" if p["batch_size"] == "auto" else int(p["batch_size"])
    rs = p["random_state"]
    out["randomState"] = int(rs) if isinstance(rs, (int, np.integer)) and 0 <= rs <= 0xFFFFFFFF else None
    out["verbose"] = bool(p["verbose"])
    out["dtype"] = "float32" if clf.coefs_[0].dtype == np.float32 else "float64"
    return out


def describe(clf):
    """The `model` metadata: ffnn's model description of a fitted MLPClassifier."""
    kind = KIND[clf._label_binarizer.y_type_]
    hidden_act = clf.activation
    n_layers = len(clf.coefs_)
    sizes = [int(clf.coefs_[0].shape[0])] + [int(c.shape[1]) for c in clf.coefs_]
    early = bool(clf.early_stopping)
    return {
        "dtype": "float32" if clf.coefs_[0].dtype == np.float32 else "float64",
        "layerSizes": sizes,
        "activations": [hidden_act] * (n_layers - 1) + [clf.out_activation_],
        "loss": LOSS_FOR_OUTPUT[clf.out_activation_],
        "target": {"kind": kind, "classes": [plain(c) for c in clf.classes_]},
        "options": ffnn_options(clf),
        "training": {
            "lossCurve": [finite_or_none(v) for v in getattr(clf, "loss_curve_", []) or []],
            "validationLossCurve": [],
            "validationScores": [finite_or_none(v) for v in (getattr(clf, "validation_scores_", None) or [])],
            "bestLoss": None if early else finite_or_none(getattr(clf, "best_loss_", None)),
            "bestValidationScore": finite_or_none(getattr(clf, "best_validation_score_", None)) if early else None,
            "nIter": int(clf.n_iter_),
            "t": int(getattr(clf, "t_", 0)),
        },
    }


def write_ffnn(clf, path):
    """Writes the fitted classifier as an ffnn binary model file (safetensors + metadata)."""
    if not hasattr(clf, "coefs_"):
        raise ValueError("the MLPClassifier is not fitted")
    dtype = clf.coefs_[0].dtype
    st_dtype, np_dtype = ("F32", "<f4") if dtype == np.float32 else ("F64", "<f8")
    tensors = [(f"coefs.{l}", c) for l, c in enumerate(clf.coefs_)] + [(f"intercepts.{l}", b) for l, b in enumerate(clf.intercepts_)]
    chunks, header, offset = [], {}, 0
    for name, array in tensors:
        raw = np.ascontiguousarray(array, dtype=np_dtype).tobytes()  # row-major, little-endian
        header[name] = {"dtype": st_dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    for a in clf.coefs_ + clf.intercepts_:
        if not np.all(np.isfinite(a)):
            raise ValueError("the MLPClassifier has non-finite weights")
    model = json.dumps(describe(clf), allow_nan=False, separators=(",", ":"))
    header = {
        "__metadata__": {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "library": f"scikit-learn {sklearn.__version__} (tools/parity/import_sklearn.py)",
            "model": model,
            "sha256_model": hashlib.sha256(model.encode("utf-8")).hexdigest(),
            "sha256_tensors": hashlib.sha256(b"".join(chunks)).hexdigest(),
        },
        **header,
    }
    text = json.dumps(header, allow_nan=False, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)  # data 8-byte aligned, as safetensors writes
    tmp = f"{path}.tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for c in chunks:
            f.write(c)
    os.replace(tmp, path)


def write_check(clf, X, path, tolerance):
    proba = clf.predict_proba(X)
    pred = clf.predict(X)
    check = {
        "sklearn": sklearn.__version__,
        "tolerance": tolerance,
        "X": np.asarray(X, dtype=np.float64).tolist(),
        "proba": proba.astype(np.float64).tolist(),
        "predict": [plain(v) if np.ndim(v) == 0 else [int(x) for x in v] for v in pred],
    }
    with open(path, "w") as f:
        json.dump(check, f, allow_nan=False)


def digits():
    d = load_digits()
    X = d.data / 16.0
    return train_test_split(X, d.target, test_size=300, random_state=0, stratify=d.target)


NAMES = np.array(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"])

# name -> (MLPClassifier params, target transform, X dtype, tolerance on probabilities)
DEMOS = {
    "digits-relu-adam": (dict(hidden_layer_sizes=(32, 16), activation="relu", solver="adam", max_iter=40, random_state=0), lambda y: y, np.float64, 1e-12),
    "digits-logistic-sgd-binary": (dict(hidden_layer_sizes=(16,), activation="logistic", solver="sgd", learning_rate_init=0.1, max_iter=40, random_state=1), lambda y: (y == 3).astype(int), np.float64, 1e-12),
    "digits-tanh-strings": (dict(hidden_layer_sizes=(24,), activation="tanh", solver="adam", max_iter=30, random_state=2), lambda y: NAMES[y], np.float64, 1e-12),
    "digits-identity-lbfgs": (dict(hidden_layer_sizes=(12,), activation="identity", solver="lbfgs", max_iter=60, random_state=3), lambda y: y, np.float64, 1e-12),
    "digits-relu-multilabel": (dict(hidden_layer_sizes=(20,), activation="relu", max_iter=30, random_state=4), lambda y: np.stack([y % 2, (y >= 5).astype(int)], axis=1), np.float64, 1e-12),
    "digits-relu-float32": (dict(hidden_layer_sizes=(32,), activation="relu", max_iter=30, random_state=5), lambda y: y, np.float32, 1e-5),
}


def demo(name, out_dir):
    params, target, dtype, tol = DEMOS[name]
    X_train, X_test, y_train, y_test = digits()
    clf = MLPClassifier(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_train.astype(dtype), target(y_train))
    pickled = f"{out_dir}/{name}.joblib"
    joblib.dump(clf, pickled)
    convert(pickled, f"{out_dir}/{name}.ffnn")
    write_check(joblib.load(pickled), X_test.astype(dtype), f"{out_dir}/{name}.check.json", tol)


def convert(model_path, out_path):
    clf = joblib.load(model_path)
    if not isinstance(clf, MLPClassifier):
        raise SystemExit(f"{model_path}: expected a fitted MLPClassifier, got {type(clf).__name__}")
    write_ffnn(clf, out_path)
    return clf


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("convert", help="a pickled MLPClassifier to an ffnn model file")
    c.add_argument("model")
    c.add_argument("out")
    c.add_argument("--check-x", help="JSON rows to predict with sklearn")
    c.add_argument("--check-out", help="where to write sklearn's predictions on --check-x")
    d = sub.add_parser("demo", help="train, pickle and convert a named configuration on load_digits")
    d.add_argument("name", choices=[*DEMOS, "all"])
    d.add_argument("out_dir")
    args = ap.parse_args(argv)
    if args.command == "convert":
        clf = convert(args.model, args.out)
        if args.check_x:
            X = np.asarray(json.load(open(args.check_x)), dtype=clf.coefs_[0].dtype)
            write_check(clf, X, args.check_out or f"{args.out}.check.json", 1e-12 if X.dtype == np.float64 else 1e-5)
    else:
        for name in DEMOS if args.name == "all" else [args.name]:
            demo(name, args.out_dir)
    print(json.dumps({"ok": True, "command": args.command}))


if __name__ == "__main__":
    main(sys.argv[1:])
