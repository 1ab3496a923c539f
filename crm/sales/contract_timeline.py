"""Contract state changes on the timelines of the contract and of its account (a `crm.activities.timeline`
source reading `ContractEvent`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from crm.activities.timeline import Before, TimelineEntry
from crm.core.identity.permissions import user_can
from crm.sales.selectors.contracts import contract_events_page

ICONS = {
    "created": "document-plus",
    "activated": "play-circle",
    "invoiced": "document-text",
    "renewal_opened": "arrow-path",
    "expired": "clock",
    "renewed": "arrow-path-rounded-square",
    "cancelled": "x-circle",
}
# what the contract's own timeline shows of its events (the rest is there as audit entries)
CONTRACT_ONLY_VERBS = ("invoiced",)
TONES = {"activated": "success", "renewal_opened": "accent", "expired": "warning", "cancelled": "danger"}


def contract_event_title(verb: str, *, actor: str, number: str) -> str:
    titles = {
        "created": _("%(actor)s created contract %(number)s"),
        "activated": _("%(actor)s activated contract %(number)s"),
        "invoiced": _("%(actor)s drafted the invoice of contract %(number)s"),
        "renewal_opened": _("%(actor)s opened the renewal of contract %(number)s"),
        "expired": _("Contract %(number)s expired"),
        "renewed": _("Contract %(number)s was renewed"),
        "cancelled": _("%(actor)s cancelled contract %(number)s"),
    }
    return titles.get(verb, _("Contract %(number)s changed")) % {"actor": actor, "number": number}


def contract_event_source(
    *, user: Any, object_type: str, object_id: int, before: Before, limit: int
) -> list[TimelineEntry]:
    if object_type == "sales.contract":
        # the contract's own audit entries already tell its status changes there: add what they do not say
        rows = contract_events_page(
            user=user, contract_id=object_id, verbs=CONTRACT_ONLY_VERBS, before=before, limit=limit
        )
    elif object_type == "contacts.account" and user_can(user, "sales.contract", "view"):
        rows = contract_events_page(user=user, account_id=object_id, before=before, limit=limit)
    else:
        return []
    entries: list[TimelineEntry] = []
    for event in rows:
        actor = event.actor.full_name if event.actor is not None else _("The system")
        entries.append(
            TimelineEntry(
                source="sales.contracts",
                id=event.pk,
                at=event.at,
                kind=f"sales.contract.{event.verb}",
                channel="ui",
                icon=ICONS.get(event.verb, "document-text"),
                title=contract_event_title(event.verb, actor=actor, number=event.contract.number),
                actor=event.actor,
                actor_name=event.actor.full_name if event.actor is not None else "",
                link=event.contract.get_absolute_url(),
                meta=event.detail,
                obj=event,
                tone=TONES.get(event.verb, ""),
            )
        )
    return entries
