"""Custom field definitions, and validation of the values records carry for them."""

from __future__ import annotations

import datetime as dt
import decimal
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from crm.core.customfields.enums import FieldType
from crm.core.customfields.models import CustomFieldDefinition
from crm.core.customfields.selectors import custom_field_list
from crm.core.errors import InvalidInput, PermissionDenied, RecordNotFound
from crm.core.identity.permissions import object_types, user_is_admin

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


def _clean_one(definition: CustomFieldDefinition, raw: Any) -> Any:
    """One value → its stored form; raises ValueError with a translated message."""
    if raw is None or raw == "" or raw == []:
        return None
    ft = definition.field_type
    if ft == FieldType.TEXT:
        value = str(raw).strip()
        if len(value) > 1000:
            raise ValueError(_("Use at most 1,000 characters."))
        return value or None
    if ft in (FieldType.NUMBER, FieldType.MONEY):
        if isinstance(raw, bool):
            raise ValueError(_("Enter a number."))
        try:
            number = decimal.Decimal(str(raw).strip().replace(",", ".") if isinstance(raw, str) else str(raw))
        except decimal.InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
        if not number.is_finite() or abs(number) >= decimal.Decimal("1e15"):
            raise ValueError(_("Enter a number."))
        if ft == FieldType.MONEY:
            return float(number.quantize(decimal.Decimal("0.01")))
        return int(number) if number == number.to_integral_value() else float(number)
    if ft == FieldType.DATE:
        if isinstance(raw, dt.date):
            return raw.isoformat()
        try:
            return dt.date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None
    if ft == FieldType.CHOICE:
        value = str(raw)
        if value not in definition.choice_values:
            raise ValueError(_("“%(value)s” is not one of the choices.") % {"value": value})
        return value
    if ft == FieldType.MULTI_CHOICE:
        values = raw if isinstance(raw, list | tuple) else [v for v in str(raw).split(",") if v]
        values = [str(v).strip() for v in values]
        unknown = [v for v in values if v not in definition.choice_values]
        if unknown:
            raise ValueError(_("“%(value)s” is not one of the choices.") % {"value": unknown[0]})
        return sorted(set(values), key=definition.choice_values.index) or None
    if ft == FieldType.BOOLEAN:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in {"1", "true", "yes", "on", "sí", "si"}:
            return True
        if text in {"0", "false", "no", "off"}:
            return False
        raise ValueError(_("Enter yes or no."))
    if ft == FieldType.USER:
        from crm.core.identity.selectors import user_exists

        try:
            user_id = int(raw)
        except (TypeError, ValueError):
            raise ValueError(_("Choose a user.")) from None
        if not user_exists(pk=user_id):
            raise ValueError(_("Choose a user."))
        return user_id
    if ft == FieldType.URL:
        value = str(raw).strip()
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise ValueError(_("Enter a valid URL starting with http:// or https://.")) from None
        return value
    raise ValueError(_("Unknown field type."))


def custom_values_clean(
    *, object_type: str, values: dict[str, Any] | None, existing: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Validate `values` against the object's definitions and merge them over `existing`.

    Unknown keys and invalid values raise InvalidInput naming each field (`custom.<key>`).
    """
    definitions = {d.key: d for d in custom_field_list(object_type=object_type)}
    result = dict(existing or {})
    errors: dict[str, list[str]] = {}
    for key, raw in (values or {}).items():
        definition = definitions.get(key)
        if definition is None:
            errors[f"custom.{key}"] = [_("There is no custom field “%(key)s”.") % {"key": key}]
            continue
        try:
            cleaned = _clean_one(definition, raw)
        except ValueError as exc:
            errors[f"custom.{key}"] = [str(exc)]
            continue
        if cleaned is None:
            result.pop(key, None)
        else:
            result[key] = cleaned
    for key, definition in definitions.items():
        missing = (
            definition.is_required and result.get(key) in (None, "", []) and f"custom.{key}" not in errors
        )
        if missing and (existing is None or key in (values or {}) or key not in (existing or {})):
            errors[f"custom.{key}"] = [_("This field is required.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    return result


def _check_definition(
    *, object_type: str, key: str, label: str, field_type: str, choices: list[dict[str, Any]]
) -> None:
    errors: dict[str, list[str]] = {}
    if object_type not in {t.key for t in object_types() if t.has_custom_fields}:
        errors["object_type"] = [_("Choose an object type.")]
    if not KEY_RE.match(key or ""):
        errors["key"] = [_("Use lower-case letters, digits and underscores, starting with a letter.")]
    if not (label or "").strip():
        errors["label"] = [_("This field is required.")]
    if field_type not in FieldType.values:
        errors["field_type"] = [_("Choose a field type.")]
    if field_type in (FieldType.CHOICE, FieldType.MULTI_CHOICE):
        values = [str(c.get("value", "")).strip() for c in choices]
        if not values or any(not v for v in values):
            errors["choices"] = [_("Give at least one choice, each with a value.")]
        elif len(set(values)) != len(values):
            errors["choices"] = [_("Each choice needs a different value.")]
    if errors:
        raise InvalidInput(field_errors=errors)


def _require_admin(actor: Any) -> None:
    if not user_is_admin(actor):
        raise PermissionDenied()


def parse_choices(text: str) -> list[dict[str, str]]:
    """`value|English label|Spanish label` per line → the stored list."""
    choices = []
    for line in (text or "").splitlines():
        parts = [p.strip() for p in line.split("|")]
        if not parts or not parts[0]:
            continue
        choices.append(
            {
                "value": parts[0],
                "label": parts[1] if len(parts) > 1 and parts[1] else parts[0],
                "label_es": parts[2] if len(parts) > 2 else "",
            }
        )
    return choices


@transaction.atomic
def custom_field_create(
    *,
    actor: Any,
    object_type: str,
    key: str,
    label: str,
    field_type: str,
    label_es: str = "",
    choices: list[dict[str, Any]] | None = None,
    is_required: bool = False,
    help_text: str = "",
    position: int = 0,
) -> CustomFieldDefinition:
    _require_admin(actor)
    choices = choices or []
    _check_definition(object_type=object_type, key=key, label=label, field_type=field_type, choices=choices)
    if CustomFieldDefinition.objects.filter(object_type=object_type, key=key).exists():
        raise InvalidInput(field_errors={"key": [_("This object already has a field with this key.")]})
    return CustomFieldDefinition.objects.create(
        object_type=object_type,
        key=key,
        label=label.strip(),
        label_es=label_es.strip(),
        field_type=field_type,
        choices=choices if field_type in (FieldType.CHOICE, FieldType.MULTI_CHOICE) else [],
        is_required=is_required,
        help_text=help_text,
        position=position,
    )


UPDATABLE = frozenset({"label", "label_es", "choices", "is_required", "help_text", "position", "is_active"})


@transaction.atomic
def custom_field_update(*, actor: Any, pk: int, **changes: Any) -> CustomFieldDefinition:
    _require_admin(actor)
    definition = CustomFieldDefinition.objects.select_for_update().filter(pk=pk).first()
    if definition is None:
        raise RecordNotFound()
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise InvalidInput(field_errors={k: [_("This field cannot be changed.")] for k in sorted(unknown)})
    for name, value in changes.items():
        setattr(definition, name, value)
    _check_definition(
        object_type=definition.object_type,
        key=definition.key,
        label=definition.label,
        field_type=definition.field_type,
        choices=definition.choices or [],
    )
    definition.save()
    return definition


@transaction.atomic
def custom_field_deactivate(*, actor: Any, pk: int) -> CustomFieldDefinition:
    return custom_field_update(actor=actor, pk=pk, is_active=False)
