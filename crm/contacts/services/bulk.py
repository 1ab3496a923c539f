from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from crm.core.errors import InvalidInput, PermissionDenied, RecordNotFound

BULK_LIMIT = 1000


def bulk_apply(*, model: type[models.Model], ids: Iterable[int], fn: Callable[[Any], Any]) -> tuple[int, int]:
    """Apply `fn` to each record; those the actor may not touch are skipped. Returns (done, skipped)."""
    try:
        unique = list(dict.fromkeys(int(i) for i in ids))
    except (TypeError, ValueError):
        raise InvalidInput(field_errors={"ids": [_("Select records by their numeric ids.")]}) from None
    if len(unique) > BULK_LIMIT:
        raise InvalidInput(field_errors={"ids": [_("Select at most %(n)s records.") % {"n": BULK_LIMIT}]})
    done = 0
    for record in model._default_manager.filter(pk__in=unique).order_by("pk"):
        try:
            fn(record)
            done += 1
        except (RecordNotFound, PermissionDenied):
            continue
    return done, len(unique) - done
