"""Every list as CSV and XLSX: the page's own filters and access rules, streamed, safe to open in a spreadsheet.

One column spec per list (`lists.export_specs()`, made of `columns`); `writing` turns rows into files
and responses. An export reads exactly the rows its page shows — the same access queryset and the
same FilterSet, with the page's ordering, every page at once — as `values_list` rows through
`.iterator(chunk_size=2000)`, so 100,000 rows never sit in memory:

- CSV is streamed (StreamingHttpResponse) as the rows come from the database.
- XLSX is written by openpyxl (core.xlsx) into a temporary file as the rows come, then sent from that
  file (FileResponse, with its length): the download starts once the workbook is whole.

What is never exported: notes and narrative text. Meetings export no text written about them at all —
not who attended, the summary, commitments, answers or the confidential notes — because names of
community members can appear in any of them; only when, where (the campaign), what kind, the
question set and counts. Deadline notes, the text of records requests and agencies' responses,
assignment notes and withdrawal reasons, and resource summaries are left out too. What is exported
is names, titles, subjects, codes, dates and counts, and a campaign's stated outcome.

Formula injection: a text cell starting with = + - @, a tab or a line break is prefixed with a single
quote, in both formats, so a spreadsheet shows it as text instead of running it.
"""

from core.cells import FORMULA_STARTS, escape_formula

from .columns import BadFilters, Column, ListExport
from .lists import export_specs, public_exports_allowed
from .writing import CHUNK_SIZE, FORMATS, XLSX_TYPE, export_response, headers

__all__ = [
    "CHUNK_SIZE",
    "FORMATS",
    "FORMULA_STARTS",
    "XLSX_TYPE",
    "BadFilters",
    "Column",
    "ListExport",
    "escape_formula",
    "export_response",
    "export_specs",
    "headers",
    "public_exports_allowed",
]
