from django.urls import path

from crm.core.audit import views

app_name = "audit"
urlpatterns = [
    path("history/<str:object_type>/<int:object_id>/", views.history, name="history"),
    path("recycle-bin/", views.recycle_bin, name="recycle_bin"),
    path(
        "recycle-bin/<str:object_type>/<int:object_id>/restore/", views.record_restore, name="record_restore"
    ),
    path("recycle-bin/<str:object_type>/<int:object_id>/purge/", views.record_purge, name="record_purge"),
]
