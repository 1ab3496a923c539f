from django.urls import path

from crm.analytics.pivot import views

app_name = "analytics_pivot"

urlpatterns = [
    path("analytics/pivot/", views.builder, name="builder"),
    path("analytics/pivot/records/", views.records, name="records"),
    path("analytics/pivot/filter-row/", views.filter_row, name="filter_row"),
    path("analytics/pivot/export/", views.export, name="export"),
    path("analytics/pivot/reports/", views.report_save, name="report_save"),
    path("analytics/pivot/reports/<int:pk>/delete/", views.report_delete, name="report_delete"),
    path("analytics/pivot/reports/<int:pk>/schedule/", views.report_schedule, name="report_schedule"),
]
