from django.urls import path

from crm.analytics.clv import views

app_name = "analytics_clv"

urlpatterns = [
    path("analytics/clv/", views.clv_page, name="page"),
]
