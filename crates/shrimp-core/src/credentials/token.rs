//! The session token and the name it is filed under in the keyring.

use std::fmt;

use zeroize::Zeroizing;

/// Longest token accepted from the server or the keyring. Real ones are 43 characters.
const MAX_TOKEN_LEN: usize = 4096;

/// A session token: a bearer secret for one account on one backend.
///
/// It never prints itself (`Debug` is redacted, there is no `Display` and no `Serialize`) and
/// its memory is wiped when it is dropped. Read it only with [`SessionToken::expose`], at the
/// moment it is handed to the HTTP client or the keyring.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(Zeroizing<String>);

impl SessionToken {
    /// Accepts a token that can be sent as a bearer credential: 1 to 4096 visible ASCII
    /// characters. Anything else is refused with the reason (which never quotes the value).
    pub fn new(token: impl Into<String>) -> Result<Self, &'static str> {
        let token = Zeroizing::new(token.into());
        if token.is_empty() {
            return Err("the token is empty");
        }
        if token.len() > MAX_TOKEN_LEN {
            return Err("the token is too long");
        }
        if !token.bytes().all(|byte| byte.is_ascii_graphic()) {
            return Err("the token holds characters a token cannot have");
        }
        Ok(Self(token))
    }

    /// The secret itself, for the HTTP client or the keyring. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

/// Which session a token belongs to: one account (by email) on one backend (by URL).
///
/// The URL is taken as given, minus surrounding space and trailing slashes; the email is
/// compared without case, so `Mei@Example.com` and `mei@example.com` share one entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CredentialKey {
    backend_url: String,
    email: String,
}

impl CredentialKey {
    pub fn new(backend_url: &str, email: &str) -> Self {
        Self {
            backend_url: backend_url.trim().trim_end_matches('/').to_owned(),
            email: email.trim().to_lowercase(),
        }
    }

    pub fn backend_url(&self) -> &str {
        &self.backend_url
    }

    pub fn email(&self) -> &str {
        &self.email
    }

    /// The keyring's "service": one per backend, readable in a keyring manager.
    pub(crate) fn service(&self) -> String {
        format!("shrimp:{}", self.backend_url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_never_prints_itself() {
        let token = SessionToken::new("s3cr3t-token_value").unwrap();
        let shown = format!("{token:?} {:?}", Some(&token));
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("redacted"), "{shown}");
        assert_eq!(token.expose(), "s3cr3t-token_value");
    }

    #[test]
    fn only_bearer_shaped_tokens_are_accepted() {
        assert!(SessionToken::new("abc_DEF-123").is_ok());
        for bad in ["", "two words", "line\nbreak", "tab\t", "ümlaut"] {
            let reason = SessionToken::new(bad).unwrap_err();
            assert!(!reason.contains(bad) || bad.is_empty(), "{reason}");
        }
        assert!(SessionToken::new("x".repeat(MAX_TOKEN_LEN)).is_ok());
        assert!(SessionToken::new("x".repeat(MAX_TOKEN_LEN + 1)).is_err());
    }

    #[test]
    fn keys_ignore_trailing_slashes_and_email_case() {
        let a = CredentialKey::new("https://shrimp.example/ ", " Mei@Example.com");
        let b = CredentialKey::new("https://shrimp.example", "mei@example.com");
        assert_eq!(a, b);
        assert_eq!(a.service(), "shrimp:https://shrimp.example");
        assert_eq!(a.email(), "mei@example.com");
    }
}
