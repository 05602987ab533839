"""What a spreadsheet cell may hold, for every CSV and XLSX the app writes (the list exports, the open data).

Formula injection: a text cell starting with = + - @, a tab or a line break would be run as a formula by a
spreadsheet; it is written with a leading single quote instead, so it shows as the text it is.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def escape_formula(value):
    """Text a spreadsheet would take for a formula gets a leading single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
