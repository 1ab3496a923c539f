"""Reads of dashboards (the ones a user may see) and of computed widgets (figures scoped by the viewer)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from crm.analytics.dashboards.filters import DashboardFilters
from crm.analytics.dashboards.models import Dashboard, Visibility
from crm.analytics.dashboards.widgets import WidgetResult, WidgetType, widget_type_get, widget_types
from crm.analytics.dashboards.widgets.base import CHOICE_LABELS
from crm.core.errors import DomainError, RecordNotFound
from crm.core.identity.permissions import user_is_admin


def dashboard_query(*, user: Any) -> QuerySet[Dashboard]:
    """The dashboards `user` may open: their own, and those shared with their team, their role or everyone."""
    if not getattr(user, "is_authenticated", False):
        return Dashboard.objects.none()
    shared = Q(visibility=Visibility.EVERYONE)
    if user.team_id:
        shared |= Q(visibility=Visibility.TEAM, team_id=user.team_id)
    if user.role_id:
        shared |= Q(visibility=Visibility.ROLE, role_id=user.role_id)
    return Dashboard.objects.filter(Q(owner=user) | shared)


def dashboard_list(*, user: Any) -> list[Dashboard]:
    return list(dashboard_query(user=user).order_by("-is_home", "owner_id", "name", "id")[:200])


def dashboard_get(*, user: Any, pk: int | str) -> Dashboard:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise RecordNotFound() from None
    found = dashboard_query(user=user).filter(pk=key).first()
    if found is None:
        raise RecordNotFound()
    return found


def dashboard_home(*, user: Any) -> Dashboard | None:
    """The user's home dashboard: their own marked home, else their role's, else the company overview."""
    rows = list(
        dashboard_query(user=user)
        .filter(Q(owner=user, is_home=True) | Q(owner__isnull=True, is_home=True) | Q(builtin="company"))
        .order_by("id")
    )
    for test in (
        lambda d: d.owner_id == user.pk,
        lambda d: d.owner_id is None and d.is_home and d.visibility == Visibility.ROLE,
        lambda d: d.builtin == "company",
    ):
        found = next((d for d in rows if test(d)), None)
        if found is not None:
            return found
    return None


def dashboard_can_change(*, user: Any, dashboard: Dashboard) -> bool:
    if dashboard.owner_id is not None:
        return bool(dashboard.owner_id == user.pk)
    return user_is_admin(user)


@dataclass(frozen=True)
class PlacedWidget:
    """One widget of a dashboard: its place, its type and its validated settings."""

    index: int
    widget: WidgetType
    settings: dict[str, Any]

    @property
    def setting_fields(self) -> list[dict[str, Any]]:
        """The settings as the editor's form shows them."""
        return [
            {
                "name": s.name,
                "label": s.label or s.name,
                "kind": s.kind,
                "choices": [(c, CHOICE_LABELS.get(c, c)) for c in s.choices],
                "min": s.min,
                "max": s.max,
                "value": self.settings.get(s.name, s.default),
                "id": f"s-{self.index}-{s.name}",
            }
            for s in self.widget.settings
        ]


def dashboard_widgets(*, dashboard: Dashboard) -> list[PlacedWidget]:
    """The dashboard's widgets whose type still exists (a removed type is skipped, never an error)."""
    out = []
    for i, item in enumerate(dashboard.widgets or []):
        try:
            widget = widget_type_get(item.get("key", ""))
            settings = widget.settings_clean(item.get("settings"))
        except DomainError:
            continue
        out.append(PlacedWidget(index=i, widget=widget, settings=settings))
    return out


def widget_compute(
    *, user: Any, widget: WidgetType, filters: DashboardFilters, settings: Mapping[str, Any] | None = None
) -> WidgetResult:
    """The widget's figures for `user` (every row through the owning app's permission-scoped selector)."""
    clean = widget.settings_clean(settings)
    try:
        return widget.compute(user=user, filters=filters, settings=clean)
    except DomainError as exc:
        if exc.status == 422 and exc.field_errors:
            raise
        return WidgetResult(key=widget.key, label=str(widget.label), empty=True, error=exc.message)


def dashboard_compute(*, user: Any, dashboard: Dashboard, filters: DashboardFilters) -> list[WidgetResult]:
    return [
        widget_compute(user=user, widget=p.widget, filters=filters, settings=p.settings)
        for p in dashboard_widgets(dashboard=dashboard)
    ]


def widget_catalog() -> list[WidgetType]:
    return sorted(widget_types(), key=lambda w: str(w.label))
