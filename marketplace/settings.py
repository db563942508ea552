"""Settings for the marketplace, read from the environment in one place.

Every outside service has an embedded default so `make run` needs no server:
SQLite, the in-memory channel layer, the database search backend, local media
and console email. Each environment variable switches one part to the real
service.
"""

import copy
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
_DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"  # noqa: S105 (refused in production)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_DEV_SECRET_KEY)
# Whoever knows the key forges sessions and password-reset links: with DEBUG off the site may face the
# internet (HTTPS or not), so it refuses to start on the key everyone can read here.
if not DEBUG and SECRET_KEY == _DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a long random value in production (DJANGO_DEBUG is off), e.g. "
        "DJANGO_SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))'). "
        "The development key is accepted only with DJANGO_DEBUG=1."
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The name the site signs its pages and e-mails with. A data migration (profiles 0005) copies it and
# SITE_URL's host into django.contrib.sites' Site, which allauth's e-mails read: never "example.com".
SITE_NAME = env.str("SITE_NAME", default="Pigiste QC")
SITE_DOMAIN = urlsplit(SITE_URL).netloc or "127.0.0.1:8000"

# A wildcard host turns off Host validation and Channels' origin check (AllowedHostsOriginValidator lets
# every origin through with "*"), so we refuse to start rather than run exposed.
if any("*" in host for host in ALLOWED_HOSTS):
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must list the site's host names; a wildcard ('*') is refused "
        f"(got {','.join(ALLOWED_HOSTS)!r})."
    )
if any(origin.strip() in {"*", "http://*", "https://*"} for origin in CSRF_TRUSTED_ORIGINS):
    raise ImproperlyConfigured(
        "DJANGO_CSRF_TRUSTED_ORIGINS must list full origins such as https://pigiste.example; '*' is refused."
    )

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "channels",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "marketplace",
    "notifications",
    "profiles",
    "collectives",
    "community",
    "coworking",
    "projects",
    "engagements",
    "invoicing",
    "messaging",
    "search",
    "privacy",
]

MIDDLEWARE = [
    # Probes answer before Host validation and the HTTPS redirect: an orchestrator calls them by IP over HTTP.
    "marketplace.common.middleware.HealthCheckMiddleware",
    "marketplace.common.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "marketplace.common.middleware.LanguageFromQueryMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "marketplace.common.web_errors.DomainErrorMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
ASGI_APPLICATION = "marketplace.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "marketplace.common.context_processors.site",
            ],
            # marketplace.common is a package, not an app, so its tag library is named here.
            "libraries": {"marketplace_tags": "marketplace.common.templatetags.marketplace_tags"},
        },
    },
]

# --- Database -------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite lets one writer in at a time. A deferred transaction that reads, then writes fails at
    # once with "database is locked" when another writer holds the lock; an IMMEDIATE one takes the
    # write lock at BEGIN and waits for it (up to `timeout` seconds), so racing requests queue up and
    # the loser of a race sees the winner's commit and gets the same refusal as on PostgreSQL.
    # WAL lets readers go on while a writer works.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # The embedded test pass runs on a file, as `make run` does (an in-memory database hides locking).
    DATABASES["default"]["TEST"] = {
        "NAME": env.str("SQLITE_TEST_DATABASE", default=str(VAR_DIR / "test-embedded.sqlite3"))
    }
# Views running at once in a process (marketplace/common/handlers.py; 0: no cap): the other requests
# wait on the event loop, without a thread or a database connection.
HTTP_MAX_IN_FLIGHT = env.int("HTTP_MAX_IN_FLIGHT", default=8)
# Threads in which a process's chat sockets run their database work (messaging/consumers.py).
CHAT_DATABASE_THREADS = env.int("CHAT_DATABASE_THREADS", default=16)
# Allocations between two young collections of Python's garbage collector in a server process
# (marketplace/common/runtime.py; 0: Python's default, 700, and nothing frozen).
GC_YOUNG_THRESHOLD = env.int("GC_YOUNG_THRESHOLD", default=10_000)
if GC_YOUNG_THRESHOLD < 0:
    raise ImproperlyConfigured(f"GC_YOUNG_THRESHOLD must be 0 (Python's default) or more (got {GC_YOUNG_THRESHOLD}).")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Under ASGI each request runs its database work in a fresh thread, so CONN_MAX_AGE keeps nothing
    # (the handler closes the request's connections when its view returns); psycopg's pool keeps them.
    # The pool's default size covers everything of a process that can hold a connection at once: the
    # capped views, the chat sockets' threads, and Channels' own (the socket's session and user).
    if env.bool("DATABASE_POOL", default=False):
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
            "max_size": env.int(
                "DATABASE_POOL_MAX_SIZE", default=(HTTP_MAX_IN_FLIGHT or 16) + CHAT_DATABASE_THREADS + 4
            ),
            "timeout": env.int("DATABASE_POOL_TIMEOUT", default=10),
        }
    else:
        DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0))
    # A connection kept from before a database restart is checked before use and replaced, not failed
    # (with the pool, psycopg checks each one it hands out).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database that does not answer must fail a request (and /readyz) in seconds, not hang it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
# A streaming replica of the primary: read-only selectors that opt in (public pages read by visitors,
# search answered by the database) read there while it is at most DATABASE_REPLICA_MAX_LAG seconds
# behind; writes and everything else stay on the primary (marketplace/common/replica.py).
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
DATABASE_REPLICA_MAX_LAG = env.float("DATABASE_REPLICA_MAX_LAG", default=5.0)
if DATABASE_REPLICA_URL:
    _replica = environ.Env.db_url_config(DATABASE_REPLICA_URL)
    if {DATABASES["default"]["ENGINE"], _replica["ENGINE"]} != {"django.db.backends.postgresql"}:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL names a PostgreSQL streaming replica of a PostgreSQL DATABASE_URL "
            f"(got {DATABASES['default']['ENGINE']} and {_replica['ENGINE']})."
        )
    # The same connection behaviour as the primary (connection age or pool, health checks, connect
    # timeout); options in the replica's URL (sslmode…) win.
    for _key in ("ATOMIC_REQUESTS", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS"):
        if _key in DATABASES["default"]:
            _replica[_key] = DATABASES["default"][_key]
    _replica["OPTIONS"] = {**copy.deepcopy(DATABASES["default"].get("OPTIONS", {})), **_replica.get("OPTIONS", {})}
    # Under the test runner the replica reads the primary's test database (Django's documented way
    # of testing a primary/replica setup): never created, flushed or migrated on its own.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["marketplace.common.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts (django-allauth, email is the login) -------------------------
AUTH_USER_MODEL = "profiles.User"
SITE_ID = 1
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "profiles.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Mandatory, not a setting: an account acts (logs in, publishes) only once its e-mail is confirmed, and
# only then can sign-up answer the same for a known address (whose owner gets an e-mail instead) and a
# new one. A project written before confirming waits (projects/signup.py).
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
# Confirming in the browser that signed up signs in and goes on to where sign-up was headed.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env.str("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
LOGIN_REDIRECT_URL = "dashboard"
LOGIN_URL = "account_login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time: French (Quebec) first ------------------------------
LANGUAGE_CODE = "fr-ca"
# Each language is named in itself, as on every language switch.
LANGUAGES = [("fr-ca", "Français"), ("en", "English")]
# locale/overrides holds our Quebec wording of django-allauth's pages; makemessages leaves it alone.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "overrides"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "America/Toronto"
# Off: with it, every id a template prints (data-id, data-user…) becomes "1 478" past 999. Amounts
# are grouped by the `money` filter, counts by `intcomma` where they can grow large.
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["marketplace.common.formats"]

# --- Static and media -------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Leaflet (the map of search/templates/search/map.html), installed by npm from scripts/leaflet/package.json
    # (scripts/bootstrap.sh, the Dockerfile): served as /static/vendor/leaflet/, never copied into the repository.
    ("vendor/leaflet", BASE_DIR / "scripts" / "leaflet" / "node_modules" / "leaflet" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Media: the local filesystem by default; S3 (or MinIO) as soon as a bucket is named. Public media
# (avatars, portfolio) and private files (attachments) live under different prefixes with different
# access: see marketplace/common/storage.py.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private-media"))
PRIVATE_MEDIA_URL_EXPIRY = env.int("PRIVATE_MEDIA_URL_EXPIRY", default=300)
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="ca-central-1")
    AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default=None)
    AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default=None)
    # Public media is served from this origin (a CDN or the bucket's public endpoint), without a signature.
    AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default=None)
    AWS_S3_ADDRESSING_STYLE = env.str("AWS_S3_ADDRESSING_STYLE", default="path" if AWS_S3_ENDPOINT_URL else "auto")
    AWS_S3_SIGNATURE_VERSION = "s3v4"
    AWS_QUERYSTRING_AUTH = True
    AWS_QUERYSTRING_EXPIRE = PRIVATE_MEDIA_URL_EXPIRY
    AWS_S3_FILE_OVERWRITE = False
    AWS_DEFAULT_ACL = None
    _default_storage = {"BACKEND": "marketplace.common.storage.PublicS3Storage"}
    _private_storage = {"BACKEND": "marketplace.common.storage.PrivateS3Storage"}
else:
    _default_storage = {"BACKEND": "marketplace.common.storage.PublicFileSystemStorage"}
    _private_storage = {"BACKEND": "marketplace.common.storage.PrivateFileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "public": _default_storage,
    "private": _private_storage,
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
# Uploads: refuse big bodies early; the image pipeline applies its own limits.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=40_000_000)
# What one member's files may take in all (avatar, portfolio, project documents, message attachments).
STORAGE_QUOTA_BYTES = env.int("STORAGE_QUOTA_BYTES", default=200 * 1024 * 1024)

# --- Channels ----------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# The channel layer's Redis hosts (comma-separated); the cache stays on REDIS_URL.
CHANNEL_REDIS_URLS = [
    url.strip() for url in env.list("CHANNEL_REDIS_URLS", default=[REDIS_URL] if REDIS_URL else []) if url.strip()
]
if CHANNEL_REDIS_URLS:
    CHANNEL_LAYERS = {
        "default": {
            # Pub/sub: each process holds one subscriber connection and fans events out to its sockets
            # in memory; the list-based core layer cost ~4 Redis round trips per event received, one
            # event at a time, and fell seconds behind at 500 sockets. No capacity to overflow; still
            # at most once (what is published while Redis or a subscriber connection is down is lost),
            # so catch-up by id repairs it (marketplace/common/live.py notices the recovery). Our subclass
            # (messaging/layer.py) adds pipelined group sends.
            "BACKEND": "messaging.layer.PipelinedPubSubChannelLayer",
            "CONFIG": {
                # Several hosts shard the layer: channels-redis puts each group and channel on one of
                # them by a hash of its name (README "Sharding the channel layer"). Same order on every
                # process, or they publish and subscribe on different hosts.
                "hosts": [
                    {"address": url, "socket_timeout": 15, "socket_connect_timeout": 2} for url in CHANNEL_REDIS_URLS
                ],
                "prefix": env.str("CHANNELS_PREFIX", default="asgi"),
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Cache (rate limits, allauth's login lockout): shared by every worker through Redis ----------
if REDIS_URL:
    CACHES = {
        "default": {
            # Falls back to this process's memory while Redis is down (marketplace/common/cache.py).
            "BACKEND": "marketplace.common.cache.RedisCacheWithLocalFallback",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default=env.str("CHANNELS_PREFIX", default="marketplace")),
            # A Redis outage must slow pages down a little, not hang them.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Search ----------------------------------------------------------------
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
ELASTICSEARCH_INDEX_PREFIX = env.str("ELASTICSEARCH_INDEX_PREFIX", default="marketplace")
# Shards and replica copies of each index, read when an index is created (a rebuild applies a change).
# One shard and no replica suit one node; a cluster of N data nodes wants replicas >= 1 so losing a node
# loses no document (tests/search/test_cluster.py).
ELASTICSEARCH_SHARDS = env.int("ELASTICSEARCH_SHARDS", default=1)
ELASTICSEARCH_REPLICAS = env.int("ELASTICSEARCH_REPLICAS", default=0)

# --- Map (/carte/) -----------------------------------------------------------
# The map's tiles: OpenStreetMap's by default ({z}/{x}/{y}); empty, the map draws its markers on a blank
# background (the tests, which have no Internet). The tile server's origin is allowed in img-src below.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)

# --- Background tasks (django-tasks, durable database backend) ---------------
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}
# `manage.py task_worker`: a task whose worker fell silent this long (killed, machine lost) runs again.
TASKS_LEASE_SECONDS = env.int("TASKS_LEASE_SECONDS", default=60)

# --- Email -------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Pigiste QC <bonjour@pigiste.localhost>")

# --- API -----------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: DRF answers "not signed in" with the first class's WWW-Authenticate challenge, so a
    # missing or revoked token is a 401 (with session first it would be a 403, like a refusal).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # drf-spectacular's, plus the refusals each operation's plumbing can answer (401, 404, 429…).
    "DEFAULT_SCHEMA_CLASS": "marketplace.common.api_schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "marketplace.common.api.exception_handler",
    # The API reads JSON (DRF's parser with bounded nesting, marketplace/common/json_input.py): a form can't say
    # null or nest a list of objects, so it could not carry what the schema describes. Uploads add multipart
    # on their own views.
    "DEFAULT_PARSER_CLASSES": ["marketplace.common.api.JSONParser"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Pigiste QC API",
    "DESCRIPTION": "Projets, soumissions, profils de pigistes et messagerie.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request bodies get their own components: read-only fields left out, non-blank strings minLength 1.
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI's files come from the drf-spectacular-sidecar package, served by us: no CDN, no inline script.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Several components carry a project's or an invitation's status: one named enum for each.
    "ENUM_NAME_OVERRIDES": {
        "ProjectStatusEnum": "projects.models.ProjectStatus",
        "ProjectInputStatusEnum": ["draft", "open"],  # what a client may ask for when creating a project
        "InvitationStatusEnum": "projects.models.InvitationStatus",
        "QuoteOfferStatusEnum": "projects.models.OfferStatus",
        "NotificationKindEnum": "notifications.models.NotificationKind",
        "CollectiveKindEnum": "collectives.models.CollectiveKind",
        "CollectiveRoleEnum": "collectives.models.MemberRole",
        "CollectiveMembershipStatusEnum": "collectives.models.MembershipStatus",
        "EmailFrequencyEnum": ["immediate", "daily", "never"],  # profiles.models.DigestFrequency
        "EventRegistrationStatusEnum": "community.models.RegistrationStatus",
        "GroupRoleEnum": ["organisateur", "membre"],  # community.models.GroupRole
        "GroupMembershipStatusEnum": "community.models.GroupMembershipStatus",
        "GroupCurrentStatusEnum": ["demande", "invite", "actif"],  # a membership that has not ended
        "InvoiceStatusEnum": "invoicing.models.InvoiceStatus",
        "PaymentContestStatusEnum": "invoicing.models.ContestStatus",
    },
}

# --- Security (production values come from the environment) -------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# One switch for a site served over HTTPS (production); each part can still be set on its own.
# Off by default so `make run` works on plain http://127.0.0.1.
DJANGO_HTTPS = env.bool("DJANGO_HTTPS", default=False)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=DJANGO_HTTPS)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=DJANGO_HTTPS)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=DJANGO_HTTPS)
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000 if DJANGO_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=DJANGO_HTTPS)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=DJANGO_HTTPS)
# Behind the TLS-terminating proxy (Caddy, nginx, a load balancer) that sets X-Forwarded-Proto.
if env.bool("DJANGO_BEHIND_PROXY", default=DJANGO_HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies of ours append to X-Forwarded-For: the client IP for rate limits comes from there.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Browser features the site never uses are denied to it and to anything it embeds (django-permissions-policy).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "ambient-light-sensor", "autoplay", "bluetooth", "browsing-topics", "camera",
        "display-capture", "encrypted-media", "fullscreen", "gamepad", "geolocation", "gyroscope", "hid",
        "identity-credentials-get", "idle-detection", "local-fonts", "magnetometer", "microphone", "midi",
        "otp-credentials", "payment", "picture-in-picture", "publickey-credentials-create",
        "publickey-credentials-get", "screen-wake-lock", "serial", "storage-access", "usb", "web-share",
        "window-management", "xr-spatial-tracking",
    )
}  # fmt: skip

# Content Security Policy (django-csp): scripts and styles only from our own files, never inline.
_MEDIA_ORIGINS = []
if AWS_STORAGE_BUCKET_NAME:
    if AWS_S3_CUSTOM_DOMAIN:
        _MEDIA_ORIGINS.append(f"https://{AWS_S3_CUSTOM_DOMAIN}")
    elif AWS_S3_ENDPOINT_URL:
        _MEDIA_ORIGINS.append(AWS_S3_ENDPOINT_URL.rstrip("/"))
    else:
        _MEDIA_ORIGINS.append("https://*.amazonaws.com")
# The map's tile server (MAP_TILE_URL), e.g. https://tile.openstreetmap.org.
_TILE_ORIGINS = ["{0.scheme}://{0.netloc}".format(urlsplit(MAP_TILE_URL))] if MAP_TILE_URL else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *_MEDIA_ORIGINS, *_TILE_ORIGINS],
        "media-src": ["'self'", *_MEDIA_ORIGINS],
        "font-src": ["'self'"],
        # 'self' covers the same-origin WebSocket (ws:/wss:) in current browsers.
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Rate limits --------------------------------------------------------------
# allauth's own limits (login lockout after repeated failures per email and IP, sign-up, password
# reset); "N/period/per" where per is ip, key (the email) or user. Our views use marketplace.common.ratelimit.
# Our own limits, per user and per IP, shared by the web pages and the API (marketplace/common/ratelimit.py).
RATE_LIMITS = {
    "project-create": "20/h",
    "quote-submit": "30/h",
    "report-create": "10/h",
    # Each invitation notifies and e-mails a freelancer: a client may not flood them.
    "invitation-send": "30/h",
    # The same for a collective's invitations; creating collectives is rare.
    "collective-invite": "30/h",
    "collective-create": "10/h",
    "message-send": "20/10s",
    "search": "60/m",
    # Groups: an invitation notifies a member; a bulletin post reaches every member's socket.
    "group-create": "10/h",
    "group-invite": "60/h",
    "group-post": "30/m",
}
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Lockout: 5 failures for one email in 5 minutes, 20 per IP in 5 minutes (a shared library IP).
    "login_failed": "20/5m/ip,5/5m/key",
    "signup": "10/h/ip",
    "reset_password": "10/h/ip,3/h/key",
    "reset_password_from_key": "20/h/ip",
    "change_password": "5/m/user",
}
RATELIMIT_ENABLED = env.bool("RATELIMIT_ENABLED", default=True)

# --- Logs: JSON lines in production (LOG_FORMAT=json), each with the request id ---------------
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "marketplace.common.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "marketplace.common.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
