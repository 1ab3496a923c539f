from django.utils.translation import gettext_lazy as _

from crm.core.errors import DomainError, InvalidInput


class SalesError(DomainError):
    code = "sales_error"


class StageRequirementsMissing(InvalidInput):
    """The stage asks for fields the opportunity does not have yet (field_errors names each)."""

    code = "stage_requirements"
    default_message = _("Fill in the fields this stage requires first.")


class StageNotInPipeline(InvalidInput):
    code = "stage_not_in_pipeline"
    default_message = _("Choose a stage of this opportunity’s pipeline.")


class OpportunityNotOpen(SalesError):
    code = "not_open"
    status = 409
    default_message = _("This opportunity is already closed. Reopen it by moving it to an open stage.")


# --- contracts ------------------------------------------------------------------------------------------------
class ContractStateInvalid(SalesError):
    """The contract is not in a state that allows this (e.g. activating a cancelled contract)."""

    code = "contract_state"
    status = 409
    default_message = _("This contract cannot do that in its current status.")
