//! Opening a shop: the applicant's application and the reviewers' audit of it. Every state
//! change goes through `shrimp_domain::transition` and is recorded with who, when and why.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use shrimp_api::{
    ApplicationDraft, ApplicationView, AuditEventView, ReviewRejection, ShopKindView,
};
use shrimp_domain::{Actor, ApplicationState, AuditAction, Role, ShopKind, UserId, transition};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::auth::CurrentUser;
use crate::error::{Result, ServerError};
use crate::json::JsonBody;
use crate::secrets::new_id;
use crate::state::AppState;
use crate::streaming::serve_object;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/applications", post(create))
        .route("/applications/mine", get(mine))
        .route("/applications/{id}", put(edit))
        .route("/applications/{id}/submit", post(submit))
        .route("/review/applications", get(inbox))
        .route("/review/applications/{id}", get(review_one))
        .route("/review/applications/{id}/sample", get(review_sample))
        .route("/review/applications/{id}/approve", post(approve))
        .route("/review/applications/{id}/reject", post(reject))
}

/// Streamed uploads, bounded by the upload size setting rather than the JSON body limit.
pub fn upload_routes() -> Router<AppState> {
    Router::new().route("/applications/{id}/sample", put(upload_sample))
}

/// Parses a `snake_case` enum stored as text.
pub fn parse_text<T: DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| ServerError::Internal(format!("unexpected stored value {text:?}")))
}

pub fn kind_text(kind: ShopKindView) -> &'static str {
    match kind {
        ShopKindView::Independent => "independent",
        ShopKindView::Label => "label",
    }
}

fn check_draft(draft: &ApplicationDraft) -> Result<()> {
    for (field, value, max) in [
        ("shop name", &draft.shop_name, 60),
        ("legal name", &draft.legal_name, 120),
        ("contact", &draft.contact, 200),
        ("payout account", &draft.payout_account, 120),
    ] {
        let length = value.trim().chars().count();
        if length == 0 || length > max {
            return Err(ServerError::invalid(format!(
                "the {field} must be 1–{max} characters"
            )));
        }
    }
    Ok(())
}

struct Stored {
    view: ApplicationView,
    state: ApplicationState,
    sample_sha256: Option<String>,
}

async fn load(state: &AppState, id: &str) -> Result<Stored> {
    let row = sqlx::query("SELECT * FROM shop_applications WHERE id = $1")
        .bind(id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(ServerError::NotFound("application"))?;
    from_row(state, &row).await
}

async fn from_row(state: &AppState, row: &AnyRow) -> Result<Stored> {
    let id: String = row.try_get("id")?;
    let state_text: String = row.try_get("state")?;
    let sample_sha256: Option<String> = row.try_get("sample_sha256")?;
    let history = sqlx::query(
        "SELECT actor_id, action, from_state, to_state, reason, at FROM audit_events \
         WHERE application_id = $1 ORDER BY seq",
    )
    .bind(&id)
    .fetch_all(&state.db.pool)
    .await?
    .iter()
    .map(|event| -> Result<AuditEventView> {
        Ok(AuditEventView {
            actor_id: event.try_get("actor_id")?,
            action: event.try_get("action")?,
            from_state: event.try_get("from_state")?,
            to_state: event.try_get("to_state")?,
            reason: event.try_get("reason")?,
            at_ms: event.try_get("at")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let view = ApplicationView {
        id,
        applicant_id: row.try_get("applicant_id")?,
        state: state_text.clone(),
        draft: ApplicationDraft {
            kind: parse_text(&row.try_get::<String, _>("kind")?)?,
            shop_name: row.try_get("shop_name")?,
            legal_name: row.try_get("legal_name")?,
            contact: row.try_get("contact")?,
            payout_account: row.try_get("payout_account")?,
            declares_own_copyright_no_covers: row.try_get::<i32, _>("declaration")? != 0,
        },
        has_sample: sample_sha256.is_some(),
        rejection_reason: row.try_get("rejection_reason")?,
        shop_id: row.try_get("shop_id")?,
        history,
    };
    Ok(Stored {
        view,
        state: parse_text(&state_text)?,
        sample_sha256,
    })
}

fn user_id(user: &CurrentUser) -> Result<UserId> {
    UserId::new(user.id.clone()).map_err(|error| ServerError::Internal(error.to_string()))
}

/// Applies `action` by `user` in `role`, recording the transition; returns the new state.
async fn apply(
    state: &AppState,
    stored: &Stored,
    user: &CurrentUser,
    role: Role,
    action: AuditAction,
) -> Result<ApplicationState> {
    let actor_id = user_id(user)?;
    let applicant = UserId::new(stored.view.applicant_id.clone())
        .map_err(|error| ServerError::Internal(error.to_string()))?;
    let step = transition(
        stored.state,
        action,
        Actor {
            id: &actor_id,
            role,
        },
        &applicant,
    )
    .map_err(|error| match error {
        shrimp_domain::AuditError::SelfReview { .. }
        | shrimp_domain::AuditError::NotReviewer { .. }
        | shrimp_domain::AuditError::NotApplicant { .. } => {
            ServerError::forbidden(error.to_string())
        }
        shrimp_domain::AuditError::BlankReason => ServerError::invalid(error.to_string()),
        shrimp_domain::AuditError::NotAllowed { .. } => ServerError::conflict(error.to_string()),
    })?;
    let now = state.clock.now_ms();
    let mut tx = state.db.pool.begin().await?;
    let updated = sqlx::query(
        "UPDATE shop_applications SET state = $1, rejection_reason = $2, updated_at = $3 \
         WHERE id = $4 AND state = $5",
    )
    .bind(step.to.to_string())
    .bind(
        step.reason
            .clone()
            .or_else(|| (step.to == ApplicationState::Rejected).then(String::new)),
    )
    .bind(now)
    .bind(&stored.view.id)
    .bind(stored.state.to_string())
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(ServerError::conflict(
            "the application changed meanwhile; reload it",
        ));
    }
    sqlx::query(
        "INSERT INTO audit_events (id, application_id, actor_id, action, from_state, to_state, \
         reason, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id("aud"))
    .bind(&stored.view.id)
    .bind(&user.id)
    .bind(step.action.to_string())
    .bind(step.from.to_string())
    .bind(step.to.to_string())
    .bind(step.reason.clone())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if step.to == ApplicationState::Approved {
        let shop_id = new_id("shp");
        let draft = &stored.view.draft;
        sqlx::query(
            "INSERT INTO shops (id, owner_id, application_id, name, kind, payout_account, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&shop_id)
        .bind(&stored.view.applicant_id)
        .bind(&stored.view.id)
        .bind(draft.shop_name.trim())
        .bind(kind_text(draft.kind))
        .bind(draft.payout_account.trim())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE shop_applications SET shop_id = $1 WHERE id = $2")
            .bind(&shop_id)
            .bind(&stored.view.id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(step.to)
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(draft): JsonBody<ApplicationDraft>,
) -> Result<(StatusCode, Json<ApplicationView>)> {
    check_draft(&draft)?;
    if user.shop_id.is_some() {
        return Err(ServerError::conflict("you already have a shop"));
    }
    let open = sqlx::query(
        "SELECT COUNT(*) AS n FROM shop_applications WHERE applicant_id = $1 AND state <> 'approved'",
    )
    .bind(&user.id)
    .fetch_one(&state.db.pool)
    .await?
    .try_get::<i64, _>("n")?;
    if open > 0 {
        return Err(ServerError::conflict(
            "you already have an application; edit that one",
        ));
    }
    let id = new_id("app");
    let now = state.clock.now_ms();
    sqlx::query(
        "INSERT INTO shop_applications (id, applicant_id, kind, shop_name, legal_name, contact, \
         payout_account, declaration, state, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft', $9, $9)",
    )
    .bind(&id)
    .bind(&user.id)
    .bind(kind_text(draft.kind))
    .bind(draft.shop_name.trim())
    .bind(draft.legal_name.trim())
    .bind(draft.contact.trim())
    .bind(draft.payout_account.trim())
    .bind(i32::from(draft.declares_own_copyright_no_covers))
    .bind(now)
    .execute(&state.db.pool)
    .await?;
    Ok((StatusCode::CREATED, Json(load(&state, &id).await?.view)))
}

async fn mine(State(state): State<AppState>, user: CurrentUser) -> Result<Json<ApplicationView>> {
    let row = sqlx::query(
        "SELECT * FROM shop_applications WHERE applicant_id = $1 ORDER BY created_at DESC LIMIT 1",
    )
    .bind(&user.id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(ServerError::NotFound("application"))?;
    Ok(Json(from_row(&state, &row).await?.view))
}

async fn owned(state: &AppState, user: &CurrentUser, id: &str) -> Result<Stored> {
    let stored = load(state, id).await?;
    if stored.view.applicant_id != user.id {
        // Someone else's application does not exist, as far as this caller knows.
        return Err(ServerError::NotFound("application"));
    }
    Ok(stored)
}

async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    JsonBody(draft): JsonBody<ApplicationDraft>,
) -> Result<Json<ApplicationView>> {
    check_draft(&draft)?;
    let stored = owned(&state, &user, &id).await?;
    if !stored.state.allows_edit() {
        return Err(ServerError::conflict(format!(
            "a {} application cannot be edited",
            stored.state
        )));
    }
    sqlx::query(
        "UPDATE shop_applications SET kind = $1, shop_name = $2, legal_name = $3, contact = $4, \
         payout_account = $5, declaration = $6, updated_at = $7 WHERE id = $8",
    )
    .bind(kind_text(draft.kind))
    .bind(draft.shop_name.trim())
    .bind(draft.legal_name.trim())
    .bind(draft.contact.trim())
    .bind(draft.payout_account.trim())
    .bind(i32::from(draft.declares_own_copyright_no_covers))
    .bind(state.clock.now_ms())
    .bind(&id)
    .execute(&state.db.pool)
    .await?;
    Ok(Json(load(&state, &id).await?.view))
}

async fn upload_sample(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Body,
) -> Result<Json<ApplicationView>> {
    let stored = owned(&state, &user, &id).await?;
    if !stored.state.allows_edit() {
        return Err(ServerError::conflict(
            "the sample can only change before submitting",
        ));
    }
    let sample = state
        .files
        .accept_audio(body, state.settings.max_upload_bytes, false)
        .await?;
    sqlx::query("UPDATE shop_applications SET sample_sha256 = $1, updated_at = $2 WHERE id = $3")
        .bind(&sample.sha256)
        .bind(state.clock.now_ms())
        .bind(&id)
        .execute(&state.db.pool)
        .await?;
    Ok(Json(load(&state, &id).await?.view))
}

async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ApplicationView>> {
    let stored = owned(&state, &user, &id).await?;
    if stored.sample_sha256.is_none() {
        return Err(ServerError::invalid(
            "upload a sample of your music before submitting",
        ));
    }
    if !stored.view.draft.declares_own_copyright_no_covers {
        return Err(ServerError::invalid(
            "declare that you own the copyright of everything you will sell (no covers)",
        ));
    }
    apply(&state, &stored, &user, Role::Applicant, AuditAction::Submit).await?;
    Ok(Json(load(&state, &id).await?.view))
}

async fn inbox(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<ApplicationView>>> {
    user.require_reviewer()?;
    let rows = sqlx::query(
        "SELECT * FROM shop_applications WHERE state = 'submitted' ORDER BY updated_at, id LIMIT 200",
    )
    .fetch_all(&state.db.pool)
    .await?;
    let mut views = Vec::with_capacity(rows.len());
    for row in &rows {
        views.push(from_row(&state, row).await?.view);
    }
    Ok(Json(views))
}

async fn review_one(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ApplicationView>> {
    user.require_reviewer()?;
    Ok(Json(load(&state, &id).await?.view))
}

async fn review_sample(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<axum::response::Response> {
    user.require_reviewer()?;
    let stored = load(&state, &id).await?;
    let sha256 = stored
        .sample_sha256
        .ok_or(ServerError::NotFound("sample"))?;
    serve_object(&state, &sha256, &headers).await
}

async fn approve(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ApplicationView>> {
    user.require_reviewer()?;
    let stored = load(&state, &id).await?;
    apply(&state, &stored, &user, Role::Reviewer, AuditAction::Approve).await?;
    Ok(Json(load(&state, &id).await?.view))
}

async fn reject(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    JsonBody(rejection): JsonBody<ReviewRejection>,
) -> Result<Json<ApplicationView>> {
    user.require_reviewer()?;
    let stored = load(&state, &id).await?;
    let action = AuditAction::Reject {
        reason: rejection.reason,
    };
    apply(&state, &stored, &user, Role::Reviewer, action).await?;
    Ok(Json(load(&state, &id).await?.view))
}

/// The kind of a stored shop.
pub fn shop_kind(text: &str) -> Result<ShopKind> {
    parse_text::<ShopKindView>(text).map(Into::into)
}
