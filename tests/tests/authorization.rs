//! Every endpoint × every kind of caller, with the expected allow or deny: no cross-shop
//! income leak, no download without entitlement, nobody reviews their own application.

#![allow(clippy::unwrap_used, clippy::too_many_lines)] // Test code: a failed unwrap is a failed test; journeys are long.

use reqwest::Method;
use serde_json::json;
use shrimp_api::{ApplicationDraft, ShopKindView};
use shrimp_client::Client;
use shrimp_domain::Fen;
use shrimp_tests::server::{Backend, TestServer, sine_file, story};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    Listener,
    OtherOwner,
    Owner,
    Reviewer,
    Operator,
}

const CALLERS: [Caller; 6] = [
    Caller::Anonymous,
    Caller::Listener,
    Caller::OtherOwner,
    Caller::Owner,
    Caller::Reviewer,
    Caller::Operator,
];

struct World {
    server: TestServer,
    tokens: Vec<(Caller, Option<String>)>,
    shop: String,
    track: String,
    order: String,
    application: String,
    payout: String,
}

/// A new account: its client and its raw token (the matrix sends requests by hand).
async fn account(server: &TestServer, email: &str) -> (Client, String) {
    story::account_with_token(server, email).await.unwrap()
}

fn draft(name: &str) -> ApplicationDraft {
    story::draft(ShopKindView::Independent, name)
}

async fn world() -> World {
    let server = TestServer::start(Backend::Sqlite).await.unwrap();
    let audio = tempfile::tempdir().unwrap();
    let sample = std::fs::read(sine_file(audio.path(), "s.wav", 440, 1.0).unwrap()).unwrap();
    let (reviewer, reviewer_token) = account(&server, "reviewer@t.test").await;
    server.grant_reviewer("reviewer@t.test").await.unwrap();
    let (_, operator_token) = account(&server, "operator@t.test").await;
    server.grant_operator("operator@t.test").await.unwrap();
    let mut shops = Vec::new();
    let mut owner_tokens = Vec::new();
    for email in ["owner@t.test", "other@t.test"] {
        let (owner, token) = account(&server, email).await;
        let kind = ShopKindView::Independent;
        let shop = story::open_shop(&owner, &reviewer, kind, email, &sample)
            .await
            .unwrap();
        shops.push((owner, shop));
        owner_tokens.push(token);
    }
    let (owner, shop) = &shops[0];
    let track = story::publish_track(owner, shop, "T", Some(Fen(99)), &sample)
        .await
        .unwrap();
    let (listener, listener_token) = account(&server, "listener@t.test").await;
    let order = listener.create_order(&track, "k").await.unwrap();
    let payout = owner.request_payout(shop, Fen(1), "p").await.unwrap();
    // A pending application by someone else, for the review endpoints.
    let (applicant, _) = account(&server, "applicant@t.test").await;
    let application = applicant
        .create_application(&draft("applicant"))
        .await
        .unwrap();
    applicant
        .upload_sample(&application.id, sample.clone())
        .await
        .unwrap();
    applicant.submit_application(&application.id).await.unwrap();
    World {
        tokens: vec![
            (Caller::Anonymous, None),
            (Caller::Listener, Some(listener_token)),
            (Caller::OtherOwner, Some(owner_tokens[1].clone())),
            (Caller::Owner, Some(owner_tokens[0].clone())),
            (Caller::Reviewer, Some(reviewer_token)),
            (Caller::Operator, Some(operator_token)),
        ],
        shop: shop.clone(),
        track,
        order: order.id,
        application: application.id,
        payout: payout.id,
        server,
    }
}

/// Sends one request as `caller`; returns the status.
async fn status(
    world: &World,
    caller: Caller,
    method: &Method,
    path: &str,
    body: Option<&serde_json::Value>,
) -> u16 {
    let http = reqwest::Client::new();
    let mut request = http.request(
        method.clone(),
        format!("{}/api/v1{path}", world.server.base_url),
    );
    if let Some((_, Some(token))) = world.tokens.iter().find(|(who, _)| *who == caller) {
        request = request.bearer_auth(token);
    }
    // Money-moving endpoints need a key; everything else ignores it.
    request = request.header("Idempotency-Key", format!("{caller:?}"));
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn every_endpoint_allows_exactly_the_right_callers() {
    use Caller::{Anonymous, Listener, Operator, OtherOwner, Owner, Reviewer};
    let world = world().await;
    let (shop, track, order, app) = (&world.shop, &world.track, &world.order, &world.application);
    let payout = &world.payout;
    let new_track =
        json!({"title": "N", "artists": "A", "genre": "folk", "price": null, "lyrics": null});
    let everyone: &[Caller] = &CALLERS;
    let signed_in: &[Caller] = &[Listener, OtherOwner, Owner, Reviewer, Operator];
    // (method, path, body, who is allowed). Mutations that can only happen once come last.
    let matrix: Vec<(Method, String, Option<serde_json::Value>, &[Caller])> = vec![
        (Method::GET, "/shops".into(), None, everyone),
        (Method::GET, format!("/shops/{shop}"), None, everyone),
        (Method::GET, format!("/shops/{shop}/tracks"), None, everyone),
        (Method::GET, "/tracks".into(), None, everyone),
        (Method::GET, format!("/tracks/{track}"), None, everyone),
        (
            Method::GET,
            format!("/tracks/{track}/preview"),
            None,
            everyone,
        ),
        (Method::GET, "/me".into(), None, signed_in),
        (Method::GET, "/orders".into(), None, signed_in),
        (
            Method::GET,
            format!("/orders/{order}"),
            None,
            &[Listener, Owner, Operator],
        ),
        (Method::GET, format!("/shops/{shop}/income"), None, &[Owner]),
        (
            Method::GET,
            format!("/shops/{shop}/income/daily"),
            None,
            &[Owner],
        ),
        (
            Method::GET,
            format!("/shops/{shop}/income/tracks"),
            None,
            &[Owner],
        ),
        (
            Method::GET,
            format!("/shops/{shop}/statement.csv"),
            None,
            &[Owner],
        ),
        (
            Method::POST,
            format!("/shops/{shop}/tracks"),
            Some(new_track),
            &[Owner],
        ),
        (
            Method::PATCH,
            format!("/tracks/{track}"),
            Some(json!({})),
            &[Owner],
        ),
        (
            Method::POST,
            format!("/tracks/{track}/download-link"),
            None,
            &[Listener, Owner],
        ),
        (
            Method::GET,
            "/review/applications".into(),
            None,
            &[Reviewer],
        ),
        (
            Method::GET,
            format!("/review/applications/{app}"),
            None,
            &[Reviewer],
        ),
        (
            Method::GET,
            format!("/review/applications/{app}/sample"),
            None,
            &[Reviewer],
        ),
        (Method::GET, "/subscription/terms".into(), None, everyone),
        (Method::GET, "/subscription".into(), None, signed_in),
        (
            Method::GET,
            "/subscription/statements".into(),
            None,
            signed_in,
        ),
        (Method::GET, format!("/payments/{order}"), None, &[Listener]),
        (
            Method::GET,
            format!("/shops/{shop}/income/subscription"),
            None,
            &[Owner],
        ),
        (
            Method::GET,
            format!("/shops/{shop}/subscription-statements"),
            None,
            &[Owner],
        ),
        (
            Method::GET,
            format!("/shops/{shop}/payouts"),
            None,
            &[Owner],
        ),
        (
            Method::PUT,
            format!("/shops/{shop}/payout-schedule"),
            Some(json!({"cadence": "monthly", "minimum": 10000})),
            &[Owner],
        ),
        (
            Method::POST,
            format!("/shops/{shop}/payouts"),
            Some(json!({"amount": 1})),
            &[Owner],
        ),
        (Method::GET, "/settlements".into(), None, &[Operator]),
        (Method::GET, "/payouts".into(), None, &[Operator]),
        (
            Method::PUT,
            "/subscription/plan".into(),
            Some(json!({"price": 1000, "daily_download_cap": 100})),
            &[Operator],
        ),
        (
            Method::POST,
            "/settlements/2020-01".into(),
            None,
            &[Operator],
        ),
        (
            Method::POST,
            format!("/payouts/{payout}/sent"),
            None,
            &[Operator],
        ),
        (
            Method::POST,
            "/subscription".into(),
            Some(json!({})),
            signed_in,
        ),
        (Method::POST, "/subscription/cancel".into(), None, signed_in),
        (
            Method::POST,
            format!("/orders/{order}/refund"),
            None,
            &[Operator],
        ),
        (
            Method::POST,
            format!("/review/applications/{app}/approve"),
            None,
            &[Reviewer],
        ),
    ];
    let mut failures = Vec::new();
    for (method, path, body, allowed) in &matrix {
        // Callers who must be refused go first, so a once-only mutation is tried by the
        // allowed caller last.
        let mut order: Vec<Caller> = CALLERS
            .iter()
            .copied()
            .filter(|c| !allowed.contains(c))
            .collect();
        order.extend(allowed.iter().copied());
        for caller in order {
            let got = status(&world, caller, method, path, body.as_ref()).await;
            let ok = if allowed.contains(&caller) {
                (200..300).contains(&got)
            } else if caller == Anonymous {
                got == 401
            } else {
                got == 403 || got == 404
            };
            if !ok {
                failures.push(format!("{method} {path} as {caller:?}: {got}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "unexpected answers:\n{}",
        failures.join("\n")
    );
}
