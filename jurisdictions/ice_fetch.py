"""The scheduled fetch of ICE's 287(g) lists: download each configured list, import it as import_287g does,
and tell staff by email of anything refused, once for each file or error, never skipping it silently."""

import hashlib
import io
import logging
import re
import tempfile
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from core.roles import ADMIN, STAFF

from .ice_lists import read_list_name
from .models import ListFetchRefusal, ListSnapshot

log = logging.getLogger(__name__)

USER_AGENT = "campaign-desk 287(g) watch"
TIMEOUT = 60
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class FetchRefused(Exception):
    """A download that is not a list to import; the message says why."""


def configured():
    """[(kind, url)] of the lists to fetch: none unless ICE_287G_PARTICIPATING_URL / ICE_287G_PENDING_URL is set."""
    lists = [
        (ListSnapshot.Kind.PARTICIPATING, settings.ICE_287G_PARTICIPATING_URL),
        (ListSnapshot.Kind.PENDING, settings.ICE_287G_PENDING_URL),
    ]
    return [(kind, url.strip()) for kind, url in lists if url and url.strip()]


def _file_name(url, headers, kind):
    """The list's file name: from Content-Disposition, else the address, else a name saying its kind."""
    name = ""
    disposition = headers.get("Content-Disposition", "") if headers else ""
    if disposition:
        message = Message()
        message["Content-Disposition"] = disposition
        name = message.get_filename() or ""
    if not name:
        name = unquote(PurePosixPath(urlsplit(url).path).name)
    name = _SAFE_NAME.sub("_", name).strip("._")[:120]
    if not name.lower().endswith((".xlsx", ".csv")):
        name = f"{kind}Agencies.xlsx"
    return name


def download(url, kind):
    """(file name, bytes) of one list; FetchRefused when it cannot be had."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    limit = settings.ICE_287G_FETCH_MAX_BYTES
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            status = getattr(response, "status", None) or 200
            if status != 200:
                raise FetchRefused(f"{url} answered {status}")
            data = response.read(limit + 1)
            headers = response.headers
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise FetchRefused(f"{url} could not be downloaded ({exc})") from exc
    if len(data) > limit:
        raise FetchRefused(f"{url} is larger than {limit} bytes (ICE_287G_FETCH_MAX_BYTES)")
    if not data:
        raise FetchRefused(f"{url} answered with an empty file")
    return _file_name(url, headers, kind), data


def import_downloaded(kind, name, data):
    """Import one downloaded list with import_287g; returns its output. CommandError when refused."""
    with tempfile.TemporaryDirectory(prefix="ice-287g-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        arguments = [str(path), "--max-closing", str(settings.ICE_287G_MAX_CLOSING)]
        if kind == ListSnapshot.Kind.PENDING:
            arguments.append("--pending")
        named = read_list_name(name, today=timezone.localdate())
        if named.date is None:
            # ICE's address may carry no date: the list is the one it serves today.
            arguments += ["--as-of", timezone.localdate().isoformat()]
        out, err = io.StringIO(), io.StringIO()
        call_command("import_287g", *arguments, stdout=out, stderr=err)
        return out.getvalue()


def _staff_emails():
    User = get_user_model()
    users = User.objects.filter(is_active=True).exclude(email="")
    return sorted(
        set(users.filter(Q(is_superuser=True) | Q(groups__name__in=[STAFF, ADMIN])).values_list("email", flat=True))
    )


def refuse(kind, url, reason, digest):
    """Record a refusal and email staff the first time this file (or error) is refused; True when emailed."""
    refusal, created = ListFetchRefusal.objects.get_or_create(
        kind=kind, sha256=digest, defaults={"url": url[:500], "reason": reason}
    )
    if not created:
        ListFetchRefusal.objects.filter(pk=refusal.pk).update(times=F("times") + 1, last_at=timezone.now())
        return False
    recipients = _staff_emails()
    log.warning("ICE 287(g) %s list refused: %s", kind, reason)
    if not recipients:
        return False
    context = {"kind": kind, "url": url, "reason": reason, "site_url": settings.SITE_URL.rstrip("/")}
    send_mail(
        " ".join(render_to_string("emails/ice287g_refused_subject.txt", context).split()),
        render_to_string("emails/ice287g_refused.txt", context),
        None,
        recipients,
    )
    return True


def fetch_all():
    """Fetch and import every configured list. Returns {kind: "imported" | "refused"}."""
    results = {}
    for kind, url in configured():
        try:
            name, data = download(url, kind)
        except FetchRefused as refused:
            refuse(kind, url, str(refused), hashlib.sha256(str(refused).encode()).hexdigest())
            results[kind] = "refused"
            continue
        try:
            output = import_downloaded(kind, name, data)
        except CommandError as refused:
            refuse(kind, url, str(refused), hashlib.sha256(data).hexdigest())
            results[kind] = "refused"
            continue
        log.info("ICE 287(g) %s list fetched from %s: %s", kind, url, output.strip().splitlines()[-1:] or "")
        results[kind] = "imported"
    return results
