from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "crm.activities"
    label = "activities"
    verbose_name = _("Activities and timeline")

    def ready(self) -> None:
        from crm.activities.models import Activity
        from crm.core.audit.registry import audit_register
        from crm.core.identity.permissions import object_type_register

        audit_register(Activity, highlight=("is_done", "owner"))
        object_type_register(key="activities.activity", label=_("Activities"))
