from __future__ import annotations

import io
from typing import Any

import pytest

from crm.activities.tests.factories import ActivityFactory
from crm.contacts.tests.factories import AccountFactory, ContactFactory, user_with_role
from crm.integrations.dataio.services.imports import import_configure, import_create, import_run, import_start

# the other apps' models, reached through their test factories (only an app imports its own models)
Contact: Any = ContactFactory._meta.model
Account: Any = AccountFactory._meta.model
Activity: Any = ActivityFactory._meta.model


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin(db: Any) -> Any:
    return user_with_role("administrator", email="admin@example.com", full_name="Ada Admin")


def make_job(
    actor: Any,
    content: bytes | str,
    *,
    name: str = "people.csv",
    object_type: str = "contacts.contact",
    mapping: list[str] | None = None,
    **options: Any,
) -> Any:
    data = content.encode("utf-8") if isinstance(content, str) else content
    job = import_create(
        actor=actor, object_type=object_type, file=io.BytesIO(data), name=name, size=len(data)
    )
    if mapping is not None or options:
        job = import_configure(
            actor=actor,
            job=job,
            mapping=mapping if mapping is not None else job.mapping,
            update_by=options.pop("update_by", job.update_by),
            **options,
        )
    return job


def run_import(actor: Any, content: bytes | str, **kwargs: Any) -> Any:
    batch_size = kwargs.pop("batch_size", 5000)
    job = make_job(actor, content, **kwargs)
    import_start(actor=actor, job=job)
    return import_run(job_id=job.pk, batch_size=batch_size)
