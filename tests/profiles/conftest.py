import pytest

from profiles.models import Municipality
from profiles.services import municipalities_load


@pytest.fixture
def places(db):
    """Every Quebec place from GeoNames, loaded by the real loader; returns a name → Municipality lookup."""
    municipalities_load()

    def get(name: str) -> Municipality:
        return Municipality.objects.filter(name=name).order_by("-population").first()

    return get


@pytest.fixture
def media_files(settings):
    """Every file currently under MEDIA_ROOT (relative paths)."""
    from pathlib import Path

    def list_files() -> list[str]:
        root = Path(settings.MEDIA_ROOT)
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []

    return list_files
