"""How audit entries read on screen: each field's translated name and its old → new values as people say them.

Stored entries keep raw values (ids, choice keys, ISO dates); the labels are resolved here, when shown, so a
history reads in the viewer's language and follows renamed labels.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from crm.core.audit.enums import AuditAction, Source
from crm.core.audit.models import AuditEntry

EMPTY = "—"


@dataclass(frozen=True)
class ChangeLine:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryItem:
    entry: AuditEntry
    action: str
    action_label: str
    source_label: str
    changes: list[ChangeLine]

    @property
    def actor(self) -> Any:
        return self.entry.actor

    @property
    def at(self) -> dt.datetime:
        return self.entry.at

    @property
    def reason(self) -> str:
        return self.entry.reason


def _yes_no(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    return _("Yes") if value else _("No")


def _date(value: Any, *, with_time: bool) -> str:
    if value in (None, ""):
        return EMPTY
    text = str(value)
    if with_time:
        parsed = parse_datetime(text)
        if parsed is not None:
            if timezone.is_aware(parsed):
                parsed = timezone.localtime(parsed)
            return formats.date_format(parsed, "DATETIME_FORMAT")
    parsed_date = parse_date(text[:10])
    return formats.date_format(parsed_date, "DATE_FORMAT") if parsed_date else text


def _plain(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, int | float):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    return str(value)


def _field_value(field: models.Field[Any, Any] | None, value: Any) -> str:
    if field is None:
        return _plain(value)
    if isinstance(field, models.BooleanField):
        return _yes_no(value)
    if field.choices:
        labels = {str(k): str(v) for k, v in field.flatchoices}
        if isinstance(value, list):
            return ", ".join(labels.get(str(v), str(v)) for v in value) or EMPTY
        return labels.get(str(value), str(value)) if value not in (None, "") else EMPTY
    if isinstance(field, models.DateTimeField):
        return _date(value, with_time=True)
    if isinstance(field, models.DateField):
        return _date(value, with_time=False)
    return _plain(value)


class _CustomFields:
    """The object's custom field definitions (inactive ones too: old entries may name them), loaded once."""

    def __init__(self, object_type: str, entries: list[AuditEntry]) -> None:
        self.definitions: dict[str, Any] = {}
        self.user_names: dict[int, str] = {}
        has_custom = any(
            str(c.get("field", "")).startswith("custom.") for e in entries for c in e.changes or []
        )
        if not has_custom:
            return
        from crm.core.customfields.selectors import custom_field_list

        self.definitions = {
            d.key: d for d in custom_field_list(object_type=object_type, include_inactive=True)
        }
        user_ids: set[int] = set()
        for e in entries:
            for c in e.changes or []:
                key = str(c.get("field", "")).removeprefix("custom.")
                d = self.definitions.get(key)
                if d is not None and d.field_type == "user":
                    user_ids.update(int(v) for v in (c.get("old"), c.get("new")) if isinstance(v, int))
        if user_ids:
            from crm.core.identity.selectors import user_names

            self.user_names = user_names(ids=sorted(user_ids))

    def label(self, key: str, language: str) -> str:
        d = self.definitions.get(key)
        return d.label_for(language) if d is not None else key

    def value(self, key: str, value: Any, language: str) -> str:
        d = self.definitions.get(key)
        if d is None or value is None or value == "" or value == []:
            return _plain(value)
        if d.field_type == "choice":
            return d.choice_label(str(value), language)
        if d.field_type == "multi_choice":
            values = value if isinstance(value, list) else [value]
            return ", ".join(d.choice_label(str(v), language) for v in values)
        if d.field_type == "boolean":
            return _yes_no(value)
        if d.field_type == "date":
            return _date(value, with_time=False)
        if d.field_type == "user":
            return self.user_names.get(value, f"#{value}") if isinstance(value, int) else _plain(value)
        return _plain(value)


def _change_line(
    model: type[models.Model], change: dict[str, Any], customs: _CustomFields, language: str
) -> ChangeLine:
    name = str(change.get("field", ""))
    old, new = change.get("old"), change.get("new")
    if name.startswith("custom."):
        key = name.removeprefix("custom.")
        return ChangeLine(
            field=name,
            label=customs.label(key, language),
            old=customs.value(key, old, language),
            new=customs.value(key, new, language),
        )
    try:
        field: Any = model._meta.get_field(name)
    except FieldDoesNotExist:
        field = None
    label = str(getattr(field, "verbose_name", "") or name.replace("_", " "))
    label = label[:1].upper() + label[1:]
    if field is not None and field.is_relation and not field.many_to_many:
        old_text = change.get("old_repr") or (f"#{old}" if old is not None else EMPTY)
        new_text = change.get("new_repr") or (f"#{new}" if new is not None else EMPTY)
        return ChangeLine(field=name, label=label, old=str(old_text), new=str(new_text))
    return ChangeLine(field=name, label=label, old=_field_value(field, old), new=_field_value(field, new))


def history_items(*, model: type[models.Model], entries: list[AuditEntry]) -> list[HistoryItem]:
    """Entries of one record (of `model`) → what the history panel shows."""
    language = translation.get_language() or "en"
    customs = _CustomFields(model._meta.label_lower, entries)
    actions = dict(AuditAction.choices)
    sources = dict(Source.choices)
    items = []
    for entry in entries:
        changes = [
            _change_line(model, c, customs, language) for c in entry.changes or [] if isinstance(c, dict)
        ]
        items.append(
            HistoryItem(
                entry=entry,
                action=entry.action,
                action_label=str(actions.get(entry.action, entry.action)),
                source_label=str(sources.get(entry.source, entry.source)),
                changes=changes,
            )
        )
    return items
