"""Settings shared by every environment. Values that differ per deployment come
from the environment (django-environ); dev/test/production add their own."""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# Values in the environment win over the file. `make run` writes the install's own
# SECRET_KEY there (scripts/dev-secret.sh); FIELDOS_ENV_FILE points elsewhere.
ENV_FILE = Path(env.str("FIELDOS_ENV_FILE", default=str(BASE_DIR / ".env")))
if ENV_FILE.is_file():
    environ.Env.read_env(ENV_FILE)

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "config.apps.FieldOSAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    "accounts",
    "teams",
    "playbook",
    "simulation",
    "pictures",
    "gameday",
    "strategy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # before CommonMiddleware, per its docs
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "config.middleware.ApiNotFoundMiddleware",
    "config.middleware.SearchTermsMiddleware",
    # Last, so every other middleware's process_view (CSRF above all) runs first.
    "config.middleware.AtomicWritesMiddleware",
]

# Security headers on every response (Django's defaults, stated so they stay).
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# CORS: only the frontend origins named in the environment, only for the API, no
# wildcard. The API takes JWTs in the Authorization header, so no credentials (cookies)
# cross origins. e.g. CORS_ALLOWED_ORIGINS=https://app.fieldos.example,http://localhost:5173
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = False

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

# SQLite file under the project unless DATABASE_URL says otherwise
# (postgres://… switches to PostgreSQL through psycopg 3).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Requests that write (POST, PUT, PATCH, DELETE) run in one transaction each; reads do
# not (config.middleware.AtomicWritesMiddleware, instead of ATOMIC_REQUESTS, which would
# also make every GET a writer on SQLite).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write at the same time: WAL lets readers go on while
    # one writes, IMMEDIATE transactions queue writers instead of failing, and the
    # timeout makes them wait rather than answer "database is locked". Reads take no
    # write lock (the middleware makes a GET's transactions deferred).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env.float("SQLITE_TIMEOUT", default=20),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.EmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# Bodies up to 25 MB so a large club import fits; anything bigger is refused by Django.
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    # DRF's JSON, plus lists rendered row by row (config.api.EncodedListMixin).
    "DEFAULT_RENDERER_CLASSES": [
        "config.api.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "config.filters.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "config.schema.FieldOSAutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    # How many proxies in front of the server append to X-Forwarded-For (1 behind one
    # nginx). 0: the header is ignored and the client is REMOTE_ADDR, so nobody can
    # pick a new address per request to escape a throttle.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "DEFAULT_THROTTLE_RATES": {
        # Login and register (and the admin's login), per client IP and per account.
        # Documented in docs/api.md.
        "auth": env("AUTH_THROTTLE_RATE", default="20/minute"),
        "auth_account": env("AUTH_ACCOUNT_THROTTLE_RATE", default="10/minute"),
        # Invitations sent, per owner.
        "invite": env("INVITE_THROTTLE_RATE", default="30/hour"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    # Tokens carry a hash of the password hash: after a password change the old access
    # tokens fail (the refresh tokens are blacklisted by User.save).
    "CHECK_REVOKE_TOKEN": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "FieldOS API",
    "DESCRIPTION": "Play design, simulation and play-calling for 5v5 flag football. "
    "Every team-owned object lives under /api/teams/{team_id}/.",
    "VERSION": "1.0.0",
    # Set, not detected: the sideline page (/gameday/…) is a DRF view outside /api/.
    "SCHEMA_PATH_PREFIX": r"/api/",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Situation buckets appear in several serializers; one name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "SituationEnum": "playbook.constants.Bucket",
        "ShellEnum": "playbook.constants.Shell",
        "CoverageEnum": "playbook.constants.Coverage",
        "MembershipRoleEnum": "teams.models.Role",
        "StatusEnum": "simulation.models.JobStatus",
        "KindEnum": "strategy.models.AnalysisKind",
        "PlayKindEnum": "football.plays.KINDS",
        "MotionKindEnum": "football.plays.MOTIONS",
        "RunPathEnum": "football.plays.RUN_PATHS",
        "TrickKindEnum": "football.plays.TRICKS",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.schema.integer_path_ids",
        "config.schema.drop_unreferenced_components",
    ],
}

# Long work (simulations, training) runs as django-tasks jobs stored in the database;
# `manage.py db_worker` processes them (several workers may share one PostgreSQL).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Per-team limits on background work (docs/scale.md); unset = no limit. RUNNING_SLICES:
# slices of one team computed at once (the rest of the workers serve other teams);
# EPISODES_PER_DAY: episodes of runs and trainings a team may start in 24 hours (429).
FIELDOS_TEAM_LIMITS = {
    "RUNNING_SLICES": env.int("TEAM_RUNNING_SLICES", default=0) or None,
    "EPISODES_PER_DAY": env.int("TEAM_EPISODES_PER_DAY", default=0) or None,
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
