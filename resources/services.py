"""Writes to the resource library: add, change, suggest, approve and reject resources."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import is_staff_member
from jurisdictions.models import State

from . import tasks
from .documents import TEXT_TYPES, check_upload
from .models import Resource, ResourceAudience, Topic

# Fields a form or importer may set directly on a Resource.
SIMPLE_FIELDS = [
    "title",
    "kind",
    "summary",
    "published_on",
    "language",
    "url",
    "supersedes",
    "translation_of",
    "template_body",
    "is_public",
    "is_demo",
    "organization",
]


def _attach_file(resource: Resource, upload: UploadedFile) -> str:
    """Store a new upload on the resource with its checked type and size; the old file is removed.

    Its text is read for search by a worker once the upload is committed (read_text_later), never here.
    """
    content_type = check_upload(upload)
    old_name = resource.file.name if resource.file else ""
    resource.file = upload
    resource.file_type = content_type
    resource.file_size = upload.size
    resource.extracted_text = ""
    resource.text_pending = content_type in TEXT_TYPES
    return old_name


def read_text_later(resource: Resource) -> None:
    """Queue the reading of the resource's document text for when the upload is committed."""
    if not resource.text_pending:
        return
    resource_id, file_name = resource.pk, resource.file.name
    transaction.on_commit(lambda: tasks.read_document_text.delay(resource_id, file_name))


def _remove_file_later(storage: Storage, name: str) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _set_relations(
    resource: Resource,
    *,
    topics: Iterable[Topic] | None,
    states: Iterable[State] | None,
    audiences: Iterable[str] | None,
) -> None:
    if topics is not None:
        resource.topics.set(topics)
    if states is not None:
        resource.states.set(states)
    if audiences is not None:
        wanted = set(audiences)
        have = set(resource.audience_links.values_list("audience", flat=True))
        resource.audience_links.exclude(audience__in=wanted).delete()
        ResourceAudience.objects.bulk_create(
            [ResourceAudience(resource=resource, audience=audience) for audience in sorted(wanted - have)]
        )


def _check_links(resource: Resource) -> None:
    """The resource a new one supersedes or translates must be another, approved one."""
    errors = {}
    for field in ("supersedes", "translation_of"):
        other = getattr(resource, field)
        if other is None:
            continue
        if resource.pk and other.pk == resource.pk:
            errors[field] = _("Choose another resource, not this one.")
    if resource.translation_of is not None and resource.translation_of.language == resource.language:
        errors["translation_of"] = _("A translation is in another language than the resource it translates.")
    if errors:
        raise ValidationError(errors)


def resource_create(
    *,
    user: User,
    upload: UploadedFile | None = None,
    topics: Iterable[Topic] = (),
    states: Iterable[State] = (),
    audiences: Iterable[str] = (),
    status: str = Resource.Status.APPROVED,
    **fields: Any,
) -> Resource:
    """Add a resource to the library (staff), or as a suggestion waiting for review."""
    unknown = set(fields) - set(SIMPLE_FIELDS)
    if unknown:
        raise TypeError(f"resource_create() got unexpected fields {sorted(unknown)}")
    resource = Resource(created_by=user, status=status, **fields)
    with transaction.atomic():
        if upload:
            _attach_file(resource, upload)
        _check_links(resource)
        resource.full_clean(exclude=["file"] if upload else None)
        resource.save()
        _set_relations(resource, topics=topics, states=states, audiences=audiences)
        read_text_later(resource)
    return resource


def resource_update(
    *,
    resource: Resource,
    user: User,
    upload: UploadedFile | None = None,
    remove_file: bool = False,
    topics: Iterable[Topic] | None = None,
    states: Iterable[State] | None = None,
    audiences: Iterable[str] | None = None,
    **fields: Any,
) -> Resource:
    """Change a resource: its fields, relations, and file (a new upload replaces the old file)."""
    if not is_staff_member(user):
        raise PermissionDenied
    unknown = set(fields) - set(SIMPLE_FIELDS)
    if unknown:
        raise TypeError(f"resource_update() got unexpected fields {sorted(unknown)}")
    storage = resource.file.storage
    old_name = ""
    with transaction.atomic():
        for name, value in fields.items():
            setattr(resource, name, value)
        if upload:
            old_name = _attach_file(resource, upload)
        elif remove_file and resource.file:
            old_name = resource.file.name
            resource.file = ""
            resource.file_type = ""
            resource.file_size = None
            resource.extracted_text = ""
            resource.text_pending = False
        _check_links(resource)
        resource.full_clean(exclude=["file"] if upload else None)
        resource.save()
        _set_relations(resource, topics=topics, states=states, audiences=audiences)
        _remove_file_later(storage, old_name)
        if upload:
            read_text_later(resource)
    return resource


def resource_suggest(*, user: User, **kwargs: Any) -> Resource:
    """An organizer suggests a resource: it waits, unseen by others, until staff approve it."""
    kwargs.pop("is_public", None)
    kwargs.pop("is_demo", None)
    return resource_create(user=user, status=Resource.Status.SUGGESTED, **kwargs)


def resource_review(*, resource: Resource, user: User, approve: bool, note: str = "") -> Resource:
    """Staff approve a suggestion into the library, or reject it with a note the suggester sees."""
    if not is_staff_member(user):
        raise PermissionDenied
    with transaction.atomic():
        locked = Resource.objects.select_for_update().get(pk=resource.pk)
        if locked.status != Resource.Status.SUGGESTED:
            raise ValidationError(_("This suggestion was already reviewed."))
        locked.status = Resource.Status.APPROVED if approve else Resource.Status.REJECTED
        locked.review_note = note
        locked.reviewed_by = user
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at", "updated_at"])
    return locked


def resource_delete(*, resource: Resource, user: User) -> None:
    if not is_staff_member(user):
        raise PermissionDenied
    storage, name = resource.file.storage, resource.file.name
    with transaction.atomic():
        resource.delete()
        _remove_file_later(storage, name)
