//! Scan: the whole table or index in storage order, optionally one segment of a parallel scan.
//! Segments are contiguous ranges of the partition hash token, so every item is in exactly one.

use std::ops::Bound;

use super::answer::Page;
use super::common::data_table;
use super::read::{collect_page, rows_between, Mismatch, PageSpec, ReadInput, Reader, Source};
use super::Cx;
use crate::error::{Error, Result};
use crate::store::Slot;

pub struct Input {
    pub read: ReadInput,
    /// Segment and TotalSegments of a parallel scan.
    pub segment: Option<(u64, u64)>,
}

pub type Output = Page;

pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    let read = &input.read;
    let table = data_table(cx, &read.table)?;
    let state = cx.read(&table)?;
    let source = Source::for_index(cx, &table, &state, read.index.as_deref(), read.consistent_read, Reader::Scan)?;
    let select = source.select(read)?;
    let start = source.start_key(read.exclusive_start_key.as_ref(), Mismatch::Explained)?;

    let (first, end) = input.segment.map_or((0, 1u64 << 32), |(s, total)| (token_at(s, total), token_at(s + 1, total)));
    if let (Some(start), Some((segment, total))) = (&start, input.segment) {
        if !(first..end).contains(&u64::from(start.token())) {
            return Err(Error::validation(format!(
                "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: {total} Segment: {segment}"
            )));
        }
    }
    source.check_scalar_keys(read)?;
    let lo = Bound::Included(Slot::lowest(first as u32));
    let rows = rows_between(&source, lo, Bound::Unbounded, start, true).take_while(|r| u64::from(r.token) < end);
    let page = collect_page(cx, &source, rows, PageSpec::of(read, select), read.consistent_read, read.capacity)?;
    #[cfg(feature = "faults")]
    let page = match cx.fault {
        Some(crate::fault::Fault::DropLastScanItem) => page.without_last(),
        _ => page,
    };
    Ok(page)
}

/// The first token of segment `s` of `total`: segments split the 32-bit token space evenly.
fn token_at(s: u64, total: u64) -> u64 {
    (s << 32).div_ceil(total)
}
