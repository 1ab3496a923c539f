"""BG/NBD and Gamma-Gamma: the simulator matches the model, the fit recovers known parameters, and the figures
agree with an independent implementation (lifetimes) to well beyond 4 significant digits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crm.analytics.clv.analysis import ClvOptions, clv_fit
from crm.analytics.clv.bgnbd import (
    BgNbdParams,
    bgnbd_expected_purchases,
    bgnbd_expected_purchases_new,
    bgnbd_fit,
    bgnbd_p_alive,
)
from crm.analytics.clv.gamma_gamma import gamma_gamma_expected_order_value, gamma_gamma_fit
from crm.analytics.clv.simulation import simulate_transactions
from crm.analytics.clv.summary import summary_from_transactions
from crm.analytics.clv.valuation import customer_values
from crm.analytics.core.errors import AnalyticsError
from crm.analytics.core.transactions import Transactions

# well-identified parameters: ~5 purchase days per customer over three years
TRUTH = {"r": 2.0, "alpha": 20.0, "a": 1.5, "b": 4.0, "p": 6.0, "q": 4.0, "v": 15.0}
DAYS = 1095


def _summary(customers: int, seed: int, **overrides: float) -> tuple[Transactions, object]:
    truth = {**TRUTH, **overrides}
    tx = simulate_transactions(customers=customers, days=DAYS, seed=seed, **truth)
    return tx, summary_from_transactions(tx, calibration_end=int(tx.day.min()) + DAYS - 1)


def test_the_simulator_produces_the_purchases_and_spend_the_model_expects() -> None:
    tx, s = _summary(20_000, seed=11)
    truth = BgNbdParams(r=TRUTH["r"], alpha=TRUTH["alpha"], a=TRUTH["a"], b=TRUTH["b"], log_likelihood=0.0)
    expected = bgnbd_expected_purchases_new(truth, t=s.age).mean()  # E[X(T)] averaged over the ages
    assert s.frequency.mean() == pytest.approx(expected, rel=0.03)
    # every transaction's amount has mean p/ν with ν ~ Gamma(q, v): E = p·v/(q-1)
    assert tx.amount.mean() == pytest.approx(TRUTH["p"] * TRUTH["v"] / (TRUTH["q"] - 1), rel=0.03)
    assert np.all(tx.day >= tx.day.min()) and len(s) == 20_000


def test_parameter_recovery_on_100000_simulated_customers_within_5_percent() -> None:
    _tx, s = _summary(100_000, seed=1)
    bg = bgnbd_fit(x=s.frequency, t_x=s.recency, T=s.age)
    gg = gamma_gamma_fit(x=s.frequency, m=s.monetary)
    fitted = {"r": bg.r, "alpha": bg.alpha, "a": bg.a, "b": bg.b, "p": gg.p, "q": gg.q, "v": gg.v}
    errors = {name: abs(fitted[name] / TRUTH[name] - 1) for name in TRUTH}
    assert max(errors.values()) < 0.05, errors
    assert bg.warnings == () and gg.warnings == ()


def test_agreement_with_the_lifetimes_reference_to_4_significant_digits() -> None:
    lifetimes = pytest.importorskip("lifetimes")  # a dev dependency: installed by `make install-dev`
    _tx, s = _summary(3_000, seed=5, r=0.8, alpha=6.0, a=1.2, b=3.5)
    ref_bg = lifetimes.BetaGeoFitter().fit(s.frequency, s.recency, s.age)
    repeat = s.frequency > 0
    ref_gg = lifetimes.GammaGammaFitter().fit(s.frequency[repeat], s.monetary[repeat])
    bg = bgnbd_fit(x=s.frequency, t_x=s.recency, T=s.age)
    gg = gamma_gamma_fit(x=s.frequency, m=s.monetary)
    for name in ("r", "alpha", "a", "b"):
        assert getattr(bg, name) == pytest.approx(ref_bg.params_[name], rel=1e-4)
    for name in ("p", "q", "v"):
        assert getattr(gg, name) == pytest.approx(ref_gg.params_[name], rel=1e-4)
    # lifetimes reports the mean log-likelihood of its scaled problem; evaluate its own function on ours
    ref_ll = -lifetimes.BetaGeoFitter._negative_log_likelihood(
        np.log(ref_bg.params_[["r", "alpha", "a", "b"]].to_numpy()),
        s.frequency,
        s.recency,
        s.age,
        np.ones(len(s)),
        0,
    ) * len(s)
    assert bg.log_likelihood == pytest.approx(ref_ll, rel=1e-4)
    x, t_x, T, m = s.frequency, s.recency, s.age, s.monetary
    np.testing.assert_allclose(
        bgnbd_expected_purchases(bg, t=26, x=x, t_x=t_x, T=T),
        ref_bg.conditional_expected_number_of_purchases_up_to_time(26, x, t_x, T),
        rtol=1e-4,
    )
    np.testing.assert_allclose(
        bgnbd_p_alive(bg, x=x, t_x=t_x, T=T), ref_bg.conditional_probability_alive(x, t_x, T), rtol=1e-4
    )
    np.testing.assert_allclose(
        gamma_gamma_expected_order_value(gg, x=x[repeat], m=m[repeat]),
        ref_gg.conditional_expected_average_profit(pd.Series(x[repeat]), pd.Series(m[repeat])),
        rtol=1e-4,
    )
    values = customer_values(
        summary=s, bgnbd=bg, gamma_gamma=gg, horizon=12 * 4.345, discount_rate=0.01, time_unit="weeks"
    )
    ref_clv = ref_gg.customer_lifetime_value(
        ref_bg,
        pd.Series(x),
        pd.Series(t_x),
        pd.Series(T),
        pd.Series(m),
        time=12,
        discount_rate=0.01,
        freq="W",
    )
    np.testing.assert_allclose(values.clv, ref_clv.to_numpy(), rtol=1e-4)


def _tx(rows: list[tuple[int, int, float]]) -> Transactions:
    c, d, a = zip(*rows, strict=True)
    return Transactions(np.array(c, dtype=np.int64), np.array(d, dtype=np.int32), np.array(a, dtype=float))


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "no transactions"),
        ([(1, 10, 5.0), (1, 20, 6.0), (1, 30, 7.0)], "at least 2 customers"),
        ([(1, 10, 5.0), (2, 12, 6.0), (3, 14, 7.0), (1, 30, 7.0)], "bought again"),
        ([(1, 10, -5.0), (2, 12, 6.0)], "negative"),
    ],
)
def test_data_the_models_cannot_use_gets_a_clear_error(
    rows: list[tuple[int, int, float]], message: str
) -> None:
    tx = _tx(rows) if rows else Transactions(np.zeros(0, np.int64), np.zeros(0, np.int32), np.zeros(0))
    with pytest.raises(AnalyticsError, match=message):
        clv_fit(tx, calibration_end=100, options=ClvOptions())


def test_a_model_that_does_not_fit_gives_an_error_or_a_warning_never_a_silent_figure() -> None:
    # two customers who both buy every week and never stop: the dropout parameters run off to infinity
    rows = [(c, d, 10.0 + c) for c in (1, 2) for d in range(0, 70, 7)]
    try:
        fit = clv_fit(_tx(rows), calibration_end=70, options=ClvOptions())
    except AnalyticsError as exc:
        assert "converge" in exc.message or "q =" in exc.message
    else:
        assert fit.warnings and all("limit of its range" in w for w in fit.warnings)
        assert np.all(np.isfinite(fit.values.clv))
