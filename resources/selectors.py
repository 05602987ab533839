"""Reads of the resource library: the list with everything it shows, search, and one resource's page."""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)

from campaigns.access import campaigns_visible_to

from .models import Assignment, AssignmentOpen, Resource

# Search terms beyond this are ignored: a pasted paragraph should not become a hundred LIKE clauses.
MAX_TERMS = 8
# Relevance weights of the SQLite fallback, in the spirit of PostgreSQL's A/B/C weights.
FALLBACK_WEIGHTS = (("title", 4), ("summary", 2), ("extracted_text", 1))

SORTS = ("newest", "oldest", "relevance", "title")


def _linked_resources():
    """The approved resources a list row links to (newer versions, translations): just what it shows."""
    return Resource.objects.filter(status=Resource.Status.APPROVED).only(
        "id", "title", "published_on", "language", "supersedes_id", "translation_of_id"
    )


def resource_list_queryset():
    """Resources with everything a list row shows, in a fixed number of queries whatever the page size."""
    return (
        Resource.objects.select_related("supersedes", "translation_of")
        .defer(
            "extracted_text",
            "search_vector",
            "template_body",
            "supersedes__extracted_text",
            "supersedes__search_vector",
            "supersedes__template_body",
            "translation_of__extracted_text",
            "translation_of__search_vector",
            "translation_of__template_body",
        )
        .prefetch_related(
            "topics",
            "states",
            "audience_links",
            Prefetch("superseded_by", queryset=_linked_resources().order_by("-published_on", "-pk"), to_attr="newer"),
            Prefetch("translations", queryset=_linked_resources().order_by("language"), to_attr="other_languages"),
        )
    )


def resource_detail_queryset():
    return (
        Resource.objects.select_related("supersedes", "translation_of", "created_by", "reviewed_by")
        .defer("search_vector")
        .prefetch_related(
            "topics",
            "states",
            "audience_links",
            Prefetch("superseded_by", queryset=_linked_resources().order_by("-published_on", "-pk"), to_attr="newer"),
            Prefetch("translations", queryset=_linked_resources().order_by("language"), to_attr="other_languages"),
        )
    )


def search_terms(text):
    return (text or "").split()[:MAX_TERMS]


def resource_search(queryset, text):
    """Resources matching `text`, annotated with `rank` (higher is better).

    PostgreSQL: full-text search over the trigger-kept search vector (title, summary, document text;
    each resource in its own language's configuration), ranked by SearchRank and served by the GIN
    index. Other databases: every word must appear (case-insensitively) in the title, summary or
    document text, ranked by where the words were found.
    """
    terms = search_terms(text)
    if not terms:
        return queryset.annotate(rank=Value(0.0))
    if connection.vendor == "postgresql":
        text = " ".join(terms)
        query = (
            SearchQuery(text, config="english", search_type="websearch")
            | SearchQuery(text, config="spanish", search_type="websearch")
            | SearchQuery(text, config="simple", search_type="websearch")
        )
        return queryset.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
    rank = Value(0)
    for term in terms:
        queryset = queryset.filter(
            Q(title__icontains=term) | Q(summary__icontains=term) | Q(extracted_text__icontains=term)
        )
        for field, weight in FALLBACK_WEIGHTS:
            rank = rank + Case(
                When(**{f"{field}__icontains": term}, then=Value(weight)),
                default=Value(0),
                output_field=IntegerField(),
            )
    return queryset.annotate(rank=rank)


def sort_key(value, *, searching):
    if value in SORTS and (value != "relevance" or searching):
        return value
    return "relevance" if searching else "newest"


def resource_list_ordered(queryset, sort):
    orderings = {
        "newest": ["-published_on", "-pk"],
        "oldest": ["published_on", "pk"],
        "relevance": ["-rank", "-published_on", "-pk"],
        "title": ["title", "pk"],
    }
    return queryset.order_by(*orderings[sort])


def suggestions_for(user, *, staff):
    """Suggestions to review (staff: all waiting) or the user's own suggestions and their outcome."""
    qs = Resource.objects.select_related("created_by", "reviewed_by").defer("extracted_text", "search_vector")
    if staff:
        return qs.filter(status=Resource.Status.SUGGESTED).order_by("created_at", "pk")
    return qs.filter(created_by=user).order_by("-created_at", "-pk")


# -- assignments ------------------------------------------------------------------------------------


def _assignments_with_state(user):
    """Assignments with their resource, who assigned/withdrew them, and `is_new` for this user."""
    opened = AssignmentOpen.objects.filter(assignment=OuterRef("pk"), user=user)
    return (
        Assignment.objects.select_related("resource", "assigned_by", "withdrawn_by")
        .defer("resource__extracted_text", "resource__search_vector", "resource__template_body")
        .annotate(
            is_new=ExpressionWrapper(
                Q(withdrawn_at__isnull=True) & ~Exists(opened) & ~Q(assigned_by=user.pk),
                output_field=BooleanField(),
            )
        )
    )


def assignments_for_campaign(campaign, user):
    """The campaign's resource assignments as `user` may see them: active first (newest first), then withdrawn.

    Empty for a user who may not see the campaign. One query whatever the number of assignments.
    """
    if not user.is_authenticated:
        return []
    visible = campaigns_visible_to(user).filter(pk=campaign.pk).values("pk")
    return list(
        _assignments_with_state(user)
        .filter(campaign__in=visible)
        .order_by(F("withdrawn_at").desc(nulls_first=True), "-assigned_at", "-pk")
    )


def assignments_of_resource(resource, user):
    """The resource's assignments to the campaigns `user` may see (staff: all), with their campaigns."""
    if not user.is_authenticated:
        return []
    return list(
        _assignments_with_state(user)
        .select_related("campaign__jurisdiction__state")
        .filter(resource=resource, campaign__in=campaigns_visible_to(user).values("pk"))
        .order_by(F("withdrawn_at").desc(nulls_first=True), "-assigned_at", "-pk")
    )


def assignments_new_since(user, since):
    """Active assignments made since `since` to the campaigns `user` may see (for digests)."""
    return (
        _assignments_with_state(user)
        .select_related("campaign")
        .filter(withdrawn_at__isnull=True, assigned_at__gte=since, campaign__in=campaigns_visible_to(user).values("pk"))
        .order_by("campaign_id", "-assigned_at")
    )
