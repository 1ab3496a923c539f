"""Writes of saved list views."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from crm.core.errors import InvalidInput, PermissionDenied, RecordNotFound
from crm.core.identity.permissions import user_is_admin
from crm.core.savedviews.models import SavedView

MAX_QUERY = 4000
# Parameters that describe a moment, not a view: never stored.
TRANSIENT = frozenset({"cursor", "view", "format", "csrfmiddlewaretoken", "page"})


def saved_view_query_clean(query: str) -> str:
    """The query string without transient parameters or empty values, in a stable order."""
    pairs = [
        (k, v) for k, v in parse_qsl((query or "").lstrip("?"), keep_blank_values=False) if k not in TRANSIENT
    ]
    return urlencode(pairs)


@transaction.atomic
def saved_view_create(
    *, actor: Any, object_type: str, name: str, query: str, is_shared: bool = False
) -> SavedView:
    """Save (or replace, by name) the actor's view of a list."""
    errors: dict[str, list[str]] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = [_("Give the view a name.")]
    elif len(name) > 120:
        errors["name"] = [_("Use at most 120 characters.")]
    if not object_type or len(object_type) > 60:
        errors["object_type"] = [_("Unknown list.")]
    clean = saved_view_query_clean(query)
    if len(clean) > MAX_QUERY:
        errors["query"] = [_("Too many filters to save.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    try:
        with transaction.atomic():
            view, _created = SavedView.objects.update_or_create(
                owner=actor,
                object_type=object_type,
                name=name,
                defaults={"query": clean, "is_shared": bool(is_shared)},
            )
    except IntegrityError:
        raise InvalidInput(field_errors={"name": [_("You already have a view with this name.")]}) from None
    return view


@transaction.atomic
def saved_view_delete(*, actor: Any, pk: int) -> None:
    """Delete a view: its owner may, and an administrator may delete shared ones."""
    view = SavedView.objects.select_for_update().filter(pk=pk).first()
    if view is None:
        raise RecordNotFound()
    if view.owner_id != getattr(actor, "pk", None):
        if not view.is_shared:
            raise RecordNotFound()
        if not user_is_admin(actor):
            raise PermissionDenied()
    view.delete()
