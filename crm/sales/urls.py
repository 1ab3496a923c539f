from django.urls import path

from crm.sales import views
from crm.sales.views import contracts as contract_views

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
    path(
        "accounts/<int:account_id>/opportunities/", views.account_opportunities, name="account_opportunities"
    ),
    # --- contracts and subscriptions ---
    path("contracts/", contract_views.contract_list_view, name="contract_list"),
    path("contracts/new/", contract_views.contract_create_view, name="contract_create"),
    path("contracts/<int:pk>/", contract_views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", contract_views.contract_update_view, name="contract_update"),
    path("contracts/<int:pk>/activate/", contract_views.contract_activate_view, name="contract_activate"),
    path("contracts/<int:pk>/cancel/", contract_views.contract_cancel_view, name="contract_cancel"),
    path("contracts/<int:pk>/invoices/", contract_views.contract_generate_view, name="contract_generate"),
    path(
        "accounts/<int:account_id>/contracts/",
        contract_views.account_contracts_view,
        name="account_contracts",
    ),
]
