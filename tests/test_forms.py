"""How forms are drawn (core.forms): Bootstrap 5 markup from Jinja2 field templates, the admin's widgets still drawn."""

import re

import pytest
from django import forms
from django.contrib.auth import get_user_model

from core.forms import BootstrapFormRenderer, field_kind


class SampleForm(forms.Form):
    name = forms.CharField(label="Name", help_text="As it appears on the ballot.")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"class": "notes", "rows": 2}))
    agrees = forms.BooleanField(label="I agree")
    stage = forms.ChoiceField(label="Stage", choices=[("a", "Research"), ("b", "Won")])
    sides = forms.MultipleChoiceField(
        label="Sides", choices=[("x", "Sheriff"), ("y", "Board")], widget=forms.CheckboxSelectMultiple, required=False
    )
    secret = forms.CharField(widget=forms.HiddenInput, required=False)


def test_each_widget_gets_its_kind_of_markup():
    form = SampleForm()
    assert [field_kind(form[name]) for name in ("name", "notes", "agrees", "stage", "sides")] == [
        "input",
        "input",
        "checkbox",
        "select",
        "choices",
    ]
    html = str(form)
    assert '<div id="div_id_name" class="mb-3"><label for="id_name" class="form-label requiredField">' in html
    assert 'class="form-control"' in html
    assert 'class="notes form-control"' in html  # the widget's own class is kept
    assert 'class="form-select"' in html
    assert '<div id="div_id_agrees" class="form-check">' in html
    assert 'class="form-check-input"' in html
    assert '<legend class="form-label fs-6">Sides</legend>' in html
    assert re.search(r'<input type="checkbox" name="sides" value="x" class="form-check-input" id="id_sides_0">', html)
    assert '<label for="id_sides_1" class="form-check-label">Board</label>' in html
    assert '<div id="id_name_helptext" class="form-text">As it appears on the ballot.</div>' in html
    assert 'aria-describedby="id_name_helptext"' in html
    assert '<input type="hidden" name="secret" id="id_secret">' in html
    assert "div_id_secret" not in html


def test_errors_mark_the_widget_invalid_and_are_shown_under_it():
    form = SampleForm(data={"name": "", "stage": "z"})
    html = str(form)
    assert 'class="form-control is-invalid"' in html
    assert 'aria-invalid="true"' in html
    assert '<div id="id_name_error" class="invalid-feedback d-block"><span id="error_1_id_name"><strong>' in html
    assert 'class="form-select is-invalid"' in html
    # A field's text is escaped like any other.
    assert "<script>" not in str(SampleForm(data={"name": "<script>"})["name"].as_field_group())


def test_one_field_group_renders_alone():
    html = str(SampleForm()["stage"].as_field_group())
    assert html.startswith('<div id="div_id_stage" class="mb-3">')
    assert "Research" in html


def test_templates_only_the_django_engine_has_still_render():
    renderer = BootstrapFormRenderer()
    assert renderer.get_template("django/forms/widgets/input.html").backend.__class__.__name__ == "Jinja2"
    assert renderer.get_template("admin/widgets/related_widget_wrapper.html").backend.__class__.__name__ == (
        "DjangoTemplates"
    )


@pytest.mark.django_db
def test_admin_change_form_with_related_widgets_renders(admin_client):
    user = get_user_model().objects.create_user("someone")
    response = admin_client.get(f"/admin/auth/user/{user.pk}/change/")
    assert response.status_code == 200
    assert b"related-widget-wrapper" in response.content
