from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from crm.contacts.models import Tag
from crm.core.errors import InvalidInput


def tags_resolve(*, names: Iterable[str]) -> list[Tag]:
    """The tags with these names, creating missing ones (case-insensitive, trimmed)."""
    clean: dict[str, str] = {}
    for name in names:
        text = " ".join(str(name).split())
        if not text:
            continue
        if len(text) > 60:
            raise InvalidInput(field_errors={"tags": [_("A tag has at most 60 characters.")]})
        clean.setdefault(text.lower(), text)
    if len(clean) > 50:
        raise InvalidInput(field_errors={"tags": [_("Use at most 50 tags.")]})
    tags: list[Tag] = []
    for lowered, text in clean.items():
        tag = Tag.objects.filter(name__iexact=lowered).first()
        if tag is None:
            try:
                with transaction.atomic():
                    tag = Tag.objects.create(name=text)
            except IntegrityError:
                tag = Tag.objects.get(name__iexact=lowered)
        tags.append(tag)
    return tags
