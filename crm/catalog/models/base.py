from typing import ClassVar

from crm.core.records import Record


class SharedRecord(Record):
    """A catalog row belongs to no one: every user with a `view` grant reads it, writes need the scope `all`
    (`crm.core.identity.permissions.shared_in_scope`)."""

    OWNER_FIELD: ClassVar[str | None] = None

    class Meta(Record.Meta):
        abstract = True
