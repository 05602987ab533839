"""Reads of the resource library: the list with everything it shows, search, and one resource's page."""

from collections.abc import Collection
from typing import Any

from django.contrib.auth.models import User
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Expression,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)

from core.history import Entry, record_history
from core.types import AnyUser

from .models import Audience, Kind, Resource, ResourceAudience, Topic

# Search terms beyond this are ignored: a pasted paragraph should not become a hundred LIKE clauses.
MAX_TERMS = 8
# Relevance weights of the SQLite fallback, in the spirit of PostgreSQL's A/B/C weights.
FALLBACK_WEIGHTS = (("title", 4), ("summary", 2), ("extracted_text", 1))

SORTS = ("newest", "oldest", "relevance", "title")


def _linked_resources() -> QuerySet[Resource]:
    """The approved resources a list row links to (newer versions, translations): just what it shows."""
    return Resource.objects.filter(status=Resource.Status.APPROVED).only(
        "id", "title", "published_on", "language", "supersedes_id", "translation_of_id"
    )


def resource_list_queryset() -> QuerySet[Resource]:
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


def resource_list_page_queryset() -> QuerySet[Resource]:
    """Resources with just the columns a card of the list page shows; what they link to comes from
    resource_list_links() and resource_list_linked(), for the page's rows alone."""
    return Resource.objects.select_related("translation_of").only(
        "id",
        "title",
        "kind",
        "summary",
        "published_on",
        "language",
        "file",
        "file_size",
        "url",
        "is_demo",
        "is_public",
        "translation_of__id",
        "translation_of__language",
    )


def resource_list_links(resource_ids: Collection[int]) -> dict[int, dict[str, list[Any]]]:
    """{resource id: {"topics": [Topic], "states": [(name, postal)], "audiences": [code]}} in one query.

    Topics and states in name order, audiences in the order of their choices; nothing for a resource
    that has none.
    """
    text: CharField[str, str] = CharField()
    topics = Resource.topics.through.objects.filter(resource_id__in=resource_ids).values_list(
        "resource_id", Value("topic", output_field=text), "topic__name", "topic__name_es", "topic__slug"
    )
    states = Resource.states.through.objects.filter(resource_id__in=resource_ids).values_list(
        "resource_id",
        Value("state", output_field=text),
        "state__name",
        "state__postal",
        Value("", output_field=text),
    )
    audiences = ResourceAudience.objects.filter(resource_id__in=resource_ids).values_list(
        "resource_id",
        Value("audience", output_field=text),
        "audience",
        Value("", output_field=text),
        Value("", output_field=text),
    )
    links: dict[int, dict[str, list[Any]]] = {}
    for resource_id, link, first, second, third in topics.union(states, audiences, all=True):
        entry = links.setdefault(resource_id, {"topics": [], "states": [], "audiences": []})
        if link == "topic":
            entry["topics"].append(Topic(name=first, name_es=second, slug=third))
        elif link == "state":
            entry["states"].append((first, second))
        else:
            entry["audiences"].append(first)
    audience_order = {value: index for index, value in enumerate(Audience.values)}
    for entry in links.values():
        entry["topics"].sort(key=lambda topic: topic.name)
        entry["states"].sort()
        entry["audiences"].sort(key=lambda value: audience_order.get(value, len(audience_order)))
    return links


def resource_list_linked(
    resource_ids: Collection[int],
) -> tuple[dict[int, list[Resource]], dict[int, list[Resource]]]:
    """({resource id: [approved newer versions, newest first]}, {resource id: [approved translations,
    by language]}) in one query."""
    linked = _linked_resources().filter(Q(supersedes_id__in=resource_ids) | Q(translation_of_id__in=resource_ids))
    newer: dict[int, list[Resource]] = {}
    translations: dict[int, list[Resource]] = {}
    for resource in linked.order_by("-published_on", "-pk"):
        older, original = resource.supersedes_id, resource.translation_of_id
        if older is not None and older in resource_ids:
            newer.setdefault(older, []).append(resource)
        if original is not None and original in resource_ids:
            translations.setdefault(original, []).append(resource)
    for versions in translations.values():
        versions.sort(key=lambda resource: resource.language)
    return newer, translations


def resource_detail_queryset() -> QuerySet[Resource]:
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


def search_terms(text: str | None) -> list[str]:
    return (text or "").split()[:MAX_TERMS]


def resource_search(queryset: QuerySet[Resource], text: str | None) -> QuerySet[Resource]:
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
    rank: Expression = Value(0)
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


def sort_key(value: str | None, *, searching: bool) -> str:
    if value in SORTS and (value != "relevance" or searching):
        return value
    return "relevance" if searching else "newest"


def resource_list_ordered(queryset: QuerySet[Resource], sort: str) -> QuerySet[Resource]:
    orderings = {
        "newest": ["-published_on", "-pk"],
        "oldest": ["published_on", "pk"],
        "relevance": ["-rank", "-published_on", "-pk"],
        "title": ["title", "pk"],
    }
    return queryset.order_by(*orderings[sort])


def suggestions_for(user: User, *, staff: bool) -> QuerySet[Resource]:
    """Suggestions to review (staff: all waiting) or the user's own suggestions and their outcome."""
    qs = Resource.objects.select_related("created_by", "reviewed_by").defer("extracted_text", "search_vector")
    if staff:
        return qs.filter(status=Resource.Status.SUGGESTED).order_by("created_at", "pk")
    return qs.filter(created_by=user).order_by("-created_at", "-pk")


# The library's legal analysis of ICE detainers, linked from every county page's Fourth Amendment section.
DETAINERS_TOPIC = "detainers"


def detainer_legal_analysis(visible: QuerySet[Resource], *, language: str) -> Resource | None:
    """The newest practice advisory on detainers among `visible` resources that nothing newer supersedes,
    in `language` when there is one in it; None when the library has none. One query."""
    superseded = Resource.objects.filter(supersedes__isnull=False).values("supersedes_id")
    return (
        visible.filter(kind=Kind.PRACTICE_ADVISORY, topics__slug=DETAINERS_TOPIC)
        .exclude(pk__in=superseded)
        .only("id", "title", "published_on", "language")
        .order_by(Case(When(language=language, then=Value(0)), default=Value(1)), "-published_on", "-pk")
        .first()
    )


def resource_history(user: AnyUser, resource: Resource) -> list[Entry]:
    """A resource's History panel: for signed-in readers only (a public resource's page names nobody)."""
    if not user.is_authenticated:
        return []
    return record_history(resource)
