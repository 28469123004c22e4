"""The one settings module. Everything that differs between machines comes from the environment.

With nothing set (and DEBUG on) it runs on SQLite with Celery tasks in-process, so `make run`
works on a bare machine. With DATABASE_URL and CELERY_BROKER_URL it runs on PostgreSQL and Redis.
With DEBUG off (the default) it refuses to start without its secrets.
"""

from pathlib import Path

import environ
from cryptography.fernet import Fernet
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)


def _required_in_production(name: str, development_default: str) -> str:
    """Read a secret; in development fall back to a fixed value, in production refuse to start."""
    value = env.str(name, default="")
    if value:
        return value
    if DEBUG:
        return development_default
    raise ImproperlyConfigured(f"Set {name} in the environment: it is required when DEBUG is off.")


SECRET_KEY = _required_in_production(
    "SECRET_KEY", "development-only-secret-key-never-use-in-production-0123456789"
)
# Fernet keys for data at rest (uploaded files, pseudonym secrets, second-factor secrets).
# Generate one with `make key`. To rotate, list the new key first in DATA_ENCRYPTION_KEYS
# (comma-separated, the old ones after it): everything is written under the first and read
# under any, until `manage.py rotate_encryption_key` has re-encrypted what is stored.
DATA_ENCRYPTION_KEYS = [
    k.strip() for k in env.list("DATA_ENCRYPTION_KEYS", default=[]) if k.strip()
]
if not DATA_ENCRYPTION_KEYS:
    DATA_ENCRYPTION_KEYS = [
        _required_in_production(
            "DATA_ENCRYPTION_KEY", "ZGV2ZWxvcG1lbnQtb25seS1rZXktMzItYnl0ZXMhISE="
        )
    ]
elif env.str("DATA_ENCRYPTION_KEY", default="") not in ("", *DATA_ENCRYPTION_KEYS):
    raise ImproperlyConfigured(
        "DATA_ENCRYPTION_KEY is not in DATA_ENCRYPTION_KEYS: list every key there, newest first."
    )
for _key in DATA_ENCRYPTION_KEYS:
    try:
        Fernet(_key)
    except ValueError as error:
        raise ImproperlyConfigured(
            "DATA_ENCRYPTION_KEY must be 32 url-safe base64 bytes (each of DATA_ENCRYPTION_KEYS "
            "too): generate one with `make key`."
        ) from error
DATA_ENCRYPTION_KEY = DATA_ENCRYPTION_KEYS[0]  # the newest: what new data is encrypted with
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "Set ALLOWED_HOSTS in the environment: it is required when DEBUG is off."
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SITE_NAME = "Community Insights"
# The public address, for links in emails and feeds.
SITE_URL = _required_in_production("SITE_URL", "http://127.0.0.1:8000")
# Who runs this deployment, named in the privacy notice and accessibility statement.
SERVICE_OWNER = env.str("SERVICE_OWNER", default="the council that runs this service")
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="insights@example.org")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_forms_gds",
    "django_celery_beat",
    "auditlog",
    "csp",
    "cip",
    "teams",
    "scoping",
    "safety",
    "projects",
    "landing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cip.middleware.SessionLimitsMiddleware",
    "cip.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "cip.middleware.RequireMFAMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "cip.urls"
WSGI_APPLICATION = "cip.wsgi.application"
ASGI_APPLICATION = "cip.asgi.application"

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
                "cip.context_processors.service",
                "teams.navigation.service_navigation",
            ],
            # Filters every template uses without {% load %}: dates in GOV.UK style, role names.
            "builtins": ["cip.templatetags.govuk", "teams.templatetags.team_roles"],
        },
    },
]

# Database: SQLite unless DATABASE_URL is set (postgres://user:pass@host:5432/name).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: in-process unless CACHE_URL is set (redis://host:6379/1). Login rate limits live here, so
# with more than one web process it must be shared.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "cip.cache.RedisCache"  # one client per pool (cip/cache.py)
# Public pages are kept here for anonymous visitors (cip/public_cache.py) and re-rendered when what
# they show is saved; changes that no save announces (time passing) show within this many seconds.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=60)

AUTH_USER_MODEL = "teams.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "teams.backends.AdminGroupBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

# Accounts (django-allauth): email is the login, verified before first sign-in.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SIGNUP_FORM_CLASS = "teams.forms.SignupDetailsForm"
ACCOUNT_FORMS = {
    name: f"teams.account_forms.{form}"
    for name, form in {
        "login": "LoginForm",
        "signup": "SignupForm",
        "add_email": "AddEmailForm",
        "change_password": "ChangePasswordForm",
        "set_password": "SetPasswordForm",
        "reset_password": "ResetPasswordForm",
        "reset_password_from_key": "ResetPasswordKeyForm",
        "reauthenticate": "ReauthenticateForm",
    }.items()
}
MFA_FORMS = {
    "authenticate": "teams.account_forms.AuthenticateForm",
    "reauthenticate": "teams.account_forms.MFAReauthenticateForm",
    "activate_totp": "teams.account_forms.ActivateTOTPForm",
}
ACCOUNT_ADAPTER = "teams.adapters.AccountAdapter"
# Our own subjects name the service (templates/account/email/).
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins: 5 a minute per address, 20 an hour per account. allauth counts wrong
    # second-factor codes here too (per address, and per account under a key of their own), and
    # wrong passwords given to confirm a sensitive action (reauthenticate, 10 a minute per person).
    "login_failed": "5/m/ip,20/h/key",
    # Changing the password asks for the current one, which allauth counts only here.
    "change_password": "5/m/user,20/h/user",
    "signup": "20/h/ip",
    # Asking for a reset link: per address and per email. The link's key is unguessable, so
    # setting the new password is counted per address only (allauth's default, 20 a minute).
    "reset_password": "5/m/ip,5/h/key",
    "confirm_email": "1/3m/key",
    # Our own: asking for a programme's update emails (per address, and per visitor).
    "subscribe_to_updates": "20/h/ip,3/h/key",
    # Our own: the public API (landing/api.py), per address.
    "public_api": env.str("PUBLIC_API_RATE_LIMIT", default="120/m/ip"),
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "teams.adapters.MFAAdapter"
MFA_TOTP_ISSUER = SITE_NAME
MFA_PASSKEY_LOGIN_ENABLED = False

# Email: printed to the console unless EMAIL_FILE_PATH (one file per message) or EMAIL_URL
# (smtp+tls://user:password@host:587) is set.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Community Insights <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
elif env.str("EMAIL_FILE_PATH", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH")
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    # Printing mail in production would put sign-in and password-reset links into the logs.
    raise ImproperlyConfigured(
        "Set EMAIL_URL in the environment (or EMAIL_FILE_PATH): required when DEBUG is off."
    )

# Sessions end after 30 idle minutes, when the browser closes, and 12 hours after signing in
# however busy (NIST SP 800-63B's limit at AAL2; cip.sessions). A session in use is saved again
# at most once a minute (cip.sessions.keep_alive) rather than on every request.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# HTTPS hardening, on whenever DEBUG is off.
SECURE = not DEBUG
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SECURE)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies append to X-Forwarded-For, so rate limits see each visitor's own address
# rather than the load balancer's.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if BEHIND_TLS_PROXY else 0)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content Security Policy: no inline scripts; GOV.UK's js-enabled snippet carries a nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and not env.bool("TESTING", default=False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Outside production, serve straight from the app and asset folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG or env.bool("TESTING", default=False)
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS
# Uploaded files are private: kept outside the static tree and never served by URL.
PRIVATE_STORAGE_ROOT = Path(
    env.str("PRIVATE_STORAGE_ROOT", default=str(BASE_DIR / "var" / "private"))
)
# Datasets: the largest upload accepted, and how many columns a file may have.
DATASET_MAX_UPLOAD_BYTES = env.int("DATASET_MAX_UPLOAD_BYTES", default=500 * 1024 * 1024)
DATASET_MAX_COLUMNS = env.int("DATASET_MAX_COLUMNS", default=500)
# Test-only: seconds a scan sleeps after each chunk, so a test can kill a worker mid-scan.
DATASET_SCAN_CHUNK_DELAY = env.float("DATASET_SCAN_CHUNK_DELAY", default=0.0)
DATASET_SCAN_CHUNK_ROWS = env.int("DATASET_SCAN_CHUNK_ROWS", default=50_000)
# A running scan or redaction holds a lease on its dataset, renewed after every chunk (and every
# third of the lease while it works between chunks). A lease left to lapse means its worker died:
# the reaper, run by beat every DATASET_REAPER_SECONDS, queues the work again. Work waiting with
# no task taking it for DATASET_REQUEUE_SECONDS (its message was lost, say Redis was flushed)
# is queued again too; a task that finds a live lease leaves the dataset alone.
DATASET_LEASE_SECONDS = env.int("DATASET_LEASE_SECONDS", default=3 * 60)
DATASET_REQUEUE_SECONDS = env.int("DATASET_REQUEUE_SECONDS", default=5 * 60)
DATASET_REAPER_SECONDS = env.float("DATASET_REAPER_SECONDS", default=60.0)
# Safety checks: the reviewers are reminded once about a check waiting longer than this many
# working days; agreement holders are reminded this many days before a review or end date.
SAFETY_CHECK_REMINDER_WORKING_DAYS = env.int("SAFETY_CHECK_REMINDER_WORKING_DAYS", default=5)
AGREEMENT_REMINDER_DAYS = env.int("AGREEMENT_REMINDER_DAYS", default=30)
# The largest signed agreement document accepted (PDF or Word).
AGREEMENT_MAX_UPLOAD_BYTES = env.int("AGREEMENT_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# Uploads go straight to a temporary file (deleted at the end of the request), never to memory.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.TemporaryFileUploadHandler"]

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
CRISPY_FAIL_SILENTLY = not DEBUG

# Celery: tasks run in-process unless CELERY_BROKER_URL is set (redis://host:6379/0).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# The test suite may keep tasks in-process even with a broker configured (tests/test_services.py
# sends its own through the broker to a real worker).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=60 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
# A redelivered task must wait longer than the longest task could run. Once it may, a worker
# finds it within 10 seconds (kombu's own default looks only every 100 seconds).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT * 2),
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Tasks go to this queue unless routed elsewhere (the worker tests give theirs one of its own).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Scans and redactions have a queue of their own, taken by a worker that runs one task at a time in
# its main process (docker-compose.yml: datasets-worker, --pool=solo), where the engine may fork
# a process per core; a prefork pool's children are daemons, which may not.
DATASETS_QUEUE = env.str("DATASETS_QUEUE", default="datasets")
CELERY_TASK_ROUTES = {
    "safety.tasks.scan_dataset": {"queue": DATASETS_QUEUE},
    "safety.tasks.redact_dataset": {"queue": DATASETS_QUEUE},
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Beat's DatabaseScheduler copies these entries into its PeriodicTask table each time it starts.
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "cip.tasks.record_heartbeat", "schedule": 60.0},
    # Office-hours reminders go out 24 hours ahead; each run claims what it sends (teams.services).
    "office-hour-reminders": {
        "task": "teams.tasks.send_office_hour_reminders",
        "schedule": 15 * 60.0,
    },
    # Datasets past their retention date lose their encrypted files (recorded on the dataset).
    "dataset-retention": {
        "task": "safety.tasks.delete_expired_dataset_files",
        "schedule": 6 * 60 * 60.0,
    },
    # Scans and redactions whose worker died, or whose message was lost, are queued again.
    "dataset-reaper": {
        "task": "safety.tasks.requeue_stalled_datasets",
        "schedule": DATASET_REAPER_SECONDS,
    },
    # Checks waiting too long remind their reviewers; agreements near their review or end date
    # remind their keepers, and lapse at their end date. Each reminder is sent once.
    "safety-reminders": {"task": "safety.tasks.send_safety_reminders", "schedule": 60 * 60.0},
    # Owners of actions on insights are reminded when an update is due; each reminder goes once.
    "action-reminders": {"task": "projects.tasks.send_action_reminders", "schedule": 6 * 60 * 60.0},
    # People who have not answered a reflections survey after a week are reminded, once.
    "survey-reminders": {"task": "projects.tasks.send_survey_reminders", "schedule": 60 * 60.0},
    # Plenary reminders go out the day before; each is claimed before it is sent.
    "plenary-reminders": {"task": "projects.tasks.send_plenary_reminders", "schedule": 60 * 60.0},
}

AUDITLOG_INCLUDE_ALL_MODELS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every step of every PDF at INFO; its warnings still show.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
