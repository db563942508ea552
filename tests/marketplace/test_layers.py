"""The import contract covers the whole house: `lint-imports` checks only the modules it is told about."""

import re
import tomllib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

pytestmark = pytest.mark.embedded

BASE_DIR = Path(settings.BASE_DIR).resolve()


def _contract() -> dict:
    return tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["tool"]["importlinter"]


def _layers() -> list[list[str]]:
    """The layers contract, top to bottom, each layer as its list of modules."""
    contract = next(c for c in _contract()["contracts"] if c["type"] == "layers")
    return [[module.strip() for module in re.split(r"[|:]", layer)] for layer in contract["layers"]]


def _our_apps() -> set[str]:
    # A top-level folder of the checkout, not merely under it: a virtualenv may live inside the checkout.
    return {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(BASE_DIR / config.name.split(".")[0])
    }


def test_every_app_of_ours_is_a_root_package_of_the_contract():
    assert _our_apps() == set(_contract()["root_packages"])


def test_every_app_of_ours_stands_on_a_layer():
    on_a_layer = {module.split(".")[0] for layer in _layers() for module in layer}
    assert _our_apps() <= on_a_layer


def test_every_module_of_the_roof_is_on_the_top_layer_and_the_floor_at_the_bottom():
    # A new module in marketplace/ that imports the apps must not escape the contract.
    roof = {
        f"marketplace.{path.stem}"
        for path in (BASE_DIR / "marketplace").iterdir()
        if path.name not in {"__init__.py", "__pycache__", "common", "migrations"}
        and (path.suffix == ".py" or (path / "__init__.py").exists())
    }
    assert set(_layers()[0]) == roof
    assert _layers()[-1] == ["marketplace.common"]


def test_the_readme_draws_the_layers_of_the_contract_in_the_same_order():
    readme = (BASE_DIR / "README.md").read_text()
    picture = re.search(r"^## Layers\n.*?```\n(.*?)```", readme, re.S | re.M).group(1).splitlines()
    # Below the roof, each line of the picture names one layer's apps, in the contract's order.
    drawn = [line.split()[0 : line.count("|") * 2 + 1] for line in picture[1:]]
    assert [[name for name in names if name != "|"] for names in drawn] == _layers()[1:]
    assert all(module.removeprefix("marketplace.") in picture[0] for module in _layers()[0])
