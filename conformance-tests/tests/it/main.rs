//! End-to-end tests through `aws-sdk-dynamodb` against the emulator, one binary.

mod batch;
mod chaos;
mod expressions;
mod harness;
mod items;
mod key_limits;
mod least_privilege;
mod multi_key_gsi;
mod namespaces;
mod partiql;
mod policies;
mod query;
mod robustness;
mod seed;
mod sigv4;
mod snapshots;
mod stale_reads;
mod streams;
mod support;
mod tables;
mod tags;
mod transactions;
mod transient;
mod ttl;
mod types;
mod wording;
