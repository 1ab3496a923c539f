from crm.core.errors import InvalidInput


class ImportRefused(InvalidInput):
    """The file cannot be imported at all (too large, not a spreadsheet, a zip bomb, an unknown column…)."""
