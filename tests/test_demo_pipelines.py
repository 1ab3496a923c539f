"""The demo's pipelines: built through the sales services, with stage history and no past to-dos."""

from __future__ import annotations

import random
from typing import Any

import pytest

from crm.contacts.tests.factories import AccountFactory, UserFactory
from crm.demo.pipelines import demo_pipelines_load
from crm.sales.models import Opportunity, Pipeline, StageChange
from crm.sales.selectors import stage_history


@pytest.mark.django_db
def test_demo_builds_two_bilingual_pipelines_with_history() -> None:
    owner = UserFactory()
    accounts: list[tuple[Any, bool]] = [(AccountFactory(owner=owner), i % 2 == 0) for i in range(6)]
    made = demo_pipelines_load(rng=random.Random(7), accounts=accounts, count=40)
    assert made == 40
    assert sorted(Pipeline.objects.values_list("name", "name_es")) == [
        ("New business", "Nuevo negocio"),
        ("Renewals", "Renovaciones"),
    ]
    assert Opportunity.objects.count() == 40
    assert StageChange.objects.count() > 40  # every deal has its opening row, most have moves
    assert {o.status for o in Opportunity.objects.all()} == {"open", "won", "lost"}
    for opportunity in Opportunity.objects.all():
        stays = stage_history(opportunity=opportunity)
        assert stays[-1].stage.pk == opportunity.stage_id
        assert all(s.seconds is not None and s.seconds >= 0 for s in stays[:-1])
