from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.contacts.enums import DuplicateObject, DuplicateStatus


class DuplicateCandidate(models.Model):
    """A pair of accounts or contacts the duplicate scan found alike, waiting in the review queue.

    `record_a` < `record_b`. A pair marked "not a duplicate" stays here as `dismissed`, so no scan proposes it again.
    """

    object_type = models.CharField(_("object"), max_length=20, choices=DuplicateObject.choices)
    record_a = models.BigIntegerField()
    record_b = models.BigIntegerField()
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    found_at = models.DateTimeField(_("found"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["object_type", "record_a", "record_b"], name="duplicate_pair_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(record_a__lt=models.F("record_b")), name="duplicate_pair_order"
            ),
        ]
        indexes = [
            models.Index(fields=["object_type", "status", "-score", "-id"], name="duplicate_queue_idx"),
            models.Index(fields=["object_type", "record_b"], name="duplicate_record_b_idx"),
        ]
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")

    def __str__(self) -> str:
        return f"{self.object_type} {self.record_a} ~ {self.record_b} ({self.score:.2f})"


class Merge(models.Model):
    """One merge: which records went into which survivor, and everything needed to undo it exactly."""

    object_type = models.CharField(_("object"), max_length=20, choices=DuplicateObject.choices)
    survivor_id = models.BigIntegerField()
    merged_ids = models.JSONField(default=list)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("merged"), auto_now_add=True)
    is_automatic = models.BooleanField(_("automatic"), default=False)
    # the survivor's field values before the merge, its version after it, and each handler's undo data
    survivor_before = models.JSONField(default=dict)
    survivor_version = models.PositiveIntegerField(default=0)
    moved = models.JSONField(default=dict)
    deletion_batch = models.UUIDField(null=True, blank=True)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["object_type", "survivor_id"], name="merge_survivor_idx")]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")

    def __str__(self) -> str:
        return f"{self.object_type} {self.merged_ids} → {self.survivor_id}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None
