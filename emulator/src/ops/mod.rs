//! One module per DynamoDB operation. A typed operation is its contract and its semantics only:
//! `Input` (the request, decoded and checked), `Output` (the answer's content) and
//! `run(&Cx, Input) -> Result<Output>`, with no JSON in scope. Its wire half (`SHAPE`, `decode`,
//! `encode`) lives in `protocol::wire::<op>`.
//!
//! This file holds the one list of operations; the protocol generates its dispatch from it.

pub(crate) mod answer;
pub(crate) mod backups;
pub(crate) mod common;
pub(crate) mod expressions;
pub(crate) mod insights;
mod item_write;
mod multi;
pub(crate) mod policies;
pub(crate) mod read;
mod resources;
mod statements;
mod streams;
pub(crate) mod table_spec;
mod tables;
pub(crate) mod tags;
pub(crate) mod transactions;

use crate::chaos::Decision;
use crate::engine::Engine;
use crate::error::{Error, Result};
#[cfg(feature = "faults")]
use crate::fault::Fault;
use crate::iam::Sender;
use crate::store::{Namespace, Recording, Table, TableData, TableState};
use parking_lot::RwLockReadGuard;

/// How long a request running on an async worker waits for its table's lock before it goes to
/// the engine threads instead. Other inline requests hold a lock for microseconds, so under a
/// burst of writes to one table the wait almost always succeeds (giving up at once sent those
/// writes through the pool hop: UpdateItem's p99 at 16 connections was 2.00 ms, 1.22 with the
/// wait; BENCHMARKS.md); work on the engine threads (a backfill, a large batch) can hold it far
/// longer, and then the worker is free again after this.
const INLINE_LOCK_WAIT: std::time::Duration = std::time::Duration::from_millis(1);

/// What one request runs with. The protocol builds one per request: the engine's state, the
/// namespace (account and region) the request's credentials select, the time read once from the
/// `Clock` (so every timestamp of one answer agrees), the `Host` the client addressed
/// (DescribeEndpoints answers with it), the fault under test, if any, and what the chaos plan
/// decided for this request (partial batches and conflicts are the operations' to apply).
pub struct Cx<'a> {
    pub engine: &'a Engine,
    /// The tables, streams, tags and policies this request sees, and the names its ARNs carry.
    /// Operations reach the store only through it.
    pub ns: &'a Namespace,
    /// Milliseconds since the epoch, by the engine's clock, when the request arrived.
    pub now_millis: i64,
    pub host: Option<&'a str>,
    #[cfg(feature = "faults")]
    pub fault: Option<Fault>,
    pub chaos: Decision,
    /// The server runs this request on its async worker (`protocol::Via::inline`): it must not wait
    /// for a table lock nor read past [`read::INLINE_ROWS`] rows, and gives up with
    /// [`Error::yielded`] instead, before it has changed anything.
    pub inline: bool,
    /// Who sent the request, when it came through the protocol: PutResourcePolicy asks whether
    /// the new policy would refuse them the next one.
    pub sender: Option<Sender<'a>>,
}

impl<'a> Cx<'a> {
    /// The context of one request arriving now at `engine`, working in `ns`.
    pub fn new(engine: &'a Engine, ns: &'a Namespace, host: Option<&'a str>) -> Cx<'a> {
        Cx {
            engine,
            ns,
            now_millis: engine.clock.now_millis(),
            host,
            #[cfg(feature = "faults")]
            fault: engine.fault,
            chaos: Decision::default(),
            inline: false,
            sender: None,
        }
    }

    /// Whether the test fault [`Fault::IgnoreConditions`] is on for this request (never without
    /// the `faults` feature).
    pub fn ignores_conditions(&self) -> bool {
        #[cfg(feature = "faults")]
        return self.fault == Some(Fault::IgnoreConditions);
        #[cfg(not(feature = "faults"))]
        false
    }

    /// `table`'s write lock for an item write: the data it replaces is kept for stale reads
    /// while the chaos plan asks for them (`store::Recording`). The TTL sweep takes it too.
    pub fn write<'t>(&self, table: &'t Table) -> Result<Recording<'t>> {
        let state = if self.inline {
            table.state.try_write_for(INLINE_LOCK_WAIT).ok_or_else(Error::yielded)?
        } else {
            table.state.write()
        };
        let keep = self.engine.chaos.keep(&self.ns.account, &self.ns.region, &table.name);
        Ok(Recording::new(state, self.now_millis, keep))
    }

    /// `table`'s read lock: within [`INLINE_LOCK_WAIT`] or not at all when the request runs inline.
    pub fn read<'t>(&self, table: &'t Table) -> Result<RwLockReadGuard<'t, TableState>> {
        if self.inline {
            table.state.try_read_for(INLINE_LOCK_WAIT).ok_or_else(Error::yielded)
        } else {
            Ok(table.state.read())
        }
    }

    /// The data a read of `state` (or of its `index`, with whether it is global) sees: the
    /// latest, unless it is eventually consistent and the chaos plan makes it lag.
    pub fn read_data<'s>(&self, state: &'s TableState, index: Option<(&str, bool)>, consistent: bool) -> &'s TableData {
        match self.chaos.lag(&state.def.name, index).filter(|_| !consistent) {
            None => &state.data,
            Some(lag) => state
                .history
                .as_of(&state.data, self.now_millis - lag.millis as i64, lag.writes as usize),
        }
    }
}

/// The two services that share the endpoint: DynamoDB and DynamoDB Streams. Each has its own
/// `X-Amz-Target` prefix (the protocol maps prefixes to services) and its own operation names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    DynamoDb,
    Streams,
}

/// Calls `$then!` with the one list of operations, so `ops` (the enum, names, modules) and the
/// protocol (decode → run → encode dispatch) are generated from the same list.
macro_rules! operation_list {
    ($then:ident) => {
        $then! {
            DynamoDb {
                BatchExecuteStatement => batch_execute_statement,
                BatchGetItem => batch_get_item,
                BatchWriteItem => batch_write_item,
                CreateBackup => create_backup,
                CreateTable => create_table,
                DeleteBackup => delete_backup,
                DeleteItem => delete_item,
                DeleteResourcePolicy => delete_resource_policy,
                DeleteTable => delete_table,
                DescribeBackup => describe_backup,
                DescribeContinuousBackups => describe_continuous_backups,
                DescribeContributorInsights => describe_contributor_insights,
                DescribeEndpoints => describe_endpoints,
                DescribeLimits => describe_limits,
                DescribeTable => describe_table,
                DescribeTimeToLive => describe_time_to_live,
                ExecuteStatement => execute_statement,
                ExecuteTransaction => execute_transaction,
                GetItem => get_item,
                GetResourcePolicy => get_resource_policy,
                ListBackups => list_backups,
                ListContributorInsights => list_contributor_insights,
                ListTables => list_tables,
                ListTagsOfResource => list_tags_of_resource,
                PutItem => put_item,
                PutResourcePolicy => put_resource_policy,
                Query => query,
                RestoreTableFromBackup => restore_table_from_backup,
                RestoreTableToPointInTime => restore_table_to_point_in_time,
                Scan => scan,
                SearchVectors => search_vectors,
                TagResource => tag_resource,
                TransactGetItems => transact_get_items,
                TransactWriteItems => transact_write_items,
                UntagResource => untag_resource,
                UpdateContinuousBackups => update_continuous_backups,
                UpdateContributorInsights => update_contributor_insights,
                UpdateItem => update_item,
                UpdateTable => update_table,
                UpdateTimeToLive => update_time_to_live,
            }
            Streams {
                DescribeStream => describe_stream,
                GetRecords => get_records,
                GetShardIterator => get_shard_iterator,
                ListStreams => list_streams,
            }
        }
    };
}
pub(crate) use operation_list;

macro_rules! operations {
    ($($service:ident { $($name:ident => $module:ident),* $(,)? })*) => {
        $($(pub(crate) mod $module;)*)*

        /// Every operation the emulator answers, by its `X-Amz-Target` name.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Operation { $($($name),*),* }

        impl Operation {

            pub fn name(self) -> &'static str {
                match self { $($(Operation::$name => stringify!($name)),*),* }
            }

            /// The operation a service answers to under `name`; a name of the other service is
            /// unknown here, as it is to DynamoDB.
            pub fn parse(service: Service, name: &str) -> Option<Operation> {
                match (service, name) {
                    $($((Service::$service, stringify!($name)) => Some(Operation::$name),)*)*
                    _ => None,
                }
            }
        }
    };
}

operation_list!(operations);

impl Operation {
    /// Whether a success changes more than items (tables, indexes, TTL, tags, policies, backups
    /// and their settings): the durable mode writes a checkpoint for these, and logs only item
    /// changes.
    pub fn changes_catalogue(self) -> bool {
        use Operation::*;
        matches!(
            self,
            CreateTable
                | CreateBackup
                | DeleteBackup
                | RestoreTableFromBackup
                | RestoreTableToPointInTime
                | DeleteTable
                | UpdateTable
                | UpdateTimeToLive
                | UpdateContinuousBackups
                | UpdateContributorInsights
                | TagResource
                | UntagResource
                | PutResourcePolicy
                | DeleteResourcePolicy
        )
    }
}
