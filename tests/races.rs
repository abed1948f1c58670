//! Commands that race on one item over real HTTP: of N concurrent commands, exactly one
//! wins (SPEC §7), and only the winner writes an event.

use serde_json::json;
use sluss_domain::Role;

use crate::helpers::*;

/// Sends every request at once and returns the statuses, in the order given.
async fn statuses_of(requests: Vec<reqwest::RequestBuilder>) -> Vec<u16> {
    let sent = requests.into_iter().map(|request| {
        let sent = request.send();
        async move { sent.await.map(|r| r.status().as_u16()) }
    });
    futures_util::future::join_all(sent)
        .await
        .into_iter()
        .map(|r| r.expect("request sent"))
        .collect()
}

#[tokio::test]
async fn of_concurrent_deletes_of_one_assignment_one_answers_204_and_the_others_404() {
    // Arrange: a submitted idea with one assessor assigned
    let app = spawn_app().await;
    let owner = app.needs_owner().await;
    let facilitator = app.facilitator().await;
    let innovator = app.innovator().await;
    let assessor = app.user_in(&[Role::Assessor], Some("Panel")).await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = app.submitted_idea(&innovator, &challenge, "Bins that call").await;
    let assignment = app
        .post(
            &format!("/ideas/{idea}/assignments"),
            Some(&facilitator.token),
            json!({ "assessor_id": assessor.id }),
        )
        .await
        .expect(201)
        .id();
    let server = app.serve().await;
    let client = reqwest::Client::new();

    // Act: 16 deletes at once
    let requests = (0..16)
        .map(|_| {
            client
                .delete(format!("{}/assignments/{assignment}", server.base_url))
                .bearer_auth(&facilitator.token)
        })
        .collect();
    let statuses = statuses_of(requests).await;

    // Assert: one removal, the rest find it gone; one event
    assert_eq!(statuses.iter().filter(|s| **s == 204).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 204 || *s == 404), "{statuses:?}");
    let sql = "SELECT COUNT(*) AS n FROM events WHERE command = 'unassign'";
    assert_eq!(app.count(sql).await, 1);
}

#[tokio::test]
async fn of_two_facilitators_deactivating_each_other_at_once_exactly_one_wins() {
    // Arrange: pairs of facilitators, each pair about to deactivate each other
    let app = spawn_app().await;
    let mut pairs = Vec::new();
    for _ in 0..8 {
        pairs.push((app.facilitator().await, app.facilitator().await));
    }
    let server = app.serve().await;
    let client = reqwest::Client::new();

    // Act: within each pair, both at once; all pairs at once
    let deactivate = |actor: &TestUser, target: &TestUser| {
        client
            .post(format!("{}/users/{}/deactivate", server.base_url, target.id))
            .bearer_auth(&actor.token)
            .json(&json!({}))
    };
    let requests = pairs
        .iter()
        .flat_map(|(a, b)| [deactivate(a, b), deactivate(b, a)])
        .collect();
    let statuses = statuses_of(requests).await;

    // Assert: in each pair one succeeds and the other, deactivated by it, is refused as
    // signed out; one deactivation per pair is recorded and one of the two stays active
    for (pair, answers) in statuses.chunks(2).enumerate() {
        let mut sorted = answers.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![200, 401], "pair {pair}: {statuses:?}");
    }
    let events = "SELECT COUNT(*) AS n FROM events WHERE command = 'deactivate'";
    assert_eq!(app.count(events).await, 8);
    let active = "SELECT COUNT(*) AS n FROM users WHERE active";
    assert_eq!(app.count(active).await, 8);
}
