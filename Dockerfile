# DevFlowFix: a slim image that runs as a non-root user. `docker build -t devflowfix .`, then
# `docker run -p 3000:3000 --env-file .env devflowfix` (or docker-compose.yml: web, worker, PostgreSQL).
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=3000 \
    LOG_FORMAT=json

WORKDIR /app
# The pinned runtime dependencies first, so code changes do not reinstall them.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY pyproject.toml README.md app.yml ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY migrations ./migrations
# Run from the checkout (app.yml and migrations/ are read beside the code), not from an installed copy.
RUN useradd --create-home --uid 10001 devflowfix \
    && mkdir -p /data && chown devflowfix /data

USER devflowfix
# The default SQLite file lives on a volume; set DATABASE_URL to use PostgreSQL.
ENV DATABASE_URL=sqlite:////data/devflowfix.sqlite3
VOLUME ["/data"]
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"3000\")}/healthz', timeout=4)" || exit 1

ENTRYPOINT ["python", "-m", "bot"]
CMD ["serve"]
