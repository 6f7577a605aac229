//! Track prices (rule 1 of the design): ¥0.80 by default; an independent shop picks its own
//! price from ¥0.00 to ¥50.00; a label shop always sells at the platform default because its
//! agreement is a bought-out licence.

use serde::{Deserialize, Serialize};

use crate::money::Fen;

/// The platform's default download price for a track: ¥0.80.
pub const DEFAULT_TRACK_PRICE: Fen = Fen(80);

/// The most an independent shop may charge for a track: ¥50.00.
pub const MAX_INDEPENDENT_PRICE: Fen = Fen(5000);

/// What kind of shop sells a track, which decides who sets its price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ShopKind {
    /// An independent musician's shop: sets its own prices.
    Independent,
    /// A record label's brand shop: sells at the platform default under its agreement.
    Label,
}

/// Why a requested price cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PricingError {
    /// A price below zero.
    #[error("a track price cannot be negative ({requested})")]
    Negative {
        /// The price asked for.
        requested: Fen,
    },
    /// A price above [`MAX_INDEPENDENT_PRICE`].
    #[error("a track price can be at most {max}; {requested} is too high")]
    AboveMaximum {
        /// The price asked for.
        requested: Fen,
        /// The highest price allowed.
        max: Fen,
    },
    /// A label shop asked for anything but the platform default.
    #[error(
        "label shops sell every track at the platform price of {fixed} under their bought-out \
         licence agreement, so {requested} cannot be set"
    )]
    LabelPriceFixed {
        /// The price asked for.
        requested: Fen,
        /// The one price a label track sells at.
        fixed: Fen,
    },
}

/// The price a track sells at, given the kind of shop and the price it asked for (`None`
/// for no choice, which means the platform default).
pub fn track_price(kind: ShopKind, requested: Option<Fen>) -> Result<Fen, PricingError> {
    let Some(requested) = requested else {
        return Ok(DEFAULT_TRACK_PRICE);
    };
    match kind {
        ShopKind::Label if requested != DEFAULT_TRACK_PRICE => Err(PricingError::LabelPriceFixed {
            requested,
            fixed: DEFAULT_TRACK_PRICE,
        }),
        ShopKind::Label => Ok(DEFAULT_TRACK_PRICE),
        ShopKind::Independent if requested.is_negative() => {
            Err(PricingError::Negative { requested })
        }
        ShopKind::Independent if requested > MAX_INDEPENDENT_PRICE => {
            Err(PricingError::AboveMaximum {
                requested,
                max: MAX_INDEPENDENT_PRICE,
            })
        }
        ShopKind::Independent => Ok(requested),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn no_choice_means_the_default_for_both_kinds() {
        assert_eq!(track_price(ShopKind::Independent, None), Ok(Fen(80)));
        assert_eq!(track_price(ShopKind::Label, None), Ok(Fen(80)));
    }

    #[test]
    fn independents_set_their_own_price_from_free_to_fifty_yuan() {
        for fen in [0, 1, 80, 999, 5000] {
            assert_eq!(
                track_price(ShopKind::Independent, Some(Fen(fen))),
                Ok(Fen(fen))
            );
        }
    }

    #[test]
    fn independents_cannot_go_negative_or_above_fifty_yuan() {
        assert_eq!(
            track_price(ShopKind::Independent, Some(Fen(-1))),
            Err(PricingError::Negative { requested: Fen(-1) })
        );
        let err = track_price(ShopKind::Independent, Some(Fen(5001))).unwrap_err();
        assert_eq!(
            err,
            PricingError::AboveMaximum {
                requested: Fen(5001),
                max: Fen(5000)
            }
        );
        assert_eq!(
            err.to_string(),
            "a track price can be at most ¥50.00; ¥50.01 is too high"
        );
    }

    #[test]
    fn labels_sell_at_the_default_and_are_told_why_otherwise() {
        assert_eq!(track_price(ShopKind::Label, Some(Fen(80))), Ok(Fen(80)));
        let err = track_price(ShopKind::Label, Some(Fen(100))).unwrap_err();
        assert_eq!(
            err,
            PricingError::LabelPriceFixed {
                requested: Fen(100),
                fixed: Fen(80)
            }
        );
        let message = err.to_string();
        assert!(message.contains("bought-out licence"), "{message}");
        assert!(
            message.contains("¥0.80") && message.contains("¥1.00"),
            "{message}"
        );
    }

    #[test]
    fn shop_kind_is_snake_case_on_the_wire() {
        assert_eq!(
            serde_json::to_string(&ShopKind::Independent).unwrap(),
            r#""independent""#
        );
        assert_eq!(
            serde_json::from_str::<ShopKind>(r#""label""#).unwrap(),
            ShopKind::Label
        );
    }

    fn any_kind() -> impl Strategy<Value = ShopKind> {
        prop_oneof![Just(ShopKind::Independent), Just(ShopKind::Label)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn any_accepted_price_is_within_the_rules(
            kind in any_kind(),
            requested in proptest::option::of(any::<i64>().prop_map(Fen)),
        ) {
            if let Ok(price) = track_price(kind, requested) {
                prop_assert!(price >= Fen::ZERO && price <= MAX_INDEPENDENT_PRICE);
                if kind == ShopKind::Label {
                    prop_assert_eq!(price, DEFAULT_TRACK_PRICE);
                }
                if let Some(requested) = requested {
                    prop_assert_eq!(price, requested);
                }
            }
        }

        #[test]
        fn independents_get_exactly_the_range(fen in -10_000_i64..10_000) {
            let result = track_price(ShopKind::Independent, Some(Fen(fen)));
            prop_assert_eq!(result.is_ok(), (0..=5000).contains(&fen));
        }

        #[test]
        fn labels_get_only_the_default(fen in any::<i64>()) {
            let result = track_price(ShopKind::Label, Some(Fen(fen)));
            prop_assert_eq!(result.is_ok(), fen == 80);
        }
    }
}
