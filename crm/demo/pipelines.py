"""The demo's sales pipelines and opportunities, built through the sales services (so the history is real)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from crm.sales.services import opportunity_create, opportunity_move_stage, pipeline_create

NEW_BUSINESS: list[dict[str, Any]] = [
    {
        "name": "Prospecting",
        "name_es": "Prospección",
        "probability": 10,
        "playbook": [{"title": "Research the account", "due_in_days": 1}],
    },
    {
        "name": "Qualification",
        "name_es": "Calificación",
        "probability": 20,
        "playbook": [{"title": "Discovery call: budget, authority, need, timing", "due_in_days": 3}],
    },
    {
        "name": "Proposal",
        "name_es": "Propuesta",
        "probability": 50,
        "forecast_category": "best_case",
        "required_fields": ["amount", "next_step"],
        "playbook": [
            {"title": "Send the proposal", "due_in_days": 2},
            {"title": "Review the proposal with the buyer", "due_in_days": 7},
        ],
    },
    {
        "name": "Negotiation",
        "name_es": "Negociación",
        "probability": 75,
        "forecast_category": "commit",
        "required_fields": ["amount", "close_date", "competitors"],
        "playbook": [{"title": "Agree terms with procurement", "due_in_days": 5}],
    },
    {"name": "Won", "name_es": "Ganada", "probability": 100, "forecast_category": "closed", "is_won": True},
    {"name": "Lost", "name_es": "Perdida", "probability": 0, "forecast_category": "omitted", "is_lost": True},
]

RENEWALS: list[dict[str, Any]] = [
    {
        "name": "Upcoming",
        "name_es": "Próxima",
        "probability": 60,
        "forecast_category": "best_case",
        "playbook": [{"title": "Check usage and satisfaction", "due_in_days": 7}],
    },
    {
        "name": "Contacted",
        "name_es": "Contactada",
        "probability": 75,
        "forecast_category": "best_case",
        "playbook": [{"title": "Renewal call", "due_in_days": 3}],
    },
    {
        "name": "Quote sent",
        "name_es": "Presupuesto enviado",
        "probability": 90,
        "forecast_category": "commit",
        "required_fields": ["amount"],
    },
    {
        "name": "Renewed",
        "name_es": "Renovada",
        "probability": 100,
        "forecast_category": "closed",
        "is_won": True,
    },
    {"name": "Churned", "name_es": "Baja", "probability": 0, "forecast_category": "omitted", "is_lost": True},
]

DEALS_ES = ["Licencias", "Implantación", "Soporte anual", "Ampliación", "Formación", "Proyecto piloto"]
DEALS_EN = ["Licences", "Implementation", "Annual support", "Expansion", "Training", "Pilot project"]
STEPS_ES = ["Enviar propuesta", "Llamar al director financiero", "Demo técnica", "Revisar contrato"]
STEPS_EN = ["Send the proposal", "Call the CFO", "Technical demo", "Review the contract"]
COMPETITORS = ["Salesforce", "HubSpot", "Zoho", "Odoo", "Pipedrive"]
LOST_ES = ["Precio", "Eligió a la competencia", "Sin presupuesto", "Proyecto cancelado"]
LOST_EN = ["Price", "Chose a competitor", "No budget", "Project cancelled"]


def demo_pipelines_load(*, rng: random.Random, accounts: list[tuple[Any, bool]], count: int = 300) -> int:
    """Two pipelines ("New business", "Renewals") and `count` opportunities spread over their stages, each
    with a stage history over the last months. Only the current stage of a recent open deal gets its to-dos."""
    if count <= 0 or not accounts:
        return 0
    new_business = pipeline_create(
        actor=None, name="New business", name_es="Nuevo negocio", stages=NEW_BUSINESS
    )
    renewals = pipeline_create(
        actor=None, name="Renewals", name_es="Renovaciones", stages=RENEWALS, position=1
    )
    now = timezone.now()
    made = 0
    for i in range(count):
        account, spanish = accounts[i % len(accounts)] if i < len(accounts) else rng.choice(accounts)
        pipeline = new_business if rng.random() < 0.7 else renewals
        stages = list(pipeline.stages.all())
        open_stages = [s for s in stages if not s.is_closed]
        won = next(s for s in stages if s.is_won)
        lost = next(s for s in stages if s.is_lost)
        # where the deal is now: mostly open, some won or lost
        roll = rng.random()
        target = won if roll < 0.15 else lost if roll < 0.25 else rng.choice(open_stages)
        path = (
            open_stages[: open_stages.index(target) + 1]
            if target in open_stages
            else [*open_stages[: rng.randint(1, len(open_stages))], target]
        )
        started = now - dt.timedelta(days=rng.randint(20, 240), hours=rng.randint(0, 9))
        span = (now - started).total_seconds()
        steps = sorted(rng.uniform(0.05, 0.95) * span for _ in range(len(path) - 1))
        moments = [started] + [started + dt.timedelta(seconds=s) for s in steps]
        currency = "EUR" if spanish else rng.choice(["GBP", "GBP", "USD", "EUR"])
        # deals past their first stage have what the later stages require (amount, next step, competitors)
        advanced = len(path) > 1
        amount = Decimal(rng.randrange(1_000, 150_000, 250)) if advanced or rng.random() < 0.9 else None
        next_step = rng.choice(STEPS_ES if spanish else STEPS_EN) if advanced or rng.random() < 0.7 else ""
        competitors = (
            ", ".join(rng.sample(COMPETITORS, k=rng.randint(1, 2))) if advanced or rng.random() < 0.5 else ""
        )
        base = (now + dt.timedelta(days=rng.randint(-10, 150))).date()
        with transaction.atomic():
            opportunity = opportunity_create(
                actor=None,
                pipeline=pipeline,
                stage=path[0],
                owner=account.owner,
                at=moments[0],
                playbook=False,
                name=f"{account.name} – {rng.choice(DEALS_ES if spanish else DEALS_EN)}",
                account=account,
                amount=amount,
                currency=currency,
                close_date=base,
                next_step=next_step,
                competitors=competitors,
            )
            for stage, moment in zip(path[1:], moments[1:], strict=True):
                last = stage is path[-1]
                opportunity = opportunity_move_stage(
                    actor=None,
                    opportunity=opportunity,
                    stage=stage,
                    at=moment,
                    playbook=last and (now - moment).days < 14,
                    lost_reason=rng.choice(LOST_ES if spanish else LOST_EN) if stage.is_lost else "",
                )
        made += 1
    return made
