"""How activity lists filter, sort and search (shared by the web UI and the API)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from crm.activities.enums import ActivityKind, Channel, TaskPriority
from crm.core.customfields.selectors import custom_field_infos
from crm.core.listing import CustomFieldInfo, FilterField, ListSpec, SortField


def _activity_custom_fields() -> list[CustomFieldInfo]:
    return custom_field_infos(object_type="activities.activity")


ACTIVITY_LIST = ListSpec(
    object_type="activities.activity",
    filters=(
        FilterField("kind", "kind", "choice", _("Kind"), tuple(ActivityKind.choices)),
        FilterField("owner", "owner", "user", _("Assigned to")),
        FilterField("account", "account", "fk", _("Account")),
        FilterField("contact", "contact", "fk", _("Contact")),
        FilterField("is_done", "is_done", "bool", _("Done")),
        FilterField("channel", "channel", "choice", _("Channel"), tuple(Channel.choices)),
        FilterField("priority", "priority", "choice", _("Priority"), tuple(TaskPriority.choices)),
        FilterField("due_at", "due_at", "datetime", _("Due")),
        FilterField("occurred_at", "occurred_at", "datetime", _("When")),
        FilterField("created_at", "created_at", "datetime", _("Created")),
    ),
    sorts=(
        SortField("occurred_at", "occurred_at", _("When")),
        SortField("due_at", "due_at", _("Due")),
        SortField("created_at", "created_at", _("Created")),
        SortField("updated_at", "updated_at", _("Updated")),
    ),
    default_sort="-occurred_at",
    search_paths=("subject",),
    custom_fields=_activity_custom_fields,
)

# Parameters the activity selector understands on top of the spec's filters.
EXTRA_PARAMS = frozenset({"overdue"})
