"""The widget types (each module registers its own on import)."""

from crm.analytics.dashboards.widgets import activity, customers, deals, insight, territory  # noqa: F401
from crm.analytics.dashboards.widgets.base import WidgetResult, WidgetType, widget_type_get, widget_types

__all__ = ["WidgetResult", "WidgetType", "widget_type_get", "widget_types"]
