from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "crm.leads"
    label = "leads"
    verbose_name = _("Leads")

    def ready(self) -> None:
        from crm.activities.timeline import timeline_subject_register
        from crm.core.api.api import api_router_register
        from crm.core.assignment.registry import assignment_target_register
        from crm.core.audit.registry import audit_register
        from crm.core.identity.permissions import object_type_register
        from crm.core.savedviews.builtins import saved_view_builtin_register
        from crm.core.ui.navigation import nav_item_register
        from crm.leads.models import Lead
        from crm.leads.selectors import lead_exists_visible
        from crm.leads.services.leads import lead_owned_counts

        # the stage timestamps follow the status change the audit already shows
        audit_register(
            Lead,
            exclude=(
                "full_name",
                "contacted_at",
                "qualified_at",
                "disqualified_at",
                "converted_at",
                "consent_at",
                "score",
                "score_factors",
                "scored_at",
            ),
            highlight=("owner", "status", "disqualified_reason"),
        )
        object_type_register(key="leads.lead", label=_("Leads"))
        assignment_target_register(
            key="leads.lead", label=_("Leads"), owned_counts=lead_owned_counts, scored=True
        )
        timeline_subject_register("leads.lead", lambda user, pk: lead_exists_visible(user=user, pk=pk))
        from crm.activities.timeline import activity_subject_register

        activity_subject_register("leads.lead")  # calls, notes, tasks and meetings are logged on a lead
        api_router_register(prefix="", router="crm.leads.api.router")
        from crm.core.search.registry import search_index_register, search_type_register
        from crm.leads.search import LEAD_SEARCH, lead_search_hits

        search_index_register(LEAD_SEARCH)
        search_type_register(
            key="leads.lead", label=_("Leads"), provider=lead_search_hits, order=30, icon="funnel"
        )
        saved_view_builtin_register(
            object_type="leads.lead", key="mine", name=_("My leads"), query="owner=me"
        )
        saved_view_builtin_register(
            object_type="leads.lead", key="open", name=_("Open leads"), query="status=new,contacted,qualified"
        )
        nav_item_register(
            key="leads.leads",
            label=_("Leads"),
            url_name="leads:lead_list",
            icon="funnel",
            order=5,
            object_type="leads.lead",
        )
        nav_item_register(
            key="leads.funnel",
            label=_("Lead funnel"),
            url_name="leads:lead_funnel",
            icon="chart-bar",
            order=39,
            object_type="leads.lead",
        )
        from crm.core.identity.permissions import user_can
        from crm.core.ui.panels import home_panel_register

        home_panel_register(
            key="leads.my_open",
            title=_("My open leads"),
            url_name="leads:home_my_leads",
            order=20,
            is_visible=lambda user: user_can(user, "leads.lead", "view"),
        )
        nav_item_register(
            key="admin.webform",
            label=_("Web-to-lead form"),
            url_name="leads:webform_admin",
            icon="globe-alt",
            section="admin",
            order=70,
        )
