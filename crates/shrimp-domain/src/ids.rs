//! Opaque identifiers. On the wire every id is a plain string; inside Rust each kind is its own
//! type so a shop id can never be passed where a track id is expected.
//!
//! An id is 1 to [`MAX_ID_LEN`] characters of ASCII letters, digits, `-`, `_` and `.`. The
//! narrow charset keeps ids safe in URLs, file names, log lines and ledger account keys
//! (which use `/` as a separator).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The longest id accepted, in bytes (the charset is ASCII, so also in characters).
pub const MAX_ID_LEN: usize = 64;

/// Why a string is not a valid id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The string was empty.
    #[error("{kind} must not be empty")]
    Empty {
        /// Which id type was being built, such as `shop id`.
        kind: &'static str,
    },
    /// The string was longer than [`MAX_ID_LEN`].
    #[error("{kind} is {len} characters long; the limit is {MAX_ID_LEN}")]
    TooLong {
        /// Which id type was being built.
        kind: &'static str,
        /// The length that was given.
        len: usize,
    },
    /// The string held a character outside the id charset.
    #[error("{kind} may only hold ASCII letters, digits, '-', '_' and '.'; found {found:?}")]
    BadCharacter {
        /// Which id type was being built.
        kind: &'static str,
        /// The first character that is not allowed.
        found: char,
    },
}

fn validate(kind: &'static str, value: &str) -> Result<(), IdError> {
    if value.is_empty() {
        return Err(IdError::Empty { kind });
    }
    if let Some(found) = value.chars().find(|c| !is_id_char(*c)) {
        return Err(IdError::BadCharacter { kind, found });
    }
    // Every character is ASCII by now, so bytes and characters agree.
    if value.len() > MAX_ID_LEN {
        return Err(IdError::TooLong {
            kind,
            len: value.len(),
        });
    }
    Ok(())
}

const fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

macro_rules! opaque_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        #[cfg_attr(feature = "specta", derive(specta::Type), specta(transparent))]
        pub struct $name(String);

        impl $name {
            /// Checks `value` against the id rules and wraps it.
            pub fn new(value: impl Into<String>) -> Result<Self, IdError> {
                let value = value.into();
                validate($kind, &value)?;
                Ok(Self(value))
            }

            /// The id as the string it is on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Unwraps the id into its string.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = IdError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

opaque_id!(
    /// A shop: an independent musician's or a label's storefront.
    ShopId,
    "shop id"
);
opaque_id!(
    /// A track in a shop's catalogue.
    TrackId,
    "track id"
);
opaque_id!(
    /// A buyer's order for a track.
    OrderId,
    "order id"
);
opaque_id!(
    /// A user account (listener, shop owner or reviewer — one account can be several).
    UserId,
    "user id"
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_ordinary_ids() {
        for s in ["a", "shop-1", "01HZX3K9_abc.def", &"x".repeat(MAX_ID_LEN)] {
            assert_eq!(ShopId::new(s).map(ShopId::into_string), Ok(s.to_owned()));
        }
    }

    #[test]
    fn rejects_empty() {
        assert_eq!(TrackId::new(""), Err(IdError::Empty { kind: "track id" }));
    }

    #[test]
    fn rejects_too_long() {
        let err = OrderId::new("x".repeat(MAX_ID_LEN + 1)).unwrap_err();
        assert_eq!(
            err,
            IdError::TooLong {
                kind: "order id",
                len: MAX_ID_LEN + 1
            }
        );
        assert_eq!(
            err.to_string(),
            "order id is 65 characters long; the limit is 64"
        );
    }

    #[test]
    fn rejects_characters_outside_the_charset() {
        for (s, found) in [
            ("a b", ' '),
            ("a/b", '/'),
            ("虾", '虾'),
            ("x\n", '\n'),
            ("é", 'é'),
        ] {
            assert_eq!(
                UserId::new(s),
                Err(IdError::BadCharacter {
                    kind: "user id",
                    found
                })
            );
        }
    }

    #[test]
    fn serializes_as_a_plain_string() {
        let id = ShopId::new("shop-7").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), r#""shop-7""#);
        let back: ShopId = serde_json::from_str(r#""shop-7""#).unwrap();
        assert_eq!(back, id);
    }

    #[test]
    fn deserializing_validates() {
        let err = serde_json::from_str::<ShopId>(r#""no spaces""#).unwrap_err();
        assert!(err.to_string().contains("shop id may only hold"), "{err}");
        assert!(serde_json::from_str::<ShopId>(r#""""#).is_err());
    }

    #[test]
    fn parses_and_displays() {
        let id: TrackId = "t-1".parse().unwrap();
        assert_eq!(id.to_string(), "t-1");
        assert_eq!(id.as_str(), "t-1");
        assert_eq!(AsRef::<str>::as_ref(&id), "t-1");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn valid_ids_round_trip(s in "[A-Za-z0-9._-]{1,64}") {
            let id = ShopId::new(s.clone()).unwrap();
            prop_assert_eq!(id.as_str(), s.as_str());
            let json = serde_json::to_string(&id).unwrap();
            prop_assert_eq!(serde_json::from_str::<ShopId>(&json).unwrap(), id);
        }

        #[test]
        fn validation_matches_the_rule(s in "\\PC{0,70}") {
            let ok = !s.is_empty()
                && s.len() <= MAX_ID_LEN
                && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
            prop_assert_eq!(UserId::new(s).is_ok(), ok);
        }
    }
}
