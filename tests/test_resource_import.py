"""import_resources: a library from a spreadsheet, idempotent, with line-numbered errors."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from resources.models import Kind, Language, Resource, Topic

pytestmark = pytest.mark.django_db

HEADER = "title,kind,date,language,topics,url,summary\n"

GOOD = (
    HEADER
    + "Detainer basics,Fact sheet,2016-01-15,English,detainers; Sheriffs,https://example.org/detainers,What a hold is\n"
    + 'Hoja sobre detenciones,FAQs & Explainers,08/23/2023,Español,"Detenciones de ICE (holds)",'
    + "https://example.org/es/detenciones,Demo\n"
    + "Sample letter to the board,sample_letter,2015-10-01,en,,https://example.org/letter,\n"
)


def run(tmp_path, text, name="library.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import_resources", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_good_file_loads_every_row(tmp_path):
    out, err = run(tmp_path, GOOD)
    assert err.count("library.csv:") == 0
    assert "created 3" in out
    basics = Resource.objects.get(url="https://example.org/detainers")
    assert basics.kind == Kind.FACT_SHEET and basics.language == Language.ENGLISH
    assert basics.published_on == datetime.date(2016, 1, 15)
    assert basics.status == Resource.Status.APPROVED and not basics.is_public
    assert set(basics.topics.values_list("slug", flat=True)) == {"detainers", "sheriffs"}
    spanish = Resource.objects.get(url="https://example.org/es/detenciones")
    assert spanish.kind == Kind.FAQ and spanish.language == Language.SPANISH
    assert spanish.published_on == datetime.date(2023, 8, 23)
    assert list(spanish.topics.values_list("slug", flat=True)) == ["detainers"]


def test_second_run_changes_nothing(tmp_path):
    run(tmp_path, GOOD)
    before = list(Resource.objects.order_by("pk").values())
    out, _ = run(tmp_path, GOOD)
    assert "created 0, updated 0, unchanged 3" in out
    assert "Nothing changed" in out
    assert list(Resource.objects.order_by("pk").values()) == before


def test_changed_row_updates_the_resource_found_by_url(tmp_path):
    run(tmp_path, GOOD)
    changed = GOOD.replace("What a hold is", "What an ICE hold is").replace("detainers; Sheriffs", "detainers")
    out, _ = run(tmp_path, changed)
    assert "created 0, updated 1, unchanged 2" in out
    basics = Resource.objects.get(url="https://example.org/detainers")
    assert basics.summary == "What an ICE hold is"
    assert list(basics.topics.values_list("slug", flat=True)) == ["detainers"]


def test_bad_rows_are_reported_with_their_line_and_good_rows_still_load(tmp_path):
    text = (
        HEADER
        + "Good one,Fact sheet,2020-01-01,en,,https://example.org/good,\n"  # line 2
        + ",Fact sheet,2020-01-01,en,,https://example.org/no-title,\n"  # 3
        + "Bad kind,Brochure,2020-01-01,en,,https://example.org/kind,\n"  # 4
        + "Bad date,Fact sheet,2020-02-30,en,,https://example.org/date,\n"  # 5
        + "Far date,Fact sheet,5025-01-01,en,,https://example.org/far,\n"  # 6
        + "Bad language,Fact sheet,2020-01-01,Klingon,,https://example.org/lang,\n"  # 7
        + "Bad topic,Fact sheet,2020-01-01,en,detainers;Unicorns,https://example.org/topic,\n"  # 8
        + "No url,Fact sheet,2020-01-01,en,,,\n"  # 9
        + "Bad url,Fact sheet,2020-01-01,en,,javascript:alert(1),\n"  # 10
        + "Duplicate,Fact sheet,2020-01-01,en,,https://example.org/good,\n"  # 11
        + "Too many,Fact sheet,2020-01-01,en,,https://example.org/many,summary,extra\n"  # 12
        + "No date,Fact sheet,,en,,https://example.org/nodate,\n"  # 13
    )
    out, err = run(tmp_path, text)
    assert "created 1" in out and "rejected 11" in out
    expected = {
        3: "title is blank",
        4: "kind 'Brochure'",
        5: "date '2020-02-30' is not a date",
        6: "out of range",
        7: "language 'Klingon'",
        8: "unknown topic(s) 'Unicorns'",
        9: "url is blank",
        10: "not a web address",
        11: "already on line 2",
        12: "fields where the header has",
        13: "date is blank",
    }
    for line, reason in expected.items():
        assert any(f"library.csv:{line}: " in message and reason in message for message in err.splitlines()), (
            line,
            err,
        )
    assert list(Resource.objects.values_list("title", flat=True)) == ["Good one"]


def test_bom_crlf_and_spanish_names(tmp_path):
    text = "\ufeff" + GOOD.replace("\n", "\r\n")
    out, err = run(tmp_path, text)
    assert "created 3" in out and not err


def test_wrong_encoding_rejects_the_row(tmp_path):
    text = HEADER + "Guía,Fact sheet,2020-01-01,es,,https://example.org/guia,\n"
    out, err = run(tmp_path, text, encoding="latin-1")
    assert "library.csv:2: bytes that are not UTF-8" in err
    assert not Resource.objects.exists()


def test_missing_columns_stop_the_import(tmp_path):
    with pytest.raises(CommandError, match="missing column"):
        run(tmp_path, "title,kind,date\nA,Fact sheet,2020-01-01\n")


def test_empty_file_stops_the_import(tmp_path):
    with pytest.raises(CommandError, match="empty"):
        run(tmp_path, "")


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_resources", str(tmp_path / "nope.csv"))


def test_topics_match_by_slug_english_or_spanish_name(tmp_path):
    extra = Topic.objects.create(slug="raids", name="Workplace raids", name_es="Redadas")
    text = HEADER + "Raids,Fact sheet,2020-01-01,en,redadas | 287G,https://example.org/raids,\n"
    run(tmp_path, text)
    resource = Resource.objects.get()
    assert set(resource.topics.all()) == {extra, Topic.objects.get(slug="287g")}
