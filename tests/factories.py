"""Factories for every app's models; tests build their data here."""

import datetime
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from django.utils.text import slugify

from collectives.models import Collective, CollectiveKind, CollectiveMembership, MemberRole, MembershipStatus
from community.models import (
    Event,
    Group,
    GroupAccess,
    GroupMembership,
    GroupMembershipStatus,
    GroupRole,
    OrganiserKind,
)
from profiles.models import FreelancerProfile, Mrc, Municipality, Region, Skill, User, skill_key
from profiles.services import search_key
from projects.models import BudgetType, Category, Project, ProjectStatus, Quote, QuoteStatus, Review, Visibility


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"membre{n}@exemple.qc.ca")
    name = factory.Faker("name", locale="fr_CA")
    password = factory.PostGenerationMethodCall("set_password", "motdepasse-solide-123")

    @factory.post_generation
    def _save_password(self, create, extracted, **kwargs):
        # Declared after `password`: post-generation hooks run in declaration order.
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def email_confirmed(self, create, extracted, **kwargs):
        """A member who confirmed their address, as every one who can sign in has (allauth's mandatory
        verification); `UserFactory(email_confirmed=False)` for one who hasn't yet."""
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email.lower(), defaults={"verified": True, "primary": True}
            )


class MrcFactory(factory.django.DjangoModelFactory):
    """Kamouraska by default, as the Répertoire des municipalités names it."""

    class Meta:
        model = Mrc
        django_get_or_create = ("code",)

    code = "14"
    name = "Kamouraska"
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    region = Region.BAS_SAINT_LAURENT


class MunicipalityFactory(factory.django.DjangoModelFactory):
    """A real Quebec place by default (Rivière-du-Loup); pass coordinates for others."""

    class Meta:
        model = Municipality
        django_get_or_create = ("geonames_id",)

    geonames_id = factory.Sequence(lambda n: 9_000_000 + n)
    name = factory.Sequence(lambda n: f"Municipalité {n}")
    # As the loader stores it, so that typed names and suggestions find the place.
    search_name = factory.LazyAttribute(lambda o: search_key(o.name))
    region = Region.BAS_SAINT_LAURENT
    latitude = 47.8286
    longitude = -69.5366
    population = 19_000


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Compétence {n}")
    slug = factory.LazyAttribute(lambda o: skill_key(o.name))


class FreelancerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FreelancerProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    display_name = factory.Faker("name", locale="fr_CA")
    headline = "Graphiste et illustratrice"
    bio = "Pigiste depuis dix ans, je travaille avec des PME de la région."
    hourly_rate = Decimal("65.00")
    languages = factory.LazyFunction(lambda: ["fr", "en"])
    municipality = factory.SubFactory(MunicipalityFactory)
    travel_radius_km = 50
    remote = True

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills.set(extracted)


class ProjectFactory(factory.django.DjangoModelFactory):
    """An open public project taking quotes for two more weeks."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Site web pour une fromagerie {n}")
    description = "Nous cherchons un pigiste pour refaire notre site vitrine, en français et en anglais."
    category = Category.WEB
    budget_type = BudgetType.FIXED
    budget_min = Decimal("2000.00")
    budget_max = Decimal("5000.00")
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))
    municipality = factory.SubFactory(MunicipalityFactory)
    remote = False
    quotes_due = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    visibility = Visibility.PUBLIC
    status = ProjectStatus.OPEN
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills.set(extracted)


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quote

    project = factory.SubFactory(ProjectFactory)
    freelancer = factory.LazyAttribute(lambda o: FreelancerProfileFactory().user)
    amount = Decimal("3500.00")
    delivery_days = 21
    message = "Bonjour, j'ai réalisé plusieurs sites pour des commerces de la région."
    status = QuoteStatus.PENDING


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    project = factory.SubFactory(ProjectFactory, status=ProjectStatus.COMPLETED)
    author = factory.LazyAttribute(lambda o: o.project.owner)
    subject = factory.SubFactory(UserFactory)
    author_is_client = True
    rating = 5
    comment = "Travail impeccable, livré à temps."
    # Published, as before blind reviews; `published_at=None` for one still waiting for the other side.
    published_at = factory.LazyFunction(timezone.now)


class CollectiveFactory(factory.django.DjangoModelFactory):
    """A collective with no members; add them with CollectiveMembershipFactory."""

    class Meta:
        model = Collective

    name = factory.Sequence(lambda n: f"Collectif du Kamouraska {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = CollectiveKind.COLLECTIVE
    description = "Graphistes, photographes et rédactrices du Bas-Saint-Laurent."
    municipality = factory.SubFactory(MunicipalityFactory)


class CollectiveMembershipFactory(factory.django.DjangoModelFactory):
    """An active member (a freelancer with a profile) of a collective."""

    class Meta:
        model = CollectiveMembership

    collective = factory.SubFactory(CollectiveFactory)
    member = factory.LazyAttribute(lambda o: FreelancerProfileFactory().user)
    role = MemberRole.MEMBER
    status = MembershipStatus.ACTIVE
    joined_at = factory.LazyFunction(timezone.now)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"Rendez-vous des travailleurs autonomes {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    description = "Rencontres entre travailleurs autonomes de la région."
    access = GroupAccess.PUBLIC
    organiser_kind = OrganiserKind.CHAMBER
    mrc = factory.SubFactory(MrcFactory)
    created_by = factory.SubFactory(UserFactory)


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(GroupFactory)
    member = factory.SubFactory(UserFactory)
    role = GroupRole.MEMBER
    status = GroupMembershipStatus.ACTIVE


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    group = factory.SubFactory(GroupFactory)
    title = "Solitude et équilibre"
    theme = "Solitude"
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    municipality = factory.SubFactory(MunicipalityFactory)
    address = "12, rue Principale"
    capacity = 12


class CoworkingSpaceFactory(factory.django.DjangoModelFactory):
    """An approved space at its municipality's point (written straight to the table: no outbox entry)."""

    class Meta:
        model = "coworking.CoworkingSpace"

    name = factory.Sequence(lambda n: f"Espace {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    municipality = factory.SubFactory(MunicipalityFactory)
    latitude = factory.LazyAttribute(lambda o: o.municipality.latitude if o.municipality else None)
    longitude = factory.LazyAttribute(lambda o: o.municipality.longitude if o.municipality else None)
    desks = 8
    internet_mbps = 100
    price_day = Decimal("20.00")
    status = "approuve"
    proposed_by = factory.SubFactory(UserFactory)


class BillingProfileFactory(factory.django.DjangoModelFactory):
    """Billing details; registered for the taxes unless built with gst_number="" and qst_number=""."""

    class Meta:
        model = "invoicing.BillingProfile"
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    legal_name = factory.LazyAttribute(lambda o: o.user.name or o.user.email)
    address = "12, rue Principale"
    municipality = factory.SubFactory(MunicipalityFactory)
    postal_code = "G0R 1A0"
    gst_number = "123456789RT0001"
    qst_number = "1234567890TQ0001"


class InvoiceFactory(factory.django.DjangoModelFactory):
    """An issued 1 000 $ invoice with taxes, written straight to the table (no PDF, no sequence row):
    outside the engagement flow and already acknowledged by the client, so it counts in their record."""

    class Meta:
        model = "invoicing.Invoice"

    freelancer = factory.LazyAttribute(lambda o: FreelancerProfileFactory().user)
    client = factory.SubFactory(UserFactory)
    acknowledged_at = factory.LazyFunction(timezone.now)
    number = factory.Sequence(lambda n: n + 1)
    issued_on = factory.LazyFunction(timezone.localdate)
    due_on = factory.LazyAttribute(lambda o: o.issued_on + datetime.timedelta(days=30))
    freelancer_name = factory.LazyAttribute(lambda o: o.freelancer.name or o.freelancer.email)
    client_name = factory.LazyAttribute(lambda o: o.client.name or o.client.email)
    gst_number = "123456789RT0001"
    qst_number = "1234567890TQ0001"
    subtotal = Decimal("1000.00")
    tps = Decimal("50.00")
    tvq = Decimal("99.75")
    total = Decimal("1149.75")
