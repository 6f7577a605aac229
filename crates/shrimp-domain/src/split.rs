//! The monthly subscription pool split (rule 3 of the design): "download more, share more".
//!
//! Each shop's share is the pool times its share of the month's subscriber downloads, in
//! whole fen by largest-remainder (Hamilton) rounding: every shop first gets the floor of its
//! exact share, then the fen left over go one each to the shops with the largest remainders,
//! ties going to the smaller shop id. The shares sum to the pool exactly; the platform keeps
//! nothing.
//!
//! Two rules the design leaves open are settled here:
//! - **Empty month.** If no shop had a download, nobody can earn the pool, so all of it becomes
//!   [`Split::carry_over`], which is carried into the next month's pool.
//! - **Repeated shops.** A shop listed more than once has its counts summed, so callers can
//!   pass per-track rows as they come.
//!
//! Arithmetic is in `u128`, which holds any pool times any download count without overflow.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::ids::ShopId;
use crate::money::Fen;

/// One shop's part of a month's pool.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Share {
    /// The shop.
    pub shop: ShopId,
    /// Its subscriber downloads in the month.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub downloads: u64,
    /// What it earns from the pool.
    pub amount: Fen,
}

/// A pool divided among shops. Only [`split_pool`] builds one, so its shares and carry-over
/// always add up to its pool.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Split {
    pool: Fen,
    shares: Vec<Share>,
    carry_over: Fen,
}

impl Split {
    /// The pool that was divided.
    pub const fn pool(&self) -> Fen {
        self.pool
    }

    /// One share per shop that was listed, in ascending shop id order, including shops that
    /// earned nothing.
    pub fn shares(&self) -> &[Share] {
        &self.shares
    }

    /// What nobody earned because the month had no downloads: the whole pool then, zero
    /// otherwise. It is carried into the next month's pool.
    pub const fn carry_over(&self) -> Fen {
        self.carry_over
    }

    /// What `shop` earns; zero for a shop that is not in the split.
    pub fn share_of(&self, shop: &ShopId) -> Fen {
        self.shares
            .binary_search_by(|share| share.shop.cmp(shop))
            .map_or(Fen::ZERO, |index| self.shares[index].amount)
    }

    /// All downloads counted in the split.
    pub fn total_downloads(&self) -> u128 {
        self.shares
            .iter()
            .map(|share| u128::from(share.downloads))
            .sum()
    }
}

/// Why a pool could not be split.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    /// The pool is less than nothing.
    #[error("a subscription pool cannot be negative ({pool})")]
    NegativePool {
        /// The pool that was given.
        pool: Fen,
    },
    /// One shop's summed download count does not fit in a `u64`.
    #[error("shop {shop} has more downloads than can be counted")]
    DownloadsOverflow {
        /// The shop whose count overflowed.
        shop: ShopId,
    },
}

/// Divides `pool` among the shops in `downloads` in proportion to their download counts.
/// See the [module documentation](self) for the rounding, empty-month and repeated-shop rules.
pub fn split_pool(pool: Fen, downloads: &[(ShopId, u64)]) -> Result<Split, SplitError> {
    if pool.is_negative() {
        return Err(SplitError::NegativePool { pool });
    }
    // Summed wide, then narrowed in shop id order, so the error too is independent of order.
    let mut wide: BTreeMap<&ShopId, u128> = BTreeMap::new();
    for (shop, count) in downloads {
        *wide.entry(shop).or_insert(0) += u128::from(*count);
    }
    let per_shop: BTreeMap<&ShopId, u64> = wide
        .into_iter()
        .map(|(shop, count)| {
            u64::try_from(count)
                .map(|count| (shop, count))
                .map_err(|_| SplitError::DownloadsOverflow { shop: shop.clone() })
        })
        .collect::<Result<_, _>>()?;
    let total: u128 = per_shop.values().map(|&count| u128::from(count)).sum();
    let pool_fen = u128::from(pool.0.unsigned_abs());

    if total == 0 {
        let shares = per_shop
            .into_iter()
            .map(|(shop, downloads)| Share {
                shop: shop.clone(),
                downloads,
                amount: Fen::ZERO,
            })
            .collect();
        return Ok(Split {
            pool,
            shares,
            carry_over: pool,
        });
    }

    let counts: Vec<u64> = per_shop.values().copied().collect();
    let amounts = largest_remainder(pool_fen, &counts, total);

    let shares = per_shop
        .into_iter()
        .zip(amounts)
        .map(|((shop, downloads), amount)| Share {
            shop: shop.clone(),
            downloads,
            // No share exceeds the pool, which is an i64, so this always fits.
            amount: Fen(i64::try_from(amount).unwrap_or(i64::MAX)),
        })
        .collect();
    Ok(Split {
        pool,
        shares,
        carry_over: Fen::ZERO,
    })
}

/// Divides `amount` fen (not negative) in proportion to `weights`, with the same
/// largest-remainder rounding as [`split_pool`], ties going to the earlier weight. The parts
/// sum to `amount` exactly, unless every weight is zero: then there is nothing to divide by
/// and every part is zero. The dashboard uses it to spread a month's subscription share over
/// the days its downloads were made.
pub fn apportion(amount: Fen, weights: &[u64]) -> Result<Vec<Fen>, SplitError> {
    if amount.is_negative() {
        return Err(SplitError::NegativePool { pool: amount });
    }
    let total: u128 = weights.iter().map(|&weight| u128::from(weight)).sum();
    if total == 0 {
        return Ok(vec![Fen::ZERO; weights.len()]);
    }
    let parts = largest_remainder(u128::from(amount.0.unsigned_abs()), weights, total);
    // No part exceeds `amount`, which is an i64, so each fits.
    Ok(parts
        .into_iter()
        .map(|part| Fen(i64::try_from(part).unwrap_or(i64::MAX)))
        .collect())
}

/// Hamilton's method: each weight first gets the floor of its exact part of `amount`, then
/// the units left over go one each to the largest remainders, ties to the earlier weight.
/// `total` is the sum of `weights` and is not zero.
fn largest_remainder(amount: u128, weights: &[u64], total: u128) -> Vec<u128> {
    // amount < 2^63 and weight < 2^64, so the product fits in a u128.
    let exact: Vec<(u128, u128)> = weights
        .iter()
        .map(|&weight| {
            let numerator = amount * u128::from(weight);
            (numerator / total, numerator % total)
        })
        .collect();
    let mut parts: Vec<u128> = exact.iter().map(|&(floor, _)| floor).collect();
    // The remainders sum to `leftover * total` and each is below `total`, so fewer units are
    // left over than there are weights with a remainder: a zero weight gets none.
    let leftover = amount - parts.iter().sum::<u128>();
    let mut by_remainder: Vec<usize> = (0..exact.len()).collect();
    // A stable sort over ascending indices breaks ties by position.
    by_remainder.sort_by_key(|&index| Reverse(exact[index].1));
    let leftover = usize::try_from(leftover).unwrap_or(usize::MAX);
    for &index in by_remainder.iter().take(leftover) {
        parts[index] += 1;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn shop(id: &str) -> ShopId {
        ShopId::new(id).unwrap()
    }

    fn amounts(split: &Split) -> Vec<(&str, i64)> {
        split
            .shares()
            .iter()
            .map(|share| (share.shop.as_str(), share.amount.0))
            .collect()
    }

    #[test]
    fn apportioning_spreads_an_amount_by_weight_exactly() {
        assert_eq!(
            apportion(Fen(1000), &[3, 0, 1]).unwrap(),
            [Fen(750), Fen(0), Fen(250)]
        );
        // 100 / 3: the leftover fen goes to the earliest of the equal remainders.
        assert_eq!(
            apportion(Fen(100), &[1, 1, 1]).unwrap(),
            [Fen(34), Fen(33), Fen(33)]
        );
        assert_eq!(apportion(Fen(5), &[]).unwrap(), []);
        assert_eq!(apportion(Fen(5), &[0, 0]).unwrap(), [Fen(0), Fen(0)]);
        assert!(apportion(Fen(-1), &[1]).is_err());
    }

    #[test]
    fn splits_in_proportion_to_downloads() {
        let split = split_pool(Fen(1000), &[(shop("a"), 3), (shop("b"), 1)]).unwrap();
        assert_eq!(amounts(&split), [("a", 750), ("b", 250)]);
        assert_eq!(split.carry_over(), Fen::ZERO);
        assert_eq!(split.total_downloads(), 4);
    }

    #[test]
    fn leftover_fen_go_to_the_largest_remainders() {
        let split = split_pool(
            Fen(4),
            &[
                (shop("c"), 6),
                (shop("b"), 3),
                (shop("a"), 3),
                (shop("d"), 3),
            ],
        )
        .unwrap();
        // Exact: c 1.6, a/b/d 0.8 each; floors c 1, others 0; 3 fen left: a, b, d (0.8 each)
        // beat c's 0.6.
        assert_eq!(amounts(&split), [("a", 1), ("b", 1), ("c", 1), ("d", 1)]);

        let split =
            split_pool(Fen(100), &[(shop("b"), 1), (shop("c"), 1), (shop("a"), 1)]).unwrap();
        assert_eq!(amounts(&split), [("a", 34), ("b", 33), ("c", 33)]);

        let split = split_pool(Fen(2), &[(shop("z"), 1), (shop("y"), 1), (shop("x"), 1)]).unwrap();
        assert_eq!(amounts(&split), [("x", 1), ("y", 1), ("z", 0)]);
    }

    #[test]
    fn shops_without_downloads_get_nothing() {
        let split = split_pool(Fen(999), &[(shop("a"), 0), (shop("b"), 7)]).unwrap();
        assert_eq!(amounts(&split), [("a", 0), ("b", 999)]);
    }

    #[test]
    fn an_empty_month_carries_the_whole_pool_over() {
        let split = split_pool(Fen(1000), &[]).unwrap();
        assert_eq!(split.carry_over(), Fen(1000));
        assert!(split.shares().is_empty());

        let split = split_pool(Fen(1000), &[(shop("a"), 0), (shop("b"), 0)]).unwrap();
        assert_eq!(split.carry_over(), Fen(1000));
        assert_eq!(amounts(&split), [("a", 0), ("b", 0)]);
    }

    #[test]
    fn repeated_shops_are_summed() {
        let split =
            split_pool(Fen(100), &[(shop("a"), 1), (shop("b"), 2), (shop("a"), 1)]).unwrap();
        assert_eq!(amounts(&split), [("a", 50), ("b", 50)]);
        assert_eq!(split.shares()[0].downloads, 2);
    }

    #[test]
    fn huge_numbers_do_not_overflow() {
        let split = split_pool(
            Fen(i64::MAX),
            &[
                (shop("a"), u64::MAX),
                (shop("b"), u64::MAX - 1),
                (shop("c"), 1),
            ],
        )
        .unwrap();
        let total: i128 = split.shares().iter().map(|s| i128::from(s.amount.0)).sum();
        assert_eq!(total, i128::from(i64::MAX));
    }

    #[test]
    fn refuses_a_negative_pool_and_uncountable_downloads() {
        assert_eq!(
            split_pool(Fen(-1), &[(shop("a"), 1)]),
            Err(SplitError::NegativePool { pool: Fen(-1) })
        );
        assert_eq!(
            split_pool(Fen(1), &[(shop("a"), u64::MAX), (shop("a"), 1)]),
            Err(SplitError::DownloadsOverflow { shop: shop("a") })
        );
    }

    #[test]
    fn looks_up_one_shop() {
        let split = split_pool(Fen(10), &[(shop("a"), 1), (shop("b"), 4)]).unwrap();
        assert_eq!(split.share_of(&shop("b")), Fen(8));
        assert_eq!(split.share_of(&shop("nobody")), Fen::ZERO);
    }

    #[test]
    fn serializes_for_statements() {
        let split = split_pool(Fen(10), &[(shop("a"), 1)]).unwrap();
        assert_eq!(
            serde_json::to_string(&split).unwrap(),
            r#"{"pool":10,"shares":[{"shop":"a","downloads":1,"amount":10}],"carry_over":0}"#
        );
    }

    /// A few shop ids, so repeats and ties in remainder are common.
    fn month() -> impl Strategy<Value = (Fen, Vec<(ShopId, u64)>)> {
        let count = prop_oneof![
            4 => 0_u64..20,
            1 => Just(0_u64),
            // Huge, but a dozen of them still sum within a u64.
            1 => 0..=u64::MAX / 16,
            // Occasionally enough to overflow one shop's sum.
            1 => any::<u64>(),
        ];
        let row = (0_u8..6, count);
        (
            prop_oneof![0_i64..5000, 0..=i64::MAX],
            proptest::collection::vec(row, 0..12),
        )
            .prop_map(|(pool, rows)| {
                let rows = rows
                    .into_iter()
                    .map(|(n, count)| (shop(&format!("s{n}")), count))
                    .collect();
                (Fen(pool), rows)
            })
    }

    fn valid(input: &(Fen, Vec<(ShopId, u64)>)) -> Option<Split> {
        split_pool(input.0, &input.1).ok()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn shares_and_carry_over_sum_to_the_pool(input in month()) {
            if let Some(split) = valid(&input) {
                let shares = Fen::checked_sum(split.shares().iter().map(|s| s.amount));
                prop_assert_eq!(shares.and_then(|s| s.checked_add(split.carry_over())), Some(input.0));
                prop_assert!(split.shares().iter().all(|s| !s.amount.is_negative()));
                let empty = split.total_downloads() == 0;
                prop_assert_eq!(split.carry_over(), if empty { input.0 } else { Fen::ZERO });
            }
        }

        #[test]
        fn apportioned_parts_sum_to_the_amount(
            amount in 0i64..=i64::MAX,
            weights in proptest::collection::vec(0u64..=u64::MAX, 0..40),
        ) {
            let parts = apportion(Fen(amount), &weights).unwrap();
            prop_assert_eq!(parts.len(), weights.len());
            let sum: i128 = parts.iter().map(|part| i128::from(part.0)).sum();
            let expected = if weights.iter().all(|&w| w == 0) { 0 } else { i128::from(amount) };
            prop_assert_eq!(sum, expected);
            for (part, weight) in parts.iter().zip(&weights) {
                prop_assert!(!part.is_negative());
                if *weight == 0 {
                    prop_assert_eq!(*part, Fen::ZERO);
                }
            }
        }

        #[test]
        fn more_downloads_never_earn_less(input in month()) {
            if let Some(split) = valid(&input) {
                for a in split.shares() {
                    for b in split.shares() {
                        if a.downloads > b.downloads {
                            prop_assert!(a.amount >= b.amount, "{:?} vs {:?}", a, b);
                        }
                        if a.downloads == 0 {
                            prop_assert_eq!(a.amount, Fen::ZERO);
                        }
                    }
                }
            }
        }

        #[test]
        fn input_order_does_not_matter(
            (input, shuffled) in month().prop_flat_map(|(pool, rows)| {
                let shuffled = Just(rows.clone()).prop_shuffle();
                (Just((pool, rows)), shuffled)
            }),
        ) {
            prop_assert_eq!(split_pool(input.0, &input.1), split_pool(input.0, &shuffled));
        }

        #[test]
        fn every_share_is_within_a_fen_of_exact(input in month()) {
            if let Some(split) = valid(&input) {
                let total = split.total_downloads();
                if total > 0 {
                    let pool = u128::from(input.0.0.unsigned_abs());
                    for share in split.shares() {
                        // |amount - pool × d / total| < 1, multiplied through by total.
                        let scaled = u128::from(share.amount.0.unsigned_abs()) * total;
                        let exact = pool * u128::from(share.downloads);
                        prop_assert!(scaled.abs_diff(exact) < total, "{:?}", share);
                    }
                }
            }
        }

        #[test]
        fn repeats_count_like_their_sum(input in month()) {
            let mut summed: BTreeMap<ShopId, u64> = BTreeMap::new();
            let mut overflow = false;
            for (shop, count) in &input.1 {
                let entry = summed.entry(shop.clone()).or_insert(0);
                match entry.checked_add(*count) {
                    Some(sum) => *entry = sum,
                    None => overflow = true,
                }
            }
            let summed: Vec<(ShopId, u64)> = summed.into_iter().collect();
            if overflow {
                prop_assert!(split_pool(input.0, &input.1).is_err());
            } else {
                prop_assert_eq!(split_pool(input.0, &input.1), split_pool(input.0, &summed));
            }
        }
    }
}
