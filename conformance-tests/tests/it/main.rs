//! End-to-end tests through `aws-sdk-dynamodb` against the emulator, one binary.

// A test fails loudly on what it did not expect: unwrap/expect are its asserts. clippy.toml
// allows them in #[test] functions only, not in the helpers and setup around them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod backups;
mod batch;
mod chaos;
mod expressions;
mod harness;
mod insights;
mod items;
mod key_limits;
mod least_privilege;
mod multi_key_gsi;
mod namespaces;
mod partiql;
mod policies;
mod policy_conditions;
mod query;
mod robustness;
mod seed;
mod sigv4;
mod snapshots;
mod stale_reads;
mod streams;
mod support;
mod table_level;
mod table_settings;
mod tables;
mod tags;
mod transactions;
mod transient;
mod ttl;
mod types;
mod vectors;
mod wording;
