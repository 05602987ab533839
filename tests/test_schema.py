"""The OpenAPI document: valid, without generator warnings, and served with a docs page that needs no CDN."""

import json

import pytest
from django.core.management import call_command


def test_schema_generates_without_warnings_and_validates(tmp_path):
    out = tmp_path / "schema.json"
    # --fail-on-warn makes any generator warning (an unresolvable field, an enum clash) fail the test.
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", str(out))
    schema = json.loads(out.read_text())
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in [
        "/api/campaigns/",
        "/api/campaigns/{id}/meetings/",
        "/api/campaigns/{id}/deadlines/",
        "/api/campaigns/{id}/records-requests/",
        "/api/jurisdictions/",
        "/api/jurisdictions/{id}/policy-records/",
        "/api/agreements-287g/",
        "/api/resources/",
        "/api/assignments/",
    ]:
        assert path in paths, path
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    # Every operation documents the one error body.
    for operations in paths.values():
        for operation in operations.values():
            assert operation["responses"]["404"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


@pytest.mark.django_db
def test_schema_and_docs_need_sign_in(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 401
    assert response.json()["detail"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 302
    assert docs["Location"].startswith("/accounts/login/")


def test_schema_and_docs_are_served(client, organizer):
    client.force_login(organizer)
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert json.loads(response.content)["info"]["title"] == "Campaign desk API"
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()
    # The page's script is a file of its own: the Content-Security-Policy allows no inline script.
    assert "<script>" not in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
