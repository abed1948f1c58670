"""SPEC §14 walked by every role in a real browser, in Swedish and in English: who is behind
what (the owner and organisation on a challenge, the innovator and team on an idea, none of
them for the panel of a blind challenge), teams and their invitations (accept, decline),
handing a challenge on with its organisation, the public record of outcomes (`/results`),
the XLSX downloads beside the CSV ones, and the searches and filters.

On every page a person reaches, the commands offered (the buttons of the page's POST forms)
are exactly those the role may use there, and each offered command is used once somewhere in
the walk and accepted. The people, organisations, challenges and the completed test are set
up through the JSON API on the suite's one server; everything checked is done on the pages.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, expect

from conftest import A11yReport, Server, api_login, api_ok
from test_web import PASSWORD, Person, findings, id_in, log_in_page, open_arena

# The default rubric's criteria, scored by the panel of the completed test.
CRITERIA = ["need_fit", "social_impact", "environmental_impact", "economic_impact",
            "feasibility", "novelty", "scalability"]

WALK_WORDS = {
    "sv": {
        "challenge": "Delade lastcyklar för boende i Sege Park",
        "blind": "Sortering av matavfall i flerfamiljshus",
        "spare": "Belysning på gångvägen till återvinningen",
        "summary": "Boende utan bil behöver frakta tunga saker.",
        "description": "Det finns ingen lastcykel att låna i området.\n\nVi vill pröva en bokningsbar pool.",
        "idea": "Lastcykelpool med digitala lås",
        "tested": "Lånecyklar i cykelrummet",
        "blind_idea": "Påsar som visar när kärlet är fullt",
        "idea_summary": "Boende bokar en lastcykel i appen och låser upp den med telefonen.",
        "idea_description": "Fyra lastcyklar i två cykelrum, bokade per timme.",
        "question": "Hur många hushåll bor i kvarteret?",
        "reason": "Utmaningen ersätts av en bredare utlysning.",
        "conflict": "Jag har arbetat med innovatören tidigare.",
        "results": "210 bokningar på tre månader; två av tre boende vill behålla poolen.",
        "lessons": "Boende bokar helst på helger; låsen behöver reservbatterier.",
        "edited_summary": "Boende bokar en lastcykel i appen, eller per telefon, och låser upp den.",
    },
    "en": {
        "challenge": "Shared cargo bikes for Sege Park's residents",
        "blind": "Sorting food waste in blocks of flats",
        "spare": "Lighting on the path to the recycling station",
        "summary": "Residents without a car need to carry heavy things.",
        "description": "There is no cargo bike to borrow in the area.\n\nWe want to try a pool that can be booked.",
        "idea": "A cargo-bike pool with digital locks",
        "tested": "Bikes to borrow in the bike room",
        "blind_idea": "Bags that show when the bin is full",
        "idea_summary": "Residents book a cargo bike in the app and unlock it with their phone.",
        "idea_description": "Four cargo bikes in two bike rooms, booked by the hour.",
        "question": "How many households live in the block?",
        "reason": "The challenge gives way to a wider call.",
        "conflict": "I have worked with the innovator before.",
        "results": "210 bookings in three months; two residents in three want to keep the pool.",
        "lessons": "Residents book mostly at weekends; the locks need spare batteries.",
        "edited_summary": "Residents book a cargo bike in the app, or by phone, and unlock it.",
    },
}

# The buttons of every POST form in a page's main region, as a person reads them.
# The commands of §14 and the steps before it; the "Files" section's "Attach file" and
# "Remove" (SPEC §15) are left to the documents test and the API's authorization matrix.
COMMANDS_JS = """() => [...document.querySelectorAll('main form')]
  .filter(f => (f.getAttribute('method') || 'get').toLowerCase() === 'post')
  .filter(f => !f.closest('section.sluss-files'))
  .flatMap(f => [...f.querySelectorAll('button, input[type=submit]')])
  .filter(b => (b.getAttribute('type') || 'submit') === 'submit')
  .map(b => (b.innerText || b.value || '').replace(/\\s+/g, ' ').trim())"""


def offered(person: Person) -> set[str]:
    return set(person.page.evaluate(COMMANDS_JS))


def expect_commands(person: Person, what: str, *keys: str, extra: tuple[str, ...] = ()) -> None:
    """The page offers exactly the commands named by `keys` (and the literal `extra`)."""
    wanted = {person.t(key) for key in keys} | set(extra)
    person.soft(f"{what}: the commands offered", lambda: _equal(offered(person), wanted))


def _equal(found: set[str], wanted: set[str]) -> None:
    assert found == wanted, f"offered {sorted(found)}, expected {sorted(wanted)}"


def expect_link(person: Person, key: str, count: int) -> None:
    expect(person.main.get_by_role("link", name=person.t(key), exact=True)).to_have_count(count)


def account(server: Server, facilitator: str, who: str, name: str, organisation: str, roles: list[str]) -> dict:
    email = f"{who}-{secrets.token_hex(4)}@example.org"
    user = api_ok(server, "POST", "/users", facilitator, {
        "email": email, "password": PASSWORD, "display_name": name,
        "organisation": organisation, "roles": roles})
    return {"id": user["id"], "email": email, "name": name,
            "token": api_login(server, email, PASSWORD)}


def walk(browser: Browser, server: Server, a11y: A11yReport, lang: str) -> None:
    words = WALK_WORDS[lang]
    tag = secrets.token_hex(3)
    facilitator_token = api_login(server, server.admin_email, server.admin_password)
    people: list[Person] = []

    def person(who: str) -> Person:
        p = Person(browser, server, a11y, lang, f"s14-{who}")
        people.append(p)
        return p

    def signed_in(who: str, email: str) -> Person:
        p = person(who)
        p.goto(log_in_page(lang), "01-login")
        p.log_in(email, PASSWORD if email != server.admin_email else server.admin_password, "02-me")
        return p

    # -- the people, their organisations and their work, through the JSON API -------------
    brf = api_ok(server, "POST", "/organisations", facilitator_token,
                 {"name": f"Brf Sege Park {tag}", "kind": "residents_association"})
    housing = api_ok(server, "POST", "/organisations", facilitator_token,
                     {"name": f"Sege Bostäder {tag} AB", "kind": "housing_company"})
    owner = account(server, facilitator_token, "owner", f"Sara Lindqvist {tag}", brf["name"], ["needs_owner"])
    heir = account(server, facilitator_token, "heir", f"Olle Nyberg {tag}", housing["name"], ["needs_owner"])
    innovator = account(server, facilitator_token, "innovator", f"Amira Haddad {tag}", "Solkraft AB", ["innovator"])
    member = account(server, facilitator_token, "member", f"Johan Lind {tag}", "Lastcykel Malmö", ["innovator"])
    decliner = account(server, facilitator_token, "decliner", f"Nora Berg {tag}", "Cykelfabriken", ["innovator"])
    assessor = account(server, facilitator_token, "assessor", f"Eva Panel {tag}", "Lunds universitet", ["assessor"])
    panel = [account(server, facilitator_token, f"panel{n}", f"Panel {n} {tag}", "Region Skåne", ["assessor"])
             for n in (1, 2)]
    arena = open_arena(server, facilitator_token, f"Arena {tag}")

    def challenge(title: str, blind: bool = False) -> str:
        made = api_ok(server, "POST", "/challenges", owner["token"], {
            "title": title, "summary": words["summary"], "description": words["description"],
            "location": "Sege Park, Malmö", "sdgs": [11], "organisation_id": brf["id"]})
        api_ok(server, "POST", f"/challenges/{made['id']}/submit", owner["token"], {})
        api_ok(server, "POST", f"/challenges/{made['id']}/publish", facilitator_token,
               {"arena_id": arena, "blind_assessment": blind})
        return made["id"]

    def idea(challenge_id: str, title: str, team: list[dict]) -> str:
        return api_ok(server, "POST", f"/challenges/{challenge_id}/ideas", innovator["token"], {
            "title": title, "summary": words["idea_summary"], "description": words["idea_description"],
            "team": [{"name": m["name"], "email": m["email"]} for m in team]})["id"]

    title = f"{words['challenge']} {tag}"
    blind_title = f"{words['blind']} {tag}"
    spare_title = f"{words['spare']} {tag}"
    open_id = challenge(title)
    blind_id = challenge(blind_title, blind=True)
    spare_id = challenge(spare_title)
    kept_title = f"{words['spare']} {tag} II"
    kept_id = challenge(kept_title)
    idea_title = f"{words['idea']} {tag}"
    team_idea = idea(open_id, idea_title, [member, decliner])
    blind_idea_title = f"{words['blind_idea']} {tag}"
    blind_idea = idea(blind_id, blind_idea_title, [member])
    invitation = next(i for i in api_ok(server, "GET", "/invitations", member["token"])
                      if i["idea_id"] == blind_idea)
    api_ok(server, "POST", f"/invitations/{invitation['id']}/accept", member["token"], {})
    for path, body in [("submit", {}), ("start-assessment", {})]:
        api_ok(server, "POST", f"/ideas/{blind_idea}/{path}", innovator["token"] if path == "submit"
               else facilitator_token, body)
    api_ok(server, "POST", f"/ideas/{blind_idea}/assignments", facilitator_token, {"assessor_id": assessor["id"]})
    # A test completed on the open challenge, hosted by the housing company: the public record.
    tested_title = f"{words['tested']} {tag}"
    tested = idea(open_id, tested_title, [])
    api_ok(server, "POST", f"/ideas/{tested}/submit", innovator["token"], {})
    api_ok(server, "POST", f"/ideas/{tested}/start-assessment", facilitator_token, {})
    for scorer in panel:
        api_ok(server, "POST", f"/ideas/{tested}/assignments", facilitator_token, {"assessor_id": scorer["id"]})
        api_ok(server, "PUT", f"/ideas/{tested}/scorecard", scorer["token"], {
            "scores": {key: 4 for key in CRITERIA}, "comment": "A real need."})
    api_ok(server, "POST", f"/ideas/{tested}/decide", facilitator_token,
           {"outcome": "qualified", "feedback": "Test it in two bike rooms."})
    api_ok(server, "POST", f"/ideas/{tested}/start-testing", facilitator_token, {
        "site": "Sege Park", "host": housing["name"], "host_organisation_id": housing["id"],
        "starts_on": "2026-03-01", "ends_on": "2026-05-31", "success_criteria": "150 bookings."})
    api_ok(server, "POST", f"/ideas/{tested}/complete", facilitator_token, {
        "outcome": "adopted", "results": words["results"], "lessons_learned": words["lessons"]})

    try:
        # -- anonymous: the organisation but no person; the public record of outcomes ------
        visitor = person("anonymous")
        visitor.goto(f"/challenges/{open_id}" + ("?lang=en" if lang == "en" else ""), "01-challenge")
        expect(visitor.summary_value("field-owner")).to_have_text(brf["name"])
        expect(visitor.main).not_to_contain_text(owner["name"])
        expect_commands(visitor, "anonymous challenge")
        expect_link(visitor, "edit-challenge", 0)
        # The results of its completed test, with the host organisation and no person.
        expect(visitor.main).to_contain_text(words["results"])
        visitor.follow(visitor.page.get_by_role("contentinfo").get_by_role(
            "link", name=visitor.t("footer-results"), exact=True), "02-results")
        card = visitor.main.locator(".sluss-card, .govuk-summary-card").filter(has_text=tested_title)
        expect(card.first).to_contain_text(housing["name"])
        expect(card.first).to_contain_text(words["lessons"])
        for name in (innovator["name"], owner["name"]):
            expect(visitor.main).not_to_contain_text(name)
        expect_commands(visitor, "anonymous results")
        # The outcome filter keeps it; another outcome leaves it out.
        visitor.goto("/results?outcome=not_adopted", "03-results-not-adopted")
        expect(visitor.main.get_by_text(tested_title)).to_have_count(0)
        visitor.goto("/results?outcome=adopted", "04-results-adopted")
        expect(visitor.main.get_by_text(tested_title).first).to_be_visible()
        # Ideas are no public pages: the visitor is sent to log in.
        response = visitor.page.goto(f"/ideas/{team_idea}")
        assert response is not None and "/login" in visitor.page.url, visitor.page.url
        # The public list finds the challenge by a word of it.
        visitor.goto(f"/challenges?q={tag}", "05-challenges-search")
        expect(visitor.main.get_by_role("link", name=title, exact=True)).to_have_count(1)

        # -- the invited: one accepts, one declines; the buttons sit at the left at 320 px --
        joining = signed_in("member", member["email"])
        joining.goto("/invitations", "03-invitations")
        card = joining.main.locator(".govuk-summary-card").filter(has_text=idea_title)
        expect(card).to_have_count(1)
        joining.page.set_viewport_size({"width": 320, "height": 720})
        try:
            accept = card.get_by_role("button", name=joining.t("button-accept"), exact=True)
            text = card.locator("p.govuk-body").first
            left = accept.bounding_box()["x"]
            edge = text.bounding_box()["x"]
            joining.soft("Accept at the left edge at 320 px",
                         lambda: _near(left, edge))
        finally:
            joining.page.set_viewport_size({"width": 1280, "height": 900})
        expect_commands(joining, "invitations", "button-accept", "button-decline")
        joining.post(card.get_by_role("button", name=joining.t("button-accept"), exact=True), "04-accepted")
        assert urlparse(joining.page.url).path == f"/ideas/{team_idea}", joining.page.url
        # A member of a draft: the innovator and the team shown, the edit, none of the
        # innovator's commands.
        expect(joining.summary_value("field-innovator")).to_contain_text(innovator["name"])
        expect_commands(joining, "member on the draft")
        joining.follow(joining.main.get_by_role("link", name=joining.t("edit-idea"), exact=True), "05-edit")
        joining.field("field-summary").fill(words["edited_summary"])
        joining.post(joining.button("button-save"), "06-edited")
        expect(joining.main).to_contain_text(words["edited_summary"])

        declining = signed_in("decliner", decliner["email"])
        declining.goto("/invitations", "03-invitations")
        card = declining.main.locator(".govuk-summary-card").filter(has_text=idea_title)
        declining.post(card.get_by_role("button", name=declining.t("button-decline"), exact=True), "04-declined")
        expect(declining.main).to_contain_text(declining.t("invitation-declined"))
        expect_commands(declining, "declined invitation")
        response = declining.page.goto(f"/ideas/{team_idea}")
        assert response is not None and response.status in (403, 404), response.status if response else None

        # -- the innovator: the team's answers in the history; submits ---------------------
        applicant = signed_in("innovator", innovator["email"])
        applicant.goto(f"/ideas/{team_idea}", "03-idea-draft")
        history = applicant.table_after("history-title")
        expect(history.get_by_role("row").filter(has_text=applicant.t("command-accept_invitation"))) \
            .to_contain_text(member["name"])
        expect(history.get_by_role("row").filter(has_text=applicant.t("command-decline_invitation"))) \
            .to_contain_text(decliner["name"])
        team = applicant.main.get_by_role("listitem")
        expect(team.filter(has_text=member["email"])).to_contain_text(applicant.t("team-status-accepted"))
        expect(team.filter(has_text=decliner["email"])).to_contain_text(applicant.t("team-status-declined"))
        expect_commands(applicant, "innovator on the draft", "button-submit", "button-withdraw")
        applicant.post(applicant.button("button-submit"), "04-submitted")
        expect(applicant.page.locator("#what-happens-next")).to_contain_text(applicant.t("done-idea-submitted"))
        expect_commands(applicant, "innovator on the submitted idea", "button-withdraw")
        expect_link(applicant, "edit-idea", 0)
        # The challenge names its owner and organisation to a signed-in innovator.
        applicant.goto(f"/challenges/{open_id}", "05-challenge")
        expect(applicant.summary_value("field-owner")).to_contain_text(owner["name"])
        expect(applicant.summary_value("field-owner")).to_contain_text(brf["name"])
        expect_commands(applicant, "innovator on the challenge", "button-ask")
        expect_link(applicant, "edit-challenge", 0)
        expect_link(applicant, "submit-an-idea", 1)
        applicant.field("field-question").fill(words["question"])
        applicant.post(applicant.button("button-ask"), "06-asked")
        expect(applicant.page.locator("#what-happens-next")).to_be_visible()
        # Their own ideas, searched by a word of the title.
        applicant.goto(f"/ideas?q={tag}", "07-ideas")
        for name in (idea_title, tested_title, blind_idea_title):
            expect(applicant.main.get_by_role("link", name=name, exact=True)).to_have_count(1)

        # -- the needs-owner: the ideas on their challenge, with who is behind each --------
        needs_owner = signed_in("owner", owner["email"])
        needs_owner.goto(f"/challenges/{open_id}", "03-challenge")
        ideas = needs_owner.section_after("ideas-on-challenge")
        expect(ideas.get_by_role("listitem").filter(has_text=idea_title)).to_contain_text(innovator["name"])
        expect(ideas.get_by_role("listitem").filter(has_text=tested_title)).to_have_count(1)
        expect_commands(needs_owner, "owner on the published challenge",
                        "button-close", "button-withdraw", "button-ask", "button-answer")
        expect_link(needs_owner, "edit-challenge", 0)
        needs_owner.field("field-answer").fill("120")
        needs_owner.post(needs_owner.button("button-answer"), "04-answered")
        expect(needs_owner.main).to_contain_text("120")
        needs_owner.follow(ideas.get_by_role("link", name=idea_title, exact=True), "05-idea")
        expect(needs_owner.summary_value("field-innovator")).to_contain_text(innovator["name"])
        expect(needs_owner.main).to_contain_text(member["name"])
        expect_commands(needs_owner, "owner on a submitted idea")
        expect_link(needs_owner, "edit-idea", 0)
        needs_owner.goto(f"/ideas?q={tag}", "06-ideas")
        expect(needs_owner.main.get_by_role("link", name=idea_title, exact=True)).to_have_count(1)
        # Their own challenge taken back: asked first, with the reason the public reads.
        needs_owner.goto(f"/challenges/{kept_id}", "07-own-challenge")
        expect_commands(needs_owner, "owner on another published challenge",
                        "button-close", "button-withdraw", "button-ask")
        needs_owner.field("field-reason").fill(words["reason"])
        needs_owner.post(needs_owner.button("button-withdraw"), "08-withdraw-confirm", redirected=False)
        needs_owner.confirm("button-withdraw", "09-withdrawn")
        needs_owner.expect_state("challenge-state-withdrawn")
        expect_commands(needs_owner, "owner on the withdrawn challenge")

        # -- the assessor of a blind challenge: nobody's name, a team member in the history -
        panellist = signed_in("assessor", assessor["email"])
        panellist.goto(f"/ideas/{blind_idea}", "03-blind-idea")
        for hidden in (innovator["name"], member["name"], member["email"], "Solkraft", "Lastcykel Malmö"):
            expect(panellist.main).not_to_contain_text(hidden)
        history = panellist.table_after("history-title")
        expect(history.get_by_role("row").filter(has_text=panellist.t("command-accept_invitation"))) \
            .to_contain_text(panellist.t("history-actor-member"))
        expect_commands(panellist, "assessor on the blind idea")
        panellist.goto(f"/challenges/{blind_id}", "04-blind-challenge")
        expect(panellist.summary_value("field-owner")).to_contain_text(brf["name"])
        expect_commands(panellist, "assessor on the challenge", "button-ask")
        panellist.field("field-question").fill(words["question"])
        panellist.post(panellist.button("button-ask"), "04-asked")
        expect(panellist.page.locator("#what-happens-next")).to_be_visible()
        panellist.goto(f"/ideas/{blind_idea}/scorecard", "05-scorecard")
        for hidden in (innovator["name"], member["name"]):
            expect(panellist.main).not_to_contain_text(hidden)
        expect_commands(panellist, "assessor's scorecard", "button-save-scorecard", "button-declare-conflict")
        panellist.field("field-reason").fill(words["conflict"])
        panellist.post(panellist.button("button-declare-conflict"), "06-conflict")
        expect(panellist.main).to_contain_text(panellist.t("conflict-declared"))
        expect_commands(panellist, "assessor after the conflict")

        # -- the facilitator: every idea searched, a transfer with the organisation --------
        team = signed_in("facilitator", server.admin_email)
        team.goto(f"/ideas?q={tag}", "03-ideas")
        for name in (idea_title, tested_title, blind_idea_title):
            expect(team.main.get_by_role("link", name=name, exact=True)).to_have_count(1)
        team.goto(f"/ideas/{team_idea}", "04-idea")
        expect(team.summary_value("field-innovator")).to_contain_text(innovator["name"])
        expect_commands(team, "facilitator on the submitted idea", "button-start-assessment")
        team.post(team.button("button-start-assessment"), "05-assessment-started")
        team.expect_state("idea-state-in_assessment")
        team.goto(f"/challenges/{open_id}", "06-challenge")
        expect(team.summary_value("field-owner")).to_contain_text(owner["name"])
        search = f"{team.t('button-search')} {team.t('field-new-organisation')}"
        expect_commands(team, "facilitator on the published challenge", "button-close", "button-withdraw",
                        "button-transfer", "button-ask", extra=(search,))
        expect_link(team, "edit-challenge", 1)
        team.field("field-new-owner-email").fill(heir["email"])
        team.field("field-new-organisation").fill(f"bostäder {tag}")
        team.post(team.main.get_by_role("button", name=search, exact=True), "07-organisation-found", redirected=False)
        expect(team.field("field-new-owner-email")).to_have_value(heir["email"])
        team.main.get_by_label(housing["name"]).check()
        team.post(team.button("button-transfer"), "08-transferred")
        expect(team.page.locator("#what-happens-next")).to_contain_text(team.t("done-challenge-transferred"))
        expect(team.summary_value("field-owner")).to_contain_text(heir["name"])
        expect(team.summary_value("field-owner")).to_contain_text(housing["name"])
        expect(team.table_after("history-title").get_by_role("row").filter(
            has_text=team.t("command-transfer"))).to_have_count(1)
        # Withdrawing the spare challenge asks first, then takes it back.
        team.goto(f"/challenges/{spare_id}", "09-spare")
        team.field("field-reason").fill(words["reason"])
        team.post(team.button("button-withdraw"), "10-withdraw-confirm", redirected=False)
        team.confirm("button-withdraw", "11-withdrawn")
        team.expect_state("challenge-state-withdrawn")
        expect_commands(team, "facilitator on a withdrawn challenge")
        # Closing the blind challenge asks first, then closes it.
        team.goto(f"/challenges/{blind_id}", "12-blind-challenge")
        expect_commands(team, "facilitator on the blind challenge", "button-close", "button-withdraw",
                        "button-transfer", "button-ask", "button-answer", extra=(search,))
        team.field("field-answer").fill("80")
        team.post(team.button("button-answer"), "12-answered")
        team.post(team.button("button-close"), "13-close-confirm", redirected=False)
        team.confirm("button-close", "14-closed")
        team.expect_state("challenge-state-closed")
        expect_commands(team, "facilitator on a closed challenge", "button-archive", "button-transfer",
                        extra=(search,))
        # The reports' downloads: each CSV has its XLSX beside it, a real workbook.
        team.goto("/reports", "15-reports")
        workbooks = team.main.locator('a[href*=".xlsx"]')
        assert workbooks.count() >= 3, workbooks.count()
        for i in range(workbooks.count()):
            href = workbooks.nth(i).get_attribute("href")
            reply = team.page.request.get(href)
            assert reply.status == 200, (href, reply.status)
            assert reply.body()[:2] == b"PK", href
            assert "spreadsheetml" in reply.headers.get("content-type", ""), reply.headers

        # -- the new owner: told, their challenge with its ideas; closes it ----------------
        successor = signed_in("heir", heir["email"])
        successor.goto(f"/challenges/{open_id}", "03-challenge")
        expect(successor.section_after("ideas-on-challenge").get_by_role("listitem").filter(
            has_text=idea_title)).to_contain_text(innovator["name"])
        expect_commands(successor, "new owner on the challenge", "button-close", "button-withdraw", "button-ask")
        successor.post(successor.button("button-close"), "04-close-confirm", redirected=False)
        successor.confirm("button-close", "05-closed")
        successor.expect_state("challenge-state-closed")
        needs_owner.goto(f"/challenges/{open_id}", "10-challenge-handed-on")
        expect_commands(needs_owner, "old owner after the transfer")

        # -- the innovator withdraws the idea, asked first ---------------------------------
        applicant.goto(f"/ideas/{team_idea}", "08-idea-in-assessment")
        expect_commands(applicant, "innovator in assessment", "button-withdraw")
        applicant.post(applicant.button("button-withdraw"), "09-withdraw-confirm", redirected=False)
        applicant.confirm("button-withdraw", "10-withdrawn")
        applicant.expect_state("idea-state-withdrawn")
        expect_commands(applicant, "innovator on the withdrawn idea")
    finally:
        for p in people:
            p.close()
    problems = [v for p in people for v in p.problems]
    assert not problems and not findings(*people), "\n".join(problems + findings(*people))


def _near(left: float, edge: float) -> None:
    assert abs(left - edge) <= 2, f"the button starts at {left:.0f} px, the text at {edge:.0f} px"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_role_walks_section_14(browser, server, a11y, lang):
    walk(browser, server, a11y, lang)
