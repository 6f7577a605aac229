//! Opaque ids, bearer tokens (stored only as hashes), password hashing and URL signatures.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh opaque id such as `trk_3fZ…` (URL-safe, 16 random bytes).
pub fn new_id(prefix: &str) -> String {
    let mut bytes = [0_u8; 12];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}_{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// A new bearer token: 32 random bytes, URL-safe.
pub fn new_token() -> String {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps instead of a token.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// argon2id with a random salt, in PHC string form.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// The server's signing key for short-lived URLs (one HMAC-SHA256 block). `Debug` never
/// shows it.
#[derive(Clone)]
pub struct SigningKey([u8; 64]);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

impl SigningKey {
    /// Derives a key from any secret text (a per-launch secret, a configured one).
    pub fn from_secret(secret: &str) -> Self {
        let mut key = [0_u8; 64];
        key[..32].copy_from_slice(&Sha256::digest(secret.as_bytes()));
        Self(key)
    }

    pub fn random() -> Self {
        let mut key = [0_u8; 64];
        rand::rng().fill_bytes(&mut key);
        Self(key)
    }

    fn mac(&self) -> Hmac<Sha256> {
        <Hmac<Sha256> as hmac::digest::KeyInit>::new(&self.0.into())
    }

    /// HMAC-SHA256 of `message`, URL-safe.
    pub fn sign(&self, message: &str) -> String {
        let mut mac = self.mac();
        mac.update(message.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// Constant-time check of a signature made by [`SigningKey::sign`].
    pub fn verify(&self, message: &str, signature: &str) -> bool {
        let Ok(signature) = URL_SAFE_NO_PAD.decode(signature) else {
            return false;
        };
        let mut mac = self.mac();
        mac.update(message.as_bytes());
        mac.verify_slice(&signature).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn signatures_fail_for_other_messages_keys_and_junk() {
        let key = SigningKey::random();
        let signature = key.sign("track/1?expires=5");
        assert!(key.verify("track/1?expires=5", &signature));
        assert!(!key.verify("track/2?expires=5", &signature));
        assert!(!SigningKey::random().verify("track/1?expires=5", &signature));
        assert!(!key.verify("track/1?expires=5", "%%%"));
    }

    #[test]
    fn tokens_and_ids_are_unique_and_hashes_stable() {
        assert_ne!(new_token(), new_token());
        assert!(new_id("trk").starts_with("trk_"));
        assert_eq!(hash_token("a"), hash_token("a"));
        assert_ne!(hash_token("a"), hash_token("b"));
    }
}
