from django.urls import path

from crm.analytics.dashboards import views

app_name = "analytics_dashboards"

urlpatterns = [
    path("dashboards/", views.dashboard_list, name="dashboard_list"),
    path("dashboards/home/", views.home_panel, name="home_panel"),
    path("dashboards/<int:pk>/", views.dashboard_detail, name="dashboard_detail"),
    path("dashboards/<int:pk>/copy/", views.dashboard_copy, name="dashboard_copy"),
    path("dashboards/<int:pk>/edit/", views.dashboard_edit, name="dashboard_edit"),
    path("dashboards/<int:pk>/delete/", views.dashboard_delete, name="dashboard_delete"),
    path("dashboards/<int:pk>/widgets/<int:index>/", views.widget_fragment, name="widget"),
]
