from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataIOConfig(AppConfig):
    name = "crm.integrations.dataio"
    label = "dataio"
    verbose_name = _("Import and export")

    def ready(self) -> None:
        from crm.core.api.api import api_router_register
        from crm.core.audit.registry import audit_register
        from crm.core.identity.permissions import user_can
        from crm.core.ui.navigation import nav_item_register
        from crm.integrations.dataio.models import ImportJob

        # One audit entry when an import is created and one per committed batch (its counts and cursor move),
        # with source "import": the trail shows that an import happened and what it did, without a million rows.
        audit_register(ImportJob, exclude=("mapping", "options", "error", "file"))
        api_router_register(prefix="", router="crm.integrations.dataio.api.router")
        nav_item_register(
            key="dataio.imports",
            label=_("Import"),
            url_name="dataio:import_list",
            icon="arrow-up-tray",
            order=80,
            is_visible=lambda user: any(
                user_can(user, t, "create")
                for t in ("contacts.contact", "contacts.account", "activities.activity")
            ),
        )
