from django.urls import path

from crm.leads import views

app_name = "leads"
urlpatterns = [
    path("leads/", views.lead_list, name="lead_list"),
    path("leads/new/", views.lead_create, name="lead_create"),
    path("leads/bulk/", views.lead_bulk, name="lead_bulk"),
    path("leads/funnel/", views.lead_funnel, name="lead_funnel"),
    path("leads/web-form/", views.webform_admin, name="webform_admin"),
    path("leads/mine/", views.lead_home_panel, name="home_my_leads"),
    path("leads/<int:pk>/", views.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/edit/", views.lead_update, name="lead_update"),
    path("leads/<int:pk>/fields/<str:key>/", views.lead_field, name="lead_field"),
    path("leads/<int:pk>/owner/", views.lead_owner, name="lead_owner"),
    path("leads/<int:pk>/delete/", views.lead_delete, name="lead_delete"),
    path("leads/<int:pk>/move/<str:step>/", views.lead_move, name="lead_move"),
    path("leads/<int:pk>/disqualify/", views.lead_disqualify, name="lead_disqualify"),
    path("leads/<int:pk>/convert/", views.lead_convert, name="lead_convert"),
    # public: no login, CSRF-exempt POST (the embeddable snippet posts here)
    path("forms/lead/", views.web_lead_form, name="web_lead_form"),
    path("forms/lead/thanks/", views.web_lead_thanks, name="web_lead_thanks"),
]
