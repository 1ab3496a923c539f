"""Public writes of the activities app."""

from crm.activities.services.activities import (
    activity_complete,
    activity_create,
    activity_delete,
    activity_update,
)
from crm.activities.services.cascade import activities_soft_delete_for_record

__all__ = [
    "activities_soft_delete_for_record",
    "activity_complete",
    "activity_create",
    "activity_delete",
    "activity_update",
]
