from __future__ import annotations

from django.db.models import QuerySet

from crm.core.customfields.models import CustomFieldDefinition


def custom_field_list(*, object_type: str | None = None, include_inactive: bool = False) -> list[CustomFieldDefinition]:
    qs: QuerySet[CustomFieldDefinition] = CustomFieldDefinition.objects.all()
    if object_type:
        qs = qs.filter(object_type=object_type)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("object_type", "position", "id"))


def custom_field_get(*, pk: int) -> CustomFieldDefinition | None:
    return CustomFieldDefinition.objects.filter(pk=pk).first()
