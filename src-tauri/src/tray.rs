//! The tray icon and its menu: play or pause, previous, next, the mini player, the main window
//! and quit, labelled in the language the UI shows. A desktop without a tray (no status
//! notifier host, as under a bare X server) is logged and the app carries on without one.

use shrimp_core::Language;
use souvlaki::MediaControlEvent;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager as _, Runtime};

use crate::{media_controls, mini_player};

const TRAY_ID: &str = "shrimp";

/// What a tray menu entry does; its id is its name in the menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    PlayPause,
    Previous,
    Next,
    MiniPlayer,
    Show,
    Quit,
}

impl Action {
    const ALL: [Self; 6] = [
        Self::PlayPause,
        Self::Previous,
        Self::Next,
        Self::MiniPlayer,
        Self::Show,
        Self::Quit,
    ];

    const fn id(self) -> &'static str {
        match self {
            Self::PlayPause => "play-pause",
            Self::Previous => "previous",
            Self::Next => "next",
            Self::MiniPlayer => "mini-player",
            Self::Show => "show",
            Self::Quit => "quit",
        }
    }

    fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.id() == id)
    }

    /// The label in English or Simplified Chinese (DESIGN.md §9's words).
    const fn label(self, language: Language) -> &'static str {
        match (self, language) {
            (Self::PlayPause, Language::English) => "Play / Pause",
            (Self::PlayPause, Language::Chinese) => "播放 / 暂停",
            (Self::Previous, Language::English) => "Previous",
            (Self::Previous, Language::Chinese) => "上一首",
            (Self::Next, Language::English) => "Next",
            (Self::Next, Language::Chinese) => "下一首",
            (Self::MiniPlayer, Language::English) => "Mini player",
            (Self::MiniPlayer, Language::Chinese) => "迷你播放器",
            (Self::Show, Language::English) => "Show Shrimp",
            (Self::Show, Language::Chinese) => "显示小虾音乐",
            (Self::Quit, Language::English) => "Quit",
            (Self::Quit, Language::Chinese) => "退出",
        }
    }
}

fn menu<R: Runtime>(app: &AppHandle<R>, language: Language) -> tauri::Result<Menu<R>> {
    let item = |action: Action| {
        MenuItem::with_id(app, action.id(), action.label(language), true, None::<&str>)
    };
    Menu::with_items(
        app,
        &[
            &item(Action::PlayPause)?,
            &item(Action::Previous)?,
            &item(Action::Next)?,
            &PredefinedMenuItem::separator(app)?,
            &item(Action::MiniPlayer)?,
            &item(Action::Show)?,
            &PredefinedMenuItem::separator(app)?,
            &item(Action::Quit)?,
        ],
    )
}

/// Puts the icon in the tray, labelled in the language saved in the preferences.
pub fn install<R: Runtime>(app: &AppHandle<R>) {
    let language = app
        .state::<crate::commands::CoreState>()
        .get()
        .map(|core| core.preferences().language)
        .unwrap_or_default();
    let built = menu(app, language).and_then(|menu| {
        let mut builder = TrayIconBuilder::with_id(TRAY_ID)
            .tooltip("Shrimp")
            .menu(&menu)
            .on_menu_event(|app, event| {
                if let Some(action) = Action::from_id(event.id().as_ref()) {
                    apply(app, action);
                }
            });
        if let Some(icon) = app.default_window_icon() {
            builder = builder.icon(icon.clone());
        }
        builder.build(app)
    });
    if let Err(error) = built {
        tracing::warn!(%error, "no tray icon");
    }
}

/// Relabels the menu in `language` (when the window's language changes).
pub fn relabel<R: Runtime>(app: &AppHandle<R>, language: Language) -> tauri::Result<()> {
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        tray.set_menu(Some(menu(app, language)?))?;
    }
    Ok(())
}

fn apply<R: Runtime>(app: &AppHandle<R>, action: Action) {
    match action {
        Action::PlayPause => media_controls::apply(app, &MediaControlEvent::Toggle),
        Action::Previous => media_controls::apply(app, &MediaControlEvent::Previous),
        Action::Next => media_controls::apply(app, &MediaControlEvent::Next),
        Action::Show => media_controls::apply(app, &MediaControlEvent::Raise),
        Action::MiniPlayer => {
            if let Err(error) = mini_player::open(app) {
                tracing::warn!(%error, "cannot open the mini player");
            }
        }
        Action::Quit => app.exit(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_has_a_distinct_id_that_leads_back_to_it() {
        for action in Action::ALL {
            assert_eq!(Action::from_id(action.id()), Some(action));
        }
        assert_eq!(Action::from_id("bogus"), None);
    }

    #[test]
    fn entries_are_labelled_in_both_languages() {
        for action in Action::ALL {
            let english = action.label(Language::English);
            let chinese = action.label(Language::Chinese);
            assert!(english.is_ascii() && !english.is_empty(), "{english}");
            assert!(!chinese.is_ascii(), "{chinese}");
        }
        assert_eq!(Action::Quit.label(Language::Chinese), "退出");
    }
}
