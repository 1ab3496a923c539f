"""The opportunity's stage moves on its timeline (a source of `crm.activities.timeline`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from crm.activities.timeline import Before, TimelineEntry
from crm.sales.durations import duration_words
from crm.sales.selectors import stage_changes_page


def stage_change_source(
    *, user: Any, object_type: str, object_id: int, before: Before, limit: int
) -> list[TimelineEntry]:
    if object_type != "sales.opportunity":
        return []
    entries: list[TimelineEntry] = []
    for change in stage_changes_page(opportunity_id=object_id, before=before, limit=limit):
        actor = change.actor.full_name if change.actor is not None else _("The system")
        if change.from_stage is None:
            title = _("%(actor)s opened the opportunity in “%(stage)s”") % {
                "actor": actor,
                "stage": change.to_stage.label,
            }
            meta = ""
        else:
            title = _("%(actor)s moved the opportunity from “%(old)s” to “%(new)s”") % {
                "actor": actor,
                "old": change.from_stage.label,
                "new": change.to_stage.label,
            }
            meta = _("%(time)s in “%(stage)s”") % {
                "time": duration_words(change.seconds_in_previous),
                "stage": change.from_stage.label,
            }
        tone = "success" if change.to_stage.is_won else "danger" if change.to_stage.is_lost else "accent"
        entries.append(
            TimelineEntry(
                source="sales.stages",
                id=change.pk,
                at=change.at,
                kind="sales.stage",
                channel="ui",
                icon="arrow-right-circle",
                title=title,
                actor=change.actor,
                actor_name=change.actor.full_name if change.actor is not None else "",
                meta=meta,
                obj=change,
                tone=tone,
            )
        )
    return entries
