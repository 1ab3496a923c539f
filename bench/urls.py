from django.urls import include, path

from bench import baseline

urlpatterns = [
    path("bench/baseline/contacts", baseline.contacts_values),
    path("", include("config.urls")),
]
