//! The double-entry ledger: every movement of money is a [`JournalEntry`] whose postings sum
//! to zero. Entries are only built by the constructors here, each of which checks that sum,
//! so an unbalanced entry cannot exist. Entries are append-only; a correction is a new
//! reversing entry such as [`JournalEntry::refund`].
//!
//! Signs: a positive balance is money the platform holds for someone (a shop's payable, a
//! month's pool, the carry-over); the buyer clearing account goes negative by what buyers
//! paid in, and a shop's payouts account grows by what was paid out to it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ids::ShopId;
use crate::money::Fen;
use crate::month::Month;
use crate::split::Split;

/// Where money sits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Account {
    /// Money buyers and subscribers paid in, on its way to where it belongs.
    BuyerClearing,
    /// What the platform owes a shop: its balance.
    ShopPayable(ShopId),
    /// One month's subscription fees, waiting for that month's settlement.
    SubscriptionPool {
        /// The month the fees were paid for.
        month: Month,
    },
    /// What has been paid out to a shop's payout account.
    Payouts(ShopId),
    /// Pool money from months with no downloads, waiting to join a later month's pool.
    CarryOver,
}

impl fmt::Display for Account {
    /// A stable storage key: `buyer_clearing`, `shop_payable/<shop>`,
    /// `subscription_pool/<YYYY-MM>`, `payouts/<shop>`, `carry_over`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BuyerClearing => f.write_str("buyer_clearing"),
            Self::ShopPayable(shop) => write!(f, "shop_payable/{shop}"),
            Self::SubscriptionPool { month } => write!(f, "subscription_pool/{month}"),
            Self::Payouts(shop) => write!(f, "payouts/{shop}"),
            Self::CarryOver => f.write_str("carry_over"),
        }
    }
}

impl FromStr for Account {
    type Err = LedgerError;

    /// Parses the key [`Display`](fmt::Display) writes.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let unknown = || LedgerError::UnknownAccount {
            input: s.chars().take(80).collect(),
        };
        match s.split_once('/') {
            None if s == "buyer_clearing" => Ok(Self::BuyerClearing),
            None if s == "carry_over" => Ok(Self::CarryOver),
            Some(("shop_payable", shop)) => {
                shop.parse().map(Self::ShopPayable).map_err(|_| unknown())
            }
            Some(("payouts", shop)) => shop.parse().map(Self::Payouts).map_err(|_| unknown()),
            Some(("subscription_pool", month)) => month
                .parse()
                .map(|month| Self::SubscriptionPool { month })
                .map_err(|_| unknown()),
            _ => Err(unknown()),
        }
    }
}

/// One line of an entry: an amount added to an account's balance.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Posting {
    /// The account moved.
    pub account: Account,
    /// Added to the account's balance (negative to take away).
    pub amount: Fen,
}

/// What an entry records.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum EntryKind {
    /// A track sold: the whole price to the shop.
    Sale {
        /// The selling shop.
        shop: ShopId,
    },
    /// A sale reversed.
    Refund {
        /// The shop that had sold.
        shop: ShopId,
    },
    /// A subscriber's monthly fee, into that month's pool.
    SubscriptionFee {
        /// The month paid for.
        month: Month,
    },
    /// A month's pool divided among shops.
    Settlement {
        /// The month settled.
        month: Month,
    },
    /// Carried-over pool money moved into a month's pool.
    CarryForward {
        /// The month whose pool receives it.
        into: Month,
    },
    /// Money paid out to a shop's payout account.
    Payout {
        /// The shop paid.
        shop: ShopId,
    },
}

/// A balanced set of postings: they always sum to exactly zero.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct JournalEntry {
    kind: EntryKind,
    postings: Vec<Posting>,
}

/// Why an entry could not be made or an account read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// An amount that must not be negative was.
    #[error("an amount moved through the ledger cannot be negative ({amount})")]
    NegativeAmount {
        /// The amount given.
        amount: Fen,
    },
    /// A payout of nothing.
    #[error("a payout must be more than ¥0.00")]
    EmptyPayout,
    /// A payout larger than the shop's balance.
    #[error("shop {shop} has a balance of {balance}, less than the {requested} payout asked for")]
    InsufficientBalance {
        /// The shop.
        shop: ShopId,
        /// Its balance.
        balance: Fen,
        /// The payout asked for.
        requested: Fen,
    },
    /// Carrying forward more than was carried over.
    #[error("only {balance} is carried over, less than the {requested} asked for")]
    InsufficientCarryOver {
        /// What is carried over.
        balance: Fen,
        /// What was asked for.
        requested: Fen,
    },
    /// A refund of an entry that is not a sale.
    #[error("only a sale can be refunded")]
    NotASale,
    /// Postings that do not sum to zero.
    #[error("postings must sum to zero; these sum to {total} fen")]
    Unbalanced {
        /// Their sum, in fen.
        total: i128,
    },
    /// Amounts whose total does not fit in fen.
    #[error("amounts too large to add up")]
    Overflow,
    /// An account key that [`Account::from_str`] does not know.
    #[error("{input:?} is not a ledger account")]
    UnknownAccount {
        /// The offending key (shortened when long).
        input: String,
    },
}

impl JournalEntry {
    /// What the entry records.
    pub const fn kind(&self) -> &EntryKind {
        &self.kind
    }

    /// Its postings, which sum to zero.
    pub fn postings(&self) -> &[Posting] {
        &self.postings
    }

    /// Rebuilds an entry read back from storage, checking that its postings still balance.
    pub fn restore(kind: EntryKind, postings: Vec<Posting>) -> Result<Self, LedgerError> {
        let total: i128 = postings
            .iter()
            .map(|posting| i128::from(posting.amount.0))
            .sum();
        if total != 0 {
            return Err(LedgerError::Unbalanced { total });
        }
        Ok(Self { kind, postings })
    }

    /// A track sold by `shop` for `price`: every fen goes to the shop.
    pub fn sale(shop: &ShopId, price: Fen) -> Result<Self, LedgerError> {
        let price = non_negative(price)?;
        Self::restore(
            EntryKind::Sale { shop: shop.clone() },
            vec![
                posting(Account::BuyerClearing, negate(price)?),
                posting(Account::ShopPayable(shop.clone()), price),
            ],
        )
    }

    /// Reverses `sale`. Whether a sale was already refunded is the caller's to track; the
    /// shop's balance may go negative if the money was already paid out.
    pub fn refund(sale: &Self) -> Result<Self, LedgerError> {
        let EntryKind::Sale { shop } = &sale.kind else {
            return Err(LedgerError::NotASale);
        };
        let postings = sale
            .postings
            .iter()
            .map(|p| Ok(posting(p.account.clone(), negate(p.amount)?)))
            .collect::<Result<_, LedgerError>>()?;
        Self::restore(EntryKind::Refund { shop: shop.clone() }, postings)
    }

    /// A subscriber's fee of `amount` for `month`, into that month's pool.
    pub fn subscription_fee(month: Month, amount: Fen) -> Result<Self, LedgerError> {
        let amount = non_negative(amount)?;
        Self::restore(
            EntryKind::SubscriptionFee { month },
            vec![
                posting(Account::BuyerClearing, negate(amount)?),
                posting(Account::SubscriptionPool { month }, amount),
            ],
        )
    }

    /// Closes `month`: its pool leaves the pool account, each shop's share goes to its
    /// balance and any carry-over to [`Account::CarryOver`]. Shops with a zero share get no
    /// posting.
    pub fn settlement(month: Month, split: &Split) -> Result<Self, LedgerError> {
        let pool = non_negative(split.pool())?;
        let mut postings = vec![posting(Account::SubscriptionPool { month }, negate(pool)?)];
        postings.extend(
            split
                .shares()
                .iter()
                .filter(|share| !share.amount.is_zero())
                .map(|share| posting(Account::ShopPayable(share.shop.clone()), share.amount)),
        );
        if !split.carry_over().is_zero() {
            postings.push(posting(Account::CarryOver, split.carry_over()));
        }
        Self::restore(EntryKind::Settlement { month }, postings)
    }

    /// Moves `amount` of carried-over pool money into `into`'s pool. Refuses to take more than
    /// `carried_balance`, the current balance of [`Account::CarryOver`].
    pub fn carry_forward(
        into: Month,
        amount: Fen,
        carried_balance: Fen,
    ) -> Result<Self, LedgerError> {
        let amount = non_negative(amount)?;
        if amount > carried_balance {
            return Err(LedgerError::InsufficientCarryOver {
                balance: carried_balance,
                requested: amount,
            });
        }
        Self::restore(
            EntryKind::CarryForward { into },
            vec![
                posting(Account::CarryOver, negate(amount)?),
                posting(Account::SubscriptionPool { month: into }, amount),
            ],
        )
    }

    /// Pays `amount` out of `shop`'s balance. Refuses to take `current_balance`, the shop's
    /// payable balance now, below zero.
    pub fn payout(shop: &ShopId, amount: Fen, current_balance: Fen) -> Result<Self, LedgerError> {
        let amount = non_negative(amount)?;
        if amount.is_zero() {
            return Err(LedgerError::EmptyPayout);
        }
        if amount > current_balance {
            return Err(LedgerError::InsufficientBalance {
                shop: shop.clone(),
                balance: current_balance,
                requested: amount,
            });
        }
        Self::restore(
            EntryKind::Payout { shop: shop.clone() },
            vec![
                posting(Account::ShopPayable(shop.clone()), negate(amount)?),
                posting(Account::Payouts(shop.clone()), amount),
            ],
        )
    }
}

/// The balance of `account` after `entries`.
pub fn balance<'a>(
    entries: impl IntoIterator<Item = &'a JournalEntry>,
    account: &Account,
) -> Result<Fen, LedgerError> {
    Fen::checked_sum(
        entries
            .into_iter()
            .flat_map(|entry| &entry.postings)
            .filter(|posting| posting.account == *account)
            .map(|posting| posting.amount),
    )
    .ok_or(LedgerError::Overflow)
}

const fn posting(account: Account, amount: Fen) -> Posting {
    Posting { account, amount }
}

const fn non_negative(amount: Fen) -> Result<Fen, LedgerError> {
    if amount.is_negative() {
        Err(LedgerError::NegativeAmount { amount })
    } else {
        Ok(amount)
    }
}

const fn negate(amount: Fen) -> Result<Fen, LedgerError> {
    match amount.checked_neg() {
        Some(negated) => Ok(negated),
        None => Err(LedgerError::Overflow),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::split::split_pool;
    use proptest::prelude::*;

    fn shop(id: &str) -> ShopId {
        ShopId::new(id).unwrap()
    }

    fn march() -> Month {
        Month::new(2026, 3).unwrap()
    }

    fn sum(entry: &JournalEntry) -> i128 {
        entry
            .postings()
            .iter()
            .map(|p| i128::from(p.amount.0))
            .sum()
    }

    #[test]
    fn a_sale_credits_the_whole_price_to_the_shop() {
        let entry = JournalEntry::sale(&shop("s1"), Fen(80)).unwrap();
        assert_eq!(
            entry.postings(),
            [
                posting(Account::BuyerClearing, Fen(-80)),
                posting(Account::ShopPayable(shop("s1")), Fen(80)),
            ]
        );
        assert_eq!(entry.kind(), &EntryKind::Sale { shop: shop("s1") });
        assert_eq!(
            balance([&entry], &Account::ShopPayable(shop("s1"))),
            Ok(Fen(80))
        );
    }

    #[test]
    fn a_refund_reverses_its_sale() {
        let sale = JournalEntry::sale(&shop("s1"), Fen(500)).unwrap();
        let refund = JournalEntry::refund(&sale).unwrap();
        assert_eq!(refund.kind(), &EntryKind::Refund { shop: shop("s1") });
        let entries = [sale, refund];
        assert_eq!(
            balance(&entries, &Account::ShopPayable(shop("s1"))),
            Ok(Fen::ZERO)
        );
        assert_eq!(balance(&entries, &Account::BuyerClearing), Ok(Fen::ZERO));
        assert_eq!(
            JournalEntry::refund(&entries[1]),
            Err(LedgerError::NotASale)
        );
    }

    #[test]
    fn fees_fill_the_pool_and_settlement_empties_it() {
        let fees = [
            JournalEntry::subscription_fee(march(), Fen(1000)).unwrap(),
            JournalEntry::subscription_fee(march(), Fen(1000)).unwrap(),
        ];
        let pool_account = Account::SubscriptionPool { month: march() };
        let pool = balance(&fees, &pool_account).unwrap();
        assert_eq!(pool, Fen(2000));
        let split = split_pool(pool, &[(shop("a"), 1), (shop("b"), 2), (shop("c"), 0)]).unwrap();
        let settlement = JournalEntry::settlement(march(), &split).unwrap();
        assert_eq!(
            settlement.postings(),
            [
                posting(pool_account.clone(), Fen(-2000)),
                posting(Account::ShopPayable(shop("a")), Fen(667)),
                posting(Account::ShopPayable(shop("b")), Fen(1333)),
            ]
        );
        let all: Vec<_> = fees.iter().chain([&settlement]).collect();
        assert_eq!(balance(all, &pool_account), Ok(Fen::ZERO));
    }

    #[test]
    fn an_empty_month_goes_to_carry_over_and_forward_into_the_next() {
        let fee = JournalEntry::subscription_fee(march(), Fen(1000)).unwrap();
        let split = split_pool(Fen(1000), &[]).unwrap();
        let settlement = JournalEntry::settlement(march(), &split).unwrap();
        assert_eq!(
            balance([&fee, &settlement], &Account::CarryOver),
            Ok(Fen(1000))
        );
        let april = march().next().unwrap();
        assert_eq!(
            JournalEntry::carry_forward(april, Fen(1001), Fen(1000)),
            Err(LedgerError::InsufficientCarryOver {
                balance: Fen(1000),
                requested: Fen(1001)
            })
        );
        let forward = JournalEntry::carry_forward(april, Fen(1000), Fen(1000)).unwrap();
        let entries = [fee, settlement, forward];
        assert_eq!(balance(&entries, &Account::CarryOver), Ok(Fen::ZERO));
        assert_eq!(
            balance(&entries, &Account::SubscriptionPool { month: april }),
            Ok(Fen(1000))
        );
    }

    #[test]
    fn a_payout_cannot_overdraw_the_balance() {
        let s1 = shop("s1");
        assert_eq!(
            JournalEntry::payout(&s1, Fen(81), Fen(80)),
            Err(LedgerError::InsufficientBalance {
                shop: s1.clone(),
                balance: Fen(80),
                requested: Fen(81)
            })
        );
        assert_eq!(
            JournalEntry::payout(&s1, Fen(81), Fen(80))
                .unwrap_err()
                .to_string(),
            "shop s1 has a balance of ¥0.80, less than the ¥0.81 payout asked for"
        );
        assert_eq!(
            JournalEntry::payout(&s1, Fen::ZERO, Fen(80)),
            Err(LedgerError::EmptyPayout)
        );
        assert_eq!(
            JournalEntry::payout(&s1, Fen(-5), Fen(80)),
            Err(LedgerError::NegativeAmount { amount: Fen(-5) })
        );
        let payout = JournalEntry::payout(&s1, Fen(80), Fen(80)).unwrap();
        assert_eq!(
            payout.postings(),
            [
                posting(Account::ShopPayable(s1.clone()), Fen(-80)),
                posting(Account::Payouts(s1), Fen(80)),
            ]
        );
    }

    #[test]
    fn negative_amounts_are_refused() {
        assert_eq!(
            JournalEntry::sale(&shop("s1"), Fen(-1)),
            Err(LedgerError::NegativeAmount { amount: Fen(-1) })
        );
        assert_eq!(
            JournalEntry::subscription_fee(march(), Fen(-1)),
            Err(LedgerError::NegativeAmount { amount: Fen(-1) })
        );
    }

    #[test]
    fn restoring_checks_the_balance() {
        let kind = EntryKind::Sale { shop: shop("s1") };
        let good = vec![
            posting(Account::BuyerClearing, Fen(-5)),
            posting(Account::ShopPayable(shop("s1")), Fen(5)),
        ];
        assert!(JournalEntry::restore(kind.clone(), good).is_ok());
        let bad = vec![
            posting(Account::BuyerClearing, Fen(i64::MAX)),
            posting(Account::ShopPayable(shop("s1")), Fen(i64::MAX)),
        ];
        assert_eq!(
            JournalEntry::restore(kind, bad),
            Err(LedgerError::Unbalanced {
                total: 2 * i128::from(i64::MAX)
            })
        );
    }

    #[test]
    fn balance_reports_overflow() {
        let s1 = shop("s1");
        let big = JournalEntry::sale(&s1, Fen(i64::MAX)).unwrap();
        let one = JournalEntry::sale(&s1, Fen(1)).unwrap();
        assert_eq!(
            balance([&big, &one], &Account::ShopPayable(s1)),
            Err(LedgerError::Overflow)
        );
    }

    #[test]
    fn account_keys_round_trip() {
        let accounts = [
            Account::BuyerClearing,
            Account::ShopPayable(shop("s-1")),
            Account::SubscriptionPool { month: march() },
            Account::Payouts(shop("s.2")),
            Account::CarryOver,
        ];
        let keys: Vec<String> = accounts.iter().map(ToString::to_string).collect();
        assert_eq!(
            keys,
            [
                "buyer_clearing",
                "shop_payable/s-1",
                "subscription_pool/2026-03",
                "payouts/s.2",
                "carry_over"
            ]
        );
        for (account, key) in accounts.iter().zip(&keys) {
            assert_eq!(&key.parse::<Account>().unwrap(), account);
        }
        for bad in [
            "",
            "shop_payable",
            "shop_payable/",
            "payouts/a/b",
            "pool/2026-03",
            "carry_over/x",
        ] {
            assert_eq!(
                bad.parse::<Account>(),
                Err(LedgerError::UnknownAccount {
                    input: bad.to_owned()
                }),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn wire_shapes() {
        assert_eq!(
            serde_json::to_string(&Account::ShopPayable(shop("s1"))).unwrap(),
            r#"{"shop_payable":"s1"}"#
        );
        assert_eq!(
            serde_json::to_string(&Account::SubscriptionPool { month: march() }).unwrap(),
            r#"{"subscription_pool":{"month":"2026-03"}}"#
        );
        let entry = JournalEntry::subscription_fee(march(), Fen(1000)).unwrap();
        assert_eq!(
            serde_json::to_string(&entry).unwrap(),
            r#"{"kind":{"kind":"subscription_fee","month":"2026-03"},"postings":[{"account":"buyer_clearing","amount":-1000},{"account":{"subscription_pool":{"month":"2026-03"}},"amount":1000}]}"#
        );
    }

    /// One step of a generated workload. Indices pick among a few shops and months, and among
    /// earlier sales for refunds.
    #[derive(Debug, Clone)]
    enum Op {
        Sale {
            shop: u8,
            price: i64,
        },
        Refund {
            pick: usize,
        },
        Fee {
            month: u8,
            amount: i64,
        },
        Settle {
            month: u8,
            downloads: Vec<(u8, u64)>,
        },
        CarryForward {
            month: u8,
        },
        Payout {
            shop: u8,
            percent: i64,
        },
    }

    fn op() -> impl Strategy<Value = Op> {
        let shop = 0_u8..4;
        let month = 0_u8..3;
        prop_oneof![
            (shop.clone(), 0_i64..=5000).prop_map(|(shop, price)| Op::Sale { shop, price }),
            any::<usize>().prop_map(|pick| Op::Refund { pick }),
            (month.clone(), 0_i64..2000).prop_map(|(month, amount)| Op::Fee { month, amount }),
            (
                month.clone(),
                proptest::collection::vec((shop.clone(), 0_u64..50), 0..5)
            )
                .prop_map(|(month, downloads)| Op::Settle { month, downloads }),
            month.prop_map(|month| Op::CarryForward { month }),
            (shop, 1_i64..=150).prop_map(|(shop, percent)| Op::Payout { shop, percent }),
        ]
    }

    /// What each shop's balance should be, tallied independently of the ledger.
    #[derive(Debug, Default)]
    struct Tally {
        sales: i64,
        shares: i64,
        refunds: i64,
        payouts: i64,
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn any_workload_balances_and_shop_balances_add_up(
            ops in proptest::collection::vec(op(), 0..60),
        ) {
            let shops: Vec<ShopId> = (0..4).map(|n| shop(&format!("s{n}"))).collect();
            let months: Vec<Month> = (1..=3).map(|n| Month::new(2026, n).unwrap()).collect();
            let mut entries: Vec<JournalEntry> = Vec::new();
            let mut open_sales: Vec<usize> = Vec::new();
            let mut tally: BTreeMap<ShopId, Tally> = BTreeMap::new();

            for op in ops {
                let entry = match op {
                    Op::Sale { shop, price } => {
                        let shop = &shops[usize::from(shop)];
                        open_sales.push(entries.len());
                        tally.entry(shop.clone()).or_default().sales += price;
                        JournalEntry::sale(shop, Fen(price)).unwrap()
                    }
                    Op::Refund { pick } => {
                        if open_sales.is_empty() {
                            continue;
                        }
                        let sale = &entries[open_sales.swap_remove(pick % open_sales.len())];
                        let EntryKind::Sale { shop } = sale.kind() else { unreachable!() };
                        let price = balance([sale], &Account::ShopPayable(shop.clone())).unwrap();
                        tally.entry(shop.clone()).or_default().refunds += price.0;
                        JournalEntry::refund(sale).unwrap()
                    }
                    Op::Fee { month, amount } => {
                        JournalEntry::subscription_fee(months[usize::from(month)], Fen(amount))
                            .unwrap()
                    }
                    Op::Settle { month, downloads } => {
                        let month = months[usize::from(month)];
                        let pool = balance(&entries, &Account::SubscriptionPool { month }).unwrap();
                        let downloads: Vec<(ShopId, u64)> = downloads
                            .into_iter()
                            .map(|(shop, count)| (shops[usize::from(shop)].clone(), count))
                            .collect();
                        let split = split_pool(pool, &downloads).unwrap();
                        for share in split.shares() {
                            tally.entry(share.shop.clone()).or_default().shares += share.amount.0;
                        }
                        JournalEntry::settlement(month, &split).unwrap()
                    }
                    Op::CarryForward { month } => {
                        let carried = balance(&entries, &Account::CarryOver).unwrap();
                        JournalEntry::carry_forward(months[usize::from(month)], carried, carried)
                            .unwrap()
                    }
                    Op::Payout { shop, percent } => {
                        let shop = &shops[usize::from(shop)];
                        let current = balance(&entries, &Account::ShopPayable(shop.clone())).unwrap();
                        let amount = Fen((current.0 * percent / 100).max(1));
                        match JournalEntry::payout(shop, amount, current) {
                            Ok(entry) => {
                                prop_assert!(amount <= current);
                                tally.entry(shop.clone()).or_default().payouts += amount.0;
                                entry
                            }
                            Err(err) => {
                                prop_assert!(amount > current, "{}", err);
                                continue;
                            }
                        }
                    }
                };
                prop_assert_eq!(sum(&entry), 0);
                entries.push(entry);
            }

            let overall: i128 = entries.iter().map(sum).sum();
            prop_assert_eq!(overall, 0);
            for shop in &shops {
                let t = tally.remove(shop).unwrap_or_default();
                let payable = balance(&entries, &Account::ShopPayable(shop.clone())).unwrap();
                prop_assert_eq!(payable.0, t.sales + t.shares - t.refunds - t.payouts);
                prop_assert_eq!(balance(&entries, &Account::Payouts(shop.clone())).unwrap().0, t.payouts);
            }
        }

        #[test]
        fn a_payout_never_leaves_a_negative_balance(
            amount in any::<i64>(),
            current in any::<i64>(),
        ) {
            let s = shop("s");
            if let Ok(entry) = JournalEntry::payout(&s, Fen(amount), Fen(current)) {
                let taken = balance([&entry], &Account::Payouts(s)).unwrap();
                prop_assert!(taken.0 > 0 && current - taken.0 >= 0);
            }
        }

        #[test]
        fn a_sale_and_its_refund_cancel_out(price in 0_i64..=i64::MAX) {
            let sale = JournalEntry::sale(&shop("s"), Fen(price)).unwrap();
            let refund = JournalEntry::refund(&sale).unwrap();
            for posting in sale.postings() {
                prop_assert_eq!(balance([&sale, &refund], &posting.account), Ok(Fen::ZERO));
            }
        }
    }
}
