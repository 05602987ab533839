import factory
from django.contrib.auth.models import Group, User

from accounts.models import OrganizationMembership
from accounts.organizations import default_organization, membership_set
from core import roles
from jurisdictions import models as j

ORG_ROLES = {roles.ORGANIZER: OrganizationMembership.Role.ORGANIZER, roles.STAFF: OrganizationMembership.Role.STAFF}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("pass-1234-word")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """The role's group, and (but for a network admin) the same role in the default organization; pass
        `role__organization=` for another one."""
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
            if extracted != roles.ADMIN:
                organization = kwargs.get("organization") or default_organization()
                membership_set(organization=organization, user=self, role=ORG_ROLES[extracted])


class StateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = j.State
        django_get_or_create = ("postal",)

    name = factory.Sequence(lambda n: f"State {n}")
    postal = factory.Sequence(lambda n: f"{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")
    fips = factory.Sequence(lambda n: f"{60 + n % 40:02d}")


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = j.Jurisdiction

    state = factory.SubFactory(StateFactory)
    kind = j.Jurisdiction.Kind.COUNTY
    fips = factory.Sequence(lambda n: f"{n % 100000:05d}")
    name = factory.Sequence(lambda n: f"County {n}")
    short_name = factory.LazyAttribute(lambda o: o.name.replace(" County", ""))
    county_type = "county"
    population = 50000


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = j.Agency

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    state = factory.LazyAttribute(lambda o: o.jurisdiction.state)
    kind = j.Agency.Kind.SHERIFF
    name = factory.LazyAttribute(lambda o: f"{o.jurisdiction.name} Sheriff's Office")


class OfficialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = j.Official

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Faker("name")
    title = "Sheriff"


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = j.Agreement287g

    agency = factory.SubFactory(AgencyFactory)
    state = factory.LazyAttribute(lambda o: o.agency.state)
    jurisdiction = factory.LazyAttribute(lambda o: o.agency.jurisdiction)
    model = j.Model287g.TASK_FORCE
    status = j.Agreement287g.Status.ACTIVE
    signed_date = factory.Faker("date_between", start_date="-3y", end_date="-1d")


# --- campaigns -----------------------------------------------------------------------------------

import datetime  # noqa: E402

from campaigns import models as c  # noqa: E402


class StateRecordsLawFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = j.RecordsLaw

    state = factory.SubFactory(StateFactory)
    law_name = factory.LazyAttribute(lambda o: f"{o.state.name} Public Records Act")
    response_days = 10
    day_type = j.RecordsLaw.DayType.BUSINESS
    extension_allowed = True
    extension_days = 10


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = c.Campaign

    name = factory.Sequence(lambda n: f"Campaign {n}")
    # One shared state: the state sequence above runs out of FIPS codes after 40 states.
    jurisdiction = factory.SubFactory(
        JurisdictionFactory, state=factory.SubFactory(StateFactory, postal="QC", name="Campaign State", fips="59")
    )
    goal = c.Goal.END_HOLDS
    stage = c.Stage.RESEARCH
    organization = factory.LazyFunction(default_organization)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = c.Membership

    campaign = factory.SubFactory(CampaignFactory)
    user = factory.SubFactory(UserFactory)
    role = c.Membership.Role.ORGANIZER


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = c.Target

    campaign = factory.SubFactory(CampaignFactory)
    name = factory.Faker("name")
    title = "Supervisor"
    stance = c.Stance.UNKNOWN


class QuestionSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = c.QuestionSet

    name = factory.Sequence(lambda n: f"Question set {n}")
    name_es = factory.Sequence(lambda n: f"Preguntas {n}")
    kind = c.QuestionSet.Kind.SHERIFF


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = c.Question

    question_set = factory.SubFactory(QuestionSetFactory)
    order = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Question {n}?")
    text_es = factory.Sequence(lambda n: f"¿Pregunta {n}?")
    good_answer = "A clear no."
    evasive_answer = "We follow the law."


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = c.Meeting

    campaign = factory.SubFactory(CampaignFactory)
    held_at = factory.Faker("date_time_between", start_date="-1y", end_date="-1d", tzinfo=datetime.UTC)
    kind = c.Meeting.Kind.MEETING
    status = c.Meeting.Status.LOGGED
    logged_at = factory.LazyAttribute(lambda o: o.held_at)
    summary = "Met and talked."


class DeadlineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = c.Deadline

    campaign = factory.SubFactory(CampaignFactory)
    title = factory.Sequence(lambda n: f"Deadline {n}")
    kind = c.Deadline.Kind.FOLLOW_UP
    due_date = factory.Faker("date_between", start_date="+1d", end_date="+60d")


class RecordsRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = c.RecordsRequest

    campaign = factory.SubFactory(CampaignFactory)
    agency = factory.SubFactory(
        AgencyFactory,
        jurisdiction=factory.SelfAttribute("..campaign.jurisdiction"),
        name=factory.Sequence(lambda n: f"Records Agency {n}"),
    )
    subject = "ICE detainer records"
    records_sought = "All detainer requests received since January."


# --- resources -----------------------------------------------------------------------------------

from resources import models as r  # noqa: E402


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = r.Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    name_es = factory.Sequence(lambda n: f"Tema {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = r.Resource
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Resource {n}")
    kind = r.Kind.FACT_SHEET
    summary = "A short explainer for organizers."
    published_on = factory.Sequence(lambda n: datetime.date(2020, 1, 1) + datetime.timedelta(days=n))
    language = r.Language.ENGLISH
    url = factory.Sequence(lambda n: f"https://example.org/resources/{n}")
    status = r.Resource.Status.APPROVED

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)

    @factory.post_generation
    def states(self, create, extracted, **kwargs):
        if create and extracted:
            self.states.set(extracted)

    @factory.post_generation
    def audiences(self, create, extracted, **kwargs):
        if create and extracted:
            r.ResourceAudience.objects.bulk_create(
                [r.ResourceAudience(resource=self, audience=audience) for audience in extracted]
            )


def authenticator_for(user):
    """A confirmed authenticator app (TOTP device) of `user`, as two-factor setup leaves it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def totp_code(device, *, steps_ahead=0):
    """The code the device's app shows now (or `steps_ahead` 30-second steps later)."""
    import time

    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"
