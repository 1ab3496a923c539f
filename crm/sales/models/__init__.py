from crm.sales.models.opportunities import Opportunity, OpportunityContact, StageChange
from crm.sales.models.pipelines import Pipeline, Stage

__all__ = ["Opportunity", "OpportunityContact", "Pipeline", "Stage", "StageChange"]
