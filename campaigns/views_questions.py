"""Question sets: everyone signed in with a role may read them; staff and admins keep them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.roles import role_of

from . import services
from .access import can_change_question_set, can_manage_campaigns, question_sets_for
from .forms import QuestionFormSet, QuestionSetForm
from .models import Question, QuestionSet
from .selectors_history import question_set_history
from .views import add_service_errors


def _require_role(user):
    if role_of(user) is None:
        raise PermissionDenied


@login_required
def question_set_list(request):
    _require_role(request.user)
    sets = (
        question_sets_for(request.user)
        .select_related("organization")
        .annotate(question_count=Count("questions"))
        .order_by("-is_active", "kind", "name")
    )
    return render(
        request,
        "campaigns/question_set_list.html",
        {"question_sets": sets, "can_edit": can_manage_campaigns(request.user)},
    )


@login_required
def question_set_detail(request, set_pk):
    _require_role(request.user)
    question_set = get_object_or_404(
        question_sets_for(request.user)
        .select_related("organization")
        .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("order", "pk"))),
        pk=set_pk,
    )
    return render(
        request,
        "campaigns/question_set_detail.html",
        {
            "question_set": question_set,
            "can_edit": can_change_question_set(request.user, question_set),
            "history": question_set_history(question_set),
        },
    )


def _question_set_form(request, question_set):
    if not can_change_question_set(request.user, question_set):
        raise PermissionDenied
    creating = question_set is None
    instance = question_set or QuestionSet()
    form = QuestionSetForm(request.POST or None, instance=instance, user=request.user)
    formset = QuestionFormSet(
        request.POST or None,
        instance=instance,
        prefix="questions",
        queryset=Question.objects.order_by("order", "pk"),
    )
    if request.method == "POST" and (form.is_valid() & formset.is_valid()):
        # Blank extra rows have no cleaned data; deleted rows are removed by the service.
        kept = [f.instance for f in formset.forms if f.cleaned_data and f not in formset.deleted_forms]
        if not kept:
            form.add_error(None, _("A question set needs at least one question."))
        else:
            # The order numbers typed decide the order; ties keep the order on the page.
            kept.sort(key=lambda q: (q.order is None, q.order or 0))
            deleted = [f.instance for f in formset.deleted_forms if f.instance.pk]
            try:
                saved = services.question_set_save(
                    question_set=form.instance, questions=kept, deleted=deleted, user=request.user
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Question set saved."))
                return redirect("campaigns:question-set-detail", set_pk=saved.pk)
    return render(
        request,
        "campaigns/question_set_form.html",
        {"form": form, "formset": formset, "question_set": question_set, "creating": creating},
    )


@login_required
def question_set_new(request):
    return _question_set_form(request, None)


@login_required
def question_set_edit(request, set_pk):
    return _question_set_form(request, get_object_or_404(question_sets_for(request.user), pk=set_pk))
