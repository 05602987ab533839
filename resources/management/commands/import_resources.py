"""import_resources: load a resource library from a spreadsheet (CSV)."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from core.importing import CREATED, UNCHANGED, UPDATED, CsvImportCommand, RowError, save_with_outcome
from jurisdictions.importers import clean_url, parse_date
from resources.models import Kind, Language, Resource, Topic

HELP = """Load library resources from a CSV with the columns title, kind, date, language, topics, url, summary.

- url identifies a resource: a row whose url is already in the library updates that resource, so running
  the same file twice changes nothing. Every row needs a web address (http or https).
- kind: a code (fact_sheet) or its English name ("Fact sheet", "FAQs & Explainers", "Toolkit & Reports",
  "Public Comments / Sign-on Letters"...).
- date: the publication date, YYYY-MM-DD or MM/DD/YYYY.
- language: a code (en, es) or a name (English, Spanish, Español).
- topics: separated by ';' (or '|'), each a topic's short name, English or Spanish name; topics are a
  managed list (add new ones in the admin first). May be blank.
- summary: free text, may be blank.
Resources loaded here go straight into the library (approved, not public)."""

TOPIC_SEPARATORS = re.compile(r"[;|]")
EARLIEST = datetime.date(1900, 1, 1)

# Names that resource libraries use for our kinds, beyond our own codes and labels.
KIND_ALIASES = {
    "advisory": Kind.PRACTICE_ADVISORY,
    "practiceadvisories": Kind.PRACTICE_ADVISORY,
    "faq": Kind.FAQ,
    "faqs": Kind.FAQ,
    "explainer": Kind.FAQ,
    "faqsandexplainers": Kind.FAQ,
    "faqsexplainers": Kind.FAQ,
    "toolkit": Kind.TOOLKIT,
    "report": Kind.TOOLKIT,
    "toolkitandreports": Kind.TOOLKIT,
    "toolkitsandreports": Kind.TOOLKIT,
    "factsheets": Kind.FACT_SHEET,
    "letter": Kind.SAMPLE_LETTER,
    "sampleletters": Kind.SAMPLE_LETTER,
    "publiccomment": Kind.PUBLIC_COMMENT,
    "publiccomments": Kind.PUBLIC_COMMENT,
    "signonletter": Kind.PUBLIC_COMMENT,
    "publiccommentssignonletters": Kind.PUBLIC_COMMENT,
    "infographics": Kind.INFOGRAPHIC,
    "webinars": Kind.WEBINAR,
    "maps": Kind.MAP,
    "questions": Kind.QUESTION_LIST,
    "questionlists": Kind.QUESTION_LIST,
}
LANGUAGE_ALIASES = {"espanol": Language.SPANISH, "español": Language.SPANISH, "ingles": Language.ENGLISH}


def squash(text):
    """Lower case, "&" read as "and", only letters and digits kept: "FAQs & Explainers" -> faqsandexplainers."""
    return re.sub(r"[\W_]+", "", text.lower().replace("&", "and"))


def _lookup(choices, aliases):
    table = {}
    with translation.override("en"):
        for value, label in choices:
            table[squash(value)] = value
            table[squash(str(label))] = value
    with translation.override("es"):
        for value, label in choices:
            table.setdefault(squash(str(label)), value)
    table.update({squash(alias): value for alias, value in aliases.items()})
    return table


KINDS = _lookup(Kind.choices, KIND_ALIASES)
LANGUAGES = _lookup(Language.choices, LANGUAGE_ALIASES)


class Command(CsvImportCommand):
    help = HELP
    required_columns = ("title", "kind", "date", "language", "topics", "url", "summary")
    noun = "resources"

    def before_rows(self, path, rows, options):
        self.topics = {}
        for topic in Topic.objects.all():
            for name in (topic.slug, topic.name, topic.name_es):
                if name:
                    self.topics.setdefault(name.strip().lower(), topic)
        self.urls_seen = {}  # url -> line
        self.latest = timezone.localdate() + datetime.timedelta(days=366)

    def import_row(self, line, row):
        title = row["title"]
        if not title:
            raise RowError("title is blank")
        if len(title) > 300:
            raise RowError("title is longer than 300 characters")
        kind = KINDS.get(squash(row["kind"]))
        if kind is None:
            raise RowError(f"kind {row['kind']!r} is not one of: {', '.join(Kind.values)}")
        language = LANGUAGES.get(squash(row["language"]))
        if language is None:
            raise RowError(f"language {row['language']!r} is not one of: {', '.join(Language.values)}")
        published_on = self.parse_published(row["date"])
        url = self.parse_url(row["url"])
        if url in self.urls_seen:
            raise RowError(f"the url {url} is already on line {self.urls_seen[url]}; each resource once")
        self.urls_seen[url] = line
        topics = self.parse_topics(row["topics"])
        fields = {
            "title": title,
            "kind": kind,
            "language": language,
            "published_on": published_on,
            "summary": row["summary"],
        }
        try:
            resource, outcome = save_with_outcome(Resource, {"url": url}, fields)
        except ValidationError as exc:
            raise RowError("; ".join(exc.messages)) from None
        if set(resource.topics.all()) != set(topics):
            resource.topics.set(topics)
            if outcome == UNCHANGED:
                outcome = UPDATED
        return outcome if outcome in (CREATED, UPDATED) else UNCHANGED

    def parse_published(self, text):
        if not text:
            raise RowError("date is blank; give the publication date as YYYY-MM-DD or MM/DD/YYYY")
        try:
            value = parse_date(text)
        except ValueError:
            raise RowError(f"date {text!r} is not a date; write YYYY-MM-DD or MM/DD/YYYY") from None
        if not EARLIEST <= value <= self.latest:
            raise RowError(f"date {text!r} is out of range (1900 to next year)")
        return value

    def parse_url(self, text):
        if not text:
            raise RowError("url is blank; every imported resource needs its web address")
        url, problem = clean_url(text)
        if problem:
            raise RowError(problem.replace("; left blank", ""))
        return url

    def parse_topics(self, text):
        topics, unknown = [], []
        for name in TOPIC_SEPARATORS.split(text):
            name = name.strip()
            if not name:
                continue
            topic = self.topics.get(name.lower())
            if topic is None:
                unknown.append(name)
            elif topic not in topics:
                topics.append(topic)
        if unknown:
            raise RowError(
                f"unknown topic(s) {', '.join(repr(name) for name in unknown)}; "
                "add them in the admin first or use a topic from the list"
            )
        return topics
