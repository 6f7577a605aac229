//! Who is calling: the bearer token resolved to a signed-in user, and the role checks.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use shrimp_api::{Role, UserView};
use sqlx::Row;

use crate::error::{Result, ServerError};
use crate::secrets::hash_token;
use crate::state::AppState;

/// A signed-in caller. Extracting it fails with 401 when there is no valid session.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub is_reviewer: bool,
    pub is_operator: bool,
    pub shop_id: Option<String>,
    pub token_hash: String,
}

impl CurrentUser {
    pub fn view(&self) -> UserView {
        let mut roles = vec![Role::Listener];
        if self.shop_id.is_some() {
            roles.push(Role::ShopOwner);
        }
        if self.is_reviewer {
            roles.push(Role::Reviewer);
        }
        if self.is_operator {
            roles.push(Role::Operator);
        }
        UserView {
            id: self.id.clone(),
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            roles,
            shop_id: self.shop_id.clone(),
        }
    }

    pub fn require_reviewer(&self) -> Result<()> {
        if self.is_reviewer {
            Ok(())
        } else {
            Err(ServerError::forbidden("only reviewers may do this"))
        }
    }

    pub fn require_operator(&self) -> Result<()> {
        if self.is_operator {
            Ok(())
        } else {
            Err(ServerError::forbidden("only operators may do this"))
        }
    }

    /// The caller must own `shop_id`.
    pub fn require_shop(&self, shop_id: &str) -> Result<()> {
        if self.shop_id.as_deref() == Some(shop_id) {
            Ok(())
        } else {
            Err(ServerError::forbidden("only the shop's owner may do this"))
        }
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// A bearer token, not yet checked: for a handler that looks its session up in the same
/// statement as its own reads (one round trip less on a hot path). Extracting it fails with
/// 401 only when there is no token at all.
#[derive(Debug, Clone)]
pub struct Bearer {
    token: String,
}

impl Bearer {
    /// The hash the `sessions` table is keyed by.
    pub fn token_hash(&self) -> String {
        hash_token(&self.token)
    }

    /// The caller, looked up on its own (for answers that need no other read).
    pub async fn user(&self, state: &AppState) -> Result<CurrentUser> {
        user_for_token(state, &self.token)
            .await?
            .ok_or(ServerError::Unauthenticated)
    }
}

impl FromRequestParts<AppState> for Bearer {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, _state: &AppState) -> Result<Self> {
        let token = bearer(parts).ok_or(ServerError::Unauthenticated)?;
        Ok(Self {
            token: token.to_owned(),
        })
    }
}

/// Looks up the session behind a token.
pub async fn user_for_token(state: &AppState, token: &str) -> Result<Option<CurrentUser>> {
    let token_hash = hash_token(token);
    let row = sqlx::query(
        "SELECT u.id, u.email, u.display_name, u.is_reviewer, u.is_operator, s.id AS shop_id \
         FROM sessions x JOIN users u ON u.id = x.user_id \
         LEFT JOIN shops s ON s.owner_id = u.id \
         WHERE x.token_hash = $1 AND x.expires_at > $2",
    )
    .bind(&token_hash)
    .bind(state.clock.now_ms())
    .fetch_optional(&state.db.pool)
    .await?;
    row.map(|row| -> Result<CurrentUser> {
        Ok(CurrentUser {
            id: row.try_get("id")?,
            email: row.try_get("email")?,
            display_name: row.try_get("display_name")?,
            is_reviewer: row.try_get::<i32, _>("is_reviewer")? != 0,
            is_operator: row.try_get::<i32, _>("is_operator")? != 0,
            shop_id: row.try_get("shop_id")?,
            token_hash: token_hash.clone(),
        })
    })
    .transpose()
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let token = bearer(parts).ok_or(ServerError::Unauthenticated)?;
        user_for_token(state, token)
            .await?
            .ok_or(ServerError::Unauthenticated)
    }
}

impl axum::extract::OptionalFromRequestParts<AppState> for CurrentUser {
    type Rejection = ServerError;

    /// No credentials: anonymous. Credentials that do not check out: 401, never anonymous.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>> {
        if parts.headers.get(AUTHORIZATION).is_none() {
            return Ok(None);
        }
        <Self as FromRequestParts<AppState>>::from_request_parts(parts, state)
            .await
            .map(Some)
    }
}
