//! End-to-end tests through `aws-sdk-dynamodb` against the emulator, one binary.

mod batch;
mod harness;
mod items;
mod query;
mod support;
mod tables;
mod tags;
mod transactions;
mod ttl;
mod types;
