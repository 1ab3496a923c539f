"""The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): purchases while alive
follow a Poisson process with a Gamma(r, α) heterogeneous rate; after each purchase a customer drops out with a
probability p ~ Beta(a, b).

Fitted by maximum likelihood: L-BFGS-B on the log-parameters with the analytic gradient. The terms that depend
only on the frequency are summed once per distinct frequency (weighted by its count), those of the one-time
buyers once per distinct age, so one evaluation costs a few array operations over the repeat buyers only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _
from scipy.optimize import minimize
from scipy.special import digamma, expit, gammaln, hyp2f1

from crm.analytics.clv.fitting import FitProblem, check_fit


@dataclass(frozen=True)
class BgNbdParams:
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    iterations: int = 0
    warnings: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, float]:
        return {
            "r": self.r,
            "alpha": self.alpha,
            "a": self.a,
            "b": self.b,
            "log_likelihood": self.log_likelihood,
        }


class _Data:
    """The summary reduced to what the likelihood needs."""

    def __init__(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> None:
        self.n = x.size
        self.xs, self.x_counts = np.unique(x, return_counts=True)
        zero = x == 0
        self.T0, self.T0_counts = np.unique(T[zero], return_counts=True)
        rep = ~zero
        self.x1, self.tx1, self.T1 = x[rep], t_x[rep], T[rep]


def _neg_ll_grad(log_params: np.ndarray, d: _Data) -> tuple[float, np.ndarray]:
    r, alpha, a, b = np.exp(log_params)
    xs, nk = d.xs, d.x_counts
    # terms of the frequency alone, once per distinct frequency
    ll = float(nk @ (gammaln(r + xs) + gammaln(b + xs) - gammaln(a + b + xs)))
    ll += d.n * (-gammaln(r) + r * np.log(alpha) + gammaln(a + b) - gammaln(b))
    dr = float(nk @ digamma(r + xs)) + d.n * (np.log(alpha) - digamma(r))
    psi_abx = float(nk @ digamma(a + b + xs))
    da = d.n * digamma(a + b) - psi_abx
    db = float(nk @ digamma(b + xs)) + d.n * (digamma(a + b) - digamma(b)) - psi_abx
    dalpha = d.n * r / alpha
    # one-time buyers: −r·ln(α+T), once per distinct age
    log_a0 = np.log(alpha + d.T0)
    ll -= r * float(d.T0_counts @ log_a0)
    dr -= float(d.T0_counts @ log_a0)
    dalpha -= r * float(d.T0_counts @ (1.0 / (alpha + d.T0)))
    # repeat buyers: log(e^A3 + e^A4)
    if d.x1.size:
        rx = r + d.x1
        log_aT = np.log(alpha + d.T1)
        log_atx = np.log(alpha + d.tx1)
        a3 = -rx * log_aT
        a4 = np.log(a) - np.log(b + d.x1 - 1.0) - rx * log_atx
        ll += float(np.logaddexp(a3, a4).sum())
        w = expit(a4 - a3)
        v = 1.0 - w
        dr -= float((v * log_aT + w * log_atx).sum())
        dalpha -= float((rx * (v / (alpha + d.T1) + w / (alpha + d.tx1))).sum())
        da += float(w.sum()) / a
        db -= float((w / (b + d.x1 - 1.0)).sum())
    grad = np.array([dr * r, dalpha * alpha, da * a, db * b])
    return -ll, -grad


def bgnbd_log_likelihood(
    *, r: float, alpha: float, a: float, b: float, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> float:
    """The total log-likelihood of the data under the given parameters."""
    value, _grad = _neg_ll_grad(np.log([r, alpha, a, b]), _Data(x, t_x, T))
    return -value


_LOG_BOUND = 12.0  # parameters in [e^-12, e^12] of the scaled problem


def bgnbd_fit(*, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> BgNbdParams:
    """Maximum-likelihood BG/NBD parameters for frequency `x`, recency `t_x` and age `T` (same time unit)."""
    x = np.asarray(x, dtype=np.float64)
    t_x = np.asarray(t_x, dtype=np.float64)
    T = np.asarray(T, dtype=np.float64)
    scale = float(T.max()) / 10.0 if T.size and T.max() > 0 else 1.0
    data = _Data(x, t_x / scale, T / scale)
    result = minimize(
        _neg_ll_grad,
        x0=np.zeros(4),
        args=(data,),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-_LOG_BOUND, _LOG_BOUND)] * 4,
        options={"maxiter": 2000, "ftol": 1e-14, "gtol": 1e-9},
    )
    warnings = check_fit(result, names=("r", "alpha", "a", "b"), bound=_LOG_BOUND, model="BG/NBD")
    r, alpha, a, b = (float(v) for v in np.exp(result.x))
    alpha *= scale
    ll = bgnbd_log_likelihood(r=r, alpha=alpha, a=a, b=b, x=x, t_x=t_x, T=T)
    if not np.isfinite(ll):
        raise FitProblem("BG/NBD", _("the likelihood is not finite"))
    return BgNbdParams(
        r=r, alpha=alpha, a=a, b=b, log_likelihood=ll, iterations=int(result.nit), warnings=warnings
    )


def _unique_pairs(x: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (x, T) pairs and each customer's index into them: two 1-D uniques and one int64 key, much
    faster than a row-wise unique over a 2-column array."""
    uT, T_idx = np.unique(T, return_inverse=True)
    ux_all, x_idx = np.unique(x, return_inverse=True)
    key = x_idx.astype(np.int64) * uT.size + T_idx
    ukey, inverse = np.unique(key, return_inverse=True)
    return ux_all[ukey // uT.size], uT[ukey % uT.size], inverse.reshape(-1)


def _expected_purchases_unique(p: BgNbdParams, t: float, x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """The numerator of E[purchases in (T, T+t] | x, t_x, T]: it depends on x and T only."""
    r, alpha, a, b = p.r, p.alpha, p.a, p.b
    aa, bb, cc = r + x, b + x, a + b + x - 1.0
    z = t / (alpha + T + t)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ln_hyp = np.log(hyp2f1(aa, bb, cc, z))
        alt = np.log(hyp2f1(cc - aa, cc - bb, cc, z)) + (cc - aa - bb) * np.log1p(-z)
        ln_hyp = np.where(np.isfinite(ln_hyp), ln_hyp, alt)
        first = (a + b + x - 1.0) / (a - 1.0)
        second = -np.expm1(ln_hyp + aa * np.log((alpha + T) / (alpha + T + t)))
    return first * second


def _denominator(p: BgNbdParams, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", over="ignore"):
        ratio = np.exp((p.r + x) * np.log((p.alpha + T) / (p.alpha + t_x)))
        return 1.0 + np.where(x > 0, p.a / (p.b + np.maximum(x, 1.0) - 1.0) * ratio, 0.0)


def bgnbd_expected_purchases(
    p: BgNbdParams, *, t: float, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """Expected purchases of each customer in the next `t` time units (conditional on their history)."""
    return bgnbd_expected_purchases_at(p, ts=[t], x=x, t_x=t_x, T=T)[0]


def bgnbd_expected_purchases_at(
    p: BgNbdParams, *, ts: list[float], x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> list[np.ndarray]:
    """Expected purchases of each customer in the next `t` time units, for each t of `ts`. The hypergeometric
    term depends on (frequency, age) only: it is computed once per distinct pair, and the grouping and the
    customer-specific denominator once for all the horizons."""
    x = np.asarray(x, dtype=np.float64)
    T = np.asarray(T, dtype=np.float64)
    if x.size == 0:
        return [np.zeros(0) for _t in ts]
    ux, uT, inverse = _unique_pairs(x, T)
    denominator = _denominator(p, x, np.asarray(t_x, dtype=np.float64), T)
    return [_expected_purchases_unique(p, t, ux, uT)[inverse] / denominator for t in ts]


def bgnbd_expected_purchases_new(p: BgNbdParams, *, t: np.ndarray) -> np.ndarray:
    """Expected purchases of a new customer in a period of length t (the unconditional E[X(t)])."""
    t = np.asarray(t, dtype=np.float64)
    r, alpha, a, b = p.r, p.alpha, p.a, p.b
    z = t / (alpha + t)
    return (a + b - 1.0) / (a - 1.0) * (1.0 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1.0, z))


def bgnbd_p_alive(p: BgNbdParams, *, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """The probability that each customer is still alive at the end of the calibration period."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore"):
        log_div = (p.r + x) * np.log((p.alpha + np.asarray(T)) / (p.alpha + np.asarray(t_x))) + np.log(
            p.a / (p.b + np.maximum(x, 1.0) - 1.0)
        )
    return np.where(x == 0, 1.0, expit(-log_div))
