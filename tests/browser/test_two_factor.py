"""Two-factor sign-in and personal API tokens in a real browser (SPEC §16, ADR 0037): a
person turns two-factor sign-in on from their settings (the secret as text, the code from
an authenticator app, the ten recovery codes shown once), creates an API token (shown
once), then signs in again with the password and a recovery code — in both languages, with
axe-core and at 320 px on every page (Person checks each page it reaches).

The authenticator app is RFC 6238 computed here, as an app on a phone computes it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from playwright.sync_api import expect

from test_web import PASSWORD, Person, findings


def totp(secret: str, at: float | None = None) -> str:
    """The 6-digit code of `secret` (base32) for the 30-second step holding `at` (RFC 6238)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    step = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_two_factor_sign_in_recovery_codes_and_an_api_token(browser, server, a11y, lang):
    person = Person(browser, server, a11y, lang, "two-factor")
    try:
        person.goto(f"/register?lang={lang}", "01-register")
        person.register("Kim Berg", "Sege Park samfällighet", ["innovator"], "02-registered")

        # Settings: two-factor sign-in is off; set it up.
        person.goto("/me/settings", "03-settings")
        person.follow(person.main.get_by_role("link", name=person.t("two-factor-set-up-link"), exact=True),
                      "04-set-up")
        person.expect_h1(person.t("two-factor-setup-title"))
        secret = person.page.locator("#totp-secret").inner_text().strip()
        expect(person.page.locator("#totp-uri")).to_have_attribute("href", re.compile(r"^otpauth://totp/"))
        person.narrow("04-set-up")
        person.field("field-code").fill(totp(secret))
        person.post(person.button("button-continue"), "05-recovery-codes", redirected=False)
        person.expect_h1(person.t("recovery-codes-title"))
        codes = [c.strip() for c in person.page.locator("#recovery-codes li").all_inner_texts()]
        assert len(codes) == 10 and len(set(codes)) == 10, codes
        person.narrow("05-recovery-codes")

        # A personal API token, shown once: the answer to its creation (201) is the only
        # place its secret appears, so it is a page, not a redirect.
        person.goto("/me/settings", "06-settings-two-factor-on")
        person.field("field-token-name").fill("Nattlig export" if lang == "sv" else "Nightly export")
        person.post(person.button("button-create-api-token"), "07-token-created", status=201, redirected=False)
        token = person.page.locator("#new-api-token").inner_text().strip()
        assert len(token) >= 40, token
        person.narrow("07-token-created")

        # Out, and in again: the password, then a recovery code in place of the app's code.
        person.post(person.header.get_by_role("button", name=person.t("button-log-out"), exact=True),
                    "08-logged-out")
        person.goto("/login", "09-login")
        person.log_in(person.email, PASSWORD, "10-code-step")
        person.expect_h1(person.t("two-factor-code-title"))
        person.narrow("10-code-step")
        person.field("field-code").fill(codes[0])
        person.post(person.button("button-continue"), "11-signed-in")
        expect(person.page).to_have_url(re.compile(r"/me$"))
    finally:
        problems = findings(person)
        person.close()
    assert not problems, "\n".join(problems)
