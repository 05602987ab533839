"""Full-text search on PostgreSQL: a trigger keeps Resource.search_vector current, a GIN index serves it.

Each resource is indexed in its own language's text-search configuration (English, Spanish, ...;
"simple" for the others) with the title weighted above the summary, and the summary above the text
extracted from its document. On SQLite nothing is created: search falls back to substring matching.
"""

from django.db import migrations

CREATE_SQL = """
CREATE OR REPLACE FUNCTION resources_resource_search_vector() RETURNS trigger AS $$
DECLARE
    cfg regconfig;
BEGIN
    cfg := CASE NEW.language
        WHEN 'en' THEN 'english'::regconfig
        WHEN 'es' THEN 'spanish'::regconfig
        WHEN 'pt' THEN 'portuguese'::regconfig
        ELSE 'simple'::regconfig
    END;
    NEW.search_vector :=
        setweight(to_tsvector(cfg, coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector(cfg, coalesce(NEW.summary, '')), 'B')
        || setweight(to_tsvector(cfg, coalesce(NEW.extracted_text, '')), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS resources_resource_search_vector_trg ON resources_resource;
CREATE TRIGGER resources_resource_search_vector_trg
    BEFORE INSERT OR UPDATE OF title, summary, extracted_text, language ON resources_resource
    FOR EACH ROW EXECUTE FUNCTION resources_resource_search_vector();

CREATE INDEX IF NOT EXISTS resource_search_gin ON resources_resource USING gin (search_vector);

UPDATE resources_resource SET title = title;
"""

DROP_SQL = """
DROP INDEX IF EXISTS resource_search_gin;
DROP TRIGGER IF EXISTS resources_resource_search_vector_trg ON resources_resource;
DROP FUNCTION IF EXISTS resources_resource_search_vector();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_SQL)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
