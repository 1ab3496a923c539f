"""Writes on pipelines and their stages (administrators, the demo, tests)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from crm.core.audit.context import audit_context
from crm.core.errors import InvalidInput, PermissionDenied
from crm.core.identity.permissions import user_is_admin
from crm.sales.enums import ForecastCategory
from crm.sales.models import Pipeline, Stage

# Opportunity fields a stage may require before an opportunity enters it.
REQUIRABLE_FIELDS = ("amount", "close_date", "next_step", "competitors", "contacts")
STAGE_FIELDS = frozenset(
    {
        "name",
        "name_es",
        "probability",
        "forecast_category",
        "is_won",
        "is_lost",
        "required_fields",
        "playbook",
    }
)


def _playbook_clean(raw: Any, errors: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in raw or []:
        title = " ".join(str((item or {}).get("title") or "").split())[:200]
        try:
            days = int((item or {}).get("due_in_days") or 0)
        except (TypeError, ValueError):
            days = -1
        if not title or days < 0 or days > 365:
            errors.append(_("Each playbook task needs a title and a number of days between 0 and 365."))
            continue
        out.append({"title": title, "due_in_days": days})
    return out


def _stage_clean(position: int, data: Mapping[str, Any]) -> tuple[Stage, list[str]]:
    problems: list[str] = []
    unknown = sorted(set(data) - STAGE_FIELDS)
    if unknown:
        problems.append(_("These fields cannot be set: %(names)s.") % {"names": ", ".join(unknown)})
    name = " ".join(str(data.get("name") or "").split())
    if not name:
        problems.append(_("Every stage needs a name."))
    probability = data.get("probability", 0)
    if not isinstance(probability, int) or not 0 <= probability <= 100:
        problems.append(_("Probability is a whole number between 0 and 100."))
        probability = 0
    category = data.get("forecast_category") or ForecastCategory.PIPELINE
    if category not in ForecastCategory.values:
        problems.append(_("“%(value)s” is not one of the choices.") % {"value": category})
    required = list(data.get("required_fields") or [])
    bad = [f for f in required if f not in REQUIRABLE_FIELDS]
    if bad:
        problems.append(_("A stage cannot require “%(name)s”.") % {"name": bad[0]})
    is_won, is_lost = bool(data.get("is_won")), bool(data.get("is_lost"))
    if is_won and is_lost:
        problems.append(_("A stage is either won or lost, not both."))
    stage = Stage(
        name=name,
        name_es=" ".join(str(data.get("name_es") or "").split()),
        position=position,
        probability=probability,
        forecast_category=category,
        is_won=is_won,
        is_lost=is_lost,
        required_fields=required,
        playbook=_playbook_clean(data.get("playbook"), problems),
    )
    return stage, problems


@transaction.atomic
def pipeline_create(
    *, actor: Any, name: str, name_es: str = "", stages: Iterable[Mapping[str, Any]], position: int = 0
) -> Pipeline:
    """A pipeline with its stages in the order given. It needs one won and one lost stage (closing a deal
    moves it there) and at least one open stage. Administrators only (`actor=None`: the system)."""
    if actor is not None and not user_is_admin(actor):
        raise PermissionDenied()
    errors: dict[str, list[str]] = {}
    name = " ".join(str(name or "").split())
    if not name:
        errors["name"] = [_("This field is required.")]
    built: list[Stage] = []
    problems: list[str] = []
    for i, data in enumerate(stages):
        stage, found = _stage_clean(i, data)
        built.append(stage)
        problems += found
    if not any(s.is_won for s in built) or not any(s.is_lost for s in built):
        problems.append(_("A pipeline needs a won stage and a lost stage."))
    if not any(not s.is_closed for s in built):
        problems.append(_("A pipeline needs at least one open stage."))
    if problems:
        errors["stages"] = problems
    if errors:
        raise InvalidInput(field_errors=errors)
    with audit_context(actor=actor):
        pipeline = Pipeline.objects.create(name=name, name_es=name_es.strip(), position=position)
        for stage in built:
            stage.pipeline = pipeline
            stage.save()
    return pipeline
