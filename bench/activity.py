"""The activity of the bench campaigns: meetings with answers, records requests and deadlines."""

from datetime import time, timedelta

from campaigns.due_dates import compute_due_date, compute_extended_due_date
from campaigns.models import OPEN_REQUEST_STATUSES, Answer, Deadline, Meeting, RecordsRequest
from jurisdictions.models import Agency, RecordsLaw

from .copying import reserve_ids
from .plan import BENCH_AGENCY_SOURCE, OVERDUE_SHARE
from .words import (
    ANSWER_TEXTS,
    ASSESSMENT_WEIGHTS,
    COMMITMENTS,
    DEADLINE_KIND_WEIGHTS,
    DEADLINE_TITLES,
    MEETING_KIND_WEIGHTS,
    REQUEST_STATUS_WEIGHTS,
    SUBJECTS,
    SUMMARIES,
    allocate,
    aware,
    between,
    pick,
)


class ActivityMixin:
    """Steps of BenchBuilder that log what each campaign did (see builder.py for the rest)."""

    def meetings(self):

        p, rng, w = self.plan, self.rng, self.w
        Met = Meeting.targets.through
        per_campaign = allocate(p.meetings, [spec.weight for spec in self.specs])
        ids = iter(reserve_ids(Meeting, p.meetings))
        for spec, count in zip(self.specs, per_campaign, strict=True):
            spec.meetings = []
            for _ in range(count):
                pk = next(ids)
                held = between(rng, spec.started, self.now - timedelta(hours=2))
                draft = rng.random() < 0.04
                set_id, questions = rng.choice(self.sets)
                author = rng.choice(spec.team or [spec.lead_id])
                logged = None if draft else min(self.now, held + timedelta(hours=rng.randint(1, 48)))
                meeting = Meeting(
                    pk=pk,
                    campaign_id=spec.pk,
                    status="draft" if draft else "logged",
                    held_at=held,
                    kind=pick(rng, MEETING_KIND_WEIGHTS),
                    location=f"{spec.county} county building",
                    attendees="Three coalition members",
                    question_set_id=set_id,
                    summary=rng.choice(SUMMARIES),
                    commitments=rng.choice(COMMITMENTS),
                    confidential_notes="Source asked not to be named." if rng.random() < 0.05 else "",
                    created_by_id=author,
                    logged_by_id=None if draft else author,
                    logged_at=logged,
                    created_at=held,
                    updated_at=logged or held,
                )
                w.add(Meeting, meeting, with_pk=True)
                spec.meetings.append((pk, held))
                for target_id in rng.sample(spec.targets, min(len(spec.targets), rng.choice([1, 1, 2]))):
                    w.add(Met, Met(meeting_id=pk, target_id=target_id))
                for question_id, order, text in questions:
                    assessment = pick(rng, ASSESSMENT_WEIGHTS)
                    answer = Answer(
                        meeting_id=pk,
                        question_id=question_id,
                        order=order,
                        question_text=text,
                        text="" if assessment == "not_asked" else rng.choice(ANSWER_TEXTS),
                        assessment=assessment,
                    )
                    w.add(Answer, answer)

    def records_requests(self):

        p, rng = self.plan, self.rng
        laws = {law.state_id: law for law in RecordsLaw.objects.filter(state__isnull=False)}
        by_state = {}
        agencies = Agency.objects.exclude(sources=BENCH_AGENCY_SOURCE).order_by("state_id", "name_key")
        for agency_id, state_id in agencies.values_list("pk", "state_id"):
            by_state.setdefault(state_id, []).append(agency_id)
        per_campaign = allocate(p.requests, [spec.weight for spec in self.specs])
        ids = iter(reserve_ids(RecordsRequest, p.requests))
        self.request_deadlines = []
        for spec, count in zip(self.specs, per_campaign, strict=True):
            law = laws.get(spec.state_id)
            for _ in range(count):
                pk = next(ids)
                agency_id = self.sheriffs.get(spec.jurisdiction_id)
                if agency_id is None or rng.random() < 0.2:
                    agency_id = rng.choice(by_state.get(spec.state_id) or [self._bench_agency(spec)])
                status = pick(rng, REQUEST_STATUS_WEIGHTS)
                created = between(rng, spec.started, self.now - timedelta(days=1))
                sent = (
                    None if status == "draft" else min(self.today, created.date() + timedelta(days=rng.randint(0, 5)))
                )
                due = compute_due_date(law, sent)
                original = due.date
                if status == "extended":
                    due = compute_extended_due_date(law, due.date) or due
                subject = f"Records on {rng.choice(SUBJECTS)}"
                request = RecordsRequest(
                    pk=pk,
                    campaign_id=spec.pk,
                    agency_id=agency_id,
                    subject=subject,
                    records_sought="All detainer requests received and the jail's responses, 2022 to date.",
                    method=rng.choice(["email", "email", "portal", "mail"]),
                    sent_on=sent,
                    status=status,
                    law_id=law.pk if law else None,
                    due_rule=due.rule,
                    original_due_date=original,
                    due_date=due.date,
                    response_note="Partial records received." if status == "partly_fulfilled" else "",
                    created_by_id=rng.choice(spec.team or [spec.lead_id]),
                    created_at=created,
                    updated_at=created,
                )
                self.w.add(RecordsRequest, request, with_pk=True)
                if due.date is not None:
                    self.request_deadlines.append((spec, pk, subject, due.date, status in OPEN_REQUEST_STATUSES))

    def _bench_agency(self, spec):
        """A sheriff's office for a state with no agency on file (only in odd slices of the real data)."""

        name = f"{spec.county} Sheriff's Office (bench)"
        agency = Agency.objects.filter(state_id=spec.state_id, sources=BENCH_AGENCY_SOURCE, name=name).first()
        if agency is None:
            agency = Agency.objects.create(
                state_id=spec.state_id,
                jurisdiction_id=spec.jurisdiction_id,
                kind=Agency.Kind.SHERIFF,
                name=name,
                sources=BENCH_AGENCY_SOURCE,
            )
        return agency.pk

    def deadlines(self):

        p, rng, w = self.plan, self.rng, self.w
        overdue_wanted = round(p.deadlines * OVERDUE_SHARE)
        overdue = 0
        # A records request's response deadline: open while the agency still owes an answer.
        request_deadlines = self.request_deadlines[: p.deadlines]
        for spec, request_id, subject, due, still_open in request_deadlines:
            if still_open and due < self.today:
                if overdue >= overdue_wanted:
                    still_open = False  # answered: keeps the overdue share exact
                else:
                    overdue += 1
            deadline = Deadline(
                campaign_id=spec.pk,
                title=f"Response due: {subject}",
                kind="records_due",
                due_date=due,
                owner_id=rng.choice(spec.team or [spec.lead_id]),
                status="open" if still_open else "done",
                records_request_id=request_id,
                completed_at=None if still_open else min(self.now, aware(due, 15)),
                completed_by_id=None if still_open else spec.lead_id,
                created_by_id=spec.lead_id,
                created_at=min(self.now, aware(due - timedelta(days=10), 9)),
            )
            w.add(Deadline, deadline)
        generic = p.deadlines - len(request_deadlines)
        per_campaign = allocate(generic, [spec.weight for spec in self.specs])
        # Which of the other deadlines are overdue: exactly what makes a fifth of all of them overdue.
        overdue_left = set(rng.sample(range(generic), max(0, min(generic, overdue_wanted - overdue))))
        number = 0
        for spec, count in zip(self.specs, per_campaign, strict=True):
            for _ in range(count):
                kind = pick(rng, DEADLINE_KIND_WEIGHTS)
                owner = rng.choice([*spec.team, spec.lead_id]) if rng.random() < 0.93 else None
                if number in overdue_left:
                    status, due = "open", self.today - timedelta(days=rng.randint(1, 120))
                else:
                    roll = rng.random()
                    if roll < 0.35:
                        status, due = "open", self.today + timedelta(days=rng.randint(0, 180))
                    elif roll < 0.92:
                        status, due = "done", self.today - timedelta(days=rng.randint(1, 900))
                    else:
                        status, due = "cancelled", self.today - timedelta(days=rng.randint(-60, 600))
                    due = max(due, spec.started.date())
                number += 1
                created = min(self.now, max(spec.started, aware(due - timedelta(days=rng.randint(3, 60)), 10)))
                meeting_id = None
                if kind == "follow_up" and spec.meetings and rng.random() < 0.5:
                    meeting_id, held = rng.choice(spec.meetings)
                    created = min(self.now, max(held, created))
                closed = status != "open"
                deadline = Deadline(
                    campaign_id=spec.pk,
                    title=DEADLINE_TITLES[kind],
                    kind=kind,
                    due_date=due,
                    due_time=time(18, 0) if kind in ("board_vote", "hearing") else None,
                    time_zone="America/Los_Angeles" if kind in ("board_vote", "hearing") else "",
                    owner_id=owner,
                    status=status,
                    note="Bring the coalition letter." if rng.random() < 0.1 else "",
                    meeting_id=meeting_id,
                    completed_at=min(self.now, aware(due, 17)) if closed else None,
                    completed_by_id=(owner or spec.lead_id) if closed else None,
                    created_by_id=owner or spec.lead_id,
                    created_at=created,
                )
                w.add(Deadline, deadline)
