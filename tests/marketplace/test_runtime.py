"""A web worker tunes the garbage collector when it loads the application, as uvicorn and gunicorn load it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.embedded

ROOT = Path(__file__).resolve().parents[2]

LOAD_APPLICATION = """
import gc, json
from marketplace.asgi import application
print(json.dumps({"threshold": gc.get_threshold(), "frozen": gc.get_freeze_count()}))
"""


def load_application(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", LOAD_APPLICATION],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def collector_after_loading(**env) -> dict:
    """The collector's thresholds and frozen object count in a fresh process that loaded the application."""
    completed = load_application(**env)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_a_worker_freezes_what_start_up_loaded_and_collects_young_objects_less_often():
    collector = collector_after_loading()
    assert collector["threshold"][0] == 10_000
    # Django, the URL patterns and the apps' modules: far more than a bare interpreter's few objects.
    assert collector["frozen"] > 50_000


def test_the_threshold_comes_from_the_environment():
    assert collector_after_loading(GC_YOUNG_THRESHOLD="25000")["threshold"][0] == 25_000


def test_zero_leaves_python_defaults():
    collector = collector_after_loading(GC_YOUNG_THRESHOLD="0")
    assert collector["threshold"][0] == 700
    assert collector["frozen"] == 0


def test_a_negative_threshold_stops_the_start_with_a_message_naming_it():
    completed = load_application(GC_YOUNG_THRESHOLD="-1")
    assert completed.returncode != 0
    assert "GC_YOUNG_THRESHOLD must be 0 (Python's default) or more (got -1)." in completed.stderr
