# The app image: one image for web (gunicorn + uvicorn workers), worker and search-outbox.

# Leaflet (the map of /carte/) from npm, pinned by scripts/leaflet/package-lock.json.
FROM node:22-slim AS static-deps
WORKDIR /build
COPY scripts/leaflet/package.json scripts/leaflet/package-lock.json ./
RUN npm ci --no-audit --no-fund --silent

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=marketplace.settings \
    STATICFILES_BACKEND=whitenoise.storage.CompressedManifestStaticFilesStorage

# gettext for compilemessages; nothing else: psycopg ships its own libpq.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
COPY --from=static-deps /build/node_modules/leaflet/dist scripts/leaflet/node_modules/leaflet/dist
# Static files (hashed names, compressed) and translations are built into the image, as root, then
# the code stays read-only for the app user; only var/ (local media fallback) is writable.
RUN DJANGO_SECRET_KEY=build-only-not-used-at-runtime python manage.py collectstatic --noinput -v 0 \
    && DJANGO_SECRET_KEY=build-only-not-used-at-runtime python manage.py compilemessages -v 0 --ignore=.venv \
    && mkdir -p /app/var \
    && chown -R app:app /app/var

USER app:app
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)"]
CMD ["gunicorn", "marketplace.asgi:application", "--worker-class=uvicorn.workers.UvicornWorker", "--workers=3", "--bind=0.0.0.0:8000", "--forwarded-allow-ips=*"]
