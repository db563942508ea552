"""The demo has a collective of three in Kamouraska, run by the demo freelancer."""

import io

import pytest
from django.core.management import call_command

from collectives import selectors
from collectives.models import Collective


@pytest.mark.django_db
def test_the_demo_seeds_a_collective_of_three_in_kamouraska():
    call_command("seed_demo", stdout=io.StringIO())

    collective = Collective.objects.select_related("municipality__mrc").get()
    members = list(selectors.active_members(collective))
    assert collective.name == "Collectif Kamouraska Créatif"
    assert collective.municipality.mrc.name == "Kamouraska"
    assert len(members) == 3 and members[0].email == "pigiste@pigiste.localhost"
    assert selectors.is_admin(collective, members[0])
