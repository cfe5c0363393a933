//! Accounts and regions: on AWS every (account, region) pair has its own tables, streams, tags and
//! policies, so a table created through `us-east-2` is not found through `us-east-1`. A
//! `Namespace` is one such pair with its own [`Store`]; `Namespaces` holds them all.

use std::collections::BTreeMap;
use std::sync::Arc;

use parking_lot::RwLock;

use super::{snapshot_all_then, Journal, Store, StoreSnapshot};

/// A namespace's name: (account, region).
pub type NamespaceKey = (String, String);

/// Makes the journal a namespace's tables report to (the durable mode's log, naming the namespace).
pub type JournalFor = Box<dyn Fn(&Namespace) -> Arc<dyn Journal> + Send + Sync>;

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
        format!(
            "arn:{}:dynamodb:{}:{}:table/{table}",
            self.partition(),
            self.region,
            self.account
        )
    }

    /// The AWS partition of the region, which every ARN of the namespace names.
    pub fn partition(&self) -> &'static str {
        partition_of(&self.region)
    }
}

/// The AWS partition a region belongs to, by the region's prefix (the SDKs' partition table:
/// `cn-*` is `aws-cn`, `us-gov-*` is `aws-us-gov`, and so on); `aws` for every other region.
pub fn partition_of(region: &str) -> &'static str {
    const PARTITIONS: [(&str, &str); 7] = [
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-iso-", "aws-iso"),
        ("us-isob-", "aws-iso-b"),
        ("us-isof-", "aws-iso-f"),
        ("eu-isoe-", "aws-iso-e"),
        ("eusc-", "aws-eusc"),
    ];
    PARTITIONS
        .iter()
        .find(|(prefix, _)| region.starts_with(prefix))
        .map_or("aws", |(_, partition)| partition)
}

/// Every namespace a request has reached, by (account, region). One is made the first time a
/// request names its pair; they are never dropped (a reset empties them).
#[derive(Default)]
pub struct Namespaces {
    /// By account, then region: probed with borrowed names, as every request does.
    all: RwLock<BTreeMap<String, BTreeMap<String, Arc<Namespace>>>>,
    /// Set once, when the durable mode has recovered the state: every namespace, now and later,
    /// reports its item changes to the journal this makes for it.
    journal: std::sync::OnceLock<JournalFor>,
}

/// A frozen copy of every namespace (see [`StoreSnapshot`] for what one holds and costs).
///
/// Every namespace is copied at once, under every table's read lock, so no write is seen half
/// done. Namespaces whose stores are empty may be left out: restoring empties them all the same.
#[derive(Clone, Default)]
pub struct Snapshot {
    pub(crate) stores: BTreeMap<NamespaceKey, StoreSnapshot>,
}

impl Namespaces {
    /// The namespace of `account` in `region`, made empty if no request reached it before.
    pub fn get(&self, account: &str, region: &str) -> Arc<Namespace> {
        if let Some(ns) = self.all.read().get(account).and_then(|regions| regions.get(region)) {
            return ns.clone();
        }
        self.all
            .write()
            .entry(account.to_string())
            .or_default()
            .entry(region.to_string())
            .or_insert_with(|| {
                let ns = Namespace {
                    account: account.into(),
                    region: region.into(),
                    store: Store::default(),
                };
                if let Some(journal_for) = self.journal.get() {
                    ns.store.attach(journal_for(&ns));
                }
                Arc::new(ns)
            })
            .clone()
    }

    /// Makes every namespace, now and later, report its item changes to the journal `journal_for`
    /// makes for it (once).
    pub fn attach(&self, journal_for: JournalFor) {
        let journal_for = self.journal.get_or_init(|| journal_for);
        // Under the map's lock, so a namespace made meanwhile is not missed.
        for ns in self.all.write().values().flat_map(BTreeMap::values) {
            ns.store.attach(journal_for(ns));
        }
    }

    /// Every namespace, in (account, region) order.
    pub fn all(&self) -> Vec<Arc<Namespace>> {
        self.all.read().values().flat_map(BTreeMap::values).cloned().collect()
    }

    pub fn snapshot(&self) -> Snapshot {
        self.snapshot_then(|| ()).0
    }

    /// A snapshot of every namespace and what `then` returns, run while no item write can happen
    /// in any of them (see [`snapshot_all_then`]).
    pub fn snapshot_then<R>(&self, then: impl FnOnce() -> R) -> (Snapshot, R) {
        let all = self.all();
        let stores: Vec<&Store> = all.iter().map(|ns| &ns.store).collect();
        let (snapshots, then) = snapshot_all_then(&stores, then);
        let stores = all.iter().map(key).zip(snapshots).collect();
        (Snapshot { stores }, then)
    }

    /// Puts back `snapshot`'s state in every namespace it holds and empties every other one, at
    /// `now` (milliseconds).
    pub fn restore(&self, snapshot: &Snapshot, now: i64) {
        for (account, region) in snapshot.stores.keys() {
            self.get(account, region);
        }
        let empty = StoreSnapshot::default();
        for ns in self.all() {
            ns.store.restore(snapshot.stores.get(&key(&ns)).unwrap_or(&empty), now);
        }
    }
}

fn key(ns: &Arc<Namespace>) -> NamespaceKey {
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

    #[test]
    fn regions_name_their_partition() {
        for (region, partition) in [
            ("us-east-1", "aws"),
            ("eu-west-1", "aws"),
            ("cn-north-1", "aws-cn"),
            ("us-gov-west-1", "aws-us-gov"),
            ("us-iso-east-1", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
            ("us-isof-south-1", "aws-iso-f"),
            ("eu-isoe-west-1", "aws-iso-e"),
            ("eusc-de-east-1", "aws-eusc"),
            ("local", "aws"),
        ] {
            assert_eq!(partition_of(region), partition, "{region}");
        }
        let gov = Namespaces::default().get("000000000000", "us-gov-east-1");
        assert_eq!(
            gov.table_arn("T"),
            "arn:aws-us-gov:dynamodb:us-gov-east-1:000000000000:table/T"
        );
    }
}
