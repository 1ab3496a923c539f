from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomFieldsConfig(AppConfig):
    name = "crm.core.customfields"
    label = "customfields"
    verbose_name = _("Custom fields")

    def ready(self) -> None:
        from crm.core.audit.registry import audit_register
        from crm.core.customfields.models import CustomFieldDefinition

        audit_register(CustomFieldDefinition)
