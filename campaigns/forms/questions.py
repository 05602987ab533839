"""Question set and question forms for staff."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.organizations import organizations_managed_by

from ..models import (
    Question,
    QuestionSet,
)

# --- question sets -------------------------------------------------------------------------------


class QuestionSetForm(forms.ModelForm):
    class Meta:
        model = QuestionSet
        fields = ["name", "name_es", "kind", "organization", "description", "description_es", "is_active"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "description_es": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"organization": _("Belongs to")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.queryset = organizations_managed_by(user).order_by("name")
        field.empty_label = _("The network (every organization)")


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = [
            "order",
            "topic",
            "topic_es",
            "text",
            "text_es",
            "good_answer",
            "good_answer_es",
            "evasive_answer",
            "evasive_answer_es",
        ]
        widgets = {
            "order": forms.NumberInput(attrs={"min": 0, "style": "max-width: 7rem"}),
            "text": forms.Textarea(attrs={"rows": 2}),
            "text_es": forms.Textarea(attrs={"rows": 2}),
            "good_answer": forms.Textarea(attrs={"rows": 2}),
            "good_answer_es": forms.Textarea(attrs={"rows": 2}),
            "evasive_answer": forms.Textarea(attrs={"rows": 2}),
            "evasive_answer_es": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False
        self.fields["order"].initial = None
        if self.instance.pk is None:
            # A blank new row must stay "unchanged" so it is skipped, so no default order is shown.
            self.initial.pop("order", None)


class BaseQuestionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        for index, form in enumerate(self.forms):
            # Django treats a row whose id is not one of this set's questions as a new question;
            # here it is an error, so an id from another set can neither be edited nor copied.
            if index < self.initial_form_count() and form.instance.pk is None:
                raise forms.ValidationError(
                    _("A question on this page does not belong to this set. Reload the page and try again.")
                )


QuestionFormSet = forms.inlineformset_factory(
    QuestionSet,
    Question,
    form=QuestionForm,
    formset=BaseQuestionFormSet,
    extra=2,
    can_delete=True,
    max_num=100,
    validate_max=True,
)
