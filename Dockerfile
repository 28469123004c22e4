# One image for every process: web (gunicorn, the default command), worker and beat (Celery).
# Build: docker build -t community-insights .   Run: see docker-compose.yml and the README.

# --- Front-end assets: GOV.UK Frontend compiled with Node from Debian's packages -------------------
FROM python:3.11-slim AS assets
RUN apt-get update \
    && apt-get install --yes --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY assets/ assets/
RUN npm run build

# --- The application ---------------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=cip.settings \
    PRIVATE_STORAGE_ROOT=/var/lib/cip/private
WORKDIR /app

# WeasyPrint (PDFs) draws text with Pango; Liberation gives it a sans-serif font. PostgreSQL's
# client programs make and restore backups (manage.py backup, restore_backup).
RUN apt-get update \
    && apt-get install --yes --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, so a code change does not reinstall them. The project installs no packages of
# its own (pyproject: packages = []): the code runs from /app.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .
COPY --from=assets /src/static/build static/build
# collectstatic needs settings that load with DEBUG off; these placeholder values exist only here.
RUN DEBUG=false \
    SECRET_KEY=collectstatic-only-not-a-secret \
    ALLOWED_HOSTS=localhost \
    DATA_ENCRYPTION_KEY=ZGV2ZWxvcG1lbnQtb25seS1rZXktMzItYnl0ZXMhISE= \
    SITE_URL=http://localhost \
    EMAIL_FILE_PATH=/tmp/unused \
    python manage.py collectstatic --noinput

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin cip \
    && mkdir -p "$PRIVATE_STORAGE_ROOT" \
    && chown cip "$PRIVATE_STORAGE_ROOT"
USER cip

EXPOSE 8000
# gunicorn.conf.py: processes from the CPUs (or WEB_CONCURRENCY), threads, timeouts, recycling.
CMD ["gunicorn", "--config", "gunicorn.conf.py", "cip.wsgi:application"]
