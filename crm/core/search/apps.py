from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "crm.core.search"
    label = "search"
    verbose_name = _("Global search")

    def ready(self) -> None:
        from crm.core.api.api import api_router_register

        api_router_register(prefix="", router="crm.core.search.api.router")
