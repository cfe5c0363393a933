//! Tokens of DynamoDB's PartiQL subset. Keywords are bare words, recognised case-insensitively by
//! the parser; double-quoted identifiers never are keywords. Each token keeps where it was
//! written, which some of DynamoDB's messages end with.

use std::fmt;

/// Where a token was written, as DynamoDB's messages give it (` at 1:52:7`): its line and column,
/// both from 1, and its length, all counted in characters (the conformance suite's AWS captures,
/// October 2026, count them on ASCII statements). Our reading where no capture reaches: a
/// character is a Unicode scalar value, as a Java code-point lexer counts, a line ends at `\n`, and
/// a quoted token's length takes in its quotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub length: usize,
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.line, self.column, self.length)
    }
}

/// One token.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// A bare word: an identifier or a keyword.
    Word(String),
    /// A double-quoted identifier.
    Quoted(String),
    /// A single-quoted string literal.
    Str(String),
    /// A number literal as written.
    Num(String),
    /// `?`
    Param,
    /// Punctuation and operators: `( ) [ ] { } << >> , . : * = <> != < <= > >= + - ;`
    Punct(&'static str),
    End,
}

const PUNCTS: &[&str] = &[
    "<<", ">>", "<>", "!=", "<=", ">=", "||", "(", ")", "[", "]", "{", "}", ",", ".", ":", "*", "=", "<", ">", "+",
    "-", ";", "/", "%",
];

/// Splits a statement into tokens, each with its [`Span`] (ending with `End`, after the last
/// character). `Err` is the detail of a "wasn't well formed" message: DynamoDB gives none for
/// text its lexer cannot read.
pub fn lex(src: &str) -> Result<Vec<(Tok, Span)>, String> {
    let chars: Vec<char> = src.chars().collect();
    // Line and column of every character, and of the end.
    let mut starts = Vec::with_capacity(chars.len() + 1);
    let (mut line, mut column) = (1, 1);
    for &c in &chars {
        starts.push((line, column));
        (line, column) = if c == '\n' { (line + 1, 1) } else { (line, column + 1) };
    }
    starts.push((line, column));
    let span = |from: usize, to: usize| Span {
        line: starts[from].0,
        column: starts[from].1,
        length: to - from,
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '-' && chars.get(i + 1) == Some(&'-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'*') {
            let mut j = i + 2;
            loop {
                if j + 1 >= chars.len() {
                    return Err(String::new());
                }
                if chars[j] == '*' && chars[j + 1] == '/' {
                    break;
                }
                j += 1;
            }
            i = j + 2;
            continue;
        }
        if c == '\'' || c == '"' {
            let (text, next) = quoted(&chars, i, c)?;
            let tok = if c == '\'' { Tok::Str(text) } else { Tok::Quoted(text) };
            out.push((tok, span(start, next)));
            i = next;
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) {
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let mut fraction = 0;
            if i < chars.len() && chars[i] == '.' {
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                    fraction += 1;
                }
            }
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                let mut j = i + 1;
                if j < chars.len() && (chars[j] == '+' || chars[j] == '-') {
                    j += 1;
                }
                if j < chars.len() && chars[j].is_ascii_digit() {
                    while j < chars.len() && chars[j].is_ascii_digit() {
                        j += 1;
                    }
                    let exponent: String = chars[i + 1..j].iter().collect();
                    if !decimal_fits(fraction, &exponent) {
                        return Err(String::new());
                    }
                    i = j;
                }
            }
            out.push((Tok::Num(chars[start..i].iter().collect()), span(start, i)));
            continue;
        }
        if c.is_alphabetic() || c == '_' || c == '$' {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$') {
                i += 1;
            }
            out.push((Tok::Word(chars[start..i].iter().collect()), span(start, i)));
            continue;
        }
        if c == '?' {
            i += 1;
            out.push((Tok::Param, span(start, i)));
            continue;
        }
        let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
        match PUNCTS.iter().find(|p| rest.starts_with(**p)) {
            Some(p) => {
                i += p.len();
                out.push((Tok::Punct(p), span(start, i)));
            }
            None => return Err(String::new()),
        }
    }
    out.push((Tok::End, span(chars.len(), chars.len())));
    Ok(out)
}

/// Whether a literal with `fraction` digits after its point and this exponent is a decimal the
/// lexer can hold: the exponent, and the scale (`fraction` less the exponent), are 32-bit
/// integers, as in Java's `BigDecimal`; DynamoDB's lexer refuses others with no detail (the
/// conformance suite's AWS captures, October 2026).
fn decimal_fits(fraction: i64, exponent: &str) -> bool {
    exponent
        .parse::<i64>()
        .ok()
        .filter(|e| i32::try_from(*e).is_ok())
        .is_some_and(|e| i32::try_from(fraction - e).is_ok())
}

/// A quoted run starting at `i`; a doubled quote stands for itself.
fn quoted(chars: &[char], i: usize, q: char) -> Result<(String, usize), String> {
    let mut text = String::new();
    let mut j = i + 1;
    loop {
        match chars.get(j) {
            None => return Err(String::new()),
            Some(&c) if c == q => {
                if chars.get(j + 1) == Some(&q) {
                    text.push(q);
                    j += 2;
                } else {
                    return Ok((text, j + 1));
                }
            }
            Some(&c) => {
                text.push(c);
                j += 1;
            }
        }
    }
}
