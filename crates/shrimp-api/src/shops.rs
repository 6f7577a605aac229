use serde::{Deserialize, Serialize};

/// Independent musician or record label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ShopKindView {
    Independent,
    Label,
}

impl From<shrimp_domain::ShopKind> for ShopKindView {
    fn from(kind: shrimp_domain::ShopKind) -> Self {
        match kind {
            shrimp_domain::ShopKind::Independent => Self::Independent,
            shrimp_domain::ShopKind::Label => Self::Label,
        }
    }
}

impl From<ShopKindView> for shrimp_domain::ShopKind {
    fn from(kind: ShopKindView) -> Self {
        match kind {
            ShopKindView::Independent => Self::Independent,
            ShopKindView::Label => Self::Label,
        }
    }
}

/// The applicant's answers: what the shop is, who runs it, where the money goes, and the
/// copyright declaration (their own recordings only; no cover versions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApplicationDraft {
    pub kind: ShopKindView,
    pub shop_name: String,
    pub legal_name: String,
    pub contact: String,
    pub payout_account: String,
    /// "I own the copyright of everything I will sell; covers are not allowed."
    pub declares_own_copyright_no_covers: bool,
}

/// One recorded step of an application's audit: who did what, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuditEventView {
    pub actor_id: String,
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub reason: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApplicationView {
    pub id: String,
    pub applicant_id: String,
    pub state: String,
    pub draft: ApplicationDraft,
    pub has_sample: bool,
    pub rejection_reason: Option<String>,
    pub shop_id: Option<String>,
    pub history: Vec<AuditEventView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRejection {
    pub reason: String,
}
