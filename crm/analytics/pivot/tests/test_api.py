"""The API, the exports (spreadsheet-safe), the HTML pages and the CLI."""

from __future__ import annotations

import csv
import io
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from crm.analytics.pivot.models import SavedReport
from crm.analytics.pivot.services import saved_report_create
from crm.core.api.tests.client import ApiClient, problem_fields

PIVOT = {
    "object": "opportunities",
    "rows": ["owner"],
    "columns": ["close_date:month"],
    "measure": "sum:amount",
}


def test_api_computes_a_pivot(world: Any) -> None:
    response = ApiClient(world.manager).post("/api/v1/analytics/pivot", PIVOT)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["currency"] == "EUR" and body["grand_total"] == "1580.00"
    assert [c["key"] for c in body["columns"]] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    rita = next(r for r in body["rows"] if r["members"][0]["label"] == "Rita Reyes")
    assert rita["values"] == ["300.00", "400.00", None] and rita["total"] == "700.00"


def test_api_scopes_a_rep(world: Any) -> None:
    body = ApiClient(world.rep).post("/api/v1/analytics/pivot", {**PIVOT, "measure": "count"}).json()
    assert body["grand_total"] == 3 and [r["members"][0]["label"] for r in body["rows"]] == ["Rita Reyes"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"object": "ships"}, "object"),
        ({"rows": ["colour"]}, "rows"),
        ({"columns": ["close_date:fortnight"]}, "columns"),
        ({"measure": "sum:colour"}, "measure"),
        ({"filters": {"colour": "red"}}, "filters.colour"),
    ],
)
def test_api_bad_input_is_a_problem_naming_the_field(world: Any, change: dict[str, Any], field: str) -> None:
    response = ApiClient(world.manager).post("/api/v1/analytics/pivot", {**PIVOT, **change})
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert field in problem_fields(response)


def test_api_report_crud_and_team_sharing(world: Any) -> None:
    api = ApiClient(world.rep)
    created = api.post(
        "/api/v1/analytics/reports", {"name": "By owner", "definition": PIVOT, "team_id": world.north.pk}
    )
    assert created.status_code == 201, created.content
    report_id = created.json()["id"]
    assert created.json()["definition"]["rows"] == ["owner"]
    # the manager is in North: sees it; Sam (South) does not
    assert ApiClient(world.manager).get(f"/api/v1/analytics/reports/{report_id}").status_code == 200
    assert ApiClient(world.other_rep).get(f"/api/v1/analytics/reports/{report_id}").status_code == 404
    assert ApiClient(world.other_rep).get("/api/v1/analytics/reports").json() == []
    # only the owner changes it
    assert (
        ApiClient(world.manager).patch(f"/api/v1/analytics/reports/{report_id}", {"name": "Mine"}).status_code
        == 404
    )
    patched = api.patch(f"/api/v1/analytics/reports/{report_id}", {"name": "Owners", "team_id": None})
    assert (
        patched.status_code == 200
        and patched.json()["name"] == "Owners"
        and patched.json()["team_id"] is None
    )
    assert (
        ApiClient(world.manager).get(f"/api/v1/analytics/reports/{report_id}").status_code == 404
    )  # private now
    assert api.delete(f"/api/v1/analytics/reports/{report_id}").status_code == 204
    assert not SavedReport.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "definition": PIVOT}, "name"),
        ({"name": "x", "definition": {**PIVOT, "rows": ["colour"]}}, "definition.rows"),
        ({"name": "x", "definition": {**PIVOT, "measure": "avg:colour"}}, "definition.measure"),
        ({"name": "x", "definition": PIVOT, "team_id": 999999}, "team"),
    ],
)
def test_api_refuses_a_bad_report_and_stores_nothing(world: Any, body: dict[str, Any], field: str) -> None:
    response = ApiClient(world.rep).post("/api/v1/analytics/reports", body)
    assert response.status_code == 422 and field in problem_fields(response)
    assert not SavedReport.objects.exists()


def test_api_bad_patch_changes_nothing(world: Any) -> None:
    report = saved_report_create(actor=world.rep, name="Kept", definition=PIVOT)
    response = ApiClient(world.rep).patch(
        f"/api/v1/analytics/reports/{report.pk}", {"name": "New", "definition": {**PIVOT, "object": "ships"}}
    )
    assert response.status_code == 422 and "definition.object" in problem_fields(response)
    report.refresh_from_db()
    assert report.name == "Kept" and report.definition["object"] == "opportunities"


def _evil_owner(world: Any) -> None:
    world.rep.full_name = '=HYPERLINK("http://evil")'
    world.rep.save(update_fields=["full_name"])


def test_export_csv_is_spreadsheet_safe(world: Any) -> None:
    _evil_owner(world)
    report = saved_report_create(actor=world.manager, name="Owners", definition=PIVOT)
    response = ApiClient(world.manager).get(
        f"/api/v1/analytics/reports/{report.pk}/export", {"format": "csv"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="owners.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["Owner", "Jan 2026", "Feb 2026", "Mar 2026", "Total"]
    assert ['\'=HYPERLINK("http://evil")', "300.00", "400.00", "", "700.00"] in rows
    assert rows[-1] == ["Total", "300.00", "480.00", "800.00", "1580.00"]


def test_export_xlsx_is_spreadsheet_safe(world: Any) -> None:
    from openpyxl import load_workbook

    _evil_owner(world)
    report = saved_report_create(actor=world.manager, name="Owners", definition=PIVOT)
    response = ApiClient(world.manager).get(
        f"/api/v1/analytics/reports/{report.pk}/export", {"format": "xlsx"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Owner", "Jan 2026", "Feb 2026", "Mar 2026", "Total"]
    evil = next(r for r in rows if str(r[0]).startswith("'="))
    assert evil[1:] == [300, 400, None, 700]
    assert rows[-1][-1] == 1580


def test_export_refuses_an_unknown_format_and_hides_others_reports(world: Any) -> None:
    report = saved_report_create(actor=world.rep, name="Mine", definition=PIVOT)
    response = ApiClient(world.rep).get(f"/api/v1/analytics/reports/{report.pk}/export", {"format": "pdf"})
    assert response.status_code == 422 and "format" in problem_fields(response)
    assert ApiClient(world.other_rep).get(f"/api/v1/analytics/reports/{report.pk}/export").status_code == 404


def test_builder_page_shows_the_table_with_drill_links(world: Any, client: Any) -> None:
    client.force_login(world.manager)
    page = client.get(
        "/analytics/pivot/",
        {
            "object": "opportunities",
            "row": "owner",
            "column": "close_date:month",
            "aggregate": "sum",
            "field": "amount",
        },
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Rita Reyes" in html and "€1,580.00" in html and "/analytics/pivot/records/?" in html
    records = client.get(
        "/analytics/pivot/records/",
        {
            "object": "opportunities",
            "row": "owner",
            "column": "close_date:month",
            "k": [str(world.rep.pk), "2026-01-01"],
        },
    )
    assert (
        records.status_code == 200
        and "Deal 0" in records.content.decode()
        and "Deal 4" not in records.content.decode()
    )
    bad = client.get("/analytics/pivot/", {"object": "opportunities", "row": "colour"})
    assert bad.status_code == 200 and "Unknown dimension" in bad.content.decode()


def test_saving_from_the_page_and_scheduling(world: Any, client: Any) -> None:
    client.force_login(world.rep)
    response = client.post(
        "/analytics/pivot/reports/",
        {"object": "opportunities", "row": "stage", "aggregate": "count", "name": "Stages", "share": "1"},
    )
    report = SavedReport.objects.get()
    assert (
        response.status_code == 302
        and report.team_id == world.north.pk
        and report.definition["rows"] == ["stage"]
    )
    client.post(
        f"/analytics/pivot/reports/{report.pk}/schedule/",
        {"frequency": "weekly", "recipients": "a@example.com, b@example.com"},
    )
    assert report.schedule.recipients == ["a@example.com", "b@example.com"]
    client.post(
        f"/analytics/pivot/reports/{report.pk}/schedule/",
        {"frequency": "weekly", "recipients": "not-an-email"},
    )
    report.schedule.refresh_from_db()
    assert report.schedule.recipients == ["a@example.com", "b@example.com"]  # unchanged by the bad input


def test_cli_pivot_prints_csv_and_json(world: Any) -> None:
    out = StringIO()
    call_command(
        "analytics",
        "pivot",
        "--object",
        "opportunities",
        "--rows",
        "owner",
        "--columns",
        "close_date:month",
        "--measure",
        "sum:amount",
        "--filter",
        "currency=EUR",
        stdout=out,
        stderr=StringIO(),
    )
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[-1] == ["Total", "100.00", "480.00", "", "580.00"]
    out = StringIO()
    call_command(
        "analytics",
        "pivot",
        "--object",
        "opportunities",
        "--rows",
        "team",
        "--format",
        "json",
        "--user",
        "rita@example.com",
        stdout=out,
        stderr=StringIO(),
    )
    assert json.loads(out.getvalue())["grand_total"] == 3
    with pytest.raises(CommandError, match="measure"):
        call_command(
            "analytics",
            "pivot",
            "--object",
            "opportunities",
            "--rows",
            "owner",
            "--measure",
            "sum:colour",
            stdout=StringIO(),
            stderr=StringIO(),
        )


def test_cli_runs_a_saved_report_as_its_owner(world: Any) -> None:
    report = saved_report_create(actor=world.rep, name="Mine", definition={**PIVOT, "measure": "count"})
    out = StringIO()
    call_command("analytics", "report", "run", str(report.pk), stdout=out, stderr=StringIO())
    assert list(csv.reader(io.StringIO(out.getvalue())))[-1] == [
        "Total",
        "2",
        "1",
        "3",
    ]  # the months Rita sees
