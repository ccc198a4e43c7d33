"""Export of any statistics view as CSV or XLSX.

``GET /api/v1/nps/export/?view=summary|timeseries|breakdown|ranking|compare&format=csv|xlsx``
plus that view's own parameters (interval, by, min_responses, a_from..b_to) and the filters.
One header row, then one row per period / unit (one row for summary, two for compare). Text a
spreadsheet would run as a formula is prefixed with an apostrophe (``npshub.spreadsheet``).
"""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema

from npshub.feedback import stats
from npshub.feedback.api.stats import FilteredView, choice, run_view
from npshub.feedback.filters import CompareFilterSet, CompareForm, StatsFilterSet, StatsForm
from npshub.spreadsheet import safe_cell

VIEWS = ("summary", "timeseries", "breakdown", "ranking", "compare")
FORMATS = ("csv", "xlsx")
SCORE_COLUMNS = ("nps", "responses", "promoters", "passives", "detractors", "margin_of_error", "small_sample",
                 "skipped", "csat", "csat_responses", "ces", "ces_responses")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table(view, data):
    """(header, rows) of a view's data."""
    if view == "summary":
        return list(SCORE_COLUMNS), [[data[c] for c in SCORE_COLUMNS]]
    if view == "timeseries":
        header = ["period_start", *SCORE_COLUMNS]
        return header, [[point[c] for c in header] for point in data["points"]]
    if view == "breakdown":
        header = [data["by"], "label", *SCORE_COLUMNS]  # the slug keeps its own column
        return header, [[row["key"], row["label"], *(row[c] for c in SCORE_COLUMNS)] for row in data["rows"]]
    if view == "ranking":
        header = ["rank", data["by"], "label", "lower_bound", "ranked", *SCORE_COLUMNS]
        return header, [
            [row["rank"], row["key"], row["label"], row["lower_bound"], row["ranked"], *(row[c] for c in SCORE_COLUMNS)]
            for row in data["rows"]
        ]
    header = ["period", *SCORE_COLUMNS, "change", "change_margin_of_error", "significant"]
    rows = []
    for side in ("a", "b"):
        extra = [data["change"], data["change_margin_of_error"], data["significant"]] if side == "b" else ["", "", ""]
        rows.append([side, *(data[side][c] for c in SCORE_COLUMNS), *extra])
    return header, rows


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return safe_cell(value)


def to_csv(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def to_xlsx(header, rows, title, filters):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(value, xlsx=True) for value in row])
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(12, len(str(name)) + 2)
    about = workbook.create_sheet("filters")
    about.append(["parameter", "value"])
    for name, value in filters:
        about.append([safe_cell(name, xlsx=True), safe_cell(value, xlsx=True)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class ExportForm(StatsForm):
    ordered = (*StatsForm.ordered, *CompareForm.ordered)


class ExportFilterSet(StatsFilterSet, CompareFilterSet):
    """What an export takes: the statistics filters and a comparison's two periods (``a_from``..``b_to``,
    for ``view=compare``); each view reads its own through ``run_view``."""

    class Meta(StatsFilterSet.Meta):
        form = ExportForm


def filename(view, data, fmt):
    detail = data.get("interval") or data.get("by") if isinstance(data, dict) else None
    stamp = timezone.localdate().isoformat()
    return "-".join(part for part in ("nps", view, detail, stamp) if part) + f".{fmt}"


class ExportView(FilteredView):
    filterset_class = ExportFilterSet

    def perform_content_negotiation(self, request, force=False):
        # ``?format=csv`` names the file format, not a DRF renderer: errors still render as JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        tags=["nps"],
        summary="Export a statistics view as CSV or XLSX",
        description="The summary, timeseries, breakdown, ranking or compare view (`view`) of the filtered "
                    "responses as a file, for any signed-in employee: one header row, then one row per "
                    "period or unit. 400 (JSON) for a bad view, format or filter.",
        parameters=[
            OpenApiParameter("view", str, enum=list(VIEWS), required=True),
            OpenApiParameter("format", str, enum=list(FORMATS), description="csv (default) or xlsx"),
            OpenApiParameter("interval", str, enum=list(stats.INTERVALS), description="timeseries"),
            OpenApiParameter("by", str, enum=list(stats.BREAKDOWNS), description="breakdown, ranking"),
            OpenApiParameter("min_responses", int, description="ranking"),
        ],
        responses={(200, "text/csv"): OpenApiTypes.BINARY, (200, XLSX_TYPE): OpenApiTypes.BINARY},
    )
    def get(self, request):
        params = request.query_params
        view = choice(params, "view", VIEWS, None)
        # ``format`` is DRF's own content-negotiation parameter; read it from the raw query.
        fmt = choice(request._request.GET, "format", FORMATS, "csv")
        data = run_view(view, params)
        header, rows = table(view, data)
        filters = [(name, params.get(name)) for name in params if name not in ("view", "format")]
        if fmt == "csv":
            body, content_type = to_csv(header, rows), "text/csv; charset=utf-8"
        else:
            body, content_type = to_xlsx(header, rows, view, filters), XLSX_TYPE
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename(view, data, fmt)}"'
        return response

