//! The one writer of items in DynamoDB's JSON form: straight from a stored item's bytes into an
//! answer's buffer, with no JSON tree, no serde call per value and no second UTF-8 check of the
//! strings the store checked when it took them ([`RawView`]). Members come in name order, as
//! stored, which is the order a `serde_json::Map` writes them; strings are escaped exactly as
//! serde_json escapes them, so an answer is byte for byte the one a JSON tree would render.
//! A Scan page of 1,000 items spent most of its time here (BENCHMARKS.md, issue #15).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::model::{Number, RawView, Seq, Stored};

/// A stored item as a JSON object.
pub fn item(out: &mut Vec<u8>, item: &Stored) {
    entries(out, item.raw_attributes());
}

/// Stored items as a JSON array.
pub fn items(out: &mut Vec<u8>, items: &[Stored]) {
    list(out, items.iter(), item);
}

fn entries(out: &mut Vec<u8>, members: Seq<'_, (&[u8], RawView<'_>)>) {
    out.push(b'{');
    for (i, (name, v)) in members.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, name);
        out.push(b':');
        value(out, v);
    }
    out.push(b'}');
}

/// A value: an object of one member, named by the value's type. Nesting is bounded by the
/// write path (`MAX_NESTING`), so the recursion is too.
fn value(out: &mut Vec<u8>, v: RawView<'_>) {
    match v {
        RawView::S(s) => {
            out.extend_from_slice(b"{\"S\":");
            string(out, s);
        }
        RawView::N(n) => {
            out.extend_from_slice(b"{\"N\":");
            number(out, n);
        }
        RawView::B(b) => {
            out.extend_from_slice(b"{\"B\":");
            base64(out, b);
        }
        RawView::Bool(true) => out.extend_from_slice(b"{\"BOOL\":true"),
        RawView::Bool(false) => out.extend_from_slice(b"{\"BOOL\":false"),
        RawView::Null => out.extend_from_slice(b"{\"NULL\":true"),
        RawView::M(m) => {
            out.extend_from_slice(b"{\"M\":");
            entries(out, m);
        }
        RawView::L(l) => {
            out.extend_from_slice(b"{\"L\":");
            list(out, l, value);
        }
        RawView::Ss(s) => {
            out.extend_from_slice(b"{\"SS\":");
            list(out, s, string);
        }
        RawView::Ns(n) => {
            out.extend_from_slice(b"{\"NS\":");
            list(out, n, number);
        }
        RawView::Bs(b) => {
            out.extend_from_slice(b"{\"BS\":");
            list(out, b, base64);
        }
    }
    out.push(b'}');
}

fn list<T>(out: &mut Vec<u8>, elements: impl Iterator<Item = T>, mut each: impl FnMut(&mut Vec<u8>, T)) {
    out.push(b'[');
    for (i, e) in elements.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        each(out, e);
    }
    out.push(b']');
}

fn number(out: &mut Vec<u8>, n: Number) {
    out.push(b'"');
    n.render_into(|s| out.extend_from_slice(s));
    out.push(b'"');
}

fn base64(out: &mut Vec<u8>, b: &[u8]) {
    out.push(b'"');
    let start = out.len();
    out.resize(start + b.len().div_ceil(3) * 4, 0);
    // The room made is exactly the padded encoding's length.
    let _ = STANDARD.encode_slice(b, &mut out[start..]);
    out.push(b'"');
}

/// What follows a backslash for each byte serde_json escapes (`u`: `\u00XX`), 0 for the bytes it
/// copies as they are: control characters, `"` and `\`. Everything else, DEL and non-ASCII
/// (U+2028 and U+2029 too) included, is copied.
const ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = b'u';
        b += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0a] = b'n';
    t[0x0c] = b'f';
    t[0x0d] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

/// Whether any of eight bytes is one [`ESCAPE`] names: below 0x20, `"` or `\` (the classic
/// "has a byte less than / equal to" bit tricks, exact as a yes/no answer). Most strings have
/// none, so they are checked eight bytes at a time and copied whole.
fn needs_escape(chunk: &[u8; 8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let w = u64::from_le_bytes(*chunk);
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x;
    let below_space = w.wrapping_sub(ONES * 0x20) & !w;
    (below_space | zero_byte(w ^ (ONES * u64::from(b'"'))) | zero_byte(w ^ (ONES * u64::from(b'\\')))) & HIGH != 0
}

/// How many of `s`'s first bytes serde_json copies as they are: eight at a time while eight are
/// left, then byte by byte (attribute names are mostly shorter than eight).
fn plain_len(s: &[u8]) -> usize {
    let mut at = 0;
    while let Some(chunk) = s[at..].first_chunk::<8>() {
        if needs_escape(chunk) {
            break;
        }
        at += 8;
    }
    at + s[at..].iter().take_while(|&&b| ESCAPE[usize::from(b)] == 0).count()
}

/// A string (stored, so UTF-8) as a JSON string, escaped as serde_json escapes it: each run of
/// plain bytes copied whole, so a string with nothing to escape is one copy.
pub fn string(out: &mut Vec<u8>, s: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(s.len() + 2);
    out.push(b'"');
    let mut rest = s;
    loop {
        let (plain, after) = rest.split_at(plain_len(rest));
        out.extend_from_slice(plain);
        let Some((&b, after)) = after.split_first() else {
            break;
        };
        match ESCAPE[usize::from(b)] {
            b'u' => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ]),
            e => out.extend_from_slice(&[b'\\', e]),
        }
        rest = after;
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn written(s: &str) -> String {
        let mut out = Vec::new();
        string(&mut out, s.as_bytes());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_control_character_quote_and_backslash_is_escaped_as_serde_json_does() {
        for b in 0u8..0x20 {
            let s = char::from(b).to_string();
            assert_eq!(written(&s), serde_json::to_string(&s).unwrap(), "byte {b:#04x}");
        }
        assert_eq!(written("\u{8}\t\n\u{c}\r"), r#""\b\t\n\f\r""#);
        assert_eq!(written("\u{0}\u{1f}"), r#""\u0000\u001f""#);
        assert_eq!(written(r#"a"b\c"#), r#""a\"b\\c""#);
        // DEL, non-ASCII and the line and paragraph separators are copied as they are.
        assert_eq!(written("\u{7f}é\u{2028}\u{2029}😀"), "\"\u{7f}é\u{2028}\u{2029}😀\"");
        // Escapes found in and after a clean run of eight bytes, and at the very end.
        assert_eq!(written("abcdefgh\"ijklmnop\n"), r#""abcdefgh\"ijklmnop\n""#);
        assert_eq!(written("abcdefg\\"), r#""abcdefg\\""#);
    }

    /// Strings drawn mostly from the bytes that matter, so escapes land at every offset of a
    /// chunk of eight.
    fn text() -> impl Strategy<Value = String> {
        let ch = prop_oneof![
            (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap()),
            Just('"'),
            Just('\\'),
            Just('\u{7f}'),
            Just('\u{2028}'),
            Just('\u{2029}'),
            any::<char>(),
            Just('a'),
        ];
        prop::collection::vec(ch, 0..40).prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #[test]
        fn strings_are_written_as_serde_json_writes_them(s in text()) {
            prop_assert_eq!(written(&s), serde_json::to_string(&s).unwrap());
        }
    }
}
