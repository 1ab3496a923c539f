"""Activities follow their account or contact into the recycle bin, in the same deletion batch.

Restoring the account (or contact) from the recycle bin restores the whole batch, activities included
(`crm.core.audit.services.record_restore`).
"""

from __future__ import annotations

import uuid
from typing import Any

from crm.activities.models import Activity
from crm.core.audit.services import record_soft_delete

CHUNK = 500


def activities_soft_delete_for_record(
    *, object_type: str, object_id: int, batch: uuid.UUID, actor: Any
) -> int:
    """Soft-delete the live activities linked to one account or contact, in chunks; returns how many."""
    field = {"contacts.account": "account_id", "contacts.contact": "contact_id"}.get(object_type)
    if field is None:
        raise ValueError(f"activities are not linked to {object_type}")
    total = 0
    while True:
        rows = list(Activity.objects.filter(**{field: object_id}).order_by("pk")[:CHUNK])
        if not rows:
            return total
        record_soft_delete(instance=rows[0], dependents=rows[1:], actor=actor, batch=batch)
        total += len(rows)
