"""The resource model and the merge fields of sample-letter templates."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from resources.letters import MERGE_FIELDS, fill_template, merge_fields_in, validate_template_body
from resources.models import Kind, Resource, Topic, resource_file_path
from tests.factories import ResourceFactory

GOOD_BODY = (
    "Dear {{ official }}, {{title}} of {{ agency }}:\n{{ jurisdiction }} ... {{ campaign }}, {{ sender }}, {{ date }}"
)


def test_merge_fields_in_lists_each_field_once_in_order():
    assert merge_fields_in("{{ date }} {{official}} {{ date }} {{ nope }}") == ["date", "official", "nope"]


def test_every_documented_merge_field_is_accepted():
    assert validate_template_body(GOOD_BODY) == list(MERGE_FIELDS)


def test_unknown_merge_field_is_named_in_the_error():
    with pytest.raises(ValidationError) as exc:
        validate_template_body("Dear {{ official }}, re {{ county_name }} and {{ sheriff }}")
    message = " ".join(exc.value.messages)
    assert "{{ county_name }}" in message and "{{ sheriff }}" in message
    assert "{{ official }}" in message  # listed among the allowed ones


def test_unclosed_merge_field_is_an_error():
    with pytest.raises(ValidationError, match="not closed"):
        validate_template_body("Dear {{ official, thank you")


def test_empty_merge_field_is_an_error():
    with pytest.raises(ValidationError, match="Unknown merge field"):
        validate_template_body("Dear {{ }}")


def test_fill_template_replaces_known_fields_only():
    text = fill_template("To {{ official }} ({{title}}), {{ date }}", {"official": "Ana Ruiz", "title": "Sheriff"})
    assert text == "To Ana Ruiz (Sheriff), "


@pytest.mark.django_db
def test_sample_letter_with_unknown_field_is_refused_by_clean_and_save():
    resource = ResourceFactory.build(kind=Kind.SAMPLE_LETTER, template_body="Dear {{ officail }}")
    with pytest.raises(ValidationError) as exc:
        resource.full_clean()
    assert "{{ officail }}" in str(exc.value.message_dict["template_body"])
    with pytest.raises(ValidationError):
        resource.save()
    assert not Resource.objects.exists()


@pytest.mark.django_db
def test_only_sample_letters_carry_a_template():
    resource = ResourceFactory.build(kind=Kind.FACT_SHEET, template_body="Dear {{ official }}")
    with pytest.raises(ValidationError) as exc:
        resource.full_clean()
    assert "template_body" in exc.value.message_dict


@pytest.mark.django_db
def test_a_resource_needs_a_link_a_file_or_a_template():
    resource = ResourceFactory.build(url="")
    with pytest.raises(ValidationError):
        resource.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Resource.objects.create(title="Empty", kind=Kind.FACT_SHEET, published_on="2024-01-01")


@pytest.mark.django_db
def test_a_resource_cannot_supersede_itself():
    resource = ResourceFactory()
    resource.supersedes = resource
    with pytest.raises(ValidationError):
        resource.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Resource.objects.filter(pk=resource.pk).update(supersedes=resource)


@pytest.mark.django_db
def test_default_topics_come_from_the_migration():
    assert Topic.objects.filter(slug__in=["detainers", "287g", "state-laws", "sheriffs"]).count() == 4


def test_storage_names_are_safe_and_unguessable():
    first = resource_file_path(None, "../../etc/passwd.pdf")
    second = resource_file_path(None, "../../etc/passwd.pdf")
    assert first != second
    assert first.startswith("resources/") and ".." not in first and first.count("/") == 1
    assert first.endswith("-passwd.pdf")
    assert resource_file_path(None, "Carta al alguacil (versión final).PDF").endswith(".pdf")
    assert resource_file_path(None, "....pdf").endswith("-document.pdf")


@pytest.mark.django_db
def test_postgresql_keeps_the_search_vector_current():
    if connection.vendor != "postgresql":
        pytest.skip("the search vector is kept by a PostgreSQL trigger")
    resource = ResourceFactory(title="Detainer policy", summary="Holds")
    resource.refresh_from_db()
    assert "detain" in str(resource.search_vector)
    resource.extracted_text = "sheriff meeting"
    resource.save()
    resource.refresh_from_db()
    assert "sheriff" in str(resource.search_vector)
