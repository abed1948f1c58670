"""Signing in through the city's OpenID Connect provider in Chromium (SPEC §16, ADR 0036):
the login page with "Log in with Test-ID", the round trip through a real provider (the npm
package oidc-provider, tests/oidc) back to `/me`, and the page that refuses an unverified
address of an existing account — in both languages, with axe-core and at 320 px on every
page.

The provider is the one `SLUSS_TEST_OIDC_ISSUER` names, else one this test starts with
tests/oidc/start.sh (and stops). On its own sign-in page the test types the account's id,
as a person types their name at the city's provider.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
import uuid
from pathlib import Path

import pytest

from conftest import ADMIN_EMAIL, free_port, running_sluss
from test_web import Person, findings

ROOT = Path(__file__).resolve().parents[2]
SECRET = "sluss-test-secret"


@pytest.fixture(scope="module")
def issuer():
    if os.environ.get("SLUSS_TEST_OIDC_ISSUER"):
        yield os.environ["SLUSS_TEST_OIDC_ISSUER"]
        return
    out = subprocess.run(["bash", str(ROOT / "tests/oidc/start.sh")], check=True, capture_output=True, text=True)
    env = dict(line.removeprefix("export ").split("=", 1) for line in out.stdout.splitlines() if "=" in line)
    try:
        yield env["SLUSS_TEST_OIDC_ISSUER"]
    finally:
        subprocess.run(["bash", str(ROOT / "tests/oidc/stop.sh")], env={**os.environ, **env}, check=False)


@pytest.fixture(scope="module")
def oidc_server(issuer):
    port = free_port()
    with running_sluss("--public-url", f"http://127.0.0.1:{port}", "--oidc-issuer", issuer,
                       "--oidc-client-id", "sluss", "--oidc-client-secret", SECRET,
                       "--oidc-name", "Test-ID", port=port) as started:
        yield started


def provider_account(issuer: str, email: str, verified: bool) -> str:
    sub = uuid.uuid4().hex
    request = urllib.request.Request(
        f"{issuer}/test/accounts/{sub}", method="PUT",
        data=json.dumps({"email": email, "email_verified": verified, "name": "Ada Provider"}).encode(),
        headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        assert reply.status == 204
    return sub


def through_provider(person: Person, button: str, sub: str, step: str, status: int = 200) -> None:
    """Presses "Log in with Test-ID", signs in as `sub` on the provider's own page, and checks
    the page sluss answers with when the browser comes back."""
    with person.page.expect_navigation():
        person.page.get_by_role("button", name=button).click()
    person.page.get_by_label("Account").fill(sub)
    person.follow(person.page.get_by_role("button", name="Sign in"), step, status=status)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_signing_in_through_the_provider_and_the_refusal_page(browser, oidc_server, issuer, a11y, lang):
    button = {"sv": "Logga in med Test-ID", "en": "Log in with Test-ID"}[lang]

    newcomer = Person(browser, oidc_server, a11y, lang, "oidc-newcomer")
    newcomer.goto(f"/login?lang={lang}", "login-with-provider")
    newcomer_sub = provider_account(issuer, f"{uuid.uuid4().hex}@example.org", True)
    through_provider(newcomer, button, newcomer_sub, "signed-in-through-provider")
    assert newcomer.page.url.endswith("/me"), newcomer.page.url

    # The facilitator's address, unverified at the provider: never linked.
    stranger = Person(browser, oidc_server, a11y, lang, "oidc-unverified")
    stranger.goto(f"/login?lang={lang}", "login")
    stranger_sub = provider_account(issuer, ADMIN_EMAIL, False)
    through_provider(stranger, button, stranger_sub, "refused-unverified", status=403)
    assert stranger.page.get_by_text(stranger.t("oidc-failed-unverified-address")).count() == 1

    problems = findings(newcomer, stranger)
    for person in (newcomer, stranger):
        person.context.close()
    assert not problems, "\n".join(problems)
