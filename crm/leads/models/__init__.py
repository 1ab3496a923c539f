from crm.leads.models.leads import Lead, WebFormHit

__all__ = ["Lead", "WebFormHit"]
