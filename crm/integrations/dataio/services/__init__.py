from crm.integrations.dataio.services.exports import export_start, export_write
from crm.integrations.dataio.services.imports import (
    import_configure,
    import_create,
    import_preview,
    import_resume,
    import_revert,
    import_run,
    import_start,
)

__all__ = [
    "export_start",
    "export_write",
    "import_configure",
    "import_create",
    "import_preview",
    "import_resume",
    "import_revert",
    "import_run",
    "import_start",
]
