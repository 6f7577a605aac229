//! The monthly subscription end to end, on SQLite and PostgreSQL, through the public client:
//! subscribe → download from several shops (live projection on the owner's stream) → close
//! the month → every shop's and every subscriber's statement exact, the ledger invariants
//! hold, rerunning the close changes nothing; an empty month carries its pool over visibly;
//! payouts never overdraw a balance.

#![allow(clippy::unwrap_used, clippy::too_many_lines)] // Test code: a failed unwrap is a failed test; journeys are long.

use shrimp_api::{ErrorCode, IncomeEvent, PayoutStatus, PeriodStatus, PlanUpdate, ShopKindView};
use shrimp_client::{Client, Token};
use shrimp_domain::{Fen, ShopId, split_pool};
use shrimp_server::Clock;
use shrimp_tests::server::{Backend, TestServer, sine_file, story};
use sqlx::Row;

/// 2026-10-28T12:00:00Z, a few days before October ends.
const OCT_28: i64 = 1_793_188_800_000;
/// An hour into each next month (past the grace for late payments).
const NOV_1: i64 = 1_793_494_800_000;
const DEC_1: i64 = 1_796_086_800_000;
const JAN_1: i64 = 1_798_765_200_000;

/// Signs `email` in again (sessions last 30 days; the journey spans months).
async fn again(server: &TestServer, email: &str) -> Client {
    let grant = Client::new(&server.base_url)
        .unwrap()
        .sign_in(email, story::PASSWORD)
        .await
        .unwrap();
    Client::new(&server.base_url)
        .unwrap()
        .with_token(Token::new(grant.token))
}

fn set_clock(server: &TestServer, to: i64) {
    let now = server.state.clock.now_ms();
    server.state.clock.advance_ms(to - now);
}

async fn one(server: &TestServer, sql: &str) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&server.state.db.pool)
        .await
        .unwrap()
        .get::<i64, _>("n")
}

/// What the ledger must satisfy after anything: postings sum to zero; every shop's balance is
/// its sales + settled shares − payouts; every closed month's pool is empty and its shares sum
/// to the pool minus the carry-over.
async fn assert_ledger_invariants(server: &TestServer) {
    assert_eq!(
        one(
            server,
            "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS n FROM postings"
        )
        .await,
        0
    );
    let unbalanced = one(
        server,
        "SELECT COUNT(*) AS n FROM (SELECT entry_id FROM postings GROUP BY entry_id \
         HAVING SUM(amount_fen) <> 0) AS x",
    )
    .await;
    assert_eq!(unbalanced, 0, "every entry balances");
    let shops = sqlx::query("SELECT id FROM shops")
        .fetch_all(&server.state.db.pool)
        .await
        .unwrap();
    for row in shops {
        let shop: String = row.get("id");
        let sum = |sql: String| async move { one(server, &sql).await };
        let balance = sum(format!(
            "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS n FROM postings WHERE account = 'shop_payable/{shop}'"
        ))
        .await;
        let sales = sum(format!(
            "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS n FROM orders WHERE shop_id = '{shop}' AND status = 'paid'"
        ))
        .await;
        let shares = sum(format!(
            "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS n FROM settlement_shares WHERE shop_id = '{shop}'"
        ))
        .await;
        let payouts = sum(format!(
            "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS n FROM payouts WHERE shop_id = '{shop}'"
        ))
        .await;
        assert_eq!(balance, sales + shares - payouts, "shop {shop}");
        assert!(balance >= 0, "shop {shop} overdrawn");
    }
    let settlements = sqlx::query("SELECT month, pool_fen, carry_over_fen FROM settlements")
        .fetch_all(&server.state.db.pool)
        .await
        .unwrap();
    for row in settlements {
        let month: String = row.get("month");
        let pool: i64 = row.get("pool_fen");
        let carry: i64 = row.get("carry_over_fen");
        let shares = one(
            server,
            &format!("SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS n FROM settlement_shares WHERE month = '{month}'"),
        )
        .await;
        assert_eq!(shares + carry, pool, "{month}: the pool is split exactly");
        let left = one(
            server,
            &format!("SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS n FROM postings WHERE account = 'subscription_pool/{month}'"),
        )
        .await;
        assert_eq!(left, 0, "{month}: nothing stays in a closed pool");
    }
}

/// Row counts that a rerun of a close must not change.
async fn footprint(server: &TestServer) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "journal_entries",
        "postings",
        "settlements",
        "settlement_shares",
        "subscriber_statements",
        "outbox",
    ] {
        counts.push(one(server, &format!("SELECT COUNT(*) AS n FROM {table}")).await);
    }
    counts
}

async fn journey(backend: Backend) {
    let server = TestServer::start_with_clock(backend, Clock::manual(OCT_28))
        .await
        .unwrap();
    let audio = tempfile::tempdir().unwrap();
    let sample = std::fs::read(sine_file(audio.path(), "s.wav", 440, 0.5).unwrap()).unwrap();
    let reviewer = story::account(&server, "reviewer@s.test").await.unwrap();
    server.grant_reviewer("reviewer@s.test").await.unwrap();
    let operator = story::account(&server, "operator@s.test").await.unwrap();
    server.grant_operator("operator@s.test").await.unwrap();

    // Three shops: A with two tracks, B and C with one.
    let mut shops = Vec::new();
    for (email, name) in [("a@s.test", "A"), ("b@s.test", "B"), ("c@s.test", "C")] {
        let owner = story::account(&server, email).await.unwrap();
        let kind = ShopKindView::Independent;
        let shop = story::open_shop(&owner, &reviewer, kind, name, &sample)
            .await
            .unwrap();
        shops.push((owner, shop));
    }
    let a1 = story::publish_track(&shops[0].0, &shops[0].1, "A1", None, &sample)
        .await
        .unwrap();
    let a2 = story::publish_track(&shops[0].0, &shops[0].1, "A2", None, &sample)
        .await
        .unwrap();
    let b1 = story::publish_track(&shops[1].0, &shops[1].1, "B1", None, &sample)
        .await
        .unwrap();
    let c1 = story::publish_track(&shops[2].0, &shops[2].1, "C1", None, &sample)
        .await
        .unwrap();
    let (shop_a, shop_b, shop_c) = (shops[0].1.clone(), shops[1].1.clone(), shops[2].1.clone());

    // The terms are public.
    let anonymous = Client::new(&server.base_url).unwrap();
    let terms = anonymous.subscription_terms().await.unwrap();
    assert_eq!(terms.price, Fen(1000), "the default plan is ¥10.00 a month");
    assert!(
        terms
            .rules
            .iter()
            .any(|rule| rule.contains("once per subscriber per month"))
    );

    // Not subscribed: no download.
    let listener = story::account(&server, "listener@s.test").await.unwrap();
    let refused = listener.download_link(&a1).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);

    // Two subscribers at ¥10.00, then the operator changes the plan, a third at ¥9.99.
    let s1 = story::account(&server, "s1@s.test").await.unwrap();
    let s2 = story::account(&server, "s2@s.test").await.unwrap();
    let s3 = story::account(&server, "s3@s.test").await.unwrap();
    let period = s1.subscribe(None, "s1-oct").await.unwrap();
    assert_eq!(
        (period.month.as_str(), period.status),
        ("2026-10", PeriodStatus::Paid)
    );
    let replay = s1.subscribe(None, "s1-oct").await.unwrap();
    assert_eq!(
        replay.id, period.id,
        "a replayed key returns the first result"
    );
    let again_paid = s1.subscribe(None, "s1-oct-again").await.unwrap_err();
    assert_eq!(
        again_paid.code(),
        ErrorCode::Conflict,
        "a month is paid once"
    );
    s2.subscribe(Some("2026-10"), "s2-oct").await.unwrap();
    let listener_plan = listener
        .update_plan(&PlanUpdate {
            price: Fen(1),
            daily_download_cap: 1,
        })
        .await
        .unwrap_err();
    assert_eq!(listener_plan.code(), ErrorCode::Forbidden);
    operator
        .update_plan(&PlanUpdate {
            price: Fen(999),
            daily_download_cap: 100,
        })
        .await
        .unwrap();
    s3.subscribe(None, "s3-oct").await.unwrap();
    let far = s3.subscribe(Some("2027-03"), "s3-far").await.unwrap_err();
    assert_eq!(far.code(), ErrorCode::InvalidInput);

    // Shop A's owner watches the live projection.
    let mut stream = shops[0].0.income_events(&shop_a);
    stream.connect().await.unwrap();

    // Downloads: s1 → A1, A2, B1 (and A1 again); s2 → A1, C1; s3 → B1. The owner's own
    // download does not count.
    for (who, track) in [
        (&s1, &a1),
        (&s1, &a2),
        (&s1, &b1),
        (&s1, &a1),
        (&s2, &a1),
        (&s2, &c1),
        (&s3, &b1),
    ] {
        who.download_link(track).await.unwrap();
    }
    shops[0].0.download_link(&a1).await.unwrap();
    let link = s3.download_link(&b1).await.unwrap();
    let file = s3.download(&link, 0).await.unwrap().bytes().await.unwrap();
    assert_eq!(file.len(), sample.len(), "a subscriber gets the whole file");

    let first = tokio::time::timeout(std::time::Duration::from_secs(10), stream.next())
        .await
        .unwrap()
        .unwrap();
    let IncomeEvent::ShareProjected { projection, .. } = first else {
        panic!("expected a projection, got {first:?}");
    };
    assert_eq!(
        (projection.month.as_str(), projection.track_id.as_str()),
        ("2026-10", a1.as_str())
    );
    assert_eq!((projection.downloads, projection.total_downloads), (1, 1));
    assert_eq!(projection.pool, Fen(2999));
    assert_eq!(projection.projected_share, Fen(2999));
    // A got three counted downloads, so three projections in all.
    for expected_downloads in [2, 3] {
        let event = tokio::time::timeout(std::time::Duration::from_secs(10), stream.next())
            .await
            .unwrap()
            .unwrap();
        let IncomeEvent::ShareProjected { projection, .. } = event else {
            panic!("expected a projection, got {event:?}");
        };
        assert_eq!(projection.downloads, expected_downloads);
    }

    // The daily cap: s1 has counted three today.
    operator
        .update_plan(&PlanUpdate {
            price: Fen(999),
            daily_download_cap: 3,
        })
        .await
        .unwrap();
    let capped = s1.download_link(&c1).await.unwrap_err();
    assert_eq!(capped.code(), ErrorCode::RateLimited);
    s1.download_link(&a2)
        .await
        .expect("re-downloading a counted track is not capped");
    let view = s1.subscription().await.unwrap();
    assert_eq!(view.active_month.as_deref(), Some("2026-10"));
    assert_eq!((view.downloads_today, view.daily_download_cap), (3, 3));
    operator
        .update_plan(&PlanUpdate {
            price: Fen(999),
            daily_download_cap: 100,
        })
        .await
        .unwrap();

    // The live projection endpoint: the exact split as of now.
    let projection = shops[0].0.share_projection(&shop_a).await.unwrap();
    assert_eq!(
        (
            projection.pool,
            projection.downloads,
            projection.total_downloads
        ),
        (Fen(2999), 3, 6)
    );
    assert_eq!(projection.projected_share, Fen(1499));

    // s2 cancels: October stays usable; no renewal.
    let cancelled = s2.cancel_subscription().await.unwrap();
    assert!(!cancelled.auto_renew);
    assert_eq!(cancelled.active_month.as_deref(), Some("2026-10"));

    // Too early to close October.
    let early = operator.settle("2026-10").await.unwrap_err();
    assert_eq!(early.code(), ErrorCode::Conflict);

    // November: close October.
    set_clock(&server, NOV_1);
    let operator = again(&server, "operator@s.test").await;
    let october = operator.settle("2026-10").await.unwrap();
    assert_eq!(
        (
            october.fees,
            october.carried_in,
            october.pool,
            october.carry_over
        ),
        (Fen(2999), Fen::ZERO, Fen(2999), Fen::ZERO)
    );
    assert_eq!(
        (october.subscribers, october.shops, october.downloads),
        (3, 3, 6)
    );
    // pool 2999 over 3:2:1 → 1499.5, 999.67, 499.83 → floors 1499, 999, 499 and the two
    // leftover fen to the largest remainders (C, then B).
    let owners = [
        again(&server, "a@s.test").await,
        again(&server, "b@s.test").await,
        again(&server, "c@s.test").await,
    ];
    for ((owner, shop), (downloads, share)) in
        owners
            .iter()
            .zip([&shop_a, &shop_b, &shop_c])
            .zip([(3, 1499), (2, 1000), (1, 500)])
    {
        let statements = owner.shop_subscription_statements(shop).await.unwrap();
        assert_eq!(statements.len(), 1);
        assert_eq!(statements[0].month, "2026-10");
        assert_eq!(
            (
                statements[0].downloads,
                statements[0].share,
                statements[0].pool
            ),
            (downloads, Fen(share), Fen(2999))
        );
        assert_eq!(owner.income(shop).await.unwrap().balance, Fen(share));
    }

    // Every subscriber's statement: the fee divided like the pool, exactly.
    let s1 = again(&server, "s1@s.test").await;
    let s2 = again(&server, "s2@s.test").await;
    let s3 = again(&server, "s3@s.test").await;
    let statement = s1.subscriber_statement("2026-10").await.unwrap();
    assert_eq!((statement.fee, statement.your_downloads), (Fen(1000), 3));
    let lines: Vec<(&str, i64, i64)> = statement
        .lines
        .iter()
        .map(|line| (line.shop_id.as_str(), line.your_downloads, line.amount.0))
        .collect();
    // 1000 over 3:2:1 → 500, 333, 167 (C has the largest remainder).
    assert_eq!(
        lines,
        [(shop_a.as_str(), 2, 500), (shop_b.as_str(), 1, 333)]
    );
    assert_eq!(
        (statement.other_shops, statement.carried_over),
        (Fen(167), Fen::ZERO)
    );
    let shares = [
        (ShopId::new(shop_a.clone()).unwrap(), 3),
        (ShopId::new(shop_b.clone()).unwrap(), 2),
        (ShopId::new(shop_c.clone()).unwrap(), 1),
    ];
    for (client, fee, downloaded) in [
        (&s1, 1000, vec![&shop_a, &shop_b]),
        (&s2, 1000, vec![&shop_a, &shop_c]),
        (&s3, 999, vec![&shop_b]),
    ] {
        let statement = client.subscriber_statements().await.unwrap().remove(0);
        assert_eq!(statement.fee, Fen(fee));
        assert_eq!((statement.pool, statement.total_downloads), (Fen(2999), 6));
        let split = split_pool(Fen(fee), &shares).unwrap();
        let mut total = statement.other_shops.0 + statement.carried_over.0;
        for line in &statement.lines {
            assert!(downloaded.contains(&&line.shop_id));
            let shop = ShopId::new(line.shop_id.clone()).unwrap();
            assert_eq!(line.amount, split.share_of(&shop));
            total += line.amount.0;
        }
        assert_eq!(statement.lines.len(), downloaded.len());
        assert_eq!(
            total, fee,
            "the statement accounts for every fen of the fee"
        );
    }
    assert_ledger_invariants(&server).await;

    // Rerunning the close changes nothing.
    let before = footprint(&server).await;
    let rerun = operator.settle("2026-10").await.unwrap();
    assert_eq!(rerun, october);
    let direct = shrimp_server::settle_month(&server.state, "2026-10".parse().unwrap())
        .await
        .unwrap();
    assert!(!direct.newly);
    assert_eq!(footprint(&server).await, before);

    // November: s1 and s3 renew (s2 cancelled), nobody downloads anything.
    assert_eq!(shrimp_server::renew_due(&server.state).await.unwrap(), 2);
    assert_eq!(shrimp_server::renew_due(&server.state).await.unwrap(), 0);
    let renewed = s1.subscription().await.unwrap();
    assert_eq!(renewed.active_month.as_deref(), Some("2026-11"));
    assert_eq!(
        renewed.periods[0].amount,
        Fen(999),
        "renewal at the current price"
    );
    assert_eq!(s2.subscription().await.unwrap().active_month, None);
    assert_eq!(
        s2.download_link(&a1).await.unwrap_err().code(),
        ErrorCode::Forbidden
    );

    // December: the scheduled run closes November; its pool is carried over, visibly.
    set_clock(&server, DEC_1);
    let closed = shrimp_server::settle_due(&server.state).await.unwrap();
    assert_eq!(closed.len(), 1);
    let november = &closed[0];
    assert_eq!(november.month, "2026-11");
    assert_eq!(
        (november.pool, november.carry_over, november.shops),
        (Fen(1998), Fen(1998), 0)
    );
    assert_eq!(
        one(&server, "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS n FROM postings WHERE account = 'carry_over'").await,
        1998
    );
    let s1 = again(&server, "s1@s.test").await;
    let empty = s1.subscriber_statement("2026-11").await.unwrap();
    assert_eq!(
        (empty.carried_over, empty.other_shops),
        (Fen(999), Fen::ZERO)
    );
    assert!(empty.lines.is_empty());

    // December: renewals again, one download; the close brings November's pool in.
    assert_eq!(shrimp_server::renew_due(&server.state).await.unwrap(), 2);
    s1.download_link(&a1).await.unwrap();
    set_clock(&server, JAN_1);
    // Two instances close December at once on PostgreSQL; once on SQLite.
    let month = "2026-12".parse().unwrap();
    let december = if backend == Backend::Postgres {
        let other = server.another_on().await.unwrap();
        let (one_run, other_run) = tokio::join!(
            shrimp_server::settle_month(&server.state, month),
            shrimp_server::settle_month(&other.state, month)
        );
        let (one_run, other_run) = (one_run.unwrap(), other_run.unwrap());
        assert!(
            one_run.newly ^ other_run.newly,
            "exactly one instance closes the month"
        );
        assert_eq!(one_run.settlement, other_run.settlement);
        one_run.settlement
    } else {
        shrimp_server::settle_month(&server.state, month)
            .await
            .unwrap()
            .settlement
    };
    assert_eq!(
        (
            december.fees,
            december.carried_in,
            december.pool,
            december.carry_over
        ),
        (Fen(1998), Fen(1998), Fen(3996), Fen::ZERO)
    );
    let owner_a = again(&server, "a@s.test").await;
    let statements = owner_a.shop_subscription_statements(&shop_a).await.unwrap();
    let months: Vec<(&str, i64)> = statements
        .iter()
        .map(|s| (s.month.as_str(), s.share.0))
        .collect();
    assert_eq!(months, [("2026-12", 3996), ("2026-10", 1499)]);
    assert_eq!(owner_a.income(&shop_a).await.unwrap().balance, Fen(5495));
    assert_ledger_invariants(&server).await;

    // Payouts: never below zero, even when asked for concurrently.
    let payout = owner_a
        .request_payout(&shop_a, Fen(5000), "p1")
        .await
        .unwrap();
    assert_eq!(payout.status, PayoutStatus::Requested);
    let too_much = owner_a
        .request_payout(&shop_a, Fen(1000), "p2")
        .await
        .unwrap_err();
    assert_eq!(too_much.code(), ErrorCode::Conflict);
    let mut tasks = Vec::new();
    for n in 0..10 {
        let owner = owner_a.clone();
        let shop = shop_a.clone();
        tasks.push(tokio::spawn(async move {
            owner
                .request_payout(&shop, Fen(100), &format!("c{n}"))
                .await
        }));
    }
    let mut granted = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => granted += 1,
            Err(error) => assert_eq!(error.code(), ErrorCode::Conflict),
        }
    }
    assert_eq!(granted, 4, "495 fen pays out four times 100");
    let owner_b = again(&server, "b@s.test").await;
    let other_shop = owner_b
        .request_payout(&shop_a, Fen(1), "x")
        .await
        .unwrap_err();
    assert_eq!(other_shop.code(), ErrorCode::Forbidden);
    let operator = again(&server, "operator@s.test").await;
    let queue = operator.payout_queue("requested").await.unwrap();
    assert_eq!(queue.len(), 5);
    let sent = operator.mark_payout_sent(&payout.id).await.unwrap();
    assert_eq!(sent.status, PayoutStatus::Sent);
    let transfer = sent.transfer_request.unwrap();
    assert!(
        transfer.contains("out_biz_no=") && transfer.contains("trans_amount=50.00"),
        "{transfer}"
    );
    assert_eq!(
        operator
            .mark_payout_sent(&payout.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Conflict
    );
    let statement = owner_a.payouts(&shop_a).await.unwrap();
    assert_eq!(
        (statement.balance, statement.paid_out),
        (Fen(95), Fen(5400))
    );
    assert_eq!(statement.payouts.len(), 5);
    assert_ledger_invariants(&server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn subscription_months_settle_exactly_on_sqlite() {
    journey(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn subscription_months_settle_exactly_on_postgres() {
    journey(Backend::Postgres).await;
}

/// The dashboard's daily series carries each day's part of the subscription share, separate
/// from sales: a settled month's share and the current month's projection are spread over
/// the days the shop's subscriber downloads were made, exactly, so the days of a month add up
/// to the month's share.
async fn daily_income_carries_the_subscription_share(backend: Backend) {
    const DAY: i64 = 86_400_000;
    let oct_26 = OCT_28 - 2 * DAY;
    let server = TestServer::start_with_clock(backend, Clock::manual(oct_26))
        .await
        .unwrap();
    let audio = tempfile::tempdir().unwrap();
    let sample = std::fs::read(sine_file(audio.path(), "s.wav", 440, 0.5).unwrap()).unwrap();
    let reviewer = story::account(&server, "reviewer@d.test").await.unwrap();
    server.grant_reviewer("reviewer@d.test").await.unwrap();
    story::account(&server, "operator@d.test").await.unwrap();
    server.grant_operator("operator@d.test").await.unwrap();
    let owner_a = story::account(&server, "a@d.test").await.unwrap();
    let shop_a = story::open_shop(&owner_a, &reviewer, ShopKindView::Independent, "A", &sample)
        .await
        .unwrap();
    let owner_b = story::account(&server, "b@d.test").await.unwrap();
    let shop_b = story::open_shop(&owner_b, &reviewer, ShopKindView::Independent, "B", &sample)
        .await
        .unwrap();
    let a1 = story::publish_track(&owner_a, &shop_a, "A1", None, &sample)
        .await
        .unwrap();
    let a2 = story::publish_track(&owner_a, &shop_a, "A2", None, &sample)
        .await
        .unwrap();
    let b1 = story::publish_track(&owner_b, &shop_b, "B1", None, &sample)
        .await
        .unwrap();

    // October's pool is ¥20.00. On the 26th A and B get a download each; on the 28th A gets
    // three more, and a listener buys A1 outright.
    let s1 = story::account(&server, "s1@d.test").await.unwrap();
    let s2 = story::account(&server, "s2@d.test").await.unwrap();
    s1.subscribe(None, "s1-oct").await.unwrap();
    s2.subscribe(None, "s2-oct").await.unwrap();
    s1.download_link(&a1).await.unwrap();
    s1.download_link(&b1).await.unwrap();
    set_clock(&server, OCT_28);
    s1.download_link(&a2).await.unwrap();
    s2.download_link(&a1).await.unwrap();
    s2.download_link(&a2).await.unwrap();
    let buyer = story::account(&server, "buyer@d.test").await.unwrap();
    buyer.create_order(&a1, "buy-a1").await.unwrap();

    let day_of = |series: &[shrimp_api::DailyIncome], at: i64| {
        let start = at - at.rem_euclid(DAY);
        series
            .iter()
            .find(|day| day.day_start_ms == start)
            .cloned()
            .unwrap()
    };
    // While October is open: its projection (A has 4 of 5 downloads: ¥16.00), spread 1 : 3.
    let projection = owner_a.share_projection(&shop_a).await.unwrap();
    assert_eq!(projection.projected_share, Fen(1600));
    let series = owner_a.income_daily(&shop_a, 30).await.unwrap();
    assert_eq!(series.len(), 30);
    assert_eq!(day_of(&series, oct_26).subscription_share, Fen(400));
    let oct_28 = day_of(&series, OCT_28);
    assert_eq!(
        (oct_28.subscription_share, oct_28.sales, oct_28.count),
        (Fen(1200), Fen(80), 1),
        "the share is kept apart from the day's sale"
    );
    let total = |series: &[shrimp_api::DailyIncome]| {
        series
            .iter()
            .map(|day| day.subscription_share.as_i64())
            .sum::<i64>()
    };
    assert_eq!(total(&series), 1600);

    // November: October is closed; its settled shares stay on their days. A November
    // subscriber's one download projects that month's whole pool onto November 1st.
    set_clock(&server, NOV_1);
    let operator = again(&server, "operator@d.test").await;
    operator.settle("2026-10").await.unwrap();
    let s3 = story::account(&server, "s3@d.test").await.unwrap();
    s3.subscribe(None, "s3-nov").await.unwrap();
    s3.download_link(&a2).await.unwrap();
    let owner_a = again(&server, "a@d.test").await;
    let series = owner_a.income_daily(&shop_a, 30).await.unwrap();
    assert_eq!(day_of(&series, oct_26).subscription_share, Fen(400));
    assert_eq!(day_of(&series, OCT_28).subscription_share, Fen(1200));
    assert_eq!(day_of(&series, NOV_1).subscription_share, Fen(1000));
    assert_eq!(total(&series), 1600 + 1000);
    let statements = owner_a.shop_subscription_statements(&shop_a).await.unwrap();
    assert_eq!(statements[0].share, Fen(1600));
    // Per track, the subscriber downloads counted for the split, apart from sales.
    let tracks = owner_a.income_tracks(&shop_a).await.unwrap();
    let track = |id: &str| tracks.iter().find(|track| track.track_id == id).unwrap();
    assert_eq!(
        (
            track(&a1).subscriber_downloads,
            track(&a1).count,
            track(&a1).sales
        ),
        (2, 1, Fen(80))
    );
    assert_eq!((track(&a2).subscriber_downloads, track(&a2).count), (3, 0));

    // B sees only its own: October's ¥4.00 on the 26th, no sale.
    let owner_b = again(&server, "b@d.test").await;
    let series_b = owner_b.income_daily(&shop_b, 30).await.unwrap();
    assert_eq!(day_of(&series_b, oct_26).subscription_share, Fen(400));
    assert_eq!(total(&series_b), 400);
    assert!(series_b.iter().all(|day| day.sales == Fen::ZERO));

    // A window that starts after October's download days holds none of October's share.
    let short = owner_a.income_daily(&shop_a, 3).await.unwrap();
    assert_eq!(short.len(), 3);
    assert_eq!(total(&short), 1000);
    // And another shop's series stays closed to A's owner.
    let refused = owner_a.income_daily(&shop_b, 30).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    assert_ledger_invariants(&server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn daily_income_carries_the_subscription_share_on_sqlite() {
    daily_income_carries_the_subscription_share(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn daily_income_carries_the_subscription_share_on_postgres() {
    daily_income_carries_the_subscription_share(Backend::Postgres).await;
}
