#!/usr/bin/env bash
# Serve the app, a Celery worker and the Celery scheduler together; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p var/mail var/cache var/media
$PY manage.py migrate --noinput
$PY manage.py seed_demo
echo
if [ -n "${DATABASE_URL:-}" ]; then echo "Database: ${DATABASE_URL%%@*}@..."; else echo "Database: SQLite (db.sqlite3)"; fi
if [ -n "${REDIS_URL:-}" ]; then echo "Broker: Redis"; else echo "Broker: SQLite via kombu's SQLAlchemy transport (var/celery-broker.sqlite3)"; fi
echo "Email: files in var/mail (EMAIL_URL sends by SMTP)"
echo "Serving http://127.0.0.1:8000  (Ctrl-C stops the web server, the worker and the scheduler)"
echo

pids=()
stop() {
  trap - INT TERM EXIT
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT
.venv/bin/celery -A config worker --loglevel=INFO --concurrency=2 --hostname="worker@%h" &
pids+=($!)
.venv/bin/celery -A config beat --loglevel=INFO --schedule=var/celerybeat-schedule &
pids+=($!)
$PY manage.py runserver 127.0.0.1:8000 &
pids+=($!)
wait -n "${pids[@]}"
