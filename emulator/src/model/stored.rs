//! Items as the store keeps them: one shared allocation of bytes per item, where a decoded
//! [`Item`] is a vector of (name, value) pairs plus a heap string per name and per string value.
//! Reads walk the bytes ([`View`]) and answers are written from them; an operation that needs
//! the tree (conditions, updates, filters, projections) decodes it with [`Stored::item`].
//!
//! The encoding (all lengths and counts LEB128 varints):
//!
//! ```text
//! stored  := bytes(key) item             key: the item's place in its table (empty in answers)
//! item    := size count entry*           size: DynamoDB's item size (names + values)
//! entry   := bytes(name) value
//! value   := S bytes | N number | B bytes | TRUE | FALSE | NULL
//!          | M len count entry* | L len count value*
//!          | SS len count bytes* | NS len count number* | BS len count bytes*
//! bytes   := len raw
//! number  := sign:u8 zigzag(exponent) significand
//! ```
//!
//! Containers carry their byte length, so a reader skips one without descending into it: walking
//! a level never recurses. Entries keep the item's name order, so an answer written from the
//! bytes is the one written from the item.
//!
//! The key at the head lets the store key its maps by the stored item itself (`store::Keyed`)
//! instead of a second allocation per item, and the pointer is thin (`triomphe::ThinArc`: the
//! length lives in the allocation), so each map entry holding an item is 8 bytes, not 16.

use std::sync::atomic::{AtomicU32, Ordering};

use triomphe::ThinArc;

use super::value::number_size;
use super::{item_size, nesting_ok, AttributeValue, Item, Number, MAX_NESTING};

/// One stored item: its encoded bytes, shared by the table's map, every index entry that
/// projects it whole, snapshots and answers in flight. The header caches
/// [`Stored::page_size`] (0 until first asked), which every Query and Scan page reads per row.
#[derive(Clone)]
pub struct Stored(ThinArc<AtomicU32, u8>);

impl PartialEq for Stored {
    fn eq(&self, other: &Stored) -> bool {
        self.0.slice == other.0.slice
    }
}

impl Eq for Stored {}

/// One encoded value, read in place, its strings (and names) read as `T`.
#[derive(Clone, Copy, Debug)]
pub enum ViewOf<'a, T> {
    S(T),
    N(Number),
    B(&'a [u8]),
    Bool(bool),
    Null,
    M(Seq<'a, (T, ViewOf<'a, T>)>),
    L(Seq<'a, ViewOf<'a, T>>),
    Ss(Seq<'a, T>),
    Ns(Seq<'a, Number>),
    Bs(Seq<'a, &'a [u8]>),
}

/// A value with its strings as `str`, checked as UTF-8 as they are read.
pub type View<'a> = ViewOf<'a, &'a str>;

/// A value with its strings as the bytes stored, for writers that copy them out (answers): they
/// were UTF-8 when stored, so checking them again on every read is wasted work.
pub type RawView<'a> = ViewOf<'a, &'a [u8]>;

const S: u8 = 1;
const N: u8 = 2;
const B: u8 = 3;
const TRUE: u8 = 4;
const FALSE: u8 = 5;
const NULL: u8 = 6;
const M: u8 = 7;
const L: u8 = 8;
const SS: u8 = 9;
const NS: u8 = 10;
const BS: u8 = 11;

impl Stored {
    /// Encodes an item with no key (an answer's item, not kept in a map).
    pub fn new(item: &Item) -> Stored {
        Stored::keyed(&[], item)
    }

    /// Encodes an item whose nesting the write path has checked (at most `MAX_NESTING` levels,
    /// which bounds the recursion here and in every reader), with `key` at its head.
    pub fn keyed(key: &[u8], item: &Item) -> Stored {
        Stored::build(|out| {
            bytes(out, key);
            varint(out, item_size(item) as u64);
            varint(out, item.len() as u64);
            for (name, value) in item.iter() {
                bytes(out, name.as_bytes());
                encode(out, value);
            }
        })
    }

    /// The bytes `write` writes, in one allocation of exactly their size. `write` runs twice:
    /// first to measure (the total and each container's length, which goes in front of its
    /// elements), then to fill the allocation. A large item in flight is thus held once, not once
    /// in a growing buffer and again in its copy (issue #15: a write's peak over its size).
    fn build(write: impl Fn(&mut Sink<'_>)) -> Stored {
        let mut measure = Sink {
            at: 0,
            containers: Vec::new(),
            next: 0,
            out: None,
        };
        write(&mut measure);
        let mut stored = ThinArc::from_header_and_iter(AtomicU32::new(0), std::iter::repeat_n(0, measure.at));
        stored.with_arc_mut(|arc| {
            // Just made, so not shared: `get_mut` always finds it.
            if let Some(whole) = triomphe::Arc::get_mut(arc) {
                write(&mut Sink {
                    at: 0,
                    containers: measure.containers,
                    next: 0,
                    out: Some(whole.slice_mut()),
                });
            }
        });
        Stored(stored)
    }

    /// The key given to [`Stored::keyed`].
    pub fn key(&self) -> &[u8] {
        Cursor(&self.0.slice).bytes()
    }

    /// The item's bytes, after the key.
    fn body(&self) -> Cursor<'_> {
        let mut c = Cursor(&self.0.slice);
        c.bytes();
        c
    }

    /// Whether both are the one allocation (not just equal bytes): a holder of a clone knows the
    /// item it read is still the one stored, since an allocation kept alive cannot be reused.
    pub fn same(&self, other: &Stored) -> bool {
        std::ptr::eq(self.0.ptr(), other.0.ptr())
    }

    /// DynamoDB's size of the item (names and values, not this encoding).
    pub fn size(&self) -> usize {
        self.body().varint() as usize
    }

    /// The bytes this item counts for against a Query's or Scan's 1 MB page. Not [`Stored::size`]
    /// (the 400 KB gate and read capacity) but the item's storage form, as AWS's page cuts pin it
    /// to the byte (dynalite's "just under/over limit" scan and query tests, run against
    /// DynamoDB): a name counts 1 byte whatever its length, each value its [`held_size`], and the
    /// table's sort key, counted apart as `sort` bytes of its value, once more per started 3 KB:
    /// `2 + body + (1 + (1 + body) / 3072) * (18 + sort)`.
    ///
    /// Computed once and kept in the item's header: an item is stored only in tables of one key
    /// schema (a restore keeps its source's), so `sort_key` is the same at every call.
    pub fn page_size(&self, sort_key: Option<&str>) -> usize {
        let cached = self.0.header.header.load(Ordering::Relaxed);
        if cached != 0 {
            return cached as usize;
        }
        let size = self.measure_page_size(sort_key);
        // Under 4 GB: an item is at most 400 KB. Racing readers store the same value.
        self.0.header.header.store(size as u32, Ordering::Relaxed);
        size
    }

    fn measure_page_size(&self, sort_key: Option<&str>) -> usize {
        let (mut body, mut sort) = (0, 0);
        for (name, value) in self.raw_attributes() {
            match value {
                ViewOf::S(b) | ViewOf::B(b) if sort_key.is_some_and(|k| k.as_bytes() == name) => sort = b.len(),
                ViewOf::N(n) if sort_key.is_some_and(|k| k.as_bytes() == name) => sort = number_size(&n),
                _ => body += held_size(value) + 1,
            }
        }
        2 + body + (1 + (1 + body) / 3072) * (18 + sort)
    }

    /// The attributes, in name order.
    pub fn attributes(&self) -> Seq<'_, (&str, View<'_>)> {
        self.entries()
    }

    /// The attributes, in name order, names and strings as their bytes ([`RawView`]).
    pub fn raw_attributes(&self) -> Seq<'_, (&[u8], RawView<'_>)> {
        self.entries()
    }

    fn entries<'a, T: Element<'a>>(&'a self) -> Seq<'a, (T, ViewOf<'a, T>)> {
        let mut c = self.body();
        c.varint();
        let left = c.varint() as usize;
        Seq::new(c.0, left)
    }

    /// One attribute, read in place.
    pub fn get(&self, name: &str) -> Option<View<'_>> {
        self.attributes().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The item decoded into its tree.
    pub fn item(&self) -> Item {
        entries(self.attributes())
    }
}

impl Stored {
    /// The encoded item after its key, as [`Stored::checked`] reads it back (the durable mode's
    /// files; a key is a position in one table, found again from the item on the way back in).
    pub fn bytes(&self) -> &[u8] {
        self.body().0
    }

    /// Bytes from outside the process (a durable-mode file) taken as a stored item's (without a
    /// key), decoded, only when they are exactly what [`Stored::bytes`] gives for an item the
    /// write path accepts: every length within bounds, known tags, UTF-8 names and strings,
    /// numbers in range, names in order, nesting within [`MAX_NESTING`] and the recorded size
    /// right. So a damaged or hostile file is an error at a byte offset, never a panic in a
    /// reader. A check apart from the encoder (which it does not change), walking with a depth
    /// bound. Nothing is stored yet: the item's key, found from the decoded item, goes at the head
    /// of the one copy [`Checked::keyed`] makes.
    pub fn checked(bytes: &[u8]) -> Result<Checked<'_>, Malformed> {
        let mut c = Check { bytes, at: 0 };
        let size = c.varint()?;
        let count = c.varint()?;
        c.entries(count, 0)?;
        if c.at != bytes.len() {
            return Err(c.error("bytes after the item"));
        }
        let mut body = Cursor(bytes);
        body.varint();
        let left = body.varint() as usize;
        let item = entries(Seq::new(body.0, left));
        if !nesting_ok(&item) {
            return Err(Malformed {
                at: 0,
                what: "nested too deep",
            });
        }
        if item_size(&item) as u64 != size {
            return Err(Malformed {
                at: 0,
                what: "a wrong item size",
            });
        }
        Ok(Checked { item, bytes })
    }
}

/// An item read back from a file and checked ([`Stored::checked`]): its decoded tree, and its
/// bytes, which become the stored item once its key is known.
pub struct Checked<'a> {
    pub item: Item,
    bytes: &'a [u8],
}

impl Checked<'_> {
    /// The stored item with `key` at its head: the checked bytes copied, not encoded again.
    pub fn keyed(&self, key: &[u8]) -> Stored {
        Stored::build(|out| {
            bytes(out, key);
            out.put(self.bytes);
        })
    }
}

/// Where (byte offset) and why bytes are not a stored item.
#[derive(Debug, PartialEq, Eq)]
pub struct Malformed {
    pub at: usize,
    pub what: &'static str,
}

/// The walk of [`Stored::checked`]: the reads of [`Cursor`], each checked.
struct Check<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Check<'a> {
    fn error(&self, what: &'static str) -> Malformed {
        Malformed { at: self.at, what }
    }

    fn byte(&mut self) -> Result<u8, Malformed> {
        let b = *self.bytes.get(self.at).ok_or_else(|| self.error("cut short"))?;
        self.at += 1;
        Ok(b)
    }

    /// A varint of at most `bits` bits.
    fn wide(&mut self, bits: u32) -> Result<u128, Malformed> {
        let at = self.at;
        let (mut v, mut shift) = (0u128, 0u32);
        loop {
            let part = self.byte()?;
            let low = u128::from(part & 0x7f);
            // The 7 bits must fit in what is left of `bits`.
            if shift >= bits || (bits - shift < 7 && low >> (bits - shift) != 0) {
                return Err(Malformed {
                    at,
                    what: "a number too large",
                });
            }
            v |= low << shift;
            if part < 0x80 {
                return Ok(v);
            }
            shift += 7;
        }
    }

    fn varint(&mut self) -> Result<u64, Malformed> {
        self.wide(64).map(|v| v as u64)
    }

    fn take(&mut self, n: u64) -> Result<&'a [u8], Malformed> {
        let end = usize::try_from(n)
            .ok()
            .and_then(|n| self.at.checked_add(n))
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| self.error("a length past the end"))?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn bytes(&mut self) -> Result<&'a [u8], Malformed> {
        let n = self.varint()?;
        self.take(n)
    }

    fn str(&mut self) -> Result<&'a str, Malformed> {
        let at = self.at;
        std::str::from_utf8(self.bytes()?).map_err(|_| Malformed {
            at,
            what: "a string not UTF-8",
        })
    }

    fn number(&mut self) -> Result<(), Malformed> {
        let at = self.at;
        let negative = match self.byte()? {
            0 => false,
            1 => true,
            _ => {
                return Err(Malformed {
                    at,
                    what: "a bad number sign",
                })
            }
        };
        let zigzag = self.wide(32)? as u32;
        let exponent = (zigzag >> 1) as i32 ^ -((zigzag & 1) as i32);
        let significand = self.wide(128)?;
        // In range and normalised, as the encoder writes every number: readers take the parts
        // as they are (`Number::from_normalised`).
        match Number::from_parts(negative, significand, exponent) {
            Ok(n) if n.parts() == (negative, significand, exponent) => Ok(()),
            Ok(_) => Err(Malformed {
                at,
                what: "a number not normalised",
            }),
            Err(_) => Err(Malformed {
                at,
                what: "a number out of range",
            }),
        }
    }

    /// `count` (name, value) entries, names strictly ascending.
    fn entries(&mut self, count: u64, depth: usize) -> Result<(), Malformed> {
        let mut last: Option<&str> = None;
        for _ in 0..count {
            let at = self.at;
            let name = self.str()?;
            if last.is_some_and(|last| last >= name) {
                return Err(Malformed {
                    at,
                    what: "names out of order",
                });
            }
            last = Some(name);
            self.value(depth)?;
        }
        Ok(())
    }

    /// A container's byte length, then exactly that many bytes of count and elements.
    fn container(
        &mut self,
        depth: usize,
        elements: impl FnOnce(&mut Self, u64, usize) -> Result<(), Malformed>,
    ) -> Result<(), Malformed> {
        if depth >= MAX_NESTING {
            return Err(self.error("nested too deep"));
        }
        let len = self.varint()?;
        let start = self.at;
        self.take(len)?;
        let end = std::mem::replace(&mut self.at, start);
        let count = self.varint()?;
        elements(self, count, depth + 1)?;
        if self.at != end {
            return Err(self.error("a container's length does not match its elements"));
        }
        Ok(())
    }

    fn value(&mut self, depth: usize) -> Result<(), Malformed> {
        let at = self.at;
        match self.byte()? {
            S => self.str().map(drop),
            N => self.number(),
            B => self.bytes().map(drop),
            TRUE | FALSE | NULL => Ok(()),
            M => self.container(depth, |c, n, d| c.entries(n, d)),
            L => self.container(depth, |c, n, d| (0..n).try_for_each(|_| c.value(d))),
            SS => self.container(depth, |c, n, _| (0..n).try_for_each(|_| c.str().map(drop))),
            NS => self.container(depth, |c, n, _| (0..n).try_for_each(|_| c.number())),
            BS => self.container(depth, |c, n, _| (0..n).try_for_each(|_| c.bytes().map(drop))),
            _ => Err(Malformed {
                at,
                what: "an unknown value tag",
            }),
        }
    }
}

impl std::fmt::Debug for Stored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.item().fmt(f)
    }
}

impl ViewOf<'_, &str> {
    /// The value decoded into its tree.
    pub fn value(&self) -> AttributeValue {
        match *self {
            View::S(s) => AttributeValue::S(s.to_owned()),
            View::N(n) => AttributeValue::N(n),
            View::B(b) => AttributeValue::B(b.to_vec()),
            View::Bool(b) => AttributeValue::Bool(b),
            View::Null => AttributeValue::Null,
            View::M(m) => AttributeValue::M(entries(m)),
            View::L(l) => AttributeValue::L(l.map(|v| v.value()).collect()),
            View::Ss(s) => AttributeValue::Ss(s.map(str::to_owned).collect()),
            View::Ns(n) => AttributeValue::Ns(n.collect()),
            View::Bs(b) => AttributeValue::Bs(b.map(<[u8]>::to_vec).collect()),
        }
    }
}

fn entries(seq: Seq<'_, (&str, View<'_>)>) -> Item {
    // Stored entries are already in name order and distinct.
    Item::from_sorted_store_unchecked(seq.map(|(n, v)| (n.to_owned(), v.value())).collect())
}

fn encode(out: &mut Sink<'_>, value: &AttributeValue) {
    match value {
        AttributeValue::S(s) => {
            out.put(&[S]);
            bytes(out, s.as_bytes());
        }
        AttributeValue::N(n) => {
            out.put(&[N]);
            number(out, n);
        }
        AttributeValue::B(b) => {
            out.put(&[B]);
            bytes(out, b);
        }
        AttributeValue::Bool(b) => out.put(&[if *b { TRUE } else { FALSE }]),
        AttributeValue::Null => out.put(&[NULL]),
        AttributeValue::M(m) => container(out, M, m.len(), |out| {
            for (name, v) in m.iter() {
                bytes(out, name.as_bytes());
                encode(out, v);
            }
        }),
        AttributeValue::L(l) => container(out, L, l.len(), |out| l.iter().for_each(|v| encode(out, v))),
        AttributeValue::Ss(s) => container(out, SS, s.len(), |out| s.iter().for_each(|x| bytes(out, x.as_bytes()))),
        AttributeValue::Ns(n) => container(out, NS, n.len(), |out| n.iter().for_each(|x| number(out, x))),
        AttributeValue::Bs(b) => container(out, BS, b.len(), |out| b.iter().for_each(|x| bytes(out, x))),
    }
}

/// A container: its tag, then its byte length (measured before it is written, see
/// [`Stored::build`]), its count and its elements.
fn container(out: &mut Sink<'_>, tag: u8, count: usize, elements: impl FnOnce(&mut Sink<'_>)) {
    out.put(&[tag]);
    if out.out.is_none() {
        let at = out.containers.len();
        out.containers.push(0);
        let start = out.at;
        varint(out, count as u64);
        elements(out);
        let inner = out.at - start;
        out.containers[at] = inner;
        out.at += varint_len(inner as u128);
    } else {
        let inner = out.containers.get(out.next).copied().unwrap_or_default();
        out.next += 1;
        varint(out, inner as u64);
        varint(out, count as u64);
        elements(out);
    }
}

/// Where [`Stored::build`]'s writer writes: with no `out`, it only counts the bytes (and each
/// container's length, in the order containers are written); with one, it fills it.
struct Sink<'a> {
    /// Bytes counted, or written.
    at: usize,
    /// Each container's length: pushed while counting, read back (from `next`) while filling.
    containers: Vec<usize>,
    next: usize,
    out: Option<&'a mut [u8]>,
}

impl Sink<'_> {
    fn put(&mut self, b: &[u8]) {
        if let Some(out) = &mut self.out {
            out[self.at..self.at + b.len()].copy_from_slice(b);
        }
        self.at += b.len();
    }
}

fn bytes(out: &mut Sink<'_>, b: &[u8]) {
    varint(out, b.len() as u64);
    out.put(b);
}

fn number(out: &mut Sink<'_>, n: &Number) {
    let (negative, significand, exponent) = n.parts();
    out.put(&[u8::from(negative)]);
    varint(out, u64::from(((exponent << 1) ^ (exponent >> 31)) as u32));
    varint(out, significand);
}

/// LEB128: seven bits a byte, low first, the high bit set on all but the last.
fn varint(out: &mut Sink<'_>, v: impl Into<u128>) {
    let mut v: u128 = v.into();
    let mut buf = [0; 19];
    let mut n = 0;
    while v >= 0x80 {
        buf[n] = v as u8 | 0x80;
        v >>= 7;
        n += 1;
    }
    buf[n] = v as u8;
    out.put(&buf[..=n]);
}

/// The length of `v`'s varint.
fn varint_len(v: u128) -> usize {
    (128 - v.max(1).leading_zeros() as usize).div_ceil(7)
}

/// A read position in stored bytes (which only [`Stored::new`] writes, so they are well formed).
pub struct Cursor<'a>(&'a [u8]);

// Decoding bytes only `Stored::new` wrote: a malformed byte is a bug in the encoder, not input.
#[allow(clippy::expect_used)]
impl<'a> Cursor<'a> {
    fn byte(&mut self) -> u8 {
        let (b, rest) = self.0.split_first().expect("stored bytes are well formed");
        self.0 = rest;
        *b
    }

    /// Most varints (lengths, counts, small significands) are one byte: that case returns before
    /// the loop and its 128-bit shifts, which every value of every item read would pay.
    fn wide(&mut self) -> u128 {
        let first = self.byte();
        if first < 0x80 {
            return u128::from(first);
        }
        let (mut v, mut shift) = (u128::from(first & 0x7f), 7);
        loop {
            let b = self.byte();
            v |= u128::from(b & 0x7f) << shift;
            if b < 0x80 {
                return v;
            }
            shift += 7;
        }
    }

    fn varint(&mut self) -> u64 {
        self.wide() as u64
    }

    fn take(&mut self, n: usize) -> &'a [u8] {
        let (taken, rest) = self.0.split_at(n);
        self.0 = rest;
        taken
    }

    fn bytes(&mut self) -> &'a [u8] {
        let n = self.varint() as usize;
        self.take(n)
    }

    fn str(&mut self) -> &'a str {
        std::str::from_utf8(self.bytes()).expect("stored strings are UTF-8")
    }

    fn number(&mut self) -> Number {
        let negative = self.byte() != 0;
        let zigzag = self.varint() as u32;
        let exponent = (zigzag >> 1) as i32 ^ -((zigzag & 1) as i32);
        Number::from_normalised(negative, self.wide(), exponent)
    }

    /// A container's elements, skipping past them.
    fn seq<T>(&mut self) -> Seq<'a, T> {
        let len = self.varint() as usize;
        let mut inner = Cursor(self.take(len));
        let left = inner.varint() as usize;
        Seq::new(inner.0, left)
    }

    fn view<T: Element<'a>>(&mut self) -> ViewOf<'a, T> {
        use ViewOf as View;
        match self.byte() {
            S => View::S(T::read(self)),
            N => View::N(self.number()),
            B => View::B(self.bytes()),
            TRUE => View::Bool(true),
            FALSE => View::Bool(false),
            NULL => View::Null,
            M => View::M(self.seq()),
            L => View::L(self.seq()),
            SS => View::Ss(self.seq()),
            NS => View::Ns(self.seq()),
            BS => View::Bs(self.seq()),
            tag => unreachable!("no stored value has tag {tag}"),
        }
    }
}

/// The elements of a stored item, map, list or set, read one at a time.
pub struct Seq<'a, T> {
    bytes: &'a [u8],
    left: usize,
    element: std::marker::PhantomData<T>,
}

impl<'a, T> Seq<'a, T> {
    fn new(bytes: &'a [u8], left: usize) -> Self {
        Seq {
            bytes,
            left,
            element: std::marker::PhantomData,
        }
    }
}

impl<T> Clone for Seq<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Seq<'_, T> {}

impl<T> std::fmt::Debug for Seq<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} elements", self.left)
    }
}

/// A value's bytes in an item's storage form ([`Stored::page_size`]): strings and binaries with
/// their length's varint, a number 1 more than its size, a set 1 more than its members plus 1 per
/// member, NULL nothing, a boolean 1, a list 3 plus 1 per element, a map 3 plus 2 per entry (its
/// key counted as 1, whatever its length). Recurses at most [`MAX_NESTING`] levels, as stored.
fn held_size(value: RawView<'_>) -> usize {
    let prefixed = |n: usize| n + (n.max(1).ilog2() / 7 + 1) as usize;
    let members = |sizes: &mut dyn ExactSizeIterator<Item = usize>| sizes.len() + 1 + sizes.sum::<usize>();
    match value {
        ViewOf::S(b) | ViewOf::B(b) => prefixed(b.len()),
        ViewOf::N(n) => number_size(&n) + 1,
        ViewOf::Bool(_) => 1,
        ViewOf::Null => 0,
        ViewOf::Ss(s) | ViewOf::Bs(s) => members(&mut s.map(<[u8]>::len)),
        ViewOf::Ns(s) => members(&mut s.map(|n| number_size(&n))),
        ViewOf::L(l) => 3 + l.map(|v| held_size(v) + 1).sum::<usize>(),
        ViewOf::M(m) => 3 + m.map(|(_, v)| held_size(v) + 2).sum::<usize>(),
    }
}

/// What a [`Seq`] holds, read from a cursor.
pub trait Element<'a> {
    fn read(c: &mut Cursor<'a>) -> Self;
}

impl<'a, T: Element<'a>> Element<'a> for ViewOf<'a, T> {
    fn read(c: &mut Cursor<'a>) -> Self {
        c.view()
    }
}

impl<'a, T: Element<'a>> Element<'a> for (T, ViewOf<'a, T>) {
    fn read(c: &mut Cursor<'a>) -> Self {
        (T::read(c), c.view())
    }
}

impl<'a> Element<'a> for &'a str {
    fn read(c: &mut Cursor<'a>) -> Self {
        c.str()
    }
}

impl<'a> Element<'a> for &'a [u8] {
    fn read(c: &mut Cursor<'a>) -> Self {
        c.bytes()
    }
}

impl<'a> Element<'a> for Number {
    fn read(c: &mut Cursor<'a>) -> Self {
        c.number()
    }
}

impl<'a, T: Element<'a>> Iterator for Seq<'a, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        self.left = self.left.checked_sub(1)?;
        let mut c = Cursor(self.bytes);
        let element = T::read(&mut c);
        self.bytes = c.0;
        Some(element)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<'a, T: Element<'a>> ExactSizeIterator for Seq<'a, T> {}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    fn number() -> impl Strategy<Value = Number> {
        (any::<bool>(), 0u128..10u128.pow(38), -130i32..=88).prop_map(|(negative, significand, exponent)| {
            Number::from_parts(negative, significand, exponent).unwrap_or(Number::ZERO)
        })
    }

    /// A set's members as the store holds them: each once, sorted.
    fn distinct<T: Ord>(v: Vec<T>) -> Vec<T> {
        v.into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    /// Any attribute value DynamoDB stores: non-empty, duplicate-free, sorted sets, nesting a few levels.
    pub(crate) fn value() -> impl Strategy<Value = AttributeValue> {
        let leaf = prop_oneof![
            ".{0,12}".prop_map(AttributeValue::S),
            number().prop_map(AttributeValue::N),
            prop::collection::vec(any::<u8>(), 0..12).prop_map(AttributeValue::B),
            any::<bool>().prop_map(AttributeValue::Bool),
            Just(AttributeValue::Null),
            prop::collection::vec(".{0,6}", 1..4).prop_map(|v| AttributeValue::Ss(distinct(v))),
            prop::collection::vec(number(), 1..4).prop_map(|v| AttributeValue::Ns(distinct(v))),
            prop::collection::vec(prop::collection::vec(any::<u8>(), 0..5), 1..4)
                .prop_map(|v| AttributeValue::Bs(distinct(v))),
        ];
        leaf.prop_recursive(4, 40, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(AttributeValue::L),
                prop::collection::btree_map(".{1,6}", inner, 0..6)
                    .prop_map(|m| AttributeValue::M(m.into_iter().collect())),
            ]
        })
    }

    pub(crate) fn item() -> impl Strategy<Value = Item> {
        prop::collection::btree_map(".{1,8}", value(), 0..8).prop_map(|m| m.into_iter().collect())
    }

    proptest! {
        #[test]
        fn decodes_to_the_item_it_encoded(item in item(), key in prop::collection::vec(any::<u8>(), 0..300)) {
            let stored = Stored::keyed(&key, &item);
            prop_assert_eq!(stored.key(), &key[..]);
            prop_assert_eq!(stored.item(), item.clone());
            prop_assert_eq!(stored.size(), item_size(&item));
            for (name, value) in item.iter() {
                prop_assert_eq!(stored.get(name).map(|v| v.value()), Some(value.clone()));
            }
        }
    }

    /// The allocation is measured before it is filled: containers whose lengths need one, two and
    /// three varint bytes, nested, fill it exactly (a length measured short would leave the last
    /// bytes zero, which `checked` refuses as a wrong size or bytes after the item).
    #[test]
    fn a_measured_encoding_fills_its_allocation_exactly() {
        for len in [0, 126, 127, 128, 16_383, 16_384, 300_000] {
            let inner = AttributeValue::L(vec![AttributeValue::S("x".repeat(len))]);
            let mut map = Item::default();
            map.insert("l".into(), inner);
            let mut item = Item::default();
            item.insert("m".into(), AttributeValue::M(map));
            item.insert("n".into(), AttributeValue::N(Number::parse("-1.5e-20").unwrap()));
            let stored = Stored::keyed(b"k", &item);
            let checked = Stored::checked(stored.bytes()).unwrap_or_else(|m| panic!("{len}: {m:?}"));
            assert_eq!(checked.item, item, "{len}");
            assert_eq!(stored.key(), b"k");
        }
    }

    proptest! {
        #[test]
        fn checked_takes_back_what_it_encoded(item in item()) {
            let stored = Stored::new(&item);
            let checked = Stored::checked(stored.bytes()).map_err(|m| TestCaseError::fail(format!("{m:?}")))?;
            prop_assert_eq!(checked.keyed(b"key"), Stored::keyed(b"key", &item));
            prop_assert_eq!(checked.item, item);
        }

        /// Damaged bytes: an error or some item, never a panic (here or when read).
        #[test]
        fn checked_never_panics_on_damaged_bytes(item in item(), at in any::<prop::sample::Index>(), to in any::<u8>(), cut in any::<bool>()) {
            let mut bytes = Stored::new(&item).bytes().to_vec();
            let at = at.index(bytes.len());
            if cut { bytes.truncate(at) } else { bytes[at] = to }
            if let Ok(checked) = Stored::checked(&bytes) {
                prop_assert_eq!(checked.keyed(&[]).item(), checked.item);
            }
        }
    }

    #[test]
    fn checked_names_where_and_why() {
        let item = Item::from_iter([
            ("a".to_string(), AttributeValue::S("x".into())),
            ("b".to_string(), AttributeValue::L(vec![AttributeValue::Null])),
        ]);
        // size 8, count 2, "a" (length 1), S "x", "b", L of length 2 and count 1, NULL
        let good = Stored::new(&item).bytes().to_vec();
        assert_eq!(good, [8, 2, 1, b'a', S, 1, b'x', 1, b'b', L, 2, 1, NULL]);
        let bad = |edit: &dyn Fn(&mut Vec<u8>)| {
            let mut bytes = good.clone();
            edit(&mut bytes);
            Stored::checked(&bytes).err()
        };
        let at = |at, what| Some(Malformed { at, what });
        assert_eq!(bad(&|b| b.truncate(5)), at(5, "cut short"));
        assert_eq!(bad(&|b| b.push(0)), at(13, "bytes after the item"));
        assert_eq!(bad(&|b| b[4] = 77), at(4, "an unknown value tag"));
        assert_eq!(bad(&|b| b[6] = 0xff), at(5, "a string not UTF-8"));
        assert_eq!(bad(&|b| b[3] = b'c'), at(7, "names out of order"));
        assert_eq!(bad(&|b| b[5] = 9), at(6, "a length past the end"));
        assert_eq!(
            bad(&|b| b[10] = 1),
            at(13, "a container's length does not match its elements")
        );
        assert_eq!(bad(&|b| b[0] = 7), at(0, "a wrong item size"));
        assert_eq!(
            bad(&|b| b.splice(0..1, [0x80; 11]).for_each(drop)),
            at(0, "a number too large")
        );
        // Nested deeper than any item the write path accepts: refused before recursing further.
        let mut deep = vec![0, 1, 1, b'a'];
        deep.extend((0..100_000).flat_map(|_| [L, 0x80, 0x80, 0x01, 1]));
        assert_eq!(
            Stored::checked(&deep).err(),
            at(4 + 5 * MAX_NESTING + 1, "nested too deep")
        );
    }

    /// A number with trailing zeros in its significand (which the encoder never writes) is
    /// refused: readers take stored numbers' parts as they are.
    #[test]
    fn checked_refuses_a_number_not_normalised() {
        let one = Number::parse("1").unwrap();
        let mut bytes = Stored::new(&Item::from_iter([("n".to_string(), AttributeValue::N(one))]))
            .bytes()
            .to_vec();
        assert_eq!(bytes[4..], [N, 0, 0, 1]);
        bytes[7] = 10; // 10 × 10^0, which the encoder writes as 1 × 10^1
        let refused = Malformed {
            at: 5,
            what: "a number not normalised",
        };
        assert_eq!(Stored::checked(&bytes).err(), Some(refused));
    }

    #[test]
    fn the_cached_page_size_is_the_measured_one_and_not_part_of_equality() {
        let item = Item::from_iter([
            ("pk".to_string(), AttributeValue::S("a".repeat(200))),
            ("sk".to_string(), AttributeValue::N(Number::parse("12.5").unwrap())),
        ]);
        let (asked, fresh) = (Stored::new(&item), Stored::new(&item));
        let measured = asked.measure_page_size(Some("sk"));
        // body: pk's 200 bytes, a 2-byte length and its name's byte; sk (3 bytes) apart.
        assert_eq!(measured, 2 + 203 + 18 + 3);
        assert_eq!(asked.page_size(Some("sk")), measured);
        assert_eq!(asked.page_size(Some("sk")), measured);
        assert!(asked == fresh, "a cached size must not make equal items unequal");
    }

    #[test]
    fn numbers_keep_their_extremes_exactly() {
        for text in [
            "0",
            "-1",
            "1E-130",
            "-9.9999999999999999999999999999999999999E+125",
            "12345678901234567890123456789012345678",
        ] {
            let n = Number::parse(text).unwrap();
            let item = Item::from_iter([("n".to_string(), AttributeValue::N(n))]);
            assert_eq!(
                Stored::new(&item).get("n").map(|v| v.value()),
                Some(AttributeValue::N(n)),
                "{text}"
            );
        }
    }

    #[test]
    fn one_small_allocation() {
        // The 100-byte item of `loadgen mem`: names and values plus a few bytes of framing.
        let item = Item::from_iter([
            ("pk".to_string(), AttributeValue::S("item000001".into())),
            ("n".to_string(), AttributeValue::N(Number::parse("1").unwrap())),
            ("pad".to_string(), AttributeValue::S("x".repeat(70))),
        ]);
        assert_eq!(item_size(&item), 88);
        // Framing: the empty key's length, size and count, three name lengths, three tags, two
        // string lengths, and the number's three bytes where its size counts two.
        assert_eq!(Stored::new(&item).0.slice.len(), 1 + 88 + 2 + 3 + 3 + 2 + 1);
        // The allocation: triomphe's count and length, then the bytes; the pointer is thin.
        assert_eq!(std::mem::size_of::<Stored>(), 8);
    }
}
