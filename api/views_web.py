"""Pages outside /api/: the user's API tokens and calendar feed settings, and the calendar feed itself."""

import hashlib

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_POST

from core.roles import is_staff_member

from . import services
from .calendar import build_calendar
from .models import ApiToken, CalendarFeed


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What will use it, e.g. “coalition spreadsheet”."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("It may"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        required=False,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Give a program only what it needs: most only read."),
    )
    lifetime = forms.TypedChoiceField(
        label=gettext_lazy("Expires after"),
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        longest = services.default_token_lifetime()
        days = sorted({*(d for d in services.TOKEN_LIFETIMES if d < longest), longest})
        self.fields["lifetime"].choices = [(d, ngettext("%(n)d day", "%(n)d days", d) % {"n": d}) for d in days]
        self.fields["lifetime"].initial = longest


def _page(request, *, form=None, new_token=None, new_feed=None, status=200):
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True).order_by("-created_at", "-pk")
    now = timezone.now()
    feed = CalendarFeed.objects.filter(user=request.user).first()
    context = {
        "form": form or TokenForm(),
        "tokens": list(tokens),
        "now": now,
        "feed": feed,
        "new_token": new_token,
        "new_feed_url": request.build_absolute_uri(reverse("calendar-feed", args=[new_feed])) if new_feed else None,
        "is_staff": is_staff_member(request.user),
    }
    return render(request, "api/settings.html", context, status=status)


@login_required
def api_settings(request):
    """API tokens and the calendar feed of the signed-in user. New secrets are shown once, on this page."""
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                token, secret = services.api_token_create(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    scope=form.cleaned_data["scope"] or ApiToken.Scope.READ,
                    lifetime_days=form.cleaned_data["lifetime"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                return _page(request, new_token={"token": token, "secret": secret})
        return _page(request, form=form, status=400)
    return _page(request)


@login_required
@require_POST
def token_revoke(request, token_pk):
    if services.api_token_revoke(user=request.user, token_id=token_pk):
        messages.success(request, _("Token revoked: programs using it can no longer sign in."))
    else:
        messages.info(request, _("That token was already revoked."))
    return redirect("api-settings:page")


@login_required
@require_POST
def calendar_settings(request):
    if request.POST.get("action") == "revoke":
        if services.calendar_feed_revoke(user=request.user):
            messages.success(request, _("Calendar feed turned off: its address no longer works."))
        return redirect("api-settings:page")
    secret = services.calendar_feed_regenerate(user=request.user)
    return _page(request, new_feed=secret)


@require_GET
@gzip_page
def calendar_feed(request, token):
    """The feed itself. The secret in the address is the only credential; unknown or revoked ones are 404.

    The secret is looked up on every request, so a new or revoked address takes effect at once. A
    calendar app that sends the feed's ETag back gets 304 while nothing in it changed.
    """
    feed = services.calendar_feed_user(token)
    if feed is None:
        raise Http404("No such calendar.")
    body = build_calendar(feed.user, request)
    services.calendar_feed_touch(feed)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    # Weak: the same feed goes out gzipped or not, as the app asks.
    response["ETag"] = "W/" + quote_etag(hashlib.sha256(body).hexdigest()[:32])
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    # Calendar apps may keep it, but must ask again before showing it.
    patch_cache_control(response, private=True, no_cache=True)
    return get_conditional_response(request, etag=response["ETag"], response=response)
