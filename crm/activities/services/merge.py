"""Activities follow their contact or account when duplicates are merged (a merge handler, registered in
`ActivitiesConfig.ready()` with crm.contacts.merging). Also the ones in the recycle bin, so a later restore
brings them back to the right record; meeting attendance moves too. Undo moves back exactly what moved."""

from __future__ import annotations

from typing import Any

from crm.activities.models import Activity

FIELD = {"contacts": "contact_id", "accounts": "account_id"}


def activities_merge_move(
    *, object_type: str, survivor_id: int, merged_ids: list[int], actor: Any
) -> dict[str, Any]:
    field = FIELD[object_type]
    moved: list[list[int]] = []
    for activity in Activity.all_objects.filter(**{f"{field}__in": merged_ids}).order_by("pk"):
        moved.append([activity.pk, getattr(activity, field)])
        setattr(activity, field, survivor_id)
        activity.save(update_fields=[field.removesuffix("_id"), "updated_at"])
    attendance: list[list[int]] = []
    if object_type == "contacts":
        through = Activity.attendee_contacts.through
        for row in through.objects.filter(contact_id__in=merged_ids).order_by("pk"):
            activity = Activity.all_objects.get(pk=row.activity_id)
            activity.attendee_contacts.remove(row.contact_id)
            if not through.objects.filter(activity_id=row.activity_id, contact_id=survivor_id).exists():
                activity.attendee_contacts.add(survivor_id)
                attendance.append([row.activity_id, row.contact_id, 1])
            else:
                attendance.append([row.activity_id, row.contact_id, 0])
    return {"moved": moved, "attendance": attendance}


def activities_merge_undo(*, object_type: str, survivor_id: int, data: dict[str, Any], actor: Any) -> None:
    field = FIELD[object_type]
    for pk, source in data.get("moved", []):
        activity = Activity.all_objects.filter(pk=pk, **{field: survivor_id}).first()
        if activity is not None:
            setattr(activity, field, source)
            activity.save(update_fields=[field.removesuffix("_id"), "updated_at"])
    for activity_id, contact_id, added in data.get("attendance", []):
        activity = Activity.all_objects.filter(pk=activity_id).first()
        if activity is None:
            continue
        if added:
            activity.attendee_contacts.remove(survivor_id)
        activity.attendee_contacts.add(contact_id)
