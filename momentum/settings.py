"""Momentum's one settings module, configured by environment variables.

Every variable is listed in the README's configuration table. The defaults are safe:
DEBUG is off unless DJANGO_DEBUG is set, and a malformed value stops start-up with
ImproperlyConfigured instead of being guessed at.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse_lazy
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}"
    )


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}") from None


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name, choices, default):
    value = os.environ.get(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return value


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "Set DJANGO_SECRET_KEY (`make run` and `make test` make a local one for you)."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# The editor explains a refused preview in its own words (journal/views/entries.py).
CSRF_FAILURE_VIEW = "journal.views.entries.csrf_failure"

INSTALLED_APPS = [
    "journal",
    # django-ninja, for its Swagger UI files at /api/docs (served locally: the CSP allows
    # no CDN).
    "ninja",
    "momentum.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "markdownx",
    "django_tasks_db",
]

MIDDLEWARE = [
    "journal.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "journal.middleware.AllowedMethodsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "journal.middleware.RequestSizeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "journal.caching.reader.ReaderPartsMiddleware",
    "journal.middleware.DatabaseUnavailableMiddleware",
]
if env_bool("MOMENTUM_COUNT_QUERIES", False):
    # The benchmark's X-Query-Count header; outermost, so that it counts every query.
    MIDDLEWARE.insert(0, "journal.middleware.QueryCountMiddleware")

# Widgets render with the project's templates too (the time zone picker has its own).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "momentum.urls"
WSGI_APPLICATION = "momentum.wsgi.application"

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
                "journal.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A request during a database outage fails fast with a 503 instead of hanging.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    # Short queries only: JIT compilation costs more than it saves on every one of them.
    # And no statement may run past the timeout: gunicorn gives up on a request after 30 s
    # but PostgreSQL would go on working for it, so one visitor's costly request repeated
    # could keep the database busy for everyone. Long migrations set it to 0 (README).
    statement_timeout = env_int("DJANGO_DB_STATEMENT_TIMEOUT_MS", 10_000)
    DATABASES["default"]["OPTIONS"].setdefault(
        "options", f"-c jit=off -c statement_timeout={statement_timeout}"
    )
else:
    # Threaded servers give each request thread its own connection to the file: with WAL,
    # readers never wait for a writer, and a write transaction takes its lock up front and
    # waits its turn rather than failing with "database is locked" halfway through.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # django-redis rather than Django's own backend: it keeps one client instead of building
    # one for every call, and increments in one round trip instead of two, which halves
    # the cost of each of the few cache calls every request makes.
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "journal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = reverse_lazy("account_login")
LOGIN_REDIRECT_URL = reverse_lazy("journal:home")

ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
# Signing up with an address that has an account looks exactly like signing up with a new
# one (the owner of the address is emailed instead), so the form tells nobody who is here.
# allauth can only keep that promise when every new account waits for its email:
# "optional" and "none" let people in at once, so they say "already registered" instead.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_VERIFICATION = env_choice(
    "DJANGO_EMAIL_VERIFICATION", ("none", "optional", "mandatory"), "mandatory"
)
# Following the link from the browser that signed up logs in, straight to /write/.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_ADAPTER = "journal.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "journal.forms.SignupForm"
ACCOUNT_FORMS = {"login": "journal.login.LoginForm"}
ACCOUNT_SIGNUP_REDIRECT_URL = reverse_lazy("journal:write")
ACCOUNT_LOGOUT_REDIRECT_URL = reverse_lazy("journal:home")
ACCOUNT_USER_DISPLAY = "journal.models.user_display"
ACCOUNT_USERNAME_BLACKLIST = ["admin", "moderation", "feed", "write", "settings", "accounts"]

# Without EMAIL_HOST, development prints emails and production hands them to a relay on
# this machine: a production site must never drop verification and reset emails.
_email_host = os.environ.get("EMAIL_HOST", "" if DEBUG else "localhost")
if _email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env_int("EMAIL_PORT", 587),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
# Another backend by name: the benchmark measures the worker with the in-memory one, and a
# test of several processes reads what they sent from files (EMAIL_FILE_PATH).
if os.environ.get("EMAIL_BACKEND"):
    MAILERS = {"default": {"BACKEND": os.environ["EMAIL_BACKEND"]}}
    if os.environ.get("EMAIL_FILE_PATH"):
        MAILERS["default"]["OPTIONS"] = {"file_path": os.environ["EMAIL_FILE_PATH"]}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Momentum <noreply@localhost>")
# Links in emails sent by the worker, which has no request to take the address from.
MOMENTUM_SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Browser push (journal/push.py): a VAPID key pair (RFC 8292) identifies Momentum to the
# browsers' push services; without one, push is not offered. VAPID_PUBLIC_KEY is the
# uncompressed P-256 point and VAPID_PRIVATE_KEY the private key, both base64url, as
# `python manage.py vapid_keys` prints them; VAPID_SUBJECT is how a push service reaches us.
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
VAPID_SUBJECT = (
    os.environ.get("VAPID_SUBJECT", "") or f"mailto:noreply@{urlsplit(MOMENTUM_SITE_URL).hostname}"
)
if bool(VAPID_PUBLIC_KEY) != bool(VAPID_PRIVATE_KEY):
    raise ImproperlyConfigured(
        "VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY go together: set both or neither"
    )

# Background work (reminders) waits in the database, in the same DATABASE_URL as the rest,
# until a worker (`manage.py db_worker`) runs it; see docs/architecture.md.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}


# Several app servers and workers share uploads through S3-compatible object storage
# (django-storages): DJANGO_S3_BUCKET names the bucket, DJANGO_S3_ENDPOINT_URL the service
# when it is not AWS (MinIO, R2, ...), the usual AWS_* variables the credentials.
# DJANGO_MEDIA_URL is where browsers read the bucket; it defaults to the endpoint's
# path-style address.
def object_storage(bucket, *, endpoint="", media_url="", region=""):
    """MEDIA_URL and the default storage for uploads in S3-compatible ``bucket``."""
    endpoint = endpoint.rstrip("/")
    media_url = media_url or f"{endpoint or 'https://s3.amazonaws.com'}/{bucket}/"
    media = urlsplit(media_url)
    return media_url, {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint or None,
            "region_name": region or None,
            # Public images at plain addresses, the same as MEDIA_URL + name, which is how
            # entries link them and how the export finds them again.
            "querystring_auth": False,
            "custom_domain": f"{media.netloc}{media.path}".rstrip("/"),
            "url_protocol": f"{media.scheme}:",
            "file_overwrite": False,
        },
    }


if os.environ.get("DJANGO_S3_BUCKET"):
    MEDIA_URL, STORAGES["default"] = object_storage(
        os.environ["DJANGO_S3_BUCKET"],
        endpoint=os.environ.get("DJANGO_S3_ENDPOINT_URL", ""),
        media_url=os.environ.get("DJANGO_MEDIA_URL", ""),
        region=os.environ.get("DJANGO_S3_REGION", ""),
    )
# Uploads above this size are refused before Django buffers them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
# Bodies above these are refused unread (journal.middleware.RequestSizeMiddleware): an
# import's 20 MB of files and its form for signed-in people, small forms for visitors.
MOMENTUM_MAX_REQUEST_BYTES = 21 * 1024 * 1024
MOMENTUM_MAX_ANONYMOUS_REQUEST_BYTES = 64 * 1024

# Visitors' pages served from the cache until public content changes (journal/caching/).
MOMENTUM_PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", True)
# How late a page may show what others added (entries, cheers, comments) to everyone but
# the person who added it; removals and edits show at once whatever this says.
MOMENTUM_PAGE_STALE_SECONDS = env_int("DJANGO_PAGE_STALE_SECONDS", 5)

# Outbound requests (journal/safefetch.py) may reach private and loopback addresses: for
# development and tests only, never where members type the URLs.
MOMENTUM_ALLOW_PRIVATE_ADDRESSES = env_bool("MOMENTUM_ALLOW_PRIVATE_ADDRESSES", False)

# (requests, seconds) per person, or per address for visitors; see journal/ratelimit.py.
MOMENTUM_RATE_LIMITS = {
    "entry": (30, 3600),
    "comment": (30, 600),
    "cheer": (120, 600),
    "follow": (60, 600),
    "challenge": (30, 3600),
    "report": (10, 3600),
    "upload": (30, 3600),
    # Making a personal access token (/settings/tokens/).
    "token": (20, 3600),
    "preview": (600, 600),
    # Drawing a share image (journal/views/sharing.py); serving a drawn one is not counted.
    "share_image": (30, 600),
    # Adding a webhook (a DNS lookup) and its test pings (a POST by the worker).
    "webhook": (30, 3600),
}

# One Markdown pipeline: the live preview is rendered by the function that renders
# what gets published.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "journal.markdown.render_markdown"
MARKDOWNX_URLS_PATH = reverse_lazy("journal:markdown_preview")
MARKDOWNX_UPLOAD_URLS_PATH = reverse_lazy("journal:image_upload")
MARKDOWNX_EDITOR_RESIZABLE = False

# No inline script or style anywhere: every script and stylesheet is a static file.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "https:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    # The installable app (journal/views/push.py): its service worker and manifest come
    # from the site itself, as default-src would allow; said out loud so nobody narrows it.
    "worker-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
# Preloading is a promise about every subdomain that browsers keep for months, so it stays
# an explicit choice (DJANGO_HSTS_PRELOAD) and check --deploy does not nag about it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if env_bool("DJANGO_BEHIND_PROXY", False):
    # The proxy terminates TLS and tells us so; trust it only when told it exists.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies of ours append the address they were reached from to X-Forwarded-For:
# the client is the address the farthest of them appended, and anything before it was
# typed by the client. At 0 the header is ignored and the client is REMOTE_ADDR, which
# behind a proxy is the proxy itself, so every visitor would share one set of rate limits.
# allauth's rate limits and journal/ratelimit.py both read the client's address this way.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
if ALLAUTH_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(
        f"DJANGO_TRUSTED_PROXY_COUNT must be 0 or more; got {ALLAUTH_TRUSTED_PROXY_COUNT}"
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One line per event, each with the id of the request it belongs to.
    "filters": {"request_id": {"()": "journal.middleware.RequestIdFilter"}},
    "formatters": {
        "line": {
            "format": "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s"
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # The access line is written by RequestIdMiddleware; Django's own would repeat it.
        "django.server": {"level": "WARNING"},
        "momentum.access": {"level": os.environ.get("DJANGO_ACCESS_LOG_LEVEL", "INFO")},
    },
}
