# For users who have Docker (see docker-compose.yml); the development machines use `make run`.
FROM python:3.11-slim-bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY coordination coordination
COPY cases cases
COPY consent consent
COPY meetings meetings
COPY services_registry services_registry
COPY voice voice
COPY referrals referrals
RUN pip install --no-cache-dir .
COPY . .
RUN scripts/compile_messages.sh && scripts/collect_static.sh
EXPOSE 8000
# Workers, address and the kept database connection: gunicorn.conf.py (5 sync workers on 2 cores).
CMD ["gunicorn", "coordination.wsgi"]
