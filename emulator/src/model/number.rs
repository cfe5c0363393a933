//! DynamoDB numbers: exact decimals with up to 38 significant digits and a magnitude between 1E-130
//! and 9.9999999999999999999999999999999999999E+125 (never `f64`).
//!
//! A number is kept normalised (no trailing zeros in the significand, zero has one form), so equal
//! values have equal representations and `Ord`/`Hash` agree with numeric equality.

use std::cmp::Ordering;
use std::fmt;

/// The largest significand DynamoDB keeps: 38 decimal digits.
const MAX_DIGITS: u32 = 38;

/// A key's memcomparable bytes while they are built (`Number::encode_ordered`,
/// `KeyValue::encode_ordered`, the store's slots): one is made for every item read or written,
/// and most keys fit inline, so building one allocates nothing. Here, below the key values that
/// use it, so the two modules do not import each other.
pub type OrderedBytes = smallvec::SmallVec<[u8; 48]>;

/// An exact decimal `±significand × 10^exponent`, normalised. The significand is kept as two
/// 64-bit halves (high, low) rather than a `u128`, whose 16-byte alignment would make every
/// `AttributeValue` and key 16 bytes larger.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Number {
    negative: bool,
    significand: [u64; 2],
    exponent: i32,
}

/// Why a number was refused; each maps to DynamoDB's own wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberError {
    /// Not a decimal literal at all.
    Invalid,
    /// More than 38 significant digits.
    Precision,
    /// Magnitude above 9.99…E+125.
    Overflow,
    /// Non-zero magnitude below 1E-130.
    Underflow,
}

/// How a number's text is read. DynamoDB's two request validators accept the same numbers but
/// refuse extreme exponents differently, and word an empty text differently (`protocol::attr`);
/// the conformance suite's October 2026 captures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// The newer validator's (the single-item operations, BatchGetItem, Query): the exponent is a
    /// 64-bit integer (else no number) and the magnitude exact, so `1e2147483647` overflows.
    Exact,
    /// The older one's, Java's BigDecimal (BatchWriteItem, transactions, PartiQL parameters): the
    /// exponent and the scale are 32-bit integers (else no number), and precision less scale is
    /// taken in 32-bit arithmetic that wraps, so `1e2147483647` underflows.
    BigDecimal,
}

impl NumberError {
    /// The message DynamoDB returns for a stored or computed number.
    pub fn message(self) -> &'static str {
        match self {
            NumberError::Invalid => "The parameter cannot be converted to a numeric value",
            NumberError::Precision => "Attempting to store more than 38 significant digits in a Number",
            NumberError::Overflow => {
                "Number overflow. Attempting to store a number with magnitude larger than supported range"
            }
            NumberError::Underflow => {
                "Number underflow. Attempting to store a number with magnitude smaller than supported range"
            }
        }
    }
}

impl Number {
    pub const ZERO: Number = Number {
        negative: false,
        significand: [0, 0],
        exponent: 0,
    };

    /// Parses DynamoDB's number syntax: optional sign, digits with an optional point, optional
    /// exponent, read as its newer validator reads it ([`Reading::Exact`]). Surrounding spaces are
    /// not part of it: `" 1"` is no number.
    pub fn parse(text: &str) -> Result<Number, NumberError> {
        Number::read(text, Reading::Exact)
    }

    /// [`Number::parse`] as `reading` reads it. In Java's BigDecimal terms the value is an
    /// unscaled integer of `precision` digits (zero has one) times 10^-scale; the range is on
    /// precision less scale, for zero too (`0e126` overflows, `0.0e126` is zero).
    pub fn read(text: &str, reading: Reading) -> Result<Number, NumberError> {
        let (negative, rest) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exp_part) = match rest.find(['e', 'E']) {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        let (int_part, frac_part) = match mantissa.find('.') {
            Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
            None => (mantissa, ""),
        };
        if int_part.is_empty() && frac_part.is_empty()
            || !int_part.bytes().all(|b| b.is_ascii_digit())
            || !frac_part.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(NumberError::Invalid);
        }
        // An optional sign and digits, as Rust's integer parsing reads them.
        let exponent = match (exp_part, reading) {
            (None, _) => Ok(0),
            (Some(e), Reading::Exact) => e.parse::<i64>(),
            (Some(e), Reading::BigDecimal) => e.parse::<i32>().map(i64::from),
        }
        .map_err(|_| NumberError::Invalid)?;
        // The digits are read where they stand, not copied: every number of every request and
        // item passes here.
        let all = || int_part.bytes().chain(frac_part.bytes());
        let leading = all().take_while(|&b| b == b'0').count();
        let digits = int_part.len() + frac_part.len() - leading;
        let scale = frac_part.len() as i128 - i128::from(exponent);
        let precision = digits.max(1) as i128;
        let magnitude = match reading {
            Reading::Exact => precision - scale,
            Reading::BigDecimal => {
                let scale = i32::try_from(scale).map_err(|_| NumberError::Invalid)?;
                i128::from((precision as i32).wrapping_sub(scale))
            }
        };
        // Zeros after the last non-zero digit; none when every digit is a zero.
        let trailing = all().rev().take_while(|&b| b == b'0').count().min(digits);
        let significant = digits - trailing;
        if significant > MAX_DIGITS as usize {
            return Err(NumberError::Precision);
        }
        in_range(magnitude)?;
        if significant == 0 {
            return Ok(Number::ZERO);
        }
        let significand = all()
            .skip(leading)
            .take(significant)
            .fold(0u128, |acc, b| acc * 10 + u128::from(b - b'0'));
        // In range, the scale (precision less magnitude) is small; a wrapped magnitude in range
        // has an exact one in range too, a text being far shorter than 2^31 digits.
        Number::checked(negative, significand, (trailing as i128 - scale) as i64)
    }

    /// Builds a normalised number and checks DynamoDB's range.
    fn checked(negative: bool, mut significand: u128, mut exponent: i64) -> Result<Number, NumberError> {
        if significand == 0 {
            return Ok(Number::ZERO);
        }
        while significand % 10 == 0 {
            significand /= 10;
            exponent += 1;
        }
        let digits = digit_count(significand) as i64;
        // The value is in [10^(magnitude-1), 10^magnitude).
        in_range(i128::from(exponent + digits))?;
        if digits > MAX_DIGITS as i64 {
            return Err(NumberError::Precision);
        }
        Ok(Number {
            negative,
            significand: [(significand >> 64) as u64, significand as u64],
            exponent: exponent as i32,
        })
    }

    fn significand(&self) -> u128 {
        (u128::from(self.significand[0]) << 64) | u128::from(self.significand[1])
    }

    /// The number as (negative, significand, exponent): the store's compact form of it.
    pub fn parts(&self) -> (bool, u128, i32) {
        (self.negative, self.significand(), self.exponent)
    }

    /// A number from [`Number::parts`], checked again (normalised, in range).
    pub fn from_parts(negative: bool, significand: u128, exponent: i32) -> Result<Number, NumberError> {
        Number::checked(negative, significand, i64::from(exponent))
    }

    /// A number from the [`Number::parts`] of one, taken as they are: stored items hold only
    /// such parts (`Stored::checked` refuses any others), and reading them back is on every
    /// answer's path, where checking them again cost a `u128` division per number.
    pub(crate) fn from_normalised(negative: bool, significand: u128, exponent: i32) -> Number {
        let n = Number {
            negative,
            significand: [(significand >> 64) as u64, significand as u64],
            exponent,
        };
        debug_assert_eq!(Number::from_parts(negative, significand, exponent), Ok(n));
        n
    }

    pub fn is_zero(&self) -> bool {
        self.significand() == 0
    }

    /// Number of significant digits (1 for zero); drives DynamoDB's item-size formula.
    pub fn significant_digits(&self) -> u32 {
        digit_count(self.significand()).max(1)
    }

    pub fn negate(self) -> Number {
        Number {
            negative: !self.negative && !self.is_zero(),
            ..self
        }
    }

    /// Exact sum, refused when the result leaves DynamoDB's range; a sum needing more than 38
    /// digits (`1E+50 + 1`) is reported as an overflow too, as DynamoDB does.
    pub fn checked_add(self, other: Number) -> Result<Number, NumberError> {
        if self.is_zero() {
            return Ok(other);
        }
        if other.is_zero() {
            return Ok(self);
        }
        let exponent = self.exponent.min(other.exponent);
        let scale = |n: Number| -> Option<i128> {
            let shift = (n.exponent - exponent) as u32;
            let m = 10i128.checked_pow(shift)?.checked_mul(n.significand() as i128)?;
            Some(if n.negative { -m } else { m })
        };
        // Operands whose alignment overflows 128 bits cannot sum to 38 digits.
        let (Some(a), Some(b)) = (scale(self), scale(other)) else {
            return Err(NumberError::Overflow);
        };
        let sum = a.checked_add(b).ok_or(NumberError::Overflow)?;
        Number::checked(sum < 0, sum.unsigned_abs(), exponent as i64).map_err(|e| match e {
            NumberError::Precision => NumberError::Overflow,
            e => e,
        })
    }

    pub fn checked_sub(self, other: Number) -> Result<Number, NumberError> {
        self.checked_add(other.negate())
    }

    /// Epoch-seconds view for TTL: the integer part, saturating; `None` for values beyond `i64`.
    pub fn to_i64(self) -> Option<i64> {
        let lead = self.exponent as i64 + digit_count(self.significand()) as i64 - 1;
        if self.is_zero() || lead < 0 {
            return Some(0);
        }
        if lead > 18 {
            return None;
        }
        let v = if self.exponent >= 0 {
            (self.significand() as i128).checked_mul(10i128.pow(self.exponent as u32))?
        } else {
            (self.significand() / 10u128.pow((-self.exponent) as u32)) as i128
        };
        let v = i64::try_from(v).ok()?;
        Some(if self.negative { -v } else { v })
    }

    /// Appends bytes whose unsigned byte order is numeric order, so numbers can sit in
    /// memcomparable keys: a class byte (negative, zero, positive), the position of the leading
    /// digit, then the digits two to a byte and a terminator. A shorter digit string of the same
    /// position is the smaller magnitude; negatives complement everything so larger magnitudes
    /// sort first. Equal numbers (normalised) give equal bytes.
    pub fn encode_ordered(&self, out: &mut OrderedBytes) {
        if self.is_zero() {
            out.push(2);
            return;
        }
        let mut buf = [0; 39];
        let digits = decimal(self.significand(), &mut buf);
        // The value is 0.DIGITS × 10^lead; DynamoDB's range keeps `lead` within -129..=126.
        let lead = (self.exponent + digits.len() as i32) as i16;
        let biased = (lead as u16) ^ 0x8000;
        let pairs = digits.chunks(2).map(|p| {
            let low = p.get(1).map_or(0, |d| d - b'0');
            (p[0] - b'0') * 10 + low
        });
        if self.negative {
            out.push(1);
            out.extend_from_slice(&(!biased).to_be_bytes());
            out.extend(pairs.map(|p| 254 - p));
            out.push(0xff);
        } else {
            out.push(3);
            out.extend_from_slice(&biased.to_be_bytes());
            out.extend(pairs.map(|p| p + 1));
            out.push(0);
        }
    }

    fn magnitude_cmp(&self, other: &Number) -> Ordering {
        let (da, db) = (
            digit_count(self.significand()) as i32,
            digit_count(other.significand()) as i32,
        );
        let (la, lb) = (self.exponent + da, other.exponent + db);
        if self.is_zero() || other.is_zero() {
            return self.significand().cmp(&other.significand());
        }
        la.cmp(&lb).then_with(|| {
            // Same leading position: compare digit strings left-aligned.
            let width = da.max(db) as u32;
            let a = self.significand() * 10u128.pow(width - da as u32);
            let b = other.significand() * 10u128.pow(width - db as u32);
            a.cmp(&b)
        })
    }
}

/// DynamoDB's range, on a number's magnitude (precision less scale, the position past its
/// leading digit): 1E-130 has -129, 9.99…E+125 has 126.
fn in_range(magnitude: i128) -> Result<(), NumberError> {
    match magnitude {
        127.. => Err(NumberError::Overflow),
        ..=-130 => Err(NumberError::Underflow),
        _ => Ok(()),
    }
}

fn digit_count(v: u128) -> u32 {
    if v == 0 {
        0
    } else {
        v.ilog10() + 1
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Number) -> Ordering {
        match (self.negative, other.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.magnitude_cmp(other),
            (true, true) => other.magnitude_cmp(self),
        }
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Number) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Plain notation without trailing zeros, as DynamoDB returns numbers ("1.5E2" reads back as "150").
impl Number {
    /// The number's text, in pieces handed to `put`: answers write it straight into their buffer
    /// (one per number in every item answered) and `Display` into a formatter.
    pub fn render<E>(&self, mut put: impl FnMut(&[u8]) -> Result<(), E>) -> Result<(), E> {
        fn zeros<E>(put: &mut impl FnMut(&[u8]) -> Result<(), E>, mut n: usize) -> Result<(), E> {
            const ZEROS: &[u8] = b"0000000000000000000000000000000000000000000000000000000000000000";
            while n > 0 {
                let run = n.min(ZEROS.len());
                put(&ZEROS[..run])?;
                n -= run;
            }
            Ok(())
        }
        if self.is_zero() {
            return put(b"0");
        }
        let mut buf = [0; 39];
        let digits = decimal(self.significand(), &mut buf);
        if self.negative {
            put(b"-")?;
        }
        if self.exponent >= 0 {
            put(digits)?;
            return zeros(&mut put, self.exponent as usize);
        }
        let frac = (-self.exponent) as usize;
        if digits.len() > frac {
            let (i, d) = digits.split_at(digits.len() - frac);
            put(i)?;
            put(b".")?;
            put(d)
        } else {
            put(b"0.")?;
            zeros(&mut put, frac - digits.len())?;
            put(digits)
        }
    }

    /// [`Number::render`] into a sink that cannot fail: an answer's buffer, a key's hasher.
    pub fn render_into(&self, mut put: impl FnMut(&[u8])) {
        let Ok(()) = self.render(|s| {
            put(s);
            Ok::<(), std::convert::Infallible>(())
        });
    }
}

impl Number {
    /// The number as Java's `BigDecimal` prints it once its trailing zeros are stripped: `1E+39`,
    /// `3.5E+38`, `0.25`, `1E-7`. DynamoDB quotes numbers so in some refusals (a vector member out
    /// of a float's range, AWS August 2026), where the text as sent is gone.
    pub fn java_text(&self) -> String {
        let mut buf = [0; 39];
        // Only ASCII digits.
        let digits = std::str::from_utf8(decimal(self.significand(), &mut buf)).unwrap_or_default();
        // Plain for a whole number or a fraction down to 10^-6, else scientific.
        let adjusted = i64::from(self.exponent) + digits.len() as i64 - 1;
        if self.is_zero() || self.exponent == 0 || (self.exponent < 0 && adjusted >= -6) {
            return self.to_string();
        }
        let sign = if self.negative { "-" } else { "" };
        let (first, rest) = digits.split_at(1);
        let point = if rest.is_empty() { "" } else { "." };
        format!("{sign}{first}{point}{rest}E{adjusted:+}")
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only ASCII: digits, sign and point.
        self.render(|s| f.write_str(std::str::from_utf8(s).unwrap_or_default()))
    }
}

/// `n`'s decimal digits, written into the end of `buf` (a `u128` has at most 39): numbers are
/// written into every answer and every key that holds one, so without allocating a `String` each.
fn decimal(n: u128, buf: &mut [u8; 39]) -> &[u8] {
    let mut i = buf.len();
    let mut push = |digit: u8| {
        i -= 1;
        buf[i] = b'0' + digit;
    };
    // `u128` division only for the digits above a `u64`: most significands fit one, whose
    // division is far cheaper.
    let mut big = n;
    while big > u128::from(u64::MAX) {
        push((big % 10) as u8);
        big /= 10;
    }
    let mut small = big as u64;
    loop {
        push((small % 10) as u8);
        small /= 10;
        if small == 0 {
            break;
        }
    }
    &buf[i..]
}

/// Stored in its text form (the durable mode's files), which `parse` reads back exactly.
impl serde::Serialize for Number {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Number {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Number, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Number::parse(&text).map_err(|e| serde::de::Error::custom(format!("bad number {text:?}: {e:?}")))
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Number {
        Number::parse(s).unwrap()
    }

    #[test]
    fn ordered_bytes_follow_numeric_order() {
        let texts = [
            "-9.9999999999999999999999999999999999999E+125",
            "-1E+20",
            "-100",
            "-12.5",
            "-12",
            "-1.05",
            "-1",
            "-0.1",
            "-1E-130",
            "0",
            "1E-130",
            "0.0105",
            "0.1",
            "0.105",
            "0.11",
            "1",
            "9",
            "10",
            "10.5",
            "99999999999999999999999999999999999999",
            "9.9999999999999999999999999999999999999E+125",
        ];
        let encoded = |t: &str| {
            let mut out = OrderedBytes::new();
            n(t).encode_ordered(&mut out);
            out
        };
        for pair in texts.windows(2) {
            assert!(n(pair[0]) < n(pair[1]), "{pair:?}");
            assert!(encoded(pair[0]) < encoded(pair[1]), "{pair:?}");
        }
        assert_eq!(encoded("1.50"), encoded("15E-1"));
    }

    #[test]
    fn normalises_as_dynamodb_returns() {
        for (input, out) in [
            ("00042", "42"),
            ("1.0", "1"),
            ("3.1400", "3.14"),
            ("1.5E2", "150"),
            ("-0", "0"),
            ("0.000", "0"),
            (".5", "0.5"),
            ("5.", "5"),
            ("+7", "7"),
            ("-1.25e-3", "-0.00125"),
            ("1E-130", &format!("0.{}1", "0".repeat(129))),
            ("-1E-130", &format!("-0.{}1", "0".repeat(129))),
            ("-12E+124", &format!("-12{}", "0".repeat(124))),
            ("1.5E+64", &format!("15{}", "0".repeat(63))),
        ] {
            assert_eq!(n(input).to_string(), out, "{input}");
        }
    }

    #[test]
    fn enforces_precision_and_range() {
        assert_eq!(n("99999999999999999999999999999999999999").to_string().len(), 38);
        assert_eq!(
            Number::parse("123456789012345678901234567890123456789"),
            Err(NumberError::Precision)
        );
        assert!(Number::parse("9.9999999999999999999999999999999999999E+125").is_ok());
        assert_eq!(Number::parse("1E+126"), Err(NumberError::Overflow));
        assert_eq!(Number::parse("-1E+126"), Err(NumberError::Overflow));
        assert_eq!(Number::parse("1E-131"), Err(NumberError::Underflow));
        assert_eq!(Number::parse("0E+999999"), Err(NumberError::Overflow));
        for bad in [
            "", "-", "abc", "1e", "1.2.3", "1e+", "0x10", " ", "NaN", "Infinity", "1_000", " 1", "1 ", "1\t",
        ] {
            assert_eq!(Number::parse(bad), Err(NumberError::Invalid), "{bad:?}");
        }
    }

    /// The conformance suite's October 2026 captures (numberExponent, valueLayers,
    /// partiqlParameterNumbers); the fractions are our reading of the same rules.
    #[test]
    fn extreme_exponents_are_refused_as_each_validator_refuses_them() {
        use NumberError::{Invalid, Overflow, Underflow};
        for (text, exact, big_decimal) in [
            ("1e99999999999", Overflow, Invalid),
            ("-1e99999999999", Overflow, Invalid),
            ("1e-99999999999", Underflow, Invalid),
            ("1e2147483648", Overflow, Invalid),
            ("1e2147483647", Overflow, Underflow),
            ("1.5e2147483647", Overflow, Underflow),
            ("1e-2147483648", Underflow, Invalid),
            ("0.5e-2147483647", Underflow, Invalid),
            ("1e-9223372036854775808", Underflow, Invalid),
            ("1e9223372036854775808", Invalid, Invalid),
            ("1e126", Overflow, Overflow),
            ("1e-131", Underflow, Underflow),
            ("0e126", Overflow, Overflow),
            ("0e-131", Underflow, Underflow),
        ] {
            assert_eq!(Number::read(text, Reading::Exact), Err(exact), "{text}");
            assert_eq!(Number::read(text, Reading::BigDecimal), Err(big_decimal), "{text}");
        }
        // Zero's magnitude is precision (one digit) less scale, so its digits after the point count.
        for reading in [Reading::Exact, Reading::BigDecimal] {
            for zero in ["0e125", "0.0e126", "-0e125", "0e-130", "0.00e-128"] {
                assert_eq!(Number::read(zero, reading), Ok(Number::ZERO), "{zero}");
            }
            assert_eq!(Number::read("1e-130", reading), Ok(n("1E-130")));
            assert_eq!(Number::read("0.0010e0000000127", reading), Ok(n("1E+124")));
        }
    }

    #[test]
    fn orders_numerically() {
        let sorted = [
            "-1E+10", "-2", "-1.5", "-1E-130", "0", "1E-130", "0.1", "1", "1.01", "2", "10", "1E+125",
        ];
        for w in sorted.windows(2) {
            assert!(n(w[0]) < n(w[1]), "{} < {}", w[0], w[1]);
        }
        assert_eq!(n("100"), n("1E2"));
    }

    #[test]
    fn adds_exactly() {
        assert_eq!(n("0.1").checked_add(n("0.2")).unwrap(), n("0.3"));
        assert_eq!(n("5").checked_sub(n("7")).unwrap(), n("-2"));
        assert_eq!(n("1E+100").checked_sub(n("1E+100")).unwrap(), Number::ZERO);
        assert_eq!(n("5E37").checked_add(n("5E37")).unwrap(), n("1E38"));
        assert_eq!(n("1E+100").checked_add(n("1")), Err(NumberError::Overflow));
        assert_eq!(n("1E+50").checked_add(n("1")), Err(NumberError::Overflow));
        assert_eq!(n("1E-100").checked_add(n("1")), Err(NumberError::Overflow));
        assert_eq!(
            n("9.9999999999999999999999999999999999999E+125").checked_add(n("1E+125")),
            Err(NumberError::Overflow)
        );
    }

    proptest::proptest! {
        /// Digits written without allocating are `u128`'s own, across both widths.
        #[test]
        fn decimal_digits_are_u128s_own(n in proptest::prop_oneof![0..=u128::from(u64::MAX), proptest::num::u128::ANY]) {
            let mut buf = [0; 39];
            let text = n.to_string();
            proptest::prop_assert_eq!(decimal(n, &mut buf), text.as_bytes());
        }
    }

    #[test]
    fn converts_to_epoch_seconds() {
        assert_eq!(n("1700000000").to_i64(), Some(1_700_000_000));
        assert_eq!(n("1700000000.9").to_i64(), Some(1_700_000_000));
        assert_eq!(n("-5").to_i64(), Some(-5));
        assert_eq!(n("1E+30").to_i64(), None);
    }

    #[test]
    fn java_text_is_big_decimals_with_trailing_zeros_stripped() {
        let cases = [
            ("1E+39", "1E+39"),
            ("1000000000000000000000000000000000000000", "1E+39"),
            ("-3.5e38", "-3.5E+38"),
            ("100", "1E+2"),
            ("7", "7"),
            ("0.25", "0.25"),
            ("0.000001", "0.000001"),
            ("0.0000001", "1E-7"),
            ("-1.5e-130", "-1.5E-130"),
            ("0", "0"),
        ];
        for (text, want) in cases {
            assert_eq!(n(text).java_text(), want, "{text}");
        }
    }
}
