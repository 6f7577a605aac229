//! The OpenAPI 3.1 document of `/api/v1`, served at `/api/v1/openapi.json`. The route table
//! below is checked against the router's source (every route documented) and against the
//! running router (every documented route answers).

use axum::Json;
use serde_json::{Map, Value, json};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Public,
    SignedIn,
    ShopOwner,
    Reviewer,
    Operator,
    SignedLink,
}

/// (method, path, summary, access)
pub const ROUTES: &[(&str, &str, &str, Access)] = &[
    (
        "post",
        "/accounts",
        "Register; returns a session",
        Access::Public,
    ),
    (
        "post",
        "/sessions",
        "Sign in; returns a session (rate limited)",
        Access::Public,
    ),
    ("delete", "/sessions/current", "Sign out", Access::SignedIn),
    ("get", "/me", "The signed-in account", Access::SignedIn),
    (
        "post",
        "/applications",
        "Start a shop application",
        Access::SignedIn,
    ),
    (
        "get",
        "/applications/mine",
        "My latest application with its history",
        Access::SignedIn,
    ),
    (
        "put",
        "/applications/{id}",
        "Edit a draft or rejected application",
        Access::SignedIn,
    ),
    (
        "put",
        "/applications/{id}/sample",
        "Upload the music sample (streamed, validated)",
        Access::SignedIn,
    ),
    (
        "post",
        "/applications/{id}/submit",
        "Submit for review",
        Access::SignedIn,
    ),
    (
        "get",
        "/review/applications",
        "Reviewer inbox: submitted applications",
        Access::Reviewer,
    ),
    (
        "get",
        "/review/applications/{id}",
        "One application",
        Access::Reviewer,
    ),
    (
        "get",
        "/review/applications/{id}/sample",
        "Stream the sample (Range)",
        Access::Reviewer,
    ),
    (
        "post",
        "/review/applications/{id}/approve",
        "Approve; the shop opens",
        Access::Reviewer,
    ),
    (
        "post",
        "/review/applications/{id}/reject",
        "Reject with a reason",
        Access::Reviewer,
    ),
    ("get", "/shops", "All shops", Access::Public),
    ("get", "/shops/{id}", "One shop", Access::Public),
    (
        "get",
        "/shops/{id}/tracks",
        "A shop's tracks (owners also see unpublished)",
        Access::Public,
    ),
    (
        "post",
        "/shops/{id}/tracks",
        "Add a track (price by the pricing rules)",
        Access::ShopOwner,
    ),
    (
        "get",
        "/tracks",
        "Browse: sort=new|top, genre, q (search), cursor, limit",
        Access::Public,
    ),
    ("get", "/tracks/{id}", "One track", Access::Public),
    (
        "patch",
        "/tracks/{id}",
        "Edit metadata, price, lyrics, publish",
        Access::ShopOwner,
    ),
    (
        "put",
        "/tracks/{id}/audio",
        "Upload the audio (streamed, fully decoded before acceptance)",
        Access::ShopOwner,
    ),
    (
        "get",
        "/tracks/{id}/preview",
        "The ≤ 30 s preview clip (WAV)",
        Access::Public,
    ),
    (
        "get",
        "/tracks/{id}/cover",
        "The track's cover (its own or its release's)",
        Access::Public,
    ),
    (
        "put",
        "/tracks/{id}/cover",
        "Upload a track's cover (PNG or JPEG)",
        Access::ShopOwner,
    ),
    (
        "get",
        "/releases",
        "The newest public releases",
        Access::Public,
    ),
    (
        "get",
        "/releases/{id}",
        "A release with its tracks in order",
        Access::Public,
    ),
    (
        "get",
        "/releases/{id}/cover",
        "A release's cover",
        Access::Public,
    ),
    (
        "put",
        "/releases/{id}/cover",
        "Upload a release's cover (PNG or JPEG)",
        Access::ShopOwner,
    ),
    (
        "get",
        "/shops/{id}/releases",
        "A shop's releases (the owner also sees unreleased ones)",
        Access::Public,
    ),
    (
        "post",
        "/shops/{id}/releases",
        "Create a release",
        Access::ShopOwner,
    ),
    (
        "get",
        "/store/home",
        "The store's front page in one response",
        Access::Public,
    ),
    (
        "get",
        "/store/selling-now",
        "The latest sales across the store (no buyers)",
        Access::Public,
    ),
    (
        "get",
        "/genres",
        "Genres with published tracks",
        Access::Public,
    ),
    (
        "post",
        "/orders",
        "Buy a track (Idempotency-Key header required)",
        Access::SignedIn,
    ),
    ("get", "/orders", "My orders", Access::SignedIn),
    (
        "get",
        "/orders/{id}",
        "One order (buyer, seller or operator)",
        Access::SignedIn,
    ),
    (
        "post",
        "/orders/{id}/refund",
        "Refund as a reversing ledger entry",
        Access::Operator,
    ),
    (
        "post",
        "/tracks/{id}/download-link",
        "A short-lived signed download link (entitled only)",
        Access::SignedIn,
    ),
    (
        "get",
        "/downloads/{id}",
        "The file (Range; X-Content-SHA256)",
        Access::SignedLink,
    ),
    (
        "get",
        "/shops/{id}/income",
        "Today, this month, all time, balance",
        Access::ShopOwner,
    ),
    (
        "get",
        "/shops/{id}/income/daily",
        "Daily sales series (days=N)",
        Access::ShopOwner,
    ),
    (
        "get",
        "/shops/{id}/income/tracks",
        "Per-track sales and downloads",
        Access::ShopOwner,
    ),
    (
        "get",
        "/shops/{id}/statement.csv",
        "CSV statement of every paid sale",
        Access::ShopOwner,
    ),
    (
        "get",
        "/shops/{id}/events",
        "Live income (Server-Sent Events, Last-Event-ID)",
        Access::ShopOwner,
    ),
    (
        "get",
        "/subscription/terms",
        "The monthly plan and its published limits",
        Access::Public,
    ),
    (
        "put",
        "/subscription/plan",
        "Set the monthly price and daily download cap",
        Access::Operator,
    ),
    (
        "get",
        "/subscription",
        "My subscription: paid months, renewal, downloads today",
        Access::SignedIn,
    ),
    (
        "post",
        "/subscription",
        "Pay for this month or, with month, the next (Idempotency-Key header required)",
        Access::SignedIn,
    ),
    (
        "post",
        "/subscription/cancel",
        "Stop renewing; the paid month stays usable",
        Access::SignedIn,
    ),
    (
        "get",
        "/subscription/statements",
        "Where my fee went, for the last twelve closed months",
        Access::SignedIn,
    ),
    (
        "get",
        "/subscription/statements/{month}",
        "Where my fee went in one closed month",
        Access::SignedIn,
    ),
    (
        "get",
        "/shops/{id}/income/subscription",
        "This month's projected share of the subscription pool",
        Access::ShopOwner,
    ),
    (
        "get",
        "/shops/{id}/subscription-statements",
        "The shop's share of every closed month",
        Access::ShopOwner,
    ),
    (
        "get",
        "/settlements",
        "Every closed month",
        Access::Operator,
    ),
    (
        "post",
        "/settlements/{month}",
        "Close a month (idempotent)",
        Access::Operator,
    ),
    (
        "get",
        "/shops/{id}/payouts",
        "Payout statement: balance, paid out, schedule, payouts",
        Access::ShopOwner,
    ),
    (
        "post",
        "/shops/{id}/payouts",
        "Request a payout (Idempotency-Key header required)",
        Access::ShopOwner,
    ),
    (
        "put",
        "/shops/{id}/payout-schedule",
        "Set the payout schedule (manual or monthly, minimum)",
        Access::ShopOwner,
    ),
    (
        "get",
        "/payouts",
        "Payouts to send (status=requested|sent)",
        Access::Operator,
    ),
    (
        "post",
        "/payouts/{id}/sent",
        "Mark a payout sent, recording its signed transfer request",
        Access::Operator,
    ),
    (
        "get",
        "/payments/{id}",
        "The payment of my order or subscription month, with its QR code",
        Access::SignedIn,
    ),
    (
        "post",
        "/payments/alipay/notify",
        "Alipay's asynchronous notification (signed form; answers success)",
        Access::SignedLink,
    ),
    ("get", "/openapi.json", "This document", Access::Public),
];

/// Builds the document from [`ROUTES`].
pub fn document() -> Value {
    let mut paths: Map<String, Value> = Map::new();
    for (method, path, summary, access) in ROUTES {
        let entry = paths.entry((*path).to_owned()).or_insert_with(|| json!({}));
        let mut operation = json!({
            "summary": summary,
            "x-access": format!("{access:?}"),
            "responses": {
                "default": {
                    "description": "An error",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
                }
            }
        });
        if !matches!(access, Access::Public | Access::SignedLink) {
            operation["security"] = json!([{"bearer": []}]);
        }
        let parameters: Vec<Value> = path
            .split('/')
            .filter_map(|part| part.strip_prefix('{').and_then(|part| part.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        if !parameters.is_empty() {
            operation["parameters"] = Value::Array(parameters);
        }
        entry[*method] = operation;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Shrimp marketplace API", "version": env!("CARGO_PKG_VERSION")},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "ApiError": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": {"type": "string", "enum": shrimp_api::ErrorCode::ALL.iter().map(|code| code.as_str()).collect::<Vec<_>>()},
                        "message": {"type": "string"}
                    }
                }
            }
        }
    })
}

pub async fn serve() -> Json<Value> {
    Json(document())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Every `.route("…", verb(…).verb(…))` in the router modules.
    fn routes_in_source() -> BTreeSet<(String, String)> {
        let sources = [
            include_str!("accounts.rs"),
            include_str!("applications.rs"),
            include_str!("catalog.rs"),
            include_str!("releases.rs"),
            include_str!("covers.rs"),
            include_str!("storefront.rs"),
            include_str!("orders.rs"),
            include_str!("downloads.rs"),
            include_str!("income.rs"),
            include_str!("subscriptions.rs"),
            include_str!("settlement.rs"),
            include_str!("payouts.rs"),
            include_str!("payments/mod.rs"),
            include_str!("lib.rs"),
        ];
        let mut found = BTreeSet::new();
        for source in sources {
            for chunk in source.split(".route(\"").skip(1) {
                let Some((path, rest)) = chunk.split_once('"') else {
                    continue;
                };
                let handlers = rest.split(')').next().unwrap_or_default();
                let mut verbs: Vec<&str> = handlers
                    .split(|c: char| !c.is_ascii_alphabetic())
                    .filter(|word| ["get", "post", "put", "patch", "delete"].contains(word))
                    .collect();
                // `get(a).post(b)`: the second verb follows the first closing parenthesis.
                let chained = rest.split(')').nth(1).unwrap_or_default();
                for verb in ["get", "post", "put", "patch", "delete"] {
                    if chained.trim_start().starts_with(&format!(".{verb}(")) {
                        verbs.push(verb);
                    }
                }
                for verb in verbs {
                    found.insert((verb.to_owned(), path.to_owned()));
                }
            }
        }
        found
    }

    #[test]
    fn every_route_in_the_router_is_documented_and_nothing_else() {
        let documented: BTreeSet<(String, String)> = ROUTES
            .iter()
            .map(|(method, path, _, _)| ((*method).to_owned(), (*path).to_owned()))
            .filter(|(_, path)| path != "/openapi.json")
            .collect();
        let mut in_source = routes_in_source();
        in_source.remove(&("get".to_owned(), "/healthz".to_owned()));
        in_source.remove(&("get".to_owned(), "/metrics".to_owned()));
        in_source.remove(&("get".to_owned(), "/openapi.json".to_owned()));
        assert_eq!(in_source, documented);
    }

    #[test]
    fn the_document_lists_every_error_code() {
        let doc = document();
        let codes = doc["components"]["schemas"]["ApiError"]["properties"]["code"]["enum"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(codes, shrimp_api::ErrorCode::ALL.len());
        assert_eq!(
            doc["paths"]["/orders"]["post"]["security"][0]["bearer"],
            json!([])
        );
    }
}
