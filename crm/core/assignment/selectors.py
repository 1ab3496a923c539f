"""Reads of territories and assignment rules (administration screens and the API)."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from crm.core.assignment.models import AssignmentRule, Territory
from crm.core.errors import RecordNotFound


def territory_list() -> QuerySet[Territory]:
    return Territory.objects.annotate(rule_count=Count("rules")).order_by("name")


def territory_get(*, pk: int | str) -> Territory:
    try:
        found = Territory.objects.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise RecordNotFound()
    return found


def territories_in_order() -> list[Territory]:
    """Every territory in matching order (by name, then id): a record's territory is the first whose criteria
    hold for its address (`crm.core.assignment.matching.territory_pick`). Renaming one reorders them."""
    return list(Territory.objects.order_by("name", "id"))


def territory_names(*, ids: list[int]) -> dict[int, str]:
    return dict(Territory.objects.filter(pk__in=ids).values_list("pk", "name"))


def territory_choices() -> list[tuple[int, str]]:
    return list(Territory.objects.order_by("name").values_list("pk", "name"))


def rule_list(*, object_type: str | None = None) -> QuerySet[AssignmentRule]:
    qs = AssignmentRule.objects.select_related("territory", "user", "team")
    if object_type:
        qs = qs.filter(object_type=object_type)
    return qs.order_by("object_type", "position", "id")


def rule_get(*, pk: int | str) -> AssignmentRule:
    try:
        found = AssignmentRule.objects.select_related("territory", "user", "team").filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise RecordNotFound()
    return found
