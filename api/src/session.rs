//! Session tokens and the signed-in caller they stand for.
//!
//! A token is 32 random bytes (256 bits), base64url-encoded; only its SHA-256 is stored.
//! This module depends on nothing else of the crate, so both the caller extractors of
//! [`auth`](crate::auth) and the [`ReadCache`](crate::read_cache::ReadCache) that keeps
//! callers can use it without depending on each other.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use sluss_domain::Actor;

/// A new random token and the hash to store.
pub fn new_token() -> (String, String) {
    let bytes: [u8; 32] = rand::random();
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_token(&token);
    (token, hash)
}

/// The stored form of a token.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The signed-in caller: who they are and the hash of the token they used.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// The acting user.
    pub actor: Actor,
    /// The hash of the token of this request (logout ends it).
    pub token_hash: String,
}
