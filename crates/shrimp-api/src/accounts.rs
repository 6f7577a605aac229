use serde::{Deserialize, Serialize};

/// What a person may do besides listening.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Listener,
    ShopOwner,
    Reviewer,
    Operator,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterRequest {
    pub email: String,
    pub password: String,
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInRequest {
    pub email: String,
    pub password: String,
}

/// A signed-in person as others may see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    /// The shop this person owns, once their application is approved.
    pub shop_id: Option<String>,
}

/// The answer to registering or signing in: an opaque bearer token and who it is for.
/// The token is a secret: the app keeps it in the OS keyring and never shows it to the UI.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionGrant {
    pub token: String,
    pub expires_at_ms: i64,
    pub user: UserView,
}

impl std::fmt::Debug for SessionGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionGrant")
            .field("token", &"<redacted>")
            .field("expires_at_ms", &self.expires_at_ms)
            .field("user", &self.user)
            .finish()
    }
}
