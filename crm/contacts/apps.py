from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "crm.contacts"
    label = "contacts"
    verbose_name = _("Accounts and contacts")

    def ready(self) -> None:
        from crm.contacts.models import Account, Address, Contact, ContactAccount
        from crm.core.api.api import api_router_register
        from crm.core.audit.registry import audit_register
        from crm.core.identity.permissions import object_type_register

        audit_register(Account, highlight=("owner", "status", "account_type"))
        audit_register(Contact, exclude=("full_name",), highlight=("owner", "email_consent"))
        audit_register(ContactAccount)
        audit_register(Address)
        object_type_register(key="contacts.account", label=_("Accounts"))
        object_type_register(key="contacts.contact", label=_("Contacts"))
        api_router_register(prefix="", router="crm.contacts.api.router")
        self._register_ui()

    def _register_ui(self) -> None:
        """Search types and the home panel (the sidebar entries are registered by crm.core.ui)."""
        from crm.contacts.search import (
            ACCOUNT_SEARCH,
            CONTACT_SEARCH,
            account_search_hits,
            contact_search_hits,
        )
        from crm.core.identity.permissions import user_can
        from crm.core.search.registry import search_index_register, search_type_register
        from crm.core.ui.panels import home_panel_register

        search_index_register(ACCOUNT_SEARCH)
        search_index_register(CONTACT_SEARCH)
        search_type_register(
            key="contacts.account",
            label=_("Accounts"),
            provider=account_search_hits,
            order=10,
            icon="building-office-2",
        )
        search_type_register(
            key="contacts.contact", label=_("Contacts"), provider=contact_search_hits, order=20, icon="users"
        )
        home_panel_register(
            key="contacts.recent_accounts",
            title=_("Recently updated accounts"),
            url_name="contacts:home_recent_accounts",
            order=30,
            is_visible=lambda user: user_can(user, "contacts.account", "view"),
        )
