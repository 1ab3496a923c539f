"""The base of every domain record: timestamps, soft delete, and permission scoping.

`Model.objects` hides soft-deleted rows; `Model.all_objects` sees them (the recycle bin uses it).
`Model.objects.visible_to(user, action)` is the one place a list is narrowed to what a user may see.
"""

from __future__ import annotations

import functools
from typing import Any, ClassVar, Self

from django.conf import settings
from django.db import models
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from crm.core.identity.permissions import scope_q


class RecordQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any, action: str = "view") -> Self:
        model = self.model
        q = scope_q(user, model._meta.label_lower, action, getattr(model, "OWNER_FIELD", "owner"))
        if q is None:
            return self.none()
        return self.filter(q) if q else self

    def alive(self) -> Self:
        return self.filter(deleted_at__isnull=True)

    def deleted(self) -> Self:
        return self.filter(deleted_at__isnull=False)


class AliveManager(models.Manager[Any]):
    """The default manager: soft-deleted rows are not there."""

    def get_queryset(self) -> RecordQuerySet:
        return RecordQuerySet(self.model, using=self._db).filter(deleted_at__isnull=True)

    def visible_to(self, user: Any, action: str = "view") -> RecordQuerySet:
        return self.get_queryset().visible_to(user, action)


class Record(models.Model):
    """Abstract base: every domain table inherits it."""

    # None: a shared table without owners (e.g. the catalog); see `shared_in_scope`
    OWNER_FIELD: ClassVar[str | None] = "owner"

    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)
    deletion_batch = models.UUIDField(null=True, blank=True, editable=False)

    objects = AliveManager()
    all_objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True
        base_manager_name = "all_objects"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @classmethod
    def object_type(cls) -> str:
        return cls._meta.label_lower


def record_authorize(*, actor: Any, record: Record, action: str) -> None:
    """Raise RecordNotFound when `actor` may not see `record`, PermissionDenied when they may not `action` it.

    `actor=None` is the system itself (CLI, migrations, demo data): always allowed.
    """
    from crm.core.errors import PermissionDenied, RecordNotFound
    from crm.core.identity.permissions import owner_in_scope, shared_in_scope

    if actor is None:
        return
    object_type = record._meta.label_lower
    if not record.OWNER_FIELD:
        if not shared_in_scope(actor, object_type, "view"):
            raise RecordNotFound()
        if action != "view" and not shared_in_scope(actor, object_type, action):
            raise PermissionDenied()
        return
    owner_id = getattr(record, f"{record.OWNER_FIELD}_id", None)
    if not owner_in_scope(actor, owner_id, object_type, "view"):
        raise RecordNotFound()
    if action != "view" and not owner_in_scope(actor, owner_id, object_type, action):
        raise PermissionDenied()


def record_authorize_create(*, actor: Any, object_type: str, owner_id: int | None) -> None:
    """`owner_id=None`: a record of a shared type (no owner), which needs the `create` scope `all`."""
    from crm.core.errors import PermissionDenied
    from crm.core.identity.permissions import owner_in_scope, shared_in_scope

    if actor is None:
        return
    if owner_id is None:
        if not shared_in_scope(actor, object_type, "create"):
            raise PermissionDenied()
        return
    if not owner_in_scope(actor, owner_id, object_type, "create"):
        raise PermissionDenied()


_PK_SLOT = 2_147_483_647  # a pk no record has, replaced in the reversed URL


@functools.lru_cache(maxsize=256)
def _url_pattern(view_name: str, script_prefix: str, urlconf: Any) -> tuple[str, str]:
    url = reverse(view_name, urlconf=urlconf, args=[_PK_SLOT])
    before, _slot, after = url.partition(str(_PK_SLOT))
    return before, after


def record_url(view_name: str, pk: int) -> str:
    """`reverse(view_name, args=[pk])` for a URL whose only argument is an integer pk, reversed once per
    process (list pages link every row to its record: 100 `reverse()` calls were a tenth of a page)."""
    before, after = _url_pattern(view_name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return f"{before}{int(pk)}{after}"
