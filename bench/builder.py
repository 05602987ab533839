"""BenchBuilder: the synthetic part of the bench data set (people, campaigns, library)."""

import math
import random
import time as _time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Organization, OrganizationMembership, Profile
from accounts.organizations import default_organization
from campaigns.management.commands.seed_demo import _county_policy
from campaigns.models import (
    Assignment,
    AssignmentOpen,
    Campaign,
    CampaignShare,
    Membership,
    Question,
    QuestionSet,
    StageChange,
    StanceChange,
    Target,
)
from core import roles
from jurisdictions.models import (
    DIMENSION_VALUES,
    Agency,
    Agreement287g,
    Dimension,
    Jurisdiction,
    PolicyRecord,
    PolicyValue,
    State,
)
from jurisdictions.services import jurisdictions_refresh_policy
from resources.models import Resource, ResourceAudience, Topic

from .activity import ActivityMixin
from .copying import Writer, reserve_ids
from .dataset import refresh_last_activity
from .plan import (
    ANSWERS_PER_MEETING,
    BENCH_MARK,
    BENCH_NOTE,
    BENCH_ORGANIZATION_SLUG,
    BENCH_PASSWORD,
    BENCH_SET_PREFIX,
    BENCH_URL,
    POLICY_RECORDS_PER_COUNTY,
    SHARED_EVERY,
    SUGGESTED_EVERY,
    USERNAME_PREFIX,
    letter_model,
    plan_for,
)
from .words import (
    ACTIVE_PATH,
    ANSWER_TEXTS,
    AUDIENCES,
    FIRST,
    GOAL_TITLES,
    GOAL_WEIGHTS,
    LANGUAGE_WEIGHTS,
    LAST,
    LETTER_BODY,
    RESOURCE_KIND_WEIGHTS,
    RESOURCE_SUMMARIES,
    RESOURCE_TITLES,
    STAGE_WEIGHTS,
    STANCE_WEIGHTS,
    SUBJECTS,
    ZONES,
    allocate,
    aware,
    between,
    pick,
)


@dataclass
class CampaignSpec:
    pk: int
    jurisdiction_id: int
    state_id: int
    county: str
    postal: str
    started: datetime
    stage: str
    lead_id: int
    team: list  # organizer user ids
    weight: float
    seats: int | None
    targets: list = None  # target ids
    meetings: list = None  # (meeting id, held_at)


class BenchBuilder(ActivityMixin):
    """Builds the synthetic part of the bench data set. Call `build()` inside a transaction."""

    def __init__(self, *, scale, seed, bar=None, log=print, today=None):
        self.plan = plan_for(scale)
        self.seed = seed
        self.rng = random.Random(seed)
        self.bar = bar
        self.log = log
        self.today = today or timezone.localdate()
        # Every event happened before midnight today, so the same seed on the same day gives the same data.
        self.now = aware(self.today)
        self.w = Writer(bar)
        self.counts = self.w.counts
        self.counties = None
        self.timings = {}

    def load_counties(self):

        self.counties = list(
            Jurisdiction.objects.filter(kind=Jurisdiction.Kind.COUNTY, is_legacy=False)
            .exclude(state__kind="territory")
            .order_by("fips")
            .values("pk", "name", "population", "state_id", "state__postal", "state__law_floor")
        )
        if not self.counties:
            raise RuntimeError("No counties loaded: the real data must be imported first.")
        return self.counties

    def total_rows(self):
        """Rows the build writes, for a progress bar over all of it."""
        p = self.plan
        return (
            len(self.counties) * POLICY_RECORDS_PER_COUNTY
            + p.users
            + p.campaigns * 7
            + p.targets
            + p.meetings * (2 + ANSWERS_PER_MEETING)
            + p.deadlines
            + p.requests
            + p.resources * 4
            + p.assignments * 3
            + (p.letters * 2 if letter_model() else 0)
        )

    def _tick(self, n):
        if self.bar is not None:
            self.bar.update(n)

    def _step(self, name):
        if self.bar is not None:
            self.bar.set_description(f"seed_bench: {name}")

    def build(self):
        if self.counties is None:
            self.load_counties()
        steps = [
            ("policy records", self.policy_records),
            ("users", self.users),
            ("question sets", self.question_sets),
            ("campaigns", self.campaigns),
            ("targets", self.targets),
            ("meetings and answers", self.meetings),
            ("records requests", self.records_requests),
            ("deadlines", self.deadlines),
            ("resources", self.resources),
            ("letters", self.letters),
            ("assignments", self.assignments),
        ]
        for name, step in [*steps, ("denormalised fields", self.refresh)]:
            self._step(name)
            begun = _time.monotonic()
            step()
            self.w.flush()
            self.timings[name] = _time.monotonic() - begun
        return self.counts

    # -- policy -----------------------------------------------------------------------------------

    def policy_records(self):

        rng = self.rng
        with_287g = set(
            Agreement287g.objects.filter(status=Agreement287g.Status.ACTIVE, jurisdiction__isnull=False).values_list(
                "jurisdiction_id", flat=True
            )
        )
        for county in self.counties:
            # seed_demo's profile of a county in its state; every county gets a holds policy here.
            policy = _county_policy(rng, county["state__law_floor"], county["pk"] in with_287g) or {
                Dimension.HOLDS: rng.choice([PolicyValue.HONORS_ALL, PolicyValue.HONORS_SOME])
            }
            wanted = rng.choice([2, 3, 3, 4])
            dated = []
            for dimension, value in policy.items():
                dated.append((dimension, value, self.today - timedelta(days=rng.randint(30, 6 * 365))))
            # History: earlier, different values of the dimensions the county has now.
            while len(dated) < wanted:
                dimension, value, effective = rng.choice(dated)
                earlier = rng.choice([v for v in DIMENSION_VALUES[dimension] if v != value])
                dated.append((dimension, earlier, effective - timedelta(days=rng.randint(120, 5 * 365))))
            for dimension, value, effective in dated:
                self.w.add(
                    PolicyRecord,
                    PolicyRecord(
                        jurisdiction_id=county["pk"],
                        dimension=dimension,
                        value=value,
                        effective_date=effective,
                        note=BENCH_NOTE,
                        is_demo=True,
                        created_at=aware(effective, 12),
                    ),
                )
        self.w.flush()
        jurisdictions_refresh_policy(jurisdiction_ids=[county["pk"] for county in self.counties])

    # -- people -----------------------------------------------------------------------------------

    def users(self):
        User = get_user_model()
        p, rng = self.plan, self.rng
        password = make_password(BENCH_PASSWORD)
        joined = self.now - timedelta(days=5 * 365)
        people = []
        for role, count in ((roles.ADMIN, p.admins), (roles.STAFF, p.staff), (roles.ORGANIZER, p.organizers)):
            for number in range(1, count + 1):
                people.append(
                    (
                        role,
                        User(
                            username=f"{USERNAME_PREFIX}{role.lower()}-{number:05d}",
                            first_name=rng.choice(FIRST),
                            last_name=rng.choice(LAST),
                            email=f"{role.lower()}-{number:05d}@bench.example.org",
                            password=password,
                            is_staff=role == roles.ADMIN,
                            date_joined=between(rng, joined, self.now - timedelta(days=30)),
                        ),
                    )
                )
        created = User.objects.bulk_create([user for _role, user in people], batch_size=1000)
        groups = {group.name: group for group in Group.objects.filter(name__in=roles.ROLES)}
        for role in roles.ROLES:
            groups.setdefault(role, Group.objects.get_or_create(name=role)[0])
        Through = User.groups.through
        Through.objects.bulk_create(
            [
                Through(user_id=user.pk, group_id=groups[role].pk)
                for (role, _u), user in zip(people, created, strict=True)
            ]
        )
        self.admin_ids = [u.pk for (role, _u), u in zip(people, created, strict=True) if role == roles.ADMIN]
        self.staff_ids = [u.pk for (role, _u), u in zip(people, created, strict=True) if role == roles.STAFF]
        self.organizer_ids = [u.pk for (role, _u), u in zip(people, created, strict=True) if role == roles.ORGANIZER]
        self._organizations()
        self._profiles([u.pk for u in created])
        self.counts["users"] = len(created)
        self._tick(len(created))

    def _organizations(self):
        """The default organization and partners; each staff member and organizer belongs to one (staff dealt
        out first, so every organization has staff). The network admins run them all."""
        p, rng = self.plan, self.rng
        home = default_organization()
        others = Organization.objects.bulk_create(
            [
                Organization(name=f"Bench organization {n:02d} (synthetic)", slug=f"{BENCH_ORGANIZATION_SLUG}{n:02d}")
                for n in range(2, p.organizations + 1)
            ]
        )
        self.organization_ids = [home.pk] + [o.pk for o in others]
        self.organization_of = {}
        memberships = []
        for position, user_id in enumerate(self.staff_ids):
            organization_id = self.organization_ids[position % len(self.organization_ids)]
            self.organization_of[user_id] = organization_id
            memberships.append(OrganizationMembership(organization_id=organization_id, user_id=user_id, role="staff"))
        for user_id in self.organizer_ids:
            organization_id = rng.choice(self.organization_ids)
            self.organization_of[user_id] = organization_id
            memberships.append(
                OrganizationMembership(organization_id=organization_id, user_id=user_id, role="organizer")
            )
        for user_id in self.admin_ids:
            self.organization_of[user_id] = home.pk
        OrganizationMembership.objects.bulk_create(memberships, batch_size=1000)
        self.organizers_by_organization = {}
        for user_id in self.organizer_ids:
            self.organizers_by_organization.setdefault(self.organization_of[user_id], []).append(user_id)
        self.counts["organizations"] = len(self.organization_ids)

    def _profiles(self, user_ids):

        rng = self.rng
        Profile.objects.bulk_create(
            [
                Profile(
                    user_id=pk,
                    time_zone=rng.choice(ZONES),
                    language="es" if rng.random() < 0.2 else "en",
                    digest_weekday=rng.randint(0, 6),
                    digest_hour=rng.randint(6, 10),
                    digest_when_empty=rng.random() < 0.3,
                    overdue_emails=rng.random() < 0.9,
                )
                for pk in user_ids
            ],
            batch_size=1000,
        )

    # -- campaigns --------------------------------------------------------------------------------

    def question_sets(self):

        kinds = ["sheriff", "board_member", "county_counsel", "candidate_forum", "other"]
        self.sets = []
        for index, (kind, size) in enumerate(zip(kinds, [10, 8, 6, 7, 9], strict=True), start=1):
            question_set = QuestionSet.objects.create(
                name=f"{BENCH_SET_PREFIX}{kind.replace('_', ' ')} questions ({index})",
                kind=kind,
                description="Synthetic question set of the bench data set.",
            )
            questions = Question.objects.bulk_create(
                [
                    Question(
                        question_set=question_set,
                        order=order,
                        topic=SUBJECTS[order % len(SUBJECTS)],
                        text=f"What is your policy on {SUBJECTS[(order + index) % len(SUBJECTS)]}? ({order})",
                        good_answer="A written policy that ends it.",
                        evasive_answer="'Case by case.'",
                    )
                    for order in range(1, size + 1)
                ]
            )
            self.sets.append((question_set.pk, [(q.pk, q.order, q.text) for q in questions]))

    def campaigns(self):

        p, rng = self.plan, self.rng
        weights = [math.sqrt(c["population"] or 5000) for c in self.counties]
        chosen = rng.choices(self.counties, weights=weights, k=p.campaigns)
        leads = self.staff_ids + self.admin_ids[:1]
        names, specs = {}, []
        ids = iter(reserve_ids(Campaign, p.campaigns))
        for county in chosen:
            goal = pick(rng, GOAL_WEIGHTS)
            stage = pick(rng, STAGE_WEIGHTS)
            base = f"{GOAL_TITLES[goal]} in {county['name']}, {county['state__postal']}"
            names[base] = names.get(base, 0) + 1
            name = base if names[base] == 1 else f"{base} ({names[base]})"
            started = self.now - timedelta(days=rng.randint(45, 5 * 365), hours=rng.randint(8, 18))
            lead_id = rng.choice(leads)
            organization_id = self.organization_of[lead_id]
            # The team comes from the lead's organization when it has organizers, else from anyone's.
            pool = self.organizers_by_organization.get(organization_id) or self.organizer_ids
            team_size = min(len(pool), rng.choice([1, 2, 2, 3, 3, 4]))
            spec = CampaignSpec(
                pk=next(ids),
                jurisdiction_id=county["pk"],
                state_id=county["state_id"],
                county=county["name"],
                postal=county["state__postal"],
                started=started,
                stage=stage,
                lead_id=lead_id,
                team=rng.sample(pool, team_size),
                # Some campaigns are much busier than others: their page is the one to watch.
                weight=rng.lognormvariate(0, 0.8) * (0.4 if stage == "research" else 1.0),
                seats=rng.choice([5, 5, 5, 7, 9, None]),
            )
            ended = None
            outcome = ""
            if stage in ("won", "lost", "monitoring"):
                ended = min(self.today - timedelta(days=1), (started + timedelta(days=rng.randint(60, 900))).date())
                ended = max(ended, started.date())
                outcome = (
                    "The board adopted a policy ending cooperation."
                    if stage != "lost"
                    else "The board voted 3-2 to keep the agreement."
                )
            self.w.add(
                Campaign,
                Campaign(
                    pk=spec.pk,
                    organization_id=organization_id,
                    name=name,
                    jurisdiction_id=county["pk"],
                    goal=goal,
                    goal_detail="Keep ICE out of the courthouse" if goal == "other" else "",
                    stage=stage,
                    lead_id=spec.lead_id,
                    summary=(
                        f"{BENCH_MARK}, scale {p.scale:g}, seed {self.seed}). "
                        f"{GOAL_TITLES[goal]}: a coalition campaign in {county['name']}."
                    ),
                    started_on=started.date(),
                    ended_on=ended,
                    outcome=outcome,
                    board_seats=spec.seats,
                    last_activity_at=started,
                    created_by_id=spec.lead_id,
                    created_at=started,
                    updated_at=self.now,
                ),
                with_pk=True,
            )
            specs.append(spec)
            partners = [o for o in self.organization_ids if o != organization_id]
            if partners and spec.pk % SHARED_EVERY == 0:
                self.w.add(
                    CampaignShare,
                    CampaignShare(
                        campaign_id=spec.pk,
                        organization_id=rng.choice(partners),
                        level=rng.choice(["read", "collaborate"]),
                        shared_at=started,
                        shared_by_id=spec.lead_id,
                    ),
                )
        self.specs = specs
        for spec in specs:
            self.w.add(
                Membership,
                Membership(
                    campaign_id=spec.pk,
                    user_id=spec.lead_id,
                    role=Membership.Role.LEAD,
                    added_at=spec.started,
                    added_by_id=spec.lead_id,
                ),
            )
            for user_id in spec.team:
                self.w.add(
                    Membership,
                    Membership(
                        campaign_id=spec.pk,
                        user_id=user_id,
                        role=Membership.Role.ORGANIZER,
                        added_at=spec.started + timedelta(days=rng.randint(0, 60)),
                        added_by_id=spec.lead_id,
                    ),
                )
            for change in self._stage_history(spec):
                self.w.add(StageChange, change)

    def _stage_history(self, spec):
        """Every stage change from creation to the campaign's stage, spread over its life."""

        rng = self.rng
        stage = spec.stage
        if stage in ACTIVE_PATH:
            path = ACTIVE_PATH[: ACTIVE_PATH.index(stage) + 1]
        elif stage in ("won", "lost"):
            path = [*ACTIVE_PATH, stage]
        elif stage == "monitoring":
            path = [*ACTIVE_PATH, "won", "monitoring"]
        else:  # paused, somewhere along the way
            path = [*ACTIVE_PATH[: rng.randint(1, len(ACTIVE_PATH))], "paused"]
        span = (self.now - spec.started).total_seconds()
        offsets = sorted(rng.random() * span * 0.9 for _ in path[1:])
        rows = [StageChange(campaign_id=spec.pk, from_stage="", to_stage=path[0], changed_at=spec.started)]
        for before, after, offset in zip(path, path[1:], offsets, strict=False):
            rows.append(
                StageChange(
                    campaign_id=spec.pk,
                    from_stage=before,
                    to_stage=after,
                    changed_at=spec.started + timedelta(seconds=offset),
                    changed_by_id=spec.lead_id,
                    note="Agreed at the coalition meeting." if rng.random() < 0.3 else "",
                    outcome="Recorded with the stage." if after in ("won", "lost") else "",
                )
            )
        return rows

    def targets(self):

        p, rng, w = self.plan, self.rng, self.w
        self.sheriffs = {}
        for agency_id, jurisdiction_id in (
            Agency.objects.filter(jurisdiction__isnull=False, kind=Agency.Kind.SHERIFF)
            .order_by("jurisdiction_id", "name_key")
            .values_list("pk", "jurisdiction_id")
        ):
            self.sheriffs.setdefault(jurisdiction_id, agency_id)
        per_campaign = allocate(p.targets, [rng.uniform(0.6, 1.4) for _ in self.specs], minimum=1)
        ids = iter(reserve_ids(Target, sum(per_campaign)))
        for spec, count in zip(self.specs, per_campaign, strict=True):
            spec.targets = []
            for index in range(count):
                pk = next(ids)
                stance = pick(rng, STANCE_WEIGHTS)
                agency_id, votes = None, False
                if index == 0:
                    title, agency_id = f"Sheriff, {spec.county}", self.sheriffs.get(spec.jurisdiction_id)
                elif spec.seats and index <= spec.seats:
                    title, votes = f"Supervisor, District {index}", True
                else:
                    title = rng.choice(["County counsel", "District attorney", "Jail commander", "County executive"])
                created = spec.started + timedelta(days=rng.randint(0, 30))
                changed = None
                if stance != "unknown":
                    changed = between(rng, created, self.now)
                    w.add(
                        StanceChange,
                        StanceChange(
                            target_id=pk,
                            from_stance="unknown",
                            to_stance=stance,
                            changed_at=changed,
                            changed_by_id=rng.choice(spec.team or [spec.lead_id]),
                        ),
                    )
                target = Target(
                    pk=pk,
                    campaign_id=spec.pk,
                    agency_id=agency_id,
                    name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    title=title,
                    votes=votes,
                    stance=stance,
                    stance_changed_at=changed,
                    created_at=created,
                )
                w.add(Target, target, with_pk=True)
                spec.targets.append(pk)

    def letters(self):
        """Letters drafted from the sample letters, to one or two targets (when the campaigns app has letters)."""
        Letter = letter_model()
        if Letter is None:
            return
        p, rng, w = self.plan, self.rng, self.w
        Recipient = Letter.recipients.through
        templates = self.sample_letters or [(None, LETTER_BODY)]
        per_campaign = allocate(p.letters, [spec.weight for spec in self.specs])
        ids = iter(reserve_ids(Letter, p.letters))
        for spec, count in zip(self.specs, per_campaign, strict=True):
            for _ in range(count):
                pk = next(ids)
                template_id, body = rng.choice(templates)
                created = between(rng, spec.started, self.now - timedelta(days=1))
                status = rng.choices(["draft", "sent", "answered"], weights=[30, 45, 25])[0]
                sent = (
                    None if status == "draft" else min(self.today, created.date() + timedelta(days=rng.randint(0, 7)))
                )
                answered = min(self.today, sent + timedelta(days=rng.randint(3, 40))) if status == "answered" else None
                letter = Letter(
                    pk=pk,
                    campaign_id=spec.pk,
                    template_id=template_id,
                    subject=f"Ending {rng.choice(SUBJECTS)} in {spec.county}",
                    sender="The coalition",
                    letter_date=sent or created.date(),
                    body=body,
                    status=status,
                    sent_on=sent,
                    answered_on=answered,
                    response_note="They will take it to the board." if answered else "",
                    created_by_id=rng.choice(spec.team or [spec.lead_id]),
                    created_at=created,
                    updated_at=created,
                )
                w.add(Letter, letter, with_pk=True)
                for target_id in rng.sample(spec.targets, min(len(spec.targets), rng.choice([1, 1, 2]))):
                    w.add(Recipient, Recipient(letter_id=pk, target_id=target_id))

    # -- library ----------------------------------------------------------------------------------

    def resources(self):

        p, rng, w = self.plan, self.rng, self.w
        topics = list(Topic.objects.order_by("slug").values_list("pk", flat=True))
        states = list(State.objects.exclude(kind="territory").order_by("fips").values_list("pk", flat=True))
        staff = self.staff_ids + self.admin_ids
        ids = reserve_ids(Resource, p.resources)
        made = []
        for pk in ids:
            number = len(made) + 1
            language = pick(rng, LANGUAGE_WEIGHTS)
            published = self.today - timedelta(days=rng.randint(0, 10 * 365))
            resource = Resource(
                pk=pk,
                title=f"{rng.choice(RESOURCE_TITLES)} ({number})",
                kind=pick(rng, RESOURCE_KIND_WEIGHTS),
                summary=rng.choice(RESOURCE_SUMMARIES),
                published_on=published,
                language=language,
                url=f"{BENCH_URL}{number}",
                extracted_text=" ".join(rng.sample(ANSWER_TEXTS, 4)) if rng.random() < 0.3 else "",
                is_public=rng.random() < 0.2,
                is_demo=True,
                status="suggested" if number % SUGGESTED_EVERY == 0 else "approved",
                created_by_id=rng.choice(staff),
                created_at=aware(published, 11),
                updated_at=self.now,
            )
            if resource.kind == "sample_letter":
                resource.template_body = LETTER_BODY
            english = [r for r in made[-50:] if r.language == "en"]
            if language != "en" and english and rng.random() < 0.5:
                resource.translation_of_id = rng.choice(english).pk
            elif made and rng.random() < 0.05:
                older = rng.choice(made)
                if older.published_on < published:
                    resource.supersedes_id = older.pk
            made.append(resource)
        TopicLink, StateLink = Resource.topics.through, Resource.states.through
        for resource in made:
            w.add(Resource, resource, with_pk=True)
            for topic_id in rng.sample(topics, min(len(topics), rng.randint(1, 3))):
                w.add(TopicLink, TopicLink(resource_id=resource.pk, topic_id=topic_id))
            if rng.random() < 0.3:
                for state_id in rng.sample(states, min(len(states), rng.randint(1, 2))):
                    w.add(StateLink, StateLink(resource_id=resource.pk, state_id=state_id))
            for audience in rng.sample(AUDIENCES, rng.randint(1, 2)):
                w.add(ResourceAudience, ResourceAudience(resource_id=resource.pk, audience=audience))
        self.resource_ids = [r.pk for r in made if r.status == "approved"]
        self.sample_letters = [(r.pk, r.template_body) for r in made if r.template_body and r.status == "approved"]

    def assignments(self):

        p, rng, w = self.plan, self.rng, self.w
        weights = [rng.uniform(0.5, 1.5) for _ in self.specs]
        per_campaign = allocate(p.assignments, weights, cap=len(self.resource_ids))
        ids = iter(reserve_ids(Assignment, sum(per_campaign)))
        for spec, count in zip(self.specs, per_campaign, strict=True):
            for resource_id in rng.sample(self.resource_ids, count):
                pk = next(ids)
                assigned = between(rng, spec.started, self.now)
                withdrawn = between(rng, assigned, self.now) if rng.random() < 0.05 else None
                assignment = Assignment(
                    pk=pk,
                    resource_id=resource_id,
                    campaign_id=spec.pk,
                    note="Useful before the next meeting with the sheriff.",
                    assigned_by_id=spec.lead_id,
                    assigned_at=assigned,
                    withdrawn_at=withdrawn,
                    withdrawn_by_id=spec.lead_id if withdrawn else None,
                    withdrawal_reason="Superseded by a newer edition." if withdrawn else "",
                )
                w.add(Assignment, assignment, with_pk=True)
                for user_id in spec.team:
                    if rng.random() < 0.6:
                        opened = between(rng, assigned, self.now)
                        w.add(AssignmentOpen, AssignmentOpen(assignment_id=pk, user_id=user_id, opened_at=opened))

    # -- denormalised fields ----------------------------------------------------------------------

    def refresh(self):
        """Campaign.last_activity_at: the latest thing the campaign services record as activity."""
        ids = [spec.pk for spec in self.specs]
        refresh_last_activity(ids)
