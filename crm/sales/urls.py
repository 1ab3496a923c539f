from django.urls import path

from crm.sales import views
from crm.sales.views import invoices as invoice_views

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
