from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.activities.enums import ActivityKind, CallDirection, CallOutcome, Channel, TaskPriority
from crm.core.records import Record, record_url


class Activity(Record):
    """A note, task, call or meeting about an account and/or a contact.

    `occurred_at` places it on the timeline: when a call happened, when a meeting starts, when a note was written,
    when a task is due (or was created when it has no due date).
    """

    kind = models.CharField(_("kind"), max_length=10, choices=ActivityKind.choices)
    subject = models.CharField(_("subject"), max_length=200, blank=True, default="")
    body = models.TextField(_("details"), blank=True, default="")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.UI)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # activity_owner_time_idx starts with the owner
    )
    account = models.ForeignKey(
        "contacts.Account",
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # task
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=TaskPriority.choices, blank=True, default=""
    )
    is_done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    # call
    direction = models.CharField(
        _("direction"), max_length=10, choices=CallDirection.choices, blank=True, default=""
    )
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=CallOutcome.choices, blank=True, default=""
    )
    # meeting
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True, default="")
    attendee_contacts = models.ManyToManyField(
        "contacts.Contact", verbose_name=_("attending contacts"), blank=True, related_name="+"
    )
    attendee_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("attending colleagues"), blank=True, related_name="+"
    )
    custom = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    # a record of a higher layer the activity is about (e.g. "leads.lead", 42): a generic link, not a foreign key,
    # because foreign keys only point down the layers; its timeline lists the activity
    subject_type = models.CharField(_("about (type)"), max_length=40, blank=True, default="", db_default="")
    subject_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    # the id in the system the activity was imported from (upserts match on it)
    external_id = models.CharField(_("external id"), max_length=100, blank=True, default="")

    class Meta(Record.Meta):
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=models.Q(deleted_at__isnull=True) & ~models.Q(external_id=""),
                name="activity_external_id_unique",
            )
        ]
        indexes = [
            models.Index(fields=["account", "-occurred_at", "-id"], name="activity_account_time_idx"),
            models.Index(fields=["contact", "-occurred_at", "-id"], name="activity_contact_time_idx"),
            # open tasks only (the "my tasks" panel and its count, overdue filters): small, and a user with no
            # open task costs one index probe instead of a scan of everything they ever logged
            models.Index(
                fields=["owner", "due_at"],
                name="activity_open_task_idx",
                condition=models.Q(kind="task", is_done=False, deleted_at__isnull=True),
            ),
            # The owner (the permission scope), the list's default sort, then the main filter and the soft-delete
            # column: a rep's count ("10,000+") reads only this index. Not (owner, kind): with that, SQLite answers
            # "team + kind, newest first" by sorting the team's 250,000 rows (3.8 s at 5M activities) instead of
            # walking activity_time_idx for one page.
            models.Index(
                fields=["owner", "-occurred_at", "-id", "kind", "deleted_at"], name="activity_owner_time_idx"
            ),
            # open tasks per account and owner: the account page's "open activities" roll-up counts from the
            # index alone instead of reading every activity of the account (20 ms for 1,000 entries on SQLite)
            models.Index(
                fields=["account", "owner"],
                name="activity_open_task_account_idx",
                condition=models.Q(kind="task", is_done=False, deleted_at__isnull=True),
            ),
            models.Index(fields=["-occurred_at", "-id"], name="activity_time_idx"),
            models.Index(
                fields=["subject_type", "subject_id", "-occurred_at", "-id"],
                name="activity_subject_time_idx",
                condition=models.Q(subject_id__isnull=False),
            ),
            models.Index(fields=["kind"], name="activity_kind_idx"),
            models.Index(fields=["deleted_at"], name="activity_deleted_idx"),
        ]

    def __str__(self) -> str:
        return self.subject or str(self.get_kind_display())

    def get_absolute_url(self) -> str:
        return record_url("activities:activity_detail", self.pk)

    @property
    def title(self) -> str:
        """The subject, else the start of the body as plain text, else the kind ("Note")."""
        from crm.activities.richtext import body_excerpt

        return self.subject or body_excerpt(self.body, 80) or str(self.get_kind_display())

    @property
    def is_task(self) -> bool:
        return self.kind == ActivityKind.TASK

    @property
    def is_overdue(self) -> bool:
        return (
            self.kind == ActivityKind.TASK
            and not self.is_done
            and self.due_at is not None
            and (self.due_at < timezone.now())
        )
