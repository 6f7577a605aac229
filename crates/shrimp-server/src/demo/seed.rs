//! The first-launch seed: a believable marketplace, the same every time (same catalogue, same
//! audio bytes), written in one transaction so it is either all there or not at all.
//!
//! Music, covers and previews are generated on every core in parallel and placed in the file
//! store by hash; then accounts, approved shop applications with their audit trail, shops,
//! releases, tracks, a pending application and some weeks of past sales are written.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use shrimp_domain::{ActionKind, ApplicationState, ShopKind};
use shrimp_synth::{Genre, Lang, Rendered, Tags, TrackSpec};
use sqlx::{Any, Transaction};

use super::catalogue::{
    APPLICANT, DEMO_PASSWORD, LISTENER, Owner, PENDING_APPLICATION_ID, PENDING_GENRE,
    PENDING_SHOP_NAME, PERSONAS, REVIEWER, SHOPS, SIMULATED_LISTENERS, ShopPlan,
    simulated_listener_id,
};
use super::random::Random;
use crate::applications::kind_text;
use crate::covers::put_cover;
use crate::error::{Result, ServerError};
use crate::media::preview_from_pcm;
use crate::orders::mark_paid;
use crate::secrets::hash_password;
use crate::state::AppState;

/// The fixed seed the whole demo grows from.
const DEMO_SEED: u64 = 0x5348_5249_4d50_2026;
const DAY_MS: i64 = 24 * 3_600_000;
/// How far back the sales history reaches.
const HISTORY_DAYS: i64 = 35;
/// Simulated listeners never sign in with a password: this is no valid PHC hash.
const NO_PASSWORD: &str = "!demo-no-password";

/// What the seed is doing, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedStep {
    Music,
    Accounts,
    Shops,
    History,
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedProgress {
    pub step: SeedStep,
    pub done: u32,
    pub total: u32,
}

/// What a seed run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedReport {
    /// The demo was there already; nothing was written.
    pub already_seeded: bool,
    pub shops: u32,
    pub tracks: u32,
    pub sales: u32,
}

/// One generated track, placed in the file store.
#[derive(Debug, Clone)]
struct MadeTrack {
    id: String,
    shop: usize,
    release: usize,
    number: u32,
    title: String,
    genre: Genre,
    price_fen: i64,
    lyrics: Option<String>,
    audio_sha256: String,
    audio_size: u64,
    duration_ms: u32,
    preview_sha256: String,
}

/// One planned track before its audio exists.
#[derive(Debug, Clone)]
struct PlannedTrack {
    id: String,
    shop: usize,
    release: usize,
    number: u32,
    spec: TrackSpec,
    title: String,
    album: String,
    artists: String,
    price_fen: i64,
    with_lyrics: Option<Lang>,
}

pub type ProgressFn = Arc<dyn Fn(SeedProgress) + Send + Sync>;

/// Whether the demo catalogue is in this database.
pub async fn is_seeded(state: &AppState) -> Result<bool> {
    Ok(sqlx::query("SELECT 1 AS one FROM users WHERE id = $1")
        .bind(LISTENER.user_id)
        .fetch_optional(&state.db.pool)
        .await?
        .is_some())
}

/// Seeds the demo marketplace unless it is there already.
pub async fn seed(state: &AppState, progress: ProgressFn) -> Result<SeedReport> {
    if is_seeded(state).await? {
        progress(SeedProgress {
            step: SeedStep::Done,
            done: 1,
            total: 1,
        });
        return Ok(SeedReport {
            already_seeded: true,
            shops: 0,
            tracks: 0,
            sales: 0,
        });
    }
    let plan = plan_tracks();
    let covers = make_covers(state).await?;
    let sample = make_sample(state).await?;
    let tracks = make_music(state, plan, progress.clone()).await?;
    let now = state.clock.now_ms();

    progress(SeedProgress {
        step: SeedStep::Accounts,
        done: 0,
        total: 1,
    });
    let password_hash = tokio::task::spawn_blocking(|| hash_password(DEMO_PASSWORD))
        .await
        .map_err(|error| ServerError::Internal(error.to_string()))?
        .map_err(|error| ServerError::Internal(error.to_string()))?;
    let mut tx = state.db.pool.begin().await?;
    write_accounts(&mut tx, &password_hash, now).await?;
    progress(SeedProgress {
        step: SeedStep::Shops,
        done: 0,
        total: 1,
    });
    write_shops(&mut tx, &covers, &tracks, now).await?;
    write_pending_application(&mut tx, &sample, now).await?;
    progress(SeedProgress {
        step: SeedStep::History,
        done: 0,
        total: 1,
    });
    let sales = write_history(state, &mut tx, &tracks, now).await?;
    let last_month = write_subscription_history(state, &mut tx, &tracks, now).await?;
    tx.commit().await?;
    state.live.committed(state.db.dialect);
    // Last month closes through the real settlement: its split, ledger entries, statements.
    crate::settlement::settle_month(state, last_month).await?;
    progress(SeedProgress {
        step: SeedStep::Done,
        done: 1,
        total: 1,
    });
    Ok(SeedReport {
        already_seeded: false,
        shops: u32::try_from(SHOPS.len()).unwrap_or(u32::MAX),
        tracks: u32::try_from(tracks.len()).unwrap_or(u32::MAX),
        sales,
    })
}

/// Every track of every shop, with its generation spec, title and price.
fn plan_tracks() -> Vec<PlannedTrack> {
    let mut random = Random::new(DEMO_SEED);
    let mut planned = Vec::new();
    for (shop_index, shop) in SHOPS.iter().enumerate() {
        let mut price_cycle = shop.prices_fen.iter().cycle();
        for (release_index, release) in shop.releases.iter().enumerate() {
            for number in 1..=u32::from(release.tracks) {
                let seed = random.next_u64();
                let duration_ms = 61_000 + u32::try_from(random.below(22_000)).unwrap_or(0);
                let lang = if random.below(2) == 0 {
                    Lang::En
                } else {
                    Lang::ZhHans
                };
                let title = match lang {
                    Lang::En => format!(
                        "{} {}",
                        shrimp_synth::title(seed, release.genre, Lang::ZhHans),
                        shrimp_synth::title(seed, release.genre, Lang::En)
                    ),
                    Lang::ZhHans => shrimp_synth::title(seed, release.genre, Lang::ZhHans),
                };
                let price_fen = match shop.kind {
                    ShopKind::Label => shrimp_domain::DEFAULT_TRACK_PRICE.0,
                    ShopKind::Independent => price_cycle.next().copied().unwrap_or(80),
                };
                let with_lyrics =
                    (matches!(release.genre, Genre::Folk | Genre::LoFi | Genre::Piano)
                        && number % 2 == 1)
                        .then_some(lang);
                planned.push(PlannedTrack {
                    id: format!("trk_demo_{}_{}_{number:02}", shop.slug, release_index + 1),
                    shop: shop_index,
                    release: release_index,
                    number,
                    spec: TrackSpec {
                        seed,
                        genre: release.genre,
                        duration_ms,
                    },
                    title,
                    album: release.title.to_owned(),
                    artists: shop.artists.to_owned(),
                    price_fen,
                    with_lyrics,
                });
            }
        }
    }
    planned
}

fn release_id(shop: &ShopPlan, release: usize) -> String {
    format!("rel_demo_{}_{}", shop.slug, release + 1)
}

/// One cover per release, by (shop, release) index.
async fn make_covers(state: &AppState) -> Result<Vec<Vec<String>>> {
    let state = state.clone();
    tokio::task::spawn_blocking(move || {
        SHOPS
            .iter()
            .enumerate()
            .map(|(shop_index, shop)| {
                shop.releases
                    .iter()
                    .enumerate()
                    .map(|(release_index, release)| {
                        let seed = DEMO_SEED
                            ^ (u64::try_from(shop_index * 16 + release_index).unwrap_or(0) << 32);
                        let png = shrimp_synth::cover_png(seed, release.genre, 512)
                            .map_err(|error| ServerError::Internal(error.to_string()))?;
                        put_cover(&state, &png)
                    })
                    .collect::<Result<Vec<_>>>()
            })
            .collect::<Result<Vec<_>>>()
    })
    .await
    .map_err(|error| ServerError::Internal(error.to_string()))?
}

/// The pending applicant's sample: a short generated piece, stored by hash.
async fn make_sample(state: &AppState) -> Result<String> {
    let state = state.clone();
    tokio::task::spawn_blocking(move || {
        let spec = TrackSpec {
            seed: DEMO_SEED ^ 0xEC40,
            genre: PENDING_GENRE,
            duration_ms: 60_000,
        };
        let rendered = shrimp_synth::render(&spec)
            .map_err(|error| ServerError::Internal(error.to_string()))?;
        let flac = shrimp_synth::encode_flac(
            &rendered,
            &Tags {
                title: "Sample 试听样本".into(),
                artist: APPLICANT.display_name.into(),
                album: PENDING_SHOP_NAME.into(),
                genre: PENDING_GENRE.as_str().into(),
                track_number: 1,
                date: "2026".into(),
                cover_png: None,
            },
        )
        .map_err(|error| ServerError::Internal(error.to_string()))?;
        state.files.put(&flac)
    })
    .await
    .map_err(|error| ServerError::Internal(error.to_string()))?
}

/// Renders, encodes and stores every track on all cores, reporting each finished track.
async fn make_music(
    state: &AppState,
    plan: Vec<PlannedTrack>,
    progress: ProgressFn,
) -> Result<Vec<MadeTrack>> {
    let state = state.clone();
    tokio::task::spawn_blocking(move || {
        let total = u32::try_from(plan.len()).unwrap_or(u32::MAX);
        let next = AtomicU32::new(0);
        let done = AtomicU32::new(0);
        progress(SeedProgress {
            step: SeedStep::Music,
            done: 0,
            total,
        });
        let workers = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        let results: Vec<Result<Vec<(usize, MadeTrack)>>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    scope.spawn(|| {
                        let mut made = Vec::new();
                        loop {
                            let index = next.fetch_add(1, Ordering::Relaxed) as usize;
                            let Some(planned) = plan.get(index) else {
                                return Ok(made);
                            };
                            made.push((index, make_track(&state, planned)?));
                            let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                            progress(SeedProgress {
                                step: SeedStep::Music,
                                done: finished,
                                total,
                            });
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|handle| {
                    handle.join().unwrap_or_else(|_| {
                        Err(ServerError::Internal(
                            "a music generator thread failed".into(),
                        ))
                    })
                })
                .collect()
        });
        let mut made = Vec::with_capacity(plan.len());
        for result in results {
            made.extend(result?);
        }
        made.sort_by_key(|(index, _)| *index);
        Ok(made.into_iter().map(|(_, track)| track).collect())
    })
    .await
    .map_err(|error| ServerError::Internal(error.to_string()))?
}

fn make_track(state: &AppState, planned: &PlannedTrack) -> Result<MadeTrack> {
    let internal = |error: shrimp_synth::SynthError| ServerError::Internal(error.to_string());
    let rendered: Rendered = shrimp_synth::render(&planned.spec).map_err(internal)?;
    let flac = shrimp_synth::encode_flac(
        &rendered,
        &Tags {
            title: planned.title.clone(),
            artist: planned.artists.clone(),
            album: planned.album.clone(),
            genre: planned.spec.genre.as_str().into(),
            track_number: planned.number,
            date: "2026".into(),
            cover_png: None,
        },
    )
    .map_err(internal)?;
    let audio_sha256 = state.files.put(&flac)?;
    let preview = preview_from_pcm(&rendered.samples, rendered.sample_rate, rendered.channels);
    let preview_sha256 = state.files.put(&preview)?;
    let lyrics = planned.with_lyrics.map(|lang| {
        shrimp_synth::lyrics_lrc(
            planned.spec.seed,
            lang,
            &rendered.sections,
            rendered.duration_ms(),
            &planned.title,
        )
    });
    Ok(MadeTrack {
        id: planned.id.clone(),
        shop: planned.shop,
        release: planned.release,
        number: planned.number,
        title: planned.title.clone(),
        genre: planned.spec.genre,
        price_fen: planned.price_fen,
        lyrics,
        audio_sha256,
        audio_size: flac.len() as u64,
        duration_ms: rendered.duration_ms(),
        preview_sha256,
    })
}

async fn insert_user(
    tx: &mut Transaction<'static, Any>,
    id: &str,
    email: &str,
    name: &str,
    password_hash: &str,
    is_reviewer: bool,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, is_reviewer, is_operator, \
         created_at) VALUES ($1, $2, $3, $4, $5, 0, $6)",
    )
    .bind(id)
    .bind(email)
    .bind(name)
    .bind(password_hash)
    .bind(i32::from(is_reviewer))
    .bind(now - HISTORY_DAYS * DAY_MS * 2)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn write_accounts(
    tx: &mut Transaction<'static, Any>,
    password_hash: &str,
    now: i64,
) -> Result<()> {
    for persona in PERSONAS {
        insert_user(
            tx,
            persona.user_id,
            persona.email,
            persona.display_name,
            password_hash,
            persona.key == REVIEWER.key,
            now,
        )
        .await?;
    }
    for shop in SHOPS {
        if let Owner::Background { .. } = shop.owner {
            insert_user(
                tx,
                &shop.owner.user_id(),
                &shop.owner.email(),
                shop.owner.display_name(),
                NO_PASSWORD,
                false,
                now,
            )
            .await?;
        }
    }
    for n in 0..SIMULATED_LISTENERS {
        insert_user(
            tx,
            &simulated_listener_id(n),
            &format!("listener-{n:03}@sim.shrimp.local"),
            &format!("Listener {n:03}"),
            NO_PASSWORD,
            false,
            now,
        )
        .await?;
    }
    Ok(())
}

async fn audit(
    tx: &mut Transaction<'static, Any>,
    application_id: &str,
    actor_id: &str,
    action: ActionKind,
    from: ApplicationState,
    to: ApplicationState,
    at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_events (id, application_id, actor_id, action, from_state, to_state, \
         reason, at) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7)",
    )
    .bind(format!("aud_demo_{application_id}_{to}"))
    .bind(application_id)
    .bind(actor_id)
    .bind(action.to_string())
    .bind(from.to_string())
    .bind(to.to_string())
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Shops arrive the way real ones do: an application, submitted, approved by the reviewer.
async fn write_shops(
    tx: &mut Transaction<'static, Any>,
    covers: &[Vec<String>],
    tracks: &[MadeTrack],
    now: i64,
) -> Result<()> {
    let opened = now - HISTORY_DAYS * DAY_MS - DAY_MS;
    for (shop_index, shop) in SHOPS.iter().enumerate() {
        let application_id = format!("app_demo_{}", shop.slug);
        let owner_id = shop.owner.user_id();
        let kind = kind_text(shop.kind.into());
        sqlx::query(
            "INSERT INTO shop_applications (id, applicant_id, kind, shop_name, legal_name, contact, \
             payout_account, declaration, sample_sha256, state, rejection_reason, shop_id, \
             created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, NULL, $10, $11, $12)",
        )
        .bind(&application_id)
        .bind(&owner_id)
        .bind(kind)
        .bind(shop.name)
        .bind(shop.legal_name)
        .bind(shop.owner.email())
        .bind(shop.payout_account)
        .bind(
            tracks
                .iter()
                .find(|track| track.shop == shop_index)
                .map(|track| track.audio_sha256.clone()),
        )
        .bind(ApplicationState::Approved.to_string())
        .bind(shop.shop_id())
        .bind(opened - DAY_MS)
        .bind(opened)
        .execute(&mut **tx)
        .await?;
        audit(
            tx,
            &application_id,
            &owner_id,
            ActionKind::Submit,
            ApplicationState::Draft,
            ApplicationState::Submitted,
            opened - DAY_MS,
        )
        .await?;
        audit(
            tx,
            &application_id,
            REVIEWER.user_id,
            ActionKind::Approve,
            ApplicationState::Submitted,
            ApplicationState::Approved,
            opened,
        )
        .await?;
        sqlx::query(
            "INSERT INTO shops (id, owner_id, application_id, name, kind, bio, payout_account, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(shop.shop_id())
        .bind(&owner_id)
        .bind(&application_id)
        .bind(shop.name)
        .bind(kind)
        .bind(shop.bio)
        .bind(shop.payout_account)
        .bind(opened)
        .execute(&mut **tx)
        .await?;
        for (release_index, release) in shop.releases.iter().enumerate() {
            // Releases come out over the history window, newest last.
            let released = opened
                + DAY_MS * i64::try_from((shop_index * 3 + release_index * 11) % 30).unwrap_or(0);
            sqlx::query(
                "INSERT INTO releases (id, shop_id, title, artists, genre, description, \
                 cover_sha256, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(release_id(shop, release_index))
            .bind(shop.shop_id())
            .bind(release.title)
            .bind(shop.artists)
            .bind(release.genre.as_str())
            .bind(release.description)
            .bind(
                covers
                    .get(shop_index)
                    .and_then(|row| row.get(release_index)),
            )
            .bind(released)
            .execute(&mut **tx)
            .await?;
            for track in tracks
                .iter()
                .filter(|track| track.shop == shop_index && track.release == release_index)
            {
                write_track(tx, shop, track, released + i64::from(track.number)).await?;
            }
        }
    }
    Ok(())
}

async fn write_track(
    tx: &mut Transaction<'static, Any>,
    shop: &ShopPlan,
    track: &MadeTrack,
    created_at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO tracks (id, shop_id, title, artists, genre, price_fen, lyrics, duration_ms, \
         audio_sha256, audio_size, preview_sha256, published, downloads, created_at, release_id, \
         track_number) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, 0, $12, $13, $14)",
    )
    .bind(&track.id)
    .bind(shop.shop_id())
    .bind(&track.title)
    .bind(shop.artists)
    .bind(track.genre.as_str())
    .bind(track.price_fen)
    .bind(track.lyrics.clone())
    .bind(i64::from(track.duration_ms))
    .bind(&track.audio_sha256)
    .bind(i64::try_from(track.audio_size).unwrap_or(i64::MAX))
    .bind(&track.preview_sha256)
    .bind(created_at)
    .bind(release_id(shop, track.release))
    .bind(i64::from(track.number))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The application in the reviewer's inbox: submitted with a sample, waiting.
async fn write_pending_application(
    tx: &mut Transaction<'static, Any>,
    sample_sha256: &str,
    now: i64,
) -> Result<()> {
    let submitted = now - 2 * 3_600_000;
    sqlx::query(
        "INSERT INTO shop_applications (id, applicant_id, kind, shop_name, legal_name, contact, \
         payout_account, declaration, sample_sha256, state, rejection_reason, shop_id, \
         created_at, updated_at) \
         VALUES ($1, $2, 'independent', $3, $4, $5, $6, 1, $7, $8, NULL, NULL, $9, $10)",
    )
    .bind(PENDING_APPLICATION_ID)
    .bind(APPLICANT.user_id)
    .bind(PENDING_SHOP_NAME)
    .bind("何谷 He Gu")
    .bind(APPLICANT.email)
    .bind("alipay:hegu@example.cn")
    .bind(sample_sha256)
    .bind(ApplicationState::Submitted.to_string())
    .bind(submitted - 3_600_000)
    .bind(submitted)
    .execute(&mut **tx)
    .await?;
    audit(
        tx,
        PENDING_APPLICATION_ID,
        APPLICANT.user_id,
        ActionKind::Submit,
        ApplicationState::Draft,
        ApplicationState::Submitted,
        submitted,
    )
    .await
}

/// Weeks of past sales through the real payment step (`mark_paid`): ledger entries,
/// entitlements and events exactly as live sales make them. Busier on weekends, growing.
async fn write_history(
    state: &AppState,
    tx: &mut Transaction<'static, Any>,
    tracks: &[MadeTrack],
    now: i64,
) -> Result<u32> {
    let mut random = Random::new(DEMO_SEED ^ 0x5A1E);
    let weights: Vec<u64> = tracks
        .iter()
        .map(|track| u64::from(SHOPS[track.shop].popularity) * (2 + u64::from(track.number % 3)))
        .collect();
    let mut owned: HashSet<(u32, usize)> = HashSet::new();
    let mut sales = 0_u32;
    for day in 0..HISTORY_DAYS {
        let day_start = now - (HISTORY_DAYS - day) * DAY_MS;
        let weekend = matches!(day % 7, 5 | 6);
        let count =
            6 + day / 5 + if weekend { 6 } else { 0 } + i64::try_from(random.below(6)).unwrap_or(0);
        for _ in 0..count {
            let track_index = random.weighted(&weights);
            let buyer = u32::try_from(random.below(u64::from(SIMULATED_LISTENERS))).unwrap_or(0);
            if !owned.insert((buyer, track_index)) {
                continue;
            }
            let track = &tracks[track_index];
            let at = day_start
                + i64::try_from(random.below(u64::try_from(DAY_MS).unwrap_or(1))).unwrap_or(0);
            let order_id = format!("ord_demo_{sales:05}");
            sqlx::query(
                "INSERT INTO orders (id, buyer_id, track_id, shop_id, amount_fen, status, \
                 idempotency_key, request_hash, provider, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, 'demo', $8, $9)",
            )
            .bind(&order_id)
            .bind(simulated_listener_id(buyer))
            .bind(&track.id)
            .bind(SHOPS[track.shop].shop_id())
            .bind(track.price_fen)
            .bind(&order_id)
            .bind(&order_id)
            .bind(at)
            .bind(at + state.settings.order_ttl_ms)
            .execute(&mut **tx)
            .await?;
            mark_paid(tx, &order_id, at).await?;
            sales += 1;
        }
    }
    // Every buyer downloaded what they bought, and some twice.
    sqlx::query(
        "UPDATE tracks SET downloads = (SELECT COUNT(*) FROM entitlements e \
         WHERE e.track_id = tracks.id) WHERE id LIKE 'trk_demo_%'",
    )
    .execute(&mut **tx)
    .await?;
    Ok(sales)
}

/// How many simulated listeners subscribe (the simulator keeps the same ones subscribing).
const HISTORY_SUBSCRIBERS: u32 = 40;

/// Last month's subscribers: each paid the fee through the real payment step and downloaded
/// a handful of tracks over the rest of the month, so the month's split has something to
/// divide. Returns that month.
async fn write_subscription_history(
    state: &AppState,
    tx: &mut Transaction<'static, Any>,
    tracks: &[MadeTrack],
    now: i64,
) -> Result<shrimp_domain::Month> {
    let this_month = crate::subscriptions::month_of(now)?;
    let last_month = this_month
        .previous()
        .ok_or_else(|| ServerError::Internal("no month before this one".into()))?;
    let start = crate::subscriptions::month_start(last_month);
    let end = crate::subscriptions::month_start(this_month);
    let (price, _) = crate::subscriptions::plan(state).await?;
    let mut random = Random::new(DEMO_SEED ^ 0x5B5C);
    let weights: Vec<u64> = tracks
        .iter()
        .map(|track| u64::from(SHOPS[track.shop].popularity))
        .collect();
    for n in 0..HISTORY_SUBSCRIBERS {
        let user_id = simulated_listener_id(n);
        let period_id = format!("sub_demo_{n:03}");
        let paid_at = start + DAY_MS / 2 + i64::from(n) * 60_000;
        sqlx::query(
            "INSERT INTO subscription_periods (id, user_id, month, amount_fen, status, \
             idempotency_key, request_hash, provider, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, 'pending', $5, $6, 'demo', $7, $8)",
        )
        .bind(&period_id)
        .bind(&user_id)
        .bind(last_month.to_string())
        .bind(price.0)
        .bind(&period_id)
        .bind(&period_id)
        .bind(paid_at)
        .bind(paid_at + state.settings.order_ttl_ms)
        .execute(&mut **tx)
        .await?;
        crate::subscriptions::mark_period_paid(state, tx, &period_id, paid_at).await?;
        // Subscribers download through the month, not all on the day they paid, so the
        // share a shop earned shows on the days it was earned.
        let span = u64::try_from(end - paid_at).unwrap_or(1).max(1);
        let downloads = 3 + random.below(12);
        for _ in 0..downloads {
            let track = &tracks[random.weighted(&weights)];
            let at = paid_at + i64::try_from(random.below(span)).unwrap_or(0);
            sqlx::query(
                "INSERT INTO subscription_downloads (month, user_id, track_id, shop_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (month, user_id, track_id) DO NOTHING",
            )
            .bind(last_month.to_string())
            .bind(&user_id)
            .bind(&track.id)
            .bind(SHOPS[track.shop].shop_id())
            .bind(at)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(last_month)
}

#[cfg(test)]
mod tests {
    use super::super::catalogue::{LABEL_OWNER, MUSICIAN};
    use super::*;

    #[test]
    fn the_plan_has_enough_music_at_legal_prices() {
        let plan = plan_tracks();
        assert!(plan.len() >= 60, "{} tracks", plan.len());
        let ids: HashSet<_> = plan.iter().map(|track| track.id.clone()).collect();
        assert_eq!(ids.len(), plan.len(), "track ids are unique");
        for track in &plan {
            let shop = &SHOPS[track.shop];
            match shop.kind {
                ShopKind::Label => assert_eq!(track.price_fen, 80, "{}", track.id),
                ShopKind::Independent => assert!((0..=5000).contains(&track.price_fen)),
            }
            assert!((60_000..=150_000).contains(&track.spec.duration_ms));
        }
        assert!(
            plan.iter().any(|track| track.price_fen == 0),
            "some are free"
        );
        assert!(plan.iter().any(|track| track.with_lyrics.is_some()));
        let genres: HashSet<_> = plan.iter().map(|track| track.spec.genre).collect();
        assert!(genres.len() >= 5, "{genres:?}");
        assert_eq!(plan_tracks().len(), plan.len());
        assert!(
            plan.iter()
                .zip(plan_tracks())
                .all(|(a, b)| a.spec == b.spec && a.title == b.title)
        );
        assert!(SHOPS.len() >= 8);
        assert!(
            SHOPS
                .iter()
                .any(|shop| matches!(shop.owner, Owner::Persona(p) if p == MUSICIAN))
        );
        assert!(
            SHOPS
                .iter()
                .any(|shop| matches!(shop.owner, Owner::Persona(p) if p == LABEL_OWNER))
        );
    }
}
