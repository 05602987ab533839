"""Demo campaigns for seed_demo: realistic, clearly marked as demo, built through the campaign services.

Ten campaigns on real counties in nine states, one or more at every stage, each with its team (the
demo users organizer1..3 under staff1..2), targets and their stance history, meetings logged with a
question set and an answer per question, public-records requests with due dates computed from the
state's records law, and open, overdue and closed deadlines. The officials are invented (marked
"demo"); the counties, states and records laws are the real ones loaded by the importers.

Idempotent: a campaign whose name exists is left alone, so a second run changes nothing.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization
from jurisdictions.demo import demo_term, next_election_day
from jurisdictions.models import ELECTED_OFFICES, Agency, Dimension, Jurisdiction, Office, Official, PolicyValue
from jurisdictions.naming import agency_name_key
from resources.demo import DEMO_URL, seed_resources_demo
from resources.models import Kind, Resource

from . import services
from .models import (
    Assessment,
    Assignment,
    Campaign,
    CampaignShare,
    Deadline,
    Goal,
    Letter,
    Meeting,
    QuestionSet,
    RecordsRequest,
    Stage,
    StageChange,
    Stance,
    Target,
)
from .question_seeds import question_sets_seed
from .services import assignments as assignment_services

DEMO_SEED = 2026
DEMO_SUMMARY_PREFIX = "Demo campaign (synthetic data): "
DEMO_OFFICIAL_SOURCE = "Demo data: an invented official of a demo campaign, with an invented term and election"

FIRST_NAMES = [
    "Dana",
    "Rosa",
    "Marcus",
    "Elena",
    "Curtis",
    "Janet",
    "Luis",
    "Priya",
    "Gordon",
    "Teresa",
    "Wade",
    "Nora",
]
LAST_NAMES = ["Whitfield", "Alvarado", "Brennan", "Okoye", "Hale", "Castillo", "Lindqvist", "Moreau", "Pike", "Santos"]

ACTIVE_PATH = [Stage.RESEARCH, Stage.COALITION, Stage.ENGAGING, Stage.PROPOSAL, Stage.DECISION_PENDING]


@dataclass
class DemoCampaign:
    fips: str
    name: str
    goal: str
    stage: str
    lead: str
    team: list
    age_days: int
    board_name: str
    board_kind: str = Agency.Kind.BOARD
    seats: int = 5
    summary: str = ""
    outcome: str = ""
    policy: tuple | None = None
    path: list = field(default_factory=list)


CAMPAIGNS = [
    DemoCampaign(
        fips="48453",
        name="End ICE holds at the Travis County jail",
        goal=Goal.END_HOLDS,
        stage=Stage.WON,
        lead="staff1",
        team=["organizer1", "organizer2"],
        age_days=540,
        board_name="Travis County Commissioners Court",
        summary="Coalition asked the sheriff and the commissioners court to stop holding people for ICE "
        "without a judicial warrant.",
        outcome="The sheriff adopted a written policy: no one is held on an ICE detainer alone. The commissioners "
        "court added quarterly public reporting.",
        policy=(Dimension.HOLDS, PolicyValue.HONORS_NONE),
    ),
    DemoCampaign(
        fips="48201",
        name="Stop release-date notifications to ICE in Harris County",
        goal=Goal.END_NOTIFICATIONS,
        stage=Stage.DECISION_PENDING,
        lead="staff1",
        team=["organizer1", "organizer3"],
        age_days=420,
        board_name="Harris County Commissioners Court",
        summary="The jail emails ICE before people are released. The proposal before the court ends that practice.",
    ),
    DemoCampaign(
        fips="13067",
        name="End the 287(g) jail agreement in Cobb County",
        goal=Goal.END_287G,
        stage=Stage.ENGAGING,
        lead="staff2",
        team=["organizer2", "organizer3"],
        age_days=260,
        board_name="Cobb County Board of Commissioners",
        summary="Residents want the county to end the jail enforcement model agreement with ICE.",
    ),
    DemoCampaign(
        fips="47037",
        name="Keep ICE out of the Davidson County jail",
        goal=Goal.END_JAIL_ACCESS,
        stage=Stage.PROPOSAL,
        lead="staff2",
        team=["organizer3"],
        age_days=330,
        board_name="Metropolitan Council of Nashville and Davidson County",
        board_kind=Agency.Kind.CITY_COUNCIL,
        seats=40,
        summary="A council resolution would bar ICE interviews in the jail without a judicial warrant.",
    ),
    DemoCampaign(
        fips="06053",
        name="Enforce the California Values Act in Monterey County",
        goal=Goal.ENFORCE_STATE_LAW,
        stage=Stage.MONITORING,
        lead="staff1",
        team=["organizer1"],
        age_days=720,
        board_name="Monterey County Board of Supervisors",
        summary="Make sure the jail follows SB 54: no holds, no notifications outside the law's narrow exceptions.",
        outcome="The sheriff published a compliance policy and the board receives yearly reports.",
        path=[Stage.RESEARCH, Stage.COALITION, Stage.ENGAGING, Stage.WON, Stage.MONITORING],
    ),
    DemoCampaign(
        fips="37001",
        name="End the 287(g) agreement in Alamance County",
        goal=Goal.END_287G,
        stage=Stage.LOST,
        lead="staff2",
        team=["organizer2"],
        age_days=610,
        board_name="Alamance County Board of Commissioners",
        summary="Asked the board and the sheriff to end the county's 287(g) agreement.",
        outcome="The board voted 4-1 to keep the agreement. The coalition will return after the next election.",
    ),
    DemoCampaign(
        fips="12057",
        name="End 287(g) task force work in Hillsborough County",
        goal=Goal.END_287G,
        stage=Stage.COALITION,
        lead="staff1",
        team=["organizer3", "organizer2"],
        age_days=95,
        board_name="Hillsborough County Board of County Commissioners",
        seats=7,
        summary="Building a coalition of faith groups and service providers against the task force agreement.",
    ),
    DemoCampaign(
        fips="53077",
        name="End the jail-bed contract with ICE in Yakima County",
        goal=Goal.END_BED_CONTRACT,
        stage=Stage.RESEARCH,
        lead="staff2",
        team=["organizer1"],
        age_days=35,
        board_name="Yakima County Board of Commissioners",
        seats=3,
        summary="Finding out whether the county still rents jail beds to ICE and what it earns from them.",
    ),
    DemoCampaign(
        fips="41047",
        name="Fund deportation defense in Marion County",
        goal=Goal.FUND_LEGAL_DEFENSE,
        stage=Stage.PAUSED,
        lead="staff1",
        team=["organizer2"],
        age_days=300,
        board_name="Marion County Board of Commissioners",
        seats=3,
        summary="A county fund for lawyers for residents facing deportation. Paused while the budget is frozen.",
        path=[Stage.RESEARCH, Stage.COALITION, Stage.ENGAGING, Stage.PAUSED],
    ),
    DemoCampaign(
        fips="37071",
        name="Stop honoring ICE holds in Gaston County",
        goal=Goal.END_HOLDS,
        stage=Stage.ENGAGING,
        lead="staff2",
        team=["organizer1", "organizer3"],
        age_days=180,
        board_name="Gaston County Board of Commissioners",
        seats=7,
        summary="Meeting the sheriff and each commissioner about the jail's detainer practice.",
    ),
]

# What the other side said, per question of the seeded sheriff and board sets: (answer, assessment).
SHERIFF_ANSWERS = [
    [
        ("We only hold someone past release when a judge has signed a warrant.", Assessment.SATISFACTORY),
        ("We follow federal law and look at each detainer case by case.", Assessment.EVASIVE),
        ("We honor every detainer ICE sends; it's a courtesy between agencies.", Assessment.UNSATISFACTORY),
    ],
    [
        ("No calls or emails to ICE about release dates. Staff were told in a memo.", Assessment.SATISFACTORY),
        ("Release dates are public information anyway.", Assessment.EVASIVE),
        ("Yes, the booking desk emails ICE the day before release.", Assessment.UNSATISFACTORY),
    ],
    [
        ("ICE has no office in the jail and no interviews without a signed consent form.", Assessment.SATISFACTORY),
        ("ICE is treated like any other agency.", Assessment.EVASIVE),
        ("ICE officers come in twice a week and see the booking list.", Assessment.UNSATISFACTORY),
    ],
    [
        ("We have no 287(g) agreement and no plans to sign one.", Assessment.SATISFACTORY),
        ("It is one tool among many; we will review it at some point.", Assessment.EVASIVE),
        ("The agreement stays; ICE trained six of our deputies.", Assessment.UNSATISFACTORY),
    ],
    [
        ("Only fingerprints go to the FBI as required; nothing else is shared.", Assessment.SATISFACTORY),
        ("We don't control what happens to data after it leaves us.", Assessment.EVASIVE),
        ("Booking data is shared with the regional fusion center.", Assessment.UNSATISFACTORY),
    ],
    [
        ("Two people were transferred last year; the records will be sent to you.", Assessment.SATISFACTORY),
        ("We don't keep that number.", Assessment.EVASIVE),
        ("About forty; we don't publish it.", Assessment.UNSATISFACTORY),
    ],
    [
        ("Yes, a written policy by the end of next month.", Assessment.SATISFACTORY),
        ("Our practice is clear enough as it is.", Assessment.EVASIVE),
        ("No.", Assessment.UNSATISFACTORY),
    ],
]
BOARD_ANSWERS = [
    [
        ("Yes, and I will co-sponsor the item.", Assessment.SATISFACTORY),
        ("I need to see the language first.", Assessment.EVASIVE),
        ("That's the sheriff's business, not the board's.", Assessment.UNSATISFACTORY),
    ],
    [
        ("Yes: quarterly reports in a public meeting.", Assessment.SATISFACTORY),
        ("We can't tell an elected sheriff what to do.", Assessment.EVASIVE),
        ("No.", Assessment.UNSATISFACTORY),
    ],
    [
        ("I will vote against the renewal.", Assessment.SATISFACTORY),
        ("The county needs the revenue, but I'm listening.", Assessment.EVASIVE),
        ("I support the contract.", Assessment.UNSATISFACTORY),
    ],
    [
        ("Open to a pilot fund in next year's budget.", Assessment.SATISFACTORY),
        ("Immigration is a federal matter.", Assessment.EVASIVE),
        ("Not with county money.", Assessment.UNSATISFACTORY),
    ],
    [
        ("My office will schedule a follow-up within a month.", Assessment.SATISFACTORY),
        ("Send my office an email.", Assessment.EVASIVE),
        ("No more meetings on this.", Assessment.UNSATISFACTORY),
    ],
]

# How far along each stage is, as a share of the campaign's age.
STAGE_SHARE = {
    Stage.RESEARCH: 0.0,
    Stage.COALITION: 0.15,
    Stage.ENGAGING: 0.3,
    Stage.PROPOSAL: 0.55,
    Stage.DECISION_PENDING: 0.75,
    Stage.WON: 0.85,
    Stage.LOST: 0.85,
    Stage.MONITORING: 0.92,
    Stage.PAUSED: 0.8,
}


def _path(spec):
    if spec.path:
        return spec.path
    if spec.stage in (Stage.WON, Stage.LOST):
        return [*ACTIVE_PATH, spec.stage]
    return ACTIVE_PATH[: ACTIVE_PATH.index(spec.stage) + 1]


def _aware(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _agency(jurisdiction, kind, name):
    """The county's agency of that name (as imported, or created once for the demo)."""
    key = agency_name_key(name)
    agency = Agency.objects.filter(state=jurisdiction.state, name_key=key).first()
    if agency is None:
        agency = Agency(state=jurisdiction.state, jurisdiction=jurisdiction, kind=kind, name=name, sources="demo")
        agency.save()
    return agency


def _official(agency, name, title, office, district="", today=None):
    """An invented official of the demo (marked so), with an invented term and next election.

    Sheriffs are on a four-year cycle; board members on staggered ones, the even districts' seats up
    at the next November election, so the dashboards and digests have upcoming elections to show.
    """
    today = today or timezone.localdate()
    defaults = {"title": title, "office": office, "district": district, "is_demo": True, "source": DEMO_OFFICIAL_SOURCE}
    if office in ELECTED_OFFICES:
        if office == Office.BOARD_MEMBER and district and int(district) % 2 == 0:
            vote = next_election_day(today)
            start, end = date(vote.year - 4, 12, 1), date(vote.year, 11, 30)
        else:
            start, end, vote = demo_term(today, years=4, cycle_year=2024)
        defaults.update(term_start=start, term_end=end, next_election=vote)
    official, _ = Official.objects.get_or_create(agency=agency, name=name, defaults=defaults)
    return official


class _Builder:
    def __init__(self, spec, users, rng, today, sets, stdout):
        self.spec, self.users, self.rng, self.today, self.sets, self.stdout = spec, users, rng, today, sets, stdout
        self.started = today - timedelta(days=spec.age_days)
        self.lead = users.get(spec.lead)
        self.team = [users[name] for name in spec.team if name in users]
        self.actor = self.team[0] if self.team else self.lead

    def day(self, share):
        """The day at this share of the campaign's life (0 = start, 1 = today)."""
        return self.started + timedelta(days=int(self.spec.age_days * share))

    def names(self, count):
        picks = self.rng.sample([(f, la) for f in FIRST_NAMES for la in LAST_NAMES], count)
        return [f"{first} {last} (demo)" for first, last in picks]

    def build(self, jurisdiction):
        spec = self.spec
        county = jurisdiction.name
        sheriff_office = _agency(jurisdiction, Agency.Kind.SHERIFF, f"{county} Sheriff's Office")
        board = _agency(jurisdiction, spec.board_kind, spec.board_name)
        counsel = _agency(jurisdiction, Agency.Kind.COUNTY_COUNSEL, f"{county} Attorney's Office")
        names = self.names(7)
        sheriff = _official(sheriff_office, names[0], "Sheriff", Office.SHERIFF)
        counsel_official = _official(counsel, names[1], "County Attorney", Office.COUNTY_COUNSEL)
        member_count = min(spec.seats, 5)
        members = [
            _official(board, names[2 + i], f"Member, District {i + 1}", Office.BOARD_MEMBER, district=str(i + 1))
            for i in range(member_count)
        ]

        campaign = services.campaign_create(
            user=self.lead,
            name=spec.name,
            jurisdiction=jurisdiction,
            goal=spec.goal,
            lead=self.lead,
            summary=DEMO_SUMMARY_PREFIX + spec.summary,
            started_on=self.started,
            board_seats=spec.seats,
            organizers=self.team,
        )
        targets = {"sheriff": services.target_add(campaign=campaign, user=self.actor, official=sheriff)}
        targets["counsel"] = services.target_add(campaign=campaign, user=self.actor, official=counsel_official)
        targets["board"] = services.target_add(campaign=campaign, user=self.actor, agency=board)
        voters = [services.target_add(campaign=campaign, user=self.actor, official=m, votes=True) for m in members]

        self.stages(campaign)
        self.meetings(campaign, targets, voters)
        self.requests(campaign, sheriff_office, counsel)
        self.deadlines(campaign)
        latest = max(
            [c.changed_at for c in campaign.stage_changes.all()]
            + [m.held_at for m in campaign.meetings.all()]
            + [r.created_at for r in campaign.records_requests.all()]
            + [_aware(self.started)]
        )
        Campaign.objects.filter(pk=campaign.pk).update(last_activity_at=latest)
        return campaign

    def stages(self, campaign):
        path = _path(self.spec)
        StageChange.objects.filter(campaign=campaign).update(changed_at=_aware(self.started, 9))
        notes = {
            Stage.COALITION: "Research done: the jail's ICE practices are documented.",
            Stage.ENGAGING: "Coalition of local groups formed; meetings with officials start.",
            Stage.PROPOSAL: "Draft policy shared with the board and the sheriff.",
            Stage.DECISION_PENDING: "Item scheduled for a vote.",
            Stage.PAUSED: "Budget freeze: no new spending considered this year.",
            Stage.MONITORING: "Policy in place; watching that it is followed.",
        }
        for stage in path[1:]:
            outcome = self.spec.outcome if stage in (Stage.WON, Stage.LOST) else ""
            policy = None
            if stage == Stage.WON and self.spec.policy:
                dimension, value = self.spec.policy
                policy = {"dimension": dimension, "value": value, "effective_date": self.day(STAGE_SHARE[stage])}
            change = services.campaign_change_stage(
                campaign=campaign,
                user=self.lead,
                stage=stage,
                note=notes.get(stage, ""),
                outcome=outcome or ("Demo outcome." if stage in (Stage.WON, Stage.LOST) else ""),
                policy_record=policy,
            )
            when = self.day(STAGE_SHARE[stage])
            StageChange.objects.filter(pk=change.pk).update(changed_at=_aware(when, 17))
            if stage in (Stage.WON, Stage.LOST):
                Campaign.objects.filter(pk=campaign.pk).update(ended_on=when)
        campaign.refresh_from_db()

    def _answers(self, question_set, pool, lean):
        """One answer per question, leaning good (lean near 1) or bad (near 0)."""
        answers = []
        for index, question in enumerate(question_set.questions.all()):
            options = pool[index % len(pool)]
            roll = self.rng.random()
            choice = options[0] if roll < lean else options[1] if roll < lean + (1 - lean) / 2 else options[2]
            if self.rng.random() < 0.1:
                answers.append({"question": question, "text": "", "assessment": Assessment.NOT_ASKED})
            else:
                answers.append({"question": question, "text": choice[0], "assessment": choice[1]})
        return answers

    def meetings(self, campaign, targets, voters):
        path = _path(self.spec)
        if Stage.ENGAGING not in path and Stage.COALITION not in path:
            return
        won = self.spec.stage in (Stage.WON, Stage.MONITORING)
        lost = self.spec.stage == Stage.LOST
        sheriff_lean = 0.8 if won else 0.15 if lost else 0.4
        plans = [(0.2, "sheriff", None)]
        if Stage.ENGAGING in path:
            plans += [(0.35, "board", voters[0]), (0.45, "board", voters[1 % len(voters)]), (0.5, "sheriff", None)]
        if Stage.PROPOSAL in path or self.spec.stage in (Stage.WON, Stage.LOST, Stage.MONITORING):
            plans += [(0.6, "board", voters[2 % len(voters)]), (0.7, "counsel", None)]
        final = self._final_stances(voters)
        for number, (share, who, voter) in enumerate(plans):
            held = _aware(self.day(share), 10 + number % 6)
            if held.date() >= self.today:
                continue
            if who == "sheriff":
                question_set, met, pool, lean = (
                    self.sets["sheriff"],
                    [targets["sheriff"]],
                    SHERIFF_ANSWERS,
                    sheriff_lean,
                )
                stances = {
                    targets["sheriff"]: Stance.SUPPORTIVE if won else Stance.OPPOSED if lost else Stance.UNDECIDED
                }
            elif who == "board":
                question_set, met, pool = self.sets["board_member"], [voter], BOARD_ANSWERS
                lean = 0.75 if final[voter] in (Stance.CHAMPION, Stance.SUPPORTIVE) else 0.2
                stances = {voter: final[voter]}
            else:
                question_set, met, pool, lean = self.sets["county_counsel"], [targets["counsel"]], SHERIFF_ANSWERS, 0.5
                stances = {targets["counsel"]: Stance.UNDECIDED}
            follow_due = held.date() + timedelta(days=14)
            owner = self.team[number % len(self.team)] if self.team else None
            meeting = services.meeting_log(
                campaign=campaign,
                user=owner or self.lead,
                held_at=held,
                kind=Meeting.Kind.MEETING if number % 3 else Meeting.Kind.CALL,
                location="County building" if who != "sheriff" else "Sheriff's office",
                targets=met,
                attendees="Two coalition members and one directly affected resident (names kept off the record).",
                question_set=question_set,
                answers=self._answers(question_set, pool, lean),
                summary=f"Demo meeting: {len(question_set.questions.all())} questions asked. "
                + ("Receptive; asked for our draft language." if lean > 0.5 else "Guarded; no commitment."),
                commitments="Will send the written policy and the last year's numbers."
                if lean > 0.5
                else "Agreed only to meet again.",
                confidential_notes="Staffer hinted the vote count is closer than it looks." if number == 1 else "",
                follow_ups=[
                    {
                        "title": f"Follow up with {met[0].name}",
                        "due_date": follow_due,
                        "owner": owner,
                        "kind": Deadline.Kind.FOLLOW_UP,
                    }
                ],
                stance_updates=stances,
            )
            Meeting.objects.filter(pk=meeting.pk).update(logged_at=held + timedelta(hours=2))
            stamp = held + timedelta(hours=2)
            Deadline.objects.filter(meeting=meeting).update(created_at=stamp)
            Target.objects.filter(stance_changes__meeting=meeting).update(stance_changed_at=stamp)
            meeting.stance_changes.update(changed_at=stamp)
        self._close_old_follow_ups(campaign)

    def _close_old_follow_ups(self, campaign):
        """Old follow-ups were done; an active campaign keeps its latest one open, just overdue."""
        follow_ups = list(Deadline.objects.filter(campaign=campaign, meeting__isnull=False).order_by("-due_date"))
        closed = self.spec.stage in (Stage.WON, Stage.LOST, Stage.MONITORING, Stage.PAUSED)
        keep_open = [] if closed or not follow_ups else follow_ups[:1]
        for deadline in follow_ups:
            if deadline in keep_open:
                Deadline.objects.filter(pk=deadline.pk).update(due_date=self.today - timedelta(days=2))
                continue
            services.deadline_complete(deadline=deadline, user=deadline.owner or self.lead)
            done = min(deadline.due_date, self.today - timedelta(days=1))
            Deadline.objects.filter(pk=deadline.pk).update(completed_at=_aware(done, 16))

    def _final_stances(self, voters):
        count = len(voters)
        if self.spec.stage in (Stage.WON, Stage.MONITORING):
            stances = [Stance.CHAMPION, Stance.SUPPORTIVE, Stance.SUPPORTIVE, Stance.OPPOSED, Stance.UNDECIDED]
        elif self.spec.stage == Stage.LOST:
            stances = [Stance.SUPPORTIVE, Stance.OPPOSED, Stance.OPPOSED, Stance.OPPOSED, Stance.UNDECIDED]
        elif self.spec.stage == Stage.DECISION_PENDING:
            stances = [Stance.CHAMPION, Stance.SUPPORTIVE, Stance.UNDECIDED, Stance.OPPOSED, Stance.OPPOSED]
        else:
            stances = [Stance.SUPPORTIVE, Stance.UNDECIDED, Stance.OPPOSED, Stance.UNKNOWN, Stance.UNDECIDED]
        return {voter: stances[i % len(stances)] for i, voter in enumerate(voters[:count])}

    def requests(self, campaign, sheriff_office, counsel):
        path = _path(self.spec)
        if Stage.COALITION not in path:
            # Research stage: a request drafted, not sent yet.
            services.records_request_create(
                campaign=campaign,
                user=self.actor,
                agencies=[sheriff_office],
                subject="ICE contracts and payments",
                records_sought="Every contract, invoice and payment between the county and ICE since 2022.",
            )
            return
        sent_on = self.day(STAGE_SHARE[Stage.COALITION] + 0.05)
        created = services.records_request_create(
            campaign=campaign,
            user=self.actor,
            agencies=[sheriff_office, counsel],
            subject="ICE detainers and notifications",
            records_sought="All ICE detainers (I-247A) and notification requests received since January 2025, "
            "and the jail's written policies on responding to them.",
            sent_on=sent_on,
        )
        statuses = [RecordsRequest.Status.PARTLY_FULFILLED, RecordsRequest.Status.FULFILLED]
        for request, status in zip(created, statuses, strict=False):
            # Answered long ago, or (no legal period) after a few weeks.
            if (request.due_date or sent_on + timedelta(days=30)) < self.today:
                services.records_request_update(
                    request=request, user=self.actor, status=status, response_note="Demo: 212 pages received."
                )
        # A recent request, still within its legal period or extended.
        if self.spec.stage in (Stage.LOST, Stage.PAUSED):
            self._backdate_requests(campaign)
            return
        recent = max(self.today - timedelta(days=self.rng.randint(3, 20)), sent_on)
        recent_requests = services.records_request_create(
            campaign=campaign,
            user=self.actor,
            agencies=[sheriff_office],
            subject="ICE access to the jail",
            records_sought="Visitor logs and emails showing ICE officers' visits to the jail in 2026.",
            sent_on=recent,
        )
        recent_request = recent_requests[0]
        if self.spec.stage in (Stage.DECISION_PENDING, Stage.PROPOSAL) and recent_request.due_date:
            # The agency extended: by the law's own period, or to a date it gave when the law sets none.
            law = recent_request.law
            extended_to = None if law and law.extension_days else recent_request.due_date + timedelta(days=10)
            services.records_request_update(
                request=recent_request,
                user=self.actor,
                status=RecordsRequest.Status.EXTENDED,
                extended_to=extended_to,
                response_note="Demo: the agency asked for more time.",
            )
        self._backdate_requests(campaign)

    def _backdate_requests(self, campaign):
        for request in RecordsRequest.objects.filter(campaign=campaign):
            stamp = _aware(request.sent_on or self.today, 11)
            RecordsRequest.objects.filter(pk=request.pk).update(created_at=stamp)
            Deadline.objects.filter(records_request=request).update(created_at=stamp)
            if request.status in (RecordsRequest.Status.FULFILLED, RecordsRequest.Status.PARTLY_FULFILLED):
                answered = min(request.due_date or request.sent_on + timedelta(days=30), self.today)
                Deadline.objects.filter(records_request=request).exclude(status=Deadline.Status.OPEN).update(
                    completed_at=_aware(answered - timedelta(days=1), 15)
                )

    def deadlines(self, campaign):
        owner = self.team[0] if self.team else self.lead
        stage = self.spec.stage
        rows = []
        if stage == Stage.DECISION_PENDING:
            rows += [
                ("Commissioners court vote on the notification policy", Deadline.Kind.BOARD_VOTE, 12),
                ("Public comment closes", Deadline.Kind.PUBLIC_COMMENT, 9),
            ]
        if stage == Stage.PROPOSAL:
            rows += [("Council committee hearing on the resolution", Deadline.Kind.HEARING, 20)]
        if stage in (Stage.ENGAGING, Stage.COALITION):
            rows += [
                ("Coalition sign-on letter to the board", Deadline.Kind.FOLLOW_UP, 5),
                ("Share meeting notes with the coalition", Deadline.Kind.REPORT, -4),
            ]
        if stage == Stage.MONITORING:
            rows += [("Yearly compliance report to the board", Deadline.Kind.REPORT, 45)]
        if stage == Stage.RESEARCH:
            rows += [("Finish the jail contract research memo", Deadline.Kind.REPORT, 10)]
        for title, kind, days in rows:
            deadline = services.deadline_create(
                campaign=campaign,
                user=owner,
                title=title,
                kind=kind,
                due_date=self.today + timedelta(days=days),
                due_time=time(18, 0) if kind in (Deadline.Kind.BOARD_VOTE, Deadline.Kind.HEARING) else None,
                time_zone=timezone.get_current_timezone_name(),
                owner=owner,
            )
            Deadline.objects.filter(pk=deadline.pk).update(created_at=_aware(self.today - timedelta(days=20)))


# Which sample letter a campaign drafts, by words in the sample's title, tried in order.
LETTER_KEYWORDS = {
    Goal.END_287G: ["287(g)"],
    Goal.END_HOLDS: ["board", "detainer"],
    Goal.END_NOTIFICATIONS: ["board", "sheriff"],
    Goal.END_JAIL_ACCESS: ["sheriff", "board"],
    Goal.ENFORCE_STATE_LAW: ["county counsel", "sheriff"],
    Goal.FUND_LEGAL_DEFENSE: ["retenciones", "board"],
}
LETTER_STAGES = {
    Stage.ENGAGING: Letter.Status.DRAFT,
    Stage.PROPOSAL: Letter.Status.SENT,
    Stage.DECISION_PENDING: Letter.Status.SENT,
    Stage.WON: Letter.Status.ANSWERED,
    Stage.LOST: Letter.Status.ANSWERED,
    Stage.MONITORING: Letter.Status.ANSWERED,
    Stage.PAUSED: Letter.Status.ANSWERED,
}


def _sample_for(spec, samples):
    for word in LETTER_KEYWORDS.get(spec.goal, []):
        for sample in samples:
            if word.lower() in sample.title.lower():
                return sample
    return samples[0]


def _recipients_for(campaign, sample):
    targets = list(campaign.targets.select_related("official", "agency"))
    title = sample.title.lower()
    wanted = [
        t
        for t in targets
        if ("sheriff" in title and t.agency and t.agency.kind == Agency.Kind.SHERIFF and t.official_id)
        or ("counsel" in title and t.agency and t.agency.kind == Agency.Kind.COUNTY_COUNSEL and t.official_id)
    ]
    return wanted or [t for t in targets if t.votes] or targets[:1]


def seed_demo_letters(stdout, today=None):
    """A letter for each demo campaign past coalition building that has none yet (needs the library's samples)."""

    today = today or timezone.localdate()
    samples = list(
        Resource.objects.approved().filter(kind=Kind.SAMPLE_LETTER).exclude(template_body="").order_by("title", "pk")
    )
    if not samples:
        stdout.write("Demo letters: skipped (no sample letter with a template in the library yet).")
        return 0
    specs = {spec.name: spec for spec in CAMPAIGNS}
    campaigns = Campaign.objects.filter(name__in=specs, letters__isnull=True, stage__in=list(LETTER_STAGES))
    created = 0
    for campaign in campaigns.select_related("jurisdiction", "lead"):
        spec = specs[campaign.name]
        sample = _sample_for(spec, samples)
        author = campaign.memberships.filter(role="organizer").select_related("user").first()
        user = author.user if author else campaign.lead
        span = max((today - campaign.started_on).days, 30)
        written = today - timedelta(days=span // 3)
        with transaction.atomic():
            letter = services.letter_create(
                campaign=campaign,
                user=user,
                template=sample,
                recipients=_recipients_for(campaign, sample),
                sender=f"{campaign.jurisdiction.name} Coalition for Immigrant Families (demo)",
                letter_date=written,
            )
            status = LETTER_STAGES[campaign.stage]
            if status != Letter.Status.DRAFT:
                services.letter_set_status(
                    letter=letter,
                    user=user,
                    status=Letter.Status.SENT,
                    sent_on=written,
                    expect_answer_by=today + timedelta(days=6) if status == Letter.Status.SENT else None,
                )
            if status == Letter.Status.ANSWERED:
                services.letter_set_status(
                    letter=letter,
                    user=user,
                    status=status,
                    answered_on=min(written + timedelta(days=21), today),
                    response_note="Demo: a two-paragraph reply promising to consider the request.",
                )
            Letter.objects.filter(pk=letter.pk).update(created_at=_aware(written, 9))
            Deadline.objects.filter(letter=letter).update(created_at=_aware(written, 9))
        created += 1
    stdout.write(f"Demo letters: {created} drafted from the library's sample letters.")
    return created


def seed_campaigns_demo(stdout):
    """Build the demo campaigns that are not there yet; returns how many were created."""
    question_sets_seed()
    sets = {qs.kind: qs for qs in QuestionSet.objects.filter(is_active=True).prefetch_related("questions")}
    missing_sets = {"sheriff", "board_member", "county_counsel"} - set(sets)
    if missing_sets:
        stdout.write(f"Demo campaigns: skipped (no active question set for {', '.join(sorted(missing_sets))}).")
        return 0
    User = get_user_model()
    usernames = {"staff1", "staff2", "organizer1", "organizer2", "organizer3"}
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    if "staff1" not in users or "staff2" not in users:
        stdout.write("Demo campaigns: skipped (run seed_demo to create the demo users first).")
        return 0
    existing = set(Campaign.objects.filter(name__in=[c.name for c in CAMPAIGNS]).values_list("name", flat=True))
    jurisdictions = {j.fips: j for j in Jurisdiction.objects.filter(fips__in=[c.fips for c in CAMPAIGNS])}
    today = timezone.localdate()
    created, skipped = 0, []
    for index, spec in enumerate(CAMPAIGNS):
        if spec.name in existing:
            continue
        jurisdiction = jurisdictions.get(spec.fips)
        if jurisdiction is None:
            skipped.append(spec.fips)
            continue
        with transaction.atomic():
            _Builder(spec, users, random.Random(DEMO_SEED + index), today, sets, stdout).build(jurisdiction)
        created += 1
    message = f"Demo campaigns: {created} created, {len(existing)} already there."
    if skipped:
        message += f" Skipped (county not loaded): {', '.join(skipped)}."
    stdout.write(message)
    seed_demo_letters(stdout, today)
    return created


# --- resources assigned to the demo campaigns ------------------------------------------------------


DEMO_NOTE = "Demo note:"
# resource slug -> the note staff leave for the campaign (kept short, written for the demo).
DEMO_ASSIGNMENTS = {
    "board-letter": "draft your letter to the board from this sample before the hearing.",
    "sheriff-questions-2022": "bring these questions to the next meeting with the sheriff.",
    "records-cover-letter": "send this request first: it shows how many holds the jail honored last year.",
    "kyr-home-es": "hand this out in Spanish at the community forum.",
}
DEMO_287G_ASSIGNMENTS = {
    "287g-toolkit": "the campaign plan in chapter 3 fits where you are now.",
    "end-287g-letter": "ask for written notice ending the agreement; adapt the second paragraph.",
}
DEMO_WITHDRAWN = ("detainer-talking-points-2014", "a newer edition of these talking points replaces it.")


def seed_assignments_demo(stdout, *, user, campaign_count=6):
    """Assign a few demo resources to the first demo campaigns (one withdrawn); a second run adds nothing."""
    if user is None:
        return
    by_slug = {r.url.removeprefix(DEMO_URL): r for r in Resource.objects.filter(url__startswith=DEMO_URL)}
    campaigns = list(Campaign.objects.order_by("pk")[:campaign_count])
    if not campaigns:
        stdout.write("Demo assignments: no campaigns yet, none made.\n")
        return
    done = set(
        Assignment.objects.filter(campaign__in=campaigns, note__startswith=DEMO_NOTE).values_list(
            "resource_id", "campaign_id"
        )
    )
    created = 0
    for campaign in campaigns:
        wanted = dict(DEMO_ASSIGNMENTS)
        if campaign.goal == Goal.END_287G:
            wanted.update(DEMO_287G_ASSIGNMENTS)
        for slug, note in wanted.items():
            resource = by_slug[slug]
            if (resource.pk, campaign.pk) in done:
                continue
            made, _ = assignment_services.assignment_create(
                resource=resource, campaigns=[campaign], user=user, note=f"{DEMO_NOTE} {note}"
            )
            created += len(made)
    slug, reason = DEMO_WITHDRAWN
    first, old = campaigns[0], by_slug[slug]
    if (old.pk, first.pk) not in done:
        made, _ = assignment_services.assignment_create(
            resource=old, campaigns=[first], user=user, note=f"{DEMO_NOTE} points for the first board hearing."
        )
        for assignment in made:
            assignment_services.assignment_withdraw(assignment=assignment, user=user, reason=f"Demo: {reason}")
            created += 1
    stdout.write(f"Demo assignments: {created} made for {len(campaigns)} campaigns.\n")


def seed_demo(*, users=None, force=False, stdout):
    """The campaigns step of seed_demo (campaigns/management/commands/seed_demo.py runs each app's seed_demo).

    Letters are drafted from the library's sample letters; seed_demo runs this step before the
    library's, so the library's own idempotent seeding is run first when it has no sample letter yet.
    """

    staff = (users or {}).get("staff1")
    if not Resource.objects.filter(kind=Kind.SAMPLE_LETTER).exclude(template_body="").exists():
        seed_resources_demo(stdout, user=staff)
    created = seed_campaigns_demo(stdout)
    seed_assignments_demo(stdout, user=staff)
    return created


# -- a partner organization -----------------------------------------------------------------------

PARTNER_NAME = "Valley Rapid Response"
PARTNER_SLUG = "valley-rapid-response"
# The one demo campaign shared with the partner, to collaborate; the others are the default organization's alone.
SHARED_CAMPAIGN = "Enforce the California Values Act in Monterey County"


def partner_ensure():
    partner, _ = Organization.objects.get_or_create(
        slug=PARTNER_SLUG, defaults={"name": PARTNER_NAME, "language": "es", "time_zone": "America/Los_Angeles"}
    )
    return partner


@transaction.atomic
def seed_partner_share(stdout, *, users):
    """Share SHARED_CAMPAIGN with the partner to collaborate, with the partner's organizer on its team."""
    campaign = Campaign.objects.filter(name=SHARED_CAMPAIGN).first()
    if campaign is None:
        stdout.write("Demo partner: skipped (the campaign to share is not there).")
        return
    partner = partner_ensure()
    _share, created = CampaignShare.objects.get_or_create(
        campaign=campaign,
        organization=partner,
        defaults={"level": CampaignShare.Level.COLLABORATE, "shared_by": users.get("staff1")},
    )
    organizer = users.get("partner-organizer")
    if organizer is not None:
        services.membership_add(campaign=campaign, user=users.get("partner-staff"), member=organizer)
    verb = "shared" if created else "already shared"
    stdout.write(f"Demo partner: “{campaign.name}” {verb} with {partner.name} to collaborate.")
