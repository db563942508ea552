#!/usr/bin/env bash
# Create the virtualenv and install pinned dependencies; compile translations.
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

_apt() {
    local missing=()
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "==> apt-get install ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

_venv() {
    local reqs="$1" stamp=".venv/.installed-$(basename "$1")"
    [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
    if [ ! -f "$stamp" ] || [ "$reqs" -nt "$stamp" ] || [ requirements.txt -nt "$stamp" ]; then
        echo "==> pip install -r $reqs"
        .venv/bin/python -m pip install -q --upgrade pip
        .venv/bin/python -m pip install -q -r "$reqs"
        touch "$stamp"
    fi
}

# With DJANGO_DEBUG off the settings refuse the development key: a random one for a command that needs none.
random_secret_key() {
    .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))'
}

_messages() {
    command -v msgfmt >/dev/null 2>&1 || _apt gettext
    DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-$(random_secret_key)}" \
        .venv/bin/python manage.py compilemessages -v 0 --ignore=.venv >/dev/null
}

npm_static_deps() {
    # Leaflet, the map of /carte/ (served as static files: marketplace/settings.py STATICFILES_DIRS), pinned by
    # scripts/leaflet/package-lock.json; installed again when that lock changes.
    local dir=scripts/leaflet
    command -v npm >/dev/null 2>&1 || _apt npm
    if [ ! -f "$dir/node_modules/leaflet/dist/leaflet.js" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
        echo "==> npm ci (leaflet)"
        npm ci --prefix "$dir" --no-audit --no-fund --silent
    fi
}

bootstrap_run() {
    _venv requirements.txt
    _messages
    npm_static_deps
    # The demo's avatars draw initials with DejaVu Sans (É, È, Ç…: Pillow's built-in font has no accents).
    _apt fonts-dejavu-core
}

bootstrap_dev() {
    _venv requirements-dev.txt
    _messages
    npm_static_deps
}

npm_test_deps() {
    # axe-core, the accessibility rules of the browser tests (tests/browser/test_accessibility.py), pinned by
    # scripts/axe/package-lock.json; installed again when that lock changes.
    local dir=scripts/axe
    command -v npm >/dev/null 2>&1 || _apt npm
    if [ ! -f "$dir/node_modules/axe-core/axe.min.js" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
        echo "==> npm ci (axe-core)"
        npm ci --prefix "$dir" --no-audit --no-fund --silent
    fi
}

apt_install_test_deps() {
    # Debian's Chromium for the browser tests (Playwright never downloads a browser here),
    # Java and Maven for the Elasticsearch node, fonts so screenshots show every glyph.
    _apt chromium fonts-dejavu-core fonts-noto-color-emoji curl
    command -v mvn >/dev/null 2>&1 || _apt maven
    command -v java >/dev/null 2>&1 || _apt default-jdk-headless
}
