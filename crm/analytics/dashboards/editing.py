"""The dashboard editor's form actions, each turned into one `dashboard_update`: add a widget, remove one,
move one up or down, change one's settings, rename, make it the home dashboard."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from crm.analytics.dashboards.models import Dashboard
from crm.analytics.dashboards.services import dashboard_update
from crm.analytics.dashboards.widgets import widget_type_get
from crm.core.errors import InvalidInput

ACTIONS = ("add", "remove", "up", "down", "settings", "rename", "home")


def _index(data: Mapping[str, Any], size: int) -> int:
    raw = str(data.get("index") or "")
    if not raw.isdigit() or int(raw) >= size:
        raise InvalidInput(field_errors={"index": [_("Choose a widget of this dashboard.")]})
    return int(raw)


def _settings_from_form(key: str, data: Mapping[str, Any]) -> dict[str, Any]:
    widget = widget_type_get(key)
    out: dict[str, Any] = {}
    for spec in widget.settings:
        raw = data.get(spec.name)
        if spec.kind == "bool":
            out[spec.name] = raw in {"on", "true", "1"}
        elif spec.kind == "int":
            text = str(raw or "").strip()
            out[spec.name] = int(text) if text.lstrip("-").isdigit() else text
        elif raw is not None:
            out[spec.name] = str(raw)
    return out


def widgets_edit(*, actor: Any, dashboard: Dashboard, data: Mapping[str, Any]) -> Dashboard:
    action = str(data.get("action") or "")
    if action not in ACTIONS:
        raise InvalidInput(field_errors={"action": [_("Unknown action.")]})
    widgets = [dict(w) for w in dashboard.widgets or []]
    if action == "rename":
        return dashboard_update(actor=actor, dashboard=dashboard, changes={"name": data.get("name")})
    if action == "home":
        return dashboard_update(actor=actor, dashboard=dashboard, changes={"is_home": True})
    if action == "add":
        widgets.append({"key": str(data.get("key") or ""), "settings": {}})
    else:
        i = _index(data, len(widgets))
        if action == "remove":
            widgets.pop(i)
        elif action == "up" and i > 0:
            widgets[i - 1], widgets[i] = widgets[i], widgets[i - 1]
        elif action == "down" and i + 1 < len(widgets):
            widgets[i + 1], widgets[i] = widgets[i], widgets[i + 1]
        elif action == "settings":
            widgets[i]["settings"] = _settings_from_form(widgets[i]["key"], data)
    return dashboard_update(actor=actor, dashboard=dashboard, changes={"widgets": widgets})
