"""Merge fields of sample-letter templates, shared by the resource library and campaign letters.

A template body is plain text with merge fields written ``{{ official }}``. Only the fields in
``MERGE_FIELDS`` exist; anything else between double braces is an error that names the field, so a
typo is caught when the sample letter is saved rather than when an organizer drafts a letter.
Bodies are never rendered by Django's template engine: filling them is a plain substitution.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# name -> what it is filled with (shown to staff writing a template).
MERGE_FIELDS = {
    "official": _("the official's name"),
    "title": _("the official's title"),
    "agency": _("the official's agency"),
    "jurisdiction": _("the county or city"),
    "campaign": _("the campaign's name"),
    "sender": _("the person or coalition sending the letter"),
    "date": _("the letter's date"),
}

# Anything between double braces, so unknown and malformed names are found as well as good ones.
MERGE_FIELD_RE = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


def merge_fields_help():
    """One line for form help texts: the fields and what each is filled with."""
    return format_lazy(
        "{}: {}",
        _("Merge fields"),
        ", ".join(f"{{{{ {name} }}}}" for name in MERGE_FIELDS),
    )


def merge_fields_in(text):
    """The merge field names used in `text`, in order of first use, without repeats (known or not)."""
    seen = []
    for match in MERGE_FIELD_RE.finditer(text or ""):
        name = match.group(1).strip()
        if name not in seen:
            seen.append(name)
    return seen


def validate_template_body(text):
    """Raise ValidationError naming every unknown or malformed merge field; return the fields used."""
    text = text or ""
    names = merge_fields_in(text)
    errors = []
    unknown = [name for name in names if name not in MERGE_FIELDS]
    if unknown:
        errors.append(
            ValidationError(
                ngettext(
                    "Unknown merge field %(fields)s. Use only: %(allowed)s.",
                    "Unknown merge fields %(fields)s. Use only: %(allowed)s.",
                    len(unknown),
                )
                % {
                    "fields": ", ".join(f"{{{{ {name} }}}}" if name else "{{ }}" for name in unknown),
                    "allowed": ", ".join(f"{{{{ {name} }}}}" for name in MERGE_FIELDS),
                },
                code="unknown_merge_field",
            )
        )
    # Braces left over once every {{ ... }} is taken out: "{{ official" or "date }}".
    rest = MERGE_FIELD_RE.sub("", text)
    if "{{" in rest or "}}" in rest:
        errors.append(
            ValidationError(
                _("A merge field is not closed: write each one as {{ name }}, with two braces on each side."),
                code="unclosed_merge_field",
            )
        )
    if errors:
        raise ValidationError(errors)
    return names


def fill_template(text, values):
    """Replace each merge field with values[name] (missing values become empty); text outside is kept."""

    def replace(match):
        name = match.group(1).strip()
        if name not in MERGE_FIELDS:
            return match.group(0)
        return str(values.get(name, "") or "")

    return MERGE_FIELD_RE.sub(replace, text or "")
