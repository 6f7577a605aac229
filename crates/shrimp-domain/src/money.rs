//! Money as whole fen (1 yuan = 100 fen) in an `i64`. There is no floating point here, and no
//! arithmetic that can overflow silently: every sum goes through a `checked_*` method.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An amount of money in fen. Serializes as a plain integer; displays as `¥0.80` or `-¥1.25`.
///
/// Ordinary operators are deliberately not implemented: adding two amounts must say what
/// happens on overflow, so use [`Fen::checked_add`] and friends.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Fen(
    // A TypeScript `number` holds every amount up to 2^53 fen (about ¥90 trillion) exactly.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))] pub i64,
);

/// Why an amount could not be built or parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The text to parse was empty.
    #[error("an amount in yuan is needed, such as 0.80")]
    Empty,
    /// The text is not a decimal amount of yuan.
    #[error("{input:?} is not an amount in yuan; write it like 12, 12.5 or 0.80")]
    Malformed {
        /// The offending text (shortened when long).
        input: String,
    },
    /// The text has a fraction finer than a fen.
    #[error("{input:?} has more than two decimals; amounts are counted in whole fen (¥0.01)")]
    TooManyDecimals {
        /// The offending text (shortened when long).
        input: String,
    },
    /// The text is a well-formed amount too large to hold.
    #[error("{input:?} is too large an amount")]
    TooLarge {
        /// The offending text (shortened when long).
        input: String,
    },
    /// The fen part given to [`Fen::from_yuan_fen`] was 100 or more.
    #[error("the fen part of an amount must be 0 to 99, not {fen}")]
    FenOutOfRange {
        /// The fen part that was given.
        fen: u8,
    },
    /// The yuan given to [`Fen::from_yuan_fen`] do not fit in fen.
    #[error("{yuan} yuan is too large an amount")]
    Overflow {
        /// The yuan that were given.
        yuan: i64,
    },
}

impl Fen {
    /// No money.
    pub const ZERO: Self = Self(0);

    /// Wraps a number of fen.
    pub const fn new(fen: i64) -> Self {
        Self(fen)
    }

    /// The number of fen.
    pub const fn as_i64(self) -> i64 {
        self.0
    }

    /// Builds `yuan` yuan and `fen` fen. The fen part takes the sign of the yuan, so
    /// `from_yuan_fen(-1, 25)` is `-¥1.25`; build `-¥0.25` as `Fen(-25)`.
    pub fn from_yuan_fen(yuan: i64, fen: u8) -> Result<Self, MoneyError> {
        if fen >= 100 {
            return Err(MoneyError::FenOutOfRange { fen });
        }
        let fen = if yuan < 0 {
            -i64::from(fen)
        } else {
            i64::from(fen)
        };
        yuan.checked_mul(100)
            .and_then(|whole| whole.checked_add(fen))
            .map(Self)
            .ok_or(MoneyError::Overflow { yuan })
    }

    /// Parses a decimal amount of yuan: `12`, `12.5`, `0.80`, optionally led by `-` and/or
    /// `¥` in that order (so anything [`Display`](fmt::Display) prints parses back). At most
    /// two decimals; no spaces, signs elsewhere, exponents or digit separators.
    pub fn parse_yuan(input: &str) -> Result<Self, MoneyError> {
        if input.is_empty() {
            return Err(MoneyError::Empty);
        }
        let (negative, rest) = match input.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, input),
        };
        let rest = rest.strip_prefix('¥').unwrap_or(rest);
        let (whole, fraction) = match rest.split_once('.') {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (rest, None),
        };
        let malformed = || MoneyError::Malformed {
            input: excerpt(input),
        };
        if !is_digits(whole) {
            return Err(malformed());
        }
        let fraction_fen = match fraction {
            None => 0,
            Some(fraction) if !is_digits(fraction) => return Err(malformed()),
            Some(fraction) if fraction.len() > 2 => {
                return Err(MoneyError::TooManyDecimals {
                    input: excerpt(input),
                });
            }
            // One or two ASCII digits: "5" is 50 fen, "05" is 5 fen.
            Some(fraction) => fraction
                .bytes()
                .chain(std::iter::repeat(b'0'))
                .take(2)
                .fold(0_i128, |acc, digit| acc * 10 + i128::from(digit - b'0')),
        };
        let too_large = || MoneyError::TooLarge {
            input: excerpt(input),
        };
        let magnitude = whole
            .bytes()
            .try_fold(0_i128, |acc, digit| {
                acc.checked_mul(10)?.checked_add(i128::from(digit - b'0'))
            })
            .and_then(|yuan| yuan.checked_mul(100)?.checked_add(fraction_fen))
            .ok_or_else(too_large)?;
        let signed = if negative { -magnitude } else { magnitude };
        i64::try_from(signed).map(Self).map_err(|_| too_large())
    }

    /// `self + other`, or `None` on overflow.
    pub const fn checked_add(self, other: Self) -> Option<Self> {
        match self.0.checked_add(other.0) {
            Some(sum) => Some(Self(sum)),
            None => None,
        }
    }

    /// `self - other`, or `None` on overflow.
    pub const fn checked_sub(self, other: Self) -> Option<Self> {
        match self.0.checked_sub(other.0) {
            Some(difference) => Some(Self(difference)),
            None => None,
        }
    }

    /// `-self`, or `None` for the one amount whose negation does not fit.
    pub const fn checked_neg(self) -> Option<Self> {
        match self.0.checked_neg() {
            Some(negated) => Some(Self(negated)),
            None => None,
        }
    }

    /// The sum of `amounts`, or `None` if the total does not fit. Intermediate sums are
    /// exact, so only the final total has to fit.
    pub fn checked_sum(amounts: impl IntoIterator<Item = Self>) -> Option<Self> {
        let total: i128 = amounts.into_iter().map(|amount| i128::from(amount.0)).sum();
        i64::try_from(total).ok().map(Self)
    }

    /// Whether this is less than nothing.
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Whether this is exactly nothing.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let magnitude = self.0.unsigned_abs();
        write!(f, "{sign}¥{}.{:02}", magnitude / 100, magnitude % 100)
    }
}

impl FromStr for Fen {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_yuan(s)
    }
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Errors quote the input, but never a whole megabyte of it.
fn excerpt(input: &str) -> String {
    const LIMIT: usize = 32;
    match input.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", &input[..cut]),
        None => input.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(s: &str) -> Result<Fen, MoneyError> {
        s.parse()
    }

    #[test]
    fn displays_with_two_decimals_and_a_sign_before_the_yuan_mark() {
        assert_eq!(Fen(80).to_string(), "¥0.80");
        assert_eq!(Fen(0).to_string(), "¥0.00");
        assert_eq!(Fen(5).to_string(), "¥0.05");
        assert_eq!(Fen(1000).to_string(), "¥10.00");
        assert_eq!(Fen(-125).to_string(), "-¥1.25");
        assert_eq!(Fen(-1).to_string(), "-¥0.01");
        assert_eq!(Fen(i64::MIN).to_string(), "-¥92233720368547758.08");
        assert_eq!(Fen(i64::MAX).to_string(), "¥92233720368547758.07");
    }

    #[test]
    fn parses_decimal_yuan() {
        assert_eq!(parse("0.80"), Ok(Fen(80)));
        assert_eq!(parse("12"), Ok(Fen(1200)));
        assert_eq!(parse("12.5"), Ok(Fen(1250)));
        assert_eq!(parse("12.05"), Ok(Fen(1205)));
        assert_eq!(parse("0"), Ok(Fen::ZERO));
        assert_eq!(parse("007.10"), Ok(Fen(710)));
        assert_eq!(parse("-1.25"), Ok(Fen(-125)));
        assert_eq!(parse("¥0.80"), Ok(Fen(80)));
        assert_eq!(parse("-¥1.25"), Ok(Fen(-125)));
        assert_eq!(parse("92233720368547758.07"), Ok(Fen(i64::MAX)));
        assert_eq!(parse("-92233720368547758.08"), Ok(Fen(i64::MIN)));
    }

    #[test]
    fn rejects_empty_input() {
        assert_eq!(parse(""), Err(MoneyError::Empty));
        assert_eq!(
            MoneyError::Empty.to_string(),
            "an amount in yuan is needed, such as 0.80"
        );
    }

    #[test]
    fn rejects_junk() {
        for junk in [
            "-", "¥", "-¥", ".", ".5", "12.", "1.2.3", "abc", "1e3", "1,000", " 1", "1 ", "+1",
            "¥-1", "--1", "0x10", "1.-5", "１２", "1_000", "NaN", "inf", "1.5a",
        ] {
            assert_eq!(
                parse(junk),
                Err(MoneyError::Malformed {
                    input: junk.to_owned()
                }),
                "{junk:?}"
            );
        }
        assert_eq!(
            parse("abc").unwrap_err().to_string(),
            r#""abc" is not an amount in yuan; write it like 12, 12.5 or 0.80"#
        );
    }

    #[test]
    fn rejects_fractions_of_a_fen() {
        assert_eq!(
            parse("0.805"),
            Err(MoneyError::TooManyDecimals {
                input: "0.805".to_owned()
            })
        );
        assert_eq!(
            parse("1.000").unwrap_err().to_string(),
            r#""1.000" has more than two decimals; amounts are counted in whole fen (¥0.01)"#
        );
    }

    #[test]
    fn rejects_amounts_too_large_to_hold() {
        for big in [
            "92233720368547758.08",
            "-92233720368547758.09",
            "100000000000000000",
            &"9".repeat(60),
        ] {
            assert!(
                matches!(parse(big), Err(MoneyError::TooLarge { .. })),
                "{big:?}"
            );
        }
    }

    #[test]
    fn errors_quote_only_the_start_of_long_input() {
        let long = format!("{}x", "1".repeat(1000));
        let Err(MoneyError::Malformed { input }) = parse(&long) else {
            panic!("expected malformed");
        };
        assert_eq!(input, format!("{}…", "1".repeat(32)));
    }

    #[test]
    fn builds_from_yuan_and_fen() {
        assert_eq!(Fen::from_yuan_fen(0, 80), Ok(Fen(80)));
        assert_eq!(Fen::from_yuan_fen(50, 0), Ok(Fen(5000)));
        assert_eq!(Fen::from_yuan_fen(-1, 25), Ok(Fen(-125)));
        assert_eq!(
            Fen::from_yuan_fen(1, 100),
            Err(MoneyError::FenOutOfRange { fen: 100 })
        );
        assert_eq!(
            Fen::from_yuan_fen(i64::MAX, 0),
            Err(MoneyError::Overflow { yuan: i64::MAX })
        );
        assert_eq!(
            Fen::from_yuan_fen(i64::MAX / 100, 8),
            Err(MoneyError::Overflow {
                yuan: i64::MAX / 100
            })
        );
    }

    #[test]
    fn checked_arithmetic_reports_overflow() {
        assert_eq!(Fen(80).checked_add(Fen(20)), Some(Fen(100)));
        assert_eq!(Fen(80).checked_sub(Fen(100)), Some(Fen(-20)));
        assert_eq!(Fen(i64::MAX).checked_add(Fen(1)), None);
        assert_eq!(Fen(i64::MIN).checked_sub(Fen(1)), None);
        assert_eq!(Fen(i64::MIN).checked_neg(), None);
        assert_eq!(Fen(5).checked_neg(), Some(Fen(-5)));
        assert_eq!(
            Fen::checked_sum([Fen(i64::MAX), Fen(1), Fen(-1)]),
            Some(Fen(i64::MAX))
        );
        assert_eq!(Fen::checked_sum([Fen(i64::MAX), Fen(1)]), None);
        assert_eq!(Fen::checked_sum([]), Some(Fen::ZERO));
    }

    #[test]
    fn serializes_as_a_plain_integer() {
        assert_eq!(serde_json::to_string(&Fen(80)).unwrap(), "80");
        assert_eq!(serde_json::from_str::<Fen>("-125").unwrap(), Fen(-125));
        assert!(serde_json::from_str::<Fen>("0.8").is_err());
        assert!(serde_json::from_str::<Fen>(r#""80""#).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn display_parses_back(fen in any::<i64>()) {
            prop_assert_eq!(parse(&Fen(fen).to_string()), Ok(Fen(fen)));
        }

        #[test]
        fn decimal_text_parses_to_the_exact_fen(
            yuan in 0_i64..1_000_000_000,
            fen in 0_i64..100,
            two_digits in any::<bool>(),
        ) {
            let text = if two_digits || fen % 10 != 0 {
                format!("{yuan}.{fen:02}")
            } else {
                format!("{yuan}.{}", fen / 10)
            };
            prop_assert_eq!(parse(&text), Ok(Fen(yuan * 100 + fen)));
        }

        #[test]
        fn parsing_accepts_exactly_the_grammar(text in "[-¥]{0,2}[0-9.a ]{0,8}") {
            // Optional "-", optional "¥", digits, then optionally "." and one or two digits.
            let body = text.strip_prefix('-').unwrap_or(&text);
            let body = body.strip_prefix('¥').unwrap_or(body);
            let expected = match body.split_once('.') {
                Some((whole, fraction)) => {
                    is_digits(whole) && is_digits(fraction) && fraction.len() <= 2
                }
                None => is_digits(body),
            };
            prop_assert_eq!(parse(&text).is_ok(), expected, "{:?}", text);
        }

        #[test]
        fn checked_ops_agree_with_wide_arithmetic(a in any::<i64>(), b in any::<i64>()) {
            let fits = |wide: i128| i64::try_from(wide).ok().map(Fen);
            prop_assert_eq!(Fen(a).checked_add(Fen(b)), fits(i128::from(a) + i128::from(b)));
            prop_assert_eq!(Fen(a).checked_sub(Fen(b)), fits(i128::from(a) - i128::from(b)));
            prop_assert_eq!(Fen(a).checked_neg(), fits(-i128::from(a)));
        }

        #[test]
        fn order_follows_the_number_of_fen(a in any::<i64>(), b in any::<i64>()) {
            prop_assert_eq!(Fen(a).cmp(&Fen(b)), a.cmp(&b));
        }
    }
}
