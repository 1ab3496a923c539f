from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "crm.core.audit"
    label = "audit"
    verbose_name = _("Audit and recycle bin")

    def ready(self) -> None:
        from crm.core.audit import receivers

        receivers.connect()
