from crm.integrations.dataio.models.exports import ExportJob
from crm.integrations.dataio.models.imports import ImportBatch, ImportJob, ImportMapping

__all__ = ["ExportJob", "ImportBatch", "ImportJob", "ImportMapping"]
