"""Settings for every environment, read from the environment with django-environ.

Production values are the defaults wherever a mistake would be unsafe (DEBUG off, secure
cookies on); development sets DJANGO_DEBUG=1 through `make run`. See the table of
variables in README.md and `.env.example`.
"""

from pathlib import Path

import environ
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.database import add_session_options, replica_settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Required to serve: with it unset, Django refuses to sign anything (sessions, CSRF) and
# `check --deploy` warns; commands that sign nothing (makemigrations --check) still run.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Demo sign-ins exist only when demo data is loaded on purpose (make run sets this).
# The load_demo command refuses to run without it, so production never gets them.
ALLOW_DEMO_DATA = env.bool("ALONGSIDE_ALLOW_DEMO_DATA", default=False)

# Retention: `manage.py erase_inactive` erases the identifying data of people with no
# contact for this many years (dry run first; see README).
ALONGSIDE_RETENTION_YEARS = env.int("ALONGSIDE_RETENTION_YEARS", default=7)

# "People not seen for N days" (/contacts/not-seen/): N when the page is opened without one.
ALONGSIDE_NOT_SEEN_DAYS = env.int("ALONGSIDE_NOT_SEEN_DAYS", default=30)
# Drug-checking results linked to a person are deleted this many days after the check
# (`manage.py delete_old_drug_checks`); results not linked to anyone are kept.
ALONGSIDE_DRUG_CHECK_RETENTION_DAYS = env.int("ALONGSIDE_DRUG_CHECK_RETENTION_DAYS", default=90)

# The organisation's name: the issuer shown in authenticator apps, and a word new passwords
# may not be built on (accounts.passwords.ContextWordsValidator).
ALONGSIDE_ORGANISATION_NAME = env.str("ALONGSIDE_ORGANISATION_NAME", default="")
# The organisation's own words to avoid, added to the built-in lists (core/words/*.json):
# a JSON file of the same shape. Workers' notes that use one get a gentle suggestion.
ALONGSIDE_WORDS_TO_AVOID_FILE = env.str("ALONGSIDE_WORDS_TO_AVOID_FILE", default="")
# What a person wants from their relationship with drugs, in their words (clients.UseWish):
# off unless the organisation turns it on.
ALONGSIDE_USE_WISHES = env.bool("ALONGSIDE_USE_WISHES", default=False)
# Where to report a security problem (/.well-known/security.txt, RFC 9116): mailto: or https:
# URIs, comma-separated. Unset: security@ the first real host name in DJANGO_ALLOWED_HOSTS.
ALONGSIDE_SECURITY_CONTACT = env.list("ALONGSIDE_SECURITY_CONTACT", default=[]) or [
    f"mailto:security@{host}"
    for host in ALLOWED_HOSTS[:1]
    if "." in host and not host.startswith(".") and not host.replace(".", "").isdigit()
]
# Two-factor sign-in is always required of supervisors, data admins and system admins; this
# requires it of outreach workers too (any user may turn it on for themselves).
ALONGSIDE_WORKER_2FA = env.bool("ALONGSIDE_WORKER_2FA", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "core",
    "accounts",
    "audit",
    "clients",
    "encounters",
    "goals",
    "outcomes",
    "health",
    "privacy",
    "dashboards",
    "exports",
    "offline",
    "api",
    "imports",
    "ninja",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed for phones on prepaid data (Log a contact: 37 KB of HTML, 6 KB sent;
    # bench/page_weight.py). After WhiteNoise, which sends its own pre-compressed files.
    # Django pads each compressed page with random bytes against BREACH, and CSRF tokens are
    # masked anew on every response.
    "django.middleware.gzip.GZipMiddleware",
    "core.middleware.RequestIdMiddleware",
    # After a write, the WAL position the user's next replica reads must have reached
    # (only with DATABASE_REPLICA_URL; core/replica.py). Outside the session middleware, so
    # the position also covers the session's own write.
    "core.replica.ReadYourWritesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Where the request comes from, for the audit trail (core/context.py): before anything
    # that writes an audit event.
    "core.middleware.AuditContextMiddleware",
    "accounts.middleware.SessionLimitsMiddleware",
    # Each request in one transaction whose row-level security scope is the user's teams
    # (SET LOCAL; core/scope.py, docs/security.md): after the user and their sessions are known.
    "core.scope.TeamScopeMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.NoStoreMiddleware",
    # Last, so it sees a view's domain error first (core/errors.py: 404, 403, 400, 409).
    "core.middleware.DomainErrorMiddleware",
]

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
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # Dates in one style per language (`{{ at|day }}`, `{{ at|day_time }}`), everywhere.
            "builtins": ["core.templatetags.dates"],
        },
    },
]

# Unset, this names a local database that normally does not exist: commands that need no
# connection (makemigrations --check) run, anything that queries fails to connect loudly.
DATABASES = {"default": env.db_url("DATABASE_URL", default="postgres:///alongside-unset-database-url")}
# Two roles (audit/roles.py, docs/security.md): the app connects as DATABASE_URL's role, which
# may read and append to the audit trail but never change it; `manage.py migrate` connects as
# the tables' owner, DATABASE_MIGRATE_URL, when set, then grants the app's role what it needs.
_migrate_url = env.str("DATABASE_MIGRATE_URL", default="")
ALONGSIDE_OWNER_DATABASE = environ.Env.db_url_config(_migrate_url) if _migrate_url else None
ALONGSIDE_APP_ROLE = DATABASES["default"].get("USER", "")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# One cache for every app node and process, in PostgreSQL (its table: dashboards migration
# 0011): the organisation view's year of protected figures, built and audited once an hour
# for all of them (dashboards/hierarchy.py). Nothing else is cached through it.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "alongside_cache",
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 500},
    }
}
# Settings every connection carries (the trigram thresholds of fuzzy search): config/database.py.
# Behind a pooler in transaction mode (DATABASE_TRANSACTION_POOLING=1: PgBouncer, as
# `make cluster` runs it) a connection's startup options are not passed on, so the pooler
# sets them on each server connection instead (its connect_query, written from the same
# values: config/database.py), and Django opens no server-side cursors, which would not
# outlive the transaction the pooler lends a server connection for (docs/scaling.md).
DATABASE_TRANSACTION_POOLING = env.bool("DATABASE_TRANSACTION_POOLING", default=False)
if DATABASE_TRANSACTION_POOLING:
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
else:
    add_session_options(DATABASES["default"])
# A streaming replica for the dashboards, the organisation view and the exports (core/replica.py):
# read there unless it is more than DATABASE_REPLICA_MAX_LAG seconds behind or has not yet
# replayed the user's own last write; writes and migrations never go there.
DATABASE_REPLICA_MAX_LAG = env.float("DATABASE_REPLICA_MAX_LAG", default=10.0)
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = replica_settings(env.db_url("DATABASE_REPLICA_URL"), DATABASES["default"])
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:sign_in"
# Argon2id first; the others only verify (and upgrade) hashes made before it.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Length and known-bad lists only: no composition rules, no forced rotation (NIST 800-63B).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "accounts.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "accounts.passwords.CommonPasswordValidator"},
    {"NAME": "accounts.passwords.ContextWordsValidator"},
    {"NAME": "accounts.passwords.StrengthValidator"},
]
# Sign-in security (accounts/lockout.py, accounts/sessions.py). Fixed numbers, not settings
# from the environment: a deployment cannot weaken them by accident.
ALONGSIDE_SIGN_IN_ATTEMPTS = 5  # failed sign-ins in a row that pause an account...
ALONGSIDE_SIGN_IN_PAUSE_MINUTES = 15  # ...for this long (never for ever)
ALONGSIDE_SIGN_IN_ADDRESS_ATTEMPTS = 30  # failed sign-ins from one address within the pause time
ALONGSIDE_SESSION_IDLE_MINUTES = 15  # signed out after this long without a request
ALONGSIDE_SESSION_MAX_HOURS = 12  # and after this long whatever happens
ALONGSIDE_REAUTH_MINUTES = 5  # exports, merges and erasure need a password or code this recent
# API calls one token may make in a minute (api/limits.py; counted in PostgreSQL, so across nodes).
ALONGSIDE_API_CALLS_PER_MINUTE = env.int("ALONGSIDE_API_CALLS_PER_MINUTE", default=120)
OTP_TOTP_ISSUER = ALONGSIDE_ORGANISATION_NAME or "Alongside"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date style per language: `6 Dec 2026`, `6 dic 2026` (config/formats/).
FORMAT_MODULE_PATH = ["config.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env.str("ALONGSIDE_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the site root (/favicon.ico), served by WhiteNoise as they are.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Form widgets drawn once per process and kept by their template and context (core/rendering.py):
# about a third of Log a contact's CPU was its widgets' templates.
FORM_RENDERER = "core.rendering.CachedWidgetRenderer"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Background jobs (exports) run through Django's tasks framework with a database-backed
# worker: `manage.py db_worker` (README: "Background worker").
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Anonymised exports (exports/): the worker's scratch folder where a zip is built (outside the
# static and media roots; the finished file is stored in PostgreSQL, exports/storage.py), and
# how many days a file is kept.
ALONGSIDE_EXPORT_ROOT = env.path("ALONGSIDE_EXPORT_ROOT", default=BASE_DIR / "var" / "exports")
ALONGSIDE_EXPORT_DAYS = env.int("ALONGSIDE_EXPORT_DAYS", default=7)
# Offline use (offline/, docs/offline.md): a device wipes what it can read this many hours
# after its last sync (12 by default; the organisation may set up to 72).
ALONGSIDE_OFFLINE_WIPE_HOURS = env.int("ALONGSIDE_OFFLINE_WIPE_HOURS", default=12)

# Sessions and cookies. Secure by default; `make run` serves plain http on 127.0.0.1 and
# turns the secure flags off through DJANGO_SECURE_COOKIES=0.
SECURE_COOKIES = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_NAME = "__Host-sessionid" if SECURE_COOKIES else "sessionid"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions live in the database with the user's id beside them (accounts.UserSession), so
# all of one user's sessions end with one query. The row expires 15 minutes after the last
# activity (the middleware refreshes it at most once a minute); the cookie ends with the browser.
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_AGE = ALONGSIDE_SESSION_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_NAME = "__Host-csrftoken" if SECURE_COOKIES else "csrftoken"
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# The load balancer asks each node over plain http on its private address (core/health.py).
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("DJANGO_BEHIND_PROXY", default=False) else None
)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# The preload directive only makes the site eligible; submitting the domain is a separate,
# deliberate step. Subdomains (alongside.example.org) are never preloaded by browsers.
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    # Browsers report what the policy blocked; counted without personal data (audit/security_reports.py).
    "report-uri": ["/security/csp-report/"],
}

# The proxy in front (or gunicorn) logs requests; the app logs no request bodies, and the
# audit trail never stores names or notes.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.security.csrf": {"level": "WARNING"}},
}
