"""The bench data set as a whole: is one there, remove it, refresh it, analyze it, fingerprint it."""

import hashlib
import re

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from accounts.models import Organization
from campaigns.models import Campaign, QuestionSet
from jurisdictions.models import Agency, PolicyRecord
from resources.models import Resource

from .plan import (
    BENCH_AGENCY_SOURCE,
    BENCH_MARK,
    BENCH_NOTE,
    BENCH_ORGANIZATION_SLUG,
    BENCH_SET_PREFIX,
    BENCH_URL,
    USERNAME_PREFIX,
)


def refresh_last_activity(campaign_ids):
    """Set each campaign's last_activity_at as its services would have left it (one UPDATE)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE campaigns_campaign c SET last_activity_at = GREATEST(
                c.created_at,
                (SELECT max(changed_at) FROM campaigns_stagechange WHERE campaign_id = c.id),
                (SELECT max(created_at) FROM campaigns_target WHERE campaign_id = c.id),
                (SELECT max(s.changed_at) FROM campaigns_stancechange s
                    JOIN campaigns_target t ON t.id = s.target_id WHERE t.campaign_id = c.id),
                (SELECT max(COALESCE(logged_at, updated_at)) FROM campaigns_meeting WHERE campaign_id = c.id),
                (SELECT max(GREATEST(created_at, COALESCE(completed_at, created_at)))
                    FROM campaigns_deadline WHERE campaign_id = c.id),
                (SELECT max(updated_at) FROM campaigns_recordsrequest WHERE campaign_id = c.id)
            )
            WHERE c.id = ANY(%s)
            """,
            [list(campaign_ids)],
        )


def bench_campaigns():

    return Campaign.objects.filter(summary__startswith=BENCH_MARK)


def other_campaigns():

    return Campaign.objects.exclude(summary__startswith=BENCH_MARK)


def existing_set():
    """(scale, seed) of the bench data set in the database, or None."""

    summary = bench_campaigns().order_by("pk").values_list("summary", flat=True).first()
    if summary is None:
        return None
    match = re.match(re.escape(BENCH_MARK) + r", scale ([0-9.e+-]+), seed (-?[0-9]+)\)", summary)
    if not match:
        return None
    return float(match.group(1)), int(match.group(2))


def clear(*, log=print):
    """Remove the bench data set (and only it) so a new one can be built."""

    User = get_user_model()
    with transaction.atomic():
        if bench_campaigns().exists():
            if other_campaigns().exists():
                # Other campaigns share the tables: delete row by row through Django's cascade.
                bench_campaigns().delete()
            else:
                # Only bench campaigns: TRUNCATE every table that hangs off campaigns (at any depth).
                with connection.cursor() as cursor:
                    # Foreign keys still to be checked (a build earlier in the same transaction) block a TRUNCATE.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute("TRUNCATE campaigns_campaign CASCADE")
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        Resource.objects.filter(url__startswith=BENCH_URL).delete()
        User.objects.filter(username__startswith=USERNAME_PREFIX).delete()
        PolicyRecord.objects.filter(note=BENCH_NOTE).delete()
        QuestionSet.objects.filter(name__startswith=BENCH_SET_PREFIX).delete()
        Agency.objects.filter(sources=BENCH_AGENCY_SOURCE).delete()
        Organization.objects.filter(slug__startswith=BENCH_ORGANIZATION_SLUG).delete()


def analyze():
    """Fresh planner statistics (and visibility maps) for every table the build wrote."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def fingerprint():
    """A hash of the bench data's content (not its ids): equal for two builds with the same seed on the same day."""
    queries = [
        """SELECT c.name || c.stage || c.goal || c.started_on || c.last_activity_at || u.username
           || j.fips FROM campaigns_campaign c JOIN auth_user u ON u.id = c.lead_id
           JOIN jurisdictions_jurisdiction j ON j.id = c.jurisdiction_id""",
        """SELECT c.name || m.held_at || m.kind || m.status || count(a.id)
           || string_agg(a.assessment, ',' ORDER BY a."order", a.question_text)
           FROM campaigns_meeting m JOIN campaigns_campaign c ON c.id = m.campaign_id
           LEFT JOIN campaigns_answer a ON a.meeting_id = m.id GROUP BY c.name, m.id""",
        """SELECT c.name || d.title || d.due_date || d.status || COALESCE(u.username, '-')
           FROM campaigns_deadline d JOIN campaigns_campaign c ON c.id = d.campaign_id
           LEFT JOIN auth_user u ON u.id = d.owner_id""",
        """SELECT c.name || t.name || t.title || t.stance FROM campaigns_target t
           JOIN campaigns_campaign c ON c.id = t.campaign_id""",
        """SELECT c.name || r.subject || r.status || COALESCE(r.due_date::text, '-')
           FROM campaigns_recordsrequest r JOIN campaigns_campaign c ON c.id = r.campaign_id""",
        """SELECT c.name || r.url || a.assigned_at FROM campaigns_assignment a
           JOIN campaigns_campaign c ON c.id = a.campaign_id JOIN resources_resource r ON r.id = a.resource_id""",
        f"""SELECT j.fips || p.dimension || p.value || p.effective_date FROM jurisdictions_policyrecord p
           JOIN jurisdictions_jurisdiction j ON j.id = p.jurisdiction_id WHERE p.note = '{BENCH_NOTE}'""",
    ]
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for query in queries:
            cursor.execute(f"SELECT md5(string_agg(x, '|' ORDER BY x)) FROM ({query}) AS rows(x)")
            digest.update((cursor.fetchone()[0] or "").encode())
    return digest.hexdigest()[:16]


def bench_users(role):
    """Bench users of a role, in a fixed order."""
    User = get_user_model()
    return User.objects.filter(username__startswith=f"{USERNAME_PREFIX}{role.lower()}-").order_by("username")
