from django.urls import path

from crm.activities import views

app_name = "activities"
urlpatterns = [
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/complete/", views.activity_complete, name="activity_complete"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("activities/my-tasks/", views.my_tasks_panel, name="my_tasks_panel"),
    path("timeline/<str:object_type>/<int:object_id>/", views.timeline, name="timeline"),
    path("timeline/<str:object_type>/<int:object_id>/log/", views.composer, name="composer"),
    path(
        "timeline/<str:object_type>/<int:object_id>/activity/", views.record_activity, name="record_activity"
    ),
]
