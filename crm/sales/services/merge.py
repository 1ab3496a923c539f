"""Opportunities follow their account, and their contact links their contact, when duplicates are merged (a merge
handler, registered in `SalesConfig.ready()` with crm.contacts.merging). Binned opportunities move too, so a
later restore brings them back to the right account. Undo moves back exactly what moved."""

from __future__ import annotations

from typing import Any

from crm.core.audit.context import audit_context
from crm.sales.models import Opportunity, OpportunityContact


def opportunities_merge_move(
    *, object_type: str, survivor_id: int, merged_ids: list[int], actor: Any
) -> dict[str, Any]:
    moved: list[list[int]] = []
    links: list[list[int]] = []
    with audit_context(actor=actor):
        if object_type == "accounts":
            for opportunity in Opportunity.all_objects.filter(account_id__in=merged_ids).order_by("pk"):
                moved.append([opportunity.pk, opportunity.account_id])
                opportunity.account_id = survivor_id
                opportunity.save(update_fields=["account", "updated_at"])
        else:
            for link in OpportunityContact.objects.filter(contact_id__in=merged_ids).order_by("pk"):
                duplicate = OpportunityContact.objects.filter(
                    opportunity_id=link.opportunity_id, contact_id=survivor_id
                ).exists()
                links.append([link.opportunity_id, link.contact_id, 0 if duplicate else 1])
                if duplicate:
                    link.delete()
                else:
                    link.contact_id = survivor_id
                    link.save(update_fields=["contact"])
    return {"moved": moved, "links": links}


def opportunities_merge_undo(*, object_type: str, survivor_id: int, data: dict[str, Any], actor: Any) -> None:
    with audit_context(actor=actor):
        for pk, source in data.get("moved", []):
            opportunity = Opportunity.all_objects.filter(pk=pk, account_id=survivor_id).first()
            if opportunity is not None:
                opportunity.account_id = source
                opportunity.save(update_fields=["account", "updated_at"])
        for opportunity_id, contact_id, was_moved in data.get("links", []):
            if was_moved:
                OpportunityContact.objects.filter(
                    opportunity_id=opportunity_id, contact_id=survivor_id
                ).delete()
            OpportunityContact.objects.get_or_create(opportunity_id=opportunity_id, contact_id=contact_id)
