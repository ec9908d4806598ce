"""One scikit-learn MLPClassifier run for the ffnn benchmarks (apps/bench), in its own process.

    python sklearn_run.py '<RunSpec as JSON>'   -> one JSON line (RunOutput) on stdout
    python sklearn_run.py --info                -> versions and threadpoolctl's view of the BLAS

Timing: one ordinary `fit` with max_iter = epochs (tol=0, n_iter_no_change > epochs, so it never
stops early). A subclass stamps time.perf_counter() each time `_fit_stochastic` finishes an epoch
(its `_update_no_improvement_count` hook runs once per epoch, right after the batch loop), so
epoch i's time is the gap between stamps i-1 and i: the shuffle, every batch's forward/backward
and update, and the per-epoch bookkeeping -- the same work ffnn's `onEpoch(seconds)` covers. The
first epoch (stamped from the start of `fit`, so it also holds input validation and the weight
init) is the warm-up and is not used for the median.

Threads are set from outside (OPENBLAS_NUM_THREADS / OMP_NUM_THREADS) and reported back from
threadpoolctl. Data: x_*.npy (float64) and y_*.npy (int32) written by the parent.
"""
import json
import os
import platform
import resource
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_info


def blas_info():
    return [
        {k: i.get(k) for k in ("internal_api", "version", "architecture", "threading_layer", "num_threads", "filepath")}
        for i in threadpool_info()
        if i.get("user_api") == "blas"
    ]


def describe():
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit_learn": sklearn.__version__,
        "blas": blas_info(),
        "env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")},
    }


class TimedMLP(MLPClassifier):
    """MLPClassifier that records when each epoch of `_fit_stochastic` ends."""

    def _update_no_improvement_count(self, early_stopping, X, y, sample_weight):
        super()._update_no_improvement_count(early_stopping, X, y, sample_weight)
        now = time.perf_counter()
        self.stamps_.append(now)
        k = len(self.stamps_) - 1
        print(f"@epoch {k} {self.max_iter} {now - self.stamps_[-2]}", file=sys.stderr, flush=True)


def sklearn_params(o, epochs):
    p = {
        "hidden_layer_sizes": tuple(o["hiddenLayerSizes"]),
        "activation": o["activation"],
        "solver": o["solver"],
        "alpha": o["alpha"],
        "batch_size": o["batchSize"],
        "learning_rate_init": o["learningRateInit"],
        "max_iter": epochs,
        "shuffle": o["shuffle"],
        "random_state": o["randomState"],
        "tol": o["tol"],
        "n_iter_no_change": o["nIterNoChange"],
        "early_stopping": False,
    }
    if o["solver"] == "sgd":
        p.update(momentum=o["momentum"], nesterovs_momentum=o["nesterovsMomentum"], learning_rate=o["learningRate"])
    else:
        p.update(beta_1=o["beta1"], beta_2=o["beta2"], epsilon=o["epsilon"])
    return p


def peak_rss_kib():
    """VmHWM: the peak RSS of this process's own address space, in KiB. getrusage's ru_maxrss
    is not used: Linux carries it over fork and exec, so it can report the parent's peak."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run(spec):
    d = spec["dataDir"]
    x_train = np.load(os.path.join(d, "x_train.npy"))
    y_train = np.load(os.path.join(d, "y_train.npy"))
    x_test = np.load(os.path.join(d, "x_test.npy"))
    y_test = np.load(os.path.join(d, "y_test.npy"))
    clf = TimedMLP(**sklearn_params(spec["options"], spec["epochs"]))
    clf.stamps_ = [time.perf_counter()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(x_train, y_train)
    stamps = clf.stamps_
    # numpy's own OpenBLAS does MLPClassifier's products (scipy's is loaded too, but idle here)
    info = blas_info()
    b = next((i for i in info if "numpy" in (i.get("filepath") or "")), info[0] if info else {})
    return {
        "epochSeconds": [b2 - a for a, b2 in zip(stamps, stamps[1:])],
        "lossCurve": [float(v) for v in clf.loss_curve_],
        "accuracy": float(clf.score(x_test, y_test)),
        "maxRssKiB": peak_rss_kib(),
        # for reference only (KiB on Linux; may be the parent's peak, see peak_rss_kib)
        "ruMaxrssKiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "blas": f"numpy {np.__version__}: {b.get('internal_api')} {b.get('version')} ({b.get('architecture')}, {b.get('threading_layer')})",
        "threads": b.get("num_threads", 0),
    }


if __name__ == "__main__":
    if sys.argv[1:] == ["--info"]:
        print(json.dumps(describe()))
    else:
        print(json.dumps(run(json.loads(sys.argv[1]))))
