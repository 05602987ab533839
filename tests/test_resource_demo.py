"""The demo library: at least 40 demo resources in English and Spanish, marked as demo, seeded idempotently."""

import io

import pytest
from django.urls import reverse

from resources import demo
from resources.letters import validate_template_body
from resources.models import Kind, Resource

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def seed(**kwargs):
    out = io.StringIO()
    result = demo.seed_resources_demo(out, **kwargs)
    return result, out.getvalue()


def test_demo_library_has_forty_resources_in_both_languages():
    seed()
    resources = Resource.objects.filter(is_demo=True)
    assert resources.count() >= 40
    assert resources.filter(language="en").count() >= 20
    assert resources.filter(language="es").count() >= 8
    assert Resource.objects.filter(superseded_by__isnull=False).distinct().count() >= 5
    assert resources.filter(translation_of__isnull=False).count() >= 6
    assert resources.filter(file__gt="").count() >= 5
    assert resources.filter(is_public=True).exists()
    assert set(resources.values_list("kind", flat=True)) >= {
        Kind.PRACTICE_ADVISORY,
        Kind.FAQ,
        Kind.TOOLKIT,
        Kind.FACT_SHEET,
        Kind.SAMPLE_LETTER,
        Kind.QUESTION_LIST,
        Kind.MAP,
    }


def test_every_demo_resource_says_it_is_demo_content():
    seed()
    for resource in Resource.objects.all():
        assert resource.is_demo
        assert resource.summary.startswith(("Demo content.", "Contenido de demostración.")), resource.title
        assert resource.url.startswith("https://example.org/")
        assert resource.status == Resource.Status.APPROVED


def test_sample_letters_carry_valid_templates():
    seed()
    letters = Resource.objects.filter(kind=Kind.SAMPLE_LETTER).exclude(template_body="")
    assert letters.count() >= 5
    assert letters.filter(language="es").exists()
    for letter in letters:
        assert "official" in validate_template_body(letter.template_body)


def test_demo_pdfs_are_real_and_searchable(client, organizer):
    seed()
    with_file = Resource.objects.filter(file__gt="").first()
    assert with_file.file_type == "application/pdf" and with_file.extracted_text
    client.force_login(organizer)
    response = client.get(with_file.get_file_url())
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("resources:list"), {"q": "detainer"}).context["page"].paginator.count >= 3


def test_second_run_changes_nothing():
    first, out = seed()
    assert f"{len(demo.DEMO_RESOURCES)} created" in out
    before = list(Resource.objects.order_by("pk").values())
    second, out = seed()
    assert "0 created, 0 updated" in out
    assert list(Resource.objects.order_by("pk").values()) == before
    assert {slug: r.pk for slug, r in first.items()} == {slug: r.pk for slug, r in second.items()}


def test_seed_demo_hook_seeds_the_library(staff):
    out = io.StringIO()
    demo.seed_demo(users={"staff1": staff}, force=False, stdout=out)
    assert Resource.objects.filter(created_by=staff).count() == len(demo.DEMO_RESOURCES)
