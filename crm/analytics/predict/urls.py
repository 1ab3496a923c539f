from django.urls import path

from crm.analytics.predict import views

app_name = "analytics_predict"

urlpatterns = [
    path("analytics/churn/", views.churn, name="churn"),
    path("analytics/lead-scoring/", views.lead_scoring, name="lead_scoring"),
    path("analytics/sales-forecast/", views.sales_forecast, name="sales_forecast"),
]
