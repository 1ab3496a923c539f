"""Public writes of the activities app."""

from crm.activities.services.activities import (
    activities_subject_link,
    activity_complete,
    activity_create,
    activity_delete,
    activity_update,
)
from crm.activities.services.cascade import activities_soft_delete_for_record
from crm.activities.services.merge import activities_merge_move, activities_merge_undo

__all__ = [
    "activities_merge_move",
    "activities_merge_undo",
    "activities_soft_delete_for_record",
    "activities_subject_link",
    "activity_complete",
    "activity_create",
    "activity_delete",
    "activity_update",
]
