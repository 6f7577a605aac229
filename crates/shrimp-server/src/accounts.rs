//! Registering, signing in and out, and who am I.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use shrimp_api::{RegisterRequest, SessionGrant, SignInRequest, UserView};
use sqlx::Row;

use crate::auth::{CurrentUser, user_for_token};
use crate::error::{Result, ServerError};
use crate::json::JsonBody;
use crate::secrets::{hash_password, hash_token, new_id, new_token, verify_password};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/accounts", post(register))
        .route("/sessions", post(sign_in))
        .route("/sessions/current", delete(sign_out))
        .route("/me", get(me))
}

const MIN_PASSWORD_CHARS: usize = 8;

fn normalise_email(email: &str) -> Result<String> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
    if valid {
        Ok(email)
    } else {
        Err(ServerError::invalid("enter a valid email address"))
    }
}

async fn register(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<RegisterRequest>,
) -> Result<(StatusCode, Json<SessionGrant>)> {
    let email = normalise_email(&request.email)?;
    let display_name = request.display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > 80 {
        return Err(ServerError::invalid(
            "the display name must be 1–80 characters",
        ));
    }
    if request.password.chars().count() < MIN_PASSWORD_CHARS || request.password.len() > 1024 {
        return Err(ServerError::invalid(format!(
            "the password must be at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    let password = request.password.clone();
    let password_hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|error| ServerError::Internal(error.to_string()))?
        .map_err(|error| ServerError::Internal(error.to_string()))?;
    let id = new_id("usr");
    let inserted = sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email) DO NOTHING",
    )
    .bind(&id)
    .bind(&email)
    .bind(display_name)
    .bind(&password_hash)
    .bind(state.clock.now_ms())
    .execute(&state.db.pool)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(ServerError::conflict(
            "an account with this email already exists",
        ));
    }
    let grant = start_session(&state, &id).await?;
    Ok((StatusCode::CREATED, Json(grant)))
}

async fn sign_in(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<SignInRequest>,
) -> Result<Json<SessionGrant>> {
    let email = request.email.trim().to_lowercase();
    let now = state.clock.now_ms();
    if !state.sign_in_limiter.allows(&email, now) {
        return Err(ServerError::RateLimited);
    }
    let row = sqlx::query("SELECT id, password_hash FROM users WHERE email = $1")
        .bind(&email)
        .fetch_optional(&state.db.pool)
        .await?;
    let (id, stored) = match row {
        Some(row) => (
            row.try_get::<String, _>("id")?,
            row.try_get::<String, _>("password_hash")?,
        ),
        // Verify against a fixed hash anyway so unknown emails take as long as wrong passwords.
        None => (String::new(), String::from(DUMMY_HASH)),
    };
    let password = request.password;
    let verified = tokio::task::spawn_blocking(move || verify_password(&password, &stored))
        .await
        .map_err(|error| ServerError::Internal(error.to_string()))?;
    if !verified || id.is_empty() {
        state.sign_in_limiter.record_failure(&email, now);
        return Err(ServerError::Unauthenticated);
    }
    state.sign_in_limiter.clear(&email);
    Ok(Json(start_session(&state, &id).await?))
}

/// argon2id of a random password nobody knows.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2hyaW1wZHVtbXlzYWx0$2Jv8eGQ6j4VJ1nR0z8bq0hS7n0m3o2m0vQ3h1o0YwqA";

pub(crate) async fn start_session(state: &AppState, user_id: &str) -> Result<SessionGrant> {
    let token = new_token();
    let now = state.clock.now_ms();
    let expires_at_ms = now + state.settings.session_ms;
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(hash_token(&token))
    .bind(user_id)
    .bind(now)
    .bind(expires_at_ms)
    .execute(&state.db.pool)
    .await?;
    let user = user_for_token(state, &token)
        .await?
        .ok_or_else(|| ServerError::Internal("a new session could not be read back".into()))?;
    Ok(SessionGrant {
        token,
        expires_at_ms,
        user: user.view(),
    })
}

async fn sign_out(State(state): State<AppState>, user: CurrentUser) -> Result<StatusCode> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(&user.token_hash)
        .execute(&state.db.pool)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(user: CurrentUser) -> Json<UserView> {
    Json(user.view())
}

/// Operator action from the command line: make an existing account a reviewer.
pub async fn grant_reviewer(state: &AppState, email: &str) -> Result<()> {
    grant(
        state,
        email,
        "UPDATE users SET is_reviewer = 1 WHERE email = $1",
    )
    .await
}

/// Operator action from the command line: make an existing account an operator.
pub async fn grant_operator(state: &AppState, email: &str) -> Result<()> {
    grant(
        state,
        email,
        "UPDATE users SET is_operator = 1 WHERE email = $1",
    )
    .await
}

async fn grant(state: &AppState, email: &str, statement: &'static str) -> Result<()> {
    let email = normalise_email(email)?;
    let updated = sqlx::query(statement)
        .bind(&email)
        .execute(&state.db.pool)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(ServerError::NotFound("account"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_lowercased_and_checked() {
        assert_eq!(
            normalise_email("  Li.Wei@Example.COM ").unwrap(),
            "li.wei@example.com"
        );
        assert!(normalise_email("no-at-sign").is_err());
        assert!(normalise_email("@example.com").is_err());
        assert!(normalise_email("a@localhost").is_err());
    }

    #[test]
    fn the_dummy_hash_parses_and_matches_nothing_simple() {
        assert!(!verify_password("", DUMMY_HASH));
        assert!(!verify_password("password", DUMMY_HASH));
        assert!(argon2::password_hash::PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
