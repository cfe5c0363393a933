//! One conformance suite per adapter (a [`crate::Suite`]: operations, model, runner glue), and
//! the concurrency checks.

pub mod auth;
pub mod auth_flow;
pub mod kv;
pub mod matches;
pub mod session;
pub mod user_store;

use std::fmt::Debug;

use proptest::prelude::*;

use crate::Error;

/// An adapter's answer as suites compare it: the value, or only the error's code (messages may
/// differ between implementations; error types may not).
pub fn answer<T: Debug>(r: Result<T, Error>) -> String {
    match r {
        Ok(v) => format!("Ok({v:?})"),
        Err(e) => format!("Err({})", e.code),
    }
}

/// The model's answer, rendered as [`answer`] renders a success.
pub fn ok<T: Debug>(v: T) -> String {
    format!("Ok({v:?})")
}

/// Expiry offsets from now, seconds: around the TTL boundary when the clock can move, an hour
/// or more ahead when it cannot (so nothing expires on a real endpoint during a run).
pub fn expiry_offset(clock: bool) -> BoxedStrategy<i64> {
    if clock {
        prop::sample::select(vec![-3600i64, -1, 0, 1, 60, 3600, 86_400]).boxed()
    } else {
        prop::sample::select(vec![3600i64, 86_400, 7 * 86_400]).boxed()
    }
}

/// One of a few names, so operations collide on the same keys often.
pub fn one_of(names: &'static [&'static str]) -> BoxedStrategy<String> {
    prop::sample::select(names).prop_map(str::to_string).boxed()
}
