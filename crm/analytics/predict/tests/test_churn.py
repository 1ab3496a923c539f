"""Churn risk on synthetic customers whose churn follows a planted signal (support calls by phone)."""

from __future__ import annotations

from typing import Any

import pytest

from crm.analytics.core.enums import RunStatus
from crm.analytics.core.models import CustomerInsight
from crm.analytics.core.services import analysis_run_execute, analysis_run_request
from crm.analytics.predict.tests import data

pytestmark = pytest.mark.django_db


def _run(params: dict[str, Any]) -> Any:
    return analysis_run_execute(run_id=analysis_run_request(kind="churn", params=params, actor=None).pk)


def test_churn_model_finds_the_planted_signal_and_stores_risks_with_factors() -> None:
    world = data.churn_world()
    run = _run({"as_of": data.AS_OF.isoformat(), "window": 90})
    assert run.status == RunStatus.DONE, run.error
    result = run.result
    assert result["auc"] > 0.75
    assert result["importance"][0]["feature"] == "activity_phone" and result["importance"][0]["coef"] > 0
    assert result["roc"][0] == [0.0, 0.0] and result["roc"][-1] == [1.0, 1.0]
    groups = {g["key"]: g["used"] for g in result["groups"]}
    assert groups == {"purchases": True, "activities": True, "service": False, "p_alive": False}
    stored = {i.account_id: i for i in CustomerInsight.objects.filter(churn_risk__isnull=False)}
    assert len(stored) == result["scored"] > 100
    unhappy = [stored[a].churn_risk for a in world["unhappy"] if a in stored]
    happy = [i.churn_risk for a, i in stored.items() if a not in world["unhappy"]]
    assert sum(unhappy) / len(unhappy) > sum(happy) / len(happy) + 0.3
    some = next(i for a, i in stored.items() if a in world["unhappy"])
    assert some.churn_factors[0]["feature"] == "activity_phone" and some.churn_factors[0]["effect"] > 0
    assert set(some.churn_factors[0]) == {"feature", "label", "effect"}
    assert some.churn_computed_at is not None


@pytest.mark.parametrize(
    ("setup", "params", "message"),
    [
        ("none", {}, "There are no orders to learn from."),
        ("one", {}, "Only one customer has orders"),
        ("world", {"window": 7}, "Choose a window of"),
        ("world", {"as_of": "30/06/2026"}, "Give the as-of day as YYYY-MM-DD."),
        ("loyal", {}, "bought again, so there is no churn to learn from"),
    ],
)
def test_bad_input_fails_clearly_and_stores_nothing(setup: str, params: dict[str, Any], message: str) -> None:
    data.company_currency()
    owner = data.UserFactory()
    if setup == "one":
        (a,) = data.accounts(1, owner=owner)
        data.orders([(a, data.AS_OF.replace(month=m, day=10), 100.0) for m in range(1, 7)], owner=owner)
    elif setup == "world":
        ids = data.accounts(30, owner=owner)
        data.orders([(a, data.AS_OF, 100.0) for a in ids], owner=owner)
    elif setup == "loyal":  # everyone buys every month: nobody churns
        ids = data.accounts(30, owner=owner)
        data.orders(
            [
                (a, data.AS_OF.replace(year=y, month=m, day=10), 100.0)
                for a in ids
                for y in (2025, 2026)
                for m in range(1, 13)
                if (y, m) <= (2026, 6)
            ],
            owner=owner,
        )
    run = _run({"as_of": data.AS_OF.isoformat(), **params})
    assert run.status == RunStatus.FAILED
    assert message in run.error
    assert not CustomerInsight.objects.filter(churn_risk__isnull=False).exists()
