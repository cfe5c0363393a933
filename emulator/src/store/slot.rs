//! Keys as memcomparable byte strings: where an item sits in scan order (`Slot`), where a
//! query's bounds fall among sort keys (`SortPos`), and an index's positions (`IndexEntry`).
//! The maps hold items keyed by these bytes without a copy of them: a table's entry is the stored
//! item itself, its slot at the head of its bytes (`Keyed`), and an index's entry is the index
//! key's bytes with the item behind it (`IndexRow`).

use std::cmp::Ordering;
use std::ops::Bound;

use equivalent::{Comparable, Equivalent};
use smallvec::SmallVec;

use crate::model::{Checked, Item, KeyValue, KeyValues, Number, OrderedBytes, PrimaryKey, Stored};

/// Where an item sits in scan order, as one memcomparable byte string: the partition's hash token
/// (big-endian), its key values, then its sort values, each as [`KeyValue::encode_ordered`]. Byte
/// order is scan order: partitions by a stable hash token (DynamoDB's hashing spreads partitions
/// the same way, so scan order is not key order; the token also gives parallel scan its segments),
/// then by key value, then by sort key. Only built to find or place an item (the maps hold the
/// bytes in the item's own allocation), so kept inline: most keys need no allocation at all.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot(OrderedBytes);

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
        Slot(out)
    }

    /// A position in the partition `hash`.
    pub fn at(hash: &KeyValues, range: SortPos) -> Slot {
        Slot::sorted(&Slot::partition(hash), &range)
    }

    /// Two bounds in the partition `hash`, which is hashed once for both (a Query's range).
    pub fn bounds(hash: &KeyValues, lo: Bound<&SortPos>, hi: Bound<&SortPos>) -> (Bound<Slot>, Bound<Slot>) {
        let partition = Slot::partition(hash);
        let at = |range| Slot::sorted(&partition, range);
        (lo.map(at), hi.map(at))
    }

    /// The position `range` after a partition's bytes.
    fn sorted(partition: &[u8], range: &SortPos) -> Slot {
        let mut out = OrderedBytes::from_slice(partition);
        for part in range {
            match part {
                SortPart::Key(value) => value.encode_ordered(&mut out),
                SortPart::PrefixEnd(prefix) => prefix.encode_prefix_end(&mut out),
                SortPart::End => out.push(END),
            }
        }
        Slot(out)
    }

    /// The first position with hash token `token`, before every key.
    pub fn lowest(token: u32) -> Slot {
        Slot(OrderedBytes::from_slice(&token.to_be_bytes()))
    }

    /// The partition's hash token.
    pub fn token(&self) -> u32 {
        token_of(&self.0)
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    fn partition(hash: &KeyValues) -> OrderedBytes {
        let mut out = OrderedBytes::from_slice(&token(hash).to_be_bytes());
        for value in hash {
            value.encode_ordered(&mut out);
        }
        out
    }
}

/// A stored item as its table's map keeps it: ordered by, and found through, its slot, which is
/// the key at the head of its bytes ([`Stored::keyed`]). Equal when the slots are (the map never
/// holds two items with one slot).
#[derive(Clone, Debug)]
pub struct Keyed(Stored);

impl Keyed {
    /// `item` stored at `slot` (a [`Slot`]'s bytes).
    pub fn new(slot: &[u8], item: &Item) -> Keyed {
        Keyed(Stored::keyed(slot, item))
    }

    /// An item checked on its way back from a file, at `slot`, without encoding it again.
    pub fn restored(slot: &[u8], checked: &Checked) -> Keyed {
        Keyed(checked.keyed(slot))
    }

    pub fn slot(&self) -> &[u8] {
        self.0.key()
    }

    /// The partition's hash token.
    pub fn token(&self) -> u32 {
        token_of(self.slot())
    }
}

impl std::ops::Deref for Keyed {
    type Target = Stored;

    fn deref(&self) -> &Stored {
        &self.0
    }
}

/// Lets the map be probed with a slot's bytes ([`Slot::bytes`], an index row's table slot).
impl std::borrow::Borrow<[u8]> for Keyed {
    fn borrow(&self) -> &[u8] {
        self.slot()
    }
}

impl PartialEq for Keyed {
    fn eq(&self, other: &Keyed) -> bool {
        self.slot() == other.slot()
    }
}

impl Eq for Keyed {}

impl Ord for Keyed {
    fn cmp(&self, other: &Keyed) -> Ordering {
        self.slot().cmp(other.slot())
    }
}

impl PartialOrd for Keyed {
    fn partial_cmp(&self, other: &Keyed) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[allow(clippy::expect_used)] // Positions are built by `Slot::new`, token first.
fn token_of(bytes: &[u8]) -> u32 {
    u32::from_be_bytes(bytes[..4].try_into().expect("a position starts with its token"))
}

/// A position in an index, also one byte string: the index key's slot, a marker byte, then the
/// item's [`Tie`] and its table key's slot, so items that share an index key keep a total, stable
/// order, DynamoDB's (and paging can resume between them). Bounds end at the marker: `Min` enters a run of equal index keys before
/// its first table key, `Max` leaves it after the last. Probes the index's [`IndexRow`]s.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct IndexEntry(Box<[u8]>);

/// The table-key part of an index position; `Min` and `Max` bound runs of equal index keys. The
/// markers sort below every key value's type byte, so a bound on a shorter index position still
/// precedes the longer positions it is a prefix of.
pub enum TablePos<'a> {
    Min,
    /// An item's tie and its table slot's bytes.
    At(Tie, &'a [u8]),
    Max,
}

/// Where an item sits among the items sharing its index key: DynamoDB orders them by a hash of
/// their whole table key, not by the table key (dynalite's tests, written against AWS: the
/// global index Query tests of query.js, whose six items sharing an index key come back in
/// this order). The leading 32 bits of the MD5 of `Outliers`, the partition value's bytes and the
/// sort value's bytes (a string's UTF-8, a binary's bytes, a number as [`number_bytes`]):
/// dynalite's reading of DynamoDB's hash, which reproduces those orders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tie([u8; 4]);

impl Tie {
    /// Below every other tie.
    pub const NONE: Tie = Tie([0; 4]);

    pub fn of(key: &PrimaryKey) -> Tie {
        use md5::Digest;
        let mut hasher = md5::Md5::new();
        hasher.update(b"Outliers");
        for value in key.hash.iter().chain(&key.range) {
            match value {
                KeyValue::S(s) => hasher.update(s.as_bytes()),
                KeyValue::B(b) => hasher.update(b),
                KeyValue::N(n) => hasher.update(number_bytes(n)),
            }
        }
        let digest = hasher.finalize();
        Tie([digest[0], digest[1], digest[2], digest[3]])
    }
}

/// A number's bytes as DynamoDB hashes them (dynalite's reading): zero is `0x80`; otherwise a
/// byte for the exponent of 100 (biased by 64, inverted for a negative number), then the
/// digits in pairs from the leading one (a zero put first when the decimal exponent is odd), each
/// pair plus 1, or 101 minus it for a negative number, which ends in 102 when it has fewer than
/// 20 pairs.
fn number_bytes(n: &Number) -> SmallVec<[u8; 24]> {
    let mut out = SmallVec::new();
    let (negative, significand, exponent) = n.parts();
    if significand == 0 {
        out.push(0x80);
        return out;
    }
    let digits: SmallVec<[u8; 40]> = significand.to_string().bytes().map(|b| b - b'0').collect();
    let trailing = digits.iter().rev().take_while(|d| **d == 0).count();
    let digits = &digits[..digits.len() - trailing];
    // The decimal exponent just above the leading digit (0.d1d2… × 10^point).
    let point = digits.len() as i32 + exponent + trailing as i32;
    let pad = point.rem_euclid(2);
    let head = ((point + pad) / 2 - 64) as u8;
    out.push(if negative { !head } else { head });
    let padded: SmallVec<[u8; 40]> = std::iter::repeat_n(0, pad as usize)
        .chain(digits.iter().copied())
        .collect();
    for pair in padded.chunks(2) {
        let value = pair[0] * 10 + pair.get(1).copied().unwrap_or(0);
        out.push(if negative { 101 - value } else { value + 1 });
    }
    if negative && padded.len().div_ceil(2) < 20 {
        out.push(102);
    }
    out
}

/// `TablePos::At`'s marker, which every stored index row carries.
const AT: u8 = 1;

impl IndexEntry {
    pub fn new(index: &Slot, table: TablePos) -> IndexEntry {
        let (marker, tie, tail): (u8, &[u8], &[u8]) = match &table {
            TablePos::Min => (0, &[], &[]),
            TablePos::At(tie, slot) => (AT, &tie.0, slot),
            TablePos::Max => (2, &[], &[]),
        };
        let mut bytes = Vec::with_capacity(index.0.len() + 1 + tie.len() + tail.len());
        bytes.extend_from_slice(&index.0);
        bytes.push(marker);
        bytes.extend_from_slice(tie);
        bytes.extend_from_slice(tail);
        IndexEntry(bytes.into_boxed_slice())
    }

    /// The index partition's hash token.
    pub fn token(&self) -> u32 {
        token_of(&self.0)
    }
}

/// One entry of an index: the index key's slot, `TablePos::At`'s marker and the item's [`Tie`],
/// then the item as the index holds it (the table's own stored item for an ALL projection, else its projected copy),
/// keyed by its table slot. It orders as the [`IndexEntry`] of the same position, whose table
/// part it reads from the item's head instead of holding a copy.
#[derive(Clone, Debug)]
pub struct IndexRow {
    index: Box<[u8]>,
    pub item: Keyed,
}

impl IndexRow {
    /// The row of `item` (keyed by its table slot, whose key's [`Tie`] is `tie`) at index
    /// position `index`.
    pub fn new(index: &Slot, tie: Tie, item: Keyed) -> IndexRow {
        let mut bytes = Vec::with_capacity(index.0.len() + 5);
        bytes.extend_from_slice(&index.0);
        bytes.push(AT);
        bytes.extend_from_slice(&tie.0);
        IndexRow {
            index: bytes.into_boxed_slice(),
            item,
        }
    }

    /// The index partition's hash token.
    pub fn token(&self) -> u32 {
        token_of(&self.index)
    }
}

/// Compares `a` with the concatenation of `b` and `c`, as bytes, reading `c` only when `b` leaves
/// it a tie: an index row's table slot lives in its item, elsewhere in memory, and a seek between
/// index keys (every Query's bounds) is decided by the index part alone.
fn cmp_joined<'c>(a: &[u8], b: &[u8], c: impl FnOnce() -> &'c [u8]) -> Ordering {
    if a.len() <= b.len() {
        a.cmp(&b[..a.len()]).then_with(|| a.len().cmp(&(b.len() + c().len())))
    } else {
        let (head, tail) = a.split_at(b.len());
        head.cmp(b).then_with(|| tail.cmp(c()))
    }
}

impl Equivalent<IndexRow> for IndexEntry {
    fn equivalent(&self, row: &IndexRow) -> bool {
        self.compare(row) == Ordering::Equal
    }
}

/// Bounds and start keys ([`IndexEntry`]) probe an index's rows.
impl Comparable<IndexRow> for IndexEntry {
    fn compare(&self, row: &IndexRow) -> Ordering {
        cmp_joined(&self.0, &row.index, || row.item.slot())
    }
}

impl PartialEq for IndexRow {
    fn eq(&self, other: &IndexRow) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for IndexRow {}

/// By index part, then table slot: the order of the joined bytes, since no index part is a proper
/// prefix of another (key encodings are prefix-free, and every part ends in the same marker and a
/// tie of one length).
impl Ord for IndexRow {
    fn cmp(&self, other: &IndexRow) -> Ordering {
        self.index.cmp(&other.index).then_with(|| self.item.cmp(&other.item))
    }
}

impl PartialOrd for IndexRow {
    fn partial_cmp(&self, other: &IndexRow) -> Option<Ordering> {
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
        value.hash_bytes(|bytes| hasher.update(bytes));
    }
    let digest = hasher.finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AttributeValue, Number};
    use proptest::prelude::*;

    /// Key values of the three types, with the bytes their encodings escape (0, 0xff) likely.
    fn value() -> impl Strategy<Value = KeyValue> {
        let bytes = prop::collection::vec(prop_oneof![Just(0u8), Just(0xff), Just(b'a'), any::<u8>()], 1..6);
        prop_oneof![
            "[a\\x00b\u{ff}]{1,5}".prop_map(KeyValue::S),
            bytes.prop_map(KeyValue::B),
            (any::<bool>(), 0u128..100_000, -5i32..5).prop_map(|(negative, significand, exponent)| {
                KeyValue::N(Number::from_parts(negative, significand, exponent).unwrap_or(Number::ZERO))
            }),
        ]
    }

    /// Primary keys of one to two partition values and zero to two sort values, few enough
    /// distinct ones that partitions and sort prefixes repeat.
    fn key() -> impl Strategy<Value = PrimaryKey> {
        (
            prop::collection::vec(value(), 1..3),
            prop::collection::vec(value(), 0..3),
        )
            .prop_map(|(hash, range)| PrimaryKey {
                hash: hash.into_iter().collect(),
                range: range.into_iter().collect(),
            })
    }

    fn item(n: usize) -> Item {
        Item::from_iter([("n".to_string(), AttributeValue::S(n.to_string()))])
    }

    fn hash_key(s: &str) -> PrimaryKey {
        PrimaryKey {
            hash: [KeyValue::S(s.into())].into_iter().collect(),
            range: Default::default(),
        }
    }

    /// A bound between index keys (`Min`, `Max`: every Query's) compares with a row without
    /// reading the row's table slot, which lives in its item elsewhere in memory; a position
    /// naming a table key reads it when the index keys tie.
    #[test]
    fn bounds_compare_with_rows_by_their_index_part_alone() {
        let (a, b) = (Slot::new(&hash_key("a")), Slot::new(&hash_key("b")));
        let table = Slot::new(&hash_key("t"));
        let tie = Tie::of(&hash_key("t"));
        let row = IndexRow::new(&a, tie, Keyed::new(table.bytes(), &item(0)));
        let reads = std::cell::Cell::new(0);
        let slot = || {
            reads.set(reads.get() + 1);
            row.item.slot()
        };
        for (probe, order) in [
            (IndexEntry::new(&a, TablePos::Min), Ordering::Less),
            (IndexEntry::new(&a, TablePos::Max), Ordering::Greater),
            (IndexEntry::new(&b, TablePos::Min), b.cmp(&a)),
            (IndexEntry::new(&b, TablePos::Max), b.cmp(&a)),
        ] {
            assert_eq!(cmp_joined(&probe.0, &row.index, slot), order);
        }
        assert_eq!(reads.get(), 0);
        let at = IndexEntry::new(&a, TablePos::At(tie, table.bytes()));
        assert_eq!(cmp_joined(&at.0, &row.index, slot), Ordering::Equal);
        assert_eq!(reads.get(), 1);
    }

    /// A partition's token is the MD5 of its values' type letters and texts (a number's as
    /// DynamoDB writes it) one after another, whatever pieces the hasher is handed: tokens are
    /// scan order, which snapshots, durable files and parallel scans' segments rely on.
    #[test]
    fn tokens_hash_each_value_as_its_type_letter_and_text() {
        use md5::Digest;
        let n = |t: &str| KeyValue::N(Number::parse(t).unwrap());
        let cases: [(Vec<KeyValue>, &[u8]); 6] = [
            (vec![KeyValue::S("item000123".into())], b"Sitem000123"),
            (vec![n("-12.50")], b"N-12.5"),
            (vec![n("1E+5")], b"N100000"),
            (vec![n("0.00012")], b"N0.00012"),
            (vec![KeyValue::B(vec![0, 0xff])], b"B\x00\xff"),
            (vec![KeyValue::S("a".into()), n("7")], b"SaN7"),
        ];
        for (values, text) in cases {
            let digest = md5::Md5::digest(text);
            assert_eq!(
                token(&values),
                u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]),
                "{values:?}"
            );
        }
    }

    /// A Query's two bounds are the positions `Slot::at` gives each.
    #[test]
    fn bounds_in_a_partition_are_its_positions() {
        let hash: KeyValues = [KeyValue::S("p".into())].into_iter().collect();
        let lo: SortPos = [SortPart::Key(KeyValue::S("a".into()))].into_iter().collect();
        let hi: SortPos = [SortPart::PrefixEnd(KeyValue::S("a".into())), SortPart::End]
            .into_iter()
            .collect();
        let (l, h) = Slot::bounds(&hash, Bound::Excluded(&lo), Bound::Included(&hi));
        assert_eq!(l, Bound::Excluded(Slot::at(&hash, lo)));
        assert_eq!(h, Bound::Included(Slot::at(&hash, hi)));
        assert_eq!(
            Slot::bounds(&hash, Bound::Unbounded, Bound::Unbounded),
            (Bound::Unbounded, Bound::Unbounded)
        );
    }

    /// Items sharing an index key order by their tie: AWS's order for the six items of
    /// dynalite's global index Query tests (table keys `a`/`b`, strings), not key order.
    #[test]
    fn ties_order_items_sharing_an_index_key_as_dynamodb_does() {
        let key = |a: &str, b: &str| PrimaryKey {
            hash: [KeyValue::S(a.into())].into_iter().collect(),
            range: [KeyValue::S(b.into())].into_iter().collect(),
        };
        let mut keys = [("a", "a"), ("b", "b"), ("c", "e"), ("c", "d"), ("d", "a"), ("e", "a")];
        keys.sort_by_key(|(a, b)| Tie::of(&key(a, b)).0);
        assert_eq!(
            keys,
            [("b", "b"), ("a", "a"), ("c", "e"), ("e", "a"), ("d", "a"), ("c", "d")]
        );
    }

    /// Numbers hash as dynalite's reading of DynamoDB's bytes: an exponent byte of hundreds,
    /// biased, then digit pairs plus one; negatives inverted and ended by 102.
    #[test]
    fn numbers_hash_as_exponent_and_digit_pairs() {
        let bytes = |t: &str| number_bytes(&Number::parse(t).unwrap()).to_vec();
        // The bytes dynalite's `numToBuffer` gives for each.
        assert_eq!(bytes("0"), [0x80]);
        assert_eq!(bytes("1"), [193, 2]);
        assert_eq!(bytes("123.4"), [194, 2, 24, 41]);
        assert_eq!(bytes("1000"), [194, 11]);
        assert_eq!(bytes("0.05"), [192, 6]);
        assert_eq!(bytes("-1"), [62, 100, 102]);
        assert_eq!(bytes("-99.1"), [62, 2, 91, 102]);
        assert_eq!(bytes("-0.001"), [64, 91, 102]);
        let long = [
            211, 13, 35, 57, 79, 91, 13, 35, 57, 79, 91, 13, 35, 57, 79, 91, 13, 35, 57, 79,
        ];
        assert_eq!(bytes("12345678901234567890123456789012345678"), long);
        // Twenty pairs: no closing 102.
        let negative = [
            44, 100, 78, 56, 34, 12, 100, 78, 56, 34, 12, 100, 78, 56, 34, 12, 100, 78, 56, 34, 21,
        ];
        assert_eq!(bytes("-1234567890123456789012345678901234567.8"), negative);
    }

    proptest! {
        /// The table map's entries order, and are found, as their slots do.
        #[test]
        fn stored_items_order_as_their_slots(keys in prop::collection::vec(key(), 1..40)) {
            let slots: Vec<Slot> = keys.iter().map(Slot::new).collect();
            let mut map = imbl::OrdSet::new();
            for (n, slot) in slots.iter().enumerate() {
                let keyed = Keyed::new(slot.bytes(), &item(n));
                prop_assert_eq!(keyed.slot(), slot.bytes());
                prop_assert_eq!(keyed.token(), slot.token());
                map.insert(keyed);
            }
            let mut sorted = slots.clone();
            sorted.sort();
            sorted.dedup();
            let held: Vec<&[u8]> = map.iter().map(Keyed::slot).collect();
            prop_assert_eq!(held, sorted.iter().map(Slot::bytes).collect::<Vec<_>>());
            for (n, slot) in slots.iter().enumerate() {
                // The last item put at a slot is the one found there.
                let last = slots.iter().rposition(|s| s == slot).unwrap_or(n);
                prop_assert_eq!(map.get(slot.bytes()).map(|k| k.item()), Some(item(last)));
            }
        }

        /// An index's rows order as the positions (`IndexEntry`) they stand for, and every bound
        /// a read builds compares with a row as with that row's position. Table keys share a few
        /// index keys, and bounds are built from the keys held, so runs of equal index keys and
        /// bounds inside them are common.
        #[test]
        fn index_rows_order_as_their_positions(
            index_keys in prop::collection::vec(key(), 1..4),
            table_keys in prop::collection::vec(key(), 1..30),
            probes in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), 0..3usize), 1..10),
        ) {
            let pairs: Vec<(&PrimaryKey, &PrimaryKey)> =
                table_keys.iter().enumerate().map(|(n, t)| (&index_keys[n % index_keys.len()], t)).collect();
            let row = |(index, table): &(&PrimaryKey, &PrimaryKey)| {
                IndexRow::new(&Slot::new(index), Tie::of(table), Keyed::new(Slot::new(table).bytes(), &item(0)))
            };
            let position = |(index, table): &(&PrimaryKey, &PrimaryKey)| {
                IndexEntry::new(&Slot::new(index), TablePos::At(Tie::of(table), Slot::new(table).bytes()))
            };
            for a in &pairs {
                for b in &pairs {
                    prop_assert_eq!(row(a).cmp(&row(b)), position(a).cmp(&position(b)));
                }
            }
            for (index, table, kind) in &probes {
                let (index, key) = (index.get(&index_keys), table.get(&table_keys));
                let table = Slot::new(key);
                let at = match kind {
                    0 => TablePos::Min,
                    1 => TablePos::At(Tie::of(key), table.bytes()),
                    _ => TablePos::Max,
                };
                let probe = IndexEntry::new(&Slot::new(index), at);
                for pair in &pairs {
                    prop_assert_eq!(probe.compare(&row(pair)), probe.cmp(&position(pair)));
                }
            }
        }
    }
}
