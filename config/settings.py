"""Settings read only from the environment.

`DATABASE_URL` picks the database (default: an SQLite file under `var/`), `CRM_ENV=production` makes
`SECRET_KEY` mandatory and turns on the secure-cookie and HSTS defaults.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CRM_VAR_DIR", BASE_DIR / "var"))

CRM_ENV = os.environ.get("CRM_ENV", "development")
IS_PRODUCTION = CRM_ENV == "production"


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when CRM_ENV=production.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105

DEBUG = _env_bool("DEBUG", default=not IS_PRODUCTION and CRM_ENV == "development")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "heroicons",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    # core (layer 9)
    "crm.core.identity",
    "crm.core.audit",
    "crm.core.customfields",
    "crm.core.ui",
    "crm.core.savedviews",
    "crm.core.api",
    "crm.core.assignment",
    "crm.core.search",
    # domain
    "crm.contacts",
    "crm.activities",
    "crm.catalog",
    "crm.leads",
    "crm.sales",
    # analytics (layer 3)
    "crm.analytics.core",
    "crm.analytics.customers",
    "crm.analytics.clv",
    "crm.analytics.predict",
    "crm.analytics.pivot",
    "crm.analytics.dashboards",
    # front doors
    "crm.integrations.dataio",
    "crm.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "crm.core.ui.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "crm.core.ui.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "crm.core.api.middleware.BodySizeLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "crm.core.ui.middleware.SignedInLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "crm.core.ui.middleware.HtmxMessagesMiddleware",
    "crm.core.audit.middleware.AuditContextMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "crm.core.ui.context_processors.navigation",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'crm.sqlite3'}"
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000; PRAGMA cache_size=-64000; PRAGMA temp_store=MEMORY;"
        ),
    }
    _db["TEST"] = (
        {"NAME": os.environ.get("CRM_SQLITE_TEST_NAME", "")} if os.environ.get("CRM_SQLITE_TEST_NAME") else {}
    )
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db["ENGINE"] = "django.db.backends.postgresql"
    _db.setdefault("OPTIONS", {})
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- identity -------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "identity.User"
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "ui:home"
LOGOUT_REDIRECT_URL = "identity:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if os.environ.get("CRM_FAST_PASSWORD_HASHER"):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- i18n -----------------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "crm" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "crm_language"
DEFAULT_CURRENCY = os.environ.get("CRM_CURRENCY", "EUR")
# phone numbers written without a country code are read as numbers of this country (ISO 3166 code)
CRM_DEFAULT_PHONE_REGION = os.environ.get("CRM_DEFAULT_PHONE_REGION", "ES").upper()

# --- public web-to-lead form ----------------------------------------------------------------------------
# submissions allowed per client IP and window (seconds), counted in the database (shared by every process)
CRM_WEB_TO_LEAD_LIMIT = int(os.environ.get("CRM_WEB_TO_LEAD_LIMIT", "5"))
CRM_WEB_TO_LEAD_WINDOW = int(os.environ.get("CRM_WEB_TO_LEAD_WINDOW", "3600"))
# behind a reverse proxy: the header carrying the visitor's address (e.g. X-Forwarded-For, X-Real-IP)
CRM_WEB_TO_LEAD_IP_HEADER = os.environ.get("CRM_WEB_TO_LEAD_IP_HEADER", "")
# hosts the form may send visitors back to after a submission (comma-separated); others get our thank-you page
CRM_WEB_TO_LEAD_REDIRECT_HOSTS = [
    h.strip() for h in os.environ.get("CRM_WEB_TO_LEAD_REDIRECT_HOSTS", "").split(",") if h.strip()
]

# --- the company on its documents (quotes, invoices) and the sales rules --------------------------------------
CRM_COMPANY_NAME = os.environ.get("CRM_COMPANY_NAME", "Demo Company S.L.")
CRM_COMPANY_ADDRESS = os.environ.get("CRM_COMPANY_ADDRESS", "Calle Mayor 1, 28013 Madrid, España")
CRM_COMPANY_TAX_ID = os.environ.get("CRM_COMPANY_TAX_ID", "B00000000")
CRM_COMPANY_EMAIL = os.environ.get("CRM_COMPANY_EMAIL", os.environ.get("DEFAULT_FROM_EMAIL", "crm@localhost"))
# the brand colour of documents (a CSS colour) and an optional logo file (PNG/JPEG path)
CRM_COMPANY_COLOR = os.environ.get("CRM_COMPANY_COLOR", "#4f46e5")
CRM_COMPANY_LOGO = os.environ.get("CRM_COMPANY_LOGO", "")
# the address customers reach (links in emails: a quote's accept/decline page)
CRM_PUBLIC_URL = os.environ.get("CRM_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# a quote line discount above this percentage needs a sales manager's approval before the quote is sent
CRM_QUOTE_DISCOUNT_LIMIT = os.environ.get("CRM_QUOTE_DISCOUNT_LIMIT", "15")
CRM_QUOTE_VALIDITY_DAYS = int(os.environ.get("CRM_QUOTE_VALIDITY_DAYS", "30"))
CRM_INVOICE_PAYMENT_DAYS = int(os.environ.get("CRM_INVOICE_PAYMENT_DAYS", "30"))
# days between two payment reminders of an overdue invoice
CRM_INVOICE_REMINDER_DAYS = int(os.environ.get("CRM_INVOICE_REMINDER_DAYS", "7"))
# months of warranty a delivered product gets (its asset's "warranty until")
CRM_DEFAULT_WARRANTY_MONTHS = int(os.environ.get("CRM_DEFAULT_WARRANTY_MONTHS", "24"))

# --- static files ---------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
WHITENOISE_USE_FINDERS = not IS_PRODUCTION

# --- email ----------------------------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = _env_bool("EMAIL_USE_SSL")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "crm@localhost")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)

# --- background jobs ------------------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("CRM_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- API ------------------------------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("CRM_MAX_BODY_BYTES", str(2 * 1024 * 1024)))
CRM_API_MAX_BODY_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE
NINJA_PAGINATION_MAX_LIMIT = 200

# --- security -------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the meta tag, not the cookie
CSRF_FAILURE_VIEW = "crm.core.ui.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if IS_PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
