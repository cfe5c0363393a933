//! Keys as memcomparable byte strings: where an item sits in scan order (`Slot`), where a
//! query's bounds fall among sort keys (`SortPos`), and an index's entries (`IndexEntry`).

use std::cmp::Ordering;

use smallvec::SmallVec;

use crate::model::{KeyValue, KeyValues, PrimaryKey};

/// Where an item sits in scan order, as one memcomparable byte string: the partition's hash token
/// (big-endian), its key values, then its sort values, each as [`KeyValue::encode_ordered`]. Byte
/// order is scan order: partitions by a stable hash token (DynamoDB's hashing spreads partitions
/// the same way, so scan order is not key order; the token also gives parallel scan its segments),
/// then by key value, then by sort key. One small allocation, where typed key values took 192
/// bytes of mostly padding in every map entry.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot(Box<[u8]>);

/// A position among the sort keys of a partition, as query bounds are built; `Slot::at` encodes
/// it part by part, so positions compare part by part and one that is a prefix of another sorts
/// first. Stored items hold one `Key` per sort attribute (none in tables
/// without a sort key); query bounds end in `End` or `PrefixEnd`, so the empty position starts a
/// partition, `[End]` ends it, and `[a, End]` follows every key whose first sort value is `a`.
pub type SortPos = SmallVec<[SortPart; 1]>;

/// One part of a sort position. `PrefixEnd(p)` is a bound just after every value that starts with
/// `p`, so `begins_with` is an exact range in both directions; `End` follows every value. Only `Key`
/// is ever stored.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SortPart {
    Key(KeyValue),
    PrefixEnd(KeyValue),
    End,
}

/// `SortPart::End`'s byte: above every key value's type byte.
const END: u8 = 0xff;

impl Slot {
    pub fn new(key: &PrimaryKey) -> Slot {
        let mut out = Slot::partition(&key.hash);
        for value in &key.range {
            value.encode_ordered(&mut out);
        }
        Slot(out.into_boxed_slice())
    }

    /// A position in the partition `hash`.
    pub fn at(hash: &KeyValues, range: SortPos) -> Slot {
        let mut out = Slot::partition(hash);
        for part in &range {
            match part {
                SortPart::Key(value) => value.encode_ordered(&mut out),
                SortPart::PrefixEnd(prefix) => prefix.encode_prefix_end(&mut out),
                SortPart::End => out.push(END),
            }
        }
        Slot(out.into_boxed_slice())
    }

    /// The first position with hash token `token`, before every key.
    pub fn lowest(token: u32) -> Slot {
        Slot(Box::new(token.to_be_bytes()))
    }

    /// The partition's hash token.
    pub fn token(&self) -> u32 {
        token_of(&self.0)
    }

    fn partition(hash: &KeyValues) -> Vec<u8> {
        let mut out = Vec::with_capacity(32);
        out.extend_from_slice(&token(hash).to_be_bytes());
        for value in hash {
            value.encode_ordered(&mut out);
        }
        out
    }
}

/// Lets a map keyed by slots be probed with a slot's bytes held elsewhere (in an index entry).
impl std::borrow::Borrow<[u8]> for Slot {
    fn borrow(&self) -> &[u8] {
        &self.0
    }
}

#[allow(clippy::expect_used)] // Positions are built by `Slot::new`, token first.
fn token_of(bytes: &[u8]) -> u32 {
    u32::from_be_bytes(bytes[..4].try_into().expect("a position starts with its token"))
}

/// An index entry's position, also one byte string: the index key's slot, a marker byte, then
/// the table key's slot, so items that share an index key keep a total, stable order (and paging
/// can resume between them). Bounds end at the marker: `Min` enters a run of equal index keys
/// before its first table key, `Max` leaves it after the last.
#[derive(Clone, Debug)]
pub struct IndexEntry {
    bytes: Box<[u8]>,
    /// Where the table key's slot starts (the length, in bounds).
    table: u32,
}

/// The table-key part of an index position; `Min` and `Max` bound runs of equal index keys. The
/// markers sort below every key value's type byte, so a bound on a shorter index position still
/// precedes the longer positions it is a prefix of.
pub enum TablePos<'a> {
    Min,
    At(&'a Slot),
    Max,
}

impl IndexEntry {
    pub fn new(index: &Slot, table: TablePos) -> IndexEntry {
        let (marker, tail): (u8, &[u8]) = match table {
            TablePos::Min => (0, &[]),
            TablePos::At(slot) => (1, &slot.0),
            TablePos::Max => (2, &[]),
        };
        let mut bytes = Vec::with_capacity(index.0.len() + 1 + tail.len());
        bytes.extend_from_slice(&index.0);
        bytes.push(marker);
        let table = bytes.len() as u32;
        bytes.extend_from_slice(tail);
        IndexEntry {
            bytes: bytes.into_boxed_slice(),
            table,
        }
    }

    /// The index partition's hash token.
    pub fn token(&self) -> u32 {
        token_of(&self.bytes)
    }

    /// The table slot of the item the entry points at (empty for bounds).
    pub(super) fn table_slot(&self) -> &[u8] {
        &self.bytes[self.table as usize..]
    }
}

impl PartialEq for IndexEntry {
    fn eq(&self, other: &IndexEntry) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for IndexEntry {}

impl Ord for IndexEntry {
    fn cmp(&self, other: &IndexEntry) -> Ordering {
        self.bytes.cmp(&other.bytes)
    }
}

impl PartialOrd for IndexEntry {
    fn partial_cmp(&self, other: &IndexEntry) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A partition's place in scan order: the leading 32 bits of the MD5 digest of its key (of all its
/// values, for a multi-attribute key). DynamoDB's internal hash is undocumented; this one matches
/// the AWS-verified observation that partition `A` scans before `B`.
pub fn token(hash: &[KeyValue]) -> u32 {
    use md5::Digest;
    let mut hasher = md5::Md5::new();
    for value in hash {
        hasher.update(value.hash_bytes());
    }
    let digest = hasher.finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}
