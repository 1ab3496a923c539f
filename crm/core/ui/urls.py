from django.urls import path

from crm.core.ui import views

app_name = "ui"
urlpatterns = [path("", views.home, name="home")]
