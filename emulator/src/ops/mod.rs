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
    BatchGetItem => batch_get_item,
    BatchWriteItem => batch_write_item,
    CreateTable => create_table,
    DeleteItem => delete_item,
    DeleteTable => delete_table,
    DescribeTable => describe_table,
    GetItem => get_item,
    ListTables => list_tables,
    PutItem => put_item,
    Query => query,
    Scan => scan,
    TransactGetItems => transact_get_items,
    TransactWriteItems => transact_write_items,
    UpdateItem => update_item,
    UpdateTable => update_table,
}
