"""The Gamma-Gamma spend model (Fader & Hardie 2013, "The Gamma-Gamma model of monetary value"): the amounts of a
customer's transactions vary around their mean ζ ~ Gamma(p, ν), ν ~ Gamma(q, γ). Fitted on the customers with
repeat purchases (x > 0, mean repeat amount m > 0) by maximum likelihood: L-BFGS-B on the log-parameters with
the analytic gradient, the frequency-only terms summed once per distinct frequency.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _
from scipy.optimize import minimize
from scipy.special import digamma, gammaln

from crm.analytics.clv.fitting import FitProblem, check_fit


@dataclass(frozen=True)
class GammaGammaParams:
    p: float
    q: float
    v: float
    log_likelihood: float
    customers: int = 0
    iterations: int = 0
    warnings: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, float]:
        return {"p": self.p, "q": self.q, "v": self.v, "log_likelihood": self.log_likelihood}


class _Data:
    def __init__(self, x: np.ndarray, m: np.ndarray) -> None:
        self.n = x.size
        self.x, self.m = x, m
        self.xs, self.x_counts = np.unique(x, return_counts=True)
        self.sum_log_m = float(np.log(m).sum())
        self.sum_x_log_xm = float((x * (np.log(m) + np.log(x))).sum())


def _neg_ll_grad(log_params: np.ndarray, d: _Data) -> tuple[float, np.ndarray]:
    p, q, v = np.exp(log_params)
    xs, nk = d.xs, d.x_counts
    px = p * xs
    log_xmv = np.log(d.x * d.m + v)
    ll = float(nk @ (gammaln(px + q) - gammaln(px)))
    ll += d.n * (q * np.log(v) - gammaln(q)) + p * d.sum_x_log_xm - d.sum_log_m
    ll -= float(((p * d.x + q) * log_xmv).sum())
    psi_pxq = digamma(px + q)
    dp = float(nk @ (xs * (psi_pxq - digamma(px)))) + d.sum_x_log_xm - float((d.x * log_xmv).sum())
    dq = float(nk @ psi_pxq) - d.n * digamma(q) + d.n * np.log(v) - float(log_xmv.sum())
    dv = d.n * q / v - float(((p * d.x + q) / (d.x * d.m + v)).sum())
    return -ll, -np.array([dp * p, dq * q, dv * v])


def gamma_gamma_log_likelihood(*, p: float, q: float, v: float, x: np.ndarray, m: np.ndarray) -> float:
    value, _grad = _neg_ll_grad(np.log([p, q, v]), _Data(np.asarray(x, float), np.asarray(m, float)))
    return -value


_LOG_BOUND = 12.0


def gamma_gamma_fit(*, x: np.ndarray, m: np.ndarray) -> GammaGammaParams:
    """Maximum-likelihood Gamma-Gamma parameters from the repeat buyers' frequency `x` and mean repeat amount `m`
    (customers without repeat purchases or with a zero mean are left out, as the model requires)."""
    x = np.asarray(x, dtype=np.float64)
    m = np.asarray(m, dtype=np.float64)
    keep = (x > 0) & (m > 0)
    x, m = x[keep], m[keep]
    scale = float(np.mean(m)) if m.size else 1.0
    data = _Data(x, m / scale)
    result = minimize(
        _neg_ll_grad,
        x0=np.zeros(3),
        args=(data,),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-_LOG_BOUND, _LOG_BOUND)] * 3,
        options={"maxiter": 2000, "ftol": 1e-14, "gtol": 1e-9},
    )
    warnings = check_fit(result, names=("p", "q", "v"), bound=_LOG_BOUND, model="Gamma-Gamma")
    p, q, v = (float(val) for val in np.exp(result.x))
    v *= scale
    ll = gamma_gamma_log_likelihood(p=p, q=q, v=v, x=x, m=m)
    if not np.isfinite(ll):
        raise FitProblem("Gamma-Gamma", _("the likelihood is not finite"))
    return GammaGammaParams(
        p=p, q=q, v=v, log_likelihood=ll, customers=int(x.size), iterations=int(result.nit), warnings=warnings
    )


def gamma_gamma_expected_order_value(g: GammaGammaParams, *, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """E[mean transaction value | x, m]: a weighted mean of the customer's own mean and the population mean
    p·ν/(q−1); a customer without repeat purchases gets the population mean."""
    x = np.asarray(x, dtype=np.float64)
    m = np.asarray(m, dtype=np.float64)
    population = g.p * g.v / (g.q - 1.0)
    own = g.p * (g.v + x * m) / (g.p * x + g.q - 1.0)
    return np.where(x > 0, own, population)
