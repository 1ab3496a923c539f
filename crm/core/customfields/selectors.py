from __future__ import annotations

from django.db.models import QuerySet

from crm.core.customfields.models import CustomFieldDefinition
from crm.core.listing import CustomFieldInfo


def custom_field_list(
    *, object_type: str | None = None, include_inactive: bool = False
) -> list[CustomFieldDefinition]:
    qs: QuerySet[CustomFieldDefinition] = CustomFieldDefinition.objects.all()
    if object_type:
        qs = qs.filter(object_type=object_type)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("object_type", "position", "id"))


def custom_field_get(*, pk: int) -> CustomFieldDefinition | None:
    return CustomFieldDefinition.objects.filter(pk=pk).first()


def custom_field_infos(*, object_type: str) -> list[CustomFieldInfo]:
    """What the list engine needs to filter on an object's custom fields."""
    return [
        CustomFieldInfo(key=d.key, field_type=d.field_type, choice_values=tuple(d.choice_values))
        for d in custom_field_list(object_type=object_type)
    ]
