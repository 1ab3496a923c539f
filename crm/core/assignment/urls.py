from django.urls import path

from crm.core.assignment import views

app_name = "assignment"
urlpatterns = [
    path("settings/assignment/", views.rule_list, name="rule_list"),
    path("settings/assignment/new/", views.rule_create, name="rule_create"),
    path("settings/assignment/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("settings/assignment/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("settings/assignment/<int:pk>/move/", views.rule_move, name="rule_move"),
    path("settings/territories/", views.territory_list, name="territory_list"),
    path("settings/territories/new/", views.territory_create, name="territory_create"),
    path("settings/territories/<int:pk>/", views.territory_edit, name="territory_edit"),
    path("settings/territories/<int:pk>/delete/", views.territory_delete, name="territory_delete"),
]
