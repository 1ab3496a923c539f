from django.urls import path

from crm.core.ui import views

app_name = "ui"
urlpatterns = [
    path("", views.home, name="home"),
    path("language/", views.language_set, name="language"),
    path("styleguide/", views.styleguide, name="styleguide"),
    path("styleguide/inline/<str:name>/", views.styleguide_inline, name="styleguide_inline"),
    path("styleguide/record/", views.styleguide_record, name="styleguide_record"),
    path("styleguide/toast/", views.styleguide_toast, name="styleguide_toast"),
    path("styleguide/panel/<str:name>/", views.styleguide_panel, name="styleguide_panel"),
]
