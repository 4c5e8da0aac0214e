# syntax=docker/dockerfile:1
#
# Motcua image: the web application (gunicorn) by default; the same image runs
# the other processes by overriding the command, e.g.
#   docker run --rm -e MOTCUA_DATABASE_URL=... IMAGE motcua db upgrade
#   docker run --rm -e MOTCUA_DATABASE_URL=... IMAGE motcua deploy /app/bpmn/enterprise_registration
#   docker run --rm -v motcua-data:/app/data IMAGE motcua demo --no-serve   (SQLite demo)
#   docker run -d  -e MOTCUA_DATABASE_URL=... IMAGE motcua scheduler   (future)
#
# Configuration comes from MOTCUA_* environment variables (MOTCUA_DATABASE_URL,
# MOTCUA_SECRET_KEY, ...); set MOTCUA_SECRET_KEY in every real deployment. The image
# runs with MOTCUA_ENV=production, which needs MOTCUA_PUBLIC_BASE_URL (the site the
# receipts' QR codes open) and refuses to start without it.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
# gunicorn is not a dependency of the package; the image adds it, pinned to
# one major version (override with --build-arg GUNICORN_SPEC=...).
ARG GUNICORN_SPEC="gunicorn>=27,<28"

# ---------------------------------------------------------------------------
# builder: a wheelhouse with the project's wheel and every dependency's wheel
# ---------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS builder
ARG GUNICORN_SPEC

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

WORKDIR /src

# Only what the wheel is built from (README* is optional: setup.cfg's
# long_description reads README.md when it exists).
COPY pyproject.toml setup.cfg constraints.txt README* ./
COPY engine ./engine
COPY forms ./forms
COPY api ./api
COPY admin ./admin
COPY demo ./demo

# Every dependency ships a manylinux wheel (lxml, psycopg[binary],
# argon2-cffi) or is pure Python, so no compiler or apt-get is needed. The
# versions are the ones CI passed with (constraints.txt).
RUN pip wheel --no-cache-dir --wheel-dir /wheels -c constraints.txt . "${GUNICORN_SPEC}"

# ---------------------------------------------------------------------------
# final: the wheelhouse installed into /opt/venv, run as a non-root user
# ---------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS final

LABEL org.opencontainers.image.title="motcua" \
      org.opencontainers.image.description="BPMN workflow engine for Vietnam's one-stop Public Administration Service Centers" \
      org.opencontainers.image.licenses="AGPL-3.0-or-later"

# MOTCUA_DATABASE_URL defaults to SQLite in /app/data (set it to PostgreSQL in
# production): without it the app would create its database in Flask's
# instance folder, which for a non-editable install is
# /opt/venv/var/api.app-instance, not writable by the application user.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH="/opt/venv/bin:${PATH}" \
    MOTCUA_ENV=production \
    MOTCUA_LIBRARY_PATH=/app/bpmn \
    MOTCUA_DATABASE_URL=sqlite:////app/data/motcua.sqlite3

# Fixed uid/gid so volumes and Kubernetes securityContext can rely on them.
# The home directory is the user's own: gunicorn (>= 25.1) creates its control
# socket in $HOME/.gunicorn/ and logs an error at startup when it cannot.
# (Not --system: uid 10001 is above SYS_UID_MAX and useradd would warn.)
RUN groupadd --gid 10001 motcua \
    && useradd --no-log-init --uid 10001 --gid motcua \
        --create-home --home-dir /home/motcua --shell /usr/sbin/nologin motcua

# The wheelhouse is bind-mounted, not copied, so no wheel stays in a layer.
# It holds exactly what the builder resolved (motcua, its dependencies and
# gunicorn), and --no-index installs those wheels and nothing else.
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    python -m venv /opt/venv \
    && pip install --no-cache-dir --no-index --find-links=/wheels /wheels/*.whl

WORKDIR /app

# The procedure library is data, not part of the package; root-owned, so the
# application user can read it but not change it.
COPY bpmn /app/bpmn

# /app/data holds the default SQLite database (MOTCUA_DATABASE_URL above);
# mount a volume there to keep it.
RUN mkdir -p /app/data && chown motcua:motcua /app/data

# Numeric, so the runtime (and Kubernetes runAsNonRoot) can check it is not root.
USER 10001:10001

EXPOSE 8000

# /readyz: 200 once the database answers and its migrations are current (urlopen raises on 503).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"]

# api.gunicorn_config puts prometheus_client in multiprocess mode, so /metrics adds up the workers.
CMD ["gunicorn", "-c", "python:api.gunicorn_config", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "4", \
     "api.app:create_app()"]
