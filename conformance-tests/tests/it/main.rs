//! End-to-end tests through `aws-sdk-dynamodb` against the emulator, one binary.

mod items;
mod query;
mod support;
mod tables;
mod types;
