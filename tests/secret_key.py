"""A secret key for this test run, set before pytest-django loads the settings (`-p` in pyproject.toml).

The tests run with DEBUG off, as production does, and the settings then refuse the development key.
Each run gets a random key of its own unless DJANGO_SECRET_KEY is given; subprocesses inherit it.
"""

import os
import secrets

os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
