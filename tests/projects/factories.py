"""Factories of the projects tests, on top of the shared ones."""

import factory

from projects.models import Invitation
from tests.factories import FreelancerProfileFactory, ProjectFactory


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    project = factory.SubFactory(ProjectFactory)
    freelancer = factory.LazyAttribute(lambda o: FreelancerProfileFactory().user)
    message = "Votre portfolio correspond exactement à ce que nous cherchons."
