from django.urls import path, re_path

from crm.core.api.api import api
from crm.core.api.errors import not_found_view

urlpatterns = [
    path("v1/", api.urls),
    re_path(r"^(?P<path>.*)$", not_found_view),
]
