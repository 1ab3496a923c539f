"""Writes on pipelines and their stages (administrators, the demo, tests)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crm.core.audit.context import audit_context
from crm.core.errors import InvalidInput, PermissionDenied, RecordNotFound
from crm.core.identity.permissions import user_is_admin
from crm.sales.enums import ForecastCategory
from crm.sales.errors import StageInUse
from crm.sales.models import Opportunity, Pipeline, Stage, StageChange

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


# --- administration: pipelines ----------------------------------------------------------------------------------
def _admin_check(actor: Any) -> None:
    if actor is not None and not user_is_admin(actor):
        raise PermissionDenied()


def _stage_data(stage: Stage) -> dict[str, Any]:
    return {name: getattr(stage, name) for name in STAGE_FIELDS}


def _shape_problems(stages: list[Stage]) -> list[str]:
    problems: list[str] = []
    if not any(s.is_won for s in stages) or not any(s.is_lost for s in stages):
        problems.append(_("A pipeline needs a won stage and a lost stage."))
    if not any(not s.is_closed for s in stages):
        problems.append(_("A pipeline needs at least one open stage."))
    return problems


def _pipeline_locked(pipeline: Pipeline) -> Pipeline:
    locked = Pipeline.objects.select_for_update().filter(pk=pipeline.pk).first()
    if locked is None:
        raise RecordNotFound()
    return locked


def _opportunities_in(stage: Stage) -> int:
    """Opportunities in the stage, those in the recycle bin included (they come back to it on restore)."""
    return Opportunity.all_objects.filter(stage_id=stage.pk).count()


@transaction.atomic
def pipeline_update(
    *,
    actor: Any,
    pipeline: Pipeline,
    name: str | None = None,
    name_es: str | None = None,
    is_active: bool | None = None,
) -> Pipeline:
    """Rename a pipeline or (de)activate it. An inactive pipeline leaves the board and the forms; its
    opportunities stay as they are."""
    _admin_check(actor)
    locked = _pipeline_locked(pipeline)
    if name is not None:
        clean = " ".join(str(name).split())
        if not clean:
            raise InvalidInput(field_errors={"name": [_("This field is required.")]})
        if len(clean) > 100:
            raise InvalidInput(field_errors={"name": [_("Use at most 100 characters.")]})
        locked.name = clean
    if name_es is not None:
        clean_es = " ".join(str(name_es).split())
        if len(clean_es) > 100:
            raise InvalidInput(field_errors={"name_es": [_("Use at most 100 characters.")]})
        locked.name_es = clean_es
    if is_active is not None:
        locked.is_active = bool(is_active)
    with audit_context(actor=actor):
        locked.save()
    return locked


@transaction.atomic
def pipeline_reorder(*, actor: Any, pipeline_ids: list[int]) -> list[Pipeline]:
    """Put the pipelines in the order given (every pipeline exactly once)."""
    _admin_check(actor)
    rows = {p.pk: p for p in Pipeline.objects.select_for_update().order_by("position", "id")}
    ids = [int(i) for i in pipeline_ids]
    if sorted(ids) != sorted(rows) or len(set(ids)) != len(ids):
        raise InvalidInput(field_errors={"pipeline_ids": [_("List every pipeline exactly once.")]})
    ordered = [rows[i] for i in ids]
    with audit_context(actor=actor):
        for position, pipeline in enumerate(ordered):
            if pipeline.position != position:
                pipeline.position = position
                pipeline.save(update_fields=["position", "updated_at"])
    return ordered


# --- administration: stages -----------------------------------------------------------------------------------
def _stages_locked(pipeline: Pipeline) -> list[Stage]:
    return list(Stage.objects.select_for_update().filter(pipeline=pipeline).order_by("position", "id"))


def _positions_write(stages: list[Stage]) -> None:
    """Number the stages 0..n-1 in list order without tripping the unique (pipeline, position) constraint:
    first out of the way, then into place."""
    moved = [s for i, s in enumerate(stages) if s.position != i]
    if not moved:
        return
    top = max(s.position for s in stages) + len(stages) + 1
    for offset, stage in enumerate(moved):
        Stage.objects.filter(pk=stage.pk).update(position=top + offset)
    for stage in moved:
        stage.position = stages.index(stage)
        stage.save(update_fields=["position"])


@transaction.atomic
def stage_add(*, actor: Any, pipeline: Pipeline, position: int | None = None, **data: Any) -> Stage:
    """A new stage (name, Spanish name, probability, forecast category, won/lost, required fields, playbook)
    at `position` (default: before the closing stages). 422 naming the field; nothing stored then."""
    _admin_check(actor)
    locked = _pipeline_locked(pipeline)
    stages = _stages_locked(locked)
    stage, problems = _stage_clean(len(stages), data)
    if problems:
        raise InvalidInput(field_errors={"stage": problems})
    if position is None:
        first_closed = next((i for i, s in enumerate(stages) if s.is_closed), len(stages))
        position = len(stages) if stage.is_closed else first_closed
    position = max(0, min(int(position), len(stages)))
    stage.pipeline = locked
    stage.position = max((s.position for s in stages), default=-1) + len(stages) + 2
    with audit_context(actor=actor):
        stage.save()
        stages.insert(position, stage)
        _positions_write(stages)
    return stage


@transaction.atomic
def stage_update(*, actor: Any, stage: Stage, **changes: Any) -> Stage:
    """Change a stage's fields. The pipeline keeps a won, a lost and an open stage; a stage holding
    opportunities keeps its won/lost flags (their status follows the stage). 422; nothing changes then."""
    _admin_check(actor)
    locked_pipeline = _pipeline_locked(stage.pipeline)
    stages = _stages_locked(locked_pipeline)
    current = next((s for s in stages if s.pk == stage.pk), None)
    if current is None:
        raise RecordNotFound()
    data = {**_stage_data(current), **changes}
    cleaned, problems = _stage_clean(current.position, data)
    if (cleaned.is_won, cleaned.is_lost) != (current.is_won, current.is_lost) and _opportunities_in(current):
        problems.append(
            _("Opportunities are in this stage: it stays won, lost or open as it is. Move them first.")
        )
    if not problems:
        after = [cleaned if s.pk == current.pk else s for s in stages]
        problems += _shape_problems(after)
    if problems:
        raise InvalidInput(field_errors={"stage": problems})
    for name in STAGE_FIELDS:
        setattr(current, name, getattr(cleaned, name))
    with audit_context(actor=actor):
        current.save()
    return current


@transaction.atomic
def stage_reorder(*, actor: Any, pipeline: Pipeline, stage_ids: list[int]) -> list[Stage]:
    """Put the pipeline's stages in the order given (every stage exactly once)."""
    _admin_check(actor)
    locked = _pipeline_locked(pipeline)
    stages = {s.pk: s for s in _stages_locked(locked)}
    try:
        ids = [int(i) for i in stage_ids]
    except (TypeError, ValueError):
        ids = []
    if sorted(ids) != sorted(stages) or len(set(ids)) != len(ids):
        raise InvalidInput(field_errors={"stage_ids": [_("List every stage of the pipeline exactly once.")]})
    ordered = [stages[i] for i in ids]
    with audit_context(actor=actor):
        _positions_write(ordered)
    return ordered


@transaction.atomic
def stage_remove(*, actor: Any, stage: Stage) -> None:
    """Remove a stage. Refused (StageInUse, 409) while opportunities are in it or its history names it; the
    pipeline keeps a won, a lost and an open stage (422)."""
    _admin_check(actor)
    locked_pipeline = _pipeline_locked(stage.pipeline)
    stages = _stages_locked(locked_pipeline)
    current = next((s for s in stages if s.pk == stage.pk), None)
    if current is None:
        raise RecordNotFound()
    held = _opportunities_in(current)
    if held:
        raise StageInUse(
            ngettext(
                "%(count)s opportunity is in the stage “%(stage)s”. Move it to another stage first.",
                "%(count)s opportunities are in the stage “%(stage)s”. Move them to another stage first.",
                held,
            )
            % {"count": held, "stage": current.label}
        )
    if StageChange.objects.filter(Q(from_stage=current) | Q(to_stage=current)).exists():
        raise StageInUse(
            _("Opportunities have been in the stage “%(stage)s” and their history keeps it.")
            % {"stage": current.label}
        )
    rest = [s for s in stages if s.pk != current.pk]
    problems = _shape_problems(rest)
    if problems:
        raise InvalidInput(field_errors={"stage": problems})
    with audit_context(actor=actor):
        current.delete()
        _positions_write(rest)
