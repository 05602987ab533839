"""Which writes renew which generations (core.generations): every model whose rows a cached page shows.

Saves and deletes (the admin's, the services', a shell's, a queryset's delete()) and many-to-many
changes send Django's signals; a service that writes with QuerySet.update() renews by hand
(generations.renew), and a bulk load renews everything (generations.renew_all).
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import generations
from .backends import account_kind, read_at_sign_in

# Models of a campaign: the path from a row to its campaign's id. A write renews "campaigns" and that campaign.
CAMPAIGN_PATHS = {
    "campaigns.Campaign": ("pk",),
    "campaigns.Membership": ("campaign_id",),
    "campaigns.StageChange": ("campaign_id",),
    "campaigns.Target": ("campaign_id",),
    "campaigns.StanceChange": ("target", "campaign_id"),
    "campaigns.Meeting": ("campaign_id",),
    "campaigns.Answer": ("meeting", "campaign_id"),
    "campaigns.RecordsRequest": ("campaign_id",),
    "campaigns.Deadline": ("campaign_id",),
    "campaigns.Letter": ("campaign_id",),
    "resources.Assignment": ("campaign_id",),
    "resources.AssignmentOpen": ("assignment", "campaign_id"),  # what is new to a reader
}

# Shared data: the generations a write of any row renews.
SHARED_KINDS = {
    "campaigns.QuestionSet": ("questions",),
    "campaigns.Question": ("questions",),
    "resources.Resource": ("resources",),
    "resources.Topic": ("resources",),
    "resources.ResourceAudience": ("resources",),
    "jurisdictions.State": ("places",),
    "jurisdictions.StateLaw": ("places",),
    "jurisdictions.RecordsLaw": ("places",),
    "jurisdictions.Jurisdiction": ("places",),
    "jurisdictions.Agency": ("places",),
    "jurisdictions.Official": ("places",),
    "jurisdictions.Agreement287g": ("places",),
    "jurisdictions.PolicyRecord": ("places",),
}


def kinds_of(instance):
    """The generations a write of `instance` renews."""
    label = instance._meta.label
    if label in SHARED_KINDS:
        return SHARED_KINDS[label]
    value = instance
    for name in CAMPAIGN_PATHS[label]:
        value = getattr(value, name, None)
        if value is None:
            return ("campaigns",)  # not tied to a campaign (yet): only the lists
    return ("campaigns", f"campaign:{value}")


def _is_sign_in(update_fields):
    return update_fields is not None and set(update_fields) <= {"last_login"}


def _saved(sender, instance, update_fields=None, **kwargs):
    if not _is_sign_in(update_fields):
        generations.renew(*kinds_of(instance))


def _deleted(sender, instance, **kwargs):
    generations.renew(*kinds_of(instance))


def _user_written(sender, instance, update_fields=None, **kwargs):
    """A user saved or deleted: their name ("people") and what signing in reads of them (core.backends)."""
    if not _is_sign_in(update_fields):
        generations.renew("people", account_kind(instance.pk))


def _roles_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """user.groups or group.user_set changed: the users whose roles changed."""
    if not action.startswith("post_"):
        return
    if not reverse:
        user_ids = [instance.pk]
    elif pk_set:
        user_ids = pk_set
    else:  # group.user_set.clear(): whoever was in it
        generations.renew("people", generations.ACCOUNTS)
        return
    generations.renew("people", *map(account_kind, user_ids))


def _role_written(sender, **kwargs):
    """A group renamed or deleted: anyone's role may have changed."""
    generations.renew("people", generations.ACCOUNTS)


def _time_zone_written(sender, instance, **kwargs):
    generations.renew(account_kind(instance.user_id))


def _m2m_changed(sender, instance, action, model, **kwargs):
    """A many-to-many change: the instance's generations, and the other side's when it is shared data.

    The campaigns' many-to-many tables join rows of one campaign (a meeting and the targets met), so
    either side names the campaign.
    """
    if action.startswith("post_"):
        generations.renew(*kinds_of(instance), *SHARED_KINDS.get(model._meta.label, ()))


def connect():
    """Connect the receivers (CoreConfig.ready)."""
    for label in (*CAMPAIGN_PATHS, *SHARED_KINDS):
        model = apps.get_model(label)
        post_save.connect(_saved, sender=model, dispatch_uid=f"generations-save-{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"generations-delete-{label}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"generations-m2m-{label}")
    user = get_user_model()
    post_save.connect(_user_written, sender=user, dispatch_uid="generations-user-save")
    post_delete.connect(_user_written, sender=user, dispatch_uid="generations-user-delete")
    m2m_changed.connect(_roles_changed, sender=user.groups.through, dispatch_uid="generations-user-groups")
    post_save.connect(_role_written, sender=Group, dispatch_uid="generations-group-save")
    post_delete.connect(_role_written, sender=Group, dispatch_uid="generations-group-delete")
    settings = apps.get_model("campaigns.NotificationSettings")
    post_save.connect(_time_zone_written, sender=settings, dispatch_uid="generations-time-zone-save")
    post_delete.connect(_time_zone_written, sender=settings, dispatch_uid="generations-time-zone-delete")
    user_logged_in.connect(read_at_sign_in, dispatch_uid="sign-in-reads-the-user")
