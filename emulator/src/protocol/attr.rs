//! AttributeValue ⇄ JSON, with the per-value checks DynamoDB makes on every value it receives
//! (exactly one type, sets non-empty and free of duplicates, NULL true, numbers in range); sets are
//! kept sorted, as DynamoDB returns them.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;
use smallvec::SmallVec;
use std::borrow::Cow;

use super::item_json;
use super::serialization::{refusal, Found, Values, Wanted};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{first_repeat, AttributeValue, Item, Number, NumberError, Reading, Stored, MAX_NESTING};

/// A placeholder for an attribute value whose JSON text is kept as it came, to be decoded
/// straight into an [`AttributeValue`] by [`decode`]: a 14 MB item then costs its text and its
/// decoded value, not a `serde_json::Value` tree fifty times its size. Only an object is kept raw;
/// anything else stays a `Value`, so the shape's type pass words its error as before.
///
/// The placeholder is a JSON string holding the text, which starts with `{`: the text's own
/// allocation and nothing more. An object placeholder cost a B-tree leaf of eleven slots (about
/// 650 bytes) per value, which made an item of many small attributes cost fifty times its size in
/// flight; a one-element array, 32 bytes more per value. A client's own string or array is never
/// an attribute value (DynamoDB refuses either by its type alone, whatever it holds), so each is
/// kept empty, and no request can forge a placeholder.
pub fn keep_raw(raw: Box<RawValue>) -> serde_json::Result<Value> {
    match raw.get().as_bytes().first() {
        Some(b'{') => Ok(Value::String(String::from(Box::<str>::from(raw)))),
        Some(b'"') => Ok(Value::String(String::new())),
        Some(b'[') => Ok(Value::Array(Vec::new())),
        _ => serde_json::from_str(raw.get()),
    }
}

/// The text a [`keep_raw`] placeholder holds, if `v` is one.
pub fn kept(v: &Value) -> Option<&str> {
    v.as_str().filter(|text| text.starts_with('{'))
}

/// An item the parse kept whole as its JSON text (`Shape::Item`), with its number of members:
/// `{"": ["<text>", n]}`. No request can take that form, since an attribute map's member that is
/// an array is kept empty ([`keep_raw`]). Decoded straight from the text ([`decode_map_kept`]), an item of many small
/// attributes costs its text and its decoded form while in flight, not also a tree of its members
/// (a B-tree entry, a name and a placeholder each, about 120 bytes per attribute).
pub fn keep_item(raw: Box<RawValue>, members: usize) -> Value {
    let text = Value::String(String::from(Box::<str>::from(raw)));
    Value::Object(
        [(String::new(), Value::Array(vec![text, members.into()]))]
            .into_iter()
            .collect(),
    )
}

/// The text of an item [`keep_item`] kept and its number of members, if `v` is one.
pub fn kept_item(v: &Value) -> Option<(&str, usize)> {
    match v.as_object()?.get("")?.as_array()?.as_slice() {
        [Value::String(text), n] => Some((text, n.as_u64()? as usize)),
        _ => None,
    }
}

/// Calls `each` with the name (read as `K`) and the text of every member of the JSON object
/// `text`, in the order sent.
pub fn each_member<'a, K: serde::Deserialize<'a>>(
    text: &'a str,
    each: impl FnMut(K, &'a RawValue),
) -> serde_json::Result<()> {
    struct Members<K, F>(F, std::marker::PhantomData<K>);
    impl<'a, K: serde::Deserialize<'a>, F: FnMut(K, &'a RawValue)> Visitor<'a> for Members<K, F> {
        type Value = ();

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }

        fn visit_map<A: MapAccess<'a>>(mut self, mut map: A) -> Result<(), A::Error> {
            while let Some(name) = map.next_key()? {
                (self.0)(name, map.next_value()?);
            }
            Ok(())
        }
    }
    serde_json::Deserializer::from_str(text).deserialize_map(Members(each, std::marker::PhantomData))
}

/// Whether an item (kept whole or not) has a member named `""`, read without decoding it.
pub fn has_empty_name(item: &Value) -> bool {
    match kept_item(item) {
        Some((text, _)) => {
            let mut empty = false;
            // The parse read the text; it cannot fail.
            let _ = each_member(text, |name: String, _| empty |= name.is_empty());
            empty
        }
        None => item.as_object().is_some_and(|m| m.contains_key("")),
    }
}

/// The value a [`keep_raw`] placeholder stands for, parsed back from its text (any other value
/// as it is): what an error echoing the request shows, never the placeholder itself.
pub fn unraw(v: &Value) -> Cow<'_, Value> {
    match kept(v) {
        Some(text) => serde_json::from_str(text).map_or(Cow::Borrowed(v), Cow::Owned),
        None => Cow::Borrowed(v),
    }
}

/// Whether `message`, a refusal of an attribute value, is of the value's form (no type or
/// several, NULL not true, an empty string or binary set) rather than of its numbers or set
/// members (unreadable or out-of-range numbers, an empty number set, duplicates), which DynamoDB
/// words alike wherever the value stands (`wire::start_key`).
pub fn refuses_form(message: &str) -> bool {
    ![
        "numeric value",
        "significant digits",
        "number with magnitude",
        "number set",
        "contains duplicates",
    ]
    .iter()
    .any(|m| message.contains(m))
}

/// Where an attribute value was read: whether a [`keep_raw`] placeholder can stand there.
#[derive(Clone, Copy)]
enum Source {
    /// A [`Shape::Attr`](super::shape::Shape::Attr) position of the guided parse, where each
    /// object is a placeholder and a client's string or array is kept empty.
    Kept,
    /// JSON parsed as it is (legacy conditions and updates, BatchGetItem's keys, the emulator's
    /// own JSON): a string there is the client's, whatever it holds, and is refused as one.
    Json,
}

/// Decodes one AttributeValue parsed as plain JSON (see [`Source::Json`]).
pub fn decode(v: &Value) -> Result<AttributeValue> {
    decode_at(v, Source::Json, Reading::Exact)
}

/// Decodes one AttributeValue from a `Shape::Attr` position of the guided parse.
pub fn decode_kept(v: &Value) -> Result<AttributeValue> {
    decode_kept_as(v, Reading::Exact)
}

/// [`decode_kept`] with numbers read as `reading` reads them.
pub fn decode_kept_as(v: &Value, reading: Reading) -> Result<AttributeValue> {
    decode_at(v, Source::Kept, reading)
}

/// Decodes a map of attribute values parsed as plain JSON (see [`Source::Json`]).
pub fn decode_map(v: &Value) -> Result<Item> {
    map_at(v, Source::Json, Reading::Exact)
}

/// Decodes a map of attribute values (an item, a key, ExpressionAttributeValues) from positions
/// the guided parse kept.
pub fn decode_map_kept(v: &Value) -> Result<Item> {
    decode_map_kept_as(v, Reading::Exact)
}

/// [`decode_map_kept`] with numbers read as `reading` reads them.
pub fn decode_map_kept_as(v: &Value, reading: Reading) -> Result<Item> {
    map_at(v, Source::Kept, reading)
}

fn map_at(v: &Value, source: Source, reading: Reading) -> Result<Item> {
    if let Some((text, members)) = kept_item(v).filter(|_| matches!(source, Source::Kept)) {
        return item_from_text(text, members, reading);
    }
    match v {
        // Sized once: a map collected through `Result` grows by doubling, up to twice its size.
        Value::Object(m) => {
            let mut item = Item::with_capacity(m.len());
            for (k, x) in m {
                item.insert(k.clone(), decode_at(x, source, reading)?);
            }
            Ok(item)
        }
        other => match Found::of(other) {
            Some(found) => Err(refusal(Wanted::Map(Values::Of("AttributeValue")), found)),
            // A null map is an absent one.
            None => Ok(Item::default()),
        },
    }
}

/// An item [`keep_item`] kept, decoded from its text in one pass, each value as a kept value is,
/// each name moved into the item, which is sized once and sorted once (in place). The members'
/// tree of the parse orders them by name and keeps the later of two equal names, so a first
/// refusal is the least name's; a repeated name (which an unstable sort cannot settle) and a
/// number past a double's range (which stops serde_json's pass, see [`decode_text`]) take that
/// tree's way, each value read from its own text.
fn item_from_text(text: &str, members: usize, reading: Reading) -> Result<Item> {
    let pass = match plain_members(text, members, reading) {
        Some(plain) => Ok(plain),
        None => serde_json::Deserializer::from_str(text).deserialize_map(ItemPass { members, reading }),
    };
    if let Ok((mut item, mut refused)) = pass {
        item.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        refused.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let repeated = item.windows(2).any(|w| w[0].0 == w[1].0)
            || refused.windows(2).any(|w| w[0].0 == w[1].0)
            || refused
                .iter()
                .any(|(name, _)| item.binary_search_by(|m| m.0.cmp(name)).is_ok());
        if !repeated {
            return match refused.into_iter().next() {
                Some((_, e)) => Err(e),
                None => Ok(Item::from_sorted_store_unchecked(item)),
            };
        }
    }
    let members: std::collections::BTreeMap<String, &RawValue> =
        serde_json::from_str(text).map_err(|e| Error::serialization(e.to_string()))?;
    members
        .into_iter()
        .map(|(name, v)| Ok((name, decode_text(v.get(), reading)?)))
        .collect()
}

/// [`item_from_text`]'s pass: the decoded members in the order sent, and the refused ones apart.
struct ItemPass {
    members: usize,
    reading: Reading,
}

type Members = (Vec<(String, AttributeValue)>, Vec<(String, Error)>);

impl<'de> Visitor<'de> for ItemPass {
    type Value = Members;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an item")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
        let (mut item, mut refused) = (Vec::with_capacity(self.members), Vec::new());
        while let Some(name) = map.next_key::<String>()? {
            match map.next_value_seed(ValueSeed {
                level: 1,
                reading: self.reading,
            })? {
                Ok(v) => item.push((name, v)),
                Err(e) => refused.push((name, e)),
            }
        }
        Ok((item, refused))
    }
}

fn decode_at(v: &Value, source: Source, reading: Reading) -> Result<AttributeValue> {
    match kept(v).filter(|_| matches!(source, Source::Kept)) {
        Some(text) => decode_text(text, reading),
        // A parsed value is well-formed JSON, and the visitors accept every JSON value.
        None => ValueSeed { level: 1, reading }
            .deserialize(v)
            .unwrap_or_else(|e| Err(Error::serialization(e.to_string()))),
    }
}

/// Decodes an attribute value from its JSON text (well-formed: the parse read it).
fn decode_text(text: &str, reading: Reading) -> Result<AttributeValue> {
    if let Some(decoded) = plain_scalar(text, reading) {
        return decoded;
    }
    let seed = ValueSeed { level: 1, reading };
    let from_text = |text: &str| seed.deserialize(&mut serde_json::Deserializer::from_str(text));
    // A JSON number past a double's range is well-formed JSON that the parser refuses before a
    // visitor sees it; DynamoDB's reader sees a number token and words it by where it stands, so
    // the text is read again with such numbers brought into range.
    from_text(text)
        .or_else(|e| tame_numbers(text).map_or(Err(e), |t| from_text(&t)))
        .unwrap_or_else(|e| Err(Error::serialization(e.to_string())))
}

/// A JSON string's text up to its closing quote, and what follows that quote, when nothing in it
/// needs the JSON reader (no escape or control character): the string is then that text as it is.
fn plain_string(text: &str) -> Option<(&str, &str)> {
    let end = text.bytes().position(|b| b == b'"' || b == b'\\' || b < 0x20)?;
    (text.as_bytes()[end] == b'"').then(|| (&text[..end], &text[end + 1..]))
}

/// The value at the head of `text` when it is exactly `{"S":"…"}` or `{"N":"…"}` with a plain
/// string ([`plain_string`]), and the text after it, read without serde_json: most values a
/// request carries (keys, ExpressionAttributeValues, an item's scalars) have that form, and the
/// general reader costs about ten times as much on them. The value is what that reader makes of
/// the same text; `None` leaves any other text to it.
fn plain_value(text: &str, reading: Reading) -> Option<(Result<AttributeValue>, &str)> {
    let (string, rest) = match text.strip_prefix(r#"{"S":""#) {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix(r#"{"N":""#)?),
    };
    let (s, rest) = plain_string(rest)?;
    let rest = rest.strip_prefix('}')?;
    let value = match string {
        true => Ok(AttributeValue::S(s.to_owned())),
        false => number(s, reading).map(AttributeValue::N),
    };
    Some((value, rest))
}

/// The value of `text` when it is one plain value and nothing more ([`plain_value`]).
fn plain_scalar(text: &str, reading: Reading) -> Option<Result<AttributeValue>> {
    plain_value(text, reading).and_then(|(value, rest)| rest.is_empty().then_some(value))
}

/// [`ItemPass`]'s members when the item's text is compact and every member has a plain name and
/// value ([`plain_string`], [`plain_value`]): read without serde_json, with the same outcome;
/// `None` for any other text, which the pass reads.
fn plain_members(text: &str, members: usize, reading: Reading) -> Option<Members> {
    let (mut item, mut refused) = (Vec::with_capacity(members), Vec::new());
    let mut rest = text.strip_prefix("{\"")?;
    loop {
        let (name, after) = plain_string(rest)?;
        let (value, after) = plain_value(after.strip_prefix(':')?, reading)?;
        match value {
            Ok(v) => item.push((name.to_owned(), v)),
            Err(e) => refused.push((name.to_owned(), e)),
        }
        match after.strip_prefix(",\"") {
            Some(next) => rest = next,
            None => return (after == "}").then_some((item, refused)),
        }
    }
}

/// `text` with each number a double cannot hold replaced by one of the same kind (`0.5` for a
/// fraction or exponent, `1` for an integer), or `None` when it has none. A number is never a
/// valid attribute value, so the value read back is refused all the same, in the right words.
fn tame_numbers(text: &str) -> Option<String> {
    let (mut out, mut last, mut changed) = (String::with_capacity(text.len()), 0, false);
    let (mut in_string, mut escaped) = (false, false);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            (in_string, escaped) = (escaped || b != b'"', !escaped && b == b'\\');
        } else if b == b'"' {
            in_string = true;
        } else if b == b'-' || b.is_ascii_digit() {
            let end = bytes[i..]
                .iter()
                .position(|c| !matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                .map_or(bytes.len(), |n| i + n);
            let number = &text[i..end];
            if number.parse::<f64>().is_ok_and(f64::is_infinite) {
                let fraction = number.contains(['.', 'e', 'E']);
                out.push_str(&text[last..i]);
                out.push_str(if fraction { "0.5" } else { "1" });
                (last, changed) = (end, true);
            }
            i = end;
            continue;
        }
        i += 1;
    }
    out.push_str(&text[last..]);
    changed.then_some(out)
}

/// Decodes an attribute value at nesting `level` from any JSON source (a text or a `Value`), with
/// the per-value checks in DynamoDB's order: a wrongly typed value is an `Ok(Err(..))`, so the
/// whole input is still read; past [`MAX_NESTING`] it skips the rest without recursing.
#[derive(Clone, Copy)]
struct ValueSeed {
    level: usize,
    reading: Reading,
}

impl ValueSeed {
    /// The seed of a value nested in this one.
    fn deeper(self) -> ValueSeed {
        ValueSeed {
            level: self.level + 1,
            ..self
        }
    }
}

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Result<AttributeValue>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        if self.level > MAX_NESTING {
            serde::Deserialize::deserialize(d).map(|IgnoredAny| ())?;
            return Ok(Err(Error::nesting_exceeded()));
        }
        d.deserialize_any(Node::Attr(self)).map(|node| match node {
            Parsed::Attr(v) => v,
            other => Err(refusal(Wanted::Value("AttributeValue"), other.found())),
        })
    }
}

/// What the visitor expects where it stands; anything else is read past and reported by kind.
#[derive(Clone, Copy)]
enum Node {
    /// An attribute value object at the seed's level.
    Attr(ValueSeed),
    /// The value of a type member (`"S"`, `"L"`, ...) of an attribute value at the seed's level.
    Typed(&'static str, ValueSeed),
    /// A set member or a scalar: only a string or a boolean matters.
    Scalar,
}

/// What a [`Node`] read.
enum Parsed {
    Null,
    Bool(bool),
    Str(String),
    /// The string of an `"N"` member, parsed as it was read.
    Num(Result<Number>),
    Attr(Result<AttributeValue>),
    /// The members of a map of attribute values, in JSON order.
    Members(SmallVec<[(String, Result<AttributeValue>); 0]>),
    /// A list's attribute values, or the first refusal among them.
    Values(Result<Vec<AttributeValue>>),
    /// A set's strings, or the first refusal among them.
    Strings(Result<Vec<String>>),
    /// Any other JSON, read and dropped: what it was.
    Other(Found),
}

impl Parsed {
    /// The JSON token this was read from (never null: null members are dropped before).
    fn found(&self) -> Found {
        match self {
            Parsed::Bool(true) => Found::True,
            Parsed::Bool(false) => Found::False,
            Parsed::Null | Parsed::Str(_) | Parsed::Num(_) => Found::String,
            Parsed::Attr(_) | Parsed::Members(_) => Found::Object,
            Parsed::Values(_) | Parsed::Strings(_) => Found::Array,
            Parsed::Other(found) => *found,
        }
    }
}

/// The wire name of an attribute value's type member, as a static string.
fn type_name(ty: &str) -> &'static str {
    ["S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"]
        .into_iter()
        .find(|t| *t == ty)
        .unwrap_or("")
}

impl<'de> DeserializeSeed<'de> for Node {
    type Value = Parsed;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Parsed, D::Error> {
        match self {
            Node::Attr(seed) => seed.deserialize(d).map(Parsed::Attr),
            _ => d.deserialize_any(self),
        }
    }
}

impl<'de> Visitor<'de> for Node {
    type Value = Parsed;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Parsed, E> {
        Ok(Parsed::Null)
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Parsed, E> {
        Ok(Parsed::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Parsed, E> {
        Ok(Parsed::Other(Found::Integer))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Parsed, E> {
        Ok(Parsed::Other(Found::Integer))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Parsed, E> {
        Ok(Parsed::Other(Found::Decimal))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Parsed, E> {
        Ok(match self {
            Node::Typed("N", seed) => Parsed::Num(number(s, seed.reading)),
            _ => Parsed::Str(s.to_owned()),
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Parsed, A::Error> {
        match self {
            Node::Typed("L", seed) => {
                let element = seed.deeper();
                until_refused(&mut seq, |s| s.next_element_seed(element)).map(Parsed::Values)
            }
            Node::Typed(set @ ("SS" | "NS" | "BS"), _) => {
                let wanted = if set == "BS" { Wanted::Blob } else { Wanted::String };
                until_refused(&mut seq, |s| {
                    Ok(s.next_element_seed(Node::Scalar)?.map(|member| match member {
                        Parsed::Str(s) => Ok(s),
                        // A JSON null in a set is a member missing, not a value of the wrong
                        // type (AWS, 2026: ExtendDB's dual-target suite, whose number and binary
                        // cases ask only for the class; their words follow the string set's).
                        Parsed::Null => {
                            let kind = match set {
                                "SS" => "string",
                                "NS" => "number",
                                _ => "binary",
                            };
                            Err(Error::invalid_parameter(format!(
                                "An {kind} set may not have a null {kind} as a member"
                            )))
                        }
                        other => Err(refusal(wanted, other.found())),
                    }))
                })
                .map(Parsed::Strings)
            }
            _ => {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Parsed::Other(Found::Array))
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parsed, A::Error> {
        match self {
            Node::Attr(seed) => {
                // An attribute value has one member: kept inline, its name static when known.
                let mut types: SmallVec<[(Cow<'static, str>, Parsed); 1]> = SmallVec::new();
                while let Some(ty) = map.next_key_seed(TypeName)? {
                    let x = map.next_value_seed(Node::Typed(type_name(&ty), seed))?;
                    types.push((ty, x));
                }
                Ok(Parsed::Attr(attribute(types, seed.reading)))
            }
            Node::Typed("M", seed) => {
                let mut members = SmallVec::new();
                while let Some(name) = map.next_key::<String>()? {
                    members.push((name, map.next_value_seed(seed.deeper())?));
                }
                Ok(Parsed::Members(members))
            }
            _ => {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Parsed::Other(Found::Object))
            }
        }
    }
}

/// A map's first refused member in the order sent, of those no later member of the same name
/// replaces: DynamoDB reports the first problem in document order, so a member nested too deep
/// ahead of an unreadable number is the nesting error (the conformance suite's
/// partiqlParameterNumbers.test.ts, AWS, October 2026); the JSON reader's refusals
/// (SerializationException) come first, as the whole body is read before it is validated.
/// Costs nothing more without a refusal.
fn first_refusal(members: &[(String, Result<AttributeValue>)]) -> Option<Error> {
    let first = members.iter().position(|(_, v)| v.is_err())?;
    let last: std::collections::HashMap<&str, usize> =
        members.iter().enumerate().map(|(i, (k, _))| (k.as_str(), i)).collect();
    let mut refused = members
        .iter()
        .enumerate()
        .skip(first)
        .filter(|(i, (k, _))| last.get(k.as_str()) == Some(i))
        .filter_map(|(_, (_, v))| v.as_ref().err());
    let first = refused.next()?;
    let serialization = |e: &&Error| e.kind == ErrorKind::Serialization;
    match serialization(&first) {
        true => Some(first.clone()),
        false => Some(refused.find(serialization).unwrap_or(first).clone()),
    }
}

/// Sorts JSON members by name, the later of two equal names winning (the order and the rule of the
/// `serde_json::Map` this decoder replaces, which DynamoDB's answers were matched against).
fn by_name<K: Ord, T, A: smallvec::Array<Item = (K, T)>>(mut members: SmallVec<A>) -> SmallVec<A> {
    members.reverse();
    members.sort_by(|a, b| a.0.cmp(&b.0));
    members.dedup_by(|later, earlier| later.0 == earlier.0);
    members
}

/// Reads an attribute value's member name as the static name of its type when it is one (no
/// allocation for the names a request carries), else as it came (it still orders the members).
struct TypeName;

impl<'de> DeserializeSeed<'de> for TypeName {
    type Value = Cow<'static, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for TypeName {
    type Value = Cow<'static, str>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(match type_name(s) {
            "" => Cow::Owned(s.to_owned()),
            known => Cow::Borrowed(known),
        })
    }
}

/// An attribute value from its members: exactly one non-null type.
fn attribute(members: SmallVec<[(Cow<'static, str>, Parsed); 1]>, reading: Reading) -> Result<AttributeValue> {
    let mut types = by_name(members).into_iter().filter(|(_, x)| !matches!(x, Parsed::Null));
    let Some((ty, x)) = types.next() else {
        return Err(Error::validation(
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
        ));
    };
    let value = typed(&ty, x, reading)?;
    if types.next().is_some() {
        return Err(Error::validation(
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes",
        ));
    }
    Ok(value)
}

/// Reads a JSON array's elements with `next`, keeping them until the first refusal and only
/// skipping the rest after it, so a long list is never held twice.
fn until_refused<'de, A: SeqAccess<'de>, T>(
    seq: &mut A,
    mut next: impl FnMut(&mut A) -> Result<Option<Result<T>>, A::Error>,
) -> Result<Result<Vec<T>>, A::Error> {
    let mut items = Vec::new();
    while let Some(item) = next(seq)? {
        match item {
            Ok(v) => items.push(v),
            Err(e) => {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                return Ok(Err(e));
            }
        }
    }
    Ok(Ok(items))
}

/// The strings of a set, or DynamoDB's complaint about its JSON.
fn strings(x: Parsed) -> Result<Vec<String>> {
    match x {
        Parsed::Strings(strings) => strings,
        other => Err(refusal(Wanted::List, other.found())),
    }
}

fn number(s: &str, reading: Reading) -> Result<Number> {
    Number::read(s, reading).map_err(|e| match e {
        // Only the older validator leaves out an empty text and its colon.
        NumberError::Invalid if s.is_empty() && reading == Reading::BigDecimal => Error::validation(e.message()),
        NumberError::Invalid => Error::validation(format!("{}: {s}", e.message())),
        _ => Error::validation(e.message()),
    })
}

/// Base64 text as bytes; DynamoDB's reader checks the length first, then the characters.
fn binary(s: &str) -> Result<Vec<u8>> {
    if s.len() % 4 != 0 {
        return Err(Error::serialization(format!(
            "Base64 encoded length is expected a multiple of 4 bytes but found: {}",
            s.len()
        )));
    }
    STANDARD
        .decode(s)
        .map_err(|_| Error::serialization("Invalid last non-pad Base64 character dectected"))
}

fn empty_set(kind: &str) -> Error {
    Error::invalid_parameter(format!("An {kind} set  may not be empty"))
}

/// The value `x` holds as type `ty`; a set's members sorted (after the duplicate check, whose
/// text lists them as sent).
fn typed(ty: &str, x: Parsed, reading: Reading) -> Result<AttributeValue> {
    typed_as_sent(ty, x, reading).map(AttributeValue::in_set_order)
}

fn typed_as_sent(ty: &str, x: Parsed, reading: Reading) -> Result<AttributeValue> {
    let wrong = |wanted: Wanted, x: &Parsed| Err(refusal(wanted, x.found()));
    Ok(match ty {
        "S" => match x {
            Parsed::Str(s) => AttributeValue::S(s),
            x => return wrong(Wanted::String, &x),
        },
        "N" => match x {
            Parsed::Num(n) => AttributeValue::N(n?),
            x => return wrong(Wanted::String, &x),
        },
        "B" => match x {
            Parsed::Str(s) => AttributeValue::B(binary(&s)?),
            x => return wrong(Wanted::Blob, &x),
        },
        "BOOL" => match x {
            Parsed::Bool(b) => AttributeValue::Bool(b),
            x => return wrong(Wanted::Boolean, &x),
        },
        "NULL" => match x {
            Parsed::Bool(true) => AttributeValue::Null,
            Parsed::Bool(false) => {
                return Err(Error::invalid_parameter(
                    "Null attribute value types must have the value of true",
                ))
            }
            x => return wrong(Wanted::Boolean, &x),
        },
        "M" => match x {
            Parsed::Members(members) => {
                if let Some(e) = first_refusal(&members) {
                    return Err(e);
                }
                let members = by_name(members).into_iter().map(|(k, v)| Ok((k, v?)));
                AttributeValue::M(members.collect::<Result<_>>()?)
            }
            x => return wrong(Wanted::Map(Values::Of("AttributeValue")), &x),
        },
        "L" => match x {
            Parsed::Values(items) => AttributeValue::L(items?),
            x => return wrong(Wanted::List, &x),
        },
        "SS" => {
            let v = strings(x)?;
            if v.is_empty() {
                return Err(empty_set("string"));
            }
            if let Some(order) = first_repeat(&v) {
                return Err(Error::duplicates(ty, &v, &order, reading));
            }
            AttributeValue::Ss(v)
        }
        "NS" => {
            let raw = strings(x)?;
            if raw.is_empty() {
                return Err(empty_set("number"));
            }
            let v: Vec<Number> = raw.iter().map(|s| number(s, reading)).collect::<Result<_>>()?;
            if let Some(order) = first_repeat(&v) {
                return Err(Error::duplicates(ty, &raw, &order, reading));
            }
            AttributeValue::Ns(v)
        }
        "BS" => {
            let raw = strings(x)?;
            if raw.is_empty() {
                return Err(Error::invalid_parameter("Binary sets should not be empty"));
            }
            let v: Vec<Vec<u8>> = raw.iter().map(|s| binary(s)).collect::<Result<_>>()?;
            if let Some(order) = first_repeat(&v) {
                return Err(Error::duplicates(ty, &raw, &order, reading));
            }
            AttributeValue::Bs(v)
        }
        _ => {
            return Err(Error::validation(
                "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
            ))
        }
    })
}

/// Encodes an item as a JSON tree, for answers that embed it in one.
/// Encoded as the store keeps items and written as [`item_json`] writes them, so trees and
/// stored items have one JSON writer.
#[allow(clippy::expect_used)] // The writer writes JSON.
pub fn encode_map(item: &Item) -> Value {
    let mut out = Vec::new();
    item_json::item(&mut out, &Stored::new(item));
    serde_json::from_slice(&out).expect("items are written as JSON")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(v: Value) -> String {
        decode(&v).unwrap_err().message.unwrap()
    }

    #[test]
    fn form_refusals_are_told_from_number_and_member_refusals() {
        let form = [
            json!({}),
            json!({"S": "a", "N": "1"}),
            json!({"NULL": false}),
            json!({"SS": []}),
            json!({"BS": []}),
        ];
        for v in form {
            assert!(refuses_form(&err(v.clone())), "{v}");
        }
        let members = [
            json!({"NS": []}),
            json!({"N": "x"}),
            json!({"N": ""}),
            json!({"N": "1e126"}),
            json!({"N": "1e-131"}),
            json!({"N": "123456789012345678901234567890123456789"}),
            json!({"SS": ["a", "a"]}),
            json!({"NS": ["1", "1"]}),
            json!({"BS": ["Yg==", "Yg=="]}),
        ];
        for v in members {
            assert!(!refuses_form(&err(v.clone())), "{v}");
        }
    }

    /// A JSON null in a set is a member missing.
    #[test]
    fn a_null_in_a_set_is_a_missing_member() {
        assert_eq!(
            err(json!({"SS": ["a", null]})),
            "One or more parameter values were invalid: An string set may not have a null string as a member"
        );
        assert_eq!(
            err(json!({"L": [{"M": {"k": {"SS": [null]}}}]})),
            "One or more parameter values were invalid: An string set may not have a null string as a member"
        );
        assert!(refuses_form(&err(json!({"SS": [null]}))));
        assert_eq!(
            err(json!({"NS": ["1", null]})),
            "One or more parameter values were invalid: An number set may not have a null number as a member"
        );
        assert_eq!(
            err(json!({"BS": [null]})),
            "One or more parameter values were invalid: An binary set may not have a null binary as a member"
        );
    }

    #[test]
    fn round_trips_every_type() {
        let v = json!({"M": {"s": {"S": "x"}, "n": {"N": "1.50"}, "b": {"B": "AAEC"}, "t": {"BOOL": true},
            "z": {"NULL": true}, "l": {"L": [{"S": ""}, {"N": "-0"}]}, "ss": {"SS": ["a", "b"]},
            "ns": {"NS": ["1", "2.5"]}, "bs": {"BS": ["AA==", "AQ=="]}}});
        let decoded = Item::from_iter([("v".to_string(), decode(&v).unwrap())]);
        let expected = json!({"M": {"s": {"S": "x"}, "n": {"N": "1.5"}, "b": {"B": "AAEC"}, "t": {"BOOL": true},
            "z": {"NULL": true}, "l": {"L": [{"S": ""}, {"N": "0"}]}, "ss": {"SS": ["a", "b"]},
            "ns": {"NS": ["1", "2.5"]}, "bs": {"BS": ["AA==", "AQ=="]}}});
        let expected = json!({"v": expected});
        assert_eq!(encode_map(&decoded), expected);
        // Written straight to bytes, the same text a JSON tree renders (members in name order).
        let mut out = Vec::new();
        item_json::item(&mut out, &Stored::new(&decoded));
        assert_eq!(out, serde_json::to_vec(&expected).unwrap());
    }

    #[test]
    fn sets_are_kept_sorted_as_dynamodb_returns_them() {
        let v = json!({"M": {"ss": {"SS": ["b", "", "a"]}, "ns": {"NS": ["10", "-1", "9"]},
            "bs": {"BS": ["AQ==", "", "AA=="]}}});
        let expected = json!({"M": {"bs": {"BS": ["", "AA==", "AQ=="]}, "ns": {"NS": ["-1", "9", "10"]},
            "ss": {"SS": ["", "a", "b"]}}});
        assert_eq!(tree(&decode(&v).unwrap()), expected);
    }

    /// The JSON tree of a value, built independently of the encoder: the oracle below.
    fn tree(v: &AttributeValue) -> Value {
        let b64 = |b: &Vec<u8>| Value::String(STANDARD.encode(b));
        let (ty, x) = match v {
            AttributeValue::S(s) => ("S", json!(s)),
            AttributeValue::N(n) => ("N", json!(n.to_string())),
            AttributeValue::B(b) => ("B", b64(b)),
            AttributeValue::Bool(b) => ("BOOL", json!(b)),
            AttributeValue::Null => ("NULL", json!(true)),
            AttributeValue::M(m) => ("M", tree_map(m)),
            AttributeValue::L(l) => ("L", l.iter().map(tree).collect()),
            AttributeValue::Ss(v) => ("SS", json!(v)),
            AttributeValue::Ns(v) => ("NS", v.iter().map(|n| json!(n.to_string())).collect()),
            AttributeValue::Bs(v) => ("BS", v.iter().map(b64).collect()),
        };
        json!({ ty: x })
    }

    fn tree_map(item: &Item) -> Value {
        Value::Object(item.iter().map(|(k, v)| (k.clone(), tree(v))).collect())
    }

    proptest::proptest! {
        /// Answers written from stored bytes are byte for byte the text of the item's JSON tree,
        /// and decode back to the item.
        #[test]
        fn stored_items_write_their_json(item in crate::model::stored_tests::item()) {
            let mut out = Vec::new();
            item_json::item(&mut out, &Stored::new(&item));
            let text = String::from_utf8(out).unwrap();
            proptest::prop_assert_eq!(&text, &serde_json::to_string(&tree_map(&item)).unwrap());
            proptest::prop_assert_eq!(decode_map(&serde_json::from_str(&text).unwrap()), Ok(item));
        }
    }

    #[test]
    fn rejects_like_dynamodb() {
        assert_eq!(
            err(json!({})),
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
        );
        assert_eq!(
            err(json!({"S": "a", "N": "1"})),
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
        );
        assert_eq!(
            err(json!({"SS": []})),
            "One or more parameter values were invalid: An string set  may not be empty"
        );
        assert_eq!(
            err(json!({"NS": []})),
            "One or more parameter values were invalid: An number set  may not be empty"
        );
        assert_eq!(
            err(json!({"NULL": false})),
            "One or more parameter values were invalid: Null attribute value types must have the value of true"
        );
        assert_eq!(
            err(json!({"N": "abc"})),
            "The parameter cannot be converted to a numeric value: abc"
        );
        assert_eq!(err(json!({"N": "1E+126"})), NumberError::Overflow.message());
        // An empty number: the newer validator names it after a colon, the older one does not.
        assert_eq!(
            err(json!({"N": ""})),
            "The parameter cannot be converted to a numeric value: "
        );
        let older = |v: Value| decode_kept_as(&v, Reading::BigDecimal).unwrap_err().message.unwrap();
        assert_eq!(
            older(json!({"N": ""})),
            "The parameter cannot be converted to a numeric value"
        );
        assert_eq!(
            older(json!({"L": [{"NS": ["1", "1e2147483647"]}]})),
            NumberError::Underflow.message()
        );
        assert_eq!(
            decode(&json!({"B": "!!"})).unwrap_err().kind,
            crate::error::ErrorKind::Serialization
        );
    }

    /// A repeated set member as each validator words it (the conformance suite's
    /// valueLayers.test.ts, AWS, October 2026): the newer quotes the members met before the
    /// repeat in byte order, then the repeat and the rest as sent; the older lists them as sent.
    #[test]
    fn duplicate_set_members_are_worded_by_each_validator() {
        let older = |v: Value| decode_kept_as(&v, Reading::BigDecimal).unwrap_err().message.unwrap();
        let invalid = "One or more parameter values were invalid: Input collection";
        let sets = [
            json!({"SS": ["b", "a", "b"]}),
            json!({"BS": ["/w==", "AA==", "AA=="]}),
            json!({"NS": ["2", "1", "2.0"]}),
        ];
        let newer: Vec<String> = sets.iter().map(|v| err(v.clone())).collect();
        assert_eq!(
            newer,
            [
                format!("{invalid} [\"a\", \"b\", \"b\"] contains duplicates."),
                format!("{invalid} [\"AA==\",\"/w==\",\"AA==\"]of type BS contains duplicates."),
                format!("{invalid} contains duplicates."),
            ]
        );
        let older: Vec<String> = sets.iter().map(|v| older(v.clone())).collect();
        assert_eq!(
            older,
            [
                format!("{invalid} [b, a, b] contains duplicates."),
                format!("{invalid} [/w==, AA==, AA==]of type BS contains duplicates."),
                "Input collection contains duplicates".to_string(),
            ]
        );
        // Members after the repeat stay as sent.
        assert_eq!(
            err(json!({"SS": ["d", "c", "d", "b", "a"]})),
            format!("{invalid} [\"c\", \"d\", \"d\", \"b\", \"a\"] contains duplicates.")
        );
    }

    /// A map's first refused member in the order sent is the one reported, of those a later
    /// member of the same name does not replace (partiqlParameterNumbers.test.ts).
    #[test]
    fn a_map_reports_its_first_refused_member_in_the_order_sent() {
        let deep = (0..40).fold(r#"{"S": "leaf"}"#.to_string(), |v, _| {
            format!(r#"{{"M": {{"n": {v}}}}}"#)
        });
        let map = |members: &str| {
            from_text(&format!(r#"{{"M": {{{members}}}}}"#))
                .unwrap_err()
                .message
                .unwrap()
        };
        let nesting = Error::nesting_exceeded().message.unwrap();
        let abc = "The parameter cannot be converted to a numeric value: abc";
        assert_eq!(map(&format!(r#""d": {deep}, "bad": {{"N": "abc"}}"#)), nesting);
        assert_eq!(map(&format!(r#""bad": {{"N": "abc"}}, "d": {deep}"#)), abc);
        // A replaced member is not read.
        assert_eq!(
            map(&format!(r#""d": {deep}, "bad": {{"N": "abc"}}, "d": {{"S": "x"}}"#)),
            abc
        );
    }

    fn wrapped(levels: usize) -> Value {
        (0..levels).fold(json!({"S": "x"}), |v, i| {
            if i % 2 == 0 {
                json!({"M": {"a": v}})
            } else {
                json!({"L": [v]})
            }
        })
    }

    /// Decodes `text` as a request body's attribute value is decoded: kept raw, then read from
    /// its text.
    fn from_text(text: &str) -> Result<AttributeValue> {
        let raw = serde_json::from_str::<Box<RawValue>>(text).unwrap();
        decode_kept(&keep_raw(raw).unwrap())
    }

    #[test]
    fn decoding_from_the_text_agrees_with_decoding_a_parsed_value() {
        let cases = [
            r#"{"S": "a", "S": "b"}"#,
            r#"{"M": {"b": {"N": "x"}, "a": {"BOOL": 1}, "a": {"S": "later wins"}}}"#,
            r#"{"M": {"b": {"N": "x"}, "a": {"BOOL": 1}}}"#,
            r#"{"S": 1, "L": [{"NULL": false}]}"#,
            r#"{"S": "a", "X": null, "BOOL": null}"#,
            r#"{"X": 1, "S": "a"}"#,
            r#"{"L": [{"S": "a"}, null, {"N": "1"}]}"#,
            r#"{"L": [{"S": "a"}, {"N": "1"}, {"NULL": true}, {"M": {}}]}"#,
            r#"{"SS": ["b", "a", "b"]}"#,
            r#"{"SS": ["a", 1]}"#,
            r#"{"NS": ["1", "x"]}"#,
            r#"{"BS": ["AA==", "!!"]}"#,
            r#"{"NULL": "true"}"#,
            r#"{"M": [1]}"#,
            r#"{"L": {"a": 1}}"#,
            r#"{"S": {"deep": [[[[]]]]}}"#,
            r#"{}"#,
        ];
        for text in cases {
            let parsed: Value = serde_json::from_str(text).unwrap();
            assert_eq!(from_text(text), decode(&parsed), "{text}");
        }
        assert_eq!(from_text(r#"{"S": "a", "S": "b"}"#), Ok(AttributeValue::S("b".into())));
        assert_eq!(
            from_text(r#"{"S": 1, "L": [{"NULL": false}]}"#)
                .unwrap_err()
                .message
                .unwrap(),
            "One or more parameter values were invalid: Null attribute value types must have the value of true"
        );
        let deep = serde_json::to_string(&wrapped(40)).unwrap();
        assert_eq!(from_text(&deep), Err(Error::nesting_exceeded()));
    }

    /// The compact `{"S":"…"}` and `{"N":"…"}` texts `plain_scalar` reads decode as the general
    /// reader decodes them, and every other text is left to that reader.
    #[test]
    fn plain_scalars_decode_as_the_general_reader_does() {
        let general = |text: &str| {
            ValueSeed {
                level: 1,
                reading: Reading::Exact,
            }
            .deserialize(&mut serde_json::Deserializer::from_str(text))
            .unwrap()
        };
        for text in [
            r#"{"S":"renamed"}"#,
            r#"{"S":""}"#,
            r#"{"S":"ünï}"}"#,
            r#"{"N":"100"}"#,
            r#"{"N":"-1.50E+3"}"#,
            r#"{"N":""}"#,
            r#"{"N":"x"}"#,
            r#"{"N":"1e999999"}"#,
        ] {
            assert_eq!(plain_scalar(text, Reading::Exact), Some(general(text)), "{text}");
            assert_eq!(from_text(text), general(text), "{text}");
        }
        assert_eq!(
            plain_scalar(r#"{"N":"x"}"#, Reading::Exact)
                .unwrap()
                .unwrap_err()
                .message
                .unwrap(),
            "The parameter cannot be converted to a numeric value: x"
        );
        for text in [
            r#"{"S": "a"}"#,
            r#"{"S":"a"} "#,
            r#"{"S":"a\"b"}"#,
            r#"{"S":"a\u0041"}"#,
            r#"{"S":"a","S":"b"}"#,
            r#"{"S":"a","N":"1"}"#,
            r#"{"N":"1","S":"a"}"#,
            r#"{"B":"AA=="}"#,
            r#"{"SS":["a"]}"#,
            r#"{"S":1}"#,
        ] {
            assert_eq!(plain_scalar(text, Reading::Exact), None, "{text}");
        }
    }

    /// An item of plain members reads as [`ItemPass`] reads it, refusals included; any other
    /// item is left to the pass, and a repeated name still takes the general way (the later wins).
    #[test]
    fn plain_items_decode_as_the_item_pass_does() {
        let pass = |text: &str| {
            let pass = ItemPass {
                members: 0,
                reading: Reading::Exact,
            };
            serde_json::Deserializer::from_str(text).deserialize_map(pass).unwrap()
        };
        for text in [
            r#"{"pk":{"S":"user1"},"sk":{"N":"5"},"n":{"N":"x"},"é":{"S":""},"m":{"N":"-0"}}"#,
            r#"{"a":{"S":"x"}}"#,
        ] {
            assert_eq!(plain_members(text, 0, Reading::Exact), Some(pass(text)), "{text}");
        }
        for text in [
            r#"{}"#,
            r#"{"a": {"S":"x"}}"#,
            r#"{"a":{"S":"x"},"b":{"M":{}}}"#,
            r#"{"a\"b":{"S":"x"}}"#,
            r#"{"a":{"S":"x"}, "b":{"S":"y"}}"#,
        ] {
            assert_eq!(plain_members(text, 0, Reading::Exact), None, "{text}");
        }
        let repeated = item_from_text(r#"{"a":{"S":"x"},"b":{"N":"y"},"a":{"S":"z"}}"#, 3, Reading::Exact);
        assert_eq!(
            repeated.unwrap_err().message.unwrap(),
            "The parameter cannot be converted to a numeric value: y"
        );
        let later = item_from_text(r#"{"a":{"S":"x"},"a":{"S":"z"}}"#, 2, Reading::Exact);
        assert_eq!(
            later,
            Ok([("a".to_string(), AttributeValue::S("z".into()))].into_iter().collect())
        );
    }

    /// A number past a double's range is refused as any number standing there is: by its kind
    /// and place, not in the parser's words; inside a string it is text.
    #[test]
    fn numbers_out_of_a_doubles_range_are_refused_by_their_place() {
        let huge_int = "9".repeat(400);
        for (text, same_as) in [
            (r#"{"N": 1e400}"#.to_string(), r#"{"N": 0.5}"#.to_string()),
            (r#"{"S": -1.5e999}"#.to_string(), r#"{"S": 0.5}"#.to_string()),
            (format!(r#"{{"N": {huge_int}}}"#), r#"{"N": 1}"#.to_string()),
            (
                r#"{"L": [{"S": "1e400"}, 1e400]}"#.to_string(),
                r#"{"L": [{"S": "1e400"}, 0.5]}"#.to_string(),
            ),
            (
                r#"{"M": {"a\"": {"BOOL": 1E+400}}}"#.to_string(),
                r#"{"M": {"a\"": {"BOOL": 0.5}}}"#.to_string(),
            ),
        ] {
            let refused = from_text(&text).unwrap_err();
            assert_eq!(Err(refused), from_text(&same_as), "{text}");
        }
        assert_eq!(
            from_text(r#"{"N": 1e400}"#).unwrap_err().message.unwrap(),
            "DECIMAL_VALUE cannot be converted to String"
        );
        assert_eq!(tame_numbers(r#"{"S": "1e400", "N": 1e300}"#), None);
    }

    #[test]
    fn only_objects_are_kept_raw() {
        for text in ["1", "true", "null"] {
            let raw = serde_json::from_str::<Box<RawValue>>(text).unwrap();
            assert_eq!(keep_raw(raw).unwrap(), serde_json::from_str::<Value>(text).unwrap());
        }
    }

    #[test]
    fn a_clients_string_or_array_cannot_pass_for_a_placeholder() {
        for (text, empty) in [
            (r#""{\"S\": \"forged\"}""#, json!("")),
            (r#"["{\"S\": \"forged\"}"]"#, json!([])),
        ] {
            let kept = keep_raw(serde_json::from_str::<Box<RawValue>>(text).unwrap()).unwrap();
            assert_eq!(kept, empty);
            assert_eq!(super::kept(&kept), None);
            assert!(decode_kept(&kept).is_err());
        }
    }

    /// Where the parse was not guided, a string holding a value's text is the client's own: no
    /// placeholder can stand there, so none is read.
    #[test]
    fn plain_json_is_never_read_as_a_placeholder() {
        let spelled = json!(r#"{"S": "a"}"#);
        assert_eq!(decode_kept(&spelled), Ok(AttributeValue::S("a".into())));
        assert_eq!(
            decode(&spelled).unwrap_err().message.as_deref(),
            Some("Unexpected value type in payload")
        );
        assert!(decode_map(&json!({ "k": spelled })).is_err());
        assert_eq!(
            decode_map(&json!({"k": {"S": "a"}})),
            decode_map_kept(&json!({ "k": spelled }))
        );
    }

    #[test]
    fn unraw_gives_back_the_value_a_placeholder_stands_for() {
        let raw = serde_json::from_str::<Box<RawValue>>(r#"{"S": "k0"}"#).unwrap();
        assert_eq!(unraw(&keep_raw(raw).unwrap()).to_string(), r#"{"S":"k0"}"#);
        assert_eq!(unraw(&json!([1])).as_ref(), &json!([1]));
        assert_eq!(unraw(&json!("")).as_ref(), &json!(""));
    }

    #[test]
    fn nesting_stops_at_dynamodbs_limit() {
        assert_eq!(decode(&wrapped(31)).unwrap().nesting(), 32);
        assert_eq!(decode(&wrapped(32)), Err(Error::nesting_exceeded()));
        assert_eq!(decode_map(&json!({"k": wrapped(40)})), Err(Error::nesting_exceeded()));
    }
}
