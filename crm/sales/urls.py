from django.urls import path

from crm.sales import views

app_name = "sales"
urlpatterns = [
    path("pipeline/", views.board, name="board"),
    path("pipeline/<int:pipeline_id>/", views.board, name="pipeline_board"),
    path("pipeline/<int:pipeline_id>/stages/<int:stage_id>/cards/", views.board_column, name="board_column"),
    path("pipeline/<int:pipeline_id>/new/", views.opportunity_create, name="opportunity_create_in"),
    path("opportunities/", views.opportunity_list, name="opportunity_list"),
    path("opportunities/new/", views.opportunity_create, name="opportunity_create"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="opportunity_detail"),
    path("opportunities/<int:pk>/edit/", views.opportunity_update, name="opportunity_update"),
    path("opportunities/<int:pk>/fields/<str:key>/", views.opportunity_field, name="opportunity_field"),
    path("opportunities/<int:pk>/move/", views.opportunity_move, name="opportunity_move"),
    path("opportunities/<int:pk>/stage/", views.opportunity_stage, name="opportunity_stage"),
    path("opportunities/<int:pk>/won/", views.opportunity_won, name="opportunity_won"),
    path("opportunities/<int:pk>/lost/", views.opportunity_lost, name="opportunity_lost"),
    path("opportunities/<int:pk>/delete/", views.opportunity_delete, name="opportunity_delete"),
    # insight: the forecast, the lifecycle view, quotas
    path("forecast/", views.forecast, name="forecast"),
    path("forecast/quotas/", views.quotas, name="quotas"),
    path("lifecycle/", views.lifecycle, name="lifecycle"),
    path("accounts/<int:account_id>/lifecycle/", views.account_lifecycle, name="account_lifecycle"),
    path(
        "accounts/<int:account_id>/opportunities/", views.account_opportunities, name="account_opportunities"
    ),
]
