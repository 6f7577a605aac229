//! The embedded demo: a deterministic first-launch seed of a believable marketplace (shops of
//! both kinds, generated music with covers and lyrics, demo accounts, a pending application,
//! weeks of sales) and a market simulator that keeps selling while you watch.

mod catalogue;
mod random;
mod seed;
mod simulator;

pub use catalogue::{
    APPLICANT, DEMO_PASSWORD, LABEL_OWNER, LISTENER, MUSICIAN, PENDING_APPLICATION_ID, PERSONAS,
    Persona, REVIEWER, persona,
};
pub use seed::{ProgressFn, SeedProgress, SeedReport, SeedStep, is_seeded, seed};
pub use simulator::{Simulator, SimulatorSettings};

/// The demo shop ids, in catalogue order.
pub fn shop_ids() -> Vec<String> {
    catalogue::SHOPS
        .iter()
        .map(catalogue::ShopPlan::shop_id)
        .collect()
}
