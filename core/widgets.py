"""Widgets the forms share."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.html import escape
from django.utils.safestring import mark_safe


def html_attributes(attrs):
    """Attributes as Django's widget templates write them, in order: bare when True, left out when False or
    None, values escaped. Safe to put inside a tag."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {name}")
        elif value is not False and value is not None:
            parts.append(f' {name}="{escape(value)}"')
    return mark_safe("".join(parts))


class QuickSelect(forms.Select):
    """A single-choice <select> written out in Python, with the markup of Django's own template.

    Django renders every option through a template of its own: the state list's 56 options cost two
    milliseconds of every list page that way. Grouped choices and multiple selects keep Django's rendering.
    """

    def render(self, name, value, attrs=None, renderer=None):
        choices = self.choices
        if isinstance(choices, ModelChoiceIterator):
            # Read as one plain query: the iterator's server-side cursor costs three round trips.
            field = choices.field
            empty = [("", field.empty_label)] if field.empty_label is not None else []
            choices = empty + [choices.choice(obj) for obj in choices.queryset]
        else:
            choices = list(choices)
        if self.allow_multiple_selected or any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        wanted = set(self.format_value(value))
        options = []
        found = False
        for option_value, label in choices:
            option_value = "" if option_value is None else str(option_value)
            selected = not found and option_value in wanted
            found = found or selected
            options.append(
                f'\n  <option value="{escape(option_value)}"{" selected" if selected else ""}>{escape(label)}</option>'
            )
        attributes = html_attributes(self.build_attrs(self.attrs, attrs))
        # Every value above is escaped.
        return mark_safe(f'<select name="{escape(name)}"{attributes}>{"".join(options)}\n</select>')
