"""The dashboard at `/`, the exports of every list and the campaign status report."""

from datetime import timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import json_script
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from campaigns import selectors as campaign_selectors
from campaigns.access import campaign_for_user, campaigns_visible_to
from campaigns.filters import ANNOTATED_SORTS, DEFAULT_SORT, SORTS, CampaignFilter
from campaigns.models import Campaign
from core.access import sign_in_required
from core.roles import is_staff_member
from jurisdictions.models import PolicyLevel
from jurisdictions.selectors import UPCOMING_ELECTION_MONTHS

from . import exports, selectors

# --- the dashboard --------------------------------------------------------------------------------

STATUS_PAGE_SIZE = 25
# States beyond this many are summed as one bar, so the chart stays readable on a phone.
CHART_STATES = 12


@login_required
def home(request):
    """The dashboard: an organizer's week, or for staff and admins the status of every campaign."""
    now = timezone.now()
    if is_staff_member(request.user):
        context = _staff_dashboard(request, now)
    else:
        context = {"role": "organizer", **selectors.organizer_dashboard(request.user, now=now)}
    return render(request, "dashboard/home.html", context)


def _staff_dashboard(request, now):
    today = timezone.localdate(now)
    visible = campaigns_visible_to(request.user)
    filterset = CampaignFilter(request.GET or None, queryset=visible, request=request)
    # Filters that are not understood show nothing with the form's errors, as the campaign list does.
    understood = not filterset.is_bound or filterset.is_valid()
    base = filterset.qs if understood else visible.none()
    sort = request.GET.get("sort") or DEFAULT_SORT
    if sort not in SORTS:
        sort = DEFAULT_SORT
    figures = _figures(base, today=today)
    rows = campaign_selectors.campaign_status_rows(base).order_by(*SORTS[sort])
    # The figures have counted the campaigns in the table: no COUNT query for its pages.
    page = CountedPaginator(rows, STATUS_PAGE_SIZE, count=figures["total"]).get_page(request.GET.get("page"))
    my_deadlines, my_deadlines_more = selectors.my_open_deadlines(request.user, today=today)
    # Elections in the counties of the campaigns the table shows (every campaign, unless filtered).
    elections, elections_more = selectors.upcoming_election_rows(base, today=today)
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    return {
        "role": "staff",
        "filter": filterset,
        "page": page,
        "campaigns": campaign_selectors.campaign_rows(
            page, now=now, status=True, order=None if sort in ANNOTATED_SORTS else base.order_by(*SORTS[sort])
        ),
        "sort": sort,
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "figures": figures,
        "my_deadlines": selectors.deadline_rows(my_deadlines, today=today),
        "my_deadlines_more": my_deadlines_more,
        "elections": elections,
        "elections_more": elections_more,
        "election_months": UPCOMING_ELECTION_MONTHS,
        "quiet_days": campaign_selectors.QUIET_DAYS,
    }


class CountedPaginator(Paginator):
    """A Paginator told how many rows there are."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self.count = count


def _figures(base, *, today):
    """The figures of the campaigns in `base`: totals, and what the charts, their tables and the map show."""
    figures = selectors.campaign_figures(base, today=today)
    counts = figures["counts"]
    months = [(month.strftime("%Y-%m"), date_format(month, "M Y"), won, lost) for month, won, lost in figures["months"]]
    wins = sum(won for _key, _label, won, _lost in months)
    losses = sum(lost for _key, _label, _won, lost in months)
    return {
        "total": counts["total"],
        "wins": wins,
        "losses": losses,
        "states": len(counts["states"]),
        "counts": {name: counts[name] for name in ("stages", "goals", "states")},
        # Newest first, the months with a win or a loss.
        "months": [(key, label, won, lost) for key, label, won, lost in reversed(months) if won or lost],
        "charts": _chart_data(counts, months),
        "map_campaigns": json_script(figures["counties"], "dashboard-map-data", encoder=CompactJSONEncoder),
        "map_strings": _map_strings(),
        "map_levels": [(level.value, level.label) for level in MAP_LEGEND],
    }


class CompactJSONEncoder(DjangoJSONEncoder):
    """JSON without the spaces after `,` and `:` (a fifth of the map's campaigns by county)."""

    def __init__(self, *args, **kwargs):
        kwargs["separators"] = (",", ":")
        super().__init__(*args, **kwargs)


MAP_LEGEND = [
    PolicyLevel.COMPLIES,
    PolicyLevel.LIMITS_HOLDS,
    PolicyLevel.NO_HOLDS_NO_ACCESS,
    PolicyLevel.NO_HOLDS_NO_NOTIFICATIONS_NO_ACCESS,
    PolicyLevel.UNKNOWN,
]


def _chart_data(counts, months):
    """What dashboard.js draws: labels and numbers only, every label translated here."""
    states = counts["states"]
    shown, rest = states[:CHART_STATES], states[CHART_STATES:]
    state_labels = [postal for postal, _name, _n in shown]
    state_values = [n for _postal, _name, n in shown]
    if rest:
        state_labels.append(_("Other states"))
        state_values.append(sum(n for _postal, _name, n in rest))
    return {
        "stages": {
            "keys": [value for value, _label, _n in counts["stages"]],
            "labels": [label for _value, label, _n in counts["stages"]],
            "values": [n for _value, _label, n in counts["stages"]],
        },
        "goals": {
            "labels": [label for _value, label, _n in counts["goals"]],
            "values": [n for _value, _label, n in counts["goals"]],
        },
        "states": {"labels": state_labels, "values": state_values},
        "months": {
            "labels": [label for _key, label, _w, _l in months],
            "won": [won for _key, _label, won, _l in months],
            "lost": [lost for _key, _label, _w, lost in months],
        },
        "strings": {
            "campaigns": _("Campaigns"),
            "won": pgettext("campaigns counted", "Won"),
            "lost": pgettext("campaigns counted", "Lost"),
        },
    }


def _map_strings():
    return {
        "campaigns": _("Campaigns"),
        "active": _("Still being fought"),
        "won": pgettext("campaigns counted", "Won"),
        "lost": pgettext("campaigns counted", "Lost"),
        "open": _("Open the county page"),
        "loadError": _("The map could not be loaded."),
    }


# --- exports -------------------------------------------------------------------------------------


def export_list(request, name, fmt):
    """A list's current filtered view as CSV or XLSX (see core.exports for what is and is not in it)."""
    spec = exports.export_specs().get(name)
    if spec is None or fmt not in exports.FORMATS:
        raise Http404("No such export.")
    if not request.user.is_authenticated and not exports.public_exports_allowed(spec):
        return redirect_to_login(request.get_full_path())
    try:
        return exports.export_response(spec, fmt, request)
    except exports.BadFilters as error:
        lines = [_("Some filters could not be read, so nothing was exported:")]
        for field, messages in error.errors.items():
            lines.extend(f"- {field}: {message}" for message in messages)
        return HttpResponseBadRequest("\n".join(lines), content_type="text/plain; charset=utf-8")


# --- the campaign status report ------------------------------------------------------------------

REPORT_DEFAULT_DAYS = 90
REPORT_MAX_DAYS = 366


class ReportRangeForm(forms.Form):
    start = forms.DateField(
        label=pgettext_lazy("start of a date range", "From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=pgettext_lazy("end of a date range", "To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end comes before the start."))
            elif (end - start).days >= REPORT_MAX_DAYS:
                self.add_error("end", _("A report covers at most a year (%(days)s days).") % {"days": REPORT_MAX_DAYS})
        return data


def _report_range(request):
    today = timezone.localdate()
    data = {
        "start": request.GET.get("start") or (today - timedelta(days=REPORT_DEFAULT_DAYS - 1)).isoformat(),
        "end": request.GET.get("end") or today.isoformat(),
    }
    return ReportRangeForm(data)


def _report_context(request, pk):
    """The report's campaigns as the reader may see them: one campaign (its team, staff) or all (staff)."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    if pk is None:
        if not is_staff_member(request.user):
            raise PermissionDenied
        campaign, campaigns = None, campaigns_visible_to(request.user)
    else:
        campaign = campaign_for_user(
            request.user, pk, queryset=Campaign.objects.select_related("jurisdiction__state", "lead")
        )
        campaigns = Campaign.objects.filter(pk=campaign.pk)
    form = _report_range(request)
    context = {"form": form, "campaign": campaign, "generated": timezone.now()}
    if form.is_valid():
        context["report"] = selectors.status_report(
            campaigns=campaigns, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
        )
        if campaign is None:
            context["stage_counts"] = [row for row in selectors.campaign_counts_by_stage(campaigns) if row[2]]
    return context


@sign_in_required
def status_report(request, pk=None):
    """Stage changes, wins and losses, and meetings in a date range: a printable page."""
    context = _report_context(request, pk)
    return render(request, "dashboard/report.html", context, status=200 if "report" in context else 400)


def _refuse_fetch(url, *args, **kwargs):
    # The report is self-contained; it must never make the server fetch anything.
    raise ValueError(f"The report does not load {url}")


@sign_in_required
def status_report_pdf(request, pk=None):
    """The same report as a PDF (WeasyPrint)."""
    from weasyprint import HTML

    context = _report_context(request, pk)
    if "report" not in context:
        errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in context["form"].errors.items())
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    html = render_to_string("dashboard/report_pdf.html", context, request=request)
    pdf = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
    report = context["report"]
    name = f"status-{context['campaign'].pk if context['campaign'] else 'all'}-{report['start']}-{report['end']}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
