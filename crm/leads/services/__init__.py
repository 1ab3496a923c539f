from crm.leads.services.conversion import (
    ConversionMatch,
    ConversionResult,
    lead_conversion_match,
    lead_convert,
)
from crm.leads.services.leads import (
    lead_assign_owner,
    lead_bulk_assign_owner,
    lead_bulk_delete,
    lead_bulk_tag,
    lead_create,
    lead_delete,
    lead_disqualify,
    lead_mark_contacted,
    lead_qualify,
    lead_reopen,
    lead_update,
)
from crm.leads.services.webform import web_lead_capture, webform_client_key, webform_hit

__all__ = [
    "ConversionMatch",
    "ConversionResult",
    "lead_assign_owner",
    "lead_bulk_assign_owner",
    "lead_bulk_delete",
    "lead_bulk_tag",
    "lead_conversion_match",
    "lead_convert",
    "lead_create",
    "lead_delete",
    "lead_disqualify",
    "lead_mark_contacted",
    "lead_qualify",
    "lead_reopen",
    "lead_update",
    "web_lead_capture",
    "webform_client_key",
    "webform_hit",
]
