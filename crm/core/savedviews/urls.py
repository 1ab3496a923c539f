from django.urls import path

from crm.core.savedviews import views

app_name = "savedviews"
urlpatterns = [
    path("views/save/", views.saved_view_create, name="saved_view_create"),
    path("views/<int:pk>/delete/", views.saved_view_delete, name="saved_view_delete"),
]
