//! The emulator's state, shared by every transport; its request entry point,
//! [`Engine::handle`], is the protocol's (`protocol/mod.rs`), which stands above the state.
//! Synchronous by design: no operation awaits, so the in-process transport can answer without a
//! runtime hop.

use std::collections::BTreeMap;

use parking_lot::Mutex;

use crate::clock::Clock;
use crate::credentials::{Credentials, DEFAULT_ACCOUNT};
use crate::durable::Wal;
use crate::store::{Namespace, Namespaces, Recording, Snapshot};

/// One emulated DynamoDB endpoint: its tables, clock and in-flight transactions. [`Emulator`](crate::Emulator)
/// wraps one with a server; tests and benchmarks may drive one directly through [`Engine::handle`].
/// Its state is private: a binary configures it through the `set_*` methods before serving, and
/// requests change it only through [`Engine::handle`] and the documented controls.
pub struct Engine {
    /// The tables, per account and region.
    pub(crate) namespaces: Namespaces,
    /// Every request sees one namespace (the default account and region), whatever its
    /// credentials and region, as DynamoDB Local's `-sharedDb` does; off by default.
    pub(crate) shared_db: bool,
    /// Shared with the streams, which stamp their records with it.
    pub(crate) clock: std::sync::Arc<Clock>,
    /// The region of a request that names none (unsigned), of seeds and of `--shared-db`
    /// (`us-east-1`).
    pub(crate) region: String,
    /// The account of a request whose access key the credentials list does not map
    /// (`000000000000`, as DynamoDB Local uses).
    pub(crate) account_id: String,
    /// Items held by in-flight transactions and recent ClientRequestTokens.
    pub(crate) transactions: std::sync::Arc<crate::inflight::Transactions>,
    /// Largest item collection (partition of a table with local indexes) in bytes; DynamoDB's is
    /// 10 GB, tests may lower it.
    pub(crate) item_collection_limit: usize,
    /// Test-only fault injection (`crate::fault`); `None` outside tests of test suites.
    #[cfg(feature = "faults")]
    pub(crate) fault: Option<crate::fault::Fault>,
    /// Verify SigV4 signatures against these access keys (`protocol::sigv4`); `None` (the
    /// default) accepts any.
    pub(crate) credentials: Option<Credentials>,
    /// When set, `/_emulator/` controls answer only requests bearing it (`protocol::control`).
    pub(crate) control_token: Option<String>,
    /// Log one line per request at info level (`protocol::log`); off by default.
    pub(crate) log_requests: bool,
    /// How long tables stay CREATING, UPDATING or DELETING and new indexes backfill
    /// (`store::Lifecycle`); zero, the default, makes every change take effect at once.
    pub(crate) transient_delay: std::time::Duration,
    /// The chaos plan, if any (`crate::chaos`): DynamoDB's failures injected on purpose.
    pub(crate) chaos: crate::chaos::Chaos,
    /// Snapshots taken over HTTP (`/_emulator/snapshots/NAME`), by name.
    pub(crate) snapshots: Mutex<BTreeMap<String, Snapshot>>,
    /// The database directory's log in durable mode ([`Engine::open_db`]); `None` in memory.
    pub(crate) durable: Option<std::sync::Arc<Wal>>,
}

impl Engine {
    /// An empty endpoint on `clock`, with DynamoDB's limits.
    pub fn new(clock: Clock) -> Engine {
        Engine {
            namespaces: Namespaces::default(),
            shared_db: false,
            clock: std::sync::Arc::new(clock),
            region: "us-east-1".into(),
            account_id: DEFAULT_ACCOUNT.into(),
            transactions: Default::default(),
            item_collection_limit: 10 * 1024 * 1024 * 1024,
            #[cfg(feature = "faults")]
            fault: None,
            credentials: None,
            control_token: None,
            log_requests: false,
            transient_delay: std::time::Duration::ZERO,
            chaos: Default::default(),
            snapshots: Default::default(),
            durable: None,
        }
    }

    /// Logs one line per request at info level (`protocol::log`); off by default.
    pub fn set_log_requests(&mut self, on: bool) {
        self.log_requests = on;
    }

    /// Puts every account and region in one namespace, as DynamoDB Local's `-sharedDb` does.
    pub fn set_shared_db(&mut self, on: bool) {
        self.shared_db = on;
    }

    /// Verifies SigV4 signatures against these access keys; `None` accepts any.
    pub fn set_credentials(&mut self, credentials: Option<Credentials>) {
        self.credentials = credentials;
    }

    /// The token `/_emulator/` controls require, if any.
    pub fn control_token(&self) -> Option<&str> {
        self.control_token.as_deref()
    }

    /// Makes `/_emulator/` controls answer only requests bearing `token`; `None` leaves them open.
    pub fn set_control_token(&mut self, token: Option<String>) {
        self.control_token = token;
    }

    /// How long tables stay CREATING, UPDATING or DELETING; set it after loading seeds, so a
    /// fixture's tables are ACTIVE from the start.
    pub fn set_transient_delay(&mut self, delay: std::time::Duration) {
        self.transient_delay = delay;
    }

    /// The chaos plan's controls (`crate::chaos`).
    pub fn chaos(&self) -> &crate::chaos::Chaos {
        &self.chaos
    }

    /// Test support: marks `items` of the namespace of `account` and `region` as held by an
    /// in-flight write transaction, so a test can meet TransactionConflictException at will.
    /// Returns the positions of items already held (nothing is marked then).
    pub fn hold_items(
        &self,
        account: &str,
        region: &str,
        items: &[(String, crate::model::PrimaryKey)],
    ) -> Result<(), Vec<usize>> {
        self.transactions.hold(&self.namespaces.get(account, region), items)
    }

    /// Undoes [`Engine::hold_items`].
    pub fn release_items(&self, account: &str, region: &str, items: &[(String, crate::model::PrimaryKey)]) {
        self.transactions.release(&self.namespaces.get(account, region), items)
    }

    /// Durable mode: recovers the state kept in `dir` (created if missing) and from then on keeps
    /// every acknowledged change there (see `durable.rs` for the files and the fsync policy).
    /// Fails, naming the file, when one is not the emulator's or is corrupt.
    pub fn open_db(&mut self, dir: &std::path::Path) -> std::io::Result<()> {
        self.durable = Some(Wal::open(dir, &self.namespaces, &self.transactions, &self.clock)?);
        Ok(())
    }

    /// Runs `work`; in durable mode, as one group of logged changes, synced before this returns.
    pub(crate) fn durably<R>(&self, work: impl FnOnce() -> R) -> std::io::Result<R> {
        match &self.durable {
            Some(wal) => wal.request(&self.namespaces, work),
            None => Ok(work()),
        }
    }

    /// A copy of every table, item, index, TTL setting, stream, tag and resource policy, taken
    /// atomically. Costs O(tables), not O(items): the copy shares its data with the live state.
    /// The clock is not part of it (time only moves forward).
    pub fn snapshot(&self) -> Snapshot {
        self.namespaces.snapshot()
    }

    /// Puts back the state `snapshot` holds, as one step; the snapshot stays valid for further
    /// restores. Requests in flight on a table that existed before answer as if it had been deleted.
    pub fn restore(&self, snapshot: &Snapshot) {
        let restore = || {
            self.namespaces.restore(snapshot, self.clock.now_millis());
            self.transactions.forget_tokens();
        };
        let saved = match &self.durable {
            Some(wal) => wal.change_catalogue(&self.namespaces, restore, |_| true),
            None => {
                restore();
                Ok(())
            }
        };
        if let Err(e) = saved {
            tracing::error!(error = %e, "durable mode: the restored state was not saved");
        }
    }

    /// Empties everything: no tables, streams, tags or policies (named snapshots are kept).
    pub fn reset(&self) {
        self.restore(&Snapshot::default());
    }

    /// Deletes every item whose Time to Live has passed, as DynamoDB's background TTL process does,
    /// and returns how many it deleted. Costs O(expired items): each table's expiry index is probed
    /// under its read lock, and the deletes run in bounded batches under its write lock.
    pub fn sweep_expired(&self) -> usize {
        const BATCH: usize = 256;
        let now = self.clock.now_millis();
        let mut deleted = 0;
        let tables = self
            .namespaces
            .all()
            .into_iter()
            .flat_map(|ns| ns.store.tables().into_iter().map(move |t| (ns.clone(), t)));
        for (ns, table) in tables {
            if !table.state.read().has_expired(now) {
                continue;
            }
            // A TTL delete is a write like any other to the history stale reads see.
            let keep = || self.chaos.keep(&ns.account, &ns.region, &table.name);
            loop {
                let n = match self
                    .durably(|| Recording::new(table.state.write(), now, keep()).delete_expired(now, BATCH))
                {
                    Ok(n) => n,
                    Err(e) => {
                        tracing::error!(error = %e, "durable mode: TTL deletes could not be saved");
                        break;
                    }
                };
                deleted += n;
                if n < BATCH {
                    break;
                }
            }
        }
        if deleted > 0 {
            tracing::debug!(deleted, "TTL sweep");
        }
        deleted
    }

    /// When a table or index change made at `now` (milliseconds on the clock) settles.
    pub fn settles_at(&self, now: i64) -> i64 {
        now + self.transient_delay.as_millis() as i64
    }

    /// The namespace a request of `account` in `region` works in: its own, or the default one
    /// under `shared_db`.
    pub(crate) fn namespace(&self, account: &str, region: &str) -> std::sync::Arc<Namespace> {
        match self.shared_db {
            true => self.namespaces.get(&self.account_id, &self.region),
            false => self.namespaces.get(account, region),
        }
    }

    /// The table name a data-plane request refers to: a plain name, or the name inside a table ARN.
    pub fn table_name<'a>(&self, name_or_arn: &'a str) -> &'a str {
        match name_or_arn.strip_prefix("arn:") {
            Some(rest) => rest
                .rsplit_once(":table/")
                .map_or(name_or_arn, |(_, n)| n.split('/').next().unwrap_or(n)),
            None => name_or_arn,
        }
    }
}
