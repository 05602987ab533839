"""Campaigns against local ICE cooperation: who runs them, whom they must move, and everything that happened."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Migration 0003 names these defaults of the notification settings, now accounts.Profile's.
from accounts.models import Organization, default_lead_days, default_time_zone  # noqa: F401
from core.dates import validate_plausible_date
from core.models import ChoiceLabelsMixin
from jurisdictions.models import Agency, Jurisdiction, ListSnapshot, Official, RecordsLaw
from resources.models import Resource

from .due_dates import DueRule, explain_due_date


class Goal(models.TextChoices):
    END_HOLDS = "end_holds", _("End ICE holds (detainers)")
    END_NOTIFICATIONS = "end_notifications", _("End release-date notifications to ICE")
    END_JAIL_ACCESS = "end_jail_access", _("End ICE access to the jail")
    END_287G = "end_287g", _("End the 287(g) agreement")
    END_BED_CONTRACT = "end_bed_contract", _("End the jail-bed contract with ICE")
    ENFORCE_STATE_LAW = "enforce_state_law", _("Enforce the state law")
    FUND_LEGAL_DEFENSE = "fund_legal_defense", _("Fund deportation defense")
    OTHER = "other", pgettext_lazy("campaign goal", "Other")


class Stage(models.TextChoices):
    RESEARCH = "research", _("Research")
    COALITION = "coalition", _("Coalition building")
    ENGAGING = "engaging", _("Engaging targets")
    PROPOSAL = "proposal", _("Proposal")
    DECISION_PENDING = "decision_pending", _("Decision pending")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    MONITORING = "monitoring", _("Monitoring")
    PAUSED = "paused", _("Paused")


# Stages that close a campaign's fight and ask for its outcome.
OUTCOME_STAGES = {Stage.WON, Stage.LOST}


class Campaign(ChoiceLabelsMixin, models.Model):
    name = models.CharField(_("name"), max_length=200)
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("jurisdiction")
    )
    goal = models.CharField(_("goal"), max_length=30, choices=Goal.choices)
    goal_detail = models.CharField(
        _("goal in a few words"), max_length=200, blank=True, help_text=_("Required when the goal is Other.")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.RESEARCH)
    # The organization that runs the campaign: its staff see and manage it (campaigns.access).
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("organization")
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_campaigns",
        verbose_name=_("lead"),
    )
    summary = models.TextField(_("summary"), blank=True)
    started_on = models.DateField(_("started"), default=timezone.localdate, validators=[validate_plausible_date])
    ended_on = models.DateField(_("ended"), null=True, blank=True, validators=[validate_plausible_date])
    outcome = models.TextField(_("outcome"), blank=True)
    # Seats on the body that decides (board of supervisors, council); the whip count's majority.
    board_seats = models.PositiveSmallIntegerField(_("seats on the deciding body"), null=True, blank=True)
    # Kept current by the services on every meeting, request, deadline and stage change: lists sort on it.
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # What the reader may do, set on the campaign campaigns.access.campaign_for_user returns (not columns).
    user_can_manage: bool
    user_can_add_team: bool
    user_can_change: bool
    user_is_lead: bool
    user_can_see_confidential: bool
    user_in_owning_organization: bool

    history = HistoricalRecords(excluded_fields=["last_activity_at", "updated_at"])

    class Meta:
        ordering = ["-last_activity_at", "pk"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="campaign_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(stage__in=["won", "lost"]) | ~Q(outcome=""),
                name="campaign_won_or_lost_has_outcome",
            ),
            models.CheckConstraint(condition=~Q(goal="other") | ~Q(goal_detail=""), name="campaign_other_goal_said"),
            models.CheckConstraint(
                condition=Q(board_seats__isnull=True) | Q(board_seats__gte=1), name="campaign_board_has_seats"
            ),
        ]
        indexes = [
            # The list's default order, the pk as tie-break included, so a page is read off the index.
            models.Index(fields=["-last_activity_at", "id"], name="campaign_activity_pk_idx"),
            models.Index(fields=["stage", "-last_activity_at"], name="campaign_stage_idx"),
            models.Index(fields=["goal", "-last_activity_at"], name="campaign_goal_idx"),
            models.Index(fields=["lead", "-last_activity_at"], name="campaign_lead_idx"),
            models.Index(fields=["name"], name="campaign_name_idx"),
            models.Index(fields=["organization", "-last_activity_at"], name="campaign_org_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("campaigns:detail", args=[self.pk])

    @property
    def goal_label(self):
        if self.goal == Goal.OTHER and self.goal_detail:
            return self.goal_detail
        return self.get_goal_display()


class Membership(ChoiceLabelsMixin, models.Model):
    class Role(models.TextChoices):
        ORGANIZER = "organizer", _("Organizer")
        LEAD = "lead", _("Lead")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="campaign_memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.ORGANIZER)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-role", "user__username"]
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="membership_once_per_campaign"),
        ]
        indexes = [models.Index(fields=["user", "campaign"], name="membership_user_idx")]

    def __str__(self):
        return f"{self.user} — {self.campaign} ({self.get_role_display()})"


class CampaignShare(ChoiceLabelsMixin, models.Model):
    """A campaign shared with a partner organization: its staff see it, and may add their people to the
    team when it is shared to collaborate. Confidential notes stay with the owning organization."""

    class Level(models.TextChoices):
        READ = "read", _("Read only")
        COLLABORATE = "collaborate", _("Collaborate")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="shares")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="campaign_shares", verbose_name=_("partner organization")
    )
    level = models.CharField(_("sharing"), max_length=12, choices=Level.choices, default=Level.READ)
    shared_at = models.DateTimeField(_("shared"), auto_now_add=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["organization__name"]
        verbose_name = _("campaign share")
        verbose_name_plural = _("campaign shares")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organization"], name="campaign_share_once"),
        ]
        indexes = [models.Index(fields=["organization", "campaign"], name="campaign_share_org_idx")]

    def __str__(self):
        return f"{self.campaign} — {self.organization} ({self.level})"


class StageChange(ChoiceLabelsMixin, models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(
        pgettext_lazy("stage change", "from"), max_length=20, choices=Stage.choices, blank=True
    )
    to_stage = models.CharField(pgettext_lazy("stage change", "to"), max_length=20, choices=Stage.choices)
    changed_at = models.DateTimeField(_("when"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        constraints = [
            models.CheckConstraint(condition=~Q(from_stage=F("to_stage")), name="stagechange_changes_stage"),
        ]
        indexes = [models.Index(fields=["campaign", "-changed_at"], name="stagechange_campaign_idx")]

    def __str__(self):
        return f"{self.campaign}: {self.from_stage or '—'} → {self.to_stage}"


class Stance(models.TextChoices):
    CHAMPION = "champion", _("Champion")
    SUPPORTIVE = "supportive", _("Supportive")
    UNDECIDED = "undecided", _("Undecided")
    OPPOSED = "opposed", _("Opposed")
    UNKNOWN = "unknown", _("Unknown")


# Agencies whose members vote on the decision: their officials count in the whip count.
VOTING_AGENCY_KINDS = {Agency.Kind.BOARD, Agency.Kind.CITY_COUNCIL}


class Target(ChoiceLabelsMixin, models.Model):
    """An official or a body the campaign must move, with the campaign's read of where they stand."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    official = models.ForeignKey(
        Official, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("official")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("agency or body")
    )
    # Copied from the official or agency so the campaign's history reads the same if those rows change.
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    votes = models.BooleanField(_("votes on the decision"), default=False)
    stance = models.CharField(_("stance"), max_length=12, choices=Stance.choices, default=Stance.UNKNOWN)
    stance_changed_at = models.DateTimeField(_("stance changed"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-votes", "name", "pk"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "official"], condition=Q(official__isnull=False), name="target_official_once"
            ),
            models.UniqueConstraint(
                fields=["campaign", "agency"],
                condition=Q(official__isnull=True, agency__isnull=False),
                name="target_body_once",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="target_has_name"),
        ]
        indexes = [models.Index(fields=["campaign", "stance"], name="target_campaign_stance_idx")]

    def __str__(self):
        return f"{self.name} ({self.title})" if self.title else self.name


class StanceChange(ChoiceLabelsMixin, models.Model):
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="stance_changes")
    from_stance = models.CharField(pgettext_lazy("stance change", "from"), max_length=12, choices=Stance.choices)
    to_stance = models.CharField(pgettext_lazy("stance change", "to"), max_length=12, choices=Stance.choices)
    changed_at = models.DateTimeField(_("when"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    meeting = models.ForeignKey(
        "Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="stance_changes"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("stance change")
        verbose_name_plural = _("stance changes")
        constraints = [
            models.CheckConstraint(condition=~Q(from_stance=F("to_stance")), name="stancechange_changes_stance"),
        ]
        indexes = [models.Index(fields=["target", "-changed_at"], name="stancechange_target_idx")]

    def __str__(self):
        return f"{self.target}: {self.from_stance} → {self.to_stance}"


class LocalizedTextMixin:
    """`obj.localized("text")` is the Spanish text when the page is in Spanish and one was written."""

    def localized(self, field):
        if (get_language() or "").startswith("es"):
            spanish = getattr(self, f"{field}_es", "")
            if spanish:
                return spanish
        return getattr(self, field)


class QuestionSet(ChoiceLabelsMixin, LocalizedTextMixin, models.Model):
    class Kind(models.TextChoices):
        SHERIFF = "sheriff", _("Sheriff meeting")
        BOARD_MEMBER = "board_member", _("Board member meeting")
        COUNTY_COUNSEL = "county_counsel", _("County counsel meeting")
        CANDIDATE_FORUM = "candidate_forum", _("Candidate forum")
        OTHER = "other", pgettext_lazy("kind of meeting", "Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)
    # None: the network's, offered to every campaign; else one organization's, offered to its campaigns.
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="question_sets",
        verbose_name=_("organization"),
        help_text=_("Leave empty for the network's, which every organization's campaigns use."),
    )
    kind = models.CharField(_("kind of meeting"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("when to use it"), blank=True)
    description_es = models.TextField(_("when to use it (Spanish)"), blank=True)
    is_active = models.BooleanField(_("offered for new meetings"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("question set")
        verbose_name_plural = _("question sets")

    def __str__(self):
        return self.name


class Question(ChoiceLabelsMixin, LocalizedTextMixin, models.Model):
    question_set = models.ForeignKey(QuestionSet, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    topic = models.CharField(_("topic"), max_length=100, blank=True)
    topic_es = models.CharField(_("topic (Spanish)"), max_length=100, blank=True)
    text = models.TextField(_("question"))
    text_es = models.TextField(_("question (Spanish)"), blank=True)
    good_answer = models.TextField(_("a good answer sounds like"), blank=True)
    good_answer_es = models.TextField(_("a good answer sounds like (Spanish)"), blank=True)
    evasive_answer = models.TextField(_("an evasive answer sounds like"), blank=True)
    evasive_answer_es = models.TextField(_("an evasive answer sounds like (Spanish)"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["question_set", "order"], name="question_set_order_idx")]

    def __str__(self):
        return self.text[:80]


class Meeting(ChoiceLabelsMixin, models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        CALL = "call", _("Call")
        HEARING = "hearing", _("Hearing / public comment")
        FORUM = "forum", _("Forum")
        TOWN_HALL = "town_hall", _("Town hall")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        LOGGED = "logged", _("Logged")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="meetings")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    held_at = models.DateTimeField(_("date and time"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.MEETING)
    location = models.CharField(_("where"), max_length=200, blank=True)
    targets = models.ManyToManyField(Target, blank=True, related_name="meetings", verbose_name=_("targets met"))
    attendees = models.TextField(_("who attended"), blank=True)
    question_set = models.ForeignKey(
        QuestionSet,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("question set"),
    )
    summary = models.TextField(_("summary"), blank=True)
    commitments = models.TextField(_("commitments made"), blank=True)
    # Readable only by the campaign's lead(s) and staff: campaigns.access.can_see_confidential().
    confidential_notes = models.TextField(_("confidential notes"), blank=True)
    # A draft's follow-ups and stance updates wait here; logging the meeting turns them into
    # deadlines and stance changes.
    draft_data = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    logged_at = models.DateTimeField(_("logged"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["draft_data", "updated_at"])

    class Meta:
        ordering = ["-held_at", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(logged_at__isnull=False), name="meeting_logged_has_time"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "-held_at"], name="meeting_campaign_idx"),
            models.Index(fields=["status", "-held_at"], name="meeting_status_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.campaign} ({self.held_at:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("campaigns:meeting-detail", args=[self.campaign_id, self.pk])

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT


class Assessment(models.TextChoices):
    SATISFACTORY = "satisfactory", _("Satisfactory")
    UNSATISFACTORY = "unsatisfactory", _("Unsatisfactory")
    EVASIVE = "evasive", _("Evasive")
    NOT_ASKED = "not_asked", _("Not asked")


class Answer(ChoiceLabelsMixin, LocalizedTextMixin, models.Model):
    """One answer of a meeting. Keeps the question as it was asked, so editing a set changes no meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="answers")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    question_text = models.TextField(_("question"))
    question_text_es = models.TextField(_("question (Spanish)"), blank=True)
    text = models.TextField(_("answer"), blank=True)
    assessment = models.CharField(
        _("assessment"), max_length=16, choices=Assessment.choices, default=Assessment.NOT_ASKED
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "question"], condition=Q(question__isnull=False), name="answer_once_per_question"
            ),
        ]

    def __str__(self):
        return f"{self.question_text[:60]}: {self.get_assessment_display()}"


class RecordsRequest(ChoiceLabelsMixin, models.Model):
    class Method(models.TextChoices):
        EMAIL = "email", _("Email")
        PORTAL = "portal", _("Online portal")
        MAIL = "mail", _("Mail")
        IN_PERSON = "in_person", _("In person")
        FAX = "fax", _("Fax")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        EXTENDED = "extended", _("Extended")
        PARTLY_FULFILLED = "partly_fulfilled", _("Partly fulfilled")
        FULFILLED = "fulfilled", _("Fulfilled")
        DENIED = "denied", _("Denied")
        APPEALED = "appealed", _("Appealed")

    DueRule = DueRule

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="records_requests")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="records_requests", verbose_name=_("agency")
    )
    subject = models.CharField(_("subject"), max_length=200)
    records_sought = models.TextField(_("records asked for"))
    method = models.CharField(_("sent by"), max_length=10, choices=Method.choices, default=Method.EMAIL)
    sent_on = models.DateField(_("sent on"), null=True, blank=True, validators=[validate_plausible_date])
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    law = models.ForeignKey(
        RecordsLaw, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("records law")
    )
    due_rule = models.CharField(_("due date rule"), max_length=20, choices=DueRule.choices, default=DueRule.NOT_SENT)
    original_due_date = models.DateField(_("first due date"), null=True, blank=True)
    due_date = models.DateField(_("response due"), null=True, blank=True)
    # Requests sent together to several agencies share a batch.
    batch = models.UUIDField(null=True, blank=True, editable=False)
    response_note = models.TextField(_("response notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("records request")
        verbose_name_plural = _("records requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(sent_on__isnull=False), name="request_sent_has_date"
            ),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(sent_on__isnull=False), name="request_due_needs_sent_date"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "-created_at"], name="request_campaign_idx"),
            models.Index(fields=["status", "due_date"], name="request_status_due_idx"),
        ]

    def __str__(self):
        return f"{self.subject} — {self.agency}"

    def get_absolute_url(self):
        return reverse("campaigns:request-detail", args=[self.campaign_id, self.pk])

    @property
    def is_open(self):
        return self.status in OPEN_REQUEST_STATUSES

    @property
    def due_explanation(self):
        return explain_due_date(self)

    @property
    def due_needs_review(self):
        return bool(self.law and self.law.needs_review)


# Statuses in which the agency still owes a response (the due-date deadline stays open).
OPEN_REQUEST_STATUSES = {
    RecordsRequest.Status.SENT,
    RecordsRequest.Status.ACKNOWLEDGED,
    RecordsRequest.Status.EXTENDED,
    RecordsRequest.Status.APPEALED,
}


class Deadline(ChoiceLabelsMixin, models.Model):
    class Kind(models.TextChoices):
        BOARD_VOTE = "board_vote", _("Board vote")
        HEARING = "hearing", _("Hearing")
        PUBLIC_COMMENT = "public_comment", _("Public comment closes")
        RECORDS_DUE = "records_due", _("Records response due")
        FOLLOW_UP = "follow_up", _("Follow-up")
        REPORT = "report", _("Report")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("deadline status", "Open")
        DONE = "done", pgettext_lazy("deadline status", "Done")
        CANCELLED = "cancelled", pgettext_lazy("deadline status", "Cancelled")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deadlines")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.FOLLOW_UP)
    due_date = models.DateField(_("due date"), validators=[validate_plausible_date])
    due_time = models.TimeField(_("time"), null=True, blank=True)
    # The IANA zone the time was given in (the time of a hearing is the time where it is held).
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaign_deadlines",
        verbose_name=_("owner"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    note = models.TextField(_("note"), blank=True)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_ups", verbose_name=_("meeting")
    )
    records_request = models.ForeignKey(
        RecordsRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
        verbose_name=_("records request"),
    )
    letter = models.ForeignKey(
        "Letter",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
        verbose_name=_("letter"),
    )
    completed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # When it was last saved: the calendar feed's LAST-MODIFIED.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["due_date", "due_time", "pk"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(completed_at__isnull=False), name="deadline_closed_has_time"
            ),
            models.UniqueConstraint(
                fields=["records_request"], condition=Q(records_request__isnull=False), name="deadline_one_per_request"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "due_date"], name="deadline_campaign_idx"),
            models.Index(fields=["status", "due_date"], name="deadline_status_due_idx"),
            models.Index(fields=["owner", "status", "due_date"], name="deadline_owner_idx"),
            # The campaign timeline: a deadline appears when it was set, or when it was done or cancelled.
            models.Index(
                F("campaign"), Coalesce("completed_at", "created_at").desc(), F("id").desc(), name="deadline_event_idx"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.due_date})"

    @property
    def is_overdue(self):
        return self.status == self.Status.OPEN and self.due_date < timezone.localdate()


# --- notifications -------------------------------------------------------------------------------


class EmailDelivery(ChoiceLabelsMixin, models.Model):
    """One email that must go out exactly once, keyed by what it is for.

    Planning inserts the row (a second insert of the same key does nothing); a sender claims it with a
    conditional UPDATE before sending, so a duplicated schedule, a re-run or two workers never send it
    twice. A claim older than NOTIFICATIONS_CLAIM_STALE_SECONDS belongs to a worker that died; the next
    run claims it again.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Deadline reminder")
        OVERDUE = "overdue", _("Overdue reminder")
        DIGEST = "digest", _("Status digest")
        ALERT_287G = "ice287g", _("Change to ICE's 287(g) list")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not needed any more")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="email_deliveries",
        verbose_name=pgettext_lazy("email recipient", "to"),
    )
    deadline = models.ForeignKey(
        Deadline,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="email_deliveries",
        verbose_name=_("deadline"),
    )
    # Reminders: the due date they are about (a moved deadline gets new rows) and the days before
    # it (reminder) or after it (overdue).
    due_date = models.DateField(_("due date"), null=True, blank=True)
    days = models.SmallIntegerField(_("days"), null=True, blank=True)
    # Digests: the local date of the scheduled digest.
    period = models.DateField(_("digest of"), null=True, blank=True)
    # 287(g) alerts: the ICE list whose changes the email tells.
    snapshot = models.ForeignKey(
        ListSnapshot,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="email_deliveries",
        verbose_name=_("ICE 287(g) list"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("planned"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sent, skipped or failed"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("email delivery")
        verbose_name_plural = _("email deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "user", "kind", "due_date", "days"],
                condition=Q(deadline__isnull=False),
                name="emaildelivery_reminder_once",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "period"], condition=Q(period__isnull=False), name="emaildelivery_digest_once"
            ),
            models.UniqueConstraint(
                fields=["user", "snapshot"], condition=Q(snapshot__isnull=False), name="emaildelivery_alert_once"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="digest", period__isnull=False, deadline__isnull=True, snapshot__isnull=True)
                    | Q(kind="ice287g", snapshot__isnull=False, period__isnull=True, deadline__isnull=True)
                    | (
                        Q(kind__in=["reminder", "overdue"], period__isnull=True, snapshot__isnull=True)
                        & Q(deadline__isnull=False, due_date__isnull=False, days__isnull=False)
                    )
                ),
                name="emaildelivery_keyed_by_kind",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(finished_at__isnull=False), name="emaildelivery_finished_has_time"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="emaildelivery_pending_idx"),
            models.Index(fields=["status", "kind", "-created_at"], name="emaildelivery_status_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.user} ({self.get_status_display()})"


class Letter(ChoiceLabelsMixin, models.Model):
    """A letter drafted from a sample-letter resource, addressed to targets of the campaign.

    The body keeps its merge fields ({{ official }}, {{ date }}...) and is filled when shown or
    downloaded, so changing the recipients or the date never leaves stale names in the text.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ANSWERED = "answered", _("Answered")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="letters")
    template = models.ForeignKey(
        "resources.Resource",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sample letter"),
    )
    recipients = models.ManyToManyField(
        Target, related_name="letters", verbose_name=pgettext_lazy("letter recipients", "to")
    )
    subject = models.CharField(_("subject"), max_length=200)
    sender = models.CharField(pgettext_lazy("letter sender", "from"), max_length=200)
    letter_date = models.DateField(
        _("date of the letter"), default=timezone.localdate, validators=[validate_plausible_date]
    )
    body = models.TextField(_("letter"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    sent_on = models.DateField(_("sent on"), null=True, blank=True, validators=[validate_plausible_date])
    answered_on = models.DateField(_("answered on"), null=True, blank=True, validators=[validate_plausible_date])
    response_note = models.TextField(_("the answer"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        constraints = [
            models.CheckConstraint(condition=Q(status="draft") | Q(sent_on__isnull=False), name="letter_sent_has_date"),
            models.CheckConstraint(
                condition=~Q(status="answered") | Q(answered_on__isnull=False), name="letter_answered_has_date"
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=F("sent_on")),
                name="letter_answered_after_sent",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "-created_at"], name="letter_campaign_idx")]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("campaigns:letter-detail", args=[self.campaign_id, self.pk])


# --- resources assigned by staff -----------------------------------------------------------------


class Assignment(ChoiceLabelsMixin, models.Model):
    """A library resource assigned by staff to a campaign, with a note on why; withdrawn, never deleted."""

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("resource")
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="resource_assignments", verbose_name=_("campaign")
    )
    note = models.TextField(_("why it helps"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawal_reason = models.TextField(_("reason for withdrawing"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-assigned_at", "-pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            # A resource is assigned to a campaign once at a time; after a withdrawal it may be assigned again.
            models.UniqueConstraint(
                fields=["resource", "campaign"],
                condition=Q(withdrawn_at__isnull=True),
                name="assignment_active_unique",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawal_reason=""),
                name="assignment_withdrawal_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "-assigned_at"], name="assignment_campaign_idx"),
            models.Index(fields=["resource", "-assigned_at"], name="assignment_resource_idx"),
            models.Index(fields=["assigned_at"], name="assignment_assigned_at_idx"),
        ]

    def __str__(self):
        return f"{self.resource} → {self.campaign}"

    def get_absolute_url(self):
        return reverse("assignments:open", args=[self.pk])

    @property
    def is_active(self):
        return self.withdrawn_at is None


class AssignmentOpen(ChoiceLabelsMixin, models.Model):
    """When a user first opened an assignment: until then it is marked new for them."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="opens")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)

    class Meta:
        verbose_name = _("opened assignment")
        verbose_name_plural = _("opened assignments")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "user"], name="assignment_open_once"),
        ]

    def __str__(self):
        return f"{self.user} opened {self.assignment_id}"
