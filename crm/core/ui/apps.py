from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UiConfig(AppConfig):
    name = "crm.core.ui"
    label = "ui"
    verbose_name = _("User interface")

    def ready(self) -> None:
        from crm.core.ui.navigation import nav_item_register

        # The built-in sidebar. Apps may replace an entry by registering the same key from their ready().
        # Only URL names are referenced here, so the lower layer never imports the apps above it.
        main = [
            ("home", _("Home"), "ui:home", "home", None),
            ("accounts", _("Accounts"), "contacts:account_list", "building-office-2", "contacts.account"),
            ("contacts", _("Contacts"), "contacts:contact_list", "users", "contacts.contact"),
            (
                "activities",
                _("Activities"),
                "activities:activity_list",
                "calendar-days",
                "activities.activity",
            ),
        ]
        for order, (key, label, url_name, icon, object_type) in enumerate(main):
            nav_item_register(
                key=key, label=label, url_name=url_name, icon=icon, order=order * 10, object_type=object_type
            )
        admin = [
            ("admin.users", _("Users"), "identity:user_list", "user-circle"),
            ("admin.teams", _("Teams"), "identity:team_list", "user-group"),
            ("admin.roles", _("Roles"), "identity:role_list", "shield-check"),
            ("admin.customfields", _("Custom fields"), "customfields:field_list", "adjustments-horizontal"),
            ("admin.recyclebin", _("Recycle bin"), "audit:recycle_bin", "trash"),
        ]
        for order, (key, label, url_name, icon) in enumerate(admin):
            nav_item_register(
                key=key, label=label, url_name=url_name, icon=icon, section="admin", order=order * 10
            )
