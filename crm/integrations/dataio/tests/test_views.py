from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from crm.contacts.tests.factories import ContactFactory, user_with_role
from crm.integrations.dataio.models import ImportJob
from crm.integrations.dataio.services.imports import import_run
from crm.integrations.dataio.tests.conftest import Contact


@pytest.fixture
def as_admin(client, admin):
    client.force_login(admin)
    return client


def _upload(client, content: bytes, name: str = "people.csv", object_type: str = "contacts.contact"):
    f = io.BytesIO(content)
    f.name = name
    return client.post(reverse("dataio:import_list"), {"object_type": object_type, "file": f})


def test_wizard_upload_mapping_preview_start_result(as_admin, admin):
    response = _upload(as_admin, b"Nombre;Apellidos;Email\nAna;Ruiz;ana@example.com\nLuis;Gil;not-an-email\n")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "dataio:import_mapping", args=[job.pk]
    )
    page = as_admin.get(response["Location"])
    assert page.status_code == 200
    assert 'value="first_name" selected' in page.content.decode()  # "Nombre" suggested as first name
    response = as_admin.post(
        reverse("dataio:import_mapping", args=[job.pk]),
        {
            "col_0": "first_name",
            "col_1": "last_name",
            "col_2": "email",
            "update_by": "email",
            "date_order": "dmy",
            "decimal": ",",
            "save_as": "My CRM export",
        },
    )
    assert response.status_code == 302
    preview = as_admin.get(reverse("dataio:import_preview", args=[job.pk])).content.decode()
    assert "is not a valid email address" in preview
    assert Contact.objects.count() == 0  # the preview writes nothing
    response = as_admin.post(reverse("dataio:import_start", args=[job.pk]))
    assert response.status_code == 302
    import_run(job_id=job.pk)
    page = as_admin.get(reverse("dataio:import_detail", args=[job.pk])).content.decode()
    assert 'id="count-created">1<' in page and 'id="count-failed">1<' in page
    report = b"".join(as_admin.get(reverse("dataio:import_report", args=[job.pk])).streaming_content).decode()
    assert "not-an-email" in report and "is not a valid email address" in report


def test_upload_of_a_file_over_the_limit_is_refused_inline_and_nothing_is_stored(as_admin, settings):
    settings.CRM_IMPORT_MAX_BYTES = 100
    response = _upload(as_admin, b"email\n" + b"a@example.com\n" * 20)
    assert response.status_code == 422
    assert "The file is too large" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_upload_of_binary_data_is_refused(as_admin):
    response = _upload(as_admin, b"email\x00\x01\x02\n\x00\x00")
    assert response.status_code == 422
    assert "not a CSV text file" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_user_without_create_permission_cannot_import(client, db):
    user = user_with_role("read_only")
    client.force_login(user)
    assert client.get(reverse("dataio:import_list")).status_code == 403


def test_other_users_import_is_not_found(client, admin):
    from crm.integrations.dataio.tests.conftest import make_job

    job = make_job(admin, "email\na@example.com\n")
    client.force_login(user_with_role("sales_rep"))
    assert client.get(reverse("dataio:import_detail", args=[job.pk])).status_code == 404


def test_export_csv_and_xlsx_follow_filters_columns_and_escape_formulas(as_admin, admin):
    ContactFactory(first_name="=cmd|' /C calc'!A0", last_name="Evil", email="evil@example.com", owner=admin)
    ContactFactory(
        first_name="Ana", last_name="Ruiz", email="ana@example.com", owner=admin, email_consent="granted"
    )
    url = reverse("dataio:export", args=["contacts.contact"])
    body = b"".join(as_admin.get(url + "?format=csv&columns=first_name,email").streaming_content).decode(
        "utf-8-sig"
    )
    lines = body.strip().splitlines()
    assert lines[0] == "ID,Name,First name,Email"
    assert any("'=cmd|" in line for line in lines)
    assert not any(",=cmd" in line for line in lines)
    filtered = b"".join(as_admin.get(url + "?format=csv&email_consent=granted").streaming_content).decode()
    assert "ana@example.com" in filtered and "evil@example.com" not in filtered
    response = as_admin.get(url + "?format=xlsx&sort=name")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("ID", "Name")
    names = [r[1] for r in rows[1:]]
    assert names == sorted(names)
    assert all(not str(c).startswith("=") for r in rows for c in r if c is not None)


def test_export_with_a_bad_filter_answers_400(as_admin):
    response = as_admin.get(reverse("dataio:export", args=["contacts.contact"]) + "?format=csv&sort=nope")
    assert response.status_code == 400
    assert "Cannot sort by" in response.content.decode()


def test_large_export_runs_as_a_job(as_admin, admin, monkeypatch, django_capture_on_commit_callbacks):
    from crm.integrations.dataio.services import exports

    monkeypatch.setattr(exports, "DIRECT_LIMIT", 2)
    ContactFactory.create_batch(3, owner=admin)
    with django_capture_on_commit_callbacks(execute=False):
        response = as_admin.get(reverse("dataio:export", args=["contacts.contact"]) + "?format=csv")
    assert response.status_code == 302
    from crm.integrations.dataio.models import ExportJob

    job = ExportJob.objects.get()
    exports.export_run(job_id=job.pk)
    page = as_admin.get(response["Location"]).content.decode()
    assert "3 rows exported" in page
    download = as_admin.get(reverse("dataio:export_download", args=[job.pk]))
    assert b"".join(download.streaming_content).decode("utf-8-sig").count("\n") == 4


def test_contact_page_has_a_vcard_download(as_admin, admin):
    contact = ContactFactory(first_name="Ana", last_name="Ruiz", email="ana@example.com", owner=admin)
    page = as_admin.get(contact.get_absolute_url()).content.decode()
    url = reverse("dataio:contact_vcard", args=[contact.pk])
    assert url in page
    card = as_admin.get(url)
    assert card["Content-Type"].startswith("text/vcard")
    assert "FN:Ana Ruiz" in card.content.decode()


def test_export_formats_owner_choices_tags_dates_and_lists(as_admin, admin):
    from crm.contacts.tests.factories import AccountFactory

    account = AccountFactory(name="Acme SA", owner=admin)
    ContactFactory(
        first_name="Ana",
        last_name="Ruiz",
        email="ana@example.com",
        owner=admin,
        email_consent="granted",
        do_not_call=True,
        primary_account=account,
        other_emails=["a2@example.com", "a3@example.com"],
        tags=["vip", "=evil"],
    )
    url = reverse("dataio:export", args=["contacts.contact"])
    body = b"".join(as_admin.get(url + "?format=csv").streaming_content).decode("utf-8-sig")
    import csv as csv_module

    rows = list(csv_module.DictReader(io.StringIO(body)))
    row = rows[0]
    assert (row["Name"], row["Owner"], row["Account"], row["Email consent"], row["Do not call"]) == (
        "Ana Ruiz",
        "Ada Admin",
        "Acme SA",
        "Granted",
        "yes",
    )
    assert row["Other emails"] == "a2@example.com, a3@example.com"
    assert sorted(row["Tags"].split(", ")) == [
        "'=evil",
        "vip",
    ]  # each tag escaped; SQLite does not order them
    assert not row["Tags"].startswith("=")
    assert row["Created"].endswith("+00:00") and "T" in row["Created"]


def test_a_stuck_import_can_be_resumed_from_its_page(as_admin, admin, django_capture_on_commit_callbacks):
    from crm.integrations.dataio.services.imports import import_start
    from crm.integrations.dataio.tests.conftest import make_job

    job = make_job(admin, "email\na@example.com\nb@example.com\n", update_by="email")
    import_start(actor=admin, job=job, enqueue=False)
    import_run(job_id=job.pk, batch_size=1, max_batches=1)  # the worker died after one batch
    page = as_admin.get(reverse("dataio:import_detail", args=[job.pk])).content.decode()
    assert reverse("dataio:import_resume", args=[job.pk]) in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        as_admin.post(reverse("dataio:import_resume", args=[job.pk]))
    assert len(callbacks) == 1  # a new task is queued
    done = import_run(job_id=job.pk)
    assert (done.status, done.created_count) == ("done", 2)
    assert Contact.objects.count() == 2


def test_account_export_with_parent_choices_and_a_filter(as_admin, admin):
    from crm.contacts.services import address_add
    from crm.contacts.tests.factories import AccountFactory
    from crm.core.assignment.services import territory_create

    parent = AccountFactory(name="Holding SA", owner=admin, account_type="customer")
    child = AccountFactory(
        name="Filial SL", owner=admin, parent=parent, account_type="partner", industry="retail"
    )
    territory_create(actor=None, name="=Iberia", countries=["ES"])  # a name that needs escaping
    address_add(actor=admin, account=child, city="Madrid", country="ES")  # matched to the territory
    url = reverse("dataio:export", args=["contacts.account"])
    body = b"".join(as_admin.get(url + "?format=csv&account_type=partner").streaming_content).decode(
        "utf-8-sig"
    )
    import csv as csv_module

    rows = list(csv_module.DictReader(io.StringIO(body)))
    assert [(r["Name"], r["Type"], r["Industry"], r["Parent account"], r["Territory"]) for r in rows] == [
        ("Filial SL", "Partner", "Retail and wholesale", "Holding SA", "'=Iberia")
    ]
