"""Emails are templates: emails/<name>_subject.txt, emails/<name>.txt and emails/<name>.html.

`render_email` is the one function that turns them into a message, in the recipient's language and
time zone, with the unsubscribe headers mail clients show as a button (RFC 2369 and RFC 8058).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation


def message_id(key):
    """A Message-ID fixed by what the email is for: should it ever go out twice, clients can tell."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<campaign-desk.{key}@{domain}>"


def render_email(name, context, *, to, language="en", time_zone=None, unsubscribe_url="", message_id=""):
    with translation.override(language), timezone.override(time_zone or timezone.get_current_timezone()):
        context = {**context, "LANGUAGE_CODE": language}
        subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
        context["subject"] = subject
        text = render_to_string(f"emails/{name}.txt", context)
        html = render_to_string(f"emails/{name}.html", context)
    headers = {}
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if message_id:
        headers["Message-ID"] = message_id
    message = EmailMultiAlternatives(subject, text, to=[to], headers=headers)
    message.attach_alternative(html, "text/html")
    return message
