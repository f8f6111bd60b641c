"""Django settings, read from the environment.

With no variable set, Tawasul runs on the *embedded default*: SQLite for Django
and the event store, the in-memory channel layer, files under ./var. Setting
``TAWASUL_DATABASE_URL`` and ``TAWASUL_REDIS_URL`` moves it onto PostgreSQL and
Redis. ``TAWASUL_MODE=production`` turns on the checks that refuse an unsafe
start. Every variable is listed in README.md ("Configuration").
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

DEMO_SECRET_KEY = "tawasul-demo-secret-key-not-for-production"  # noqa: S105


def env(name: str, default: str = "") -> str:
    """A variable's value; set but empty (``TAWASUL_VAR_DIR=`` in an env file) counts as unset."""
    return os.environ.get(name, "").strip() or default


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on", "y"}:
        return True
    if value.lower() in {"0", "false", "no", "off", "n"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = env(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


# --- mode -------------------------------------------------------------------
TAWASUL_MODE = env("TAWASUL_MODE", "embedded").lower()
if TAWASUL_MODE not in {"embedded", "production"}:
    raise ImproperlyConfigured("TAWASUL_MODE must be 'embedded' or 'production'")
PRODUCTION = TAWASUL_MODE == "production"
# Demo accounts and the demo seed exist only outside production.
DEMO_MODE = not PRODUCTION

VAR_DIR = Path(env("TAWASUL_VAR_DIR", str(Path.cwd() / "var"))).resolve()

SECRET_KEY = env("TAWASUL_SECRET_KEY", DEMO_SECRET_KEY)
DEBUG = env_bool("TAWASUL_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list(
    "TAWASUL_ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("TAWASUL_CSRF_TRUSTED_ORIGINS", [])

if PRODUCTION:
    if SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "TAWASUL_MODE=production refuses to start with the demo secret key: "
            "set TAWASUL_SECRET_KEY to a random value of 32 characters or more."
        )
    if DEBUG:
        raise ImproperlyConfigured("TAWASUL_MODE=production refuses to start with TAWASUL_DEBUG on.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("TAWASUL_MODE=production needs TAWASUL_ALLOWED_HOSTS.")

# --- host organisation --------------------------------------------------------
HOST_ORGANISATION = env("TAWASUL_ORGANISATION", "ALECSO")

# --- applications -------------------------------------------------------------
INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "channels",
    "core.accounts",
    "projections",
    "realtime",
    "api",
    "web",
]

MIDDLEWARE = [
    # First, so that it counts every answer, redirects and refusals included.
    "core.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "core.urls"
ASGI_APPLICATION = "core.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context.navigation",
            ],
        },
    },
]

# --- databases ------------------------------------------------------------------
DATABASE_URL = env("TAWASUL_DATABASE_URL")
if DATABASE_URL:
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured("TAWASUL_DATABASE_URL must be a postgres:// URL")
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("TAWASUL_DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env(
        "TAWASUL_TEST_DATABASE_NAME", f"test_{DATABASES['default']['NAME']}"
    )
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "tawasul.sqlite3"),
            "OPTIONS": {
                # WAL lets the projector write while requests read; IMMEDIATE avoids
                # the lock-upgrade deadlock of deferred transactions.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "TEST": {"NAME": str(VAR_DIR / "test-tawasul.sqlite3")},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATABASE_ROUTERS = ["projections.routing.ProjectionRouter"]

# The event store: PostgreSQL when TAWASUL_DATABASE_URL is set (the same database
# as Django, tables of its own), otherwise an SQLite file beside Django's.
EVENT_STORE = {
    "SQLITE_PATH": env("TAWASUL_EVENT_STORE_PATH", str(VAR_DIR / "events.sqlite3")),
    "POOL_SIZE": env_int("TAWASUL_EVENT_STORE_POOL_SIZE", 4),
    "POOL_MAX_OVERFLOW": env_int("TAWASUL_EVENT_STORE_POOL_OVERFLOW", 8),
    "LOCK_TIMEOUT": env_int("TAWASUL_EVENT_STORE_LOCK_TIMEOUT", 5),
    "CACHE_SIZE": env_int("TAWASUL_AGGREGATE_CACHE_SIZE", 2000),
}

# --- channel layer ----------------------------------------------------------------
REDIS_URL = env("TAWASUL_REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [h for h in REDIS_URL.split(",") if h],
                "capacity": env_int("TAWASUL_CHANNEL_CAPACITY", 1000),
                "expiry": 30,
                # Each process's hub renews its groups every few seconds (realtime/hub.py):
                # the channel of a process that died leaves them within minutes.
                "group_expiry": 300,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- the projector ------------------------------------------------------------------
# "embedded" runs it inside `tawasul serve`; "external" expects `tawasul projector`.
PROJECTOR = env("TAWASUL_PROJECTOR", "external" if PRODUCTION else "embedded").lower()
if PROJECTOR not in {"embedded", "external"}:
    raise ImproperlyConfigured("TAWASUL_PROJECTOR must be 'embedded' or 'external'")

# --- accounts and authentication --------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/signin/"
LOGIN_REDIRECT_URL = "/"
AXES_FAILURE_LIMIT = env_int("TAWASUL_SIGNIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The web client's lockout page (the API answers its own problem details).
AXES_LOCKOUT_CALLABLE = "web.views.account.locked_out"

EMAIL_BACKEND = env(
    "TAWASUL_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("TAWASUL_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("TAWASUL_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env("TAWASUL_EMAIL_FROM", "tawasul@localhost")

# --- internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "web" / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- files ------------------------------------------------------------------------------
MEDIA_ROOT = env("TAWASUL_MEDIA_ROOT", str(VAR_DIR / "media"))
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATIC_ROOT = env("TAWASUL_STATIC_ROOT", str(VAR_DIR / "static"))
# Outside production, serve static files straight from the apps (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
S3_BUCKET = env("TAWASUL_S3_BUCKET")
STORAGES = {
    "default": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": S3_BUCKET,
                "endpoint_url": env("TAWASUL_S3_ENDPOINT_URL") or None,
                "file_overwrite": False,
                "default_acl": "private",
            },
        }
        if S3_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Document uploads: a hard cap checked before any byte is stored.
MAX_DOCUMENT_BYTES = env_int("TAWASUL_MAX_DOCUMENT_BYTES", 50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("TAWASUL_MAX_REQUEST_BYTES", 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: a request without credentials gets 401 with WWW-Authenticate: Token.
    # Session-authenticated requests (the browser) must send the CSRF token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.TawasulAutoSchema",
    # Every error as RFC 9457 problem details (api/problems.py).
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tawasul API",
    "DESCRIPTION": "The API of Tawasul, the platform of the National Commissions. "
    "See docs/api.md for authentication, idempotency, If-Match and errors.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per set of role choices (several serializers have a "role" field).
    "ENUM_NAME_OVERRIDES": {
        "CommissionRoleEnum": ["secretary_general", "staff"],
        "InvitedRoleEnum": [
            "auditor", "partner", "partner_manager", "secretariat", "secretary_general", "staff"
        ],
        "PartnerRoleEnum": ["partner", "partner_manager"],
    },
    # Swagger UI and Redoc served from this server (drf-spectacular-sidecar): no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_problem_responses",
    ],
}

# --- security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp) on every response: the web client has no
# inline script, style or handler, so nothing but this origin's own files runs.
# 'self' covers ws:/wss: to this host (CSP Level 3). The API docs page
# (drf-spectacular's Swagger UI) gets a looser policy in api/urls.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("TAWASUL_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("TAWASUL_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- metrics ------------------------------------------------------------------------------------
# Who may read GET /metrics (core/metrics.py): addresses or networks, comma-separated.
METRICS_ALLOWED_IPS = env_list("TAWASUL_METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])

# --- logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("TAWASUL_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
