"""Sales pages: the pipeline board, the opportunity table, the record page, forms, and the account panel.

Thin: parse, call one selector or service, render. Domain errors become inline form errors, toasts, or (for the
board's drag and drop) a JSON answer the board script shows in the column.
"""

from crm.sales.views.board import board, board_column, opportunity_move
from crm.sales.views.editing import opportunity_contacts_picker, opportunity_create, opportunity_update
from crm.sales.views.insight import account_lifecycle, forecast, lifecycle, quotas
from crm.sales.views.lists import account_opportunities, opportunity_list
from crm.sales.views.opportunity_lines import (
    opportunity_line_add,
    opportunity_line_delete,
    opportunity_line_edit,
    opportunity_line_products,
    opportunity_lines_section,
)
from crm.sales.views.pipelines import (
    pipeline_admin_create,
    pipeline_admin_detail,
    pipeline_admin_list,
    pipeline_admin_reorder,
    stage_admin_create,
    stage_admin_remove,
    stage_admin_reorder,
    stage_admin_update,
)
from crm.sales.views.quotes import (
    account_quotes,
    quote_approve,
    quote_create_for_account,
    quote_create_for_opportunity,
    quote_detail,
    quote_lines,
    quote_list,
    quote_pdf,
    quote_public,
    quote_public_answer,
    quote_public_pdf,
    quote_reject,
    quote_revise,
    quote_send,
    quote_submit,
    quote_update,
)
from crm.sales.views.records import (
    opportunity_delete,
    opportunity_detail,
    opportunity_field,
    opportunity_lost,
    opportunity_stage,
    opportunity_won,
)

__all__ = [
    "account_lifecycle",
    "account_opportunities",
    # quotes
    "account_quotes",
    "board",
    "board_column",
    "forecast",
    "lifecycle",
    "opportunity_contacts_picker",
    "opportunity_create",
    "opportunity_delete",
    "opportunity_detail",
    "opportunity_field",
    "opportunity_line_add",
    "opportunity_line_delete",
    "opportunity_line_edit",
    "opportunity_line_products",
    "opportunity_lines_section",
    "opportunity_list",
    "opportunity_lost",
    "opportunity_move",
    "opportunity_stage",
    "opportunity_update",
    "opportunity_won",
    "pipeline_admin_create",
    "pipeline_admin_detail",
    "pipeline_admin_list",
    "pipeline_admin_reorder",
    "quotas",
    "quote_approve",
    "quote_create_for_account",
    "quote_create_for_opportunity",
    "quote_detail",
    "quote_lines",
    "quote_list",
    "quote_pdf",
    "quote_public",
    "quote_public_answer",
    "quote_public_pdf",
    "quote_reject",
    "quote_revise",
    "quote_send",
    "quote_submit",
    "quote_update",
    "stage_admin_create",
    "stage_admin_remove",
    "stage_admin_reorder",
    "stage_admin_update",
]
