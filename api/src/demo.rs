//! `sluss serve --demo`: the real cases of Malmö's accelerator, spread over all five steps,
//! loaded into an empty database through the API itself (so every rule and event applies).

use chrono::{Duration, Utc};
use poem::endpoint::BoxEndpoint;
use poem::http::{Method, StatusCode, header};
use poem::{Endpoint, Request};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use sluss_domain::{Role, Roles};

use crate::auth::new_token;
use crate::persistence::entities::{challenges, ideas};
use crate::persistence::{sessions, users};
use crate::startup::{API_BASE, build_app};
use crate::state::AppState;

/// A demo account, for printing.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    /// E-mail.
    pub email: String,
    /// Roles.
    pub roles: String,
    /// Organisation.
    pub organisation: String,
}

/// What the demo loaded.
#[derive(Debug, Clone)]
pub struct DemoData {
    /// The accounts.
    pub accounts: Vec<DemoAccount>,
    /// The password every demo account shares.
    pub password: String,
}

struct Client {
    app: BoxEndpoint<'static>,
}

struct Persona {
    token: String,
    id: String,
}

impl Client {
    async fn send(&self, method: Method, path: &str, who: &Persona, body: Value) -> Result<Value, String> {
        let request = Request::builder()
            .method(method.clone())
            .uri_str(format!("{API_BASE}{path}"))
            .header(header::AUTHORIZATION, format!("Bearer {}", who.token))
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
        let response = self.app.call(request).await.map_err(|e| e.to_string())?;
        let status = response.status();
        let text = response.into_body().into_string().await.map_err(|e| e.to_string())?;
        if status != StatusCode::OK && status != StatusCode::CREATED {
            return Err(format!("{method} {path} answered {status}: {text}"));
        }
        serde_json::from_str(&text).map_err(|e| e.to_string())
    }

    async fn post(&self, path: &str, who: &Persona, body: Value) -> Result<String, String> {
        let value = self.send(Method::POST, path, who, body).await?;
        Ok(value["id"].as_str().unwrap_or_default().to_owned())
    }

    async fn put(&self, path: &str, who: &Persona, body: Value) -> Result<(), String> {
        self.send(Method::PUT, path, who, body).await.map(|_| ())
    }

    async fn patch(&self, path: &str, who: &Persona, body: Value) -> Result<(), String> {
        self.send(Method::PATCH, path, who, body).await.map(|_| ())
    }
}

/// Loads the demo cases when the database holds no challenge and no idea yet. Returns
/// `None` (and changes nothing) otherwise.
pub async fn load(state: &AppState) -> Result<Option<DemoData>, String> {
    let db = &state.db;
    let existing = challenges::Entity::find().count(db).await.map_err(|e| e.to_string())?
        + ideas::Entity::find().count(db).await.map_err(|e| e.to_string())?;
    if existing > 0 {
        return Ok(None);
    }
    let password = format!("demo-{}", &new_token().0[..16]);
    let hash = state
        .passwords
        .hash(password.clone())
        .await
        .map_err(|e| e.to_string())?;
    let mut accounts = Vec::new();
    let mut persona = |email: &str, name: &str, organisation: &str, roles: &[Role]| {
        accounts.push(DemoAccount {
            email: email.to_owned(),
            roles: roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(","),
            organisation: organisation.to_owned(),
        });
        (
            email.to_owned(),
            name.to_owned(),
            organisation.to_owned(),
            roles.to_vec(),
        )
    };
    let specs = vec![
        persona(
            "innovation@malmo.example",
            "Malmö innovation team",
            "Malmö stad",
            &[Role::Facilitator],
        ),
        persona(
            "segepark@malmo.example",
            "Sege Park project office",
            "Malmö stad – Sege Park",
            &[Role::NeedsOwner],
        ),
        persona(
            "botildenborg@example.org",
            "Botildenborg association",
            "Botildenborg",
            &[Role::NeedsOwner],
        ),
        persona(
            "hyresgaster@example.org",
            "Tenants' association Rosengård",
            "Hyresgästföreningen",
            &[Role::NeedsOwner],
        ),
        persona(
            "team.sun@example.org",
            "Team Solgården",
            "Solgården arkitekter",
            &[Role::Innovator],
        ),
        persona("team.wood@example.org", "Team Trähus", "Trähus Syd", &[Role::Innovator]),
        persona(
            "team.share@example.org",
            "Team Delning",
            "Delningsbolaget",
            &[Role::Innovator],
        ),
        persona(
            "team.green@example.org",
            "Team Grönt tak",
            "Grönt tak AB",
            &[Role::Innovator],
        ),
        persona(
            "builder.north@example.org",
            "Nordbygg",
            "Nordbygg AB",
            &[Role::Innovator],
        ),
        persona("qr@example.org", "Binly", "Binly AB", &[Role::Innovator]),
        persona(
            "carfree@example.org",
            "Lastcykel Logistik",
            "Lastcykel Logistik",
            &[Role::Innovator],
        ),
        persona(
            "panel.university@example.org",
            "Panel – university",
            "Malmö universitet",
            &[Role::Assessor],
        ),
        persona(
            "panel.sciencepark@example.org",
            "Panel – science park",
            "Medeon",
            &[Role::Assessor],
        ),
        persona(
            "panel.region@example.org",
            "Panel – region",
            "Region Skåne",
            &[Role::Assessor],
        ),
    ];
    let now = Utc::now();
    let mut people = Vec::new();
    for (email, name, organisation, roles) in specs {
        let row = users::insert(
            db,
            users::NewUser {
                email,
                display_name: name,
                organisation: Some(organisation),
                organisation_id: None,
                roles: roles.into_iter().collect::<Roles>(),
                password_hash: hash.clone(),
                locale: crate::app::accounts::DEFAULT_LOCALE,
            },
            now,
        )
        .await
        .map_err(|e| e.to_string())?;
        let (token, token_hash) = new_token();
        sessions::create(db, token_hash, row.id, now, now + Duration::hours(1))
            .await
            .map_err(|e| e.to_string())?;
        people.push(Persona {
            token,
            id: row.id.to_string(),
        });
    }
    let client = Client {
        app: build_app(state.clone()),
    };
    cases(&client, &people).await?;
    // The loader's own sessions end here; people log in with the printed password.
    for person in &people {
        if let Ok(id) = person.id.parse() {
            sessions::delete_for_user(db, id, now)
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(Some(DemoData { accounts, password }))
}

fn scores(values: [i64; 7]) -> Value {
    let keys = [
        "need_fit",
        "social_impact",
        "environmental_impact",
        "economic_impact",
        "feasibility",
        "novelty",
        "scalability",
    ];
    Value::Object(
        keys.iter()
            .zip(values)
            .map(|(k, v)| ((*k).to_owned(), json!(v)))
            .collect(),
    )
}

#[allow(clippy::too_many_lines)]
async fn cases(c: &Client, p: &[Persona]) -> Result<(), String> {
    let [
        team,
        sege,
        botildenborg,
        tenants,
        sun,
        wood,
        share,
        green,
        nordbygg,
        binly,
        cargo,
        uni,
        medeon,
        region,
    ] = p
    else {
        return Err("demo personas missing".into());
    };
    let today = Utc::now().date_naive();
    let future = (Utc::now() + Duration::days(60)).to_rfc3339();

    // The organisations that take part (SPEC §12), and who belongs to which.
    let organisation = |name: &str, kind: &str, org_number: Option<&str>| json!({ "name": name, "kind": kind, "org_number": org_number });
    let malmo = c
        .post(
            "/organisations",
            team,
            organisation("Malmö stad", "municipality", Some("212000-1124")),
        )
        .await?;
    let mkb = c
        .post(
            "/organisations",
            team,
            organisation("MKB Fastighets AB", "housing_company", None),
        )
        .await?;
    let consortium = c
        .post(
            "/organisations",
            team,
            organisation("Sege Park builder consortium", "builder", None),
        )
        .await?;
    // The site owner of Sege Park block 5, where the timber houses are tested.
    let site_owner = c
        .post(
            "/organisations",
            team,
            organisation("Sege Park Fastigheter AB", "property_owner", None),
        )
        .await?;
    let members = [
        (vec![team, sege], malmo.clone()),
        (
            vec![botildenborg],
            c.post("/organisations", team, organisation("Botildenborg", "non_profit", None))
                .await?,
        ),
        (
            vec![tenants],
            c.post(
                "/organisations",
                team,
                organisation("Hyresgästföreningen Rosengård", "residents_association", None),
            )
            .await?,
        ),
        (
            vec![sun],
            c.post(
                "/organisations",
                team,
                organisation("Solgården arkitekter", "business", None),
            )
            .await?,
        ),
        (
            vec![wood],
            c.post("/organisations", team, organisation("Trähus Syd", "builder", None))
                .await?,
        ),
        (
            vec![share],
            c.post("/organisations", team, organisation("Delningsbolaget", "startup", None))
                .await?,
        ),
        (
            vec![green],
            c.post("/organisations", team, organisation("Grönt tak AB", "startup", None))
                .await?,
        ),
        (
            vec![nordbygg],
            c.post("/organisations", team, organisation("Nordbygg AB", "builder", None))
                .await?,
        ),
        (
            vec![binly],
            c.post("/organisations", team, organisation("Binly AB", "startup", None))
                .await?,
        ),
        (
            vec![cargo],
            c.post(
                "/organisations",
                team,
                organisation("Lastcykel Logistik", "startup", None),
            )
            .await?,
        ),
        (
            vec![uni],
            c.post(
                "/organisations",
                team,
                organisation("Malmö universitet", "research", None),
            )
            .await?,
        ),
        (
            vec![medeon],
            c.post("/organisations", team, organisation("Medeon", "incubator", None))
                .await?,
        ),
        (
            vec![region],
            c.post("/organisations", team, organisation("Region Skåne", "other", None))
                .await?,
        ),
    ];
    for (people, organisation_id) in members {
        for person in people {
            c.patch("/me", person, json!({ "organisation_id": organisation_id }))
                .await?;
        }
    }

    // Support organisations.
    let minc = c
        .post("/support-organisations", team, json!({ "name": "Minc", "kind": "incubator", "description": "Start-up incubator in Malmö.", "contact_email": "hello@minc.example" }))
        .await?;
    c.post("/support-organisations", team, json!({ "name": "Medeon Science Park", "kind": "science_park", "description": "Science park for life science and health." })).await?;
    let almi = c
        .post("/support-organisations", team, json!({ "name": "Almi Företagspartner Syd", "kind": "business_support", "description": "Loans and business advice." }))
        .await?;

    // Arenas.
    let competition = c
        .post("/arenas", team, json!({ "name": "Sege Park housing competition", "kind": "physical", "description": "28 builders applied; four innovation teams reached the final and each partnered with a builder who was allocated land.", "location": "Sege Park, Malmö" }))
        .await?;
    c.post(&format!("/arenas/{competition}/open"), team, json!({})).await?;
    let open_call = c
        .post("/arenas", team, json!({ "name": "Waste and recycling open call", "kind": "digital", "description": "An open call for services that make sorting and collection easier." }))
        .await?;
    c.post(&format!("/arenas/{open_call}/open"), team, json!({})).await?;

    // Step 1: challenges.
    let publish = |id: String, arena: &str, blind: bool| {
        let body = json!({ "arena_id": arena, "ideas_close_at": future, "blind_assessment": blind });
        (id, body)
    };
    let sege_park = c
        .post("/challenges", sege, json!({ "title": "Sustainable housing with innovation partners in Sege Park", "summary": "Land allocation for builders who bring an innovation partner for sustainable, social housing.", "description": "Malmö allocates land in Sege Park to builders who team up with innovators. The city looks for housing that lowers climate impact and strengthens community.", "location": "Sege Park, Malmö", "sdgs": [7, 11, 13] }))
        .await?;
    let terraced = c
        .post("/challenges", botildenborg, json!({ "title": "Terraced housing with social added value in Botildenborg", "summary": "Terraced houses that create jobs and meeting places in the neighbourhood.", "description": "Botildenborg wants housing that combines urban farming, local jobs and low rents.", "location": "Botildenborg, Malmö", "sdgs": [1, 8, 11] }))
        .await?;
    let recycling = c
        .post("/challenges", tenants, json!({ "title": "Residents report full bins at the recycling station", "summary": "Bins overflow before the emptying round comes; residents have no way to say so.", "description": "A recycling station serves 400 households. Residents should be able to report full bins with a QR code so that emptying follows need.", "location": "Rosengård, Malmö", "sdgs": [11, 12] }))
        .await?;
    let carless = c
        .post("/challenges", tenants, json!({ "title": "Waste services for people without a car", "summary": "Bulky and hazardous waste is hard to bring to a recycling centre without a car.", "description": "Many tenants have no car. How can bulky and hazardous waste be collected near home?", "location": "Malmö", "sdgs": [11, 12] }))
        .await?;
    c.post(
        "/challenges",
        botildenborg,
        json!({ "title": "Shared tool library for the allotments", "summary": "", "description": "" }),
    )
    .await?;
    for (owner, id) in [
        (sege, &sege_park),
        (botildenborg, &terraced),
        (tenants, &recycling),
        (tenants, &carless),
    ] {
        c.post(&format!("/challenges/{id}/submit"), owner, json!({})).await?;
    }
    c.post(
        &format!("/challenges/{terraced}/request-changes"),
        team,
        json!({ "feedback": "Say how many households the houses are for, and who manages the farm." }),
    )
    .await?;
    c.send(
        Method::PATCH,
        &format!("/challenges/{terraced}"),
        botildenborg,
        json!({ "summary": "Twelve terraced houses that create jobs and meeting places around the urban farm." }),
    )
    .await?;
    c.post(&format!("/challenges/{terraced}/submit"), botildenborg, json!({}))
        .await?;
    for (id, body) in [
        publish(sege_park.clone(), &competition, true),
        publish(terraced.clone(), &competition, false),
        publish(recycling.clone(), &open_call, false),
        publish(carless.clone(), &open_call, false),
    ] {
        c.post(&format!("/challenges/{id}/publish"), team, body).await?;
    }
    let question = c
        .post(
            &format!("/challenges/{sege_park}/questions"),
            wood,
            json!({ "text": "May a team partner with more than one builder?" }),
        )
        .await?;
    c.post(
        &format!("/questions/{question}/answer"),
        sege,
        json!({ "text": "No: each finalist team partners with one builder, who is allocated the land." }),
    )
    .await?;

    // Step 2: ideas.
    let idea = |title: &str, summary: &str, team_members: Value| json!({ "title": title, "summary": summary, "description": format!("{summary} The team describes method, partners and a test plan."), "team": team_members, "sdgs": [11] });
    let mut sege_ideas = Vec::new();
    for (who, title, summary) in [
        (
            sun,
            "Solar co-housing block",
            "Shared solar roofs and a battery for the whole block.",
        ),
        (
            wood,
            "Cross-laminated timber homes",
            "Low-carbon timber frames built in a local factory.",
        ),
        (
            share,
            "Sharing hub in every entrance",
            "Shared cars, cargo bikes and tools managed by the residents.",
        ),
        (
            green,
            "Green roofs with storm-water gardens",
            "Roofs and courtyards that hold rain and grow food.",
        ),
        (
            nordbygg,
            "Standard apartment block",
            "A conventional block built quickly.",
        ),
    ] {
        let id = c
            .post(
                &format!("/challenges/{sege_park}/ideas"),
                who,
                idea(
                    title,
                    summary,
                    json!([{ "name": "Co-applicant", "email": "co-applicant@example.org" }]),
                ),
            )
            .await?;
        c.post(&format!("/ideas/{id}/submit"), who, json!({})).await?;
        sege_ideas.push((who, id));
    }
    let qr = c
        .post(
            &format!("/challenges/{recycling}/ideas"),
            binly,
            idea(
                "QR codes on every bin",
                "Residents scan a code to report a full bin; the hauler sees a live map.",
                json!([]),
            ),
        )
        .await?;
    c.post(&format!("/ideas/{qr}/submit"), binly, json!({})).await?;
    let terraced_idea = c
        .post(
            &format!("/challenges/{terraced}/ideas"),
            green,
            idea(
                "Farm-front terraced houses",
                "Houses that face the urban farm, with work spaces on the ground floor.",
                json!([]),
            ),
        )
        .await?;
    c.post(&format!("/ideas/{terraced_idea}/submit"), green, json!({}))
        .await?;
    let cargo_idea = c
        .post(
            &format!("/challenges/{carless}/ideas"),
            cargo,
            idea(
                "Bulky-waste pick-up by cargo bike",
                "Book a pick-up; an electric cargo bike collects bulky waste from the door.",
                json!([]),
            ),
        )
        .await?;
    c.post(&format!("/ideas/{cargo_idea}/submit"), cargo, json!({})).await?;
    let lockers = c
        .post(
            &format!("/challenges/{carless}/ideas"),
            binly,
            idea(
                "Hazardous-waste lockers",
                "Lockers in the laundry room for batteries and paint.",
                json!([]),
            ),
        )
        .await?;
    c.post(&format!("/ideas/{lockers}/submit"), binly, json!({})).await?;
    c.post(
        &format!("/challenges/{carless}/ideas"),
        cargo,
        idea(
            "Repair café pick-up",
            "Broken things picked up with the bulky waste and repaired.",
            json!([]),
        ),
    )
    .await?;

    // Step 3: assessment.
    let panel = [uni, medeon, region];
    let assess = |id: String, cards: Vec<[i64; 7]>| async move {
        c.post(&format!("/ideas/{id}/start-assessment"), team, json!({}))
            .await?;
        for (assessor, card) in panel.iter().zip(cards) {
            c.post(
                &format!("/ideas/{id}/assignments"),
                team,
                json!({ "assessor_id": assessor.id }),
            )
            .await?;
            c.put(
                &format!("/ideas/{id}/scorecard"),
                assessor,
                json!({ "scores": scores(card), "comment": "Scored against the default rubric." }),
            )
            .await?;
        }
        Ok::<String, String>(id)
    };
    let mut qualified = Vec::new();
    for (index, (_, id)) in sege_ideas.iter().enumerate() {
        let strong = index < 4;
        let card = if strong {
            [5, 4, 5, 4, 4, 4, 4]
        } else {
            [2, 2, 1, 3, 4, 1, 2]
        };
        let id = assess(id.clone(), vec![card, card]).await?;
        let (outcome, feedback) = if strong {
            (
                "qualified",
                "A finalist: strong need fit and a credible builder partnership.",
            )
        } else {
            (
                "not_qualified",
                "Solid, but it brings no innovation the competition asks for.",
            )
        };
        c.post(
            &format!("/ideas/{id}/decide"),
            team,
            json!({ "outcome": outcome, "feedback": feedback }),
        )
        .await?;
        if strong {
            qualified.push(id);
        }
    }
    let qr = assess(qr, vec![[5, 5, 4, 4, 5, 3, 5], [4, 5, 4, 3, 5, 4, 5]]).await?;
    c.post(
        &format!("/ideas/{qr}/decide"),
        team,
        json!({ "outcome": "qualified", "feedback": "Simple, cheap and wanted by residents." }),
    )
    .await?;
    let terraced_idea = assess(terraced_idea, vec![[5, 5, 4, 3, 3, 4, 3], [4, 5, 3, 3, 4, 4, 2]]).await?;
    c.post(&format!("/ideas/{terraced_idea}/decide"), team, json!({ "outcome": "qualified", "feedback": "Strong social value; incubation will sharpen the business model." })).await?;
    // The cargo-bike idea waits for its second scorecard.
    c.post(&format!("/ideas/{cargo_idea}/start-assessment"), team, json!({}))
        .await?;
    c.post(
        &format!("/ideas/{cargo_idea}/assignments"),
        team,
        json!({ "assessor_id": uni.id }),
    )
    .await?;
    c.put(
        &format!("/ideas/{cargo_idea}/scorecard"),
        uni,
        json!({ "scores": scores([4, 5, 4, 3, 3, 4, 4]), "comment": "Promising; check the winter." }),
    )
    .await?;
    c.post(
        &format!("/ideas/{cargo_idea}/assignments"),
        team,
        json!({ "assessor_id": region.id }),
    )
    .await?;

    // Step 4: incubation.
    c.post(&format!("/ideas/{terraced_idea}/start-incubation"), team, json!({ "support_organisation_id": almi, "plan": "Business model for farm-front work spaces; financing with the housing company." })).await?;
    let milestone = c
        .post(
            &format!("/ideas/{terraced_idea}/incubation/milestones"),
            green,
            json!({ "title": "Letter of intent with the housing company", "due_on": today + Duration::days(30) }),
        )
        .await?;
    c.post(&format!("/milestones/{milestone}/complete"), green, json!({}))
        .await?;
    c.post(
        &format!("/ideas/{terraced_idea}/incubation/milestones"),
        green,
        json!({ "title": "Costed building permit application", "due_on": today + Duration::days(90) }),
    )
    .await?;
    c.post(
        &format!("/ideas/{}/start-incubation", qualified[2]),
        team,
        json!({ "support_organisation_id": minc, "plan": "Operator model for the sharing hub." }),
    )
    .await?;

    // Step 5: testing.
    let site = |name: &str, host: &str, host_organisation_id: &str| json!({ "site": name, "host": host, "host_organisation_id": host_organisation_id, "starts_on": today - Duration::days(120), "ends_on": today - Duration::days(10), "success_criteria": "Residents use it weekly; costs within budget." });
    c.post(
        &format!("/ideas/{qr}/start-testing"),
        team,
        site("Recycling station, Rosengård", "MKB Fastighets AB", &mkb),
    )
    .await?;
    c.post(&format!("/ideas/{qr}/test/spread-activities"), team, json!({ "kind": "learning_workshop", "title": "What 400 households taught us about full bins", "held_on": today - Duration::days(5) })).await?;
    c.post(&format!("/ideas/{qr}/test/spread-activities"), team, json!({ "kind": "property_owner_dialogue", "title": "Property-owner breakfast on need-based emptying", "held_on": today - Duration::days(2) })).await?;
    c.post(&format!("/ideas/{qr}/complete"), team, json!({ "outcome": "adopted", "results": "Overflowing bins fell from 11 to 2 a month; 63% of households scanned at least once.", "lessons_learned": "Put the code at eye height; tell residents what happened after they reported." })).await?;
    c.post(
        &format!("/ideas/{}/start-testing", qualified[0]),
        team,
        site("Sege Park block 3", "Sege Park builder consortium", &consortium),
    )
    .await?;
    c.post(
        &format!("/ideas/{}/start-testing", qualified[1]),
        team,
        site("Sege Park block 5", "Sege Park Fastigheter AB", &site_owner),
    )
    .await?;
    c.post(
        &format!("/ideas/{}/discontinue", qualified[3]),
        team,
        json!({ "reason": "The builder partner withdrew from the land allocation." }),
    )
    .await?;

    // The obstacle diary.
    for (subject_type, subject, category, step, description) in [
        (
            "challenge",
            &sege_park,
            "regulation",
            5,
            "The detailed development plan does not allow shared parking garages in the blocks.",
        ),
        (
            "idea",
            &qr,
            "data",
            5,
            "The hauler's emptying data could not be shared without a new agreement.",
        ),
        (
            "challenge",
            &carless,
            "procurement",
            2,
            "The waste contract leaves no room to test a new collection service.",
        ),
        (
            "idea",
            &terraced_idea,
            "financing",
            4,
            "Banks would not lend against work spaces in residential buildings.",
        ),
    ] {
        c.post("/obstacles", team, json!({ "subject_type": subject_type, "subject_id": subject, "category": category, "description": description, "step": step })).await?;
    }
    Ok(())
}
