from django.conf import settings
from django.db import models
from django.db.models import Manager, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from simple_history.models import HistoricalRecords

from core.dates import validate_plausible_date
from core.models import ChoiceLabelsMixin

from .naming import agency_name_key


class LawEffect(models.TextChoices):
    LIMITS = "limits", _("Limits cooperation")
    MANDATES = "mandates", _("Mandates cooperation")


class StateFloor(models.TextChoices):
    """What a state's laws add on top of every local level in the state."""

    NONE = "", _("No statewide law")
    LIMITS = "limits", _("Statewide law limits cooperation")
    MANDATES = "mandates", _("Statewide law mandates cooperation")
    MIXED = "mixed", _("Statewide laws both limit and mandate cooperation")


class State(ChoiceLabelsMixin, models.Model):
    class Kind(models.TextChoices):
        STATE = "state", _("State")
        DISTRICT = "district", _("District")
        TERRITORY = "territory", _("Territory")

    name = models.CharField(_("name"), max_length=100)
    postal = models.CharField(_("postal code"), max_length=2, unique=True)
    fips = models.CharField(_("FIPS"), max_length=2, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STATE)
    # Kept in step with StateLaw rows by jurisdictions.services.state_refresh_floor().
    law_floor = models.CharField(
        _("state-law floor"), max_length=10, choices=StateFloor.choices, blank=True, default=StateFloor.NONE
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("state")
        verbose_name_plural = _("states")
        constraints = [
            models.CheckConstraint(condition=Q(fips__regex=r"^[0-9]{2}$"), name="state_fips_two_digits"),
        ]

    def __str__(self):
        return self.name


class CurrentManager(models.Manager):
    """Rows still in force: a row an import no longer finds is marked withdrawn, never deleted."""

    def get_queryset(self):
        return super().get_queryset().filter(withdrawn_on__isnull=True)


class StateLaw(ChoiceLabelsMixin, models.Model):
    class SourceType(models.TextChoices):
        STATUTE = "statute", _("Statute")
        CASE_LAW = "case_law", _("Case law")
        AG_OPINION = "ag_opinion", _("Attorney general opinion")
        COURT_ORDER = "court_order", _("Court order")
        EXECUTIVE = "executive", _("Executive order or policy")
        OTHER = "other", pgettext_lazy("kind of state-law source", "Other")

    state = models.ForeignKey(State, on_delete=models.CASCADE, related_name="laws", verbose_name=_("state"))
    title = models.CharField(_("title"), max_length=300)
    citation = models.CharField(_("citation"), max_length=300, blank=True)
    effect = models.CharField(_("effect"), max_length=10, choices=LawEffect.choices)
    source_type = models.CharField(
        _("source type"), max_length=20, choices=SourceType.choices, default=SourceType.STATUTE
    )
    enacted_year = models.PositiveSmallIntegerField(_("year enacted"), null=True, blank=True)
    enacted_date = models.DateField(_("enacted"), null=True, blank=True)
    effective_date = models.DateField(_("effective"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    verified_date = models.DateField(_("verified on"), null=True, blank=True)
    needs_review = models.BooleanField(_("needs review"), default=False)
    review_note = models.TextField(_("review note"), blank=True)
    # Laws loaded by import_state_laws; only these are removed when they disappear from the file.
    imported = models.BooleanField(_("imported from the state-law file"), default=False, editable=False)
    # Set by import_state_laws when the law leaves the file: kept, with its history, and no longer counted.
    withdrawn_on = models.DateField(_("withdrawn"), null=True, blank=True, editable=False)

    history = HistoricalRecords()

    all_objects = Manager()
    objects = CurrentManager()

    class Meta:
        default_manager_name = "objects"
        ordering = ["state__name", "-enacted_year", "title"]
        verbose_name = _("state law")
        verbose_name_plural = _("state laws")
        constraints = [
            models.UniqueConstraint(fields=["state", "title"], name="statelaw_unique_title_per_state"),
        ]

    def __str__(self):
        return f"{self.state.postal}: {self.title}"


class RecordsLaw(ChoiceLabelsMixin, models.Model):
    class DayType(models.TextChoices):
        BUSINESS = "business", _("business days")
        CALENDAR = "calendar", _("calendar days")
        VARIABLE = "variable", _("no fixed period")

    # Null state is the federal FOIA, which applies to federal agencies such as ICE.
    state = models.OneToOneField(
        State, on_delete=models.CASCADE, null=True, blank=True, related_name="records_law", verbose_name=_("state")
    )
    law_name = models.CharField(_("law"), max_length=200)
    citation = models.CharField(_("citation"), max_length=300, blank=True)
    response_days = models.PositiveSmallIntegerField(_("response period (days)"), null=True, blank=True)
    day_type = models.CharField(_("counted in"), max_length=10, choices=DayType.choices, default=DayType.VARIABLE)
    response_description = models.TextField(_("response rule as written"), blank=True)
    extension_allowed = models.BooleanField(_("extension allowed"), default=False)
    extension_days = models.PositiveSmallIntegerField(_("extension (days)"), null=True, blank=True)
    final_response_days = models.PositiveSmallIntegerField(_("final response (days)"), null=True, blank=True)
    final_response_notes = models.TextField(_("final response notes"), blank=True)
    last_amended = models.CharField(_("last amended"), max_length=50, blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    needs_review = models.BooleanField(_("needs review"), default=False)
    review_reason = models.TextField(_("why it needs review"), blank=True)

    class Meta:
        ordering = ["state__name"]
        verbose_name = _("records law")
        verbose_name_plural = _("records laws")
        constraints = [
            models.UniqueConstraint(
                fields=["law_name"], condition=Q(state__isnull=True), name="recordslaw_one_federal_law"
            ),
            models.CheckConstraint(
                condition=Q(day_type="variable") | Q(response_days__isnull=False),
                name="recordslaw_fixed_period_has_days",
            ),
        ]

    def __str__(self):
        return self.law_name

    @property
    def has_fixed_period(self):
        return self.day_type != self.DayType.VARIABLE and self.response_days is not None

    @property
    def response_period(self):
        """The fixed period in words ("20 business days", "1 calendar day"), or "" without one."""
        if not self.has_fixed_period:
            return ""
        days = self.response_days
        if self.day_type == self.DayType.BUSINESS:
            words = ngettext("%(days)s business day", "%(days)s business days", days)
        else:
            words = ngettext("%(days)s calendar day", "%(days)s calendar days", days)
        return words % {"days": days}


class PolicyLevel(models.TextChoices):
    """The overall level the public maps use, from least to most protective."""

    UNKNOWN = "unknown", _("Unknown")
    COMPLIES = "complies", _("Complies with ICE holds")
    LIMITS_HOLDS = "limits_holds", _("Limits ICE holds")
    NO_HOLDS_NO_ACCESS = "no_holds_no_access", _("No ICE holds and no ICE access")
    NO_HOLDS_NO_NOTIFICATIONS_NO_ACCESS = (
        "no_holds_no_notifications_no_access",
        _("No ICE holds, no notifications and no ICE access"),
    )


class Model287g(models.TextChoices):
    JAIL_ENFORCEMENT = "jail_enforcement", _("Jail enforcement model")
    TASK_FORCE = "task_force", _("Task force model")
    WARRANT_SERVICE = "warrant_service", _("Warrant service officer")


class Jurisdiction(ChoiceLabelsMixin, models.Model):
    class Kind(models.TextChoices):
        COUNTY = "county", _("County")
        CITY = "city", _("City")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COUNTY)
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="jurisdictions", verbose_name=_("state"))
    # 5-digit county FIPS, or the 7-digit state + place code for a city.
    fips = models.CharField(_("FIPS"), max_length=7, unique=True)
    name = models.CharField(_("name"), max_length=150)
    short_name = models.CharField(_("short name"), max_length=150, blank=True)
    # As the Census names it: county, parish, borough, independent city, planning region...
    county_type = models.CharField(_("type"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cities",
        verbose_name=_("county"),
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population year"), null=True, blank=True)
    # Connecticut's 8 old counties: still named by ICE and older data, no longer a Census geography.
    is_legacy = models.BooleanField(_("legacy geography"), default=False)

    # Current policy, kept in step with PolicyRecord and Agreement287g rows by
    # jurisdictions.services.jurisdiction_refresh_policy(), so lists and the map never compute it per row.
    level = models.CharField(
        _("overall level"), max_length=40, choices=PolicyLevel.choices, default=PolicyLevel.UNKNOWN
    )
    current_holds = models.CharField(_("ICE holds"), max_length=20, blank=True)
    current_notifications = models.CharField(_("release notifications"), max_length=20, blank=True)
    current_jail_access = models.CharField(_("ICE jail access"), max_length=20, blank=True)
    current_bed_contract = models.CharField(_("jail-bed contract"), max_length=20, blank=True)
    current_287g = models.CharField(_("287(g)"), max_length=20, choices=Model287g.choices, blank=True)
    # From the current holds record: whether the jail holds people for ICE only on a judicial warrant
    # (None: not known), and from that and the holds value the Fourth Amendment flag of the map
    # (selectors.compute_fourth_amendment_risk; None: not known).
    current_judicial_warrant = models.BooleanField(_("holds only on a judicial warrant"), null=True, blank=True)
    fourth_amendment_risk = models.BooleanField(_("Fourth Amendment risk"), null=True, blank=True)
    policy_updated = models.DateField(_("policy last changed"), null=True, blank=True)

    class Meta:
        ordering = ["state__name", "name"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="county", fips__regex=r"^[0-9]{5}$") | Q(kind="city", fips__regex=r"^[0-9]{7}$"),
                name="jurisdiction_fips_shape",
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="jurisdiction_not_own_parent"),
        ]
        indexes = [
            models.Index(fields=["state", "name"], name="jur_state_name_idx"),
            models.Index(fields=["name"], name="jur_name_idx"),
            models.Index(fields=["level", "name"], name="jur_level_idx"),
            models.Index(fields=["current_287g", "name"], name="jur_287g_idx"),
            models.Index(fields=["-population"], name="jur_population_idx"),
            models.Index(fields=["fourth_amendment_risk", "name"], name="jur_fourth_amendment_idx"),
        ]

    def __str__(self):
        return f"{self.name}, {self.state.postal}"

    def get_absolute_url(self):
        return reverse("jurisdictions:detail", args=[self.pk])


class Agency(ChoiceLabelsMixin, models.Model):
    class Kind(models.TextChoices):
        SHERIFF = "sheriff", _("Sheriff's office")
        POLICE = "police", _("Police department")
        BOARD = "board", _("Board of supervisors / commissioners")
        COUNTY_COUNSEL = "county_counsel", _("County counsel")
        JAIL = "jail", _("Jail / corrections")
        DISTRICT_ATTORNEY = "district_attorney", _("District attorney")
        CITY_COUNCIL = "city_council", _("City council")
        STATE_AGENCY = "state_agency", _("State agency")
        OTHER = "other", pgettext_lazy("kind of agency", "Other")

    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="agencies", verbose_name=_("state"))
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name=_("jurisdiction"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    # Lower-case name without punctuation or "the": how duplicates from different sources are matched.
    name_key = models.CharField(max_length=200, editable=False)
    ori = models.CharField(_("FBI ORI"), max_length=9, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.TextField(_("address"), blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    records_email = models.EmailField(_("records request email"), blank=True)
    records_address = models.TextField(_("records request address"), blank=True)
    records_portal = models.URLField(_("records request portal"), max_length=300, blank=True)
    employees = models.PositiveIntegerField(_("sworn officers and civilians"), null=True, blank=True)
    sources = models.CharField(_("sources"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.UniqueConstraint(fields=["state", "name_key"], name="agency_unique_name_per_state"),
            models.UniqueConstraint(fields=["ori"], condition=~Q(ori=""), name="agency_unique_ori"),
        ]
        indexes = [models.Index(fields=["jurisdiction", "kind"], name="agency_jur_kind_idx")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):

        self.name_key = agency_name_key(self.name)
        super().save(*args, **kwargs)


class Office(models.TextChoices):
    """The office an official holds, for the directory's filter and for who counts in a campaign's whip count."""

    SHERIFF = "sheriff", _("Sheriff")
    BOARD_MEMBER = "board_member", _("Board member (supervisor or commissioner)")
    COUNTY_EXECUTIVE = "county_executive", _("County executive or county judge")
    DISTRICT_ATTORNEY = "district_attorney", _("District attorney")
    COUNTY_COUNSEL = "county_counsel", _("County counsel or county attorney")
    JAIL_ADMINISTRATOR = "jail_administrator", _("Jail administrator")
    MAYOR = "mayor", _("Mayor")
    COUNCIL_MEMBER = "council_member", _("City council member")
    OTHER = "other", pgettext_lazy("office", "Other")


# The offices people vote for; the others are appointed and have no election of their own.
ELECTED_OFFICES = {
    Office.SHERIFF,
    Office.BOARD_MEMBER,
    Office.COUNTY_EXECUTIVE,
    Office.DISTRICT_ATTORNEY,
    Office.MAYOR,
    Office.COUNCIL_MEMBER,
}


class Official(ChoiceLabelsMixin, models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="officials", verbose_name=_("agency"))
    office = models.CharField(_("office"), max_length=20, choices=Office.choices, default=Office.OTHER)
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("As the office names it, e.g. Supervisor, District 3")
    )
    district = models.CharField(_("district"), max_length=50, blank=True)
    party = models.CharField(_("party"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    term_start = models.DateField(_("term start"), null=True, blank=True, validators=[validate_plausible_date])
    term_end = models.DateField(_("term end"), null=True, blank=True, validators=[validate_plausible_date])
    next_election = models.DateField(_("next election"), null=True, blank=True, validators=[validate_plausible_date])
    is_active = models.BooleanField(_("in office"), default=True)
    # Where these facts come from and when someone last checked them: shown beside them on every page.
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("e.g. County elections office, candidate list")
    )
    source_url = models.URLField(_("source link"), max_length=500, blank=True)
    verified_on = models.DateField(_("checked on"), null=True, blank=True, validators=[validate_plausible_date])
    # Invented people made by seed_demo: every page that names them says so.
    is_demo = models.BooleanField(_("demo data"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["agency__name", "district", "name"]
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True)
                | Q(term_start__isnull=True)
                | Q(term_end__gte=models.F("term_start")),
                name="official_term_ends_after_start",
                violation_error_message=_("The term cannot end before it starts."),
            ),
        ]
        indexes = [
            # The directory's "election within N months" and the dashboards' upcoming elections.
            models.Index(fields=["next_election"], name="official_next_election_idx"),
            models.Index(fields=["office", "name"], name="official_office_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.display_title})"

    def get_absolute_url(self):
        return reverse("jurisdictions:official", args=[self.pk])

    @property
    def display_title(self):
        return self.title or self.get_office_display()

    @property
    def is_elected(self):
        return self.office in ELECTED_OFFICES


class Agreement287g(ChoiceLabelsMixin, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("287(g) agreement status", "Pending")
        ACTIVE = "active", pgettext_lazy("287(g) agreement status", "Active")
        ENDED = "ended", pgettext_lazy("287(g) agreement status", "Ended")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("agency"))
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("state"))
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("county"),
    )
    model = models.CharField(_("model"), max_length=20, choices=Model287g.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    signed_date = models.DateField(_("signed"), null=True, blank=True)
    end_date = models.DateField(_("ended"), null=True, blank=True)
    moa_url = models.URLField(_("memorandum of agreement"), max_length=500, blank=True)
    addendum_url = models.URLField(_("addendum"), max_length=500, blank=True)
    # Dates of the first and the last ICE list this agreement was seen on.
    first_listed = models.DateField(_("first on ICE's list"), null=True, blank=True)
    last_listed = models.DateField(_("last on ICE's list"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-signed_date"]
        verbose_name = _("287(g) agreement")
        verbose_name_plural = _("287(g) agreements")
        constraints = [
            models.UniqueConstraint(fields=["agency", "model"], name="agreement_one_per_agency_model"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(signed_date__isnull=True)
                | Q(end_date__gte=models.F("signed_date")),
                name="agreement_ends_after_signing",
            ),
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "status"], name="agreement_jur_status_idx"),
            models.Index(fields=["status", "model"], name="agreement_status_model_idx"),
        ]

    def __str__(self):
        return f"{self.agency} — {self.get_model_display()}"


def snapshot_file_path(instance, filename):
    return f"ice-287g/{instance.kind}/{instance.list_date:%Y-%m-%d}-{instance.sha256[:12]}-{filename}"


class ListSnapshot(ChoiceLabelsMixin, models.Model):
    """One of ICE's 287(g) lists as it was imported: the file itself, its date and what it held."""

    class Kind(models.TextChoices):
        PARTICIPATING = "participating", _("Participating agencies")
        PENDING = "pending", _("Pending agencies")

    class Half(models.TextChoices):
        NONE = "", _("not given")
        AM = "am", _("morning")
        PM = "pm", _("afternoon")

    kind = models.CharField(_("list"), max_length=15, choices=Kind.choices)
    list_date = models.DateField(_("list date"))
    # ICE sometimes publishes two lists a day, named ...am and ...pm.
    list_half = models.CharField(_("time of day"), max_length=2, choices=Half.choices, blank=True, default="")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    row_count = models.PositiveIntegerField(_("rows"))
    file = models.FileField(_("file"), upload_to=snapshot_file_path, max_length=300)
    file_name = models.CharField(_("file name"), max_length=200)
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    # False for a list older than the newest one of its kind: kept, but it changed no agreement.
    applied = models.BooleanField(_("applied"), default=True)
    # The first list of its kind: every agreement on it is new, so no changes are recorded.
    baseline = models.BooleanField(_("first list"), default=False)
    active_before = models.PositiveIntegerField(_("agreements on the list before"), default=0)

    class Meta:
        ordering = ["-list_date", "-list_half", "-imported_at"]
        verbose_name = _("ICE 287(g) list")
        verbose_name_plural = _("ICE 287(g) lists")
        constraints = [
            models.UniqueConstraint(fields=["kind", "sha256"], name="listsnapshot_one_per_file"),
        ]
        indexes = [models.Index(fields=["kind", "-list_date"], name="listsnapshot_kind_date_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}, {self.list_date:%Y-%m-%d} {self.list_half}".strip()


class ListChange(ChoiceLabelsMixin, models.Model):
    """What one ICE list changed about one agreement, against the lists before it."""

    class Kind(models.TextChoices):
        ADDED = "added", _("New agreement")
        ENDED = "ended", _("Agreement ended")
        MODEL_CHANGED = "model_changed", _("Model changed")
        SIGNED_CORRECTED = "signed_corrected", _("Signing date corrected")
        MOA_ADDED = "moa_added", _("Memorandum link added")

    snapshot = models.ForeignKey(
        ListSnapshot, on_delete=models.CASCADE, related_name="changes", verbose_name=_("ICE 287(g) list")
    )
    kind = models.CharField(_("change"), max_length=20, choices=Kind.choices)
    agreement = models.ForeignKey(
        Agreement287g, on_delete=models.CASCADE, related_name="list_changes", verbose_name=_("287(g) agreement")
    )
    # A model change: the agreement of the agency that ended as this one started.
    previous_agreement = models.ForeignKey(
        Agreement287g,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous agreement"),
    )
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+", verbose_name=_("state"))
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("county")
    )
    old_value = models.CharField(_("before"), max_length=500, blank=True)
    new_value = models.CharField(_("after"), max_length=500, blank=True)

    class Meta:
        ordering = ["-snapshot__list_date", "-snapshot__list_half", "-snapshot_id", "state__name", "pk"]
        verbose_name = _("change to ICE's 287(g) list")
        verbose_name_plural = _("changes to ICE's 287(g) list")
        indexes = [
            models.Index(fields=["snapshot", "kind"], name="listchange_snapshot_kind_idx"),
            models.Index(fields=["state", "kind"], name="listchange_state_kind_idx"),
            models.Index(fields=["agreement"], name="listchange_agreement_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.agreement_id}"


class Dimension(models.TextChoices):
    HOLDS = "holds", _("ICE holds")
    NOTIFICATIONS = "notifications", _("Release-date notifications to ICE")
    JAIL_ACCESS = "jail_access", _("ICE access to the jail")
    BED_CONTRACT = "bed_contract", _("Jail-bed contract with ICE")
    G287 = "287g", _("287(g) agreement")


class PolicyValue(models.TextChoices):
    HONORS_ALL = "honors_all", _("Honors all")
    HONORS_SOME = "honors_some", _("Honors some")
    HONORS_NONE = "honors_none", _("Honors none")
    YES = "yes", _("Yes")
    LIMITED = "limited", pgettext_lazy("policy value", "Limited")
    NONE = "none", pgettext_lazy("policy value", "None")
    NO = "no", _("No")
    JAIL_ENFORCEMENT = "jail_enforcement", _("Jail enforcement model")
    TASK_FORCE = "task_force", _("Task force model")
    WARRANT_SERVICE = "warrant_service", _("Warrant service officer")


# Which values each dimension may take; the database enforces the same pairs.
DIMENSION_VALUES = {
    Dimension.HOLDS: [PolicyValue.HONORS_ALL, PolicyValue.HONORS_SOME, PolicyValue.HONORS_NONE],
    Dimension.NOTIFICATIONS: [PolicyValue.YES, PolicyValue.LIMITED, PolicyValue.NONE],
    Dimension.JAIL_ACCESS: [PolicyValue.YES, PolicyValue.LIMITED, PolicyValue.NONE],
    Dimension.BED_CONTRACT: [PolicyValue.YES, PolicyValue.NO],
    Dimension.G287: [
        PolicyValue.JAIL_ENFORCEMENT,
        PolicyValue.TASK_FORCE,
        PolicyValue.WARRANT_SERVICE,
        PolicyValue.NONE,
    ],
}


def _dimension_value_condition():
    condition = Q()
    for dimension, values in DIMENSION_VALUES.items():
        condition |= Q(dimension=dimension, value__in=list(values))
    return condition


def policy_document_path(instance, filename):
    return f"policy/{instance.jurisdiction.fips}/{filename}"


class PolicyRecord(ChoiceLabelsMixin, models.Model):
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, related_name="policy_records", verbose_name=_("jurisdiction")
    )
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    value = models.CharField(_("value"), max_length=20, choices=PolicyValue.choices)
    effective_date = models.DateField(_("effective"))
    # Holds records only: does the jail hold someone for ICE only on a judicial warrant or a judge's
    # order? True yes, False no (an ICE detainer alone is enough), None not known.
    judicial_warrant = models.BooleanField(
        _("holds only on a judicial warrant"),
        null=True,
        blank=True,
        help_text=_("Does the jail hold someone for ICE only when a judge has signed a warrant or order?"),
    )
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    source_document = models.FileField(_("source document"), upload_to=policy_document_path, blank=True)
    note = models.TextField(_("note"), blank=True)
    # An internal note is read only inside the organization that entered the record (by anyone signed in,
    # when no organization entered it); the public county page, the map and the API leave it out elsewhere.
    note_internal = models.BooleanField(
        _("internal note"),
        default=False,
        help_text=_("Read only by the people of the organization that entered it, never on public pages."),
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered for"),
        help_text=_("The organization whose person entered the record; its internal note stays within it."),
    )
    # Whether the reader may read the note, set by jurisdictions.selectors.mark_readable_notes (not a column).
    note_readable: bool
    # Synthetic records made by seed_demo (and seed_bench): the open data says so on every row.
    is_demo = models.BooleanField(_("demo data"), default=False)
    agreement = models.ForeignKey(
        Agreement287g,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="policy_records",
        verbose_name=_("287(g) agreement"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)
    # Set by import_287g when the record's agreement no longer has a county: kept, no longer counted.
    withdrawn_on = models.DateField(_("withdrawn"), null=True, blank=True, editable=False)

    history = HistoricalRecords()

    all_objects = Manager()
    objects = CurrentManager()

    class Meta:
        default_manager_name = "objects"
        ordering = ["-effective_date", "-created_at"]
        verbose_name = _("policy record")
        verbose_name_plural = _("policy records")
        constraints = [
            models.CheckConstraint(condition=_dimension_value_condition(), name="policyrecord_value_fits_dimension"),
            models.CheckConstraint(
                condition=Q(dimension="holds") | Q(judicial_warrant__isnull=True),
                name="policyrecord_warrant_only_on_holds",
                violation_error_message=_("Only a record of ICE holds says whether a judicial warrant is required."),
            ),
            models.UniqueConstraint(
                fields=["agreement", "value", "effective_date"],
                condition=Q(agreement__isnull=False),
                name="policyrecord_once_per_agreement_event",
            ),
        ]
        indexes = [
            models.Index(
                fields=["jurisdiction", "dimension", "-effective_date", "-created_at"], name="policy_current_idx"
            ),
        ]

    def __str__(self):
        return f"{self.jurisdiction}: {self.get_dimension_display()} = {self.get_value_display()}"


class Follow(models.Model):
    """Someone signed in who wants to hear when ICE's 287(g) list changes in a county or a state."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows", verbose_name=_("user")
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
        verbose_name=_("county"),
    )
    state = models.ForeignKey(
        State, on_delete=models.CASCADE, null=True, blank=True, related_name="followers", verbose_name=_("state")
    )
    created_at = models.DateTimeField(_("followed since"), default=timezone.now)

    class Meta:
        ordering = ["state__name", "jurisdiction__name"]
        verbose_name = _("followed place")
        verbose_name_plural = _("followed places")
        constraints = [
            models.CheckConstraint(
                condition=Q(jurisdiction__isnull=True, state__isnull=False)
                | Q(jurisdiction__isnull=False, state__isnull=True),
                name="follow_county_or_state",
            ),
            models.UniqueConstraint(
                fields=["user", "jurisdiction"], condition=Q(jurisdiction__isnull=False), name="follow_county_once"
            ),
            models.UniqueConstraint(
                fields=["user", "state"], condition=Q(state__isnull=False), name="follow_state_once"
            ),
        ]
        indexes = [
            models.Index(fields=["jurisdiction"], name="follow_jurisdiction_idx"),
            models.Index(fields=["state"], name="follow_state_idx"),
        ]

    def __str__(self):
        return f"{self.user} follows {self.jurisdiction or self.state}"


class ListFetchRefusal(models.Model):
    """A list the scheduled fetch would not import, and why: staff are emailed once for each file or error."""

    kind = models.CharField(_("list"), max_length=15, choices=ListSnapshot.Kind.choices)
    url = models.CharField(_("address"), max_length=500)
    # SHA-256 of the file downloaded, or of the error when nothing could be downloaded.
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    reason = models.TextField(_("reason"))
    first_at = models.DateTimeField(_("first refused"), default=timezone.now)
    last_at = models.DateTimeField(_("last refused"), default=timezone.now)
    times = models.PositiveIntegerField(_("times"), default=1)

    class Meta:
        ordering = ["-last_at"]
        verbose_name = _("refused ICE 287(g) list")
        verbose_name_plural = _("refused ICE 287(g) lists")
        constraints = [models.UniqueConstraint(fields=["kind", "sha256"], name="listfetchrefusal_once")]

    def __str__(self):
        return f"{self.kind}: {self.reason[:80]}"


class FederalDesignation(ChoiceLabelsMixin, models.Model):
    """A place named on a federal list, such as the Department of Justice's list of "sanctuary jurisdictions".

    It is the federal government's designation on a date, with its source: not a measured policy, and
    never a policy record or part of a county's level.
    """

    class Level(models.TextChoices):
        STATE = "state", _("State")
        COUNTY = "county", _("County")
        CITY = "city", _("City")

    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    name = models.CharField(_("name as listed"), max_length=200)
    state = models.ForeignKey(
        State, on_delete=models.CASCADE, related_name="federal_designations", verbose_name=_("state")
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="federal_designations",
        verbose_name=_("county"),
    )
    list_name = models.CharField(_("list"), max_length=300)
    listed_on = models.DateField(_("listed on"))
    source_url = models.URLField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["-listed_on", "level", "name"]
        verbose_name = _("federal designation")
        verbose_name_plural = _("federal designations")
        constraints = [
            models.UniqueConstraint(
                fields=["list_name", "listed_on", "state", "level", "name"], name="federaldesignation_once"
            )
        ]
        indexes = [models.Index(fields=["state", "level"], name="federaldesignation_state_idx")]

    def __str__(self):
        return f"{self.name} ({self.list_name}, {self.listed_on:%Y-%m-%d})"
