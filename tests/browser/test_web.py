"""The web interface in a real browser (SPEC §10.7): each role's job page by page in both
languages, axe-core on every page the flows visit, once with JavaScript switched off, and
the behaviour of §10.5 that a browser sees.

    bash tests/browser/run.sh                  # installs what is missing, then pytest
    SLUSS_BIN=target/release/sluss python3 -m pytest tests/browser -q

Swedish pages are driven by the Swedish texts read from `api/locales/sv/sluss.ftl`;
English pages by the names of SPEC §10.3, written out here as the contract states them.
The arena a challenge is published into is opened through the JSON API before the flow
starts; everything the people do is done on the pages. The demo test starts a
`sluss serve --demo` of its own and touches no JSON API at all. Screenshots go to
`$BROWSER_SCREENSHOTS` (default /tmp/sluss-screens).
"""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page, Response, expect

from conftest import SCREENSHOTS, A11yReport, Server, api, api_login, api_ok

ROOT = Path(__file__).resolve().parents[2]
WCAG_TAGS = {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}
PASSWORD = "lantern orchard copper meadow"
SHORT_PASSWORD = "kort"

expect.set_options(timeout=10_000)


def read_ftl(path: Path) -> dict[str, str]:
    """The messages of a Fluent file: `key = value`, continuation lines indented."""
    messages: dict[str, str] = {}
    key = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            key = None
            continue
        if line[0] in " \t" and key:
            messages[key] = (messages[key] + "\n" + line.strip()).strip()
            continue
        match = re.match(r"^([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*)$", line)
        if match:
            key = match.group(1)
            messages[key] = match.group(2).strip()
    return messages


# The English names of SPEC §10.3 and of the pages as built, written out literally.
SPEC_ENGLISH = {
    "nav-challenges": "Challenges",
    "nav-arenas": "Arenas",
    "nav-me": "My pages",
    "nav-obstacles": "Obstacle diary",
    "switch-language": "På svenska",
    "button-log-in": "Log in",
    "button-log-out": "Log out",
    "button-register": "Register",
    "button-save": "Save",
    "button-submit": "Submit",
    "button-request-changes": "Request changes",
    "button-publish": "Publish",
    "button-close": "Close",
    "button-archive": "Archive",
    "button-withdraw": "Withdraw",
    "button-ask": "Ask",
    "button-answer": "Answer",
    "button-add-team-member": "Add team member",
    "button-filter": "Filter",
    "field-email": "Email",
    "field-password": "Password",
    "field-display-name": "Display name",
    "field-organisation": "Organisation",
    "field-title": "Title",
    "field-summary": "Summary",
    "field-description": "Description",
    "field-location": "Location",
    "field-feedback": "Feedback",
    "field-reason": "Reason",
    "field-question": "Question",
    "field-answer": "Answer",
    "field-name": "Name",
    "field-sdgs": "Sustainable development goals",
    "field-search": "Search",
    "field-arena": "Arena",
    "field-ideas-close-at": "Ideas close at",
    "register-roles": "I take part as",
    "role-needs_owner": "Needs-owner",
    "role-innovator": "Innovator",
    "me-title": "My pages",
    "me-my-challenges": "My challenges",
    "me-my-ideas": "My ideas",
    "me-queue-review": "Challenges waiting for review",
    "me-queue-assessment": "Ideas waiting for assessment",
    "me-queue-testing": "Running tests",
    "new-challenge-title": "Write a new challenge",
    "edit-challenge": "Edit the challenge",
    "edit-idea": "Edit the idea",
    "feedback-from-team": "Feedback from the innovation team",
    "questions-title": "Questions and answers",
    "submit-an-idea": "Submit an idea",
    "history-title": "History",
    "team-title": "Team members",
    "team-member-n": "Team member { $n }",
    "decision-title": "Decision",
    "error-summary-title": "There is a problem",
    "button-start-assessment": "Start assessment",
    "button-decide": "Decide",
    "button-log-obstacle": "Log obstacle",
    "button-assign": "Assign",
    "button-save-scorecard": "Save scorecard",
    "button-declare-conflict": "Declare conflict",
    "field-comment": "Comment",
    "field-feedback": "Feedback",
    "field-description": "Description",
    "field-plan": "Plan",
    "field-site": "Site",
    "field-host": "Host",
    "field-starts-on": "Starts on",
    "field-ends-on": "Ends on",
    "field-success-criteria": "Success criteria",
    "field-outcome": "Outcome",
    "field-results": "Results",
    "field-lessons-learned": "Lessons learned",
    "button-start-incubation": "Start incubation",
    "button-add-milestone": "Add milestone",
    "button-complete-milestone": "Complete milestone",
    "button-start-testing": "Start testing",
    "button-add-spread": "Add spread activity",
    "button-complete": "Complete",
    "button-discontinue": "Discontinue",
    "sdg-11": "Sustainable cities and communities",
    "sdg-12": "Responsible consumption and production",
    "sdg-13": "Climate action",
}

def read_language(lang: str) -> dict[str, str]:
    """Every Fluent file of a language, as the server loads them."""
    messages: dict[str, str] = {}
    for path in sorted((ROOT / "api/locales" / lang).glob("*.ftl")):
        messages.update(read_ftl(path))
    return messages


SWEDISH = read_language("sv")
# States, outcomes and other words §10.3 does not fix come from the English files.
ENGLISH = {**read_language("en"), **SPEC_ENGLISH}
TEXTS = {"sv": SWEDISH, "en": ENGLISH}


def select(text: str, args: dict[str, object]) -> str:
    """A message that is one select expression on a number (`{ $n -> [one] … *[other] … }`):
    the variant of the number, by the plural rule Swedish and English share (one for 1)."""
    match = re.fullmatch(r"\{\s*\$(\w+)\s*->\s*\n(.*?)(?:\n\})?", text, re.S)
    if not match:
        return text
    value = args[match.group(1)]
    variants, default = {}, None
    for line in match.group(2).splitlines():
        variant = re.match(r"^(\*?)\[(\w+)\]\s*(.*)$", line.strip())
        if variant:
            variants[variant.group(2)] = variant.group(3)
            default = variant.group(3) if variant.group(1) else default
    chosen = variants.get(str(value)) or (variants.get("one") if value == 1 else None)
    return chosen if chosen is not None else default


def t(lang: str, key: str, **args: object) -> str:
    text = select(TEXTS[lang][key], args)
    return re.sub(r"\{\s*\$(\w+)\s*\}", lambda m: str(args[m.group(1)]), text)


def sdg_label(lang: str, goal: int) -> str:
    return f"{goal}. {t(lang, f'sdg-{goal}')}"


def exact(text: str) -> re.Pattern:
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


class Person:
    """One person in a browser context of their own. Every page they reach is checked: the
    language, one `<h1>`, axe-core, its width at a phone's 320 px (SPEC §10.6: the page
    itself never scrolls sideways; a wide table scrolls in its own region), and a full-page
    screenshot named after the step."""

    def __init__(self, browser: Browser, server: Server, a11y: A11yReport, lang: str, who: str,
                 javascript: bool = True, locale: str = "sv-SE"):
        self.server = server
        self.a11y = a11y
        self.lang = lang
        self.who = who
        self.javascript = javascript
        self.context = browser.new_context(
            base_url=server.base, locale=locale, java_script_enabled=javascript,
            viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.axe = Axe() if javascript else None
        self.violations: list[str] = []
        self.wider: list[str] = []
        self.problems: list[str] = []
        self.email = ""

    # -- checking every page --------------------------------------------------------

    def t(self, key: str, **args: object) -> str:
        return t(self.lang, key, **args)

    def arrived(self, step: str, response: Response | None, status: int = 200) -> None:
        page = self.page
        assert response is not None, f"{self.who}/{step}: no response"
        assert response.status == status, f"{self.who}/{step}: {page.url} answered {response.status}, expected {status}"
        expect(page.locator("html")).to_have_attribute("lang", self.lang)
        assert page.locator("h1").count() == 1, f"{self.who}/{step}: {page.locator('h1').count()} <h1> on {page.url}"
        name = f"{SCREENSHOTS}/{self.lang}-{self.who}-{step}.png"
        page.screenshot(path=name, full_page=True)
        self.check_axe(step)
        page.set_viewport_size({"width": 320, "height": 720})
        try:
            self.check_width(step)
        finally:
            page.set_viewport_size({"width": 1280, "height": 900})

    def check_width(self, step: str) -> None:
        """At a 320 px viewport the document must be no wider than the viewport (measured
        with JavaScript, so not in the test that has it switched off)."""
        if not self.javascript:
            return
        wide = self.page.evaluate("document.documentElement.scrollWidth")
        if wide > 320:
            line = f"{self.lang} {self.who} {step} {urlparse(self.page.url).path}: {wide} px wide at 320 px"
            self.wider.append(line)
            self.a11y.wider.append(line)

    def check_axe(self, step: str) -> None:
        if self.axe is None:
            return
        where = f"{self.lang} {self.who} {step} {urlparse(self.page.url).path}"
        results = self.axe.run(self.page)
        self.a11y.pages.append(where)
        for violation in results.response["violations"]:
            if not WCAG_TAGS & set(violation.get("tags", [])):
                continue
            nodes = violation.get("nodes") or [{}]
            target = nodes[0].get("target", ["?"])
            line = f"{where}: {violation['id']} – {violation['help']} – first at {target[0] if target else '?'} ({len(nodes)} nodes)"
            self.violations.append(line)
            self.a11y.violations.append(line)

    def narrow(self, step: str) -> None:
        """The page at a phone's 320 px: a screenshot and axe again."""
        self.page.set_viewport_size({"width": 320, "height": 720})
        try:
            self.check_width(f"{step} (320 px)")
            self.page.screenshot(path=f"{SCREENSHOTS}/{self.lang}-{self.who}-{step}-320px.png", full_page=True)
            self.check_axe(f"{step} (320 px)")
        finally:
            self.page.set_viewport_size({"width": 1280, "height": 900})

    # -- moving about --------------------------------------------------------------

    def goto(self, path: str, step: str, status: int = 200) -> Response:
        response = self.page.goto(path)
        self.arrived(step, response, status)
        return response

    def follow(self, locator: Locator, step: str, status: int = 200) -> Response:
        """Clicks a link and checks the page it leads to."""
        with self.page.expect_navigation() as navigation:
            locator.click()
        self.arrived(step, navigation.value, status)
        return navigation.value

    def post(self, button: Locator, step: str, status: int = 200, redirected: bool = True) -> Response:
        """Presses a form's button; a form that succeeded must have answered 303 (§10.5)."""
        with self.page.expect_navigation() as navigation:
            button.click()
        response = navigation.value
        if redirected:
            origin = response.request.redirected_from
            assert origin is not None and origin.method == "POST", \
                f"{self.who}/{step}: the form did not redirect, it answered {response.status} at {self.page.url}"
            first = origin.response()
            assert first is not None and first.status == 303, \
                f"{self.who}/{step}: the form answered {first.status if first else None}, expected 303"
        self.arrived(step, response, status)
        return response

    # -- parts of every page -------------------------------------------------------

    @property
    def main(self) -> Locator:
        return self.page.get_by_role("main")

    @property
    def header(self) -> Locator:
        return self.page.get_by_role("banner")

    def header_link(self, key: str) -> Locator:
        return self.header_link_named(self.t(key))

    def header_link_named(self, name: str) -> Locator:
        return self.header.get_by_role("link", name=name, exact=True)

    def confirm(self, key: str, step: str) -> None:
        """On a command's confirmation page (SPEC §14.5), reached by pressing its button: one
        <h1> naming the action, a warning of what cannot be undone, a "Cancel" link, and the
        command's button again, which runs it."""
        expect(self.main.locator(".govuk-warning-text")).to_have_count(1)
        expect(self.main.get_by_role("link", name=self.t("confirm-cancel"), exact=True)).to_have_count(1)
        self.post(self.button(key), step)

    def button(self, key: str, **args: object) -> Locator:
        return self.main.get_by_role("button", name=self.t(key, **args), exact=True)

    def field(self, key: str) -> Locator:
        return self.main.get_by_label(self.t(key), exact=True)

    def section_after(self, key: str) -> Locator:
        """What follows an `<h2>` of the page: the table or text of that section."""
        heading = self.main.get_by_role("heading", level=2, name=self.t(key), exact=True)
        expect(heading).to_be_visible()
        return heading.locator("xpath=following-sibling::*[1]")

    def table_after(self, key: str) -> Locator:
        """The table of the section an `<h2>` opens, itself or in its scrolling region (none when
        the section has no table)."""
        heading = self.main.get_by_role("heading", level=2, name=self.t(key), exact=True)
        expect(heading).to_be_visible()
        return heading.locator(
            "xpath=following-sibling::*[self::table or self::h2 or (self::div and @role='region')][1]"
            "/descendant-or-self::table")

    def summary_value(self, key: str) -> Locator:
        """The value beside a key in the page's summary list (state, arena, …)."""
        term = self.main.locator("dl dt").filter(has_text=exact(self.t(key)))
        return term.first.locator("xpath=following-sibling::dd[1]")

    def expect_h1(self, text: str) -> None:
        expect(self.page.locator("h1")).to_have_text(exact(text))

    def expect_state(self, state_key: str) -> None:
        expect(self.summary_value("field-state")).to_have_text(exact(self.t(state_key)))

    def soft(self, what: str, check) -> None:
        """A check whose failure is reported at the end of the test, so that the steps after
        it still run."""
        try:
            check()
        except AssertionError as error:
            first = str(error).strip().splitlines()[:2]
            self.problems.append(f"{self.lang} {self.who} {urlparse(self.page.url).path}: {what}: {' '.join(first)}")

    def close(self) -> None:
        self.context.close()

    # -- whole steps ---------------------------------------------------------------

    def register(self, name: str, organisation: str, roles: list[str], step: str = "register") -> None:
        page = self.page
        self.email = f"{self.who}-{secrets.token_hex(4)}@example.org"
        self.field("field-email").fill(self.email)
        self.field("field-password").fill(PASSWORD)
        self.field("field-display-name").fill(name)
        self.field("field-organisation").fill(organisation)
        roles_group = self.main.get_by_role("group", name=self.t("register-roles"))
        for role in roles:
            roles_group.get_by_label(self.t(f"role-{role}"), exact=True).check()
        self.post(self.button("button-register"), step)
        expect(page).to_have_url(re.compile(r"/me$"))
        self.expect_h1(self.t("me-title"))
        expect(self.header.get_by_role("button", name=self.t("button-log-out"), exact=True)).to_be_visible()

    def log_in(self, email: str, password: str, step: str = "logged-in") -> None:
        self.field("field-email").fill(email)
        self.field("field-password").fill(password)
        self.post(self.button("button-log-in"), step)
        self.email = email


def findings(*people: Person) -> list[str]:
    """What axe-core found and the pages wider than 320 px, as the lines of a failure."""
    found = [v for p in people for v in p.violations]
    wider = [w for p in people for w in p.wider]
    lines = [f"axe-core found {len(found)} WCAG A/AA violations:"] + found if found else []
    if wider:
        lines += [f"{len(wider)} pages wider than a 320 px viewport:"] + wider
    return lines


def ideas_close_at() -> str:
    """A deadline 60 days ahead, as a datetime-local input takes it."""
    return (datetime.now() + timedelta(days=60)).replace(second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M")


def id_in(url: str, kind: str) -> str:
    match = re.search(rf"/{kind}/([0-9a-f-]{{36}})", url)
    assert match, f"no {kind} id in {url}"
    return match.group(1)


WORDS = {
    "sv": {
        "title": "Återvinningsstation där boende anmäler fulla kärl med QR-kod",
        "summary": "Boende på Sege Park ska kunna säga till när ett kärl är fullt.",
        "summary2": "Boende på Sege Park ska kunna säga till när ett kärl är fullt, utan app.",
        "description": "Kärlen töms på fasta dagar och blir ofta överfulla.\n\nVi vill pröva en QR-kod på varje kärl.",
        "location": "Sege Park, Malmö",
        "feedback": "Beskriv vilka kärl det gäller och hur många hushåll som använder stationen.",
        "question": "Hur många kärl finns på stationen i dag?",
        "answer": "Tolv kärl, fördelade på fyra fraktioner.",
        "idea_title": "Skylt med QR-kod som larmar hämtningen",
        "idea_summary": "En QR-kod på varje kärl skickar en anmälan till renhållningen.",
        "idea_description": "Vi sätter upp skyltar på alla tolv kärl och testar i tre månader.",
        "decision": "Idén svarar väl mot behovet och kan testas snabbt på plats.",
        "arena": "Öppen utlysning: avfall utan bil",
        "plan": "Tre månader hos Minc: ett pilotavtal med renhållningen och skyltarna tryckta.",
        "milestone": "Skyltarna uppsatta på alla kärl",
        "site": "Återvinningsstationen i Sege Park",
        "host": "MKB Fastighets AB",
        "criteria": "Minst 60 anmälningar i månaden och färre överfulla kärl.",
        "workshop": "Lärande workshop med de boende",
        "results": "74 anmälningar i månaden; överfulla kärl halverades.",
        "lessons": "De boende anmäler helst på kvällen.",
    },
    "en": {
        "title": "Recycling station where residents report full bins by QR code",
        "summary": "Residents of Sege Park should be able to say when a bin is full.",
        "summary2": "Residents of Sege Park should be able to say when a bin is full, without an app.",
        "description": "The bins are emptied on fixed days and often overflow.\n\nWe want to try a QR code on every bin.",
        "location": "Sege Park, Malmö",
        "feedback": "Say which bins it concerns and how many households use the station.",
        "question": "How many bins does the station have today?",
        "answer": "Twelve bins, for four kinds of waste.",
        "idea_title": "A QR sign that calls the collection",
        "idea_summary": "A QR code on each bin sends a report to the waste service.",
        "idea_description": "We put signs on all twelve bins and test for three months.",
        "decision": "The idea fits the need well and can be tested quickly on site.",
        "arena": "Open call: waste services without a car",
        "plan": "Three months at Minc: a pilot agreement with the waste service and the signs printed.",
        "milestone": "Signs on every bin",
        "site": "The Sege Park recycling station",
        "host": "MKB Fastighets AB",
        "criteria": "At least 60 reports a month and fewer overflowing bins.",
        "workshop": "Learning workshop with the residents",
        "results": "74 reports a month; overflowing bins halved.",
        "lessons": "Residents report mostly in the evening.",
    },
}


def open_arena(server: Server, token: str, name: str) -> str:
    arena = api_ok(server, "POST", "/arenas", token,
                   {"name": name, "kind": "hybrid", "description": "Ideas for waste services without a car."})
    api_ok(server, "POST", f"/arenas/{arena['id']}/open", token, {})
    return arena["id"]


def open_home(person: Person, step: str) -> None:
    """The first page in the person's language. The browser is Swedish: in English the
    person picks English with the header's link, and the cookie keeps the choice."""
    if person.lang == "sv":
        person.goto("/", step)
        return
    person.page.goto("/")
    expect(person.page.locator("html")).to_have_attribute("lang", "sv")
    person.follow(person.header.get_by_role("link", name="In English", exact=True), step)
    assert "lang=en" in person.page.url
    cookies = {c["name"]: c["value"] for c in person.context.cookies()}
    assert cookies.get("sluss_lang") == "en", cookies


def log_in_page(lang: str) -> str:
    return f"/login?lang={lang}" if lang == "en" else "/login"


# -- steps 3 to 5 as the innovation team and the panel take them on the pages -----------


def assign_assessor(facilitator: Person, name: str, step: str, status: int = 200) -> None:
    """Finds the assessor called `name` by the panel's search, chooses them and presses
    "Assign"; an assignment taken lists them in the panel, one refused shows the form
    again."""
    facilitator.field("field-find-assessor").fill(name)
    facilitator.follow(facilitator.button("field-search"), f"{step}-found")
    expect(facilitator.main.get_by_role("link", name=facilitator.t("find-assessor-all"), exact=True)).to_be_visible()
    chooser = facilitator.field("field-assessor")
    expect(chooser.locator("option")).to_have_count(1)
    chooser.select_option(value=chooser.locator("option", has_text=name).get_attribute("value"))
    facilitator.post(facilitator.button("button-assign"), step, status=status, redirected=status == 200)
    if status == 200:
        panel = facilitator.main.get_by_role("heading", level=3, name=facilitator.t("assign-title"), exact=True)
        expect(panel.locator("xpath=following-sibling::ul[1]").get_by_role("listitem").filter(has_text=name)) \
            .to_contain_text(facilitator.t("assignment-state-assigned"))


def read_notifications(someone: Person, unread: int, notice_key: str, title: str, step: str) -> None:
    """From the header's count of unread notifications to the inbox, where the notice of
    `notice_key` leads to `title`; "Mark all as read" empties the count."""
    someone.follow(someone.header_link_named(someone.t("nav-notifications-unread", count=unread)), f"{step}-inbox")
    row = someone.main.get_by_role("row").filter(has=someone.page.get_by_role("link", name=title, exact=True))
    expect(row.first).to_contain_text(someone.t(notice_key))
    someone.post(someone.button("button-read-all"), f"{step}-inbox-read")
    expect(someone.header_link("nav-notifications")).to_be_visible()
    someone.goto("/me", f"{step}-me")


def open_scorecard(assessor: Person, idea_title: str) -> None:
    """From `/me` through the assessor's queue, where the idea waits to be scored, to its
    scorecard."""
    assessor.follow(assessor.main.get_by_role("link", name=assessor.t("me-assignments-link"), exact=True),
                    "03-assignments")
    row = assessor.main.get_by_role("row").filter(
        has=assessor.page.get_by_role("link", name=idea_title, exact=True))
    expect(row).to_contain_text(assessor.t("assignment-state-assigned"))
    assessor.follow(row.get_by_role("link", name=idea_title, exact=True), "04-scorecard")
    assessor.expect_h1(assessor.t("scorecard-title", title=idea_title))


def save_scorecard(assessor: Person, n: int, comment: str) -> None:
    """Scores every criterion the scorecard page shows (a group of radio buttons over its
    scale: the top or the one below, by turns), saves it and reads the panel's assessment."""
    form = assessor.main.locator("form").filter(
        has=assessor.page.get_by_role("button", name=assessor.t("button-save-scorecard"), exact=True))
    criteria = form.get_by_role("group")
    assert criteria.count() > 0, f"{assessor.who}: the scorecard shows no criterion"
    for i in range(criteria.count()):
        scale = criteria.nth(i).get_by_role("radio")
        assert scale.count() > 1, f"{assessor.who}: criterion {i + 1} has no scale"
        scale.nth(scale.count() - 1 - (i + n) % 2).check()
    assessor.field("field-comment").fill(comment)
    assessor.post(assessor.button("button-save-scorecard"), "06-scorecard-saved")
    expect(assessor.page.locator("#what-happens-next")).to_contain_text(assessor.t("done-scorecard-saved"))
    expect(assessor.field("field-comment")).to_have_value(comment)
    assessor.follow(assessor.main.get_by_role("link", name=assessor.t("assessment-title"), exact=True),
                    "07-assessment")
    expect(assessor.main).to_contain_text(assessor.t("weighted-score"))


def decide_qualified(facilitator: Person, feedback: str, step: str, status: int = 200) -> None:
    """Chooses "Qualified" with `feedback` on the idea page and presses "Decide"; a decision
    taken leaves the idea qualified, one refused shows the form again."""
    facilitator.main.get_by_label(facilitator.t("decision-qualified"), exact=True).check()
    facilitator.field("field-feedback").fill(feedback)
    if status == 200:
        facilitator.post(facilitator.button("button-decide"), f"{step}-confirm", redirected=False)
        expect(facilitator.page.locator("h1")).to_contain_text(facilitator.t("button-decide"))
        facilitator.confirm("button-decide", step)
        facilitator.expect_state("idea-state-qualified")
    else:
        facilitator.post(facilitator.button("button-decide"), step, status=status, redirected=False)


def start_incubation(facilitator: Person, organisation: str, plan: str, step: str) -> None:
    """On the incubation page: the support organisation chosen by name, the plan, "Start
    incubation"; the page then shows the idea in incubation with both."""
    facilitator.field("field-support-organisation").select_option(label=organisation)
    facilitator.field("field-plan").fill(plan)
    facilitator.post(facilitator.button("button-start-incubation"), step)
    facilitator.expect_state("idea-state-in_incubation")
    expect(facilitator.summary_value("field-support-organisation")).to_contain_text(organisation)
    expect(facilitator.main).to_contain_text(plan)


def add_milestone(person: Person, title: str, due_on: str, step: str) -> None:
    """Adds a milestone on the incubation page; the table of milestones lists it, open."""
    person.field("field-title").fill(title)
    person.field("field-due-on").fill(due_on)
    person.post(person.button("button-add-milestone"), step)
    row = person.table_after("milestones-title").get_by_role("row").filter(has_text=title)
    expect(row).to_contain_text(person.t("milestone-open"))


def complete_milestone(facilitator: Person, title: str, step: str) -> None:
    """Presses "Complete milestone" beside `title`; the table then shows it done."""
    facilitator.post(facilitator.table_after("milestones-title").get_by_role(
        "button", name=f"{facilitator.t('button-complete-milestone')}: {title}", exact=True), step)
    row = facilitator.table_after("milestones-title").get_by_role("row").filter(has_text=title)
    expect(row).to_contain_text(facilitator.t("milestone-done"))


def fill_test(facilitator: Person, words: dict[str, str], starts_on: str, ends_on: str) -> None:
    """Fills the test page's "Start testing" form with the site, host, dates and criteria."""
    facilitator.field("field-site").fill(words["site"])
    facilitator.field("field-host").fill(words["host"])
    facilitator.field("field-starts-on").fill(starts_on)
    facilitator.field("field-ends-on").fill(ends_on)
    facilitator.field("field-success-criteria").fill(words["criteria"])


def start_test(facilitator: Person, words: dict[str, str], starts_on: str, ends_on: str, step: str) -> None:
    """Fills the test page's "Start testing" form and presses it; the page then shows the
    running test with its site, host and success criteria."""
    fill_test(facilitator, words, starts_on, ends_on)
    facilitator.post(facilitator.button("button-start-testing"), step)
    expect(facilitator.summary_value("field-site")).to_have_text(exact(words["site"]))
    expect(facilitator.summary_value("field-host")).to_have_text(exact(words["host"]))
    expect(facilitator.main).to_contain_text(words["criteria"])


def add_spread_activity(facilitator: Person, title: str, held_on: str, step: str) -> None:
    """Adds a learning workshop on the test page; the table of spread activities lists it."""
    facilitator.main.get_by_label(facilitator.t("spread-kind-learning_workshop"), exact=True).check()
    facilitator.field("field-title").fill(title)
    facilitator.field("field-held-on").fill(held_on)
    facilitator.post(facilitator.button("button-add-spread"), step)
    row = facilitator.table_after("spread-title").get_by_role("row").filter(has_text=title)
    expect(row).to_contain_text(facilitator.t("spread-kind-learning_workshop"))


def complete_test(facilitator: Person, words: dict[str, str], step: str) -> None:
    """Completes the test as adopted with its results and lessons learned; the page then
    shows the outcome and both texts, and offers "Complete" no more."""
    facilitator.main.get_by_label(facilitator.t("test-outcome-adopted"), exact=True).check()
    facilitator.field("field-results").fill(words["results"])
    facilitator.field("field-lessons-learned").fill(words["lessons"])
    facilitator.post(facilitator.button("button-complete"), f"{step}-confirm", redirected=False)
    facilitator.confirm("button-complete", step)
    expect(facilitator.summary_value("field-outcome")).to_have_text(exact(facilitator.t("test-outcome-adopted")))
    expect(facilitator.main).to_contain_text(words["results"])
    expect(facilitator.main).to_contain_text(words["lessons"])
    expect(facilitator.button("button-complete")).to_have_count(0)


def whole_job(browser: Browser, server: Server, a11y: A11yReport, lang: str) -> None:
    words = WORDS[lang]
    tag = secrets.token_hex(3)
    token_word = f"kx{tag}"
    title = f"{words['title']} {token_word}"
    idea_title = f"{words['idea_title']} {tag}"
    facilitator_token = api_login(server, server.admin_email, server.admin_password)
    arena_name = f"{words['arena']} {tag}"
    arena_id = open_arena(server, facilitator_token, arena_name)
    people: list[Person] = []

    def person(who: str) -> Person:
        p = Person(browser, server, a11y, lang, who)
        people.append(p)
        return p

    try:
        # -- the needs-owner writes up the challenge ---------------------------------
        owner = person("owner")
        open_home(owner, "01-home")
        owner.narrow("01-home")
        owner.follow(owner.header_link("button-register"), "02-register")
        owner.register("Sara Lindqvist", "Sege Park samfällighet", ["needs_owner"], "03-registered")
        expect(owner.section_after("me-my-challenges")).to_be_visible()
        new_challenge = owner.main.get_by_role("link", name=owner.t("new-challenge-title"), exact=True)
        owner.follow(new_challenge, "04-new-challenge")
        owner.field("field-title").fill(title)
        owner.field("field-summary").fill(words["summary"])
        owner.field("field-description").fill(words["description"])
        owner.field("field-location").fill(words["location"])
        goals = owner.main.get_by_role("group", name=owner.t("field-sdgs"))
        goals.get_by_label(sdg_label(lang, 11), exact=True).check()
        goals.get_by_label(sdg_label(lang, 12), exact=True).check()
        owner.post(owner.button("button-save"), "05-challenge-draft")
        challenge_id = id_in(owner.page.url, "challenges")
        owner.expect_h1(title)
        owner.expect_state("challenge-state-draft")
        expect(owner.main).to_contain_text(sdg_label(lang, 11))
        expect(owner.main).to_contain_text(sdg_label(lang, 12))
        owner.post(owner.button("button-submit"), "06-challenge-submitted")
        expect(owner.page.locator("#what-happens-next")).to_contain_text(owner.t("done-challenge-submitted"))
        owner.expect_state("challenge-state-submitted")
        expect(owner.main.get_by_role("heading", name=owner.t("history-title"), exact=True)).to_be_visible()

        # -- the facilitator asks for changes -----------------------------------------
        facilitator = person("facilitator")
        facilitator.goto(log_in_page(lang), "01-login")
        facilitator.log_in(server.admin_email, server.admin_password, "02-me")
        expect(facilitator.page).to_have_url(re.compile(r"/me$"))
        review = facilitator.table_after("me-queue-review")
        facilitator.follow(review.get_by_role("link", name=title, exact=True), "03-challenge-to-review")
        facilitator.expect_state("challenge-state-submitted")
        facilitator.field("field-feedback").fill(words["feedback"])
        facilitator.post(facilitator.button("button-request-changes"), "04-changes-requested")
        facilitator.expect_state("challenge-state-changes_requested")
        expect(facilitator.main).to_contain_text(facilitator.t("feedback-from-team"))

        # -- the needs-owner reads the feedback, edits and submits again -----------
        owner.follow(owner.header_link("nav-me"), "07-me-with-feedback")
        row = owner.table_after("me-my-challenges").get_by_role("row").filter(
            has=owner.page.get_by_role("link", name=title, exact=True))
        expect(row).to_contain_text(words["feedback"])
        expect(row).to_contain_text(owner.t("challenge-state-changes_requested"))
        owner.follow(row.get_by_role("link", name=title, exact=True), "08-challenge-with-feedback")
        expect(owner.main.get_by_role("heading", name=owner.t("feedback-from-team"), exact=True)).to_be_visible()
        expect(owner.main).to_contain_text(words["feedback"])
        owner.follow(owner.main.get_by_role("link", name=owner.t("edit-challenge"), exact=True), "09-edit-challenge")
        expect(owner.field("field-title")).to_have_value(title)
        expect(owner.main.get_by_role("group", name=owner.t("field-sdgs"))
               .get_by_label(sdg_label(lang, 12), exact=True)).to_be_checked()
        owner.field("field-summary").fill(words["summary2"])
        owner.post(owner.button("button-save"), "10-challenge-edited")
        expect(owner.main).to_contain_text(words["summary2"])
        owner.post(owner.button("button-submit"), "11-challenge-resubmitted")
        owner.expect_state("challenge-state-submitted")

        # -- the facilitator publishes into the arena ---------------------------------
        facilitator.follow(facilitator.header_link("nav-me"), "05-me")
        review = facilitator.table_after("me-queue-review")
        facilitator.follow(review.get_by_role("link", name=title, exact=True), "06-challenge-to-publish")
        facilitator.field("field-arena").select_option(value=arena_id)
        facilitator.field("field-ideas-close-at").fill(ideas_close_at())
        blind = facilitator.main.get_by_role("checkbox", name=re.compile(re.escape(facilitator.t("field-blind-assessment")[:15])))
        expect(blind).not_to_be_checked()
        facilitator.post(facilitator.button("button-publish"), "07-published")
        facilitator.expect_state("challenge-state-published")
        expect(facilitator.summary_value("field-arena")).to_have_text(exact(arena_name))

        # -- an innovator finds it, signed out first ----------------------------------
        innovator = person("innovator")
        innovator.goto(f"/?lang={lang}" if lang == "en" else "/", "01-home-signed-out")
        expect(innovator.main.get_by_role("link", name=title, exact=True)).to_be_visible()
        innovator.follow(innovator.header_link("nav-arenas"), "02-arenas")
        innovator.follow(innovator.main.get_by_role("link", name=arena_name, exact=True), "03-arena")
        expect(innovator.main.get_by_role("link", name=title, exact=True)).to_be_visible()
        innovator.follow(innovator.main.get_by_role("link", name=title, exact=True), "04-challenge-signed-out")
        innovator.narrow("04-challenge-signed-out")
        expect(innovator.main.get_by_role("button", name=innovator.t("button-ask"))).to_have_count(0)
        innovator.follow(innovator.header_link("button-register"), "05-register")
        innovator.register("Amira Haddad", "Solkraft Innovation AB", ["innovator"], "06-registered")
        expect(innovator.section_after("me-my-ideas")).to_be_visible()
        innovator.follow(innovator.header_link("nav-challenges"), "07-challenges")
        innovator.field("field-search").fill(token_word)
        innovator.follow(innovator.main.get_by_role("button", name=innovator.t("button-filter"), exact=True), "08-search")
        assert parse_qs(urlparse(innovator.page.url).query).get("q") == [token_word], innovator.page.url
        card = innovator.main.get_by_role("link", name=title, exact=True)
        expect(card).to_have_count(1)
        innovator.follow(card, "09-challenge")
        innovator.expect_h1(title)
        innovator.expect_state("challenge-state-published")
        innovator.field("field-question").fill(words["question"])
        innovator.post(innovator.button("button-ask"), "10-question-asked")
        assert urlparse(innovator.page.url).path == f"/challenges/{challenge_id}"
        expect(innovator.main).to_contain_text(words["question"])

        # -- the needs-owner answers --------------------------------------------------
        owner.goto(f"/challenges/{challenge_id}", "12-challenge-with-question")
        question = owner.main.locator(".sluss-card").filter(has_text=words["question"])
        question.get_by_label(owner.t("field-answer"), exact=True).fill(words["answer"])
        owner.post(question.get_by_role("button", name=owner.t("button-answer"), exact=True), "13-question-answered")
        expect(owner.main.locator(".sluss-card").filter(has_text=words["question"])).to_contain_text(words["answer"])

        # -- the innovator writes and submits an idea with two team members ---------
        innovator.goto(f"/challenges/{challenge_id}", "11-challenge-answered")
        expect(innovator.main).to_contain_text(words["answer"])
        innovator.follow(innovator.main.get_by_role("link", name=innovator.t("submit-an-idea"), exact=True), "12-idea-form")
        innovator.narrow("12-idea-form")
        innovator.field("field-title").fill(idea_title)
        innovator.field("field-summary").fill(words["idea_summary"])
        innovator.field("field-description").fill(words["idea_description"])
        innovator.main.get_by_role("group", name=innovator.t("field-sdgs")).get_by_label(sdg_label(lang, 11), exact=True).check()
        team = innovator.main.get_by_role("group", name=innovator.t("team-title"), exact=True)
        expect(team.get_by_role("group", name=innovator.t("team-member-n", n=1), exact=True)).to_be_visible()
        # "Add team member" with the first row still empty adds a second row, and the
        # heading keeps naming the challenge.
        innovator.post(team.get_by_role("button", name=innovator.t("button-add-team-member"), exact=True),
                       "12b-idea-form-empty-row-added", redirected=False)
        expect(innovator.main.locator('input[name="team_name"]')).to_have_count(2)
        innovator.expect_h1(innovator.t("new-idea-title", challenge=title))
        innovator.main.locator('input[name="team_name"]').nth(0).fill("Johan Lind")
        innovator.main.locator('input[name="team_email"]').nth(0).fill("johan.lind@example.org")
        innovator.post(team.get_by_role("button", name=innovator.t("button-add-team-member"), exact=True),
                       "13-idea-form-two-members", redirected=False)
        team = innovator.main.get_by_role("group", name=innovator.t("team-title"), exact=True)
        expect(team.get_by_role("group", name=innovator.t("team-member-n", n=2), exact=True)).to_be_visible()
        expect(innovator.main.locator('input[name="team_name"]')).to_have_count(3)
        expect(innovator.field("field-title")).to_have_value(idea_title)
        expect(innovator.main.locator('input[name="team_name"]').nth(0)).to_have_value("Johan Lind")
        expect(innovator.main.get_by_role("group", name=innovator.t("field-sdgs"))
               .get_by_label(sdg_label(lang, 11), exact=True)).to_be_checked()
        innovator.main.locator('input[name="team_name"]').nth(1).fill("Mei Chen")
        innovator.main.locator('input[name="team_email"]').nth(1).fill("mei.chen@example.org")
        innovator.post(innovator.button("button-save"), "14-idea-draft")
        idea_id = id_in(innovator.page.url, "ideas")
        innovator.expect_h1(idea_title)
        innovator.expect_state("idea-state-draft")
        expect(innovator.main).to_contain_text("Johan Lind")
        expect(innovator.main).to_contain_text("mei.chen@example.org")
        expect(innovator.main.get_by_role("link", name=innovator.t("edit-idea"), exact=True)).to_be_visible()
        innovator.post(innovator.button("button-submit"), "15-idea-submitted")
        expect(innovator.page.locator("#what-happens-next")).to_contain_text(innovator.t("done-idea-submitted"))
        innovator.expect_state("idea-state-submitted")
        expect(innovator.main.get_by_role("link", name=innovator.t("edit-idea"), exact=True)).to_have_count(0)

        # -- the needs-owner finds it on the challenge's page, with who is behind it ----
        owner.goto(f"/challenges/{challenge_id}", "14-challenge-with-idea")
        owner.narrow("14-challenge-with-idea")
        expect(owner.section_after("ideas-on-challenge").get_by_role("link", name=idea_title, exact=True)).to_be_visible()
        expect(owner.summary_value("field-owner")).to_be_visible()

        # -- the innovation team sees it waiting; assessment and decision by the API --
        facilitator.follow(facilitator.header_link("nav-me"), "08-me-idea-waiting")
        expect(facilitator.table_after("me-queue-assessment").get_by_role("link", name=idea_title, exact=True)).to_be_visible()
        # The facilitator starts the assessment on the idea's page; before the panel has
        # scored, no "Decide" is offered and the page says how many scorecards are missing;
        # after the scorecards the decision is taken.
        facilitator.follow(facilitator.table_after("me-queue-assessment").get_by_role("link", name=idea_title, exact=True),
                           "09-idea-to-assess")
        facilitator.post(facilitator.button("button-start-assessment"), "10-assessment-started")
        facilitator.expect_state("idea-state-in_assessment")
        expect(facilitator.main.get_by_role("button", name=facilitator.t("button-decide"), exact=True)).to_have_count(0)
        expect(facilitator.main.locator("#decide-waits")).to_contain_text(
            facilitator.t("error-too-few-scorecards", submitted=0, required=2))
        # The panel: two assessors assigned by name; a third, of the innovator's own
        # organisation, is refused by the conflict-of-interest rule, in words.
        # The assessors' accounts are made on the users' registry page.
        assessors = []
        for n, organisation_name in enumerate(["Science park", "University", "Solkraft Innovation AB"], start=1):
            name, email = f"Assessor {n} {lang}{tag}", f"assessor{n}-{lang}{tag}@example.org"
            facilitator.goto("/admin/users", f"12-users-{n}")
            new_user = facilitator.main.locator("form").filter(has=facilitator.page.get_by_label(
                facilitator.t("field-password"), exact=True))
            new_user.get_by_label(facilitator.t("field-email"), exact=True).fill(email)
            new_user.get_by_label(facilitator.t("field-password"), exact=True).fill(PASSWORD)
            new_user.get_by_label(facilitator.t("field-display-name"), exact=True).fill(name)
            new_user.get_by_label(facilitator.t("field-organisation"), exact=True).fill(organisation_name)
            new_user.get_by_label(facilitator.t("role-assessor"), exact=True).check()
            facilitator.post(new_user.get_by_role("button", name=facilitator.t("button-save"), exact=True),
                             f"12-user-created-{n}")
            assessors.append((name, email, PASSWORD))
        facilitator.field("field-search").fill(f"{lang}{tag}")
        facilitator.follow(facilitator.main.get_by_role("button", name=facilitator.t("button-filter"), exact=True),
                           "12-users-found")
        # The registry is a compact list; each user's roles and commands are on their own page.
        facilitator.narrow("12-users-found")
        facilitator.follow(facilitator.main.get_by_role("link", name=assessors[2][0], exact=True), "12-user")
        facilitator.narrow("12-user")
        expect(facilitator.main.get_by_label(facilitator.t("role-assessor"), exact=True)).to_be_checked()
        expect(facilitator.button("button-deactivate")).to_be_visible()
        facilitator.follow(facilitator.main.get_by_role("link", name=facilitator.t("users-back"), exact=True),
                           "12-users-again")
        expect(facilitator.field("field-search")).to_have_value(f"{lang}{tag}")
        # The other registries at a phone's width: arenas and rubrics, each with a page per entry.
        facilitator.goto("/admin/arenas", "12-arenas")
        facilitator.narrow("12-arenas")
        facilitator.follow(facilitator.main.get_by_role("link", name=arena_name, exact=True), "12-arena")
        facilitator.narrow("12-arena")
        expect(facilitator.button("button-close")).to_be_visible()
        facilitator.goto("/admin/rubrics", "12-rubrics")
        facilitator.narrow("12-rubrics")
        facilitator.follow(facilitator.main.locator(".sluss-registry a").first, "12-rubric")
        facilitator.narrow("12-rubric")
        facilitator.goto(f"/ideas/{idea_id}", "12-idea-panel")
        for name, _, _ in assessors[:2]:
            assign_assessor(facilitator, name, "13-assigned")
        assign_assessor(facilitator, assessors[2][0], "13-assign-refused", status=422)
        # The summary names the field first (SPEC §14.5): "Assessor: conflict of interest: …".
        expect(facilitator.main.locator(".govuk-error-summary")).to_contain_text(
            f'{facilitator.t("field-assessor")}: {facilitator.t("error-conflict-organisation")}', ignore_case=True)
        # Each assessor scores the idea on the scorecard page built from the rubric.
        for n, (name, email, password) in enumerate(assessors[:2], start=1):
            assessor = person(f"assessor{n}")
            assessor.goto(log_in_page(lang), "01-login")
            assessor.log_in(email, password, "02-me")
            read_notifications(assessor, 1, "notice-idea-assign", idea_title, "02")
            open_scorecard(assessor, idea_title)
            assessor.post(assessor.button("button-save-scorecard"), "05-scorecard-refused", status=422, redirected=False)
            save_scorecard(assessor, n, "Fits the need; the test plan is concrete.")
        facilitator.goto(f"/ideas/{idea_id}/assessment", "14-assessment-summary")
        expect(facilitator.main).to_contain_text(facilitator.t("scorecards-of", submitted=2, required=2))
        facilitator.goto(f"/ideas/{idea_id}", "15-idea-scored")
        facilitator.post(facilitator.button("button-decide"), "16-decide-refused", status=422, redirected=False)
        decide_qualified(facilitator, words["decision"], "17-decided")
        facilitator.goto(f"/challenges/{challenge_id}/ranking", "17-ranking")
        expect(facilitator.main.get_by_role("link", name=idea_title, exact=True)).to_be_visible()

        # -- the organisation registry: a new housing company, a wrong number refused ------
        facilitator.goto("/admin/organisations", "18-organisations")
        facilitator.field("field-name").fill(f"MKB {lang}{tag}")
        facilitator.field("field-kind").select_option(value="housing_company")
        facilitator.field("field-org-number").fill("556036-0794")
        facilitator.post(facilitator.button("button-save"), "18-organisation-refused", status=422, redirected=False)
        expect(facilitator.main.get_by_role("alert")).to_contain_text(facilitator.t("error-summary-title"))
        facilitator.field("field-org-number").fill("556036-0793" if lang == "sv" else "")
        facilitator.post(facilitator.button("button-save"), "18-organisation-registered")
        facilitator.narrow("18-organisation-registered")
        facilitator.follow(facilitator.main.get_by_role("link", name=f"MKB {lang}{tag}", exact=True), "18-organisation")
        expect(facilitator.field("field-kind")).to_have_value("housing_company")

        # -- steps 4 and 5 on their pages: incubation with milestones, then the test -----
        facilitator.goto("/admin/support-organisations", "18-support-organisations")
        facilitator.field("field-name").fill(f"Minc {lang}{tag}")
        facilitator.main.get_by_label(facilitator.t("support-kind-incubator"), exact=True).check()
        facilitator.field("field-description").fill("Start-up incubator in Malmö")
        facilitator.field("field-contact-email").fill("hello@minc.example")
        facilitator.post(facilitator.button("button-save"), "18-support-organisation-registered")
        expect(facilitator.main.locator(".sluss-registry")).to_contain_text(f"Minc {lang}{tag}")
        facilitator.narrow("18-support-organisation-registered")
        organisation = f"Minc {lang}{tag}"
        facilitator.goto(f"/ideas/{idea_id}", "18-idea-qualified")
        facilitator.follow(facilitator.main.get_by_role("link", name=facilitator.t("incubation-link"), exact=True),
                           "19-incubation")
        facilitator.field("field-support-organisation").select_option(label=organisation)
        facilitator.post(facilitator.button("button-start-incubation"), "20-incubation-refused", status=422,
                         redirected=False)
        expect(facilitator.main.locator(".govuk-error-summary")).to_be_visible()
        expect(facilitator.field("field-support-organisation").locator("option:checked")).to_have_text(exact(organisation))
        start_incubation(facilitator, organisation, words["plan"], "21-incubation-started")
        # The innovator keeps milestones on the same page; the team completes one.
        innovator.goto(f"/ideas/{idea_id}/incubation", "16-incubation")
        add_milestone(innovator, words["milestone"], "2027-03-31", "17-milestone-added")
        facilitator.goto(f"/ideas/{idea_id}/incubation", "22-incubation-with-milestone")
        complete_milestone(facilitator, words["milestone"], "23-milestone-completed")
        facilitator.follow(facilitator.main.get_by_role("link", name=facilitator.t("back-to-idea"), exact=True),
                           "24-idea-in-incubation")
        facilitator.follow(facilitator.main.get_by_role("link", name=facilitator.t("test-link"), exact=True),
                           "25-test")
        fill_test(facilitator, words, "2027-04-01", "2027-03-01")
        facilitator.post(facilitator.button("button-start-testing"), "26-test-refused", status=422, redirected=False)
        expect(facilitator.field("field-site")).to_have_value(words["site"])
        start_test(facilitator, words, "2027-04-01", "2027-09-30", "27-test-started")
        add_spread_activity(facilitator, words["workshop"], "2027-06-15", "28-spread-added")
        complete_test(facilitator, words, "29-test-completed")
        innovator.goto(f"/ideas/{idea_id}/test", "18-test-completed")
        expect(innovator.main).to_contain_text(words["lessons"])
        expect(innovator.main.get_by_role("button")).to_have_count(0)
        # -- the outcome in public: the footer's link leads to the result -------------
        innovator.follow(innovator.page.locator("footer").get_by_role(
            "link", name=innovator.t("footer-results"), exact=True), "18b-results")
        card = innovator.main.locator(".sluss-card").filter(has_text=idea_title)
        expect(card).to_contain_text(words["lessons"])
        expect(card).to_contain_text(innovator.t("test-outcome-adopted"))
        innovator.narrow("18b-results")

        # -- the innovator reads the decision and its feedback ------------------------
        innovator.goto(f"/ideas/{idea_id}", "19-idea-decided")
        innovator.expect_state("idea-state-completed")
        expect(innovator.main.get_by_role("heading", name=innovator.t("decision-title"), exact=True)).to_be_visible()
        expect(innovator.main).to_contain_text(innovator.t("decision-qualified"))
        expect(innovator.main).to_contain_text(words["decision"])
        # The idea's history names the idea's states, in the page's language.
        history = innovator.main.get_by_role("table", name=innovator.t("history-title"))
        innovator.soft("the idea's History names its states in the page's language", lambda: (
            expect(history.get_by_role("row").last.get_by_role("cell").last).to_have_text(
                exact(innovator.t("idea-state-completed")), timeout=1_000),
            expect(history).to_contain_text(innovator.t("idea-state-in_assessment"), timeout=1_000)))
        innovator.follow(innovator.header_link("nav-me"), "20-me-decided")
        row = innovator.table_after("me-my-ideas").get_by_role("row").filter(
            has=innovator.page.get_by_role("link", name=idea_title, exact=True))
        expect(row).to_contain_text(innovator.t("idea-state-completed"))
        expect(row).to_contain_text(words["decision"])

        # -- the innovator logs an obstacle on the idea; the team reads it in the diary --
        innovator.goto(f"/ideas/{idea_id}", "21-idea-again")
        innovator.follow(innovator.main.get_by_role("link", name=innovator.t("log-obstacle-link"), exact=True),
                         "22-obstacle-form")
        innovator.post(innovator.button("button-log-obstacle"), "23-obstacle-refused", status=422, redirected=False)
        expect(innovator.main.locator(".govuk-error-summary")).to_be_visible()
        innovator.main.get_by_label(innovator.t("obstacle-category-procurement"), exact=True).check()
        obstacle_text = f"The framework agreement allows no pilot ({lang}{tag})"
        innovator.field("field-description").fill(obstacle_text)
        innovator.post(innovator.button("button-log-obstacle"), "24-obstacle-logged")
        expect(innovator.main).to_contain_text(innovator.t("obstacle-logged"))
        expect(innovator.main).not_to_contain_text(obstacle_text)  # only the team reads the diary
        facilitator.follow(facilitator.header_link("nav-obstacles"), "30-obstacle-diary")
        expect(facilitator.table_after("obstacles-diary")).to_contain_text(obstacle_text)

        # -- the team raises it to a body that can act, records the answer; the public record shows it --
        diary_row = facilitator.table_after("obstacles-diary").get_by_role("row").filter(has_text=obstacle_text)
        facilitator.follow(diary_row.get_by_role("link", name=facilitator.t("obstacle-state-logged"), exact=True),
                           "30c-obstacle")
        facilitator.expect_h1(facilitator.t("obstacle-title"))
        facilitator.post(facilitator.button("button-raise-obstacle"), "30d-raise-refused", status=422, redirected=False)
        expect(facilitator.main.locator(".govuk-error-summary")).to_be_visible()
        brief = f"Allow a pilot within the framework agreement ({lang}{tag})"
        facilitator.field("field-raised-to").fill("Upphandlingsmyndigheten")
        facilitator.field("field-brief").fill(brief)
        facilitator.post(facilitator.button("button-raise-obstacle"), "30e-raised")
        expect(facilitator.main).to_contain_text(facilitator.t("obstacle-saved"))
        facilitator.field("field-answer").fill("A guide on pilots in framework agreements comes in the spring.")
        facilitator.post(facilitator.button("button-record-answer"), "30f-answered")
        facilitator.narrow("30f-answered")
        innovator.goto("/obstacles/raised", "25-obstacles-raised")
        innovator.expect_h1(innovator.t("raised-title"))
        expect(innovator.main).to_contain_text(brief)
        expect(innovator.main).not_to_contain_text(obstacle_text)  # the description stays the team's
        innovator.narrow("25-obstacles-raised")

        # -- the reports: six charts, each followed by its table, and a CSV download ----
        facilitator.goto("/reports", "30b-reports")
        facilitator.narrow("30b-reports")
        charts = facilitator.main.locator("svg[role=img]")
        expect(charts).to_have_count(6)
        expect(facilitator.main.locator("svg[role=img] + div[role=region] > table.govuk-table")).to_have_count(6)
        with facilitator.page.expect_download() as download:
            facilitator.main.locator("a[href^='/reports/obstacles.csv']").click()
        csv_text = Path(download.value.path()).read_text(encoding="utf-8")
        assert csv_text.startswith("section,key,value\n"), csv_text
        assert "by_category,procurement," in csv_text and "by_category,procurement,0" not in csv_text, csv_text

        # -- the facilitator logs out ---------------------------------------------------
        facilitator.post(facilitator.header.get_by_role("button", name=facilitator.t("button-log-out"), exact=True),
                         "31-logged-out")
        expect(facilitator.header_link("button-log-in")).to_be_visible()
        assert "sluss_session" not in {c["name"]: c["value"] for c in facilitator.context.cookies() if c["value"]}
    finally:
        for p in people:
            p.close()
    problems = [v for p in people for v in p.problems]
    assert not problems and not findings(*people), "\n".join(problems + findings(*people))


def test_needs_owner_and_innovator_whole_job_in_swedish(browser, server, a11y):
    whole_job(browser, server, a11y, "sv")


def test_needs_owner_and_innovator_whole_job_in_english(browser, server, a11y):
    whole_job(browser, server, a11y, "en")


# The demo's cases as `api/src/demo.rs` loads them, and the rubric every database starts with.
DEMO_IDEA = "Skåp för farligt avfall i tvättstugan"
DEMO_RUBRIC = "Hållbar stad – bedömningsmall"
DEMO_SUPPORT_ORGANISATION = "Minc"
DEMO_ASSESSORS = [
    ("Panel – universitetet", "panel.university@example.org"),
    ("Panel – forskningsparken", "panel.sciencepark@example.org"),
]
DEMO_WORDS = {
    "sv": {
        "comment": "Efterfrågat av hyresgästerna; skåpen behöver brandskydd och tydlig skyltning.",
        "decision": "Ett enkelt sätt att lämna farligt avfall nära hemmet; testa i en tvättstuga.",
        "plan": "Två månader hos Minc: skåpleverantör, hämtavtal med renhållningen och brandskydd.",
        "milestone": "Avtal om hämtning av farligt avfall",
        "site": "Tvättstugan på Ramels väg, Rosengård",
        "host": "MKB Fastighets AB",
        "criteria": "Minst 100 hushåll lämnar batterier eller färg under testet.",
        "workshop": "Lärande workshop om farligt avfall i tvättstugan",
        "results": "140 hushåll lämnade farligt avfall; skåpen tömdes varannan vecka.",
        "lessons": "Skylta på flera språk och töm skåpen innan de blir fulla.",
    },
    "en": {
        "comment": "Wanted by the tenants; the lockers need fire safety and clear signs.",
        "decision": "A simple way to hand in hazardous waste near home; test it in one laundry room.",
        "plan": "Two months at Minc: a locker supplier, a collection agreement and fire safety.",
        "milestone": "Agreement on collecting hazardous waste",
        "site": "The laundry room on Ramels väg, Rosengård",
        "host": "MKB Fastighets AB",
        "criteria": "At least 100 households hand in batteries or paint during the test.",
        "workshop": "Learning workshop on hazardous waste in the laundry room",
        "results": "140 households handed in hazardous waste; the lockers were emptied every other week.",
        "lessons": "Put up signs in several languages and empty the lockers before they fill up.",
    },
}


def day(offset: int) -> str:
    """Today plus `offset` days, as a date input takes it."""
    return (date.today() + timedelta(days=offset)).isoformat()


def ideas_in_state(facilitator: Person, state_key: str) -> int:
    """The figure the reports page's table of ideas by state gives for one state."""
    table = facilitator.main.get_by_role("table", name=facilitator.t("reports-ideas-by-state"), exact=True)
    row = table.get_by_role("row").filter(
        has=facilitator.page.get_by_role("rowheader", name=facilitator.t(state_key), exact=True))
    expect(row).to_have_count(1)
    return int(row.get_by_role("cell").inner_text().strip())


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_demo_idea_from_submitted_to_completed_test(browser, demo_server, a11y, lang):
    """From `sluss serve --demo`, in the browser only: the demo's innovation team and two of
    its assessors carry the submitted "Skåp för farligt avfall i tvättstugan" through assessment, the
    decision, incubation and a completed test, and the reports count one more completed
    idea and one fewer submitted one than when the team first read them."""
    server = demo_server
    words = DEMO_WORDS[lang]
    people: list[Person] = []

    def person(who: str) -> Person:
        p = Person(browser, server, a11y, lang, f"demo-{who}")
        people.append(p)
        return p

    try:
        # -- the innovation team signs in and reads the reports as they stand ----------
        facilitator = person("facilitator")
        open_home(facilitator, "01-home")
        facilitator.follow(facilitator.header_link("button-log-in"), "02-login")
        facilitator.log_in(server.admin_email, server.admin_password, "03-signed-in")
        facilitator.follow(facilitator.header_link("nav-me"), "04-me")
        reports = facilitator.main.get_by_role("link", name=facilitator.t("reports-title"), exact=True)
        facilitator.follow(reports, "05-reports-before")
        submitted_before = ideas_in_state(facilitator, "idea-state-submitted")
        completed_before = ideas_in_state(facilitator, "idea-state-completed")
        assert submitted_before >= 1, f"the demo's reports count {submitted_before} submitted ideas"

        # -- every idea, found by a word of its title -----------------------------------
        facilitator.follow(facilitator.header_link("nav-ideas"), "05b-ideas")
        facilitator.narrow("05b-ideas")
        facilitator.field("field-search").fill(DEMO_IDEA.split()[0].lower())
        facilitator.follow(facilitator.main.get_by_role("button", name=facilitator.t("button-filter"), exact=True),
                           "05c-ideas-found")
        expect(facilitator.main.get_by_role("link", name=DEMO_IDEA, exact=True)).to_be_visible()

        # -- the panel: the demo's assessors, found in the users' registry --------------
        facilitator.follow(facilitator.header_link("nav-me"), "06-me")
        facilitator.follow(facilitator.main.get_by_role("link", name=facilitator.t("admin-users-title"), exact=True),
                           "07-users")
        facilitator.field("field-search").fill("Panel")
        facilitator.follow(facilitator.main.get_by_role("button", name=facilitator.t("button-filter"), exact=True),
                           "08-users-found")
        for n, (name, email) in enumerate(DEMO_ASSESSORS, start=1):
            entry = facilitator.main.locator(".sluss-registry__item").filter(has_text=email)
            expect(entry.get_by_role("link", name=name, exact=True)).to_be_visible()
            expect(entry).to_contain_text(facilitator.t("role-assessor"))
            facilitator.follow(entry.get_by_role("link", name=name, exact=True), f"08-user-{n}")
            expect(facilitator.main.get_by_label(facilitator.t("role-assessor"), exact=True)).to_be_checked()
            facilitator.follow(facilitator.main.get_by_role("link", name=facilitator.t("users-back"), exact=True),
                               f"08-users-again-{n}")

        # -- the idea waiting for assessment: its rubric, then its panel ---------------
        facilitator.follow(facilitator.header_link("nav-me"), "09-me")
        waiting = facilitator.table_after("me-queue-assessment")
        facilitator.follow(waiting.get_by_role("link", name=DEMO_IDEA, exact=True), "10-idea-submitted")
        facilitator.expect_h1(DEMO_IDEA)
        facilitator.expect_state("idea-state-submitted")
        facilitator.field("field-rubric").select_option(label=DEMO_RUBRIC)
        facilitator.post(facilitator.button("button-start-assessment"), "11-assessment-started")
        facilitator.expect_state("idea-state-in_assessment")
        for n, (name, _) in enumerate(DEMO_ASSESSORS, start=1):
            assign_assessor(facilitator, name, f"12-assigned-{n}")

        # -- each assessor scores it with the chosen rubric ----------------------------
        for n, (_, email) in enumerate(DEMO_ASSESSORS, start=1):
            assessor = person(f"assessor{n}")
            assessor.goto(log_in_page(lang), "01-login")
            assessor.log_in(email, server.demo_password, "02-me")
            open_scorecard(assessor, DEMO_IDEA)
            expect(assessor.main.get_by_role("heading", level=2, name=DEMO_RUBRIC, exact=True)).to_be_visible()
            save_scorecard(assessor, n, words["comment"])

        # -- the team reads the panel's assessment and decides -------------------------
        facilitator.follow(facilitator.header_link("nav-me"), "13-me-scored")
        ready = facilitator.table_after("me-queue-decide").get_by_role("row").filter(
            has=facilitator.page.get_by_role("link", name=DEMO_IDEA, exact=True))
        expect(ready.get_by_role("cell").last).to_have_text(exact("2"))
        facilitator.follow(ready.get_by_role("link", name=DEMO_IDEA, exact=True), "14-idea-scored")
        facilitator.follow(facilitator.main.get_by_role("link", name=facilitator.t("assessment-title"), exact=True),
                           "15-assessment-summary")
        expect(facilitator.main).to_contain_text(facilitator.t("scorecards-of", submitted=2, required=2))
        expect(facilitator.main).to_contain_text(words["comment"])
        facilitator.follow(facilitator.main.get_by_role("link", name=facilitator.t("scorecard-read-idea"), exact=True),
                           "16-idea-to-decide")
        decide_qualified(facilitator, words["decision"], "17-decided")
        expect(facilitator.main).to_contain_text(words["decision"])

        # -- incubation with a milestone completed -------------------------------------
        facilitator.follow(facilitator.main.get_by_role("link", name=facilitator.t("incubation-link"), exact=True),
                           "18-incubation")
        start_incubation(facilitator, DEMO_SUPPORT_ORGANISATION, words["plan"], "19-incubation-started")
        add_milestone(facilitator, words["milestone"], day(14), "20-milestone-added")
        complete_milestone(facilitator, words["milestone"], "21-milestone-completed")

        # -- the test: started, found among the running tests, spread and completed ----
        facilitator.follow(facilitator.main.get_by_role("link", name=facilitator.t("back-to-idea"), exact=True),
                           "22-idea-in-incubation")
        facilitator.expect_state("idea-state-in_incubation")
        facilitator.follow(facilitator.main.get_by_role("link", name=facilitator.t("test-link"), exact=True), "23-test")
        # The host organisation is found in the registry by part of its name.
        fill_test(facilitator, words, day(-60), day(-1))
        facilitator.field("field-host-organisation").fill("mkb")
        search = f'{facilitator.t("button-search")} {facilitator.t("field-host-organisation")}'
        facilitator.post(facilitator.main.get_by_role("button", name=search, exact=True), "23b-host-found",
                         redirected=False)
        expect(facilitator.field("field-site")).to_have_value(words["site"])
        facilitator.main.get_by_role("radio", name=re.compile(r"^MKB Fastighets AB")).check()
        facilitator.narrow("23b-host-found")
        start_test(facilitator, words, day(-60), day(-1), "24-test-started")
        facilitator.follow(facilitator.header_link("nav-me"), "25-me-testing")
        running = facilitator.table_after("me-queue-testing").get_by_role("link", name=DEMO_IDEA, exact=True)
        facilitator.follow(running, "26-idea-in-testing")
        facilitator.expect_state("idea-state-in_testing")
        facilitator.follow(facilitator.main.get_by_role("link", name=facilitator.t("test-link"), exact=True),
                           "27-test-running")
        add_spread_activity(facilitator, words["workshop"], day(-7), "28-spread-added")
        complete_test(facilitator, words, "29-test-completed")
        facilitator.follow(facilitator.main.get_by_role("link", name=facilitator.t("back-to-idea"), exact=True),
                           "30-idea-completed")
        facilitator.expect_state("idea-state-completed")
        expect(facilitator.main).to_contain_text(words["decision"])

        # -- the reports count the change ----------------------------------------------
        facilitator.follow(facilitator.header_link("nav-me"), "31-me-after")
        expect(facilitator.table_after("me-queue-testing").get_by_role("link", name=DEMO_IDEA, exact=True)) \
            .to_have_count(0)
        facilitator.follow(reports, "32-reports-after")
        completed_after = ideas_in_state(facilitator, "idea-state-completed")
        submitted_after = ideas_in_state(facilitator, "idea-state-submitted")
        assert completed_after == completed_before + 1, \
            f"the reports count {completed_after} completed ideas, {completed_before} before the test"
        assert submitted_after == submitted_before - 1, \
            f"the reports count {submitted_after} submitted ideas, {submitted_before} before the test"
    finally:
        for p in people:
            p.close()
    assert not findings(*people), "\n".join(findings(*people))


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_public_pages_pass_axe_signed_out(browser, server, a11y, lang):
    visitor = Person(browser, server, a11y, lang, "visitor")
    try:
        first = "/" if lang == "sv" else "/?lang=en"
        visitor.goto(first, "home")
        visitor.goto("/challenges", "challenges")
        visitor.goto("/challenges?q=kx-none-such", "challenges-none")
        visitor.goto("/arenas", "arenas")
        visitor.goto("/results", "results")
        visitor.goto("/results?outcome=scaled&year=2020", "results-none")
        visitor.goto("/login", "login")
        visitor.goto("/register", "register")
        # A forgotten password: this server sends no e-mail, and the page says so (SPEC
        # §16) rather than pretending a link was sent; a dead link is said so.
        visitor.goto("/forgot-password", "forgot")
        expect(visitor.main).to_contain_text(visitor.t("forgot-no-mail"))
        visitor.goto(f"/reset-password?token={secrets.token_urlsafe(32)}", "reset")
        visitor.field("field-new-password").fill("a long enough passphrase for the stations")
        visitor.post(visitor.button("button-set-password"), "reset-link-invalid", status=422, redirected=False)
        expect(visitor.main).to_contain_text(visitor.t("reset-link-invalid"))
        visitor.goto("/no-such-page", "404", status=404)
        visitor.goto(f"/challenges/{uuid.uuid4()}", "404-challenge", status=404)
        # A refused form: register with a short password.
        visitor.goto("/register", "register-again")
        visitor.field("field-email").fill(f"short-{secrets.token_hex(3)}@example.org")
        visitor.field("field-password").fill(SHORT_PASSWORD)
        visitor.field("field-display-name").fill("Kim Short")
        visitor.main.get_by_role("group", name=visitor.t("register-roles")).get_by_label(
            visitor.t("role-innovator"), exact=True).check()
        visitor.post(visitor.button("button-register"), "register-refused", status=422, redirected=False)
        expect(visitor.main.get_by_role("alert")).to_contain_text(visitor.t("error-summary-title"))
    finally:
        visitor.close()
    assert not findings(visitor), "\n".join(findings(visitor))


def test_works_with_javascript_disabled(browser, server, a11y):
    lang = "sv"
    words = WORDS[lang]
    tag = secrets.token_hex(3)
    title = f"Avfallstjänster för hushåll utan bil {tag}"
    owner = Person(browser, server, a11y, lang, "nojs-owner", javascript=False)
    innovator = Person(browser, server, a11y, lang, "nojs-innovator", javascript=False)
    try:
        assert owner.page.evaluate("1 + 1") == 2  # Playwright's own evaluation still works
        owner.goto("/register", "01-register")
        owner.register("Lars Persson", "Hyresgästföreningen Kroksbäck", ["needs_owner"], "02-registered")
        owner.follow(owner.main.get_by_role("link", name=owner.t("new-challenge-title"), exact=True), "03-new-challenge")
        owner.field("field-title").fill(title)
        owner.field("field-summary").fill("Grovsopor är svåra att få till stationen utan bil.")
        owner.field("field-description").fill("Många hushåll i området saknar bil.")
        owner.main.get_by_role("group", name=owner.t("field-sdgs")).get_by_label(sdg_label(lang, 11), exact=True).check()
        owner.post(owner.button("button-save"), "04-challenge-draft")
        challenge_id = id_in(owner.page.url, "challenges")
        owner.expect_h1(title)
        owner.post(owner.button("button-submit"), "05-challenge-submitted")
        owner.expect_state("challenge-state-submitted")

        facilitator = api_login(server, server.admin_email, server.admin_password)
        api_ok(server, "POST", f"/challenges/{challenge_id}/publish", facilitator, {})

        innovator.goto(f"/login?next=/challenges/{challenge_id}", "01-login")
        expect(innovator.main.get_by_role("link", name=innovator.t("button-register"), exact=True)).to_be_visible()
        innovator.goto(f"/register?next=/challenges/{challenge_id}", "02-register")
        innovator.email = f"nojs-innovator-{tag}@example.org"
        innovator.field("field-email").fill(innovator.email)
        innovator.field("field-password").fill(PASSWORD)
        innovator.field("field-display-name").fill("Noor Ali")
        innovator.main.get_by_role("group", name=innovator.t("register-roles")).get_by_label(
            innovator.t("role-innovator"), exact=True).check()
        innovator.post(innovator.button("button-register"), "03-challenge")
        assert urlparse(innovator.page.url).path == f"/challenges/{challenge_id}", "next= was not followed"
        innovator.follow(innovator.main.get_by_role("link", name=innovator.t("submit-an-idea"), exact=True), "04-idea-form")
        innovator.field("field-title").fill(f"Lånecykel med kärra {tag}")
        innovator.field("field-summary").fill("Elcykel med kärra att låna för grovsopor.")
        innovator.field("field-description").fill("Bokas i portalen och hämtas vid stationen.")
        innovator.main.locator('input[name="team_name"]').nth(0).fill("Ella Berg")
        innovator.main.locator('input[name="team_email"]').nth(0).fill("ella.berg@example.org")
        innovator.post(innovator.button("button-add-team-member"), "05-idea-form-two-members", redirected=False)
        expect(innovator.main.locator('input[name="team_name"]')).to_have_count(2)
        innovator.main.locator('input[name="team_name"]').nth(1).fill("Omar Said")
        innovator.main.locator('input[name="team_email"]').nth(1).fill("omar.said@example.org")
        innovator.post(innovator.button("button-save"), "06-idea-draft")
        innovator.expect_state("idea-state-draft")
        expect(innovator.main).to_contain_text("Omar Said")
        innovator.post(innovator.button("button-submit"), "07-idea-submitted")
        innovator.expect_state("idea-state-submitted")
    finally:
        owner.close()
        innovator.close()


def test_session_cookie_language_and_form_rules(browser, server, a11y):
    """SPEC §10.5 as a browser sees it."""
    # A browser that asks for neither language: Swedish, the default; the switch sticks.
    visitor = Person(browser, server, a11y, "sv", "rules", locale="de-DE")
    try:
        page = visitor.page
        visitor.goto("/", "01-default-swedish")
        expect(page.locator("html")).to_have_attribute("lang", "sv")
        visitor.lang = "en"
        visitor.follow(visitor.header.get_by_role("link", name="In English", exact=True), "02-english")
        visitor.goto("/challenges", "03-english-by-cookie")
        back = visitor.header_link("switch-language")  # "På svenska"
        expect(back).to_be_visible()
        visitor.lang = "sv"
        visitor.follow(back, "04-back-to-swedish")
        visitor.goto("/arenas", "05-swedish-by-cookie")

        # A page that needs sign-in sends the person to log in, and back.
        response = page.goto("/challenges/new")
        origin = response.request.redirected_from
        assert origin is not None and origin.response().status == 303, "no 303 to the login page"
        assert urlparse(page.url).path == "/login" and parse_qs(urlparse(page.url).query).get("next") == ["/challenges/new"], page.url
        visitor.arrived("06-login-next", response)

        # A refused form answers 422 and keeps what was typed.
        visitor.goto("/register", "07-register")
        email = f"rules-{secrets.token_hex(3)}@example.org"
        visitor.field("field-email").fill(email)
        visitor.field("field-password").fill(SHORT_PASSWORD)
        visitor.field("field-display-name").fill("Rut Regel")
        visitor.field("field-organisation").fill("Botildenborg")
        roles = visitor.main.get_by_role("group", name=visitor.t("register-roles"))
        roles.get_by_label(visitor.t("role-needs_owner"), exact=True).check()
        with page.expect_response(lambda r: r.request.method == "POST" and urlparse(r.url).path == "/register") as posted:
            visitor.button("button-register").click()
        assert posted.value.status == 422, f"a refused form answered {posted.value.status}"
        page.wait_for_load_state()
        visitor.arrived("08-register-refused", posted.value, 422)
        summary = visitor.main.get_by_role("alert")
        expect(summary).to_contain_text(visitor.t("error-summary-title"))
        expect(summary.get_by_role("link")).not_to_have_count(0)
        password = visitor.field("field-password")
        described = password.get_attribute("aria-describedby") or ""
        assert any(page.locator(f"#{i}").count() and "error" in i for i in described.split()), \
            f"the password's message is not tied to it: aria-describedby={described!r}"
        expect(summary.locator(f'a[href="#{password.get_attribute("id")}"]')).to_have_count(1)
        expect(visitor.field("field-email")).to_have_value(email)
        expect(visitor.field("field-display-name")).to_have_value("Rut Regel")
        expect(visitor.field("field-organisation")).to_have_value("Botildenborg")
        expect(roles.get_by_label(visitor.t("role-needs_owner"), exact=True)).to_be_checked()

        # Login through the page: the session cookie's flags.
        visitor.goto("/login?next=/challenges/new", "09-login")
        visitor.log_in(server.admin_email, server.admin_password, "10-new-challenge-after-login")
        assert urlparse(page.url).path == "/challenges/new", page.url
        session = [c for c in visitor.context.cookies() if c["name"] == "sluss_session"]
        assert len(session) == 1, visitor.context.cookies()
        assert session[0]["httpOnly"] is True, session[0]
        assert session[0]["sameSite"] == "Lax", session[0]
        assert session[0]["path"] == "/", session[0]
        response = page.goto("/me")
        assert "no-store" in (response.headers.get("cache-control") or ""), response.headers

        # A POST without the CSRF field answers 403 and changes nothing; with it, 303.
        title = f"Utan CSRF {secrets.token_hex(3)}"
        form = {"title": title, "summary": "s", "description": "d", "location": ""}
        refused = page.request.post("/challenges/new", form=form, max_redirects=0)
        assert refused.status == 403, f"a POST without csrf answered {refused.status}"
        wrong = page.request.post("/challenges/new", form={**form, "csrf": "x" * 43}, max_redirects=0)
        assert wrong.status == 403, f"a POST with a wrong csrf answered {wrong.status}"
        token = api_login(server, server.admin_email, server.admin_password)
        me = api_ok(server, "GET", "/me", token)
        mine = api_ok(server, "GET", f"/challenges?owner_id={me['id']}&limit=200", token)["items"]
        assert not [c for c in mine if c["title"] == title], "a refused POST created a challenge"
        visitor.goto("/challenges/new", "11-new-challenge")
        csrf = page.locator('main form input[name="csrf"]').first.get_attribute("value")
        accepted = page.request.post("/challenges/new", form={**form, "csrf": csrf}, max_redirects=0)
        assert accepted.status == 303, f"a POST with the csrf field answered {accepted.status}"
        mine = api_ok(server, "GET", f"/challenges?owner_id={me['id']}&limit=200", token)["items"]
        assert [c for c in mine if c["title"] == title], "the accepted POST created nothing"
    finally:
        visitor.close()
    assert not findings(visitor), "\n".join(findings(visitor))


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_person_keeps_their_own_account(browser, server, a11y, lang):
    """From My pages to the account page: a new name and language saved, a refused password
    change shown in words, then a new password that the next log-in takes."""
    person = Person(browser, server, a11y, lang, "account")
    new_password = "lanterns over the harbour at dusk"
    try:
        person.goto("/register" if lang == "sv" else "/register?lang=en", "01-register")
        person.register("Lina Berg", "Hyresgästföreningen Kroksbäck", ["innovator"], "02-registered")
        person.follow(person.main.get_by_role("link", name=person.t("settings-link"), exact=True), "03-settings")
        person.expect_h1(person.t("settings-title"))
        person.field("field-display-name").fill("Lina Berg-Holm")
        person.main.get_by_label(person.t("locale-en"), exact=True).check()
        person.post(person.button("button-save"), "04-settings-saved")
        expect(person.main.get_by_role("status")).to_contain_text(person.t("settings-saved"))
        expect(person.field("field-display-name")).to_have_value("Lina Berg-Holm")
        expect(person.main.get_by_label(person.t("locale-en"), exact=True)).to_be_checked()

        person.field("field-current-password").fill("not the password at all, surely")
        person.field("field-new-password").fill(new_password)
        person.post(person.button("button-change-password"), "05-password-refused", status=422, redirected=False)
        expect(person.main.locator(".govuk-error-summary")).to_be_visible()
        person.field("field-current-password").fill(PASSWORD)
        person.field("field-new-password").fill(new_password)
        person.post(person.button("button-change-password"), "06-password-changed")
        expect(person.main.get_by_role("status")).to_contain_text(person.t("password-changed"))
        person.post(person.header.get_by_role("button", name=person.t("button-log-out"), exact=True), "07-logged-out")
        person.goto(log_in_page(lang), "08-login")
        person.log_in(person.email, new_password, "09-me")
        expect(person.main).to_contain_text("Lina Berg-Holm")
    finally:
        person.close()
    assert not findings(person), "\n".join(findings(person))


TEAM_WORDS = {
    "sv": {
        "challenge": "Hämtning av grovavfall utan bil",
        "summary": "Boende utan bil ska kunna bli av med grovavfall.",
        "description": "Grovavfallet står i trapphusen i veckor.\n\nVi vill ha en hämtning som bokas enkelt.",
        "idea_title": "Lastcykel som hämtar grovavfall på beställning",
        "idea_summary": "Boende bokar en lastcykel som hämtar grovavfallet vid porten.",
        "idea_summary2": "Boende bokar en lastcykel, på webben eller per telefon, som hämtar vid porten.",
        "idea_description": "Vi kör två lastcyklar i Sege Park i tre månader.",
    },
    "en": {
        "challenge": "Collecting bulky waste without a car",
        "summary": "Residents without a car should be able to get rid of bulky waste.",
        "description": "Bulky waste stands in the stairwells for weeks.\n\nWe want a collection that is easy to book.",
        "idea_title": "A cargo bike that collects bulky waste on request",
        "idea_summary": "Residents book a cargo bike that collects the bulky waste at the door.",
        "idea_summary2": "Residents book a cargo bike, on the web or by phone, that collects at the door.",
        "idea_description": "We run two cargo bikes in Sege Park for three months.",
    },
}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_teams_act_together_and_a_challenge_changes_hands(browser, server, a11y, lang):
    """SPEC §14.2 on the pages: an innovator drafts an idea on a published challenge with a
    team member whose address is another person's account; that person reads the
    notification, opens the invitation, accepts it, lands on the idea and sees themselves
    as accepted, and edits the draft. Then the facilitator hands the challenge to
    another needs-owner with the "Transfer" form, and the new owner is told and finds it
    among their own challenges. The challenge itself is written, submitted and published
    through the JSON API; everything else is done on the pages."""
    words = TEAM_WORDS[lang]
    tag = secrets.token_hex(3)
    title = f"{words['challenge']} {tag}"
    idea_title = f"{words['idea_title']} {tag}"
    people: list[Person] = []

    def person(who: str) -> Person:
        p = Person(browser, server, a11y, lang, who)
        people.append(p)
        return p

    def registered(who: str, name: str, organisation: str, roles: list[str]) -> Person:
        p = person(who)
        p.goto("/register" if lang == "sv" else "/register?lang=en", "01-register")
        p.register(name, organisation, roles, "02-registered")
        return p

    try:
        owner = registered("team-owner", "Sara Lindqvist", "Sege Park samfällighet", ["needs_owner"])
        heir = registered("team-heir", "Olle Nyberg", "Brf Sege Park", ["needs_owner"])
        innovator = registered("team-innovator", "Amira Haddad", "Solkraft Innovation AB", ["innovator"])
        member = registered("team-member", "Johan Lind", "Lastcykel Malmö", ["innovator"])

        facilitator_token = api_login(server, server.admin_email, server.admin_password)
        owner_token = api_login(server, owner.email, PASSWORD)
        challenge_id = api_ok(server, "POST", "/challenges", owner_token, {
            "title": title, "summary": words["summary"], "description": words["description"],
            "location": "Sege Park, Malmö", "sdgs": [11, 12]})["id"]
        api_ok(server, "POST", f"/challenges/{challenge_id}/submit", owner_token, {})
        api_ok(server, "POST", f"/challenges/{challenge_id}/publish", facilitator_token, {})

        # -- the innovator drafts an idea with the member on its team ------------------
        innovator.goto(f"/challenges/{challenge_id}", "03-challenge")
        innovator.expect_state("challenge-state-published")
        innovator.follow(innovator.main.get_by_role("link", name=innovator.t("submit-an-idea"), exact=True),
                         "04-idea-form")
        innovator.field("field-title").fill(idea_title)
        innovator.field("field-summary").fill(words["idea_summary"])
        innovator.field("field-description").fill(words["idea_description"])
        innovator.main.get_by_role("group", name=innovator.t("field-sdgs")).get_by_label(
            sdg_label(lang, 11), exact=True).check()
        team = innovator.main.get_by_role("group", name=innovator.t("team-title"), exact=True)
        first = team.get_by_role("group", name=innovator.t("team-member-n", n=1), exact=True)
        first.locator('input[name="team_name"]').fill("Johan Lind")
        first.locator('input[name="team_email"]').fill(member.email)
        innovator.post(innovator.button("button-save"), "05-idea-draft")
        idea_id = id_in(innovator.page.url, "ideas")
        innovator.expect_h1(idea_title)
        innovator.expect_state("idea-state-draft")
        listed = innovator.main.get_by_role("listitem").filter(has_text=member.email)
        expect(listed).to_contain_text(innovator.t("team-status-invited"))

        # -- the member is told, opens the invitation and accepts ----------------------
        member.goto("/me", "03-me")
        member.follow(member.header_link_named(member.t("nav-notifications-unread", count=1)), "04-inbox")
        row = member.main.get_by_role("row").filter(
            has=member.page.get_by_role("link", name=idea_title, exact=True))
        expect(row).to_contain_text(member.t("notice-idea-invite"))
        member.follow(row.get_by_role("link", name=idea_title, exact=True), "05-invitations")
        assert urlparse(member.page.url).path == "/invitations", member.page.url
        member.expect_h1(member.t("invitations-title"))
        card = member.main.locator(".govuk-summary-card").filter(
            has=member.page.get_by_role("heading", level=2, name=idea_title, exact=True))
        expect(card).to_have_count(1)
        expect(card).to_contain_text(member.t("invitation-from", name="Amira Haddad", challenge=title))
        expect(card.get_by_role("button", name=member.t("button-decline"), exact=True)).to_be_visible()
        accept_action = card.locator("form").filter(
            has=member.page.get_by_role("button", name=member.t("button-accept"), exact=True)).get_attribute("action")
        token = re.fullmatch(r"/invitations/([0-9a-f-]{36})/accept", accept_action or "")
        assert token, accept_action
        member.goto(f"/invitations/{token.group(1)}", "06-invitation")
        member.expect_h1(member.t("invitation-title"))
        member.narrow("06-invitation")
        expect(member.main).to_contain_text(member.t("invitation-what-accepting-means"))
        member.post(member.button("button-accept"), "07-accepted")
        assert urlparse(member.page.url).path == f"/ideas/{idea_id}", member.page.url
        member.expect_h1(idea_title)
        member.expect_state("idea-state-draft")
        listed = member.main.get_by_role("listitem").filter(has_text=member.email)
        expect(listed).to_contain_text(member.t("team-status-accepted"))
        member.follow(member.main.get_by_role("link", name=member.t("edit-idea"), exact=True), "08-edit-idea")
        expect(member.field("field-title")).to_have_value(idea_title)
        member.field("field-summary").fill(words["idea_summary2"])
        member.post(member.button("button-save"), "09-idea-edited")
        assert urlparse(member.page.url).path == f"/ideas/{idea_id}", member.page.url
        expect(member.main).to_contain_text(words["idea_summary2"])
        member.goto("/invitations", "10-invitations-answered")
        expect(member.main.get_by_role("heading", level=2, name=idea_title, exact=True)).to_have_count(0)
        innovator.goto(f"/ideas/{idea_id}", "06-idea-accepted")
        expect(innovator.main.get_by_role("listitem").filter(has_text=member.email)).to_contain_text(
            innovator.t("team-status-accepted"))

        # -- the facilitator hands the challenge to another needs-owner ----------------
        facilitator = person("team-facilitator")
        facilitator.goto(log_in_page(lang), "01-login")
        facilitator.log_in(server.admin_email, server.admin_password, "02-me")
        facilitator.goto(f"/challenges/{challenge_id}", "03-challenge")
        facilitator.narrow("03-challenge")
        facilitator.field("field-new-owner-email").fill(heir.email)
        facilitator.post(facilitator.button("button-transfer"), "04-transferred")
        assert urlparse(facilitator.page.url).path == f"/challenges/{challenge_id}", facilitator.page.url
        facilitator.expect_state("challenge-state-published")
        expect(facilitator.summary_value("field-owner")).to_contain_text("Olle Nyberg")

        # -- the new owner is told and finds it among their own ------------------------
        heir.goto("/me", "03-me")
        read_notifications(heir, 1, "notice-challenge-transfer", title, "04")
        mine = heir.table_after("me-my-challenges")
        heir.follow(mine.get_by_role("link", name=title, exact=True), "05-challenge")
        heir.expect_h1(title)
        expect(heir.summary_value("field-owner")).to_contain_text("Olle Nyberg")
        owner.goto("/me", "03-me-after-transfer")
        expect(owner.main.get_by_role("link", name=title, exact=True)).to_have_count(0)
    finally:
        for p in people:
            p.close()
    problems = [v for p in people for v in p.problems]
    assert not problems and not findings(*people), "\n".join(problems + findings(*people))


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_an_innovator_attaches_a_pdf_and_downloads_it(browser, server, a11y, lang, tmp_path):
    """SPEC §15 on the pages: an innovator opens their submitted idea, attaches a PDF with
    "Attach file", finds it listed with its size and date, downloads it and gets the same
    bytes; a file whose content is HTML is refused whatever its name says; then "Remove"
    takes the PDF away. The challenge and the idea are made through the JSON API."""
    tag = secrets.token_hex(3)
    facilitator_token = api_login(server, server.admin_email, server.admin_password)
    owner_email = f"files-owner-{lang}-{tag}@example.org"
    innovator_email = f"files-innovator-{lang}-{tag}@example.org"
    for email, roles in [(owner_email, ["needs_owner"]), (innovator_email, ["innovator"])]:
        api_ok(server, "POST", "/users", facilitator_token, {
            "email": email, "display_name": email.split("@")[0], "password": PASSWORD, "roles": roles})
    owner_token = api_login(server, owner_email, PASSWORD)
    challenge_id = api_ok(server, "POST", "/challenges", owner_token, {
        "title": f"Avfallsrum {tag}", "summary": "Fulla kärl", "description": "Kärlen fylls för fort."})["id"]
    api_ok(server, "POST", f"/challenges/{challenge_id}/submit", owner_token, {})
    api_ok(server, "POST", f"/challenges/{challenge_id}/publish", facilitator_token, {})
    innovator_token = api_login(server, innovator_email, PASSWORD)
    idea_id = api_ok(server, "POST", f"/challenges/{challenge_id}/ideas", innovator_token, {
        "title": f"Sensorer i kärlen {tag}", "summary": "En sensor per kärl",
        "description": "Sensorn säger till när kärlet är fullt."})["id"]
    api_ok(server, "POST", f"/ideas/{idea_id}/submit", innovator_token, {})

    pdf = tmp_path / "budget-2027.pdf"
    pdf.write_bytes(PDF_BYTES)
    fake = tmp_path / "not-a-pdf.pdf"
    fake.write_bytes(b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")

    innovator = Person(browser, server, a11y, lang, "files-innovator")
    try:
        innovator.goto("/login" if lang == "sv" else "/login?lang=en", "01-login")
        innovator.log_in(innovator_email, PASSWORD, "02-logged-in")
        innovator.goto(f"/ideas/{idea_id}", "03-idea")
        files = innovator.main.locator("section.sluss-files")
        expect(files.get_by_role("heading", name=innovator.t("files-heading"), exact=True)).to_be_visible()
        expect(files).to_contain_text(innovator.t("files-none"))

        files.get_by_label(innovator.t("field-file"), exact=True).set_input_files(str(pdf))
        files.get_by_label(innovator.t("field-file-description"), exact=True).fill("Budget")
        innovator.post(files.get_by_role("button", name=innovator.t("file-attach"), exact=True), "04-attached")
        files = innovator.main.locator("section.sluss-files")
        expect(files).to_contain_text(innovator.t("file-attached"))
        link = files.get_by_role("link", name="budget-2027.pdf", exact=True)
        expect(link).to_be_visible()
        expect(files).to_contain_text(innovator.t("file-size-kib", n=1))

        with innovator.page.expect_download() as download_info:
            link.click()
        download = download_info.value
        assert download.suggested_filename == "budget-2027.pdf"
        assert Path(download.path()).read_bytes() == PDF_BYTES

        files.get_by_label(innovator.t("field-file"), exact=True).set_input_files(str(fake))
        innovator.post(files.get_by_role("button", name=innovator.t("file-attach"), exact=True), "05-refused")
        files = innovator.main.locator("section.sluss-files")
        expect(files.get_by_role("alert")).to_contain_text(innovator.t("file-refused-title"))
        expect(files.get_by_role("link")).to_have_count(1)

        innovator.post(files.get_by_role("button", name=f"{innovator.t('file-remove')} budget-2027.pdf"),
                       "06-removed")
        files = innovator.main.locator("section.sluss-files")
        expect(files).to_contain_text(innovator.t("files-none"))
        problems = findings(innovator)
        assert not problems, "\n".join(problems)
    finally:
        innovator.close()
