"""Activities for tests, written straight to the table (bypassing the services on purpose: fast, any shape)."""

from __future__ import annotations

import factory
from django.utils import timezone

from crm.activities.enums import ActivityKind
from crm.activities.models import Activity
from crm.contacts.tests.factories import AccountFactory, UserFactory


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity
        skip_postgeneration_save = True

    kind = ActivityKind.NOTE
    subject = factory.Sequence(lambda n: f"Activity {n}")
    body = ""
    owner = factory.SubFactory(UserFactory)
    account = factory.SubFactory(AccountFactory)
    occurred_at = factory.LazyFunction(timezone.now)


class TaskFactory(ActivityFactory):
    kind = ActivityKind.TASK
    priority = "normal"
