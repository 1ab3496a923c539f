from django.urls import path

from crm.sales import views
from crm.sales.views import assets as asset_views
from crm.sales.views import contracts as contract_views
from crm.sales.views import invoices as invoice_views
from crm.sales.views import orders as order_views

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
    # orders, deliveries and the installed base
    path("orders/", order_views.order_list, name="order_list"),
    path("orders/new/", order_views.order_create, name="order_create"),
    path("orders/from-quote/", order_views.order_from_quote, name="order_from_quote"),
    path("orders/<int:pk>/", order_views.order_detail, name="order_detail"),
    path("orders/<int:pk>/cancel/", order_views.order_cancel, name="order_cancel"),
    path("orders/<int:pk>/deliveries/new/", order_views.delivery_create, name="delivery_create"),
    path("deliveries/", order_views.delivery_list, name="delivery_list"),
    path("deliveries/<int:pk>/", order_views.delivery_detail, name="delivery_detail"),
    path(
        "deliveries/<int:pk>/<str:move>/",
        order_views.delivery_move,
        name="delivery_move",
    ),
    path("accounts/<int:account_id>/orders/", order_views.account_orders, name="account_orders"),
    path("assets/", asset_views.asset_list, name="asset_list"),
    path("assets/owners/", asset_views.asset_owners, name="asset_owners"),
    path("assets/warranty/", asset_views.asset_warranty, name="asset_warranty"),
    path("assets/new/", asset_views.asset_create, name="asset_create"),
    path("assets/<int:pk>/", asset_views.asset_detail, name="asset_detail"),
    path("assets/<int:pk>/edit/", asset_views.asset_update, name="asset_update"),
    path("assets/<int:pk>/return/", asset_views.asset_return, name="asset_return"),
    path("accounts/<int:account_id>/assets/", asset_views.account_assets, name="account_assets"),
    # quotes
    path("quotes/", views.quote_list, name="quote_list"),
    path("quotes/<int:pk>/", views.quote_detail, name="quote_detail"),
    path("quotes/<int:pk>/edit/", views.quote_update, name="quote_update"),
    path("quotes/<int:pk>/lines/", views.quote_lines, name="quote_lines"),
    path("quotes/<int:pk>/pdf/", views.quote_pdf, name="quote_pdf"),
    path("quotes/<int:pk>/submit/", views.quote_submit, name="quote_submit"),
    path("quotes/<int:pk>/approve/", views.quote_approve, name="quote_approve"),
    path("quotes/<int:pk>/reject/", views.quote_reject, name="quote_reject"),
    path("quotes/<int:pk>/send/", views.quote_send, name="quote_send"),
    path("quotes/<int:pk>/revise/", views.quote_revise, name="quote_revise"),
    path(
        "opportunities/<int:pk>/quotes/new/",
        views.quote_create_for_opportunity,
        name="quote_create_for_opportunity",
    ),
    path("accounts/<int:account_id>/quotes/", views.account_quotes, name="account_quotes"),
    path(
        "accounts/<int:account_id>/quotes/new/",
        views.quote_create_for_account,
        name="quote_create_for_account",
    ),
    path("q/<str:token>/", views.quote_public, name="quote_public"),
    path("q/<str:token>/pdf/", views.quote_public_pdf, name="quote_public_pdf"),
    path(
        "q/<str:token>/accept/", views.quote_public_answer, {"answer": "accept"}, name="quote_public_accept"
    ),
    path(
        "q/<str:token>/decline/",
        views.quote_public_answer,
        {"answer": "decline"},
        name="quote_public_decline",
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
    # --- invoices, payments and credit notes ---
    path("invoices/", invoice_views.invoice_list, name="invoice_list"),
    path("invoices/new/", invoice_views.invoice_create, name="invoice_create"),
    path("invoices/from-order/", invoice_views.invoice_from_order, name="invoice_from_order"),
    path("invoices/<int:pk>/", invoice_views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/edit/", invoice_views.invoice_update, name="invoice_update"),
    path("invoices/<int:pk>/issue/", invoice_views.invoice_issue, name="invoice_issue"),
    path("invoices/<int:pk>/void/", invoice_views.invoice_void, name="invoice_void"),
    path("invoices/<int:pk>/delete/", invoice_views.invoice_delete, name="invoice_delete"),
    path("invoices/<int:pk>/pdf/", invoice_views.invoice_pdf, name="invoice_pdf"),
    path("invoices/<int:pk>/payments/", invoice_views.payment_create, name="payment_create"),
    path("invoices/<int:pk>/credit-notes/", invoice_views.credit_note_create, name="credit_note_create"),
    path("payments/<int:pk>/delete/", invoice_views.payment_delete, name="payment_delete"),
    path("accounts/<int:account_id>/invoices/", invoice_views.account_invoices, name="account_invoices"),
]
