from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "crm.contacts"
    label = "contacts"
    verbose_name = _("Accounts and contacts")

    def ready(self) -> None:
        from crm.contacts.models import Account, AccountLink, Address, Contact, ContactAccount, ContactLink
        from crm.core.api.api import api_router_register
        from crm.core.audit.registry import audit_register
        from crm.core.identity.permissions import object_type_register

        audit_register(
            Account, exclude=("name_key", "territory"), highlight=("owner", "status", "account_type")
        )
        audit_register(Contact, exclude=("full_name", "name_key"), highlight=("owner", "email_consent"))
        audit_register(ContactAccount)
        audit_register(Address)
        audit_register(AccountLink)
        audit_register(ContactLink)
        object_type_register(key="contacts.account", label=_("Accounts"))
        object_type_register(key="contacts.contact", label=_("Contacts"))
        api_router_register(prefix="", router="crm.contacts.api.router")
        api_router_register(prefix="", router="crm.contacts.network_api.router")
        api_router_register(prefix="", router="crm.contacts.duplicates.api.router")
        self._register_network()
        self._register_territories()
        self._register_merge_handlers()
        self._register_ui()

    def _register_network(self) -> None:
        """Roll-ups of the account page, and the record types the assignment rules serve."""
        from crm.contacts.assignment import account_owned_counts, contact_owned_counts
        from crm.contacts.enums import CompanySize, Industry
        from crm.contacts.network import rollup_contacts, rollup_subsidiaries
        from crm.contacts.rollups import rollup_register
        from crm.core.assignment.registry import assignment_target_register

        rollup_register(
            key="contacts.subsidiaries", label=_("Subsidiaries"), compute=rollup_subsidiaries, order=10
        )
        rollup_register(key="contacts.contacts", label=_("People"), compute=rollup_contacts, order=20)
        assignment_target_register(
            key="contacts.account",
            label=_("Accounts"),
            industries=Industry.choices,
            sizes=CompanySize.choices,
            owned_counts=account_owned_counts,
        )
        assignment_target_register(
            key="contacts.contact",
            label=_("Contacts"),
            industries=Industry.choices,
            sizes=CompanySize.choices,
            owned_counts=contact_owned_counts,
        )

    def _register_territories(self) -> None:
        """Territories changed: every account's stored territory is matched again, in a job."""
        from crm.contacts.services.territories import territory_rematch_request
        from crm.core.assignment.events import TerritoriesChanged
        from crm.core.events import subscribe

        def on_territories_changed(event: TerritoriesChanged) -> None:
            territory_rematch_request(reason=f"territory {event.territory_id} {event.action}")

        subscribe(TerritoriesChanged, on_territories_changed)

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
        merge_handler_register(
            key="contacts.typed_links", move=moves.typed_links_move, undo=moves.typed_links_undo
        )

    def _register_ui(self) -> None:
        """Search types, panels, built-in views, navigation and the home panel."""
        from crm.contacts.panels import account_panel_register
        from crm.contacts.search import (
            ACCOUNT_SEARCH,
            CONTACT_SEARCH,
            account_search_hits,
            contact_search_hits,
        )
        from crm.core.identity.permissions import user_can
        from crm.core.search.registry import search_index_register, search_type_register
        from crm.core.ui.navigation import nav_item_register
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
        account_panel_register(
            key="contacts.network", title=_("Network"), url_name="contacts:account_network", order=20
        )
        from crm.core.savedviews.builtins import saved_view_builtin_register

        saved_view_builtin_register(
            object_type="contacts.account", key="mine", name=_("My accounts"), query="owner=me"
        )
        saved_view_builtin_register(
            object_type="contacts.account", key="team", name=_("My team’s accounts"), query="owner=team"
        )
        saved_view_builtin_register(
            object_type="contacts.contact", key="mine", name=_("My contacts"), query="owner=me"
        )
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
