from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("support-admin/", admin.site.urls),
    path("", include("crm.core.ui.urls")),
]
