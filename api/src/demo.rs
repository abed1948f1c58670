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
            "Malmö stads innovationsteam",
            "Malmö stad",
            &[Role::Facilitator],
        ),
        persona(
            "segepark@malmo.example",
            "Sege Parks projektkontor",
            "Malmö stad – Sege Park",
            &[Role::NeedsOwner],
        ),
        persona(
            "botildenborg@example.org",
            "Föreningen Botildenborg",
            "Botildenborg",
            &[Role::NeedsOwner],
        ),
        persona(
            "hyresgaster@example.org",
            "Hyresgästföreningen Rosengård",
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
            "Panel – universitetet",
            "Malmö universitet",
            &[Role::Assessor],
        ),
        persona(
            "panel.sciencepark@example.org",
            "Panel – forskningsparken",
            "Medeon",
            &[Role::Assessor],
        ),
        persona(
            "panel.region@example.org",
            "Panel – regionen",
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
            organisation("Byggkonsortiet Sege Park", "builder", None),
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
        .post("/support-organisations", team, json!({ "name": "Minc", "kind": "incubator", "description": "Inkubator för nystartade företag i Malmö.", "contact_email": "hello@minc.example" }))
        .await?;
    c.post("/support-organisations", team, json!({ "name": "Medeon Science Park", "kind": "science_park", "description": "Forskningspark för life science och hälsa." })).await?;
    let almi = c
        .post("/support-organisations", team, json!({ "name": "Almi Företagspartner Syd", "kind": "business_support", "description": "Lån och affärsrådgivning." }))
        .await?;

    // Arenas.
    let competition = c
        .post("/arenas", team, json!({ "name": "Bostadstävlingen i Sege Park", "kind": "physical", "description": "28 byggaktörer ansökte; fyra innovationsteam gick till final och fick var sin byggaktör som tilldelades mark.", "location": "Sege Park, Malmö" }))
        .await?;
    c.post(&format!("/arenas/{competition}/open"), team, json!({})).await?;
    let open_call = c
        .post("/arenas", team, json!({ "name": "Öppen utlysning: avfall och återvinning", "kind": "digital", "description": "En öppen utlysning för tjänster som gör det lättare att sortera avfall och att hämta det." }))
        .await?;
    c.post(&format!("/arenas/{open_call}/open"), team, json!({})).await?;

    // Step 1: challenges.
    let publish = |id: String, arena: &str, blind: bool| {
        let body = json!({ "arena_id": arena, "ideas_close_at": future, "blind_assessment": blind });
        (id, body)
    };
    let sege_park = c
        .post("/challenges", sege, json!({ "title": "Hållbara bostäder med innovationspartner i Sege Park", "summary": "Markanvisning för byggaktörer som tar med sig en innovationspartner för hållbara bostäder med sociala värden.", "description": "Malmö stad anvisar mark i Sege Park till byggaktörer som går samman med innovatörer. Staden söker bostäder som minskar klimatpåverkan, tar hand om dagvatten och avfall nära hemmet och stärker gemenskapen i kvarteren.", "location": "Sege Park, Malmö", "sdgs": [7, 11, 13] }))
        .await?;
    let terraced = c
        .post("/challenges", botildenborg, json!({ "title": "Radhus med socialt mervärde i Botildenborg", "summary": "Radhus som skapar arbetstillfällen och mötesplatser i området.", "description": "Botildenborg vill ha bostäder som förenar stadsodling, lokala jobb och låga hyror.", "location": "Botildenborg, Malmö", "sdgs": [1, 8, 11] }))
        .await?;
    let recycling = c
        .post("/challenges", tenants, json!({ "title": "Boende anmäler fulla kärl på återvinningsstationen", "summary": "Kärlen blir överfulla innan tömningsrundan kommer, och de boende har inget sätt att säga till.", "description": "En återvinningsstation tar emot avfall från 400 hushåll. De boende ska kunna anmäla fulla kärl med en QR-kod på kärlet, så att tömningen följer behovet och inget avfall hamnar bredvid.", "location": "Rosengård, Malmö", "sdgs": [11, 12] }))
        .await?;
    let carless = c
        .post("/challenges", tenants, json!({ "title": "Avfallstjänster för hushåll utan bil", "summary": "Grovavfall och farligt avfall är svårt att få till en återvinningscentral utan bil.", "description": "Många hyresgäster har ingen bil. Hur kan grovavfall och farligt avfall hämtas nära hemmet?", "location": "Malmö", "sdgs": [11, 12] }))
        .await?;
    c.post(
        "/challenges",
        botildenborg,
        json!({ "title": "Gemensamt verktygsförråd för odlingslotterna", "summary": "", "description": "" }),
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
        json!({ "feedback": "Skriv hur många hushåll radhusen är till för och vem som sköter odlingen." }),
    )
    .await?;
    c.send(
        Method::PATCH,
        &format!("/challenges/{terraced}"),
        botildenborg,
        json!({ "summary": "Tolv radhus som skapar arbetstillfällen och mötesplatser runt stadsodlingen." }),
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
            json!({ "text": "Får ett team samarbeta med mer än en byggaktör?" }),
        )
        .await?;
    c.post(
        &format!("/questions/{question}/answer"),
        sege,
        json!({ "text": "Nej, varje finalteam samarbetar med en byggaktör, som tilldelas marken." }),
    )
    .await?;

    // Step 2: ideas.
    let idea = |title: &str, summary: &str, team_members: Value| json!({ "title": title, "summary": summary, "description": format!("{summary} Teamet beskriver metod, partner och en plan för testet."), "team": team_members, "sdgs": [11] });
    let mut sege_ideas = Vec::new();
    for (who, title, summary) in [
        (
            sun,
            "Kollektivhus med solkraft",
            "Gemensamma solcellstak och ett batteri för hela kvarteret.",
        ),
        (
            wood,
            "Bostäder i korslimmat trä",
            "Stommar i trä med låg klimatpåverkan, byggda i en lokal fabrik.",
        ),
        (
            share,
            "Delningsnav i varje trapphus",
            "Bilpool, lastcyklar och verktyg som de boende sköter tillsammans.",
        ),
        (
            green,
            "Gröna tak med regnträdgårdar",
            "Tak och gårdar som tar hand om regnvatten och där det odlas mat.",
        ),
        (
            nordbygg,
            "Vanligt flerbostadshus",
            "Ett konventionellt flerbostadshus som byggs snabbt.",
        ),
    ] {
        let id = c
            .post(
                &format!("/challenges/{sege_park}/ideas"),
                who,
                idea(
                    title,
                    summary,
                    json!([{ "name": "Medsökande", "email": "medsokande@example.org" }]),
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
                "QR-kod på varje kärl",
                "De boende skannar en kod för att anmäla ett fullt kärl; renhållaren ser en karta i realtid.",
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
                "Radhus mot odlingen",
                "Hus som vetter mot stadsodlingen, med arbetslokaler i bottenvåningen.",
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
                "Hämtning av grovavfall med lastcykel",
                "Boka en hämtning; en ellastcykel hämtar grovavfallet vid dörren.",
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
                "Skåp för farligt avfall i tvättstugan",
                "Låsbara skåp i tvättstugan där de boende lämnar batterier och färgrester.",
                json!([]),
            ),
        )
        .await?;
    c.post(&format!("/ideas/{lockers}/submit"), binly, json!({})).await?;
    c.post(
        &format!("/challenges/{carless}/ideas"),
        cargo,
        idea(
            "Hämtning till reparationskafé",
            "Trasiga saker hämtas med grovavfallet och lagas i stället för att slängas.",
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
                json!({ "scores": scores(card), "comment": "Bedömd enligt standardmallen." }),
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
                "En finalist: svarar väl mot behovet och har ett trovärdigt samarbete med en byggaktör.",
            )
        } else {
            (
                "not_qualified",
                "Gediget, men utan den innovation som tävlingen efterfrågar.",
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
        json!({ "outcome": "qualified", "feedback": "Enkelt, billigt och efterfrågat av de boende." }),
    )
    .await?;
    let terraced_idea = assess(terraced_idea, vec![[5, 5, 4, 3, 3, 4, 3], [4, 5, 3, 3, 4, 4, 2]]).await?;
    c.post(
        &format!("/ideas/{terraced_idea}/decide"),
        team,
        json!({ "outcome": "qualified", "feedback": "Starkt socialt värde; inkubationen får skärpa affärsmodellen." }),
    )
    .await?;
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
        json!({ "scores": scores([4, 5, 4, 3, 3, 4, 4]), "comment": "Lovande; pröva hur det fungerar på vintern." }),
    )
    .await?;
    c.post(
        &format!("/ideas/{cargo_idea}/assignments"),
        team,
        json!({ "assessor_id": region.id }),
    )
    .await?;

    // Step 4: incubation.
    c.post(&format!("/ideas/{terraced_idea}/start-incubation"), team, json!({ "support_organisation_id": almi, "plan": "Affärsmodell för arbetslokalerna mot odlingen; finansiering tillsammans med bostadsbolaget." })).await?;
    let milestone = c
        .post(
            &format!("/ideas/{terraced_idea}/incubation/milestones"),
            green,
            json!({ "title": "Avsiktsförklaring med bostadsbolaget", "due_on": today + Duration::days(30) }),
        )
        .await?;
    c.post(&format!("/milestones/{milestone}/complete"), green, json!({}))
        .await?;
    c.post(
        &format!("/ideas/{terraced_idea}/incubation/milestones"),
        green,
        json!({ "title": "Kostnadsberäknad bygglovsansökan", "due_on": today + Duration::days(90) }),
    )
    .await?;
    c.post(
        &format!("/ideas/{}/start-incubation", qualified[2]),
        team,
        json!({ "support_organisation_id": minc, "plan": "Driftsmodell för delningsnavet." }),
    )
    .await?;

    // Step 5: testing.
    let site = |name: &str, host: &str, host_organisation_id: &str| json!({ "site": name, "host": host, "host_organisation_id": host_organisation_id, "starts_on": today - Duration::days(120), "ends_on": today - Duration::days(10), "success_criteria": "De boende använder det varje vecka; kostnaderna håller budget." });
    c.post(
        &format!("/ideas/{qr}/start-testing"),
        team,
        site("Återvinningsstationen i Rosengård", "MKB Fastighets AB", &mkb),
    )
    .await?;
    c.post(&format!("/ideas/{qr}/test/spread-activities"), team, json!({ "kind": "learning_workshop", "title": "Vad 400 hushåll lärde oss om fulla kärl", "held_on": today - Duration::days(5) })).await?;
    c.post(&format!("/ideas/{qr}/test/spread-activities"), team, json!({ "kind": "property_owner_dialogue", "title": "Fastighetsägarfrukost om behovsstyrd tömning", "held_on": today - Duration::days(2) })).await?;
    c.post(&format!("/ideas/{qr}/complete"), team, json!({ "outcome": "adopted", "results": "Överfulla kärl minskade från 11 till 2 i månaden; 63 % av hushållen skannade minst en gång.", "lessons_learned": "Sätt koden i ögonhöjd och berätta för de boende vad som hände efter deras anmälan." })).await?;
    c.post(
        &format!("/ideas/{}/start-testing", qualified[0]),
        team,
        site("Sege Park, kvarter 3", "Byggkonsortiet Sege Park", &consortium),
    )
    .await?;
    c.post(
        &format!("/ideas/{}/start-testing", qualified[1]),
        team,
        site("Sege Park, kvarter 5", "Sege Park Fastigheter AB", &site_owner),
    )
    .await?;
    c.post(
        &format!("/ideas/{}/discontinue", qualified[3]),
        team,
        json!({ "reason": "Byggaktören drog sig ur markanvisningen." }),
    )
    .await?;

    // The obstacle diary.
    let mut logged = Vec::new();
    for (subject_type, subject, category, step, description) in [
        (
            "challenge",
            &sege_park,
            "regulation",
            5,
            "Detaljplanen tillåter inte gemensamma parkeringshus i kvarteren.",
        ),
        (
            "idea",
            &qr,
            "data",
            5,
            "Renhållarens tömningsdata kunde inte delas utan ett nytt avtal.",
        ),
        (
            "challenge",
            &carless,
            "procurement",
            2,
            "Avfallsavtalet ger inget utrymme att testa en ny insamlingstjänst.",
        ),
        (
            "idea",
            &terraced_idea,
            "financing",
            4,
            "Bankerna ville inte låna ut mot arbetslokaler i bostadshus.",
        ),
    ] {
        logged.push(c.post("/obstacles", team, json!({ "subject_type": subject_type, "subject_id": subject, "category": category, "description": description, "step": step })).await?);
    }
    // What the city cannot remove by itself is raised to those who can (SPEC §18): the
    // building rules to the national authority, which has answered; the loan rules to
    // the banks' association, which has not yet.
    c.post(
        &format!("/obstacles/{}/raise", logged[0]),
        team,
        json!({
            "raised_to": "Boverket",
            "brief": "Plan- och byggreglerna räknar parkering per fastighet. Sege Park vill att kvarteren delar parkeringshus, så att gatorna kan bli gröna. Vi ber Boverket förtydliga hur en gemensam mobilitetslösning kan godtas i detaljplanen.",
        }),
    )
    .await?;
    c.post(
        &format!("/obstacles/{}/answer", logged[0]),
        team,
        json!({
            "answer": "Boverket tar upp frågan i vägledningen om parkering och mobilitet 2027 och bjuder in Malmö stad till en hearing i vår.",
        }),
    )
    .await?;
    c.post(
        &format!("/obstacles/{}/raise", logged[3]),
        team,
        json!({
            "raised_to": "Svenska Bankföreningen",
            "brief": "Arbetslokaler i bostadshus värderas som bostäder, så de som vill bo och arbeta i samma hus får inte lån för lokaldelen. Vi ber föreningen ta fram en gemensam bedömningsgrund.",
        }),
    )
    .await?;
    Ok(())
}
