//! Accounts and regions: on AWS every (account, region) pair has its own tables, streams, tags and
//! policies, so a table created through `us-east-2` is not found through `us-east-1`. A
//! `Namespace` is one such pair with its own [`Store`]; `Namespaces` holds them all.

use std::collections::BTreeMap;
use std::sync::Arc;

use parking_lot::RwLock;

use super::{Store, StoreSnapshot};

/// One account in one region: the tables it sees and the names its ARNs carry.
#[derive(Default)]
pub struct Namespace {
    pub account: String,
    pub region: String,
    pub store: Store,
}

impl Namespace {
    /// The ARN DynamoDB gives `table` in this account and region.
    pub fn table_arn(&self, table: &str) -> String {
        format!("arn:aws:dynamodb:{}:{}:table/{table}", self.region, self.account)
    }
}

/// Every namespace a request has reached, by (account, region). One is made the first time a
/// request names its pair; they are never dropped (a reset empties them).
#[derive(Default)]
pub struct Namespaces {
    all: RwLock<BTreeMap<(String, String), Arc<Namespace>>>,
}

/// A frozen copy of every namespace (see [`StoreSnapshot`] for what one holds and costs).
///
/// Each namespace is copied atomically; no request spans two namespaces, so no request is seen
/// half done, though two namespaces may be copied a moment apart.
#[derive(Clone, Default)]
pub struct Snapshot {
    stores: BTreeMap<(String, String), StoreSnapshot>,
}

impl Namespaces {
    /// The namespace of `account` in `region`, made empty if no request reached it before.
    pub fn get(&self, account: &str, region: &str) -> Arc<Namespace> {
        let key = (account.to_string(), region.to_string());
        if let Some(ns) = self.all.read().get(&key) {
            return ns.clone();
        }
        self.all
            .write()
            .entry(key)
            .or_insert_with(|| {
                Arc::new(Namespace {
                    account: account.into(),
                    region: region.into(),
                    store: Store::default(),
                })
            })
            .clone()
    }

    /// Every namespace, in (account, region) order.
    pub fn all(&self) -> Vec<Arc<Namespace>> {
        self.all.read().values().cloned().collect()
    }

    pub fn snapshot(&self) -> Snapshot {
        let stores = self.all().iter().map(|ns| (key(ns), ns.store.snapshot())).collect();
        Snapshot { stores }
    }

    /// Puts back `snapshot`'s state in every namespace it holds and empties every other one.
    pub fn restore(&self, snapshot: &Snapshot) {
        for (account, region) in snapshot.stores.keys() {
            self.get(account, region);
        }
        let empty = StoreSnapshot::default();
        for ns in self.all() {
            ns.store.restore(snapshot.stores.get(&key(&ns)).unwrap_or(&empty));
        }
    }
}

fn key(ns: &Namespace) -> (String, String) {
    (ns.account.clone(), ns.region.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_separate_and_made_once() {
        let all = Namespaces::default();
        let east1 = all.get("000000000000", "us-east-1");
        assert!(Arc::ptr_eq(&east1, &all.get("000000000000", "us-east-1")));
        assert!(!Arc::ptr_eq(&east1, &all.get("000000000000", "us-east-2")));
        assert!(!Arc::ptr_eq(&east1, &all.get("111111111111", "us-east-1")));
        assert_eq!(east1.table_arn("T"), "arn:aws:dynamodb:us-east-1:000000000000:table/T");
        assert_eq!(all.all().len(), 3);
    }
}
