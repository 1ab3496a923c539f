from django.urls import path

from crm.analytics.core import views

app_name = "analytics"

urlpatterns = [
    path("analytics/", views.hub, name="hub"),
    path("analytics/refresh/<slug:kind>/", views.run_status, name="run_status"),
    path("analytics/refresh/<slug:kind>/run/", views.run_request, name="run_request"),
]
