//! Password hashing: argon2id with OWASP parameters (m = 19 MiB, t = 2, p = 1), run on
//! the blocking pool behind a semaphore so a burst of logins cannot starve the runtime.

use std::sync::Arc;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use tokio::sync::Semaphore;
use tracing::Instrument;

use crate::error::ApiError;

/// Hashes and verifies passwords off the async runtime.
#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// A real hash of a random secret: verifying against it makes an unknown e-mail cost
    /// exactly as much as a wrong password.
    decoy_hash: Arc<str>,
}

impl std::fmt::Debug for Passwords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Passwords")
            .field("available_permits", &self.permits.available_permits())
            .finish_non_exhaustive()
    }
}

fn hash_now(password: &[u8]) -> Result<String, argon2::password_hash::Error> {
    Ok(Argon2::default().hash_password(password)?.to_string())
}

impl Passwords {
    /// A hasher running at most `concurrency` hashes at once.
    pub fn new(concurrency: usize) -> Result<Self, ApiError> {
        let secret: [u8; 32] = rand::random();
        let decoy_hash = hash_now(&secret).map_err(|e| ApiError::internal(&e))?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            decoy_hash: decoy_hash.into(),
        })
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
        let _permit = self.permits.acquire().await.map_err(|e| ApiError::internal(&e))?;
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || span.in_scope(work))
            .instrument(tracing::debug_span!("argon2"))
            .await
            .map_err(|e| ApiError::internal(&e))
    }

    /// The PHC string of a new hash of `password`.
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.run(move || hash_now(password.as_bytes()))
            .await?
            .map_err(|e| ApiError::internal(&e))
    }

    /// Whether `password` matches `stored`; with no stored hash (unknown e-mail) the
    /// decoy is verified instead and the answer is `false`.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, ApiError> {
        let known = stored.is_some();
        let hash: Arc<str> = stored.map_or_else(|| self.decoy_hash.clone(), Arc::from);
        let matches = self
            .run(move || Argon2::default().verify_password(password.as_bytes(), &*hash).is_ok())
            .await?;
        Ok(known && matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let passwords = Passwords::new(2).unwrap();
        let hash = passwords.hash("lock gates lift ideas".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            passwords
                .verify("lock gates lift ideas".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !passwords
                .verify("lock gates drop ideas".into(), Some(hash))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn unknown_users_never_verify() {
        let passwords = Passwords::new(1).unwrap();
        assert!(!passwords.verify("anything at all really".into(), None).await.unwrap());
    }
}
