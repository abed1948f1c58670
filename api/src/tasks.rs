//! The server's background tasks (the mail worker, the webhook worker), each run under a
//! supervisor: a task that dies is started again after a pause, its restarts are counted in
//! `/metrics`, and `/readyz` answers 503 while one is down. A single bad row must never
//! silence a worker for good while the health checks stay green.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use prometheus::{IntCounterVec, IntGaugeVec, Opts, Registry};
use tokio::task::JoinHandle;

/// How long a dead task waits before it is started again, so a task that dies at once
/// does not spin.
const RESTART_PAUSE: Duration = Duration::from_secs(1);

/// What is known of one task.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskStatus {
    /// Whether it runs now.
    pub running: bool,
    /// How often it died and was started again.
    pub restarts: u64,
    /// What the last death said.
    pub last_failure: Option<String>,
}

/// The supervised tasks of one server, cheap to clone.
#[derive(Debug, Clone)]
pub struct Tasks {
    status: Arc<Mutex<BTreeMap<&'static str, TaskStatus>>>,
    restarts: IntCounterVec,
    up: IntGaugeVec,
}

impl Tasks {
    /// No tasks yet; their counters registered in `registry`.
    pub fn new(registry: &Registry) -> Self {
        let restarts = IntCounterVec::new(
            Opts::new(
                "sluss_background_task_restarts_total",
                "Background tasks that died and were started again",
            ),
            &["task"],
        )
        .unwrap_or_else(|e| unreachable!("static metric definition: {e}"));
        let up = IntGaugeVec::new(
            Opts::new(
                "sluss_background_task_up",
                "Whether a background task runs (1) or not (0)",
            ),
            &["task"],
        )
        .unwrap_or_else(|e| unreachable!("static metric definition: {e}"));
        for collector in [
            Box::new(restarts.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(up.clone()),
        ] {
            if let Err(error) = registry.register(collector) {
                tracing::error!(%error, "the background tasks' metrics could not be registered");
            }
        }
        Self {
            status: Arc::default(),
            restarts,
            up,
        }
    }

    /// Runs the task that `start` makes, and makes and runs it again whenever it panics.
    /// A task that returns has ended on purpose and is not started again.
    pub fn supervise<F, Fut>(&self, name: &'static str, start: F) -> JoinHandle<()>
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let tasks = self.clone();
        tokio::spawn(async move {
            loop {
                tasks.set(name, |status| status.running = true);
                tasks.up.with_label_values(&[name]).set(1);
                let ended = tokio::spawn(start()).await;
                tasks.up.with_label_values(&[name]).set(0);
                match ended {
                    Ok(()) => {
                        tasks.set(name, |status| status.running = false);
                        return;
                    }
                    Err(error) if error.is_panic() => {
                        let said = panic_message(error.into_panic());
                        tracing::error!(task = name, error = %said, "a background task died; starting it again");
                        tasks.restarts.with_label_values(&[name]).inc();
                        tasks.set(name, |status| {
                            status.running = false;
                            status.restarts += 1;
                            status.last_failure = Some(said);
                        });
                        tokio::time::sleep(RESTART_PAUSE).await;
                    }
                    // Cancelled: the runtime is shutting down.
                    Err(_) => return,
                }
            }
        })
    }

    /// Every supervised task and its status, by name.
    pub fn statuses(&self) -> BTreeMap<&'static str, TaskStatus> {
        self.status.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The tasks that should run and do not (dead and waiting to be started again).
    pub fn down(&self) -> Vec<&'static str> {
        self.statuses()
            .into_iter()
            .filter(|(_, status)| !status.running && status.last_failure.is_some())
            .map(|(name, _)| name)
            .collect()
    }

    fn set(&self, name: &'static str, change: impl FnOnce(&mut TaskStatus)) {
        let mut status = self.status.lock().unwrap_or_else(PoisonError::into_inner);
        change(status.entry(name).or_default());
    }
}

/// The text a panic carried, when it carried one.
pub fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    #[tokio::test]
    async fn a_task_that_dies_is_started_again_and_counted() {
        let registry = Registry::new();
        let tasks = Tasks::new(&registry);
        let starts = Arc::new(AtomicU32::new(0));
        let counted = Arc::clone(&starts);
        let (done, finished) = tokio::sync::oneshot::channel::<()>();
        let done = Arc::new(Mutex::new(Some(done)));
        tasks.supervise("worker", move || {
            let starts = Arc::clone(&counted);
            let done = Arc::clone(&done);
            async move {
                if starts.fetch_add(1, Ordering::SeqCst) == 0 {
                    panic!("a poisoned row");
                }
                if let Some(done) = done.lock().unwrap().take() {
                    done.send(()).unwrap();
                }
                std::future::pending::<()>().await;
            }
        });
        finished.await.unwrap();
        assert_eq!(starts.load(Ordering::SeqCst), 2);
        let status = tasks.statuses().remove("worker").unwrap();
        assert_eq!(
            status,
            TaskStatus {
                running: true,
                restarts: 1,
                last_failure: Some("a poisoned row".to_owned())
            }
        );
        assert!(tasks.down().is_empty());
        let metrics = prometheus::TextEncoder::new()
            .encode_to_string(&registry.gather())
            .unwrap();
        assert!(
            metrics.contains("sluss_background_task_restarts_total{task=\"worker\"} 1"),
            "{metrics}"
        );
        assert!(
            metrics.contains("sluss_background_task_up{task=\"worker\"} 1"),
            "{metrics}"
        );
    }

    #[tokio::test]
    async fn a_dead_task_is_down_until_it_runs_again() {
        let registry = Registry::new();
        let tasks = Tasks::new(&registry);
        let handle = tasks.supervise("mail", || async { panic!("bad header") });
        // It dies at once and waits a second before the next start: down meanwhile.
        for _ in 0..100 {
            if !tasks.down().is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(tasks.down(), vec!["mail"]);
        handle.abort();
    }

    #[tokio::test]
    async fn a_task_that_ends_is_not_started_again() {
        let tasks = Tasks::new(&Registry::new());
        tasks.supervise("once", || async {}).await.unwrap();
        let status = tasks.statuses().remove("once").unwrap();
        assert!(!status.running);
        assert_eq!(status.restarts, 0);
        assert!(tasks.down().is_empty());
    }
}
