//! Password hashing: argon2id with OWASP parameters (m = 19 MiB, t = 2, p = 1), run on
//! dedicated threads so a burst of logins neither starves the runtime nor grows memory:
//! each thread reuses its own 19 MiB from one hash to the next (ADR 0010).

use std::sync::{Arc, Mutex, mpsc};

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use prometheus::IntCounter;
use tokio::sync::{OnceCell, oneshot};

use crate::error::ApiError;

type Job = Box<dyn FnOnce() + Send>;

/// Hashes and verifies passwords off the async runtime.
#[derive(Clone)]
pub struct Passwords {
    jobs: mpsc::Sender<Job>,
    threads: usize,
    /// A real hash of a random secret, made on first need: verifying against it makes an
    /// unknown e-mail cost exactly as much as a wrong password.
    decoy_hash: Arc<OnceCell<Arc<str>>>,
    /// How many hashes were asked for (what the throttles bound; on `/metrics`).
    hashes: IntCounter,
    /// How many verifications were asked for.
    verifications: IntCounter,
}

fn counter(name: &str, help: &str) -> IntCounter {
    IntCounter::new(name, help).unwrap_or_else(|e| unreachable!("static metric definition: {e}"))
}

impl std::fmt::Debug for Passwords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Passwords")
            .field("threads", &self.threads)
            .finish_non_exhaustive()
    }
}

fn hash_now(password: &[u8]) -> Result<String, argon2::password_hash::Error> {
    Ok(Argon2::default().hash_password(password)?.to_string())
}

impl Passwords {
    /// A hasher running at most `concurrency` hashes at once, each on a thread of its own;
    /// the threads end when the last clone of the hasher is dropped.
    pub fn new(concurrency: usize) -> Result<Self, ApiError> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let threads = concurrency.max(1);
        for n in 0..threads {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || {
                    loop {
                        let job = match queue.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => break,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => break,
                        }
                    }
                })
                .map_err(|e| ApiError::internal(&e))?;
        }
        Ok(Self {
            jobs,
            threads,
            decoy_hash: Arc::new(OnceCell::new()),
            hashes: counter(
                "sluss_password_hashes_total",
                "Passwords hashed (registrations, changes, resets)",
            ),
            verifications: counter(
                "sluss_password_verifications_total",
                "Passwords verified (logins, password changes)",
            ),
        })
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
        let (answer, answered) = oneshot::channel();
        let span = tracing::debug_span!("argon2");
        self.jobs
            .send(Box::new(move || {
                let _ = answer.send(span.in_scope(work));
            }))
            .map_err(|e| ApiError::internal(&e))?;
        answered.await.map_err(|e| ApiError::internal(&e))
    }

    async fn decoy(&self) -> Result<Arc<str>, ApiError> {
        let hash = self
            .decoy_hash
            .get_or_try_init(|| async {
                let secret: [u8; 32] = rand::random();
                let hash = self.run(move || hash_now(&secret)).await?;
                hash.map(Arc::from).map_err(|e| ApiError::internal(&e))
            })
            .await?;
        Ok(Arc::clone(hash))
    }

    /// How many new hashes were asked for since start.
    pub fn hashes(&self) -> u64 {
        self.hashes.get()
    }

    /// How many verifications were asked for since start.
    pub fn verifications(&self) -> u64 {
        self.verifications.get()
    }

    /// The counters, for a metrics registry.
    pub fn counters(&self) -> [IntCounter; 2] {
        [self.hashes.clone(), self.verifications.clone()]
    }

    /// The PHC string of a new hash of `password`.
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.hashes.inc();
        self.run(move || hash_now(password.as_bytes()))
            .await?
            .map_err(|e| ApiError::internal(&e))
    }

    /// Whether `password` matches `stored`; with no stored hash (unknown e-mail) the
    /// decoy is verified instead and the answer is `false`.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, ApiError> {
        self.verifications.inc();
        let known = stored.is_some();
        let hash: Arc<str> = match stored {
            Some(stored) => Arc::from(stored),
            None => self.decoy().await?,
        };
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
