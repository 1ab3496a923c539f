"""Public writes of the sales app."""

# --- contracts and subscriptions ---
from crm.sales.services.contract_billing import contract_invoices_generate
from crm.sales.services.contract_renewals import contract_renewals_open, contracts_daily_run
from crm.sales.services.contracts import contract_activate, contract_cancel, contract_create, contract_update
from crm.sales.services.opportunities import (
    opportunities_soft_delete_for_account,
    opportunity_create,
    opportunity_delete,
    opportunity_update,
)
from crm.sales.services.opportunity_lines import (
    opportunity_line_add,
    opportunity_line_remove,
    opportunity_line_update,
)
from crm.sales.services.pipelines import (
    REQUIRABLE_FIELDS,
    pipeline_create,
    pipeline_reorder,
    pipeline_update,
    stage_add,
    stage_remove,
    stage_reorder,
    stage_update,
)
from crm.sales.services.stages import opportunity_close_lost, opportunity_close_won, opportunity_move_stage

__all__ = [
    "REQUIRABLE_FIELDS",
    "contract_activate",
    "contract_cancel",
    "contract_create",
    "contract_invoices_generate",
    "contract_renewals_open",
    "contract_update",
    "contracts_daily_run",
    "opportunities_soft_delete_for_account",
    "opportunity_close_lost",
    "opportunity_close_won",
    "opportunity_create",
    "opportunity_delete",
    "opportunity_line_add",
    "opportunity_line_remove",
    "opportunity_line_update",
    "opportunity_move_stage",
    "opportunity_update",
    "pipeline_create",
    "pipeline_reorder",
    "pipeline_update",
    "stage_add",
    "stage_remove",
    "stage_reorder",
    "stage_update",
]
