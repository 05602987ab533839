"""What the resource form's search selects offer as you type (core.widgets.SearchSelect): the library's
resources another may supersede or translate. JSON; a query that cannot be read is a 400."""

from django import forms
from django.http import HttpResponseBadRequest

from core.access import staff_required
from core.widgets import OptionsQuery, matching, options_response

from .forms import other_resources, resource_label


class ResourceQuery(OptionsQuery):
    exclude = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


@staff_required
def resource_options(request):
    """Resources of the library with the words typed in their title, but `exclude` (the one being edited).
    Staff and admins: only they edit the library."""
    query = ResourceQuery(request.GET)
    if not query.is_valid():
        return HttpResponseBadRequest()
    resources = other_resources().order_by("title", "pk")
    if query.cleaned_data["exclude"]:
        resources = resources.exclude(pk=query.cleaned_data["exclude"])
    found = matching(resources, query.cleaned_data["q"], "title")
    return options_response((resource.pk, resource_label(resource)) for resource in found)
