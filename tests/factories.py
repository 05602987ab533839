import factory
from django.contrib.auth.models import Group, User

from jurisdictions import models as j


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
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


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
