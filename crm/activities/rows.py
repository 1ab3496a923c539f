"""The rows of the activity list, drawn in Python: one f-string per row instead of a template loop with an
include and half a dozen tags per row (the list draws 50–200 of them; see contacts_cells for the same idea)."""

from __future__ import annotations

from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from crm.activities.timeline import KIND_ICONS
from crm.core.records import record_url
from crm.core.ui.templatetags.crm_ui import avatar, badge, icon, reldate

EMPTY = '<span class="text-subtle">—</span>'


class _ActivityRows:
    def __init__(self) -> None:
        self.labels = {
            key: escape(str(label))
            for key, label in (
                ("activity", _("Activity")),
                ("related", _("Related to")),
                ("assigned", _("Assigned to")),
                ("when", _("When")),
                ("due", _("Due")),
                ("state", _("State")),
            )
        }
        self.states = {
            "done": str(badge(_("Done"), "success", dot=True)),
            "overdue": str(badge(_("Overdue"), "danger", dot=True)),
            "open": str(badge(_("Open"), "info", dot=True)),
        }

    def row(self, a: Any) -> str:
        label = self.labels
        kind_icon = icon(KIND_ICONS.get(a.kind, "pencil-square"), 16)
        related = ""
        if a.account_id:
            related = f'<a href="{record_url("contacts:account_detail", a.account_id)}">{escape(str(a.account))}</a>'
        if a.contact_id:
            related += f'<span class="table__sub">{escape(str(a.contact))}</span>'
        if a.is_task:
            state = self.states["done" if a.is_done else ("overdue" if a.is_overdue else "open")]
        else:
            state = EMPTY
        due = str(reldate(a.due_at)) if a.due_at else EMPTY
        return (
            f'<tr><td data-label="{label["activity"]}" class="col-primary">'
            f'<a class="table__link activity-link" href="{a.get_absolute_url()}">'
            f'<span class="activity-link__icon">{kind_icon}</span><span>{escape(a.title)}</span></a>'
            f'<span class="table__sub">{escape(str(a.get_kind_display()))} · '
            f"{escape(str(a.get_channel_display()))}</span></td>"
            f'<td data-label="{label["related"]}">{related}</td>'
            f'<td data-label="{label["assigned"]}">{avatar(a.owner, show_name=True)}</td>'
            f'<td data-label="{label["when"]}">{reldate(a.occurred_at)}</td>'
            f'<td data-label="{label["due"]}">{due}</td>'
            f'<td data-label="{label["state"]}">{state}</td></tr>'
        )


def activity_rows(activities: list[Any]) -> SafeString:
    """Every `<tr>` of the activity list (same markup the template drew)."""
    drawer = _ActivityRows()
    return mark_safe("".join(drawer.row(a) for a in activities))  # every value above is escaped
