//! End-to-end tests through `aws-sdk-dynamodb` against the emulator, one binary.

mod items;
mod support;
mod tables;
mod tags;
mod ttl;
mod types;
