"""Loi 25: the spaces a member proposed or manages, and their photos, are in their export; erasing them keeps
the spaces (they describe a place) without them."""

import pytest

from coworking import privacy
from coworking.models import CoworkingPhoto, CoworkingSpace
from coworking.services import space_propose
from tests.factories import UserFactory
from tests.profiles.factories import image_bytes, upload

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def test_the_export_lists_the_spaces_and_photos_and_erasing_keeps_the_spaces():
    member = UserFactory()
    space = space_propose(user=member, data={"name": "Le Presbytère"}, photos=[upload(image_bytes())])

    data, files = privacy.export_data(user=member)

    assert [(s["name"], s["proposed_by_you"], s["manager"]) for s in data["coworking_spaces"]] == [
        ("Le Presbytère", True, True)
    ]
    assert len(data["coworking_photos"]) == 1 and len(files) == 1
    assert files[0][0].startswith(f"fichiers/coworking/{space.pk}/")

    assert privacy.erase(user=member) == []
    space = CoworkingSpace.objects.get()
    assert space.proposed_by is None and not space.managers.exists()
    assert CoworkingPhoto.objects.get().uploaded_by is None
    assert privacy.export_data(user=member)[0] == {"coworking_spaces": [], "coworking_photos": []}
