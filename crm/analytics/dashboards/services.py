"""Writes of dashboards: create, change (name, widgets and their order, sharing), copy, delete.

Anyone may keep dashboards of their own; sharing one with a team, a role or everyone takes a manager or an
administrator (who may change the refresh of analyses, see `analytics.core.access`). Every widget list is
validated whole before anything is stored: an unknown widget or a bad setting names its place
(`widgets[2].settings.days`) and nothing changes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from crm.analytics.core.access import analysis_can_refresh
from crm.analytics.dashboards.defaults import BUILTIN
from crm.analytics.dashboards.models import Dashboard, Visibility
from crm.analytics.dashboards.widgets import widget_type_get
from crm.core.errors import InvalidInput, PermissionDenied
from crm.core.identity.permissions import user_is_admin
from crm.core.identity.selectors import role_get, role_get_by_key, team_get

MAX_WIDGETS = 24
OBJECT_TYPE = "analytics.insight"


def dashboard_widgets_clean(raw: Any) -> list[dict[str, Any]]:
    """[{"key": …, "settings": {…}}, …] validated, settings completed with their defaults."""
    if not isinstance(raw, Sequence) or isinstance(raw, str | bytes):
        raise InvalidInput(field_errors={"widgets": [_("Give a list of widgets.")]})
    if len(raw) > MAX_WIDGETS:
        raise InvalidInput(field_errors={"widgets": [_("Use at most %(n)s widgets.") % {"n": MAX_WIDGETS}]})
    out: list[dict[str, Any]] = []
    errors: dict[str, list[str]] = {}
    for i, item in enumerate(raw):
        where = f"widgets[{i}]"
        if not isinstance(item, Mapping):
            errors[where] = [_("Each widget is an object with a key and its settings.")]
            continue
        try:
            widget = widget_type_get(str(item.get("key") or ""), field=f"{where}.key")
            settings = widget.settings_clean(item.get("settings"), field=f"{where}.settings")
        except InvalidInput as exc:
            errors.update(exc.field_errors)
            continue
        out.append({"key": widget.key, "settings": settings})
    if errors:
        raise InvalidInput(field_errors=errors)
    return out


def _name_clean(name: Any) -> str:
    text = " ".join(str(name or "").split())
    if not text:
        raise InvalidInput(field_errors={"name": [_("Give the dashboard a name.")]})
    if len(text) > 120:
        raise InvalidInput(field_errors={"name": [_("Use at most 120 characters.")]})
    return text


def _sharing_clean(*, actor: Any, visibility: Any, team_id: Any, role_id: Any) -> dict[str, Any]:
    if visibility not in Visibility.values:
        raise InvalidInput(
            field_errors={
                "visibility": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Visibility.values)}]
            }
        )
    out: dict[str, Any] = {"visibility": visibility, "team": None, "role": None}
    if visibility != Visibility.PRIVATE and not analysis_can_refresh(actor, OBJECT_TYPE):
        raise PermissionDenied(_("Only managers and administrators share dashboards."))
    if visibility == Visibility.TEAM:
        team = team_get(pk=team_id) if isinstance(team_id, int) else None
        if team is None:
            raise InvalidInput(field_errors={"team_id": [_("Choose a team.")]})
        out["team"] = team
    if visibility == Visibility.ROLE:
        role = role_get(pk=role_id) if isinstance(role_id, int) else None
        if role is None:
            raise InvalidInput(field_errors={"role_id": [_("Choose a role.")]})
        out["role"] = role
    return out


def _may_change(actor: Any, dashboard: Dashboard) -> bool:
    if dashboard.owner_id is not None:
        return bool(dashboard.owner_id == getattr(actor, "pk", None))
    return user_is_admin(actor)


@transaction.atomic
def dashboard_create(
    *,
    actor: Any,
    name: str,
    widgets: Any,
    visibility: str = Visibility.PRIVATE,
    team_id: int | None = None,
    role_id: int | None = None,
    is_home: bool = False,
) -> Dashboard:
    clean_name = _name_clean(name)
    clean_widgets = dashboard_widgets_clean(widgets)
    sharing = _sharing_clean(actor=actor, visibility=visibility, team_id=team_id, role_id=role_id)
    if is_home:
        Dashboard.objects.filter(owner=actor, is_home=True).update(is_home=False)
    return Dashboard.objects.create(
        owner=actor, name=clean_name, widgets=clean_widgets, is_home=is_home, **sharing
    )


@transaction.atomic
def dashboard_update(*, actor: Any, dashboard: Dashboard, changes: Mapping[str, Any]) -> Dashboard:
    """Change the allowed fields (`name`, `widgets`, `visibility`/`team_id`/`role_id`, `is_home`) of a dashboard
    the actor owns (an administrator: a built-in one)."""
    dashboard = Dashboard.objects.select_for_update().get(pk=dashboard.pk)
    if not _may_change(actor, dashboard):
        raise PermissionDenied(_("Copy this dashboard to change it."))
    allowed = {"name", "widgets", "visibility", "team_id", "role_id", "is_home"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise InvalidInput(field_errors={k: [_("This field cannot be changed.")] for k in unknown})
    fields: dict[str, Any] = {}
    if "name" in changes:
        fields["name"] = _name_clean(changes["name"])
    if "widgets" in changes:
        fields["widgets"] = dashboard_widgets_clean(changes["widgets"])
    if {"visibility", "team_id", "role_id"} & set(changes) and dashboard.owner_id is not None:
        fields.update(
            _sharing_clean(
                actor=actor,
                visibility=changes.get("visibility", dashboard.visibility),
                team_id=changes.get("team_id", dashboard.team_id),
                role_id=changes.get("role_id", dashboard.role_id),
            )
        )
    if "is_home" in changes and dashboard.owner_id is not None:
        if changes["is_home"] is True:
            Dashboard.objects.filter(owner=actor, is_home=True).exclude(pk=dashboard.pk).update(is_home=False)
        fields["is_home"] = changes["is_home"] is True
    for name, value in fields.items():
        setattr(dashboard, name, value)
    dashboard.save()
    return dashboard


@transaction.atomic
def dashboard_copy(*, actor: Any, dashboard: Dashboard, make_home: bool = True) -> Dashboard:
    """The actor's own copy of a dashboard they can see (by default their new home dashboard)."""
    name = _("%(name)s (my copy)") % {"name": dashboard.name}
    return dashboard_create(actor=actor, name=name[:120], widgets=dashboard.widgets, is_home=make_home)


@transaction.atomic
def dashboard_delete(*, actor: Any, dashboard: Dashboard) -> None:
    dashboard = Dashboard.objects.select_for_update().get(pk=dashboard.pk)
    if not _may_change(actor, dashboard) or dashboard.builtin:
        raise PermissionDenied(_("You may delete only your own dashboards."))
    dashboard.delete()


@transaction.atomic
def dashboard_builtins_install() -> list[Dashboard]:
    """Create the built-in dashboards that are missing (a role's home only when the role exists)."""
    created = []
    for key, (name, role_key, widgets) in BUILTIN.items():
        if Dashboard.objects.filter(builtin=key).exists():
            continue
        role = role_get_by_key(key=role_key) if role_key else None
        if role_key and role is None:
            continue
        created.append(
            Dashboard.objects.create(
                name=name,
                builtin=key,
                visibility=Visibility.ROLE if role else Visibility.EVERYONE,
                role=role,
                is_home=role is not None,
                widgets=dashboard_widgets_clean(widgets),
            )
        )
    return created
