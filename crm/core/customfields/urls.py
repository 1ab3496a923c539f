from django.urls import path

from crm.core.customfields import views

app_name = "customfields"
urlpatterns = [
    path("settings/fields/", views.field_list, name="field_list"),
    path("settings/fields/new/", views.field_create, name="field_create"),
    path("settings/fields/<int:pk>/", views.field_edit, name="field_edit"),
    path("settings/fields/<int:pk>/deactivate/", views.field_deactivate, name="field_deactivate"),
]
