"""Import wizard (upload → mapping → preview → run with progress → result), exports, the vCard download."""

from __future__ import annotations

import csv
import io
import itertools
import tempfile
from collections.abc import Iterator
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crm.contacts.selectors import contact_card_get
from crm.core.errors import InvalidInput, PermissionDenied, RecordNotFound
from crm.core.identity.permissions import user_can
from crm.integrations.dataio import selectors, services
from crm.integrations.dataio.enums import ExportStatus, ImportObject, ImportStatus
from crm.integrations.dataio.forms import ImportMappingForm, ImportUploadForm
from crm.integrations.dataio.mapping import target_get
from crm.integrations.dataio.services.exports import export_is_large
from crm.integrations.dataio.vcards import vcard_render


def _domain(view: Any) -> Any:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except RecordNotFound:
            raise Http404() from None
        except PermissionDenied as exc:
            raise HttpPermissionDenied(exc.message) from None

    return wrapper


def _errors(exc: InvalidInput) -> list[str]:
    lines = [str(m) for messages_ in exc.field_errors.values() for m in messages_]
    return lines or [exc.message]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_response(name: str, header: list[str], rows: Iterator[list[Any]]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([selectors.cell_safe(c) for c in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


# --- the wizard ---------------------------------------------------------------------------------------------


@login_required
@_domain
def import_list(request: HttpRequest) -> HttpResponse:
    """Past imports, and step 1: upload a file."""
    allowed = [(v, label) for v, label in ImportObject.choices if user_can(request.user, v, "create")]
    if not allowed:
        raise PermissionDenied()
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        initial={"object_type": request.GET.get("object") or ImportObject.CONTACTS},
    )
    form.fields["object_type"].choices = allowed  # type: ignore[attr-defined]
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = services.import_create(
                    actor=request.user,
                    object_type=form.cleaned_data["object_type"],
                    file=upload,
                    name=upload.name,
                    size=upload.size,
                )
                return redirect("dataio:import_mapping", pk=job.pk)
            except InvalidInput as exc:
                for line in _errors(exc):
                    form.add_error("file", line)
        status = 422
    jobs = selectors.import_job_list(user=request.user)
    return render(request, "dataio/import_list.html", {"form": form, "jobs": jobs}, status=status)


def _field_choices(object_type: str) -> list[tuple[str, str]]:
    return [(f.name, str(f.label)) for f in target_get(object_type).fields]


@login_required
@_domain
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 2: which column goes to which field (suggested), how to match existing records, dates and numbers."""
    job = selectors.import_job_get(user=request.user, pk=pk)
    if job.status != ImportStatus.DRAFT:
        return redirect("dataio:import_detail", pk=job.pk)
    initial: dict[str, Any] = {
        "update_by": job.update_by,
        "date_order": job.options.get("date_order"),
        "decimal": job.options.get("decimal"),
    }
    initial.update({f"col_{i}": m for i, m in enumerate(job.mapping)})
    form = ImportMappingForm(
        request.POST or None, headers=job.headers, choices=_field_choices(job.object_type), initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.import_configure(
                    actor=request.user,
                    job=job,
                    mapping=form.mapping(),
                    update_by=form.cleaned_data["update_by"],
                    date_order=form.cleaned_data["date_order"],
                    decimal=form.cleaned_data["decimal"],
                    save_as=form.cleaned_data["save_as"],
                )
                return redirect("dataio:import_preview", pk=job.pk)
            except InvalidInput as exc:
                for name, lines in exc.field_errors.items():
                    target = name if name in form.fields else None
                    for line in lines:
                        form.add_error(target, line)
        status = 422
    preview = services.import_preview(job=job, limit=3)
    samples = [[r.cells[i] if i < len(r.cells) else "" for r in preview] for i in range(len(job.headers))]
    columns = list(zip(form.column_fields(), samples, strict=True))
    return render(
        request, "dataio/import_mapping.html", {"job": job, "form": form, "columns": columns}, status=status
    )


@login_required
@require_GET
@_domain
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 3: the first rows as the import will read them, with what is wrong in each."""
    job = selectors.import_job_get(user=request.user, pk=pk)
    if job.status != ImportStatus.DRAFT:
        return redirect("dataio:import_detail", pk=job.pk)
    rows = services.import_preview(job=job)
    mapped = [(i, job.headers[i]) for i, m in enumerate(job.mapping) if m]
    labels = dict(_field_choices(job.object_type))
    context = {
        "job": job,
        "rows": [
            (r, [(labels[job.mapping[i]], r.cells[i] if i < len(r.cells) else "") for i, _h in mapped])
            for r in rows
        ],
        "mapped": [(h, labels[job.mapping[i]]) for i, h in mapped],
        "ok_count": sum(1 for r in rows if r.outcome == "ok"),
        "problem_count": sum(1 for r in rows if r.outcome != "ok"),
    }
    return render(request, "dataio/import_preview.html", context)


@login_required
@require_POST
@_domain
def import_start(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_get(user=request.user, pk=pk)
    try:
        services.import_start(actor=request.user, job=job)
    except InvalidInput as exc:
        messages.error(request, " ".join(_errors(exc)))
    return redirect("dataio:import_detail", pk=job.pk)


@login_required
@require_POST
@_domain
def import_resume(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_get(user=request.user, pk=pk)
    try:
        services.import_resume(actor=request.user, job=job)
    except InvalidInput as exc:
        messages.error(request, " ".join(_errors(exc)))
    return redirect("dataio:import_detail", pk=job.pk)


@login_required
@require_POST
@_domain
def import_revert(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_get(user=request.user, pk=pk)
    try:
        services.import_revert(actor=request.user, job=job)
        messages.success(
            request,
            _(
                "The import was reverted: created records are in the recycle bin and updated "
                "ones have their previous values back."
            ),
        )
    except InvalidInput as exc:
        messages.error(request, " ".join(_errors(exc)))
    return redirect("dataio:import_detail", pk=job.pk)


@login_required
@require_GET
@_domain
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 4 and 5: the progress bar while it runs, then the result with its counts and reports."""
    job = selectors.import_job_get(user=request.user, pk=pk)
    if job.status == ImportStatus.DRAFT:
        return redirect("dataio:import_mapping", pk=job.pk)
    return render(request, "dataio/import_detail.html", {"job": job})


@login_required
@require_GET
@_domain
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment (htmx polls it); once finished the whole result replaces it."""
    job = selectors.import_job_get(user=request.user, pk=pk)
    response = render(request, "dataio/import_detail.html#status", {"job": job})
    if not job.is_active:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
@_domain
def import_report(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    job = selectors.import_job_get(user=request.user, pk=pk)
    header = [_("Row"), _("Outcome"), _("Problem"), *job.headers]
    return _csv_response(f"import-{job.pk}-report.csv", header, selectors.import_report_rows(job=job))


@login_required
@require_GET
@_domain
def import_changes(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    job = selectors.import_job_get(user=request.user, pk=pk)
    header = ["ID", _("Outcome"), _("Field"), _("Value before the import")]
    return _csv_response(f"import-{job.pk}-changes.csv", header, selectors.import_changes_rows(job=job))


# --- exports ------------------------------------------------------------------------------------------------


@login_required
@require_GET
@_domain
def export(request: HttpRequest, object_type: str) -> HttpResponseBase:
    """The list as CSV or XLSX: at once up to 10,000 rows, as a background job (with a progress page) beyond."""
    params = request.GET
    file_format = params.get("format") or "csv"
    if object_type not in selectors.EXPORT_OBJECTS:
        raise Http404()
    try:
        if export_is_large(user=request.user, object_type=object_type, params=params):
            job = services.export_start(
                user=request.user, object_type=object_type, params=params, file_format=file_format
            )
            return redirect("dataio:export_detail", pk=job.pk)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        name = f"{selectors.export_file_stem(object_type)}-{stamp}.{file_format}"
        if file_format == "csv":
            if not user_can(request.user, object_type, "export"):
                raise PermissionDenied()
            header, chunks = selectors.export_csv_bytes(
                user=request.user, object_type=object_type, params=params
            )
            head = io.StringIO()
            csv.writer(head).writerow(header)
            response = StreamingHttpResponse(
                itertools.chain([("\ufeff" + head.getvalue()).encode("utf-8")], chunks),
                content_type="text/csv; charset=utf-8",
            )
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            response["Cache-Control"] = "no-store"
            return response
        tmp = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when the download ends
        services.export_write(
            user=request.user, object_type=object_type, params=params, file_format=file_format, out=tmp
        )
        tmp.seek(0)
        return FileResponse(
            tmp,
            as_attachment=True,
            filename=name,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    except InvalidInput as exc:
        return HttpResponse("\n".join(_errors(exc)), status=400, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
@_domain
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.export_job_get(user=request.user, pk=pk)
    template = (
        "dataio/export_detail.html#status" if getattr(request, "htmx", None) else "dataio/export_detail.html"
    )
    return render(
        request,
        template,
        {"job": job, "is_active": job.status in {ExportStatus.QUEUED, ExportStatus.RUNNING}},
    )


@login_required
@require_GET
@_domain
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    job = selectors.export_job_get(user=request.user, pk=pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404()
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])


# --- vCard --------------------------------------------------------------------------------------------------


@login_required
@require_GET
@_domain
def contact_vcard(request: HttpRequest, pk: int) -> HttpResponse:
    version = "4.0" if request.GET.get("version") == "4.0" else "3.0"
    data = contact_card_get(user=request.user, pk=pk)
    response = HttpResponse(vcard_render([data], version=version), content_type="text/vcard; charset=utf-8")
    slug = (
        "".join(c for c in (data["full_name"] or "contact") if c.isalnum() or c in " -_")
        .strip()
        .replace(" ", "-")
    )
    response["Content-Disposition"] = f'attachment; filename="{slug or "contact"}.vcf"'
    return response
