"""Time spent in a stage, in words ("3 days", "5 h", "12 min")."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def duration_words(seconds: int | float | None) -> str:
    if seconds is None:
        return ""
    s = max(0, int(seconds))
    days = s // 86400
    if days >= 1:
        return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}
    hours = s // 3600
    if hours >= 1:
        return _("%(n)s h") % {"n": hours}
    minutes = max(1, s // 60)
    return _("%(n)s min") % {"n": minutes}
