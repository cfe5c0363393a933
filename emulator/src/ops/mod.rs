//! One module per DynamoDB operation. Each has the same parts in the same order: its request
//! shape (`SHAPE`), then `run`, which validates what the shape cannot express, executes against
//! the store and renders the response.
//!
//! This file holds the one list of operations; the protocol dispatches through it.

mod common;
mod expressions;
mod multi;
mod read;
mod streams;

pub use multi::Transactions;

use serde_json::Value;

use crate::engine::Engine;
use crate::error::Result;
use crate::protocol::Body;

/// The two services that share the endpoint: DynamoDB and DynamoDB Streams. Each has its own
/// `X-Amz-Target` prefix (the protocol maps prefixes to services) and its own operation names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    DynamoDb,
    Streams,
}

macro_rules! operations {
    ($($service:ident { $($name:ident => $module:ident),* $(,)? })*) => {
        $($(mod $module;)*)*

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

            pub fn execute(self, engine: &Engine, body: &Value) -> Result<Value> {
                match self { $($(Operation::$name => $module::run(engine, Body(body))),*),* }
            }
        }
    };
}

operations! {
    DynamoDb {
        BatchExecuteStatement => batch_execute_statement,
        BatchGetItem => batch_get_item,
        BatchWriteItem => batch_write_item,
        CreateTable => create_table,
        DeleteItem => delete_item,
        DeleteResourcePolicy => delete_resource_policy,
        DeleteTable => delete_table,
        DescribeContinuousBackups => describe_continuous_backups,
        DescribeEndpoints => describe_endpoints,
        DescribeLimits => describe_limits,
        DescribeTable => describe_table,
        DescribeTimeToLive => describe_time_to_live,
        ExecuteStatement => execute_statement,
        ExecuteTransaction => execute_transaction,
        GetItem => get_item,
        GetResourcePolicy => get_resource_policy,
        ListTables => list_tables,
        ListTagsOfResource => list_tags_of_resource,
        PutItem => put_item,
        PutResourcePolicy => put_resource_policy,
        Query => query,
        Scan => scan,
        TagResource => tag_resource,
        TransactGetItems => transact_get_items,
        TransactWriteItems => transact_write_items,
        UntagResource => untag_resource,
        UpdateContinuousBackups => update_continuous_backups,
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

impl Operation {
    /// `execute` for a request that arrived with this `Host` header: DescribeEndpoints answers
    /// with the host the client used; every other operation ignores it.
    pub fn execute_for_host(self, engine: &Engine, body: &Value, host: Option<&str>) -> Result<Value> {
        match self {
            Operation::DescribeEndpoints => describe_endpoints::answer(engine, Body(body), host),
            _ => self.execute(engine, body),
        }
    }
}
