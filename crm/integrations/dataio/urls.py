from django.urls import path

from crm.integrations.dataio import views

app_name = "dataio"

urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/mapping/", views.import_mapping, name="import_mapping"),
    path("imports/<int:pk>/preview/", views.import_preview, name="import_preview"),
    path("imports/<int:pk>/start/", views.import_start, name="import_start"),
    path("imports/<int:pk>/resume/", views.import_resume, name="import_resume"),
    path("imports/<int:pk>/revert/", views.import_revert, name="import_revert"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:pk>/report.csv", views.import_report, name="import_report"),
    path("imports/<int:pk>/changes.csv", views.import_changes, name="import_changes"),
    path("exports/<str:object_type>/", views.export, name="export"),
    path("exports/job/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/job/<int:pk>/download/", views.export_download, name="export_download"),
    path("contacts/<int:pk>/vcard/", views.contact_vcard, name="contact_vcard"),
]
