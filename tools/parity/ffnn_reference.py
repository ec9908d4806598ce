"""scikit-learn MLPClassifier and MLPRegressor extended with ffnn's extras, as the oracle for them.

ffnn adds weight-init methods, the softsign and softplus activations and an L1 penalty.
sklearn has none of these, so this subclass adds them in the places sklearn would, keeping
every other operation (and its order) exactly sklearn's. ffnn implements exactly this:

- init: drawn from the same RandomState ``self._random_state`` layer by layer in the order
  W_0, b_0, W_1, b_1, ... with numpy's legacy draws, then cast to the training dtype.
- softsign: a = z / (1 + |z|); derivative from the output: d = 1 - |a|, delta *= d * d.
- softplus: a = max(z, 0) + log1p(exp(-|z|)); derivative from the output: delta *= -expm1(-a).
- L1 (``l1``): loss += l1 * sum|W| / n_b after the L2 term; coef grad = (A^T D + alpha W
  + l1 sign(W)) / n_b, the sign term added only when l1 != 0.

It also records the weights right after the first-pass initialisation (``initial_coefs_``,
``initial_intercepts_``) so a fixture can check the init on its own.
"""

from numbers import Real

import numpy as np
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.neural_network import _base
from sklearn.utils._param_validation import Interval, StrOptions

# ---- activations: added to sklearn's own tables, which the MLP module reads by name ----


def inplace_softsign(X):
    """a = z / (1 + |z|), in place."""
    np.divide(X, 1 + np.abs(X), out=X)


def inplace_softplus(X):
    """a = max(z, 0) + log1p(exp(-|z|)), in place (stable for large |z|)."""
    X[...] = np.maximum(X, 0) + np.log1p(np.exp(-np.abs(X)))


def inplace_softsign_derivative(Z, delta):
    """softsign'(z) = 1 / (1 + |z|)^2 = (1 - |a|)^2, from the output a."""
    d = 1 - np.abs(Z)
    delta *= d * d


def inplace_softplus_derivative(Z, delta):
    """softplus'(z) = sigmoid(z) = 1 - exp(-a) = -expm1(-a), from the output a."""
    delta *= -np.expm1(-Z)


_base.ACTIVATIONS.setdefault("softsign", inplace_softsign)
_base.ACTIVATIONS.setdefault("softplus", inplace_softplus)
_base.DERIVATIVES.setdefault("softsign", inplace_softsign_derivative)
_base.DERIVATIVES.setdefault("softplus", inplace_softplus_derivative)

INIT_METHODS = (
    "glorot",
    "zero",
    "uniform",
    "normal",
    "xavierUniform",
    "xavierNormal",
    "heUniform",
    "heNormal",
)
INIT_DEFAULTS = {"uniform": {"low": -0.05, "high": 0.05}, "normal": {"mean": 0.0, "std": 0.05}}


def normalize_init(init):
    """'name' or {'method': name, ...} -> (name, params) with the defaults filled in."""
    if isinstance(init, str):
        method, extra = init, {}
    elif isinstance(init, dict) and "method" in init:
        method = init["method"]
        extra = {k: v for k, v in init.items() if k != "method"}
    else:
        raise ValueError(f"init must be a name or {{'method': name, ...}}, got {init!r}")
    if method not in INIT_METHODS:
        raise ValueError(f"unknown init method {method!r}")
    params = dict(INIT_DEFAULTS.get(method, {}))
    unknown = set(extra) - set(params)
    if unknown:
        raise ValueError(f"init {method!r} does not take {sorted(unknown)}")
    params.update(extra)
    return method, params


class FFNNExtras:
    """ffnn's init methods and L1, for either sklearn MLP (listed first among the bases)."""

    # ---- init ----

    def _initialize(self, y, layer_units, dtype):
        super()._initialize(y, layer_units, dtype)
        # Snapshot before any update (the optimizer updates coefs_ in place).
        self.initial_coefs_ = [c.copy() for c in self.coefs_]
        self.initial_intercepts_ = [b.copy() for b in self.intercepts_]

    def _init_coef(self, fan_in, fan_out, dtype):
        method, p = normalize_init(self.init)
        if method == "glorot":
            return super()._init_coef(fan_in, fan_out, dtype)
        rng = self._random_state
        if method == "zero":
            coef = np.zeros((fan_in, fan_out))
            intercept = np.zeros(fan_out)
        elif method == "uniform":
            coef = rng.uniform(p["low"], p["high"], (fan_in, fan_out))
            intercept = rng.uniform(p["low"], p["high"], fan_out)
        elif method == "normal":
            coef = rng.normal(p["mean"], p["std"], (fan_in, fan_out))
            intercept = rng.normal(p["mean"], p["std"], fan_out)
        elif method == "xavierUniform":
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            coef = rng.uniform(-limit, limit, (fan_in, fan_out))
            intercept = np.zeros(fan_out)
        elif method == "xavierNormal":
            std = np.sqrt(2.0 / (fan_in + fan_out))
            coef = rng.normal(0.0, std, (fan_in, fan_out))
            intercept = np.zeros(fan_out)
        elif method == "heUniform":
            limit = np.sqrt(6.0 / fan_in)
            coef = rng.uniform(-limit, limit, (fan_in, fan_out))
            intercept = np.zeros(fan_out)
        elif method == "heNormal":
            std = np.sqrt(2.0 / fan_in)
            coef = rng.normal(0.0, std, (fan_in, fan_out))
            intercept = np.zeros(fan_out)
        else:  # pragma: no cover - normalize_init rejects it
            raise ValueError(method)
        return coef.astype(dtype, copy=False), intercept.astype(dtype, copy=False)

    # ---- L1 ----

    def _backprop(self, X, y, sample_weight, activations, deltas, coef_grads, intercept_grads):
        # sklearn's loss ends with `loss += (0.5 * alpha) * values / sw_sum`; the L1 term comes
        # after it, with the weights before this batch's update (the update happens later).
        loss, coef_grads, intercept_grads = super()._backprop(
            X, y, sample_weight, activations, deltas, coef_grads, intercept_grads
        )
        if self.l1 != 0:
            l1values = 0
            for s in self.coefs_:
                l1values += np.abs(s.ravel()).sum()
            sw_sum = X.shape[0] if sample_weight is None else sample_weight.sum()
            loss += self.l1 * l1values / sw_sum
        return loss, coef_grads, intercept_grads

    def _compute_loss_grad(self, layer, sw_sum, activations, deltas, coef_grads, intercept_grads):
        if self.l1 == 0:
            return super()._compute_loss_grad(
                layer, sw_sum, activations, deltas, coef_grads, intercept_grads
            )
        coef_grads[layer] = activations[layer].T @ deltas[layer]
        coef_grads[layer] += self.alpha * self.coefs_[layer]
        coef_grads[layer] += self.l1 * np.sign(self.coefs_[layer])
        coef_grads[layer] /= sw_sum
        intercept_grads[layer] = np.sum(deltas[layer], axis=0) / sw_sum


EXTRA_CONSTRAINTS = {
    "activation": [StrOptions({"identity", "logistic", "tanh", "relu", "softsign", "softplus"})],
    "init": [str, dict],
    "l1": [Interval(Real, 0, None, closed="left")],
}


class FFNNReferenceClassifier(FFNNExtras, MLPClassifier):
    """MLPClassifier plus ffnn's init methods, softsign/softplus and L1."""

    _parameter_constraints: dict = {**MLPClassifier._parameter_constraints, **EXTRA_CONSTRAINTS}

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        init="glorot",
        l1=0.0,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
        )
        self.init = init
        self.l1 = l1

class FFNNReferenceRegressor(FFNNExtras, MLPRegressor):
    """MLPRegressor plus ffnn's init methods, softsign/softplus and L1."""

    _parameter_constraints: dict = {**MLPRegressor._parameter_constraints, **EXTRA_CONSTRAINTS}

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        loss="squared_error",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        init="glorot",
        l1=0.0,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            loss=loss,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
        )
        self.init = init
        self.l1 = l1
