from django.urls import path

from crm.analytics.customers import views

app_name = "analytics_customers"

urlpatterns = [
    path("analytics/pareto/", views.pareto, name="pareto"),
    path("analytics/rfm/", views.rfm, name="rfm"),
    path("analytics/cohorts/", views.cohorts, name="cohorts"),
]
