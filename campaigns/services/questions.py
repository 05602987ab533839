"""Question sets and their ordered questions."""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction

from ..models import Question, QuestionSet
from .common import _full_clean

# --- question sets -------------------------------------------------------------------------------


@transaction.atomic
def question_set_save(
    *,
    question_set: QuestionSet,
    questions: Iterable[Question],
    deleted: Iterable[Question] = (),
    user: User | None = None,
) -> QuestionSet:
    """Save a question set with its questions in the given order; `deleted` questions are removed.

    Meetings already logged keep their answers and the question text they were asked (the answer's
    link to a removed question is simply cleared).
    """
    _full_clean(question_set)
    question_set.save()
    for question in deleted:
        if question.pk and question.question_set_id == question_set.pk:
            question.delete()
    for position, question in enumerate(questions, start=1):
        question.question_set = question_set
        question.order = position
        _full_clean(question)
        question.save()
    return question_set
