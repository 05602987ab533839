"""Forms of the resource library: staff add and edit resources, organizers suggest them, staff review."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.organizations import organizations_managed_by
from core.widgets import SearchSelect
from jurisdictions.models import State

from .documents import ALLOWED_TYPES, check_upload
from .letters import merge_fields_help, validate_template_body
from .models import Audience, Kind, Language, Resource, Topic

ACCEPT = ",".join([*ALLOWED_TYPES, *sorted(set(ALLOWED_TYPES.values()))])


def resource_label(resource):
    """How a resource is offered in a choice: title, language and date tell apart its versions."""
    return f"{resource.title} ({resource.get_language_display()}, {resource.published_on:%Y-%m-%d})"


def other_resources():
    """The resources another one may supersede or translate: the library's."""
    return Resource.objects.filter(status=Resource.Status.APPROVED).only("id", "title", "language", "published_on")


class ResourceChoiceField(forms.ModelChoiceField):
    """One resource of the library, searched as you type (resources.views_options)."""

    widget = SearchSelect("resources:options")

    def label_from_instance(self, obj):
        return resource_label(obj)


class ResourceForm(forms.Form):
    """Staff: every field of a library resource. Also the base of the organizer's suggestion form."""

    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "---------"), *Kind.choices])
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    published_on = forms.DateField(label=_("Publication date"), widget=forms.DateInput(attrs={"type": "date"}))
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, initial=Language.ENGLISH)
    audiences = forms.MultipleChoiceField(
        label=_("Audience"), choices=Audience.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.order_by("name"), required=False, widget=forms.CheckboxSelectMultiple
    )
    states = forms.ModelMultipleChoiceField(
        label=_("States it applies to"),
        queryset=State.objects.order_by("name"),
        required=False,
        help_text=_("Leave empty for a national resource. Hold Ctrl (or ⌘) to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    upload = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, Word (.docx), PNG or JPEG."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    url = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")
    supersedes = ResourceChoiceField(
        label=_("Supersedes"),
        queryset=Resource.objects.none(),
        required=False,
        help_text=_("The older resource this one replaces."),
    )
    translation_of = ResourceChoiceField(
        label=_("Translation of"),
        queryset=Resource.objects.none(),
        required=False,
        help_text=_("The same resource in another language."),
    )
    template_body = forms.CharField(
        label=_("Letter template"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "class": "font-monospace"}),
        help_text=merge_fields_help(),
    )
    is_public = forms.BooleanField(
        label=_("Public"),
        required=False,
        help_text=_("Anyone may see it and download its file without signing in."),
    )
    remove_file = forms.BooleanField(label=_("Remove the current file"), required=False)
    organization = forms.ModelChoiceField(
        label=_("Belongs to"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("The network's library (every organization)"),
        help_text=_("An organization's own resource is seen by its people only."),
    )

    def __init__(self, *args, instance=None, user=None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_from(instance)
        super().__init__(*args, **kwargs)
        if user is None:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations_managed_by(user).order_by("name")
        others = other_resources()
        if instance is not None:
            others = others.exclude(pk=instance.pk)
        for name in ("supersedes", "translation_of"):
            self.fields[name].queryset = others.order_by("title", "pk")
            if instance is not None:
                self.fields[name].widget.params["exclude"] = instance.pk
        if instance is None or not instance.file:
            del self.fields["remove_file"]

    @property
    def current_file(self):
        return self.instance.file if self.instance is not None else None

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            check_upload(upload)
        return upload

    def clean_template_body(self):
        body = self.cleaned_data.get("template_body", "")
        if body:
            validate_template_body(body)
        return body

    def clean(self):
        data = super().clean()
        if data.get("template_body") and data.get("kind") and data["kind"] != Kind.SAMPLE_LETTER:
            self.add_error("template_body", _("Only sample letters carry a letter template."))
        keeps_file = bool(self.current_file) and not data.get("remove_file")
        has_upload = bool(data.get("upload")) or "upload" in self.errors
        if not (has_upload or keeps_file or data.get("url") or data.get("template_body")):
            raise ValidationError(_("Give a link, upload a file, or (for a sample letter) write its template."))
        translation = data.get("translation_of")
        if translation is not None and translation.language == data.get("language"):
            self.add_error("translation_of", _("A translation is in another language than the resource it translates."))
        return data

    def service_kwargs(self):
        """The cleaned data as the resource services take it."""
        data = dict(self.cleaned_data)
        data.pop("remove_file", None)
        return data


class SuggestionForm(ResourceForm):
    """Organizers: suggest a resource for the library; staff review it before anyone else sees it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("is_public", "supersedes", "translation_of", "states", "template_body"):
            self.fields.pop(name, None)
        self.fields["summary"].help_text = _("Why it helps campaigns, in a sentence or two.")


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Add to the library")), ("reject", _("Do not add"))])
    note = forms.CharField(
        label=_("Note to the person who suggested it"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def initial_from(resource):
    return {
        "title": resource.title,
        "kind": resource.kind,
        "summary": resource.summary,
        "published_on": resource.published_on,
        "language": resource.language,
        "audiences": [link.audience for link in resource.audience_links.all()],
        "topics": list(resource.topics.all()),
        "states": list(resource.states.all()),
        "url": resource.url,
        "supersedes": resource.supersedes_id,
        "translation_of": resource.translation_of_id,
        "template_body": resource.template_body,
        "is_public": resource.is_public,
        "organization": resource.organization_id,
    }
