"""A seasonal time-series forecast in NumPy: additive Holt-Winters (level + trend + a 12-month season), its
smoothing constants chosen on a small grid by the one-step-ahead squared error, and a rolling-origin backtest
against the naive baselines.

With fewer than two full seasons (24 months) the season cannot be estimated: the model falls back to Holt's
linear trend and the caller shows a warning. Fewer than MIN_MONTHS months are refused.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

SEASON = 12
MIN_MONTHS = 6
_ALPHAS = (0.1, 0.3, 0.5, 0.7, 0.9)
_BETAS = (0.0, 0.05, 0.15, 0.3)
_GAMMAS = (0.05, 0.15, 0.3, 0.5)


@dataclass(frozen=True)
class Fit:
    alpha: float
    beta: float
    gamma: float
    seasonal: bool
    level: float
    trend: float
    season: np.ndarray  # the last SEASON seasonal terms, in calendar order of the months that follow
    sse: float

    def forecast(self, horizon: int) -> np.ndarray:
        steps = np.arange(1, horizon + 1)
        values = self.level + steps * self.trend
        if self.seasonal:
            values = values + self.season[(steps - 1) % SEASON]
        return np.asarray(values, dtype=np.float64)


def _run(y: np.ndarray, alpha: float, beta: float, gamma: float, seasonal: bool) -> Fit:
    if seasonal:
        first, second = y[:SEASON].mean(), y[SEASON : 2 * SEASON].mean()
        level, trend = float(first), float((second - first) / SEASON)
        season = list(y[:SEASON] - first)
        start = SEASON
    else:
        level, trend = float(y[0]), float(y[1] - y[0]) if len(y) > 1 else 0.0
        season = [0.0] * SEASON
        start = 1
    sse = 0.0
    for t in range(start, len(y)):
        s = season[t % SEASON] if seasonal else 0.0
        predicted = level + trend + s
        sse += (y[t] - predicted) ** 2
        previous = level
        level = alpha * (y[t] - s) + (1 - alpha) * (level + trend)
        trend = beta * (level - previous) + (1 - beta) * trend
        if seasonal:
            season[t % SEASON] = gamma * (y[t] - level) + (1 - gamma) * s
    n = len(y)
    ahead = np.asarray([season[(n + k) % SEASON] for k in range(SEASON)])
    return Fit(alpha, beta, gamma, seasonal, level, trend, ahead, sse)


def holt_winters_fit(y: np.ndarray) -> Fit:
    """The best fit on the grid (additive season when there are two full seasons, else Holt's trend)."""
    seasonal = len(y) >= 2 * SEASON
    gammas = _GAMMAS if seasonal else (0.0,)
    best: Fit | None = None
    for alpha, beta, gamma in itertools.product(_ALPHAS, _BETAS, gammas):
        fit = _run(y, alpha, beta, gamma, seasonal)
        if best is None or fit.sse < best.sse:
            best = fit
    assert best is not None
    return best


def seasonal_naive(y: np.ndarray, horizon: int) -> np.ndarray:
    """The same month of the previous year (or the last value when there is no year yet)."""
    if len(y) < SEASON:
        return np.full(horizon, y[-1], dtype=np.float64)
    return np.asarray([y[len(y) - SEASON + (k % SEASON)] for k in range(horizon)], dtype=np.float64)


def naive(y: np.ndarray, horizon: int) -> np.ndarray:
    return np.full(horizon, y[-1], dtype=np.float64)


@dataclass(frozen=True)
class Backtest:
    origins: int
    horizon: int
    mae: float
    mape: float | None  # over the months with revenue; None when every month was zero
    naive_mae: float
    seasonal_naive_mae: float


def backtest(y: np.ndarray, *, horizon: int = 3, origins: int = 12) -> Backtest | None:
    """Rolling-origin evaluation: for each of the last `origins` cut points, fit on the months before it and
    forecast the next `horizon`; errors over every forecast month. None when the series is too short."""
    minimum = 2 * SEASON if len(y) >= 2 * SEASON + horizon else MIN_MONTHS
    cuts = [c for c in range(len(y) - horizon, minimum - 1, -1)][:origins]
    if not cuts:
        return None
    errors, percents, naive_errors, seasonal_errors = [], [], [], []
    for cut in cuts:
        history, actual = y[:cut], y[cut : cut + horizon]
        predicted = holt_winters_fit(history).forecast(len(actual))
        errors.extend(np.abs(actual - predicted))
        naive_errors.extend(np.abs(actual - naive(history, len(actual))))
        seasonal_errors.extend(np.abs(actual - seasonal_naive(history, len(actual))))
        positive = actual > 0
        percents.extend(np.abs(actual[positive] - predicted[positive]) / actual[positive])
    return Backtest(
        origins=len(cuts),
        horizon=horizon,
        mae=float(np.mean(errors)),
        mape=float(np.mean(percents)) if percents else None,
        naive_mae=float(np.mean(naive_errors)),
        seasonal_naive_mae=float(np.mean(seasonal_errors)),
    )
