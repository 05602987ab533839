"""The resource library: browse and search, one resource, its file, staff editing, suggestions and review."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import sign_in_required, staff_required
from core.filters import FiltersUnreadable, list_query, page_number_value
from core.roles import is_staff_member

from . import selectors, services
from .access import (
    library_visible_to,
    login_for_anonymous,
    resource_for_user,
)
from .documents import INLINE_TYPES
from .filters import ResourceFilter
from .forms import ResourceForm, ReviewForm, SuggestionForm
from .letters import MERGE_FIELDS
from .models import Audience, Kind, Language, Resource
from .selectors import resource_history

PAGE_SIZE = 20
# The list's parameters in the order its forms send them, then the page its links add: the links the
# page writes keep that order.
LIST_PARAMETERS = ["q", "kind", "topic", "language", "audience", "state", "year", "sort", "page"]


# Stands for the pk in a URL reversed once per page; each card's URL is this with its own pk.
_PK_PLACEHOLDER = 2_147_483_647


def _cards(resources):
    """What each card of the list shows, with its links read for the whole page at once."""
    resources = list(resources)
    if not resources:
        return []
    ids = {resource.pk for resource in resources}
    links = selectors.resource_list_links(ids)
    newer, translations = selectors.resource_list_linked(ids)
    detail_url = reverse("resources:detail", args=[_PK_PLACEHOLDER])
    placeholder = str(_PK_PLACEHOLDER)
    kinds = {value: str(label) for value, label in Kind.choices}
    languages = {value: str(label) for value, label in Language.choices}
    audiences = {value: str(label) for value, label in Audience.choices}
    no_links = {"topics": [], "states": [], "audiences": []}

    def url(pk):
        return detail_url.replace(placeholder, str(pk))

    def version(resource):
        label = languages.get(resource.language, resource.language)
        return {"url": url(resource.pk), "language": resource.language, "label": label}

    cards = []
    for resource in resources:
        linked = links.get(resource.pk, no_links)
        newest = newer.get(resource.pk)
        cards.append(
            {
                "pk": resource.pk,
                "url": url(resource.pk),
                "title": resource.title,
                "kind": kinds.get(resource.kind, resource.kind),
                "language": resource.language,
                "language_label": languages.get(resource.language, resource.language),
                "is_demo": resource.is_demo,
                "is_public": resource.is_public,
                "published_iso": resource.published_on.isoformat(),
                "published": date_format(resource.published_on, "DATE_FORMAT"),
                "file_size": filesizeformat(resource.file_size) if resource.file else "",
                "has_url": bool(resource.url),
                "newest": {
                    "url": url(newest[0].pk),
                    "title": newest[0].title,
                    "year": newest[0].published_on.year,
                }
                if newest
                else None,
                "summary": Truncator(resource.summary).words(40, truncate=" …") if resource.summary else "",
                "topics": linked["topics"],
                "audiences": [audiences.get(value, value) for value in linked["audiences"]],
                "states": linked["states"],
                "translation_of": version(resource.translation_of) if resource.translation_of_id else None,
                "other_languages": [version(other) for other in translations.get(resource.pk, [])],
            }
        )
    return cards


def _list_query(params):
    """The list's parameters of `params` as the page reads them (core.filters.list_query)."""
    return list_query(
        params,
        LIST_PARAMETERS,
        {"sort": lambda value: value if value in selectors.SORTS else None, "page": page_number_value},
    )


def _list_context(query, user, *, staff):
    """Everything the list shows `user` for `query`; FiltersUnreadable when a filter value cannot be read."""
    filterset = ResourceFilter(query, queryset=library_visible_to(user, selectors.resource_list_page_queryset()))
    valid = filterset.is_valid()
    sort = selectors.sort_key(query.get("sort"), searching=filterset.searching)
    # Say which value cannot be read on the form, and list nothing.
    resources = selectors.resource_list_ordered(filterset.qs, sort) if valid else Resource.objects.none()
    page = Paginator(resources, PAGE_SIZE).get_page(query.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "cards": _cards(page.object_list),
        "sort": sort,
        "searching": filterset.searching,
        "signed_in": user.is_authenticated,
        "is_staff": staff,
        "waiting": Resource.objects.filter(status=Resource.Status.SUGGESTED).count() if staff else 0,
        "query": query,
    }
    if not valid:
        raise FiltersUnreadable(context)
    return context


def resource_list(request):
    """The library: search, filters and pages; a filter that cannot be read answers 400 with the form."""
    user = request.user
    query = _list_query(request.GET)
    try:
        context, status = _list_context(query, user, staff=is_staff_member(user)), 200
    except FiltersUnreadable as unreadable:
        context, status = unreadable.context, 400
    return render(request, "resources/list.html", context, status=status)


@login_for_anonymous
def resource_detail(request, pk):
    resource = resource_for_user(request.user, pk, queryset=selectors.resource_detail_queryset())
    context = {
        "resource": resource,
        "merge_fields": MERGE_FIELDS,
        "review_form": ReviewForm() if resource.user_can_change else None,
        "from_campaign": request.GET.get("from_campaign", ""),
        "history": resource_history(request.user, resource),
    }
    return render(request, "resources/detail.html", context)


@login_for_anonymous
def resource_file(request, pk):
    """A resource's uploaded file, served only through the access check, never from a public URL."""
    resource = resource_for_user(
        request.user,
        pk,
        queryset=Resource.objects.only("pk", "title", "file", "file_type", "status", "is_public", "created_by_id"),
    )
    if not resource.file:
        raise Http404("This resource has no file.")
    try:
        handle = resource.file.storage.open(resource.file.name, "rb")
    except OSError as exc:
        raise Http404("The file is missing.") from exc
    content_type = resource.file_type or "application/octet-stream"
    response = FileResponse(
        handle,
        as_attachment=content_type not in INLINE_TYPES,
        filename=download_name(resource),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    if not (resource.is_public and resource.status == Resource.Status.APPROVED):
        patch_cache_control(response, private=True)
    return response


def download_name(resource):
    """Stored as "resources/<random hex>-<safe original name>": offer the original name back."""
    stored = resource.file.name.rsplit("/", 1)[-1]
    return stored.split("-", 1)[1] if "-" in stored else stored


def _save_or_show_errors(form, action):
    """Run a service with the form's data; put its validation errors on the form. Returns the result or None."""
    try:
        return action(**form.service_kwargs())
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
    return None


@staff_required
def resource_new(request):
    if request.method == "POST":
        form = ResourceForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            resource = _save_or_show_errors(form, lambda **data: services.resource_create(user=request.user, **data))
            if resource is not None:
                messages.success(request, _("“%(title)s” is in the library.") % {"title": resource.title})
                return redirect(resource)
    else:
        form = ResourceForm(user=request.user)
    return render(request, "resources/form.html", {"form": form, "resource": None}, status=400 if form.errors else 200)


@staff_required
def resource_edit(request, pk):
    resource = resource_for_user(request.user, pk, change=True, queryset=selectors.resource_detail_queryset())
    if request.method == "POST":
        form = ResourceForm(request.POST, request.FILES, instance=resource, user=request.user)
        if form.is_valid():
            remove_file = form.cleaned_data.get("remove_file", False)
            saved = _save_or_show_errors(
                form,
                lambda **data: services.resource_update(
                    resource=resource, user=request.user, remove_file=remove_file, **data
                ),
            )
            if saved is not None:
                messages.success(request, _("Changes to “%(title)s” saved.") % {"title": saved.title})
                return redirect(saved)
    else:
        form = ResourceForm(instance=resource, user=request.user)
    return render(
        request, "resources/form.html", {"form": form, "resource": resource}, status=400 if form.errors else 200
    )


@sign_in_required
def resource_suggest(request):
    if request.method == "POST":
        form = SuggestionForm(request.POST, request.FILES)
        if form.is_valid():
            resource = _save_or_show_errors(form, lambda **data: services.resource_suggest(user=request.user, **data))
            if resource is not None:
                messages.success(
                    request,
                    _("Thank you. Staff will review “%(title)s” before it joins the library.")
                    % {"title": resource.title},
                )
                return redirect("resources:suggestions")
    else:
        form = SuggestionForm()
    return render(request, "resources/suggest.html", {"form": form}, status=400 if form.errors else 200)


@sign_in_required
def suggestion_list(request):
    staff = is_staff_member(request.user)
    suggestions = selectors.suggestions_for(request.user, staff=staff)
    page = Paginator(suggestions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "resources/suggestions.html", {"page": page, "is_staff": staff, "review_form": ReviewForm()})


@require_POST
@staff_required
def resource_review(request, pk):
    resource = resource_for_user(request.user, pk, change=True)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to add the resource to the library."))
        return redirect(resource)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.resource_review(resource=resource, user=request.user, approve=approve, note=form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(resource)
    if approve:
        messages.success(request, _("“%(title)s” is now in the library.") % {"title": resource.title})
    else:
        messages.info(request, _("“%(title)s” was not added.") % {"title": resource.title})
    if request.POST.get("next") == "suggestions":
        return redirect("resources:suggestions")
    return redirect(resource)


# -- assignments to campaigns ---------------------------------------------------------------------------


def detainer_analysis(request):
    """The library's legal analysis of detainers as a link, for the Fourth Amendment section of a county page
    (loaded into it): only what the reader may see, in their language when the library has it; nothing
    when there is none."""
    resource = selectors.detainer_legal_analysis(
        library_visible_to(request.user), language=(get_language() or "en").split("-")[0]
    )
    response = render(request, "resources/_detainer_analysis.html", {"resource": resource})
    patch_cache_control(response, private=True)
    return response
