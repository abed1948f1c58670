"""The city's own site in a real browser (SPEC §16): the pages a Swedish municipality must
publish — `/privacy`, `/accessibility`, `/contact` — linked from every footer, in both
languages, with axe-core and at 320 px on every page (Person checks each page it reaches);
the facilitators' `/admin/site`, whose colour must keep AA contrast with white text; the
privacy notice ticked at registration and asked again after a new version; and the reset
page that says e-mail is not set up.

The test runs a `sluss serve` of its own: a published privacy notice changes registration
and sign-in, which the other tests of the suite do not expect.
"""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import expect

from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, running_sluss
from test_web import PASSWORD, Person, findings

COLOUR_TOO_LIGHT = "#ffdd00"
COLOUR = "#005293"
NOTICE = {
    "sv": "## Vem ansvarar?\nMalmö stad ansvarar för dina personuppgifter i tjänsten.",
    "en": "## Who is responsible?\nThe City of Malmö is responsible for your personal data in the service.",
}


@pytest.fixture
def site_server():
    with running_sluss() as started:
        yield started


def footer_links(person: Person) -> None:
    """The footer links to the three pages a municipality publishes."""
    footer = person.page.get_by_role("contentinfo")
    for key, href in (("footer-privacy", "/privacy"), ("footer-accessibility", "/accessibility"),
                      ("footer-contact", "/contact")):
        expect(footer.get_by_role("link", name=person.t(key), exact=True)).to_have_attribute("href", href)


def visit_public_pages(person: Person, prefix: str) -> None:
    """/privacy, /accessibility and /contact, reached by the footer's links."""
    footer = person.page.get_by_role("contentinfo")
    person.follow(footer.get_by_role("link", name=person.t("footer-privacy"), exact=True), f"{prefix}-privacy")
    person.expect_h1(person.t("privacy-title"))
    footer_links(person)
    person.follow(footer.get_by_role("link", name=person.t("footer-accessibility"), exact=True),
                  f"{prefix}-accessibility")
    person.expect_h1(person.t("accessibility-title"))
    footer_links(person)
    person.follow(footer.get_by_role("link", name=person.t("footer-contact"), exact=True), f"{prefix}-contact")
    person.expect_h1(person.t("contact-title"))
    footer_links(person)


def test_the_pages_a_municipality_publishes_and_the_site_settings(browser, site_server, a11y):
    people: list[Person] = []
    try:
        # Before the team has set anything: the defaults, in both languages.
        for lang in ("sv", "en"):
            visitor = Person(browser, site_server, a11y, lang, "site-visitor")
            people.append(visitor)
            visitor.goto("/" if lang == "sv" else "/?lang=en", "01-home")
            footer_links(visitor)
            visit_public_pages(visitor, "02-default")
            visitor.goto("/accessibility", "03-accessibility-default")
            for key in ("accessibility-how-heading", "accessibility-tested-heading", "accessibility-not-heading",
                        "accessibility-report-heading", "accessibility-authority-heading"):
                expect(visitor.main.get_by_role("heading", level=2, name=visitor.t(key), exact=True)).to_be_visible()
            expect(visitor.main).to_contain_text("axe-core")
            expect(visitor.main).to_contain_text("Myndigheten för digital förvaltning (DIGG)")
            expect(visitor.main.get_by_role("link", name=visitor.t("accessibility-report-link"), exact=True)) \
                .to_have_attribute("href", "/contact")
            visitor.narrow("03-accessibility-default")
            visitor.goto("/forgot-password", "04-forgot-no-mail")
            visitor.expect_h1(visitor.t("forgot-no-mail-title"))
            expect(visitor.main).to_contain_text(visitor.t("forgot-no-mail"))

        # The facilitator sets the city's name, colour and contact, and publishes a notice.
        for lang in ("sv", "en"):
            admin = Person(browser, site_server, a11y, lang, "site-admin")
            people.append(admin)
            admin.goto("/login" if lang == "sv" else "/login?lang=en", "10-login")
            admin.log_in(ADMIN_EMAIL, ADMIN_PASSWORD, "11-me")
            if lang == "en":
                # The Swedish pass published a notice: the sign-in asks for it first.
                admin.expect_h1(admin.t("consent-title"))
                admin.post(admin.button("button-accept-privacy"), "11-accepted")
            admin.follow(admin.main.get_by_role("link", name=admin.t("admin-site-title"), exact=True), "12-admin-site")
            admin.narrow("12-admin-site")
            admin.field("field-primary-colour").fill(COLOUR_TOO_LIGHT)
            admin.post(admin.button("button-save-site"), "13-colour-refused", status=422, redirected=False)
            expect(admin.main.get_by_role("alert")).to_contain_text("4.5:1" if lang == "en" else "4,5:1")
            admin.field("field-site-name").fill("Malmö stad" if lang == "sv" else "City of Malmö")
            admin.field("field-primary-colour").fill(COLOUR)
            admin.field("field-contact-email").fill("innovation@malmo.example")
            admin.post(admin.button("button-save-site"), "14-saved")
            expect(admin.main.get_by_role("status")).to_contain_text(admin.t("admin-site-look-saved"))
            name = "Malmö stad" if lang == "sv" else "City of Malmö"
            expect(admin.header.get_by_role("link", name=name, exact=True)).to_be_visible()
            expect(admin.page).to_have_title(re.compile(rf"– {re.escape(name)}$"))
            expect(admin.page.locator(".sluss-header")).to_have_css("background-color", "rgb(0, 82, 147)")
            expect(admin.button("button-save-site")).to_have_css("background-color", "rgb(0, 82, 147)")
            admin.field("field-privacy-sv").fill(NOTICE["sv"])
            admin.field("field-privacy-en").fill(NOTICE["en"])
            admin.post(admin.button("button-publish-privacy"), "15-privacy-published")
            expect(admin.main.get_by_role("status")).to_be_visible()
            admin.field("field-accessibility-sv").fill("## Vår redogörelse\nSkriven av innovationsteamet.")
            admin.field("field-accessibility-en").fill("## Our statement\nWritten by the innovation team.")
            admin.post(admin.button("button-save-accessibility"), "16-statement-saved")
            expect(admin.main.get_by_role("status")).to_contain_text(admin.t("admin-site-accessibility-saved"))

        # The pages as the team wrote them, and registration that asks for the notice.
        for lang in ("sv", "en"):
            person = Person(browser, site_server, a11y, lang, "site-resident")
            people.append(person)
            person.goto("/" if lang == "sv" else "/?lang=en", "20-home")
            visit_public_pages(person, "21-written")
            person.goto("/privacy", "22-privacy")
            expect(person.main.get_by_role("heading", level=2)).to_have_text(NOTICE[lang].split("\n")[0][3:])
            person.narrow("22-privacy")
            person.goto("/contact", "23-contact")
            expect(person.main.get_by_role("link", name=re.compile("innovation@malmo.example"))) \
                .to_have_attribute("href", "mailto:innovation@malmo.example")
            person.narrow("23-contact")
            person.goto("/register", "24-register")
            person.email = f"resident-{secrets.token_hex(4)}@example.org"
            person.field("field-email").fill(person.email)
            person.field("field-password").fill(PASSWORD)
            person.field("field-display-name").fill("Kim Lind")
            person.main.get_by_role("group", name=person.t("register-roles")).get_by_label(
                person.t("role-innovator"), exact=True).check()
            person.post(person.button("button-register"), "25-register-refused", status=422, redirected=False)
            expect(person.main.locator("#f-accept_privacy_notice-error")) \
                .to_contain_text(person.t("error-privacy-notice-not-accepted"))
            expect(person.main.get_by_role("link", name=person.t("accept-privacy-hint"), exact=True)) \
                .to_have_attribute("href", "/privacy")
            person.field("field-password").fill(PASSWORD)
            person.field("field-accept-privacy-notice").check()
            person.post(person.button("button-register"), "26-registered")
            expect(person.page).to_have_url(re.compile(r"/me$"))

        # A new version: each person is asked once at their next sign-in.
        admin = people[-3]  # the English facilitator
        admin.goto("/admin/site", "30-admin-site-again")
        admin.field("field-privacy-en").fill(NOTICE["en"] + "\n\nVersion two.")
        admin.post(admin.button("button-publish-privacy"), "31-second-version")
        for person in people[-2:]:
            person.post(person.header.get_by_role("button", name=person.t("button-log-out"), exact=True),
                        "32-logged-out")
            person.goto("/login", "33-login")
            person.log_in(person.email, PASSWORD, "34-asked")
            person.expect_h1(person.t("consent-title"))
            person.post(person.button("button-accept-privacy"), "35-accepted")
            expect(person.page).to_have_url(re.compile(r"/me$"))
            person.post(person.header.get_by_role("button", name=person.t("button-log-out"), exact=True),
                        "36-logged-out")
            person.goto("/login", "37-login")
            person.log_in(person.email, PASSWORD, "38-not-asked-again")
            expect(person.page).to_have_url(re.compile(r"/me$"))
    finally:
        for person in people:
            person.close()
    lines = findings(*people)
    assert not lines, "\n".join(lines)
