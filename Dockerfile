# The bot, built from this checkout. `docker compose up -d` (docker-compose.yml) runs it with
# PostgreSQL 15; on its own it keeps progress in SQLite at /data (mount a volume there).
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_PATH=/data/revision-bot.sqlite3

# The sqlite3 shell, to back up a SQLite database on a volume (`.backup`, see the README).
RUN apt-get update \
    && apt-get install -y --no-install-recommends sqlite3 \
    && rm -rf /var/lib/apt/lists/*

# The unprivileged user the bot runs as, and its data folder.
RUN useradd --system --create-home --home-dir /home/bot --shell /usr/sbin/nologin bot \
    && mkdir /data \
    && chown bot:bot /data

WORKDIR /app

# The dependencies first, in a layer of their own, so that a change to the code does not
# install them again. The install is editable (-e): the bot finds its migrations (db/) and
# the shipped packs (content/) beside its package, and a wheel holds neither.
COPY pyproject.toml README.md ./
RUN mkdir bot \
    && touch bot/__init__.py \
    && pip install -e . \
    && rm -r bot

COPY bot/ bot/
COPY db/ db/
COPY content/ content/
COPY deploy/docker-entrypoint.py deploy/
RUN python -m compileall -q bot

# Starts as root only to give /data (a volume a platform mounts owned by root) to the user
# bot, then runs the command as bot: deploy/docker-entrypoint.py.
ENTRYPOINT ["python", "/app/deploy/docker-entrypoint.py"]
CMD ["python", "-m", "bot"]
