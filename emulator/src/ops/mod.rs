//! One module per DynamoDB operation. Each has the same parts in the same order: its request
//! shape (`SHAPE`), then `run`, which validates what the shape cannot express, executes against
//! the store and renders the response.
//!
//! This file holds the one list of operations; the protocol dispatches through it.

mod common;
mod expressions;
mod multi;
mod read;

pub use multi::Transactions;

use serde_json::Value;

use crate::engine::Engine;
use crate::error::Result;
use crate::protocol::Body;

macro_rules! operations {
    ($($name:ident => $module:ident),* $(,)?) => {
        $(mod $module;)*

        /// Every operation the emulator answers, by its `X-Amz-Target` name.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Operation { $($name),* }

        impl Operation {

            pub fn name(self) -> &'static str {
                match self { $(Operation::$name => stringify!($name)),* }
            }

            pub fn parse(name: &str) -> Option<Operation> {
                match name { $(stringify!($name) => Some(Operation::$name),)* _ => None }
            }

            pub fn execute(self, engine: &Engine, body: &Value) -> Result<Value> {
                match self { $(Operation::$name => $module::run(engine, Body(body))),* }
            }
        }
    };
}

operations! {
    BatchExecuteStatement => batch_execute_statement,
    BatchGetItem => batch_get_item,
    BatchWriteItem => batch_write_item,
    CreateTable => create_table,
    DeleteItem => delete_item,
    DeleteTable => delete_table,
    DescribeEndpoints => describe_endpoints,
    DescribeLimits => describe_limits,
    DescribeTable => describe_table,
    DescribeTimeToLive => describe_time_to_live,
    ExecuteStatement => execute_statement,
    ExecuteTransaction => execute_transaction,
    GetItem => get_item,
    ListTables => list_tables,
    ListTagsOfResource => list_tags_of_resource,
    PutItem => put_item,
    Query => query,
    Scan => scan,
    TagResource => tag_resource,
    TransactGetItems => transact_get_items,
    TransactWriteItems => transact_write_items,
    UntagResource => untag_resource,
    UpdateItem => update_item,
    UpdateTable => update_table,
    UpdateTimeToLive => update_time_to_live,
}

impl Operation {
    /// `execute` for a request that arrived with this `Host` header: DescribeEndpoints answers
    /// with the host the client used; every other operation ignores it.
    pub fn execute_for_host(
        self,
        engine: &Engine,
        body: &Value,
        host: Option<&str>,
    ) -> Result<Value> {
        match self {
            Operation::DescribeEndpoints => describe_endpoints::answer(engine, Body(body), host),
            _ => self.execute(engine, body),
        }
    }
}
