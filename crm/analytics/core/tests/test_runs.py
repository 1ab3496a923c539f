"""Analysis runs: queue (once per kind), execute, fail clearly; permissions; the API, the hub and the CLI."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from crm.analytics.core.enums import RunStatus
from crm.analytics.core.models import AnalysisRun
from crm.analytics.core.services import analyses_refresh_due, analysis_run_execute, analysis_run_request
from crm.core.api.tests.client import ApiClient, problem_fields
from crm.core.errors import InvalidInput, PermissionDenied, RecordNotFound

pytestmark = pytest.mark.django_db


def test_a_queued_run_executes_and_keeps_its_result(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    manager = make_user("sales_manager")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = analysis_run_request(kind="test-ok", params={"horizon": 12}, actor=manager)
    assert run.status == RunStatus.QUEUED and len(callbacks) == 1  # the job is queued after commit
    heard: list[tuple[int, str]] = []
    run = analysis_run_execute(run_id=run.pk, on_progress=lambda p, m: heard.append((p, m)))
    assert run.status == RunStatus.DONE
    assert run.progress == 100 and run.finished_at is not None and run.started_at is not None
    assert run.result == {"answer": 42, "params": {"horizon": 12}}
    assert heard == [(50, "half way")]
    assert analysis_run_execute(run_id=run.pk).finished_at == run.finished_at  # a second delivery is a no-op


def test_a_second_request_while_one_is_queued_returns_the_same_run(make_user: Any) -> None:
    manager = make_user("sales_manager")
    first = analysis_run_request(kind="test-ok", actor=manager)
    second = analysis_run_request(kind="test-ok", actor=None)
    assert second.pk == first.pk
    assert AnalysisRun.objects.filter(kind="test-ok").count() == 1


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("test-refuses", "There are no orders to analyse."),
        ("test-crashes", "The analysis stopped on an unexpected"),
    ],
)
def test_a_run_that_fails_says_why_and_keeps_the_previous_result(kind: str, error: str) -> None:
    AnalysisRun.objects.create(kind=kind, status=RunStatus.DONE, result={"old": True})
    run = analysis_run_execute(run_id=analysis_run_request(kind=kind, actor=None).pk)
    assert run.status == RunStatus.FAILED and run.error.startswith(error)
    assert run.result == {}
    assert AnalysisRun.objects.get(kind=kind, status=RunStatus.DONE).result == {"old": True}


def test_unknown_analysis_and_a_rep_are_refused_and_nothing_is_queued(make_user: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        analysis_run_request(kind="nope", actor=None)
    assert "kind" in caught.value.field_errors
    with pytest.raises(RecordNotFound):  # a rep does not see company-wide analyses at all
        analysis_run_request(kind="test-ok", actor=make_user("sales_rep"))
    with pytest.raises(PermissionDenied):  # read-only users see them but may not refresh
        analysis_run_request(kind="test-ok", actor=make_user("read_only"))
    assert not AnalysisRun.objects.exists()


def test_api_queues_a_run_and_reports_its_progress(make_user: Any) -> None:
    manager = make_user("sales_manager")
    api = ApiClient(manager)
    response = api.post("/api/v1/analytics/runs", {"kind": "test-ok", "params": {"a": 1}})
    assert response.status_code == 202, response.content
    run_id = response.json()["id"]
    assert response.json()["status"] == "queued"
    analysis_run_execute(run_id=run_id)
    body = api.get(f"/api/v1/analytics/runs/{run_id}").json()
    assert body["status"] == "done" and body["progress"] == 100
    listed = {a["key"]: a for a in api.get("/api/v1/analytics/analyses").json()}
    assert listed["test-ok"]["latest_run"] == run_id and listed["test-ok"]["computed_at"]


def test_api_refuses_bad_input_and_hides_runs_from_reps(make_user: Any) -> None:
    manager, rep = make_user("sales_manager"), make_user("sales_rep")
    response = ApiClient(manager).post("/api/v1/analytics/runs", {"kind": "nope"})
    assert response.status_code == 422 and "kind" in problem_fields(response)
    response = ApiClient(rep).post("/api/v1/analytics/runs", {"kind": "test-ok"})
    assert response.status_code == 404
    assert not AnalysisRun.objects.exists()
    run = analysis_run_request(kind="test-ok", actor=manager)
    assert ApiClient(rep).get(f"/api/v1/analytics/runs/{run.pk}").status_code == 404
    assert ApiClient(rep).get("/api/v1/analytics/analyses").json() == []


def test_hub_lists_analyses_and_the_refresh_button_queues_a_run(make_user: Any, client: Any) -> None:
    manager = make_user("sales_manager")
    client.force_login(manager)
    page = client.get("/analytics/")
    assert page.status_code == 200
    assert b'data-analysis="test-ok"' in page.content and b"Not computed yet." in page.content
    response = client.post("/analytics/refresh/test-ok/run/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"progress" in response.content
    run = AnalysisRun.objects.get(kind="test-ok")
    analysis_run_execute(run_id=run.pk)
    polled = client.get(f"/analytics/refresh/test-ok/?watching={run.pk}", HTTP_HX_REQUEST="true")
    assert polled["HX-Refresh"] == "true"  # the watched run ended: the page reloads to show the result
    assert b"Computed" in polled.content


def test_a_rep_sees_no_company_wide_analyses(make_user: Any, client: Any) -> None:
    client.force_login(make_user("sales_rep"))
    assert b'data-analysis="test-ok"' not in client.get("/analytics/").content
    assert client.get("/analytics/refresh/test-ok/").status_code == 404
    assert client.post("/analytics/refresh/test-ok/run/").status_code == 404
    assert not AnalysisRun.objects.exists()


def test_cli_refresh_runs_now_and_prints_json() -> None:
    out, err = StringIO(), StringIO()
    call_command("analytics", "refresh", "test-ok", "--param", "horizon=6", stdout=out, stderr=err)
    body = json.loads(out.getvalue())
    run = AnalysisRun.objects.get(pk=body["run"])
    assert run.status == RunStatus.DONE and run.params == {"horizon": "6"}
    assert "50%" in err.getvalue()


def test_cli_refresh_reports_a_refusal_without_a_traceback() -> None:
    with pytest.raises(CommandError, match=r"There are no orders to analyse\."):
        call_command("analytics", "refresh", "test-refuses", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="kind"):
        call_command("analytics", "refresh", "nope", stdout=StringIO(), stderr=StringIO())


def test_the_daily_refresh_queues_only_stale_analyses_once() -> None:
    now = timezone.now()
    AnalysisRun.objects.create(kind="test-ok", status=RunStatus.DONE, finished_at=now - dt.timedelta(hours=2))
    AnalysisRun.objects.create(
        kind="test-refuses", status=RunStatus.FAILED, finished_at=now - dt.timedelta(hours=30)
    )
    queued = {run.kind for run in analyses_refresh_due(now=now)}
    assert "test-ok" not in queued  # computed two hours ago
    assert {"test-refuses", "test-crashes"} <= queued  # failed yesterday / never ran
    assert analyses_refresh_due(now=now) == []  # the ones queued are under way: nothing twice
