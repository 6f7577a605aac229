//! Watching folders: file system events are collected until the folders have been quiet for a
//! moment, then the touched paths are reconciled with the library. Renames and moves keep
//! their track (matched by content fingerprint), deleted files become missing, new ones are
//! read.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::error::{LibraryError, Result};
use crate::scan::{ScanOptions, ScanReport};
use crate::store::Library;

/// What the watcher reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WatchEvent {
    /// Changes on disk were applied to the library.
    LibraryReconciled {
        /// What changed.
        report: ScanReport,
    },
    /// Applying changes failed; the watcher keeps going.
    ReconcileFailed {
        /// What went wrong.
        message: String,
    },
}

/// A running watch. Dropping it stops watching.
#[derive(Debug)]
pub struct FolderWatch {
    _watcher: notify::RecommendedWatcher,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FolderWatch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Library {
    /// Starts watching `roots` recursively. Changes are applied after `quiet` without further
    /// events; each application is reported on `events` when given. Must be called inside a
    /// Tokio runtime, which runs the reconciling task.
    pub fn watch_folders(
        &self,
        roots: &[PathBuf],
        quiet: Duration,
        events: Option<mpsc::UnboundedSender<WatchEvent>>,
    ) -> Result<FolderWatch> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|e| {
            LibraryError::Task(format!("watching folders needs a Tokio runtime: {e}"))
        })?;
        let (tx, mut rx) = mpsc::unbounded_channel::<Vec<PathBuf>>();
        let mut watcher = notify::recommended_watcher(
            move |result: notify::Result<notify::Event>| match result {
                Ok(event) => {
                    if !event.kind.is_access() {
                        let _ = tx.send(event.paths);
                    }
                }
                Err(e) => tracing::warn!(error = %e, "folder watch error"),
            },
        )
        .map_err(|source| LibraryError::Watch {
            path: roots.first().cloned().unwrap_or_default(),
            source,
        })?;
        for root in roots {
            watcher
                .watch(root, RecursiveMode::Recursive)
                .map_err(|source| LibraryError::Watch {
                    path: root.clone(),
                    source,
                })?;
        }
        let library = self.clone();
        let options = ScanOptions::default();
        let task = runtime.spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut touched: BTreeSet<PathBuf> = first.into_iter().collect();
                // Wait for a quiet moment so a copy in progress or a burst of renames is
                // handled in one go.
                loop {
                    match tokio::time::timeout(quiet, rx.recv()).await {
                        Ok(Some(more)) => touched.extend(more),
                        Ok(None) => return,
                        Err(_) => break,
                    }
                }
                let paths: Vec<PathBuf> = touched.into_iter().collect();
                let event = match library.reconcile(&paths, &options, |_| {}).await {
                    Ok(report) => WatchEvent::LibraryReconciled { report },
                    Err(e) => {
                        tracing::warn!(error = %e, "applying folder changes failed");
                        WatchEvent::ReconcileFailed {
                            message: e.to_string(),
                        }
                    }
                };
                if let Some(events) = &events {
                    let _ = events.send(event);
                }
            }
        });
        Ok(FolderWatch {
            _watcher: watcher,
            task,
        })
    }
}
