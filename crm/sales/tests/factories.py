"""Test data for pipelines and opportunities (built through the services, like real ones)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from crm.contacts.tests.factories import AccountFactory
from crm.sales.services import opportunity_create, pipeline_create

STAGES: list[dict[str, Any]] = [
    {
        "name": "Qualify",
        "name_es": "Calificar",
        "probability": 10,
        "playbook": [{"title": "Call the buyer", "due_in_days": 2}],
    },
    {
        "name": "Proposal",
        "name_es": "Propuesta",
        "probability": 50,
        "forecast_category": "best_case",
        "required_fields": ["amount", "next_step"],
        "playbook": [
            {"title": "Send the proposal", "due_in_days": 3},
            {"title": "Book a review call", "due_in_days": 7},
        ],
    },
    {"name": "Negotiation", "name_es": "Negociación", "probability": 80, "forecast_category": "commit"},
    {"name": "Won", "name_es": "Ganada", "probability": 100, "forecast_category": "closed", "is_won": True},
    {"name": "Lost", "name_es": "Perdida", "probability": 0, "forecast_category": "omitted", "is_lost": True},
]


def make_pipeline(name: str = "New business") -> Any:
    return pipeline_create(actor=None, name=name, stages=STAGES)


def stage(pipeline: Any, name: str) -> Any:
    return next(s for s in pipeline.stages.all() if s.name == name)


def make_opportunity(*, pipeline: Any, owner: Any, account: Any = None, **fields: Any) -> Any:
    values: dict[str, Any] = {
        "name": "Deal",
        "account": account or AccountFactory(owner=owner),
        "close_date": dt.date(2026, 12, 31),
        "amount": Decimal("1000.00"),
        "currency": "EUR",
    }
    values.update(fields)
    return opportunity_create(actor=None, pipeline=pipeline, owner=owner, **values)
