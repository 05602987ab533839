"""Every response carries the Content-Security-Policy and the Permissions-Policy; no page has inline script
or style for the policy to refuse."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from core import roles
from tests import factories as f

pytestmark = pytest.mark.django_db

PAGES = [
    "/accounts/login/",
    "/",
    "/campaigns/",
    "/resources/",
    "/jurisdictions/",
    "/jurisdictions/map/",
    "/settings/api-tokens/",
    "/accounts/two-factor/manage/",
    "/api/campaigns/",
    "/api/docs/",
    "/healthz",
    "/admin/",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_the_policies(client, path):
    client.force_login(f.UserFactory(role=roles.ADMIN, is_staff=True, is_superuser=True))
    response = client.get(path)
    assert response.status_code == 200, path
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


def test_an_anonymous_refusal_has_them_too(client):
    response = client.get("/api/campaigns/")
    assert response.status_code == 401
    assert "Content-Security-Policy" in response and "Permissions-Policy" in response


INLINE = re.compile(r"<script>|<style|\son[a-z]+=\"|\sstyle=\"")


def test_no_template_a_browser_is_served_has_inline_script_or_style():
    # PDFs (WeasyPrint) and emails are not pages under the policy.
    found = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        if "emails" in path.parts or path.name.endswith("_pdf.html"):
            continue
        text = re.sub(r"{#.*?#}|{% comment %}.*?{% endcomment %}", "", path.read_text(), flags=re.S)
        found += [f"{path.name}: {match}" for match in INLINE.findall(text)]
    assert found == []
