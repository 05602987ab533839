"""The meeting-prep packet for one target: a printable page and the same as a PDF."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from . import selectors
from .access import campaign_for_user, question_sets_for
from .models import Campaign, Target


def _packet_context(request, pk, target_pk):
    campaign = campaign_for_user(
        request.user,
        pk,
        queryset=Campaign.objects.select_related("jurisdiction__state__records_law", "jurisdiction__parent"),
    )
    try:
        target = Target.objects.select_related("official", "agency").get(campaign=campaign, pk=target_pk)
    except Target.DoesNotExist:
        raise Http404("No such target.") from None
    set_pk = request.GET.get("set")
    offered = question_sets_for(request.user, campaign)
    question_set = selectors.prep_question_set(
        target, int(set_pk) if set_pk and set_pk.isdigit() else None, sets=offered
    )
    return {
        "campaign": campaign,
        "target": target,
        "packet": selectors.prep_packet(campaign, target, question_set),
        "question_sets": offered.order_by("-is_active", "kind", "name"),
        "generated_at": timezone.localtime(),
    }


@login_required
def prep_packet(request, pk, target_pk):
    return render(request, "campaigns/prep_packet.html", _packet_context(request, pk, target_pk))


@login_required
def prep_packet_pdf(request, pk, target_pk):
    from weasyprint import HTML

    context = _packet_context(request, pk, target_pk)
    html = render_to_string("campaigns/prep_packet_pdf.html", context, request=request)
    # The PDF template is self-contained (inline styles, no external files), so nothing is fetched.
    pdf = HTML(string=html, base_url=None).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = slugify(f"prep {context['target'].name} {context['generated_at']:%Y-%m-%d}") or "prep-packet"
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response
