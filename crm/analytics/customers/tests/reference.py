"""The plain pandas computations the NumPy figures must equal (the definitions documented on each page)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from crm.analytics.customers.rfm import SEGMENT_GRID


def frame(customer: np.ndarray, day: np.ndarray, amount: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"customer": customer, "day": day, "amount": amount})


def rfm_reference(df: pd.DataFrame, as_of_day: int) -> pd.DataFrame:
    df = df[(df.day <= as_of_day) & (df.amount >= 0)]
    g = df.groupby("customer").agg(
        last=("day", "max"), first=("day", "min"), frequency=("day", "size"), monetary=("amount", "sum")
    )
    g["monetary"] = g["monetary"].round(2)
    g = g.sort_index()
    g["recency"] = as_of_day - g["last"]
    labels = [1, 2, 3, 4, 5]
    g["r"] = pd.qcut(g["last"].rank(method="first"), 5, labels=labels).astype(int)
    g["f"] = pd.qcut(g["frequency"].rank(method="first"), 5, labels=labels).astype(int)
    g["m"] = pd.qcut(g["monetary"].rank(method="first"), 5, labels=labels).astype(int)
    g["segment"] = [str(SEGMENT_GRID[r - 1][f - 1]) for r, f in zip(g["r"], g["f"], strict=True)]
    return g


def pareto_reference(df: pd.DataFrame, a: float = 0.8, b: float = 0.95) -> pd.DataFrame:
    df = df[df.amount >= 0]
    g = df.groupby("customer")["amount"].sum().round(2).rename("revenue").reset_index()
    g = g.sort_values(["revenue", "customer"], ascending=[False, True]).reset_index(drop=True)
    total = g["revenue"].sum()
    g["cumulative"] = g["revenue"].cumsum() / total
    before = g["cumulative"].shift(1, fill_value=0.0)
    g["abc"] = np.where(before < a, "A", np.where(before < b, "B", "C"))
    return g.set_index("customer").sort_index()


def margin_pareto_reference(df: pd.DataFrame, a: float = 0.8, b: float = 0.95) -> pd.DataFrame:
    """As `pareto_reference` over margins: negative amounts are kept (customers losing money sort last)."""
    g = df.groupby("customer")["amount"].sum().round(2).rename("margin").reset_index()
    g = g.sort_values(["margin", "customer"], ascending=[False, True]).reset_index(drop=True)
    g["cumulative"] = g["margin"].cumsum() / g["margin"].sum()
    before = g["cumulative"].shift(1, fill_value=0.0)
    g["abc"] = np.where(before < a, "A", np.where(before < b, "B", "C"))
    return g.set_index("customer").sort_index()


def top_share_reference(df: pd.DataFrame, percent: float) -> float:
    revenue = df[df.amount >= 0].groupby("customer")["amount"].sum().round(2).sort_values(ascending=False)
    k = max(1, math.ceil(percent / 100 * len(revenue) - 1e-9))
    return float(revenue.iloc[:k].sum() / revenue.sum())


def cohort_reference(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    df = df[df.amount >= 0].copy()
    df["month"] = pd.to_datetime(df["day"], unit="D").dt.to_period("M")
    df["cohort"] = df.groupby("customer")["month"].transform("min")
    df["since"] = (df["month"] - df["cohort"]).apply(lambda offset: offset.n)
    active = df.groupby(["cohort", "since"])["customer"].nunique().unstack(fill_value=0)
    revenue = df.groupby(["cohort", "since"])["amount"].sum().unstack(fill_value=0.0)
    return active, revenue
