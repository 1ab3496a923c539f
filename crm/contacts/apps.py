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

        audit_register(Account, exclude=("name_key",), highlight=("owner", "status", "account_type"))
        audit_register(Contact, exclude=("full_name", "name_key"), highlight=("owner", "email_consent"))
        audit_register(ContactAccount)
        audit_register(Address)
        object_type_register(key="contacts.account", label=_("Accounts"))
        object_type_register(key="contacts.contact", label=_("Contacts"))
        api_router_register(prefix="", router="crm.contacts.api.router")
        api_router_register(prefix="", router="crm.contacts.duplicates.api.router")
        self._register_merge_handlers()
        self._register_ui()

    def _register_merge_handlers(self) -> None:
        """What follows the survivor of a merge from contacts itself (other apps register theirs)."""
        from crm.contacts.merging import merge_handler_register
        from crm.contacts.services import merge_moves as moves

        merge_handler_register(
            key="contacts.memberships", move=moves.memberships_move, undo=moves.memberships_undo
        )
        merge_handler_register(key="contacts.addresses", move=moves.addresses_move, undo=moves.addresses_undo)
        merge_handler_register(key="contacts.tags", move=moves.tags_move, undo=moves.tags_undo)
        merge_handler_register(
            key="contacts.account_links",
            move=moves.account_links_move,
            undo=moves.account_links_undo,
            object_types=("accounts",),
        )

    def _register_ui(self) -> None:
        """Quick-find providers and the home panel (the sidebar entries are registered by crm.core.ui)."""
        from crm.contacts.views.search import account_quick_find, contact_quick_find
        from crm.core.identity.permissions import user_can
        from crm.core.ui.navigation import nav_item_register
        from crm.core.ui.panels import home_panel_register
        from crm.core.ui.search import quick_find_register

        quick_find_register(_("Accounts"), account_quick_find, order=10, key="contacts.accounts")
        quick_find_register(_("Contacts"), contact_quick_find, order=20, key="contacts.contacts")
        nav_item_register(
            key="contacts.duplicates",
            label=_("Duplicates"),
            url_name="contacts:duplicate_queue",
            icon="document-duplicate",
            order=25,
            object_type="contacts.contact",
        )
        home_panel_register(
            key="contacts.recent_accounts",
            title=_("Recently updated accounts"),
            url_name="contacts:home_recent_accounts",
            order=30,
            is_visible=lambda user: user_can(user, "contacts.account", "view"),
        )
