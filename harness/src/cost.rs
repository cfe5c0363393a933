//! What a run asked of its target, counted by an SDK interceptor on the [`crate::Env`]'s client:
//! on a real endpoint this is the bill (requests, tables created, items written).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::operation::batch_write_item::BatchWriteItemInput;
use aws_sdk_dynamodb::operation::delete_item::DeleteItemInput;
use aws_sdk_dynamodb::operation::put_item::PutItemInput;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput;
use aws_sdk_dynamodb::operation::update_item::UpdateItemInput;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;

/// Requests by operation (every attempt, retries included: each is a request the endpoint
/// answered or throttled), tables created (successful CreateTable calls) and items written
/// (the items of every write call: PutItem, UpdateItem, DeleteItem, each BatchWriteItem
/// request, each TransactWriteItems action).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cost {
    pub requests: BTreeMap<String, u64>,
    pub tables_created: u64,
    pub items_written: u64,
}

impl Cost {
    /// All requests, every operation.
    pub fn total_requests(&self) -> u64 {
        self.requests.values().sum()
    }

    /// What was spent after `earlier`, a snapshot of the same meter.
    pub fn since(&self, earlier: &Cost) -> Cost {
        let requests = self
            .requests
            .iter()
            .map(|(op, n)| (op.clone(), n - earlier.requests.get(op).copied().unwrap_or(0)))
            .filter(|(_, n)| *n > 0)
            .collect();
        Cost {
            requests,
            tables_created: self.tables_created - earlier.tables_created,
            items_written: self.items_written - earlier.items_written,
        }
    }
}

impl fmt::Display for Cost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} requests, {} tables created, {} items written (",
            self.total_requests(),
            self.tables_created,
            self.items_written
        )?;
        for (i, (op, n)) in self.requests.iter().enumerate() {
            write!(f, "{}{op} {n}", if i == 0 { "" } else { ", " })?;
        }
        f.write_str(")")
    }
}

/// The interceptor; clones share one count.
#[derive(Clone, Debug, Default)]
pub(crate) struct Meter(Arc<Mutex<Cost>>);

impl Meter {
    pub(crate) fn snapshot(&self) -> Cost {
        self.cost().clone()
    }

    fn cost(&self) -> std::sync::MutexGuard<'_, Cost> {
        // A panic elsewhere cannot leave a count half-updated: keep counting.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn operation(cfg: &ConfigBag) -> String {
    cfg.load::<Metadata>().map_or("unknown", Metadata::name).to_string()
}

impl Intercept for Meter {
    fn name(&self) -> &'static str {
        "HarnessCostMeter"
    }

    fn read_before_execution(
        &self,
        ctx: &BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let input = ctx.input();
        let items = if input.downcast_ref::<PutItemInput>().is_some()
            || input.downcast_ref::<UpdateItemInput>().is_some()
            || input.downcast_ref::<DeleteItemInput>().is_some()
        {
            1
        } else if let Some(batch) = input.downcast_ref::<BatchWriteItemInput>() {
            batch.request_items().map_or(0, |r| r.values().map(Vec::len).sum())
        } else if let Some(transaction) = input.downcast_ref::<TransactWriteItemsInput>() {
            transaction.transact_items().len()
        } else {
            0
        };
        self.cost().items_written += items as u64;
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _ctx: &BeforeTransmitInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        *self.cost().requests.entry(operation(cfg)).or_default() += 1;
        Ok(())
    }

    fn read_after_execution(
        &self,
        ctx: &FinalizerInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if matches!(ctx.output_or_error(), Some(Ok(_))) && operation(cfg) == "CreateTable" {
            self.cost().tables_created += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
    use dynamodb_emulator::chaos::Plan;

    use super::*;
    use crate::adapters::kv::KvStore;
    use crate::adapters::s;
    use crate::{Env, EnvOptions, Target};

    fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
        pairs.iter().map(|(op, n)| (op.to_string(), *n)).collect()
    }

    #[test]
    fn counts_requests_tables_and_written_items() {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let env = Env::start(Target::InProcess, EnvOptions::default()).await.unwrap();
            let store = KvStore::new(env.client().clone(), "kv-table", env.clock());
            store.create_table(&env.waiter()).await.unwrap();
            let setup = env.cost();
            // CREATING at the first DescribeTable, ACTIVE at the second (2 s later).
            let expected = counts(&[("CreateTable", 1), ("DescribeTable", 2), ("UpdateTimeToLive", 1)]);
            assert_eq!(
                (setup.requests.clone(), setup.tables_created, setup.items_written),
                (expected, 1, 0)
            );

            store.set("a", "1", None).await.unwrap();
            store.set("b", "2", None).await.unwrap();
            store.remove("a").await.unwrap();
            let puts = ["c", "d", "e"].map(|k| {
                let put = PutRequest::builder().item("key", s(k)).build().unwrap();
                WriteRequest::builder().put_request(put).build()
            });
            env.client()
                .batch_write_item()
                .request_items("kv-table", puts.to_vec())
                .send()
                .await
                .unwrap();
            let cost = env.cost().since(&setup);
            assert_eq!(
                cost.to_string(),
                "4 requests, 0 tables created, 6 items written (BatchWriteItem 1, DeleteItem 1, PutItem 2)"
            );
        });
    }

    #[test]
    fn counts_every_attempt_of_a_retried_request() {
        let plan: Plan =
            r#"{"seed": 1, "rules": [{"operation": "GetItem", "error": "ThrottlingException", "times": 2}]}"#
                .parse()
                .unwrap();
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let options = EnvOptions {
                chaos: Some(plan),
                ..Default::default()
            };
            let env = Env::start(Target::InProcess, options).await.unwrap();
            let store = KvStore::new(env.client().clone(), "kv-table", env.clock());
            store.create_table(&env.waiter()).await.unwrap();
            let before = env.cost();
            assert_eq!(store.get("a").await, Ok(None));
            assert_eq!(env.cost().since(&before).requests, counts(&[("GetItem", 3)]));
        });
    }
}
