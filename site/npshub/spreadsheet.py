"""The one rule for every cell we write to a CSV or XLSX file (API exports, the Wagtail admin's
``list_export`` downloads, reports): text a spreadsheet would run as a formula (starting with
``= + - @``, a tab or a carriage return) gets a leading apostrophe, and characters an XLSX file
cannot hold (control characters) are dropped, so no export ever fails on them.

    writer.writerow([safe_cell(value) for value in row])
    sheet.append([safe_cell(value, xlsx=True) for value in row])

``install()`` (from the core app's ready()) applies the rule to Wagtail's SpreadsheetExportMixin,
which every admin listing with ``list_export`` (modeladmin, snippets, reports) writes through.
"""

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell(value, xlsx=False):
    """``value`` as it may go into a cell; only text is changed."""
    if not isinstance(value, str):
        return value
    if xlsx and _XLSX_ILLEGAL.search(value):
        value = _XLSX_ILLEGAL.sub("", value)
    if value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def install():
    """Every Wagtail admin spreadsheet export neutralises formulas (idempotent)."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    original = SpreadsheetExportMixin.preprocess_field_value
    if getattr(original, "npshub_safe_cell", False):
        return

    def preprocess_field_value(self, field, value, export_format):
        return safe_cell(original(self, field, value, export_format), xlsx=export_format == self.FORMAT_XLSX)

    preprocess_field_value.npshub_safe_cell = True
    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
