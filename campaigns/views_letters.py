"""Letters to targets: drafted from a sample letter, edited, marked sent or answered; printable, .docx and PDF."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import services
from .access import campaign_for_user
from .forms import LetterEditForm, LetterNewForm, LetterStatusForm
from .models import Campaign, Letter, Target
from .selectors_history import record_history_for
from .views import add_service_errors

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _targets(campaign):
    return list(
        Target.objects.filter(campaign=campaign).select_related("official", "agency").order_by("-votes", "name")
    )


def _letter(campaign, letter_pk):
    try:
        return (
            Letter.objects.select_related("template", "created_by", "campaign__jurisdiction__state")
            .prefetch_related("recipients__official", "recipients__agency", "deadlines")
            .get(campaign=campaign, pk=letter_pk)
        )
    except Letter.DoesNotExist:
        raise Http404("No such letter.") from None


def _campaign(request, pk, **kwargs):
    return campaign_for_user(
        request.user, pk, queryset=Campaign.objects.select_related("jurisdiction__state"), **kwargs
    )


@login_required
def letter_new(request, pk):
    campaign = _campaign(request, pk, change=True)
    targets = _targets(campaign)
    initial = {
        "sender": request.user.get_full_name() or request.user.username,
        "letter_date": timezone.localdate(),
        "template": request.GET.get("template"),
    }
    form = LetterNewForm(request.POST or None, targets=targets, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            letter = services.letter_create(
                campaign=campaign,
                user=request.user,
                template=data["template"],
                recipients=form.chosen_recipients(),
                sender=data["sender"],
                letter_date=data["letter_date"],
                subject=data["subject"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Letter drafted from the sample. Read it through and adjust it."))
            return redirect("campaigns:letter-edit", pk=campaign.pk, letter_pk=letter.pk)
    return render(request, "campaigns/letter_new.html", {"campaign": campaign, "form": form})


@login_required
def letter_edit(request, pk, letter_pk):
    campaign = _campaign(request, pk, change=True)
    letter = _letter(campaign, letter_pk)
    targets = _targets(campaign)
    form = LetterEditForm(
        request.POST or None,
        targets=targets,
        initial={
            "recipients": [t.pk for t in letter.recipients.all()],
            "sender": letter.sender,
            "letter_date": letter.letter_date,
            "subject": letter.subject,
            "body": letter.body,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.letter_update(
                letter=letter,
                user=request.user,
                recipients=form.chosen_recipients(),
                sender=data["sender"],
                letter_date=data["letter_date"],
                subject=data["subject"],
                body=data["body"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Letter saved."))
            return redirect(letter)
    return render(request, "campaigns/letter_edit.html", {"campaign": campaign, "letter": letter, "form": form})


@login_required
def letter_detail(request, pk, letter_pk):
    campaign = _campaign(request, pk, change=request.method == "POST")
    letter = _letter(campaign, letter_pk)
    form = LetterStatusForm(
        request.POST or None,
        initial={
            "status": letter.status,
            "sent_on": letter.sent_on,
            "answered_on": letter.answered_on,
            "response_note": letter.response_note,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.letter_set_status(
                letter=letter,
                user=request.user,
                status=data["status"],
                sent_on=data["sent_on"],
                answered_on=data["answered_on"],
                response_note=data["response_note"],
                expect_answer_by=data["expect_answer_by"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Letter updated."))
            return redirect(letter)
    return render(
        request,
        "campaigns/letter_detail.html",
        {
            "campaign": campaign,
            "letter": letter,
            "form": form,
            "text": services.letter_render(letter),
            "history": record_history_for(request.user, campaign, letter),
        },
    )


def _filename(letter, extension):
    return f"{slugify(letter.subject)[:60] or 'letter'}-{letter.letter_date:%Y-%m-%d}.{extension}"


@login_required
def letter_docx(request, pk, letter_pk):
    from docx import Document
    from docx.shared import Pt

    campaign = _campaign(request, pk)
    letter = _letter(campaign, letter_pk)
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    document.core_properties.title = letter.subject
    for block in services.letter_render(letter).split("\n\n"):
        paragraph = document.add_paragraph()
        lines = block.strip("\n").split("\n")
        for number, line in enumerate(lines):
            run = paragraph.add_run(line)
            if number < len(lines) - 1:
                run.add_break()
    buffer = io.BytesIO()
    document.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(letter, "docx")}"'
    return response


@login_required
def letter_pdf(request, pk, letter_pk):
    from weasyprint import HTML

    campaign = _campaign(request, pk)
    letter = _letter(campaign, letter_pk)
    html = render_to_string(
        "campaigns/letter_pdf.html", {"letter": letter, "text": services.letter_render(letter)}, request=request
    )
    response = HttpResponse(HTML(string=html, base_url=None).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_filename(letter, "pdf")}"'
    return response
