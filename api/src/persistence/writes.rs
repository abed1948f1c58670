//! The writers of one process: the queue they take turns in, the SQLite transaction that
//! consecutive writers share (group commit), the statements they defer, and the counts the
//! read cache watches (ADR 0010, ADR 0011).

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, PoisonError, Weak};
use std::time::Duration;

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult, QueryResult, Statement,
};
use tokio::sync::{Mutex, Notify, OwnedMutexGuard};

use super::written::Tables;
use super::{Checkpoints, SQLITE_BUSY_TIMEOUT, begin_write, open, open_with};

/// The most writers whose work one shared SQLite transaction carries.
const BATCH_MAX: usize = 64;

/// The savepoint each writer's work runs in, inside the shared transaction.
const SAVEPOINT: &str = "SAVEPOINT writer";
const RELEASE: &str = "RELEASE writer";
const UNDO: &str = "ROLLBACK TO writer; RELEASE writer";

/// The writers of one process take turns here before they write to SQLite, which admits
/// one writer at a time (ADR 0010):
///
/// - Without the queue, waiting writers sit in SQLite's busy handler, which polls with
///   sleeps of up to 100 ms: the lock then stands free while they sleep, and each sleeper
///   holds a pooled connection that readers need. With it, the next writer begins the
///   moment the last one finishes.
/// - Writers use one connection of their own. A connection's page cache is dropped
///   whenever another connection has changed the database, so writers spread over the read
///   pool each began cold (some seventy page reads for one new idea); the one writer
///   connection keeps the pages it changed.
/// - Group commit (ADR 0011): a writer that finishes while others wait for their turn
///   leaves the transaction open for them, its work kept in a released savepoint, and waits
///   for the commit; the last writer of the run commits for all (at most [`BATCH_MAX`]).
///   Each writer's work is its own savepoint, so a writer that fails or gives up rolls back
///   only its own. A writer is answered only after the commit that carries its work.
///
/// The queue also counts, for each group of tables ([`Tables`]), the write transactions of
/// this process that wrote to it and have ended, so that what was read before a write can
/// be told from what was read after it (the read cache).
///
/// On PostgreSQL, where several processes may serve one database, each write transaction
/// also tells the others what it wrote (`NOTIFY` on [`CHANNEL`], delivered at its commit),
/// and each process adds what it hears to its own counts (ADR 0019).
#[derive(Debug, Clone, Default)]
pub struct WriteQueue {
    turns: Option<Arc<Mutex<Shared>>>,
    waiting: Arc<AtomicUsize>,
    writer: Option<DatabaseConnection>,
    counts: Arc<Counts>,
    /// On PostgreSQL with a listener: this process's mark on what it announces.
    origin: Option<u64>,
}

/// The PostgreSQL channel on which write transactions say which groups of tables they
/// wrote: the payload is `origin:seq:bits`: the process, its count of announcements and
/// the groups ([`Tables::bits`]).
pub const CHANNEL: &str = "sluss_written";

#[derive(Debug, Default)]
struct Counts {
    /// Per group of tables, the ended write transactions that wrote to it.
    written: [AtomicU64; Tables::GROUPS],
    /// Whether every write to the database that ends is counted here: on SQLite, where
    /// this process is the one server, always; on PostgreSQL while the listener hears the
    /// other processes.
    complete: AtomicBool,
    /// This process's announcements not yet heard back (PostgreSQL).
    echoes: Echoes,
    /// Pages of the log the checkpoint task has found copied into the database file (SQLite).
    checkpointed: AtomicU64,
}

/// A write transaction is answered once this process has heard its own announcement back:
/// PostgreSQL signals every listening connection at the commit, so by then the other
/// processes have as a rule heard it too, and a client that writes through one process and
/// then reads through another finds the write (ADR 0019).
#[derive(Debug, Default)]
struct Echoes {
    next: AtomicU64,
    waiting: std::sync::Mutex<std::collections::HashMap<u64, tokio::sync::oneshot::Sender<()>>>,
}

/// The longest a writer waits for its announcement to come back before it is answered.
const ECHO_WAIT: Duration = Duration::from_millis(250);

impl Echoes {
    /// A number for an announcement about to be made, and what tells when it is heard.
    fn expect(&self) -> (u64, tokio::sync::oneshot::Receiver<()>) {
        let seq = self.next.fetch_add(1, Ordering::Relaxed);
        let (heard, hear) = tokio::sync::oneshot::channel();
        self.waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(seq, heard);
        (seq, hear)
    }

    fn heard(&self, seq: u64) {
        if let Some(heard) = self.waiting.lock().unwrap_or_else(PoisonError::into_inner).remove(&seq) {
            let _ = heard.send(());
        }
    }

    fn forget(&self, seq: u64) {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner).remove(&seq);
    }
}

impl Counts {
    /// Counts a write transaction that wrote to `written` as ended, whatever its outcome: a
    /// failed commit may still have reached the disk.
    fn count_ended(&self, written: Tables) {
        for group in written.positions() {
            self.written[group].fetch_add(1, Ordering::Release);
        }
    }
}

/// What the writer whose turn it is finds.
#[derive(Debug, Default)]
struct Shared {
    /// The open transaction that earlier writers left for the next.
    open: Option<Batch>,
    /// The last writer's savepoint is to be rolled back before anything else runs.
    undo: bool,
}

#[derive(Debug)]
struct Batch {
    tx: DatabaseTransaction,
    /// Writers whose released work is in the transaction, waiting for its commit.
    members: usize,
    written: Tables,
    outcome: Arc<Outcome>,
}

/// How a batch ended, for the writers waiting on it.
#[derive(Debug, Default)]
struct Outcome {
    result: OnceLock<Result<(), String>>,
    done: Notify,
}

impl Outcome {
    async fn wait(&self) -> Result<(), DbErr> {
        loop {
            let done = self.done.notified();
            tokio::pin!(done);
            done.as_mut().enable();
            if let Some(result) = self.result.get() {
                return result.clone().map_err(DbErr::Custom);
            }
            done.await;
        }
    }
}

impl WriteQueue {
    /// A queue for `db` without a connection of its own: a real queue on SQLite; none on
    /// PostgreSQL, where writers of different rows run at once.
    pub fn for_database(db: &DatabaseConnection) -> Self {
        match db.get_database_backend() {
            DbBackend::Sqlite => {
                let queue = Self {
                    turns: Some(Arc::new(Mutex::new(Shared::default()))),
                    ..Self::default()
                };
                queue.counts.complete.store(true, Ordering::Release);
                queue
            }
            _ => Self::default(),
        }
    }

    /// The queue for the database at `url`, which `db` is connected to. On SQLite it has a
    /// writer connection of its own, whose commits leave the log's checkpoints to a task
    /// of their own; on PostgreSQL it listens to the writes of other processes.
    pub async fn connect(url: &str, db: &DatabaseConnection) -> Result<Self, DbErr> {
        let mut queue = Self::for_database(db);
        // An in-memory database exists once per connection: it cannot have a second one.
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        if queue.turns.is_some() && !in_memory {
            queue.writer = Some(open_with(url, 1, Checkpoints::Elsewhere).await?);
            let checkpointer = open(url, 1).await?;
            tokio::spawn(checkpoint_now_and_then(checkpointer, Arc::downgrade(&queue.counts)));
        }
        if db.get_database_backend() == DbBackend::Postgres {
            let origin = rand::random::<u64>();
            queue.origin = Some(origin);
            let heard = Arc::new(Notify::new());
            tokio::spawn(hear_other_processes(
                url.to_owned(),
                origin,
                Arc::downgrade(&queue.counts),
                Arc::clone(&heard),
            ));
            // The first LISTEN, so that a process begins serving with its cache on; a
            // listener that cannot connect leaves it off and keeps trying.
            let _ = tokio::time::timeout(std::time::Duration::from_secs(5), heard.notified()).await;
        }
        Ok(queue)
    }

    /// Whether writers take turns here, as they do on SQLite, where this process is the
    /// database's one server.
    pub fn is_queued(&self) -> bool {
        self.turns.is_some()
    }

    /// Whether this queue can hear of every write to the database: on SQLite, where this
    /// process is the one server, and on PostgreSQL when it listens to the others.
    pub fn hears_every_write(&self) -> bool {
        self.is_queued() || self.origin.is_some()
    }

    /// Whether every write that has ended is counted now: false on PostgreSQL while the
    /// listener is not connected, when what was read may be changed unheard.
    pub fn counts_are_complete(&self) -> bool {
        self.counts.complete.load(Ordering::Acquire)
    }

    /// How many pages of the log the checkpoint task has seen copied into the database
    /// file since start, counted each round (SQLite with a writer connection).
    pub fn checkpointed_pages(&self) -> u64 {
        self.counts.checkpointed.load(Ordering::Relaxed)
    }

    /// How many writers wait for their turn now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Acquire)
    }

    /// How many of the ended write transactions wrote to each group of tables: an answer
    /// read from some groups at counts `n` is still what a read would give while their
    /// counts are `n`.
    pub fn written(&self) -> [u64; Tables::GROUPS] {
        std::array::from_fn(|group| self.counts.written[group].load(Ordering::Acquire))
    }

    /// Begins a write transaction once it is this caller's turn: on SQLite a savepoint in
    /// the shared transaction of the writer connection (or of `db` when there is none), on
    /// PostgreSQL a transaction of its own.
    pub async fn begin(&self, db: &DatabaseConnection) -> Result<WriteTx, DbErr> {
        let Some(turns) = &self.turns else {
            return Ok(WriteTx::new(self, Place::Own(Some(begin_write(db).await?)), Vec::new()));
        };
        let waiting = Waiting::new(self);
        let mut turn = tokio::time::timeout(SQLITE_BUSY_TIMEOUT, Arc::clone(turns).lock_owned())
            .await
            .map_err(|_| DbErr::Custom("timed out waiting for the write lock".into()))?;
        waiting.got_turn();
        settle(&mut turn, &self.counts).await;
        if turn.open.is_none() {
            turn.open = Some(Batch {
                tx: begin_write(self.writer.as_ref().unwrap_or(db)).await?,
                members: 0,
                written: Tables::NONE,
                outcome: Arc::default(),
            });
        }
        // Sent with the writer's first statements, in the same round trip.
        let savepoint = Statement::from_string(DbBackend::Sqlite, SAVEPOINT);
        Ok(WriteTx::new(
            self,
            Place::Shared {
                turn: Some(turn),
                savepoint_sent: AtomicBool::new(false),
            },
            vec![savepoint],
        ))
    }

    /// Commits the open batch, if any, once the turn is free: for when a writer gives up
    /// and nobody else may come to commit the work of those who wait.
    fn finish_later(&self) {
        let (Some(turns), Ok(runtime)) = (&self.turns, tokio::runtime::Handle::try_current()) else {
            return;
        };
        let (turns, counts) = (Arc::clone(turns), Arc::clone(&self.counts));
        runtime.spawn(async move {
            let mut turn = turns.lock_owned().await;
            settle(&mut turn, &counts).await;
            commit_batch(&mut turn, &counts).await;
        });
    }
}

/// Rolls back the savepoint the last writer left behind, if it did; if that fails, the
/// whole batch is rolled back and its writers are told. A writer that gave up may have been
/// stopped before its savepoint began, or just after it was released: then there is none,
/// and nothing to take back. Cancelled midway, the next holder of the turn does it again.
async fn settle(turn: &mut Shared, counts: &Counts) {
    if !turn.undo {
        return;
    }
    if let Some(batch) = &turn.open {
        match batch.tx.execute_unprepared(UNDO).await {
            Ok(_) => {}
            Err(e) if e.to_string().contains("no such savepoint") => {}
            Err(e) => {
                tracing::error!(error = %e, "cannot roll back a writer's savepoint; rolling back its batch");
                if let Some(batch) = turn.open.take() {
                    let outcome = Arc::clone(&batch.outcome);
                    let _ = batch.tx.rollback().await;
                    counts.count_ended(batch.written);
                    let _ = outcome
                        .result
                        .set(Err(format!("the shared write transaction failed: {e}")));
                    outcome.done.notify_waiters();
                }
            }
        }
    }
    turn.undo = false;
}

/// Commits the open batch, if any, and tells its writers.
async fn commit_batch(turn: &mut Shared, counts: &Counts) {
    let Some(batch) = turn.open.take() else {
        return;
    };
    let committed = batch.tx.commit().await.map_err(|e| e.to_string());
    counts.count_ended(batch.written);
    let _ = batch.outcome.result.set(committed);
    batch.outcome.done.notify_waiters();
}

/// A writer waiting for its turn, counted so that the writer before it knows to leave the
/// transaction open. One that gives up while the count is its own leaves a batch that
/// nobody may come to commit: it has it committed.
struct Waiting<'a> {
    queue: &'a WriteQueue,
    counted: bool,
}

impl<'a> Waiting<'a> {
    fn new(queue: &'a WriteQueue) -> Self {
        queue.waiting.fetch_add(1, Ordering::AcqRel);
        Self { queue, counted: true }
    }

    fn got_turn(mut self) {
        self.queue.waiting.fetch_sub(1, Ordering::AcqRel);
        self.counted = false;
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        if self.counted && self.queue.waiting.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.queue.finish_later();
        }
    }
}

/// Where a writer's statements go.
#[derive(Debug)]
enum Place {
    /// A transaction of its own (PostgreSQL); `None` once committed.
    Own(Option<DatabaseTransaction>),
    /// A savepoint in the shared transaction, while holding the turn; `None` once done.
    Shared {
        turn: Option<OwnedMutexGuard<Shared>>,
        savepoint_sent: AtomicBool,
    },
}

/// A connection that takes statements whose outcome nothing in the transaction reads:
/// appending an event, following it in the read model, inserting a row built in full.
pub trait Deferring: ConnectionTrait {
    /// Runs `stmt` now, or later in the same transaction but before any other statement of
    /// it runs and before it commits. An error may then surface from that later statement
    /// or from the commit, and fails the transaction all the same.
    fn defer(&self, stmt: Statement) -> impl Future<Output = Result<(), DbErr>> + Send;
}

impl Deferring for DatabaseTransaction {
    async fn defer(&self, stmt: Statement) -> Result<(), DbErr> {
        self.execute_raw(stmt).await.map(drop)
    }
}

impl Deferring for WriteTx {
    async fn defer(&self, stmt: Statement) -> Result<(), DbErr> {
        self.note(&stmt.sql);
        // Statements are sent together as one: SQLite's `?` parameters number on across
        // them. PostgreSQL's `$n` do not, and it gains little from fewer round trips.
        if self.backend != DbBackend::Sqlite {
            return self.tx()?.execute_raw(stmt).await.map(drop);
        }
        self.deferred.lock().unwrap_or_else(PoisonError::into_inner).push(stmt);
        Ok(())
    }
}

/// A write transaction that holds its writer's turn in the [`WriteQueue`] until it is
/// committed or dropped (dropping rolls back its work). Deferred statements wait in it and
/// go to the database together, in one round trip, before the next other statement or the
/// commit (ADR 0011).
#[derive(Debug)]
pub struct WriteTx {
    place: Place,
    backend: DbBackend,
    deferred: std::sync::Mutex<Vec<Statement>>,
    written: AtomicU32,
    queue: WriteQueue,
}

impl WriteTx {
    fn new(queue: &WriteQueue, place: Place, deferred: Vec<Statement>) -> Self {
        let backend = match &place {
            Place::Own(Some(tx)) => tx.get_database_backend(),
            _ => DbBackend::Sqlite,
        };
        Self {
            place,
            backend,
            deferred: std::sync::Mutex::new(deferred),
            written: AtomicU32::new(0),
            queue: queue.clone(),
        }
    }

    fn tx(&self) -> Result<&DatabaseTransaction, DbErr> {
        let tx = match &self.place {
            Place::Own(tx) => tx.as_ref(),
            Place::Shared { turn, .. } => turn.as_ref().and_then(|turn| turn.open.as_ref()).map(|batch| &batch.tx),
        };
        tx.ok_or_else(|| DbErr::Custom("the write transaction has ended".into()))
    }

    /// Commits; the writer is answered once its work is on disk. On SQLite the commit may
    /// be that of a later writer in the same run (group commit).
    pub async fn commit(mut self) -> Result<(), DbErr> {
        if let Place::Own(tx) = &mut self.place {
            let tx = tx.take();
            let flushed = self.flush_to(tx.as_ref()).await;
            let written = self.written();
            let counts = &self.queue.counts;
            let echo = (self.queue.origin.is_some() && written != Tables::NONE).then(|| counts.echoes.expect());
            let committed = match (flushed, tx) {
                (Ok(()), Some(tx)) => match self.announce(&tx, written, echo.as_ref().map(|(seq, _)| *seq)).await {
                    Ok(()) => tx.commit().await,
                    Err(e) => Err(e),
                },
                (result, _) => result,
            };
            counts.count_ended(written);
            if let Some((seq, hear)) = echo {
                if committed.is_ok() && counts.complete.load(Ordering::Acquire) {
                    let _ = tokio::time::timeout(ECHO_WAIT, hear).await;
                }
                counts.echoes.forget(seq);
            }
            return committed;
        }
        self.deferred
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Statement::from_string(DbBackend::Sqlite, RELEASE));
        // On failure the writer is dropped, which rolls its savepoint back.
        self.flush().await?;
        let Place::Shared { turn, .. } = &mut self.place else {
            return Ok(());
        };
        let Some(mut turn) = turn.take() else {
            return Ok(());
        };
        let Some(batch) = turn.open.as_mut() else {
            return Err(DbErr::Custom("the write transaction has ended".into()));
        };
        batch.members += 1;
        batch.written = batch.written.with(self.written());
        let outcome = Arc::clone(&batch.outcome);
        if batch.members >= BATCH_MAX || self.queue.waiting.load(Ordering::Acquire) == 0 {
            // In a task of its own, so that the writers of the batch are told even if this
            // one is cancelled while it commits.
            let counts = Arc::clone(&self.queue.counts);
            tokio::spawn(async move { commit_batch(&mut turn, &counts).await });
        } else {
            // The next writer's turn begins; it or a later one commits.
            drop(turn);
        }
        outcome.wait().await
    }

    /// Tells the other processes, at commit, which groups of tables this transaction wrote
    /// (PostgreSQL delivers a `NOTIFY` when its transaction commits, and never if it rolls
    /// back).
    async fn announce(&self, tx: &DatabaseTransaction, written: Tables, seq: Option<u64>) -> Result<(), DbErr> {
        let (Some(origin), Some(seq)) = (self.queue.origin, seq) else {
            return Ok(());
        };
        let payload = format!("{origin}:{seq}:{}", written.bits());
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), payload.into()],
        ))
        .await
        .map(drop)
    }

    /// Runs the deferred statements, as one.
    async fn flush(&self) -> Result<(), DbErr> {
        self.flush_to(Some(self.tx()?)).await
    }

    /// Runs the deferred statements, as one, in `tx`.
    async fn flush_to(&self, tx: Option<&DatabaseTransaction>) -> Result<(), DbErr> {
        let statements = std::mem::take(&mut *self.deferred.lock().unwrap_or_else(PoisonError::into_inner));
        let Some(first) = statements.first() else {
            return Ok(());
        };
        let backend = first.db_backend;
        let mut sql = String::new();
        let mut values = Vec::new();
        for statement in statements {
            if !sql.is_empty() {
                sql.push_str(";\n");
            }
            sql.push_str(&statement.sql);
            values.extend(statement.values.map(|v| v.0).unwrap_or_default());
        }
        if let Place::Shared { savepoint_sent, .. } = &self.place {
            savepoint_sent.store(true, Ordering::Relaxed);
        }
        tx.ok_or_else(|| DbErr::Custom("the write transaction has ended".into()))?
            .execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await
            .map(drop)
    }

    /// Notes a statement (or several in one string) that is about to run.
    fn note(&self, sql: &str) {
        self.written.fetch_or(Tables::written_by(sql).bits(), Ordering::Relaxed);
    }

    /// The groups of tables written so far.
    fn written(&self) -> Tables {
        Tables::from_bits(self.written.load(Ordering::Relaxed))
    }
}

impl Drop for WriteTx {
    /// A writer dropped before it committed: its own transaction rolls back by itself; its
    /// savepoint in a shared one is rolled back by whoever takes the turn next, and if
    /// nobody waits for the turn, by a task started here, which also commits the work of
    /// the writers before.
    fn drop(&mut self) {
        if let Place::Shared { turn, savepoint_sent } = &mut self.place
            && let Some(mut turn) = turn.take()
        {
            turn.undo = *savepoint_sent.get_mut();
            let nobody_waits = self.queue.waiting.load(Ordering::Acquire) == 0;
            drop(turn);
            if nobody_waits {
                self.queue.finish_later();
            }
        }
    }
}

#[sea_orm::prelude::async_trait::async_trait]
impl ConnectionTrait for WriteTx {
    fn get_database_backend(&self) -> DbBackend {
        self.backend
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.note(&stmt.sql);
        self.flush().await?;
        self.tx()?.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.note(sql);
        self.flush().await?;
        self.tx()?.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.note(&stmt.sql);
        self.flush().await?;
        self.tx()?.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.note(&stmt.sql);
        self.flush().await?;
        self.tx()?.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.tx().is_ok_and(ConnectionTrait::support_returning)
    }
}

/// How often the log is checkpointed when the writer connection leaves it to
/// [`checkpoint_now_and_then`].
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Moves the write-ahead log into the database file every [`CHECKPOINT_EVERY`], on a
/// connection of its own, for as long as the queue whose `counts` it is given lives.
///
/// SQLite otherwise checkpoints in the commit that takes the log past 1,000 pages: that
/// writer, and every writer of its batch, then waits while pages are copied and the
/// database file is synced. `PASSIVE` waits for nobody: it copies what no reader still
/// needs and leaves the rest for the next round, and a writer restarts the log from its
/// beginning once all of it has been copied.
async fn checkpoint_now_and_then(db: DatabaseConnection, alive: Weak<Counts>) {
    let mut ticks = tokio::time::interval(CHECKPOINT_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if alive.strong_count() == 0 {
            return;
        }
        let round = Statement::from_string(DbBackend::Sqlite, "PRAGMA wal_checkpoint(PASSIVE)");
        match db.query_one_raw(round).await {
            Ok(Some(row)) => {
                let copied = row.try_get_by_index::<i64>(2).unwrap_or(0);
                if let (Some(counts), Ok(copied @ 1..)) = (alive.upgrade(), u64::try_from(copied)) {
                    counts.checkpointed.fetch_add(copied, Ordering::Relaxed);
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "cannot checkpoint the write-ahead log"),
        }
    }
}

/// Listens on [`CHANNEL`] and counts each write another process announces, for as long as
/// the queue whose `counts` it is given lives; `listening` is told once the first `LISTEN`
/// is in place.
///
/// While the listener is not connected the counts are marked incomplete, so nothing kept
/// is served; when it connects again every group is counted as written, since what ended
/// meanwhile was not heard.
async fn hear_other_processes(url: String, origin: u64, alive: Weak<Counts>, listening: Arc<Notify>) {
    use sea_orm::sqlx::postgres::PgListener;
    let mut wait = Duration::from_millis(100);
    loop {
        let listener = async {
            let mut listener = PgListener::connect(&url).await?;
            listener.listen(CHANNEL).await?;
            Ok::<_, sea_orm::sqlx::Error>(listener)
        };
        let mut listener = match listener.await {
            Ok(listener) => listener,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen to other processes' writes; nothing is kept until then");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
                if alive.strong_count() == 0 {
                    return;
                }
                continue;
            }
        };
        wait = Duration::from_millis(100);
        {
            let Some(counts) = alive.upgrade() else {
                return;
            };
            counts.count_ended(Tables::ALL);
            counts.complete.store(true, Ordering::Release);
        }
        listening.notify_one();
        loop {
            let notification = listener.try_recv().await;
            let Some(counts) = alive.upgrade() else {
                return;
            };
            match notification {
                Ok(Some(notification)) => match heard(notification.payload(), origin) {
                    Heard::Own(seq) => counts.echoes.heard(seq),
                    Heard::Other(written) => counts.count_ended(written),
                },
                Ok(None) | Err(_) => {
                    counts.complete.store(false, Ordering::Release);
                    counts.count_ended(Tables::ALL);
                    tracing::warn!("lost the connection that hears other processes' writes; reconnecting");
                    break;
                }
            }
        }
    }
}

/// What a payload on [`CHANNEL`] says.
#[derive(Debug, PartialEq, Eq)]
enum Heard {
    /// This process's own announcement `seq`: already counted at its commit.
    Own(u64),
    /// Another process wrote to these groups.
    Other(Tables),
}

/// What the payload `origin:seq:bits` says to the process `origin`. A payload not
/// understood counts as another's write to everything.
fn heard(payload: &str, origin: u64) -> Heard {
    let mut parts = payload.splitn(3, ':').map(str::parse::<u64>);
    match (parts.next(), parts.next(), parts.next()) {
        (Some(Ok(from)), Some(Ok(seq)), Some(_)) if from == origin => Heard::Own(seq),
        (Some(Ok(_)), Some(Ok(_)), Some(Ok(bits))) => {
            Heard::Other(u32::try_from(bits).map_or(Tables::ALL, Tables::from_bits))
        }
        _ => Heard::Other(Tables::ALL),
    }
}

#[cfg(test)]
mod tests {
    use super::{Heard, Tables, heard};

    #[test]
    fn a_write_heard_from_another_process_counts_its_groups() {
        let bits = Tables::IDEAS.with(Tables::OTHER).bits();
        assert_eq!(
            heard(&format!("7:3:{bits}"), 8),
            Heard::Other(Tables::IDEAS.with(Tables::OTHER))
        );
    }

    #[test]
    fn a_processs_own_write_is_its_echo_and_not_counted_twice() {
        assert_eq!(heard("7:3:4", 7), Heard::Own(3));
    }

    #[test]
    fn a_payload_not_understood_counts_as_a_write_to_everything() {
        for payload in ["", "7", "7:x", "7:3", "7:3:x", "x:4:4", "7:3:99999999999"] {
            assert_eq!(heard(payload, 8), Heard::Other(Tables::ALL), "{payload}");
        }
    }
}
