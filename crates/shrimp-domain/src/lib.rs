//! The marketplace rules of Shrimp, as plain functions over plain data: opaque ids, money in
//! integer fen, track pricing, the shop application audit, the monthly subscription split and
//! the double-entry ledger postings. Everything that decides who gets which fen, and who may
//! do what, lives here and is tested here, with property tests for the invariants the design
//! promises.
//!
//! This crate must not know about IO, storage, HTTP, async runtimes, the desktop shell or the
//! clock: time, ids and balances are passed in, and results come back as values for the
//! caller to persist. It depends on nothing but `serde`, `thiserror` and, behind the `specta`
//! feature, `specta` for TypeScript bindings.

pub mod audit;
pub mod ids;
pub mod ledger;
pub mod money;
pub mod month;
pub mod pricing;
pub mod split;

pub use audit::{
    ActionKind, Actor, ApplicationState, AuditAction, AuditError, Role, Transition, transition,
};
pub use ids::{IdError, OrderId, ShopId, TrackId, UserId};
pub use ledger::{Account, EntryKind, JournalEntry, LedgerError, Posting, balance};
pub use money::{Fen, MoneyError};
pub use month::{Month, MonthError};
pub use pricing::{
    DEFAULT_TRACK_PRICE, MAX_INDEPENDENT_PRICE, PricingError, ShopKind, track_price,
};
pub use split::{Share, Split, SplitError, apportion, split_pool};

/// Any rule this crate refuses, for callers that handle them all alike.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// See [`IdError`].
    #[error(transparent)]
    Id(#[from] IdError),
    /// See [`MoneyError`].
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// See [`MonthError`].
    #[error(transparent)]
    Month(#[from] MonthError),
    /// See [`PricingError`].
    #[error(transparent)]
    Pricing(#[from] PricingError),
    /// See [`AuditError`].
    #[error(transparent)]
    Audit(#[from] AuditError),
    /// See [`SplitError`].
    #[error(transparent)]
    Split(#[from] SplitError),
    /// See [`LedgerError`].
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_error_converts_and_keeps_its_message() {
        let pricing = track_price(ShopKind::Label, Some(Fen(100))).unwrap_err();
        let message = pricing.to_string();
        assert_eq!(DomainError::from(pricing).to_string(), message);
        let err: DomainError = "x".parse::<Fen>().unwrap_err().into();
        assert!(matches!(
            err,
            DomainError::Money(MoneyError::Malformed { .. })
        ));
    }

    /// Every wire type exports to TypeScript; in particular no 64-bit integer trips specta's
    /// `BigInt` guard.
    #[cfg(feature = "specta")]
    #[test]
    fn wire_types_export_to_typescript() {
        use std::borrow::Cow;

        /// Exports types as derived, without applying serde's renames.
        struct AsDerived;

        impl specta::Format for AsDerived {
            fn map_types(
                &'_ self,
                types: &specta::Types,
            ) -> Result<Cow<'_, specta::Types>, specta::FormatError> {
                Ok(Cow::Owned(types.clone()))
            }

            fn map_type(
                &'_ self,
                _: &specta::Types,
                dt: &specta::datatype::DataType,
            ) -> Result<Cow<'_, specta::datatype::DataType>, specta::FormatError> {
                Ok(Cow::Owned(dt.clone()))
            }
        }

        let types = specta::Types::default()
            .register::<Fen>()
            .register::<ShopId>()
            .register::<TrackId>()
            .register::<OrderId>()
            .register::<UserId>()
            .register::<Month>()
            .register::<ShopKind>()
            .register::<ApplicationState>()
            .register::<AuditAction>()
            .register::<ActionKind>()
            .register::<Role>()
            .register::<Transition>()
            .register::<Share>()
            .register::<Split>()
            .register::<Account>()
            .register::<Posting>()
            .register::<EntryKind>()
            .register::<JournalEntry>();
        let ts = specta_typescript::Typescript::default()
            .export(&types, AsDerived)
            .unwrap();
        assert!(ts.contains("export type Fen = number;"), "{ts}");
        assert!(ts.contains("export type Month = string;"), "{ts}");
        assert!(ts.contains("export type ShopId = string;"), "{ts}");
        assert!(ts.contains("downloads: number"), "{ts}");
    }
}
