from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentConfig(AppConfig):
    name = "crm.core.assignment"
    label = "assignment"
    verbose_name = _("Territories and assignment rules")

    def ready(self) -> None:
        from crm.core.api.api import api_router_register
        from crm.core.assignment.models import AssignmentRule, Territory
        from crm.core.audit.registry import audit_register
        from crm.core.ui.navigation import nav_item_register

        audit_register(Territory)
        audit_register(AssignmentRule, exclude=("last_user",))
        api_router_register(prefix="", router="crm.core.assignment.api.router")
        nav_item_register(
            key="assignment.rules",
            label=_("Assignment rules"),
            url_name="assignment:rule_list",
            icon="arrows-right-left",
            section="admin",
            order=40,
        )
        nav_item_register(
            key="assignment.territories",
            label=_("Territories"),
            url_name="assignment:territory_list",
            icon="map",
            section="admin",
            order=45,
        )
