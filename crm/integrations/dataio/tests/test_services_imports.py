from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from crm.contacts.matching import company_name_key, person_name_key
from crm.contacts.tests.factories import (
    AccountFactory,
    ContactAccountFactory,
    ContactFactory,
    user_with_role,
)
from crm.core.audit.models import AuditEntry
from crm.core.errors import PermissionDenied
from crm.integrations.dataio.errors import ImportRefused
from crm.integrations.dataio.models import ImportBatch, ImportJob
from crm.integrations.dataio.selectors import import_report_rows
from crm.integrations.dataio.services.imports import import_revert, import_run, import_start
from crm.integrations.dataio.tests.conftest import Account, Activity, Contact, make_job, run_import


def test_import_creates_contacts_with_spanish_dates_and_semicolons(admin):
    content = "Nombre;Apellidos;Correo electrónico;Teléfono;Cumpleaños\nAna;López;ANA@example.com;612 345 678;31/12/1990\n"
    job = run_import(admin, content, date_order="dmy")
    assert job.status == "done", job.error
    assert (job.created_count, job.updated_count, job.skipped_count, job.failed_count) == (1, 0, 0, 0)
    contact = Contact.objects.get()
    assert contact.email == "ana@example.com"
    assert contact.full_name == "Ana López"
    assert contact.phone == "+34612345678"
    assert contact.birthday == dt.date(1990, 12, 31)
    assert contact.owner == admin
    assert contact.name_key == person_name_key("Ana", "López")  # imported people are found as duplicates too


def test_imported_and_updated_accounts_get_their_duplicate_key(admin):
    job = run_import(admin, "name,email\nAcme Ibérica S.L.,info@acme.es\n", object_type="contacts.account")
    assert job.status == "done", job.error
    assert Account.objects.get().name_key == company_name_key("Acme Ibérica S.L.")


def _snapshot():
    return sorted(Contact.all_objects.values_list("id", "email", "first_name", "phone", "deleted_at"))


def _report(job):
    return {row[0]: (row[1], row[2]) for row in import_report_rows(job=job)}


def test_bad_rows_get_a_clear_report_and_good_rows_are_imported(admin):
    content = (
        "first_name,last_name,email,phone,birthday\n"
        "Ana,Ruiz,ana@example.com,+34 612 345 678,1990-01-31\n"
        "Bad,Email,not-an-email,,\n"
        "Bad,Phone,bp@example.com,12,\n"
        "Bad,Date,bd@example.com,,31/31/2020\n"
        "Too,Many,tm@example.com,,,surplus\n"
        ",,,,\n"
    )
    job = run_import(admin, content, date_order="dmy")
    assert (job.created_count, job.failed_count, job.skipped_count) == (1, 4, 1)
    report = _report(job)
    assert report[3] == ("failed", "Email: “not-an-email” is not a valid email address.")
    assert report[4][0] == "failed" and "Phone: Enter a valid phone number" in report[4][1]
    assert report[5] == ("failed", "Birthday: “31/31/2020” is not a date (e.g. 31/12/2026).")
    assert report[6] == ("failed", "This row has 6 cells but the header names 5 columns.")
    assert list(Contact.objects.values_list("email", flat=True)) == ["ana@example.com"]


def test_a_10_mb_cell_is_a_row_error(admin):
    content = "first_name,email\n" + "x" * 10_000_000 + ",big@example.com\nAna,ana@example.com\n"
    job = run_import(admin, content)
    assert (job.created_count, job.failed_count) == (1, 1)
    assert "The cell is too long (10000000 characters" in _report(job)[2][1]
    assert not Contact.objects.filter(email="big@example.com").exists()


def test_refused_files_change_nothing(admin, settings):
    ContactFactory(email="keep@example.com", owner=admin)
    before = _snapshot()
    settings.CRM_IMPORT_MAX_BYTES = 50
    with pytest.raises(ImportRefused, match="too large"):
        make_job(admin, "email\n" + "a@example.com\n" * 10)
    settings.CRM_IMPORT_MAX_BYTES = 10_000_000
    with pytest.raises(ImportRefused, match="binary data"):
        make_job(admin, b"\x00\x01email\n")
    assert ImportJob.objects.count() == 0
    assert _snapshot() == before


def test_unknown_mapping_columns_are_refused_with_nothing_changed(admin):
    job = make_job(admin, "email,name\na@example.com,Ana\n")
    with pytest.raises(ImportRefused) as exc:
        from crm.integrations.dataio.services.imports import import_configure

        import_configure(actor=admin, job=job, mapping=["email", "shoe_size"])
    assert exc.value.field_errors == {"mapping": ["Unknown fields: shoe_size."]}
    job.refresh_from_db()
    assert job.status == "draft" and job.mapping == ["email", "first_name"]
    assert Contact.objects.count() == 0


def test_upsert_by_email_updates_and_keeps_blank_cells(admin):
    existing = ContactFactory(
        first_name="Old", last_name="Name", email="ana@example.com", owner=admin, job_title="CEO"
    )
    content = "email,first_name,job_title\nANA@example.com,Ana,\nnew@example.com,New,Buyer\n"
    job = run_import(admin, content, update_by="email")
    assert (job.created_count, job.updated_count) == (1, 1)
    existing.refresh_from_db()
    assert (existing.first_name, existing.job_title, existing.full_name) == ("Ana", "CEO", "Ana Name")
    assert existing.version == 2


def test_without_update_by_existing_records_are_skipped(admin):
    ContactFactory(first_name="Old", email="ana@example.com", owner=admin)
    job = run_import(admin, "email,first_name\nana@example.com,Changed\n", update_by="")
    assert (job.created_count, job.updated_count, job.skipped_count) == (0, 0, 1)
    assert Contact.objects.get().first_name == "Old"
    assert _report(job)[2] == ("skipped", "A record with this key already exists.")


def test_upsert_by_external_id(admin):
    existing = ContactFactory(first_name="Old", email="old@example.com", owner=admin, external_id="SF-1")
    content = "Id externo,Nombre,Email\nSF-1,Nuevo,new@example.com\nSF-2,Otro,otro@example.com\n"
    job = run_import(admin, content, update_by="external_id")
    assert (job.created_count, job.updated_count) == (1, 1)
    existing.refresh_from_db()
    assert (existing.first_name, existing.email) == ("Nuevo", "new@example.com")
    assert Contact.objects.get(external_id="SF-2").first_name == "Otro"


def test_external_id_taken_by_another_record_is_a_row_error(admin):
    ContactFactory(email="a@example.com", owner=admin, external_id="X1")
    job = run_import(admin, "email,external_id\nb@example.com,X1\n", update_by="email")
    assert job.failed_count == 1
    assert "already has the external id “X1”" in _report(job)[2][1]
    assert Contact.objects.count() == 1


def test_in_file_duplicates_first_wins(admin):
    content = "email,first_name\na@example.com,First\nb@example.com,B\nA@EXAMPLE.COM,Second\n"
    job = run_import(admin, content, update_by="email", batch_size=2)
    assert (job.created_count, job.skipped_count) == (2, 1)
    assert Contact.objects.get(email="a@example.com").first_name == "First"
    assert _report(job)[4] == ("duplicate", "Duplicate of row 2 (same Email).")


def test_resume_after_a_stop_between_batches_has_no_duplicates(admin):
    rows = "".join(f"c{i}@example.com,Name{i}\n" for i in range(10))
    content = "email,first_name\n" + rows + "c3@example.com,Again\n"
    job = make_job(admin, content, update_by="email")
    import_start(actor=admin, job=job)
    stopped = import_run(job_id=job.pk, batch_size=4, max_batches=2)  # the worker "dies" after 2 batches
    assert (stopped.status, stopped.cursor, stopped.created_count) == ("running", 8, 8)
    assert Contact.objects.count() == 8
    done = import_run(job_id=job.pk, batch_size=4)
    assert done.status == "done"
    assert (done.created_count, done.skipped_count) == (10, 1)  # the late c3 is still a duplicate
    assert Contact.objects.count() == 10
    assert sorted(ImportBatch.objects.filter(job=job).values_list("number", flat=True)) == [1, 2, 3]


def test_a_crash_inside_a_batch_leaves_no_partial_rows_and_resumes(admin, monkeypatch):
    from crm.integrations.dataio import pipeline

    content = "email\n" + "".join(f"c{i}@example.com\n" for i in range(6))
    job = make_job(admin, content, update_by="email")
    import_start(actor=admin, job=job)
    real = pipeline.LOADERS["contacts.contact"]
    calls = []

    def crashing_upsert(**kwargs):
        calls.append(1)
        result = real.upsert(**kwargs)  # the rows are written…
        if len(calls) == 2:
            raise RuntimeError("power cut")  # …and the batch dies before it commits
        return result

    monkeypatch.setitem(
        pipeline.LOADERS, "contacts.contact", pipeline.Loader(real.clean, crashing_upsert, real.unload)
    )
    failed = import_run(job_id=job.pk, batch_size=3)
    assert failed.status == "failed" and "power cut" in failed.error
    assert (failed.cursor, Contact.objects.count()) == (3, 3)
    monkeypatch.setitem(pipeline.LOADERS, "contacts.contact", real)
    from crm.integrations.dataio.services.imports import import_resume

    import_resume(actor=admin, job=failed, enqueue=False)
    done = import_run(job_id=job.pk, batch_size=3)
    assert done.status == "done" and done.created_count == 6
    assert Contact.objects.count() == 6


def test_revert_bins_created_records_and_restores_updated_ones(admin):
    old = ContactFactory(first_name="Old", email="old@example.com", owner=admin, phone="")
    job = run_import(
        admin,
        "email,first_name,phone\nold@example.com,New,612345678\nnew@example.com,Fresh,\n",
        update_by="email",
    )
    assert (job.created_count, job.updated_count) == (1, 1)
    import_revert(actor=admin, job=job)
    old.refresh_from_db()
    assert (old.first_name, old.phone, old.deleted_at) == ("Old", "", None)
    created = Contact.all_objects.get(email="new@example.com")
    assert created.deleted_at is not None and created.deletion_batch is not None
    assert ImportJob.objects.get(pk=job.pk).status == "reverted"


def test_import_is_audited_with_source_import(admin):
    job = run_import(admin, "email\na@example.com\n")
    entries = AuditEntry.objects.filter(object_type="dataio.importjob", object_id=job.pk)
    assert entries.filter(source="import", actor=admin).exists()
    assert any(c["field"] == "created_count" for e in entries for c in e.changes)


def test_sales_rep_cannot_give_records_to_someone_outside_their_scope(db):
    rep = user_with_role("sales_rep", email="rep@example.com")
    other = user_with_role("sales_rep", email="other@example.com")
    job = run_import(rep, f"email,owner\nmine@example.com,\ntheirs@example.com,{other.email}\n")
    assert (job.created_count, job.failed_count) == (1, 1)
    assert "You may not give records to this owner." in _report(job)[3][1]


def test_read_only_user_cannot_start_an_import(db):
    with pytest.raises(PermissionDenied):
        make_job(user_with_role("read_only"), "email\na@example.com\n")


def test_accounts_import_with_parent_and_choices(admin):
    AccountFactory(name="Holding SA", owner=admin)
    content = "Nombre;Tipo;Sector;Cuenta matriz;Web\nFilial SL;Cliente;Tecnología;Holding SA;filial.es\nSin nombre;Nope;;;\n"
    job = run_import(admin, content, object_type="contacts.account")
    assert (job.created_count, job.failed_count) == (1, 1)
    child = Account.objects.get(name="Filial SL")
    assert (child.account_type, child.industry, child.parent.name, child.website) == (
        "customer",
        "technology",
        "Holding SA",
        "https://filial.es",
    )
    assert "“Nope” is not one of" in _report(job)[3][1]


def test_activities_import_links_contacts_by_email(admin):
    contact = ContactFactory(email="ana@example.com", owner=admin)
    content = "external_id,kind,subject,contact,when,duration\nA1,Call,Llamada,ana@example.com,31/12/2026 10:00,90\nA2,note,x,nobody@example.com,,\n"
    job = run_import(admin, content, object_type="activities.activity", date_order="dmy")
    assert (job.created_count, job.failed_count) == (1, 1)
    activity = Activity.objects.get(external_id="A1")
    assert (activity.kind, activity.contact_id, activity.duration_seconds, activity.channel) == (
        "call",
        contact.pk,
        90,
        "import",
    )
    assert activity.occurred_at.date().isoformat() == "2026-12-31"
    again = run_import(
        admin,
        content.replace("Llamada", "Llamada 2"),
        object_type="activities.activity",
        update_by="external_id",
        date_order="dmy",
    )
    assert again.updated_count == 1 and Activity.objects.get(external_id="A1").subject == "Llamada 2"


def test_cli_prints_counts_and_writes_the_report(admin, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("email,first_name\na@example.com,A\nbad,B\na@example.com,C\n", encoding="utf-8")
    report = tmp_path / "report.csv"
    out = io.StringIO()
    call_command(
        "import",
        "contacts",
        str(path),
        "--update-by",
        "email",
        "--user",
        admin.email,
        "--report",
        str(report),
        stdout=out,
        stderr=io.StringIO(),
    )
    text = out.getvalue()
    assert "created: 1" in text and "updated: 0" in text and "skipped: 1" in text and "failed: 1" in text
    assert "Duplicate of row 2" in report.read_text(encoding="utf-8")


def test_cli_mapping_file_with_an_unknown_column_is_refused(admin, tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "people.csv"
    path.write_text("Correo,Nombre\na@example.com,A\n", encoding="utf-8")
    mapping = tmp_path / "mapping.json"
    mapping.write_text('{"Correo": "email", "Apellido": "last_name"}', encoding="utf-8")
    with pytest.raises(CommandError, match="These columns are not in the file: Apellido"):
        call_command(
            "import",
            "contacts",
            str(path),
            "--mapping",
            str(mapping),
            "--user",
            admin.email,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert Contact.objects.count() == 0


def test_contact_with_an_account_becomes_a_member_of_it(admin):
    account = AccountFactory(name="Acme SA", owner=admin)
    job = run_import(
        admin, "email,account,owner\nana@example.com,Acme SA,admin@example.com\nx@example.com,Nope SL,\n"
    )
    assert (job.created_count, job.failed_count) == (1, 1)
    contact = Contact.objects.get(email="ana@example.com")
    assert contact.primary_account_id == account.pk and contact.owner == admin
    assert list(contact.memberships.values_list("account_id", "is_primary")) == [(account.pk, True)]
    assert "No account named or with the external id “Nope SL”." in _report(job)[3][1]


def test_changing_the_account_of_an_existing_contact_is_reverted_too(admin):
    old_account = AccountFactory(name="Old Co", owner=admin)
    AccountFactory(name="New Co", owner=admin)
    contact = ContactFactory(email="ana@example.com", owner=admin, primary_account=old_account)
    job = run_import(admin, "email,account\nana@example.com,New Co\n", update_by="email")
    assert job.updated_count == 1
    contact.refresh_from_db()
    assert contact.primary_account.name == "New Co"
    memberships = ContactAccountFactory._meta.model.objects.filter(contact=contact)
    assert list(memberships.values_list("account__name", flat=True)) == ["New Co"]
    import_revert(actor=admin, job=job)
    contact.refresh_from_db()
    assert contact.primary_account == old_account
