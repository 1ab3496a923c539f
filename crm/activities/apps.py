from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "crm.activities"
    label = "activities"
    verbose_name = _("Activities and timeline")

    def ready(self) -> None:
        from crm.activities import handlers
        from crm.activities.models import Activity
        from crm.activities.timeline import register_builtin_sources
        from crm.contacts.events import AccountDeleted, ContactDeleted
        from crm.core.api.api import api_router_register
        from crm.core.audit.registry import audit_register
        from crm.core.events import subscribe
        from crm.core.identity.permissions import object_type_register, user_can

        audit_register(Activity, highlight=("is_done", "owner"))
        object_type_register(key="activities.activity", label=_("Activities"))
        subscribe(AccountDeleted, handlers.on_account_deleted)
        subscribe(ContactDeleted, handlers.on_contact_deleted)
        register_builtin_sources()
        from crm.activities.selectors import activity_open_count_for_accounts
        from crm.contacts.rollups import rollup_register

        rollup_register(
            key="activities.open",
            label=_("Open activities"),
            compute=activity_open_count_for_accounts,
            order=30,
            is_visible=lambda user: user_can(user, "activities.activity", "view"),
        )
        self._register_merge_handler()
        api_router_register(prefix="", router="crm.activities.api.router")
        try:
            from crm.core.ui.panels import home_panel_register
        except ImportError:  # the UI shell is optional for the domain code
            return
        home_panel_register(
            key="activities.my_open_tasks",
            title=_("My open tasks"),
            url_name="activities:my_tasks_panel",
            order=10,
            is_visible=lambda user: user_can(user, "activities.activity", "view"),
        )

    def _register_merge_handler(self) -> None:
        """Activities (and meeting attendance) follow their record into the survivor of a merge."""
        from crm.activities.services import activities_merge_move, activities_merge_undo
        from crm.contacts.merging import merge_handler_register

        merge_handler_register(key="activities", move=activities_merge_move, undo=activities_merge_undo)
