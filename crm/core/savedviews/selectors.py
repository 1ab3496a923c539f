"""Reads of saved list views: a user sees their own and the shared ones."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from crm.core.errors import RecordNotFound
from crm.core.savedviews.models import SavedView


def saved_view_list(*, user: Any, object_type: str) -> list[SavedView]:
    """The views `user` may pick for a list: their own first, then the shared ones, each by name."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    rows = (
        SavedView.objects.filter(object_type=object_type)
        .filter(Q(owner_id=user.pk) | Q(is_shared=True))
        .select_related("owner")
        .order_by("name", "id")
    )
    views = list(rows[:200])
    views.sort(key=lambda v: (v.owner_id != user.pk, v.name.lower()))
    return views


def saved_view_get(*, user: Any, pk: int | str) -> SavedView:
    """One view `user` may use (own or shared); RecordNotFound otherwise."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise RecordNotFound() from None
    view = (
        SavedView.objects.filter(pk=key)
        .filter(Q(owner_id=getattr(user, "pk", None)) | Q(is_shared=True))
        .select_related("owner")
        .first()
    )
    if view is None:
        raise RecordNotFound()
    return view
