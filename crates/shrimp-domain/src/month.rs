//! Calendar months, the period subscriptions are sold and settled by. Written `YYYY-MM`.
//!
//! A month is only a label: which month "now" falls in is decided by whoever holds the clock.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A calendar month from `0001-01` to `9999-12`. Orders chronologically; on the wire it is
/// the string `"YYYY-MM"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(type = String))]
pub struct Month {
    // Field order gives the chronological derived order.
    year: u16,
    month: u8,
}

/// Why a month could not be built or parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MonthError {
    /// The year or month number is out of range.
    #[error(
        "{year:04}-{month:02} is not a month: the year must be 1 to 9999 and the month 1 to 12"
    )]
    OutOfRange {
        /// The year given.
        year: u16,
        /// The month number given.
        month: u8,
    },
    /// The text is not of the form `YYYY-MM`.
    #[error("{input:?} is not a month; write it as YYYY-MM, such as 2026-03")]
    Malformed {
        /// The offending text (at most its first 32 characters).
        input: String,
    },
}

impl Month {
    /// The month `month` (1 to 12) of `year` (1 to 9999).
    pub const fn new(year: u16, month: u8) -> Result<Self, MonthError> {
        if year >= 1 && year <= 9999 && month >= 1 && month <= 12 {
            Ok(Self { year, month })
        } else {
            Err(MonthError::OutOfRange { year, month })
        }
    }

    /// The year, 1 to 9999.
    pub const fn year(self) -> u16 {
        self.year
    }

    /// The month of the year, 1 to 12.
    pub const fn month(self) -> u8 {
        self.month
    }

    /// The month after this one; `None` after `9999-12`.
    pub const fn next(self) -> Option<Self> {
        if self.month < 12 {
            Some(Self {
                year: self.year,
                month: self.month + 1,
            })
        } else if self.year < 9999 {
            Some(Self {
                year: self.year + 1,
                month: 1,
            })
        } else {
            None
        }
    }

    /// The month before this one; `None` before `0001-01`.
    pub const fn previous(self) -> Option<Self> {
        if self.month > 1 {
            Some(Self {
                year: self.year,
                month: self.month - 1,
            })
        } else if self.year > 1 {
            Some(Self {
                year: self.year - 1,
                month: 12,
            })
        } else {
            None
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Month {
    type Err = MonthError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let malformed = || MonthError::Malformed {
            input: s.chars().take(32).collect(),
        };
        let (year, month) = s.split_once('-').ok_or_else(malformed)?;
        let digits =
            |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(month, 2) {
            return Err(malformed());
        }
        let year = year.parse().map_err(|_| malformed())?;
        let month = month.parse().map_err(|_| malformed())?;
        Self::new(year, month)
    }
}

impl TryFrom<String> for Month {
    type Error = MonthError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Month> for String {
    fn from(month: Month) -> Self {
        month.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn month(year: u16, month: u8) -> Month {
        Month::new(year, month).unwrap()
    }

    #[test]
    fn displays_and_parses_yyyy_mm() {
        assert_eq!(month(2026, 3).to_string(), "2026-03");
        assert_eq!(month(7, 11).to_string(), "0007-11");
        assert_eq!("2026-03".parse(), Ok(month(2026, 3)));
        assert_eq!("9999-12".parse(), Ok(month(9999, 12)));
    }

    #[test]
    fn rejects_malformed_text() {
        for bad in [
            "",
            "2026",
            "2026-3",
            "26-03",
            "2026/03",
            "2026-03-01",
            " 2026-03",
            "2026-0a",
            "+026-03",
            "2026--3",
            "２０２６-03",
        ] {
            assert_eq!(
                bad.parse::<Month>(),
                Err(MonthError::Malformed {
                    input: bad.to_owned()
                }),
                "{bad:?}"
            );
        }
        assert_eq!(
            "2026-3".parse::<Month>().unwrap_err().to_string(),
            r#""2026-3" is not a month; write it as YYYY-MM, such as 2026-03"#
        );
    }

    #[test]
    fn rejects_months_out_of_range() {
        for (text, year, number) in [
            ("2026-13", 2026, 13),
            ("2026-00", 2026, 0),
            ("0000-05", 0, 5),
        ] {
            assert_eq!(
                text.parse::<Month>(),
                Err(MonthError::OutOfRange {
                    year,
                    month: number
                })
            );
        }
        assert_eq!(
            Month::new(10_000, 1).unwrap_err().to_string(),
            "10000-01 is not a month: the year must be 1 to 9999 and the month 1 to 12"
        );
    }

    #[test]
    fn steps_across_years() {
        assert_eq!(month(2026, 12).next(), Some(month(2027, 1)));
        assert_eq!(month(2026, 1).previous(), Some(month(2025, 12)));
        assert_eq!(month(9999, 12).next(), None);
        assert_eq!(month(1, 1).previous(), None);
    }

    #[test]
    fn is_a_string_on_the_wire() {
        assert_eq!(
            serde_json::to_string(&month(2026, 3)).unwrap(),
            r#""2026-03""#
        );
        assert_eq!(
            serde_json::from_str::<Month>(r#""2026-04""#).unwrap(),
            month(2026, 4)
        );
        assert!(serde_json::from_str::<Month>(r#""2026-13""#).is_err());
    }

    fn any_month() -> impl Strategy<Value = Month> {
        (1_u16..=9999, 1_u8..=12).prop_map(|(year, number)| month(year, number))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn text_round_trips(m in any_month()) {
            prop_assert_eq!(m.to_string().parse::<Month>(), Ok(m));
        }

        #[test]
        fn next_is_the_following_month(m in any_month()) {
            if let Some(next) = m.next() {
                prop_assert!(next > m);
                prop_assert_eq!(next.previous(), Some(m));
                let index = |m: Month| u32::from(m.year()) * 12 + u32::from(m.month());
                prop_assert_eq!(index(next), index(m) + 1);
            }
        }

        #[test]
        fn order_matches_the_text(a in any_month(), b in any_month()) {
            prop_assert_eq!(a.cmp(&b), a.to_string().cmp(&b.to_string()));
        }
    }
}
