//! Documents (SPEC §15): files on challenges, ideas and tests — upload, list, download,
//! delete; the type decided by content; the limits; who may add, remove and read them;
//! blind assessment; the export, erasure and the sweep. Run against the store the tests
//! are given (`SLUSS_TEST_STORAGE_URL`, an S3-compatible server) or a folder on disk.

use std::io::Write;

use poem::http::Method;
use poem::test::{TestForm, TestFormField};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sluss_api::state::{AuthSettings, FileSettings, HttpSettings};
use sluss_domain::Role;

use crate::helpers::*;
use crate::steps::{complete, qualify, start_testing, submitted_idea};

pub(crate) const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
pub(crate) const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

/// A zip holding `entries` (name, text), the first one stored as OpenDocument requires.
fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut bytes);
        for (i, (name, text)) in entries.iter().enumerate() {
            let method = if i == 0 {
                zip::CompressionMethod::Stored
            } else {
                zip::CompressionMethod::Deflated
            };
            zip.start_file(
                *name,
                zip::write::SimpleFileOptions::default().compression_method(method),
            )
            .unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }
    bytes.into_inner()
}

fn office(main: &str) -> Vec<u8> {
    let types = format!(
        "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
         <Override PartName=\"/word/document.xml\" ContentType=\"{main}\"/></Types>"
    );
    zip_of(&[("[Content_Types].xml", &types), ("word/document.xml", "<w:document/>")])
}

/// Uploads `bytes` as `filename` to `path` (`/ideas/{id}/attachments`, …).
pub(crate) async fn attach(app: &TestApp, path: &str, token: Option<&str>, filename: &str, bytes: &[u8]) -> Reply {
    attach_described(app, path, token, filename, bytes, None).await
}

/// Sends `bytes` as the multipart part `file` named `filename` to the API's `path`.
pub(crate) async fn send_file(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    filename: &str,
    bytes: &[u8],
) -> Reply {
    send_form(app, method, path, token, file_form(filename, bytes)).await
}

fn file_form(filename: &str, bytes: &[u8]) -> TestForm {
    TestForm::new().field(
        TestFormField::bytes(bytes.to_vec())
            .name("file")
            .filename(filename)
            .content_type("application/octet-stream"),
    )
}

async fn send_form(app: &TestApp, method: Method, path: &str, token: Option<&str>, form: TestForm) -> Reply {
    let mut request = app.client.request(method, format!("/api/v1{path}")).multipart(form);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    reply_of(request.send().await.0).await
}

async fn attach_described(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    filename: &str,
    bytes: &[u8],
    description: Option<&str>,
) -> Reply {
    let mut form = file_form(filename, bytes);
    if let Some(description) = description {
        form = form.text("description", description);
    }
    send_form(app, Method::POST, path, token, form).await
}

fn items(reply: &Reply) -> Vec<Value> {
    reply.body["items"].as_array().cloned().unwrap_or_default()
}

/// A published challenge of a needs-owner, a submitted idea on it, and the people.
struct Scene {
    facilitator: TestUser,
    owner: TestUser,
    innovator: TestUser,
    challenge: String,
    idea: String,
}

async fn scene(app: &TestApp) -> Scene {
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = submitted_idea(app, &innovator, &challenge).await;
    Scene {
        facilitator,
        owner,
        innovator,
        challenge,
        idea,
    }
}

#[tokio::test]
async fn an_innovator_attaches_lists_downloads_and_removes_a_file_of_their_idea() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let path = format!("/ideas/{}/attachments", s.idea);
    let added = attach_described(
        &app,
        &path,
        Some(&s.innovator.token),
        "Budget 2027.pdf",
        PDF,
        Some("Budget and time plan"),
    )
    .await
    .expect(201);
    assert_eq!(added.str("filename"), "Budget 2027.pdf");
    assert_eq!(added.str("content_type"), "application/pdf");
    assert_eq!(added.body["size"], json!(PDF.len()));
    assert_eq!(added.str("sha256"), hex::encode(Sha256::digest(PDF)));
    assert_eq!(added.str("description"), "Budget and time plan");
    assert_eq!(added.body["uploaded_by"]["id"], json!(s.innovator.id));
    assert_eq!(added.str("parent_kind"), "idea");
    assert!(added.body["created_at"].is_string());
    let id = added.id();

    let listed = app.get(&path, Some(&s.innovator.token)).await.expect(200);
    assert_eq!(items(&listed).len(), 1);
    assert_eq!(items(&listed)[0]["id"], json!(id));

    let download = app
        .get(&format!("/attachments/{id}"), Some(&s.innovator.token))
        .await
        .expect(200);
    assert_eq!(download.text.as_bytes(), PDF);
    assert_eq!(download.header("content-type"), Some("application/pdf"));
    let disposition = download.header("content-disposition").unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''Budget%202027.pdf"),
        "{disposition}"
    );
    assert_eq!(download.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(download.header("content-security-policy"), Some("sandbox"));

    app.call(
        Method::DELETE,
        &format!("/attachments/{id}"),
        Some(&s.innovator.token),
        None,
    )
    .await
    .expect(204);
    assert!(items(&app.get(&path, Some(&s.innovator.token)).await.expect(200)).is_empty());
    app.get(&format!("/attachments/{id}"), Some(&s.innovator.token))
        .await
        .expect_problem(404);

    let history = app
        .get(&format!("/ideas/{}/history", s.idea), Some(&s.innovator.token))
        .await
        .expect(200);
    let commands = history.commands();
    assert!(commands.contains(&"attach_file".to_owned()), "{commands:?}");
    assert!(commands.contains(&"remove_file".to_owned()), "{commands:?}");
}

#[tokio::test]
async fn the_type_is_decided_by_the_content_never_by_the_name() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let path = format!("/ideas/{}/attachments", s.idea);
    let token = Some(s.innovator.token.as_str());
    let docx = office("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml");
    let docm = office("application/vnd.ms-word.document.macroEnabled.main+xml");
    let odt = zip_of(&[
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        ("content.xml", "<office:document-content/>"),
    ]);
    let accepted: [(&str, &[u8], &str, &str); 6] = [
        (
            "plan.docx",
            &docx,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "plan.docx",
        ),
        ("plan.odt", &odt, "application/vnd.oasis.opendocument.text", "plan.odt"),
        ("picture.txt", PNG, "image/png", "picture.png"),
        (
            "readings.csv",
            b"station;full\nA;3\nB;1\n",
            "text/csv; charset=utf-8",
            "readings.csv",
        ),
        (
            "notes",
            "Mätningar vecka 12\n".as_bytes(),
            "text/plain; charset=utf-8",
            "notes.txt",
        ),
        ("scan.pdf", PDF, "application/pdf", "scan.pdf"),
    ];
    for (name, bytes, content_type, kept) in accepted {
        let added = attach(&app, &path, token, name, bytes).await.expect(201);
        assert_eq!(added.str("content_type"), content_type, "{name}");
        assert_eq!(added.str("filename"), kept, "{name}");
    }
    let refused: [(&str, &[u8]); 7] = [
        ("innocent.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        (
            "logo.png",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
        ),
        ("setup.pdf", b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0"),
        ("tool.txt", b"\x7fELF\x02\x01\x01\0\0\0\0\0"),
        ("macro.docx", &docm),
        ("bundle.zip", &zip_of(&[("a.txt", "a"), ("b.txt", "b")])),
        ("empty-looking.txt", b"\0\0\0\0"),
    ];
    for (name, bytes) in refused {
        let reply = attach(&app, &path, token, name, bytes).await.expect_problem(422);
        assert_eq!(reply.fields(), ["file"], "{name}: {}", reply.text);
    }
    let empty = attach(&app, &path, token, "nothing.txt", b"").await.expect_problem(422);
    assert_eq!(empty.fields(), ["file"]);
    assert_eq!(items(&app.get(&path, token).await.expect(200)).len(), accepted.len());
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_with_413_while_it_streams() {
    let http = HttpSettings {
        files: FileSettings {
            max_upload_bytes: 256 * 1024,
            ..FileSettings::default()
        },
        ..HttpSettings::default()
    };
    let app = spawn_app_configured(AuthSettings::default(), http).await;
    let s = scene(&app).await;
    let path = format!("/ideas/{}/attachments", s.idea);
    let mut at_limit = "a;b\n".repeat(64 * 1024).into_bytes();
    at_limit.truncate(256 * 1024);
    attach(&app, &path, Some(&s.innovator.token), "at-limit.csv", &at_limit)
        .await
        .expect(201);
    // Over the limit by a little (the file alone), and by far (the whole body).
    for size in [256 * 1024 + 1, 2 * 1024 * 1024] {
        let big = vec![b'x'; size];
        attach(&app, &path, Some(&s.innovator.token), "big.txt", &big)
            .await
            .expect_problem(413);
    }
    let listed = app.get(&path, Some(&s.innovator.token)).await.expect(200);
    assert_eq!(items(&listed).len(), 1, "nothing of the refused uploads is kept");
}

#[tokio::test]
async fn a_record_holds_twenty_files_and_the_twenty_first_answers_409() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let path = format!("/challenges/{}/attachments", s.challenge);
    for i in 0..20 {
        attach(&app, &path, Some(&s.facilitator.token), &format!("map-{i}.pdf"), PDF)
            .await
            .expect(201);
    }
    attach(&app, &path, Some(&s.facilitator.token), "one-more.pdf", PDF)
        .await
        .expect_problem(409);
    assert_eq!(items(&app.get(&path, None).await.expect(200)).len(), 20);
}

#[tokio::test]
async fn the_owner_changes_a_challenges_files_until_it_is_submitted_and_the_team_always() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let other_owner = app.needs_owner().await;
    let challenge = app.draft_challenge(&owner).await;
    let path = format!("/challenges/{challenge}/attachments");
    let plan = attach(&app, &path, Some(&owner.token), "floor-plan.pdf", PDF)
        .await
        .expect(201);
    // A draft is its owner's and the team's: anyone else does not see it.
    attach(&app, &path, Some(&other_owner.token), "x.pdf", PDF)
        .await
        .expect_problem(404);
    app.get(&path, None).await.expect_problem(404);
    app.get(&format!("/attachments/{}", plan.id()), None)
        .await
        .expect_problem(404);

    app.challenge_command(&challenge, "submit", &owner.token, json!({}))
        .await;
    attach(&app, &path, Some(&owner.token), "late.pdf", PDF)
        .await
        .expect_problem(409);
    app.call(
        Method::DELETE,
        &format!("/attachments/{}", plan.id()),
        Some(&owner.token),
        None,
    )
    .await
    .expect_problem(409);
    attach(&app, &path, Some(&facilitator.token), "checked.pdf", PDF)
        .await
        .expect(201);

    app.challenge_command(&challenge, "publish", &facilitator.token, json!({}))
        .await;
    // Published: the files are public, their uploader shown only to signed-in viewers.
    let public = app.get(&path, None).await.expect(200);
    assert_eq!(items(&public).len(), 2);
    assert!(items(&public).iter().all(|file| file["uploaded_by"].is_null()));
    let signed_in = app.get(&path, Some(&other_owner.token)).await.expect(200);
    assert_eq!(items(&signed_in)[0]["uploaded_by"]["id"], json!(owner.id));
    let bytes = app.get(&format!("/attachments/{}", plan.id()), None).await.expect(200);
    assert_eq!(bytes.text.as_bytes(), PDF);
    attach(&app, &path, Some(&other_owner.token), "x.pdf", PDF)
        .await
        .expect_problem(403);
    attach(&app, &path, None, "x.pdf", PDF).await.expect_problem(401);
}

#[tokio::test]
async fn the_ideas_team_changes_its_files_until_the_decision_and_others_may_only_read() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let assessor = app.assessor().await;
    let other = app.innovator().await;
    let path = format!("/ideas/{}/attachments", s.idea);
    let pitch = attach(&app, &path, Some(&s.innovator.token), "pitch.pdf", PDF)
        .await
        .expect(201);
    // Another innovator does not see the idea; the needs-owner reads but does not add.
    attach(&app, &path, Some(&other.token), "x.pdf", PDF)
        .await
        .expect_problem(404);
    app.get(&path, Some(&other.token)).await.expect_problem(404);
    app.get(&format!("/attachments/{}", pitch.id()), Some(&other.token))
        .await
        .expect_problem(404);
    app.get(&path, None).await.expect_problem(401);
    assert_eq!(items(&app.get(&path, Some(&s.owner.token)).await.expect(200)).len(), 1);
    attach(&app, &path, Some(&s.owner.token), "x.pdf", PDF)
        .await
        .expect_problem(403);
    app.call(
        Method::DELETE,
        &format!("/attachments/{}", pitch.id()),
        Some(&s.owner.token),
        None,
    )
    .await
    .expect_problem(403);
    // An assessor not assigned does not see it.
    app.get(&path, Some(&assessor.token)).await.expect_problem(404);

    qualify(&app, &s.idea, &s.facilitator).await;
    attach(&app, &path, Some(&s.innovator.token), "after.pdf", PDF)
        .await
        .expect_problem(409);
    app.call(
        Method::DELETE,
        &format!("/attachments/{}", pitch.id()),
        Some(&s.innovator.token),
        None,
    )
    .await
    .expect_problem(409);
    attach(&app, &path, Some(&s.facilitator.token), "decision-memo.pdf", PDF)
        .await
        .expect(201);
    app.call(
        Method::DELETE,
        &format!("/attachments/{}", pitch.id()),
        Some(&s.facilitator.token),
        None,
    )
    .await
    .expect(204);
}

#[tokio::test]
async fn a_tests_files_are_added_by_the_ideas_team_while_it_runs() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    qualify(&app, &s.idea, &s.facilitator).await;
    start_testing(&app, &s.idea, &s.facilitator).await.expect(200);
    let test = app
        .get(&format!("/ideas/{}/test", s.idea), Some(&s.innovator.token))
        .await
        .expect(200);
    let path = format!("/tests/{}/attachments", test.str("id"));
    let report = attach(
        &app,
        &path,
        Some(&s.innovator.token),
        "week-1.csv",
        b"day;bookings\n1;4\n2;6\n",
    )
    .await
    .expect(201);
    assert_eq!(report.str("parent_kind"), "test");
    assert_eq!(report.str("parent_id"), test.str("id"));
    attach(&app, &path, Some(&s.owner.token), "x.pdf", PDF)
        .await
        .expect_problem(403);
    assert_eq!(items(&app.get(&path, Some(&s.owner.token)).await.expect(200)).len(), 1);

    complete(&app, &s.idea, &s.facilitator, "adopted").await.expect(200);
    attach(&app, &path, Some(&s.innovator.token), "late.pdf", PDF)
        .await
        .expect_problem(409);
    attach(&app, &path, Some(&s.facilitator.token), "final-report.pdf", PDF)
        .await
        .expect(201);
    app.get(
        &format!("/tests/{}/attachments", uuid::Uuid::now_v7()),
        Some(&s.facilitator.token),
    )
    .await
    .expect_problem(404);
}

#[tokio::test]
async fn in_a_blind_challenge_the_panel_reads_the_files_but_not_who_uploaded_them() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let assessor = app.assessor().await;
    let challenge = app.submitted_challenge(&owner).await;
    app.challenge_command(
        &challenge,
        "publish",
        &facilitator.token,
        json!({ "blind_assessment": true }),
    )
    .await;
    let idea = submitted_idea(&app, &innovator, &challenge).await;
    let path = format!("/ideas/{idea}/attachments");
    let file = attach(&app, &path, Some(&innovator.token), "pitch.pdf", PDF)
        .await
        .expect(201);
    crate::assessment::start_assessment(&app, &idea, &facilitator).await;
    crate::steps::assign(&app, &idea, &facilitator, &assessor.id).await;

    let panel = app.get(&path, Some(&assessor.token)).await.expect(200);
    assert_eq!(items(&panel).len(), 1);
    assert!(items(&panel)[0]["uploaded_by"].is_null(), "{}", panel.text);
    app.get(&format!("/attachments/{}", file.id()), Some(&assessor.token))
        .await
        .expect(200);
    attach(&app, &path, Some(&assessor.token), "x.pdf", PDF)
        .await
        .expect_problem(403);
    let own = app.get(&path, Some(&innovator.token)).await.expect(200);
    assert_eq!(items(&own)[0]["uploaded_by"]["id"], json!(innovator.id));
    let team = app.get(&path, Some(&facilitator.token)).await.expect(200);
    assert_eq!(items(&team)[0]["uploaded_by"]["id"], json!(innovator.id));
}

#[tokio::test]
async fn an_upload_without_a_file_part_answers_400_and_keeps_nothing() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let request = app
        .client
        .request(Method::POST, format!("/api/v1/ideas/{}/attachments", s.idea))
        .header("authorization", format!("Bearer {}", s.innovator.token))
        .multipart(TestForm::new().text("description", "no file"));
    reply_of(request.send().await.0).await.expect_problem(400);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM attachments").await, 0);
}

#[tokio::test]
async fn the_export_lists_ones_files_and_erasure_deletes_those_on_ones_own_records() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let own = attach(
        &app,
        &format!("/ideas/{}/attachments", s.idea),
        Some(&s.innovator.token),
        "pitch.pdf",
        PDF,
    )
    .await
    .expect(201);
    let team_file = attach(
        &app,
        &format!("/ideas/{}/attachments", s.idea),
        Some(&s.facilitator.token),
        "memo.pdf",
        PDF,
    )
    .await
    .expect(201);
    let export = app.get("/me/export", Some(&s.innovator.token)).await.expect(200);
    let files = export.body["files"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0]["id"], json!(own.id()));
    assert_eq!(files[0]["filename"], json!("pitch.pdf"));
    assert_eq!(files[0]["sha256"], json!(own.str("sha256")));

    app.post(
        &format!("/users/{}/erase", s.innovator.id),
        Some(&s.facilitator.token),
        json!({}),
    )
    .await
    .expect(200);
    app.get(&format!("/attachments/{}", own.id()), Some(&s.facilitator.token))
        .await
        .expect_problem(404);
    assert!(
        app.state.http.files.store.get(own.id().parse().unwrap()).await.is_err(),
        "the bytes went with the row"
    );
    // The team's file on the idea stays.
    app.get(&format!("/attachments/{}", team_file.id()), Some(&s.facilitator.token))
        .await
        .expect(200);
    let history = app
        .get(&format!("/ideas/{}/history", s.idea), Some(&s.facilitator.token))
        .await
        .expect(200);
    assert!(history.commands().contains(&"attach_file".to_owned()));
}

#[tokio::test]
async fn the_sweep_removes_bytes_without_a_row_and_keeps_the_rest() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let kept = attach(
        &app,
        &format!("/ideas/{}/attachments", s.idea),
        Some(&s.innovator.token),
        "pitch.pdf",
        PDF,
    )
    .await
    .expect(201);
    // Bytes an upload wrote before it was cut off: no row points at them.
    let orphan = uuid::Uuid::now_v7();
    let spooled = tempfile::tempfile().unwrap();
    let mut file = tokio::fs::File::from_std(spooled);
    tokio::io::AsyncWriteExt::write_all(&mut file, PDF).await.unwrap();
    tokio::io::AsyncSeekExt::seek(&mut file, std::io::SeekFrom::Start(0))
        .await
        .unwrap();
    app.state
        .http
        .files
        .store
        .put(orphan, file, PDF.len() as u64)
        .await
        .unwrap();

    // Within the grace period nothing goes: an upload may still be writing its row.
    let removed = sluss_api::app::attachments::sweep(&app.state, chrono::Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(removed, 0);
    let removed = sluss_api::app::attachments::sweep(&app.state, chrono::Duration::seconds(-5))
        .await
        .unwrap();
    assert_eq!(removed, 1);
    assert!(app.state.http.files.store.get(orphan).await.is_err());
    app.get(&format!("/attachments/{}", kept.id()), Some(&s.innovator.token))
        .await
        .expect(200);
}

#[tokio::test]
async fn a_needs_owner_or_assessor_role_changes_nothing_on_someone_elses_idea() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let both = app.user(&[Role::NeedsOwner, Role::Assessor]).await;
    attach(
        &app,
        &format!("/ideas/{}/attachments", s.idea),
        Some(&both.token),
        "x.pdf",
        PDF,
    )
    .await
    .expect_problem(404);
}

#[tokio::test]
async fn on_the_idea_page_a_blind_challenge_warns_the_team_and_pictures_are_shown() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let blind = app.submitted_challenge(&owner).await;
    app.challenge_command(
        &blind,
        "publish",
        &facilitator.token,
        json!({ "blind_assessment": true }),
    )
    .await;
    let open = app.published_challenge(&owner, &facilitator).await;
    let warning = "Assessors read these files without knowing who you are";
    for (challenge, warns) in [(&blind, true), (&open, false)] {
        let idea = submitted_idea(&app, &innovator, challenge).await;
        let (status, page) = app.page(&format!("/ideas/{idea}"), Some(&innovator), "en").await;
        assert_eq!(status, 200);
        assert!(page.contains("Attach file"), "the team is offered the form");
        assert_eq!(page.contains(warning), warns, "blind: {warns}");
        let picture = attach(
            &app,
            &format!("/ideas/{idea}/attachments"),
            Some(&innovator.token),
            "site.png",
            PNG,
        )
        .await
        .expect(201)
        .id();
        let (_, page) = app.page(&format!("/ideas/{idea}"), Some(&innovator), "en").await;
        assert!(
            page.contains(&format!("src=\"/files/{picture}/inline\"")),
            "the picture is shown"
        );
        // The needs-owner reads the idea and its files but is offered no form.
        let (_, page) = app.page(&format!("/ideas/{idea}"), Some(&owner), "en").await;
        assert!(page.contains(&format!("href=\"/files/{picture}\"")));
        assert!(!page.contains("Attach file"));
    }
}

#[tokio::test]
async fn an_upload_with_a_part_the_operation_does_not_declare_answers_400_and_stores_nothing() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let path = format!("/challenges/{}/attachments", s.challenge);
    for extra in ["", "note"] {
        let form = file_form("map.pdf", PDF).text(extra, "[1, 2]");
        let reply = send_form(&app, Method::POST, &path, Some(&s.facilitator.token), form).await;
        let problem = reply.expect_problem(400);
        assert!(problem.text.contains("unknown field"), "{extra:?}: {}", problem.text);
    }
    // The logo takes one part, `file`, too.
    let logo = TestForm::new()
        .field(
            TestFormField::bytes(PNG.to_vec())
                .name("file")
                .filename("logo.png")
                .content_type("image/png"),
        )
        .text("colour", "red");
    send_form(&app, Method::PUT, "/site/logo", Some(&s.facilitator.token), logo)
        .await
        .expect_problem(400);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM attachments").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM site_logo").await, 0);
}
