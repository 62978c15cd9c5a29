"""Settings for each running mode, all read from environment variables."""

import os
from pathlib import Path
from urllib.parse import urlsplit

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


class ConfigurationError(RuntimeError):
    """Raised at start-up when a required setting is missing."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


class Base:
    # Which of CONFIGS this is; `flask demo seed` refuses to run where it is "production".
    OPENCALL_MODE = "development"
    SECRET_KEY = _env("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'opencall.db'}")
    # Each pooled connection is tested before use: after a database restart the next request
    # gets a fresh connection instead of an error.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = _env("REDIS_URL")
    # "rq" needs REDIS_URL; "thread" runs jobs beside the web process; "eager" runs
    # them inline after commit (tests that are not about the queue itself).
    JOBS_MODE = _env("JOBS_MODE", "rq" if _env("REDIS_URL") else "thread")
    JOBS_QUEUE = _env("JOBS_QUEUE", "opencall")
    # A worker writes its heartbeat this often; it counts as gone when none came for the TTL.
    WORKER_HEARTBEAT_SECONDS = int(_env("WORKER_HEARTBEAT_SECONDS", "10"))
    WORKER_HEARTBEAT_TTL = int(_env("WORKER_HEARTBEAT_TTL", "30"))
    # Behind a proxy that stamps when a request arrived (nginx: proxy_set_header
    # X-Request-Start "t=${msec}"), name its header: a submission is then timed at arrival.
    REQUEST_START_HEADER = _env("REQUEST_START_HEADER")
    FILES_DIR = Path(_env("FILES_DIR", str(INSTANCE_DIR / "files")))
    MAIL_SERVER = _env("MAIL_SERVER")
    MAIL_PORT = int(_env("MAIL_PORT", "25"))
    MAIL_USERNAME = _env("MAIL_USERNAME")
    MAIL_PASSWORD = _env("MAIL_PASSWORD")
    MAIL_USE_TLS = _env("MAIL_USE_TLS", "0") == "1"
    MAIL_SENDER = _env("MAIL_SENDER", "OpenCall <no-reply@opencall.local>")
    # A message that could not be sent is tried again after each of these delays (seconds),
    # then given up on (the outbox shows it as failed).
    MAIL_RETRY_DELAYS = tuple(int(delay) for delay in _env(
        "MAIL_RETRY_DELAYS", "60,300,1800,7200,21600").split(","))
    DISPLAY_TIMEZONE = _env("DISPLAY_TIMEZONE", "Europe/Brussels")
    # The language and number/date conventions when neither the user nor the browser says
    # (app/core/i18n.py); a user whose language is this one's keeps its regional conventions.
    BABEL_DEFAULT_LOCALE = _env("BABEL_DEFAULT_LOCALE", "en_GB")
    LOGIN_MAX_FAILURES = int(_env("LOGIN_MAX_FAILURES", "5"))
    LOGIN_MAX_FAILURES_PER_IP = int(_env("LOGIN_MAX_FAILURES_PER_IP", "20"))
    LOGIN_WINDOW_MINUTES = int(_env("LOGIN_WINDOW_MINUTES", "15"))
    # Failed sign-ins slow down, never lock: past the free attempts each failure doubles the
    # wait (30 s, 60 s, 120 s ...) up to the cap. Failures on one account from all addresses get a
    # short cap, so strangers elsewhere cannot keep its owner out.
    LOGIN_MAX_FAILURES_PER_ACCOUNT = int(_env("LOGIN_MAX_FAILURES_PER_ACCOUNT", "50"))
    LOGIN_FIRST_DELAY_SECONDS = int(_env("LOGIN_FIRST_DELAY_SECONDS", "30"))
    LOGIN_MAX_DELAY_SECONDS = int(_env("LOGIN_MAX_DELAY_SECONDS", "900"))
    LOGIN_ACCOUNT_MAX_DELAY_SECONDS = int(_env("LOGIN_ACCOUNT_MAX_DELAY_SECONDS", "60"))
    # A sensitive action (role change, payment batch, bank details) asks for a code again
    # when the last one is older than this; the code asked after the password waits this long.
    SECOND_FACTOR_STEP_UP_MINUTES = int(_env("SECOND_FACTOR_STEP_UP_MINUTES", "15"))
    SECOND_FACTOR_PENDING_MINUTES = int(_env("SECOND_FACTOR_PENDING_MINUTES", "5"))
    PASSWORD_RESET_MAX_AGE = int(_env("PASSWORD_RESET_MAX_AGE", str(3600)))
    PASSWORD_RESETS_PER_HOUR = int(_env("PASSWORD_RESETS_PER_HOUR", "3"))
    INVITATION_MAX_AGE = int(_env("INVITATION_MAX_AGE", str(14 * 24 * 3600)))
    # Self-registration: the emailed link that confirms the address lives this long; at most
    # this many registration mails (verification, "someone tried your address") an hour to
    # one address, and this many registration or reset requests from one client address and
    # for one e-mail address (Flask-Limiter, in Redis when configured).
    EMAIL_VERIFICATION_MAX_AGE = int(_env("EMAIL_VERIFICATION_MAX_AGE", str(7 * 24 * 3600)))
    ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR = int(_env("ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR", "3"))
    ACCOUNT_REQUESTS_PER_CLIENT = _env("ACCOUNT_REQUESTS_PER_CLIENT", "20 per hour")
    ACCOUNT_REQUESTS_PER_EMAIL = _env("ACCOUNT_REQUESTS_PER_EMAIL", "5 per hour")
    PASSWORD_HASH_PARAMS: dict | None = None  # argon2id defaults (RFC 9106 low-memory)
    BOOTSTRAP_SERVE_LOCAL = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    ATTACHMENT_MAX_BYTES = int(_env("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
    # Quotas on stored files (0: none): all files of one application, superseded ones
    # included, and everything one user has uploaded anywhere.
    APPLICATION_FILES_QUOTA_BYTES = int(_env("APPLICATION_FILES_QUOTA_BYTES",
                                             str(100 * 1024 * 1024)))
    USER_FILES_QUOTA_BYTES = int(_env("USER_FILES_QUOTA_BYTES", str(500 * 1024 * 1024)))
    CONTACT_REQUESTS_PER_DAY = int(_env("CONTACT_REQUESTS_PER_DAY", "20"))
    # Above this a PDF report is refused (WeasyPrint needs ~16 MB per 100 rows): use CSV/XLSX.
    REPORT_PDF_MAX_ROWS = int(_env("REPORT_PDF_MAX_ROWS", "20000"))
    # Open data and the API. Links in published files are built from PUBLIC_BASE_URL, never
    # from the request's host (a forged Host header must not end up in a published file).
    PUBLIC_BASE_URL = _env("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # Requests naming any other host are refused with 400 (Flask's TRUSTED_HOSTS); empty
    # means any host (development). Production adds PUBLIC_BASE_URL's host itself.
    TRUSTED_HOSTS = [h.strip() for h in (_env("TRUSTED_HOSTS") or "").split(",") if h.strip()] \
        or None
    # How many reverse proxies stand in front of OpenCall: ProxyFix believes exactly that
    # many X-Forwarded-For/-Proto/-Host entries (0: none, the client address is the peer's).
    TRUSTED_PROXIES = int(_env("TRUSTED_PROXIES", "0"))
    # A session ends after this long without a request, and after this long in all.
    SESSION_IDLE_MINUTES = int(_env("SESSION_IDLE_MINUTES", "30"))
    SESSION_MAX_HOURS = int(_env("SESSION_MAX_HOURS", "12"))
    # Security headers: HSTS only where HTTPS is certain (production).
    HSTS_SECONDS = 0
    OPEN_DATA_PUBLISHER_NAME = _env("OPEN_DATA_PUBLISHER_NAME", "OpenCall demo publisher")
    OPEN_DATA_PUBLISHER_ID = _env("OPEN_DATA_PUBLISHER_ID")  # an org-id, e.g. XI-PIC-999999999
    OPEN_DATA_PUBLISHER_URL = _env("OPEN_DATA_PUBLISHER_URL")
    OPEN_DATA_LICENSE_URL = _env("OPEN_DATA_LICENSE_URL",
                                 "https://creativecommons.org/licenses/by/4.0/")
    OPEN_DATA_LICENSE_NAME = _env("OPEN_DATA_LICENSE_NAME", "Creative Commons Attribution 4.0")
    # Used for funders without a registered 360Giving prefix of their own.
    OPEN_DATA_360G_PREFIX = _env("OPEN_DATA_360G_PREFIX", "360G-opencall")
    OCDS_OCID_PREFIX = _env("OCDS_OCID_PREFIX", "ocds-opencall")
    API_RATE_LIMIT = _env("API_RATE_LIMIT", "300 per minute")
    # Redis when configured, so that every web process counts against the same limit.
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", _env("REDIS_URL", "memory://"))
    TESTING = False

    @classmethod
    def validate(cls) -> None:
        """Refuse to start when the mode's required settings are missing."""


class Development(Base):
    DEBUG = True


class Testing(Base):
    OPENCALL_MODE = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL", "sqlite://")
    JOBS_MODE = _env("TEST_JOBS_MODE", "eager")
    # Still argon2id, with less memory so that hundreds of test users hash quickly.
    PASSWORD_HASH_PARAMS = {"time_cost": 1, "memory_cost": 8192, "parallelism": 1}
    # Tests address the app as http://localhost: links in mails point there.
    PUBLIC_BASE_URL = "http://localhost"
    # Each test app counts in its own memory; a test about the limit lowers it for itself.
    RATELIMIT_STORAGE_URI = "memory://"
    API_RATE_LIMIT = "5000 per minute"
    ACCOUNT_REQUESTS_PER_CLIENT = "5000 per minute"
    ACCOUNT_REQUESTS_PER_EMAIL = "5000 per minute"


class Production(Base):
    OPENCALL_MODE = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS_SECONDS = 365 * 24 * 3600
    REQUIRED = ("SECRET_KEY", "DATABASE_URL", "PUBLIC_BASE_URL")
    MIN_SECRET_KEY_BYTES = 32

    @classmethod
    def validate(cls) -> None:
        # Read now, not at import: the settings are those of the process that starts.
        missing = [name for name in cls.REQUIRED if not _env(name)]
        if missing:
            raise ConfigurationError(
                f"Production needs {' and '.join(missing)} set in the environment; "
                "OpenCall will not start without them."
            )
        if len(_env("SECRET_KEY").encode()) < cls.MIN_SECRET_KEY_BYTES:
            raise ConfigurationError(
                f"SECRET_KEY must be at least {cls.MIN_SECRET_KEY_BYTES} bytes (e.g. "
                "python -c 'import secrets; print(secrets.token_hex(32))').")
        if not _env("PUBLIC_BASE_URL").startswith("https://"):
            raise ConfigurationError("PUBLIC_BASE_URL must be an https:// address in production.")
        cls.SECRET_KEY = _env("SECRET_KEY")
        cls.SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL")
        cls.PUBLIC_BASE_URL = _env("PUBLIC_BASE_URL").rstrip("/")
        host = urlsplit(cls.PUBLIC_BASE_URL).netloc
        extra = [h.strip() for h in (_env("TRUSTED_HOSTS") or "").split(",") if h.strip()]
        cls.TRUSTED_HOSTS = [host, *[h for h in extra if h != host]]
        cls.TRUSTED_PROXIES = int(_env("TRUSTED_PROXIES", "0"))


CONFIGS = {"development": Development, "testing": Testing, "production": Production}


def get_config(name: str | None = None) -> type[Base]:
    name = name or _env("OPENCALL_CONFIG", "development")
    try:
        config = CONFIGS[name]
    except KeyError:
        raise ConfigurationError(
            f"Unknown configuration {name!r}; use one of {sorted(CONFIGS)}") from None
    config.validate()
    return config
