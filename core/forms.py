"""How every form is drawn: Bootstrap 5 markup from Django's own form templates, rendered by Jinja2.

`{{ form }}` and `{{ form.field.as_field_group }}` in a page's template use the templates in
core/jinja2/core/forms/. Jinja2 renders a field in a fraction of the time the Django template
language takes, which matters on list pages with filter forms and on the meeting form's many fields.
"""

from functools import cached_property
from pathlib import Path

import django.forms
from django import forms
from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.html import format_html
from jinja2 import Environment

from .widgets import html_attributes

CHOICE_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


def field_kind(field):
    """What markup a bound field needs: "checkbox", "choices" (radios or check boxes), "select" or "input"."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, CHOICE_WIDGETS):
        return "choices"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


BOOTSTRAP_CLASS = {"checkbox": "form-check-input", "select": "form-select", "input": "form-control"}


def widget(field):
    """The field's widget with Bootstrap's class added to its own (and `is-invalid` when it has errors)."""
    classes = field.field.widget.attrs.get("class", "").split()
    wanted = BOOTSTRAP_CLASS[field_kind(field)]
    if wanted not in classes:
        classes.append(wanted)
    if field.errors:
        classes.append("is-invalid")
    return field.as_widget(attrs={"class": " ".join(classes)})


def choice_input(field, option):
    """One radio button or check box of a "choices" field, as an <input> with Bootstrap's class."""
    data = option.data
    attrs = {"class": "form-check-input is-invalid" if field.errors else "form-check-input"}
    attrs.update((name, value) for name, value in data["attrs"].items() if name != "class")
    return format_html(
        '<input type="{}" name="{}" value="{}"{}>',
        data["type"],
        data["name"],
        "" if data["value"] is None else str(data["value"]),
        html_attributes(attrs),
    )


def environment(**options):
    env = Environment(**options)
    env.globals.update(field_kind=field_kind, widget=widget, choice_input=choice_input)
    return env


class BootstrapFormRenderer(Jinja2):
    """Jinja2 for Django's own widgets and ours; the Django template language for what exists only there
    (the admin's widgets)."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"

    def get_template(self, template_name):
        try:
            return self.engine.get_template(template_name)
        except TemplateDoesNotExist:
            return self.django_templates.get_template(template_name)

    @cached_property
    def django_templates(self):
        return DjangoTemplates()

    @cached_property
    def engine(self):
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [Path(django.forms.__file__).parent / self.backend.app_dirname],
                "NAME": "djangoforms",
                "OPTIONS": {"environment": "core.forms.environment"},
            }
        )
