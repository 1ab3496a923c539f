"""Sales pages: the pipeline board, the opportunity table, the record page, forms, and the account panel.

Thin: parse, call one selector or service, render. Domain errors become inline form errors, toasts, or (for the
board's drag and drop) a JSON answer the board script shows in the column.
"""

from crm.sales.views.board import board, board_column, opportunity_move
from crm.sales.views.editing import opportunity_create, opportunity_update
from crm.sales.views.insight import account_lifecycle, forecast, lifecycle, quotas
from crm.sales.views.lists import account_opportunities, opportunity_list
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
    "board",
    "board_column",
    "forecast",
    "lifecycle",
    "opportunity_create",
    "opportunity_delete",
    "opportunity_detail",
    "opportunity_field",
    "opportunity_list",
    "opportunity_lost",
    "opportunity_move",
    "opportunity_stage",
    "opportunity_update",
    "opportunity_won",
    "quotas",
]
