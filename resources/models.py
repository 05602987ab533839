"""The resource library: fact sheets, advisories, toolkits and sample letters that campaigns use."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.text import get_valid_filename
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organization
from core.dates import validate_plausible_date
from core.models import ChoiceLabelsMixin
from jurisdictions.models import State

from .letters import validate_template_body

# Text kept from an uploaded document for search; PostgreSQL's tsvector holds at most 1 MB.
MAX_EXTRACTED_TEXT = 200_000


class Kind(models.TextChoices):
    PRACTICE_ADVISORY = "practice_advisory", _("Practice advisory")
    FAQ = "faq", _("FAQ / explainer")
    TOOLKIT = "toolkit", _("Toolkit / report")
    FACT_SHEET = "fact_sheet", _("Fact sheet")
    SAMPLE_LETTER = "sample_letter", _("Sample letter")
    PUBLIC_COMMENT = "public_comment", _("Public comment / sign-on letter")
    INFOGRAPHIC = "infographic", _("Infographic")
    WEBINAR = "webinar", _("Webinar")
    MAP = "map", _("Map")
    QUESTION_LIST = "question_list", _("Question list")


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
    CHINESE = "zh", _("Chinese")
    VIETNAMESE = "vi", _("Vietnamese")
    TAGALOG = "tl", _("Tagalog")
    KOREAN = "ko", _("Korean")
    HAITIAN_CREOLE = "ht", _("Haitian Creole")
    PORTUGUESE = "pt", _("Portuguese")
    ARABIC = "ar", _("Arabic")
    OTHER = "other", _("Other language")


class Audience(models.TextChoices):
    ADVOCATES = "advocates", _("Advocates")
    ATTORNEYS = "attorneys", _("Attorneys")
    COMMUNITY = "community", _("Community members")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    ELECTED_OFFICIALS = "elected_officials", _("Elected officials")


class Topic(ChoiceLabelsMixin, models.Model):
    """A managed topic (detainers, 287(g), state laws...): staff keep the list in the admin."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=100, blank=True)
    slug = models.SlugField(_("short name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.label

    @property
    def label(self):
        if (get_language() or "").startswith("es") and self.name_es:
            return self.name_es
        return self.name


def _safe_part(text, limit):
    text = text.replace("..", "").strip(" ._-")
    try:
        return get_valid_filename(text)[:limit].strip("._-")
    except SuspiciousFileOperation:
        return ""


def safe_file_name(filename):
    """The original name without folders or odd characters: "../../etc/passwd.pdf" becomes "passwd.pdf"."""
    path = PurePath(str(filename).replace("\\", "/"))
    stem = _safe_part(path.stem, 80) or "document"
    suffix = _safe_part(path.suffix.lower(), 10)
    return f"{stem}.{suffix}" if suffix else stem


def resource_file_path(instance, filename):
    """A safe, unguessable storage name: a random prefix, then the original name made safe."""
    return f"resources/{uuid.uuid4().hex}-{safe_file_name(filename)}"


class ResourceQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Resource.Status.APPROVED)


class Resource(ChoiceLabelsMixin, models.Model):
    class Status(models.TextChoices):
        APPROVED = "approved", _("In the library")
        SUGGESTED = "suggested", _("Suggested, waiting for review")
        REJECTED = "rejected", _("Not added")

    title = models.CharField(_("title"), max_length=300)
    # None: the network's, which everyone signed in sees; else one organization's, seen by its people.
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("organization"),
        help_text=_("Leave empty for the network's library, which every organization sees."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    summary = models.TextField(_("summary"), blank=True)
    published_on = models.DateField(_("publication date"), validators=[validate_plausible_date])
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.ENGLISH)
    topics = models.ManyToManyField(Topic, blank=True, related_name="resources", verbose_name=_("topics"))
    states = models.ManyToManyField(
        State,
        blank=True,
        related_name="resources",
        verbose_name=_("states"),
        help_text=_("The states it applies to; leave empty for national resources."),
    )
    file = models.FileField(_("file"), upload_to=resource_file_path, max_length=300, blank=True)
    # What the uploaded file's bytes showed it to be, and its size: shown in lists without touching storage.
    file_type = models.CharField(_("file type"), max_length=100, blank=True, editable=False)
    file_size = models.PositiveBigIntegerField(_("file size"), null=True, blank=True, editable=False)
    url = models.URLField(_("link"), max_length=500, blank=True)
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
        help_text=_("The older resource this one replaces."),
    )
    # The other-language versions point at the original: an English original and its Spanish translation.
    translation_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
        verbose_name=_("translation of"),
        help_text=_("The same resource in another language (usually the English original)."),
    )
    template_body = models.TextField(
        _("letter template"),
        blank=True,
        help_text=_("Sample letters only. Merge fields are written like {{ official }}."),
    )
    extracted_text = models.TextField(_("text of the document"), blank=True, editable=False)
    # True from an upload until a worker has read its text for search (resources.tasks.read_document_text).
    text_pending = models.BooleanField(_("text being read"), default=False, editable=False)
    # Kept by a database trigger on PostgreSQL (see migration 0002); always empty on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Anyone may see it and download its file without signing in.")
    )
    is_demo = models.BooleanField(_("demo content"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.APPROVED)
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ResourceQuerySet.as_manager()

    # Whether the reader may change it, set by resources.access.resource_for_user (not a column).
    user_can_change: bool

    history = HistoricalRecords(excluded_fields=["extracted_text", "search_vector", "updated_at"])

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(url="") | ~Q(template_body=""),
                name="resource_has_content",
            ),
            models.CheckConstraint(
                condition=Q(template_body="") | Q(kind="sample_letter"),
                name="resource_template_only_on_sample_letters",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(supersedes=F("pk")), name="resource_not_superseding_itself"
            ),
            models.CheckConstraint(
                condition=Q(translation_of__isnull=True) | ~Q(translation_of=F("pk")),
                name="resource_not_its_own_translation",
            ),
        ]
        indexes = [
            # The library list: approved resources, newest first, narrowed by kind or language.
            models.Index(fields=["status", "-published_on", "-id"], name="resource_status_date_idx"),
            models.Index(fields=["kind", "-published_on"], name="resource_kind_date_idx"),
            models.Index(fields=["language", "-published_on"], name="resource_language_date_idx"),
            models.Index(fields=["is_public", "status"], name="resource_public_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Letters are drafted from this body: an unknown merge field must never reach the database.
        if self.template_body:
            validate_template_body(self.template_body)
        if len(self.extracted_text) > MAX_EXTRACTED_TEXT:
            self.extracted_text = self.extracted_text[:MAX_EXTRACTED_TEXT]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("resources:detail", args=[self.pk])

    def get_file_url(self):
        return reverse("resources:file", args=[self.pk]) if self.file else ""

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    @property
    def is_sample_letter(self):
        return self.kind == Kind.SAMPLE_LETTER

    def clean(self):
        errors = {}
        if self.template_body:
            if self.kind != Kind.SAMPLE_LETTER:
                errors["template_body"] = _("Only sample letters carry a letter template.")
            else:
                try:
                    validate_template_body(self.template_body)
                except ValidationError as exc:
                    errors["template_body"] = exc.messages
        if not (self.file or self.url or self.template_body):
            errors.setdefault("url", _("Give a link, upload a file, or (for a sample letter) write its template."))
        if self.pk and self.supersedes_id == self.pk:
            errors["supersedes"] = _("A resource cannot supersede itself.")
        if self.pk and self.translation_of_id == self.pk:
            errors["translation_of"] = _("A resource cannot be its own translation.")
        if errors:
            raise ValidationError(errors)


class ResourceAudience(ChoiceLabelsMixin, models.Model):
    """One audience of a resource (a resource may be for several)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="audience_links")
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)

    class Meta:
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")
        constraints = [
            models.UniqueConstraint(fields=["resource", "audience"], name="resource_audience_unique"),
        ]
        indexes = [models.Index(fields=["audience", "resource"], name="resource_audience_idx")]

    def __str__(self):
        return self.get_audience_display()
