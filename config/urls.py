from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("support-admin/", admin.site.urls),
    path("api/", include("crm.core.api.urls")),
    path("", include("crm.core.identity.urls")),
    path("", include("crm.core.audit.urls")),
    path("", include("crm.core.customfields.urls")),
    path("", include("crm.core.savedviews.urls")),
    path("", include("crm.core.assignment.urls")),
    path("", include("crm.core.search.urls")),
    path("", include("crm.contacts.urls")),
    path("", include("crm.activities.urls")),
    path("", include("crm.catalog.urls")),
    path("", include("crm.leads.urls")),
    path("", include("crm.sales.urls")),
    path("", include("crm.analytics.core.urls")),
    path("", include("crm.analytics.customers.urls")),
    path("", include("crm.analytics.clv.urls")),
    path("", include("crm.analytics.predict.urls")),
    path("", include("crm.analytics.pivot.urls")),
    path("", include("crm.analytics.dashboards.urls")),
    path("", include("crm.integrations.dataio.urls")),
    path("", include("crm.core.ui.urls")),
]
