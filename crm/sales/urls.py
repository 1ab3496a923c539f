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
    path(
        "accounts/<int:account_id>/opportunities/", views.account_opportunities, name="account_opportunities"
    ),
    # opportunity lines, contacts picker, pipeline settings (oppux)
    path("opportunities/<int:pk>/lines/", views.opportunity_lines_section, name="opportunity_lines"),
    path("opportunities/<int:pk>/lines/add/", views.opportunity_line_add, name="opportunity_line_add"),
    path(
        "opportunities/<int:pk>/lines/products/",
        views.opportunity_line_products,
        name="opportunity_line_products",
    ),
    path(
        "opportunities/<int:pk>/lines/<int:line_id>/",
        views.opportunity_line_edit,
        name="opportunity_line_edit",
    ),
    path(
        "opportunities/<int:pk>/lines/<int:line_id>/delete/",
        views.opportunity_line_delete,
        name="opportunity_line_delete",
    ),
    path(
        "opportunities/contacts-picker/",
        views.opportunity_contacts_picker,
        name="opportunity_contacts_picker",
    ),
    path("settings/pipelines/", views.pipeline_admin_list, name="pipeline_admin_list"),
    path("settings/pipelines/new/", views.pipeline_admin_create, name="pipeline_admin_create"),
    path("settings/pipelines/order/", views.pipeline_admin_reorder, name="pipeline_admin_reorder"),
    path("settings/pipelines/<int:pk>/", views.pipeline_admin_detail, name="pipeline_admin_detail"),
    path("settings/pipelines/<int:pk>/stages/new/", views.stage_admin_create, name="stage_admin_create"),
    path("settings/pipelines/<int:pk>/stages/order/", views.stage_admin_reorder, name="stage_admin_reorder"),
    path(
        "settings/pipelines/<int:pk>/stages/<int:stage_id>/",
        views.stage_admin_update,
        name="stage_admin_update",
    ),
    path(
        "settings/pipelines/<int:pk>/stages/<int:stage_id>/remove/",
        views.stage_admin_remove,
        name="stage_admin_remove",
    ),
]
