"""Forms that change jurisdiction policy data: the staff policy form and the admin's policy record form."""

import datetime
import secrets
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from core.uploads import DOCX, GIF, JPEG, PDF, PNG, WEBP, sniff_content_type

from .models import DIMENSION_VALUES, Dimension, Official, PolicyRecord, PolicyValue
from .selectors import months_after

MAX_DOCUMENT_SIZE = 10 * 1024 * 1024
# How far ahead a policy may take effect: a board vote can set a date months out, not years.
MAX_DAYS_AHEAD = 365
EARLIEST_EFFECTIVE_DATE = datetime.date(1900, 1, 1)

# Extension -> content type, for the kinds of source documents we keep.
DOCUMENT_TYPES = {
    ".pdf": PDF,
    ".docx": DOCX,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".gif": GIF,
    ".webp": WEBP,
}


def validate_source_document(upload):
    """Check size and content of an uploaded source document; give it a name that cannot be guessed."""
    if upload.size > MAX_DOCUMENT_SIZE:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s. Upload a smaller file or give a link instead."),
            code="too_big",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_DOCUMENT_SIZE)},
        )
    extension = PurePath(upload.name).suffix.lower()
    expected = DOCUMENT_TYPES.get(extension)
    if expected is None:
        raise ValidationError(
            _("Upload a PDF, a Word document (.docx) or an image (PNG, JPEG, GIF or WebP)."), code="extension"
        )
    if sniff_content_type(upload) != expected:
        raise ValidationError(
            _("This file's content is not a valid %(extension)s file. Upload the original document."),
            code="content",
            params={"extension": extension.lstrip(".").upper()},
        )
    stem = get_valid_filename(PurePath(upload.name).stem)[:60] or "document"
    upload.name = f"{secrets.token_hex(8)}-{stem}{extension}"
    return upload


def dimension_value_error(dimension, value):
    """A clear message when the value does not belong to the dimension, else None."""
    allowed = DIMENSION_VALUES.get(dimension)
    if allowed is None or value in allowed:
        return None
    return _("“%(value)s” is not a value of %(dimension)s. Choose one of: %(allowed)s.") % {
        "value": PolicyValue(value).label if value in PolicyValue.values else value,
        "dimension": Dimension(dimension).label,
        "allowed": ", ".join(str(PolicyValue(v).label) for v in allowed),
    }


def effective_date_error(effective_date):
    latest = timezone.localdate() + datetime.timedelta(days=MAX_DAYS_AHEAD)
    if effective_date > latest:
        return _("The effective date can be at most a year ahead (until %(date)s).") % {"date": latest.isoformat()}
    if effective_date < EARLIEST_EFFECTIVE_DATE:
        return _("The effective date must be in 1900 or later.")
    return None


# A holds record's answer to "does the jail hold people for ICE only on a judicial warrant?"
WARRANT_CHOICES = [
    ("unknown", _("Not known")),
    ("yes", _("Yes: only on a judicial warrant or a judge's order")),
    ("no", _("No: an ICE detainer alone is enough")),
]
WARRANT_VALUES = {"unknown": None, "yes": True, "no": False}


def judicial_warrant_error(dimension, judicial_warrant):
    """A clear message when a record other than holds says something about warrants, else None."""
    if judicial_warrant is not None and dimension != Dimension.HOLDS:
        return _("Only a record of ICE holds says whether a judicial warrant is required; leave it as not known.")
    return None


class DimensionValueSelect(forms.Select):
    """The values grouped by dimension; each option carries its dimension so the page can hide the others."""

    dimension = ""

    def optgroups(self, name, value, attrs=None):
        chosen = str(value[0]) if value and value[0] is not None else ""
        groups = [(None, [self.create_option(name, "", "---------", not chosen, 0)], 0)]
        index = 1
        # A value such as "none" belongs to several dimensions: select it in the chosen dimension's group.
        dimension_of_choice = self.dimension if chosen in DIMENSION_VALUES.get(self.dimension, []) else None
        for dimension, values in DIMENSION_VALUES.items():
            options = []
            for option_value in values:
                selected = option_value == chosen and dimension_of_choice in (None, dimension)
                if selected:
                    dimension_of_choice = dimension
                option = self.create_option(name, option_value, PolicyValue(option_value).label, selected, index)
                option["attrs"]["data-dimension"] = dimension
                options.append(option)
                index += 1
            groups.append((Dimension(dimension).label, options, index))
        return groups


class PolicyRecordForm(forms.Form):
    """What staff enter to record one dimension of a jurisdiction's policy."""

    dimension = forms.ChoiceField(
        label=_("Dimension"),
        choices=[("", "---------"), *Dimension.choices],
        help_text=_("287(g) records normally come from the agreements imported from ICE's list."),
    )
    value = forms.ChoiceField(
        label=_("Value"),
        choices=[("", "---------"), *PolicyValue.choices],
        widget=DimensionValueSelect,
    )
    judicial_warrant = forms.TypedChoiceField(
        label=_("Holds only on a judicial warrant"),
        choices=WARRANT_CHOICES,
        coerce=WARRANT_VALUES.__getitem__,
        required=False,
        empty_value=None,
        initial="unknown",
        help_text=_(
            "ICE holds only: does the jail keep someone for ICE only when a judge has signed a warrant or "
            "order? An ICE detainer is not one."
        ),
    )
    effective_date = forms.DateField(
        label=_("Effective date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("When the policy took (or takes) effect."),
    )
    source_url = forms.URLField(
        label=_("Source link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_("A public page or document that shows this policy."),
    )
    source_document = forms.FileField(
        label=_("Source document"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(DOCUMENT_TYPES)}),
        help_text=_("PDF, Word (.docx) or image, up to 10 MB: a policy, a letter, a records response."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the source says, and anything a reader should know."),
    )
    note_internal = forms.BooleanField(
        label=_("Keep the note internal"),
        required=False,
        help_text=_("Only your organization's people read it; the public county page and the API leave it out."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].widget.dimension = self.data.get("dimension", "") if self.is_bound else ""

    def clean_effective_date(self):
        effective_date = self.cleaned_data["effective_date"]
        error = effective_date_error(effective_date)
        if error:
            raise ValidationError(error, code="date_range")
        return effective_date

    def clean_source_document(self):
        upload = self.cleaned_data.get("source_document")
        if upload:
            validate_source_document(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        dimension, value = cleaned.get("dimension"), cleaned.get("value")
        if dimension and value:
            error = dimension_value_error(dimension, value)
            if error:
                self.add_error("value", error)
        warrant_error = judicial_warrant_error(dimension, cleaned.get("judicial_warrant"))
        if warrant_error:
            self.add_error("judicial_warrant", warrant_error)
        if (
            not cleaned.get("source_url")
            and not cleaned.get("source_document")
            and "source_url" not in self.errors
            and "source_document" not in self.errors
        ):
            self.add_error(None, _("Give a source: a link, an uploaded document, or both."))
        return cleaned


class PolicyRecordAdminForm(forms.ModelForm):
    """The admin's form: the same checks as the staff form, so the admin cannot store what the page would refuse."""

    source_url = forms.URLField(label=_("source URL"), required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = PolicyRecord
        fields = [
            "jurisdiction",
            "dimension",
            "value",
            "judicial_warrant",
            "effective_date",
            "source_url",
            "source_document",
            "note",
            "note_internal",
            "is_demo",
            "agreement",
        ]

    def clean_effective_date(self):
        effective_date = self.cleaned_data["effective_date"]
        error = effective_date_error(effective_date)
        if error:
            raise ValidationError(error, code="date_range")
        return effective_date

    def clean_source_document(self):
        upload = self.cleaned_data.get("source_document")
        # Only a new upload is checked; a document already stored was checked when it came in.
        if isinstance(upload, UploadedFile):
            validate_source_document(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        dimension, value = cleaned.get("dimension"), cleaned.get("value")
        if dimension and value:
            error = dimension_value_error(dimension, value)
            if error:
                self.add_error("value", error)
        warrant_error = judicial_warrant_error(dimension, cleaned.get("judicial_warrant"))
        if warrant_error:
            self.add_error("judicial_warrant", warrant_error)
        return cleaned


# An election date further out than this is a typo (2206 for 2026), not a plan.
MAX_ELECTION_YEARS_AHEAD = 10


class OfficialForm(forms.ModelForm):
    """What staff keep about an official: office, term, next election, party, contact, and where it comes from."""

    website = forms.URLField(label=_("Website"), required=False, max_length=300, assume_scheme="https")
    source_url = forms.URLField(
        label=_("Source link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_("A public page that shows these facts: the elections office, the county's own page."),
    )

    class Meta:
        model = Official
        fields = [
            "agency",
            "office",
            "name",
            "title",
            "district",
            "party",
            "is_active",
            "term_start",
            "term_end",
            "next_election",
            "email",
            "phone",
            "website",
            "source",
            "source_url",
            "verified_on",
        ]
        widgets = {
            name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for name in ("term_start", "term_end", "next_election", "verified_on")
        }

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["agency"].empty_label = None
        if not self.instance.pk:
            self.fields["verified_on"].initial = timezone.localdate()

    def clean_next_election(self):
        day = self.cleaned_data.get("next_election")
        if day is not None:
            latest = months_after(timezone.localdate(), 12 * MAX_ELECTION_YEARS_AHEAD)
            if day > latest:
                raise ValidationError(
                    _("An election more than %(years)s years ahead is most likely a typo: check the year."),
                    code="too_far",
                    params={"years": MAX_ELECTION_YEARS_AHEAD},
                )
            if day < EARLIEST_EFFECTIVE_DATE:
                raise ValidationError(_("The date must be in 1900 or later."), code="too_early")
        return day

    def clean_verified_on(self):
        day = self.cleaned_data.get("verified_on")
        if day is not None and day > timezone.localdate():
            raise ValidationError(_("The day these facts were checked cannot be in the future."), code="future")
        return day

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("term_start"), cleaned.get("term_end")
        if start and end and end < start:
            self.add_error("term_end", _("The term cannot end before it starts."))
        if not cleaned.get("source") and not cleaned.get("source_url") and "source_url" not in self.errors:
            self.add_error("source", _("Say where these facts come from: a source, a link, or both."))
        return cleaned
