"""Quote events on the timelines of the quote, its opportunity and its account (a source of
`crm.activities.timeline`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from crm.activities.timeline import Before, TimelineEntry
from crm.core.identity.permissions import user_can
from crm.sales.selectors.quotes import quote_events_page

ICONS = {
    "created": ("document-plus", "accent"),
    "lines": ("pencil-square", ""),
    "submitted": ("clock", "warning"),
    "approved": ("check-badge", "success"),
    "rejected": ("x-circle", "danger"),
    "sent": ("paper-airplane", "accent"),
    "accepted": ("hand-thumb-up", "success"),
    "declined": ("hand-thumb-down", "danger"),
    "revised": ("document-duplicate", "accent"),
    "superseded": ("document-duplicate", ""),
    "expired": ("clock", "warning"),
}


def quote_event_title(kind: str, *, quote: str, actor: str, note: str) -> str:
    values = {"quote": quote, "actor": actor, "note": note}
    titles = {
        "created": _("%(actor)s created quote %(quote)s"),
        "lines": _("%(actor)s changed the lines of quote %(quote)s"),
        "submitted": _("%(actor)s asked for approval of the discounts of quote %(quote)s"),
        "approved": _("%(actor)s approved the discounts of quote %(quote)s"),
        "rejected": _("%(actor)s rejected the discounts of quote %(quote)s"),
        "sent": _("Quote %(quote)s was emailed to %(note)s"),
        "accepted": _("%(note)s accepted quote %(quote)s"),
        "declined": _("The customer declined quote %(quote)s"),
        "revised": _("%(actor)s revised quote %(note)s as %(quote)s"),
        "superseded": _("Quote %(quote)s was replaced by %(note)s"),
        "expired": _("Quote %(quote)s expired without an answer"),
    }
    return titles.get(kind, "%(quote)s") % values


def quote_event_source(
    *, user: Any, object_type: str, object_id: int, before: Before, limit: int
) -> list[TimelineEntry]:
    if not user_can(user, "sales.quote", "view"):
        return []
    entries: list[TimelineEntry] = []
    for event in quote_events_page(object_type=object_type, object_id=object_id, before=before, limit=limit):
        if object_type == "sales.quote" and event.kind == "created":
            continue  # the quote's own timeline already says so (the audit trail's "created this quote")
        actor = event.actor.full_name if event.actor is not None else _("The system")
        icon, tone = ICONS.get(event.kind, ("document-text", ""))
        show_note = event.kind in {"rejected", "declined"} and event.note
        entries.append(
            TimelineEntry(
                source="sales.quotes",
                id=event.pk,
                at=event.at,
                kind=f"sales.quote.{event.kind}",
                channel="email" if event.kind == "sent" else "ui",
                icon=icon,
                title=quote_event_title(event.kind, quote=event.quote.label, actor=actor, note=event.note),
                body=event.note if show_note else "",
                actor=event.actor,
                actor_name=event.actor.full_name if event.actor is not None else "",
                link=event.quote.get_absolute_url(),
                obj=event,
                tone=tone,
            )
        )
    return entries
