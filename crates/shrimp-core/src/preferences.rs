//! The preferences Rust acts on by itself: whether each sale raises a desktop notification,
//! and the language to word it in (the window's language, which the UI reports when it
//! changes). Kept in the data folder, beside the webview's own settings, as `preferences.json`.
//!
//! Deciding whether a live income event deserves a notification, and its words in English or
//! Chinese, are plain functions here; showing it is the shell's job.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use serde::{Deserialize, Serialize};
use shrimp_api::{IncomeEvent, SaleRecorded};

use crate::{Core, CoreError, Market};

/// The preferences file, inside the data folder.
pub const PREFERENCES_FILE: &str = "preferences.json";

/// The languages the app speaks (the UI's language codes on the wire).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Language {
    #[default]
    #[serde(rename = "en")]
    English,
    #[serde(rename = "zh-CN")]
    Chinese,
}

/// What the person chose; anything missing from the file takes its default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, rename_all = "camelCase")]
pub struct Preferences {
    /// A desktop notification for each sale of the signed-in owner's shop. Off until chosen:
    /// the demo's simulated market sells every few seconds, which would be a flood.
    pub sale_notifications: bool,
    /// The language notifications are worded in.
    pub language: Language,
}

impl Preferences {
    /// The saved preferences; none saved, or a damaged file (logged), reads as the defaults.
    pub fn load(data_dir: &Path) -> Self {
        let path = data_dir.join(PREFERENCES_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|error| {
                tracing::warn!(%error, path = %path.display(), "ignoring damaged preferences");
                Self::default()
            }),
            Err(_) => Self::default(),
        }
    }

    /// Writes the preferences aside, then renames them into place.
    pub fn save(&self, data_dir: &Path) -> std::io::Result<()> {
        let temp = data_dir.join(format!("{PREFERENCES_FILE}.tmp"));
        std::fs::write(
            &temp,
            serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?,
        )?;
        std::fs::rename(&temp, data_dir.join(PREFERENCES_FILE))
    }
}

/// The words of a desktop notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
}

/// A sale, worded for a notification: "¥1.50 · Harbour Lights bought".
pub fn sale_text(sale: &SaleRecorded, language: Language) -> Notice {
    match language {
        Language::English => Notice {
            title: format!("{} · {} bought", sale.amount, sale.track_title),
            body: "A sale in your shop. Every fen of it is yours.".to_owned(),
        },
        Language::Chinese => Notice {
            title: format!("{} · 《{}》已售出", sale.amount, sale.track_title),
            body: "你的店铺刚卖出一首，每一分都归你。".to_owned(),
        },
    }
}

/// The notification an income event deserves, if any: only a sale, only with notifications
/// on, and only from the stream of the shop the signed-in person owns now (a stream started
/// for an earlier persona runs on until the next watch replaces it).
pub fn sale_notice(
    event: &IncomeEvent,
    watched_shop: &str,
    current_shop: Option<&str>,
    preferences: Preferences,
) -> Option<Notice> {
    let IncomeEvent::SaleRecorded { sale, .. } = event else {
        return None;
    };
    (preferences.sale_notifications && current_shop == Some(watched_shop))
        .then(|| sale_text(sale, preferences.language))
}

/// Decides and words sale notifications for a live income watch. Cheap to clone; reads the
/// preferences and who is signed in at each event, so a change applies to the next sale.
#[derive(Debug, Clone)]
pub struct SaleNotices {
    market: Arc<Market>,
    preferences: Arc<Mutex<Preferences>>,
}

impl SaleNotices {
    /// The notification for `event` from `watched_shop`'s stream, if it deserves one.
    pub fn notice_for(&self, watched_shop: &str, event: &IncomeEvent) -> Option<Notice> {
        let preferences = *self
            .preferences
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        sale_notice(
            event,
            watched_shop,
            self.market.shop_id().as_deref(),
            preferences,
        )
    }
}

impl Core {
    /// The preferences as they stand.
    pub fn preferences(&self) -> Preferences {
        *self
            .preferences
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Saves new preferences; they apply from the next sale on.
    pub fn set_preferences(&self, next: Preferences) -> Result<Preferences, CoreError> {
        let mut current = self
            .preferences
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        next.save(self.paths().data_dir())
            .map_err(|source| CoreError::DataDir {
                path: self.paths().data_dir().join(PREFERENCES_FILE),
                source,
            })?;
        *current = next;
        Ok(next)
    }

    /// What the shell asks, for each live income event, whether to notify and with what words.
    pub fn sale_notices(&self) -> SaleNotices {
        SaleNotices {
            market: Arc::clone(self.market()),
            preferences: Arc::clone(&self.preferences),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shrimp_api::ShareProjected;
    use shrimp_domain::Fen;

    fn sale(title: &str, amount: i64) -> IncomeEvent {
        IncomeEvent::SaleRecorded {
            seq: 7,
            sale: SaleRecorded {
                order_id: "ord_1".to_owned(),
                track_id: "trk_1".to_owned(),
                track_title: title.to_owned(),
                amount: Fen(amount),
                at_ms: 1_795_597_200_000,
            },
        }
    }

    const ON: Preferences = Preferences {
        sale_notifications: true,
        language: Language::English,
    };

    #[test]
    fn a_sale_is_worded_in_english_and_chinese() {
        let IncomeEvent::SaleRecorded { sale, .. } = sale("Harbour Lights", 150) else {
            unreachable!()
        };
        let english = sale_text(&sale, Language::English);
        assert_eq!(english.title, "¥1.50 · Harbour Lights bought");
        assert!(english.body.contains("yours"), "{}", english.body);
        let chinese = sale_text(&sale, Language::Chinese);
        assert_eq!(chinese.title, "¥1.50 · 《Harbour Lights》已售出");
        assert!(chinese.body.contains("店铺"), "{}", chinese.body);
    }

    #[test]
    fn a_free_track_still_says_what_it_earned() {
        let IncomeEvent::SaleRecorded { sale, .. } = sale("Free Morning", 0) else {
            unreachable!()
        };
        assert_eq!(
            sale_text(&sale, Language::English).title,
            "¥0.00 · Free Morning bought"
        );
    }

    #[test]
    fn only_sales_of_the_owners_own_shop_notify_and_only_when_chosen() {
        let event = sale("Harbour Lights", 150);
        assert!(sale_notice(&event, "shp_a", Some("shp_a"), ON).is_some());
        // Off (the default).
        assert_eq!(
            sale_notice(&event, "shp_a", Some("shp_a"), Preferences::default()),
            None
        );
        // The stream of an earlier persona's shop, or nobody with a shop signed in now.
        assert_eq!(sale_notice(&event, "shp_a", Some("shp_b"), ON), None);
        assert_eq!(sale_notice(&event, "shp_a", None, ON), None);
        // A subscription projection is not a sale.
        let projection = IncomeEvent::ShareProjected {
            seq: 8,
            projection: ShareProjected {
                month: "2026-11".to_owned(),
                track_id: "trk_1".to_owned(),
                track_title: "Harbour Lights".to_owned(),
                downloads: 1,
                total_downloads: 2,
                pool: Fen(1000),
                projected_share: Fen(500),
                at_ms: 1_795_597_200_000,
            },
        };
        assert_eq!(sale_notice(&projection, "shp_a", Some("shp_a"), ON), None);
        // Chinese when the window speaks Chinese.
        let chinese = Preferences {
            language: Language::Chinese,
            ..ON
        };
        let notice = sale_notice(&event, "shp_a", Some("shp_a"), chinese).unwrap();
        assert!(notice.title.contains("已售出"), "{}", notice.title);
    }

    #[test]
    fn preferences_persist_and_default_to_no_notifications() {
        let temp = tempfile::tempdir().unwrap();
        assert_eq!(Preferences::load(temp.path()), Preferences::default());
        assert!(!Preferences::default().sale_notifications);
        let chosen = Preferences {
            sale_notifications: true,
            language: Language::Chinese,
        };
        chosen.save(temp.path()).unwrap();
        assert_eq!(Preferences::load(temp.path()), chosen);
        let text = std::fs::read_to_string(temp.path().join(PREFERENCES_FILE)).unwrap();
        assert!(text.contains("\"saleNotifications\": true"), "{text}");
        assert!(text.contains("\"zh-CN\""), "{text}");
        assert!(!temp.path().join("preferences.json.tmp").exists());
    }

    #[test]
    fn damaged_or_partial_preferences_fall_back_to_defaults() {
        let temp = tempfile::tempdir().unwrap();
        std::fs::write(temp.path().join(PREFERENCES_FILE), b"{ not json").unwrap();
        assert_eq!(Preferences::load(temp.path()), Preferences::default());
        std::fs::write(
            temp.path().join(PREFERENCES_FILE),
            br#"{"saleNotifications": true}"#,
        )
        .unwrap();
        let loaded = Preferences::load(temp.path());
        assert!(loaded.sale_notifications);
        assert_eq!(loaded.language, Language::English);
    }

    #[test]
    fn the_core_saves_preferences_and_its_notices_follow_them() {
        let temp = tempfile::tempdir().unwrap();
        let paths = crate::AppPaths::resolve(Some(temp.path().into()), None, None).unwrap();
        let core = Core::open(paths.clone()).unwrap();
        assert!(!core.preferences().sale_notifications);
        let notices = core.sale_notices();
        let chosen = Preferences {
            sale_notifications: true,
            language: Language::Chinese,
        };
        assert_eq!(core.set_preferences(chosen).unwrap(), chosen);
        assert_eq!(core.preferences(), chosen);
        // Reopened, the choice is still there.
        drop(core);
        assert_eq!(Core::open(paths).unwrap().preferences(), chosen);
        // Nobody with a shop is signed in (no backend started): nothing to notify.
        assert_eq!(
            notices.notice_for("shp_a", &sale("Harbour Lights", 150)),
            None
        );
    }
}
