"""Notification pages: each user's settings, the staff list of who opted out, and unsubscribing from an email.

Unsubscribing needs no sign-in: the link carries a signed token (user and kind of email) that works
for notifications.UNSUBSCRIBE_MAX_AGE after the email was written; an older link gets a page that
says so and sends the reader to their notification settings. The page asks to confirm; mail clients
that offer a one-click button POST to the same address (RFC 8058).
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from accounts.profiles import profile_of
from core.roles import is_admin, is_staff_member
from jurisdictions.selectors import follow_list
from jurisdictions.services import follow_set

from . import notifications
from .models import EmailDelivery
from .notification_forms import FollowStateForm, NotificationSettingsForm

OPT_OUTS_PAGE_SIZE = 50


@login_required
def notification_settings(request):
    prefs = profile_of(request.user)
    following = request.method == "POST" and "follow_state" in request.POST
    form = NotificationSettingsForm(None if following else request.POST or None, instance=prefs)
    follow_form = FollowStateForm(request.POST if following else None, prefix="follow")
    status = 200
    if following:
        if follow_form.is_valid():
            state = follow_form.cleaned_data["state"]
            follow_set(user=request.user, state=state, on=True)
            messages.success(
                request, _("You will be told when ICE's 287(g) list changes in %(place)s.") % {"place": state.name}
            )
            return redirect(reverse("campaigns:notification-settings") + "#follows")
        status = 400
    elif request.method == "POST" and form.is_valid():
        notifications.notification_settings_save(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("campaigns:notification-settings")
    return render(
        request,
        "campaigns/notification_settings.html",
        {
            "form": form,
            "follow_form": follow_form,
            "follows": follow_list(request.user),
            "can_see_opt_outs": is_staff_member(request.user),
            "has_email": bool(request.user.email),
        },
        status=status,
    )


@login_required
def notification_opt_outs(request):
    if not is_staff_member(request.user):
        raise PermissionDenied
    page = Paginator(notifications.opted_out(), OPT_OUTS_PAGE_SIZE).get_page(request.GET.get("page"))
    failed = None
    if is_admin(request.user):
        failed = EmailDelivery.objects.filter(status=EmailDelivery.Status.FAILED).count()
    return render(request, "campaigns/notification_opt_outs.html", {"page": page, "failed": failed})


KIND_LABELS = {
    EmailDelivery.Kind.REMINDER: EmailDelivery.Kind.REMINDER.label,
    EmailDelivery.Kind.OVERDUE: EmailDelivery.Kind.OVERDUE.label,
    EmailDelivery.Kind.DIGEST: EmailDelivery.Kind.DIGEST.label,
    EmailDelivery.Kind.ALERT_287G: EmailDelivery.Kind.ALERT_287G.label,
}


@csrf_exempt  # the signed token in the address is the credential; mail clients POST without a form
@never_cache
def unsubscribe(request, token):
    try:
        user_id, kind = notifications.read_unsubscribe_token(token)
        user = get_user_model().objects.get(pk=user_id)
    except signing.SignatureExpired:
        # Genuine but too old: nothing changes, and the reader is told where to change their emails.
        days = notifications.UNSUBSCRIBE_MAX_AGE.days
        return render(request, "campaigns/notification_unsubscribe.html", {"expired": True, "days": days}, status=410)
    except (signing.BadSignature, get_user_model().DoesNotExist):
        return render(request, "campaigns/notification_unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        scope = request.POST.get("scope", kind)
        if scope not in (kind, notifications.UNSUBSCRIBE_ALL):
            scope = kind
        notifications.notification_unsubscribe(user=user, kind=scope)
        if one_click:
            return HttpResponse(_("You are unsubscribed."), content_type="text/plain; charset=utf-8")
        return render(
            request,
            "campaigns/notification_unsubscribe.html",
            {"done": True, "kind": kind, "scope": scope, "kind_label": KIND_LABELS.get(kind, "")},
        )
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    return render(
        request,
        "campaigns/notification_unsubscribe.html",
        {"kind": kind, "kind_label": KIND_LABELS.get(kind, ""), "masked_email": _mask(user.email)},
    )


def _mask(email):
    """j•••@example.org: enough to recognize one's address, not enough to learn someone else's."""
    name, _at, domain = (email or "").partition("@")
    if not domain:
        return ""
    return f"{name[:1]}•••@{domain}"
