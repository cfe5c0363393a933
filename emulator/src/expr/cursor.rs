//! Token cursor and the pieces every expression grammar shares: document paths, `#name` and `:value`
//! resolution with usage tracking, and semantic-error slots.

use std::collections::BTreeMap;

use super::ast::{Path, PathElem};
use super::error::ExprError;
use super::lexer::{lex, syntax_error, Tok, Token};
use super::reserved::is_reserved;
use crate::model::AttributeValue;

/// Maximum document path depth DynamoDB accepts.
pub const MAX_PATH_DEPTH: usize = 32;
/// Maximum expression length in bytes.
pub const MAX_EXPRESSION_SIZE: usize = 4096;
/// Maximum operators and functions in one expression string (DynamoDB's limit).
pub const MAX_OPERATORS: usize = 300;
/// Deepest parenthesis nesting the parsers follow. Every meaningful level holds an operator, so
/// a level past this one can only be redundant; it also bounds the parsers' recursion.
pub const MAX_PAREN_DEPTH: usize = MAX_OPERATORS + 1;

/// ExpressionAttributeNames/Values of a request and which of them expressions used.
pub struct Ctx<'a> {
    pub names: Option<&'a BTreeMap<String, String>>,
    pub values: Option<&'a BTreeMap<String, AttributeValue>>,
    pub used_names: Used<'a>,
    pub used_values: Used<'a>,
    /// Every `:value` looked up, in the order the parser consumed them (the parse cache's binding).
    pub consumed: Vec<&'a str>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        names: Option<&'a BTreeMap<String, String>>,
        values: Option<&'a BTreeMap<String, AttributeValue>>,
    ) -> Self {
        Ctx {
            names,
            values,
            used_names: Used::default(),
            used_values: Used::default(),
            consumed: Vec::new(),
        }
    }

    pub fn name(&mut self, key: &str) -> Option<&'a str> {
        let (k, v) = self.names?.get_key_value(key)?;
        self.used_names.insert(k.as_str());
        Some(v.as_str())
    }

    /// A `:value` the parser consumes (recorded in `consumed` for the parse cache).
    pub fn value(&mut self, key: &str) -> Option<&'a AttributeValue> {
        let (k, v) = self.use_value(key)?;
        self.consumed.push(k);
        Some(v)
    }

    /// A `:value` (its key as the request holds it) marked used but not consumed: what binding
    /// a cached tree needs, which has its sites already.
    pub fn use_value(&mut self, key: &str) -> Option<(&'a str, &'a AttributeValue)> {
        let (k, v) = self.values?.get_key_value(key)?;
        self.used_values.insert(k.as_str());
        Some((k.as_str(), v))
    }
}

/// The keys of a request's names or values map its expressions used, recorded as met and sorted,
/// each once, only when read ([`Used::settled`]): a request uses a few keys, for which a set cost
/// a node's allocation and a walk to drop it, on every request.
#[derive(Default)]
pub struct Used<'a>(Vec<&'a str>);

impl<'a> Used<'a> {
    fn insert(&mut self, key: &'a str) {
        self.0.push(key);
    }

    pub fn extend(&mut self, other: Used<'a>) {
        self.0.extend(other.0);
    }

    /// Every key used, sorted, each once.
    pub fn settled(&mut self) -> &[&'a str] {
        self.0.sort_unstable();
        self.0.dedup();
        &self.0
    }
}

/// Sets `slot` to `error` unless it already holds an earlier error.
pub fn first(slot: &mut Option<ExprError>, error: impl FnOnce() -> ExprError) {
    if slot.is_none() {
        *slot = Some(error());
    }
}

/// `Err` carries the index of the token where the grammar failed.
pub type PResult<T> = Result<T, usize>;

pub struct Cursor<'s> {
    pub src: &'s str,
    pub toks: Vec<Token>,
    pub pos: usize,
    operators: usize,
    depth: usize,
    /// A limit the input broke; it stops the parse at once and replaces the syntax error.
    limit: Option<ExprError>,
}

impl<'s> Cursor<'s> {
    pub fn new(src: &'s str) -> Self {
        Cursor {
            src,
            toks: lex(src),
            pos: 0,
            operators: 0,
            depth: 0,
            limit: None,
        }
    }

    /// Counts one operator or function; the 301st stops the parse, as in DynamoDB.
    pub fn operator(&mut self) -> PResult<()> {
        self.operators += 1;
        if self.operators > MAX_OPERATORS {
            self.limit = Some(ExprError::TooManyOperators { count: self.operators });
            return Err(self.pos);
        }
        Ok(())
    }

    /// Enters one parenthesis level; past [`MAX_PAREN_DEPTH`] the parse stops. Pair with `close`.
    pub fn open(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_PAREN_DEPTH {
            self.limit = Some(ExprError::RedundantParentheses);
            return Err(self.pos);
        }
        Ok(())
    }

    pub fn close(&mut self) {
        self.depth -= 1;
    }

    pub fn tok(&self) -> Tok {
        self.toks[self.pos].tok
    }

    pub fn peek_tok(&self, ahead: usize) -> Tok {
        self.toks.get(self.pos + ahead).map_or(Tok::Eof, |t| t.tok)
    }

    pub fn text(&self) -> &'s str {
        let t = self.toks[self.pos];
        &self.src[t.start..t.end]
    }

    pub fn bump(&mut self) {
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
    }

    pub fn expect(&mut self, tok: Tok) -> PResult<()> {
        if self.tok() == tok {
            self.bump();
            Ok(())
        } else {
            Err(self.pos)
        }
    }

    /// Whether the current token is the keyword `kw` (case-insensitive).
    pub fn is_kw(&self, kw: &str) -> bool {
        self.tok() == Tok::Ident && self.text().eq_ignore_ascii_case(kw)
    }

    /// The error of a parse stopped at token `idx`: the broken limit, else the syntax error.
    pub fn error_at(&mut self, idx: usize) -> ExprError {
        match self.limit.take() {
            Some(error) => error,
            None => syntax_error(self.src, &self.toks, idx),
        }
    }

    /// Parses a document path. `keywords` are words that cannot be attribute names in this grammar
    /// (a syntax error); other reserved words are reported in `reserved`, undefined `#names` in `names`.
    pub fn path(
        &mut self,
        ctx: &mut Ctx<'_>,
        keywords: &[&str],
        reserved: &mut Option<ExprError>,
        names: &mut Option<ExprError>,
    ) -> PResult<Path> {
        let mut elems = Vec::with_capacity(2);
        elems.push(PathElem::Attr(self.path_name(ctx, keywords, reserved, names)?));
        loop {
            match self.tok() {
                Tok::Dot => {
                    self.bump();
                    elems.push(PathElem::Attr(self.path_name(ctx, keywords, reserved, names)?));
                }
                Tok::LBracket => {
                    self.bump();
                    if self.tok() != Tok::Int {
                        return Err(self.pos);
                    }
                    let text = self.text();
                    let n = text.parse::<u32>().ok().filter(|&n| n <= MAX_LIST_INDEX);
                    if n.is_none() {
                        first(names, || ExprError::ListIndexRange(text.to_string()));
                    }
                    let n = n.unwrap_or(MAX_LIST_INDEX) as usize;
                    self.bump();
                    self.expect(Tok::RBracket)?;
                    elems.push(PathElem::Index(n));
                }
                _ => break,
            }
        }
        let path = Path(elems);
        if let Some(error) = depth_error(&path) {
            first(names, || error);
        }
        Ok(path)
    }

    fn path_name(
        &mut self,
        ctx: &mut Ctx<'_>,
        keywords: &[&str],
        reserved: &mut Option<ExprError>,
        names: &mut Option<ExprError>,
    ) -> PResult<String> {
        match self.tok() {
            Tok::Ident => {
                let text = self.text();
                if keywords.iter().any(|k| text.eq_ignore_ascii_case(k)) {
                    return Err(self.pos);
                }
                if is_reserved(text) {
                    first(reserved, || ExprError::ReservedKeyword(text.to_string()));
                }
                self.bump();
                Ok(text.to_string())
            }
            Tok::Name => {
                let key = self.text();
                self.bump();
                match ctx.name(key) {
                    Some(n) => Ok(n.to_string()),
                    None => {
                        first(names, || ExprError::UndefinedName(key.to_string()));
                        Ok(String::new())
                    }
                }
            }
            _ => Err(self.pos),
        }
    }

    /// Resolves the `:value` token under the cursor (which the caller checked is a `Value`).
    pub fn value(&mut self, ctx: &mut Ctx<'_>, slot: &mut Option<ExprError>) -> AttributeValue {
        let key = self.text();
        self.bump();
        match ctx.value(key) {
            Some(v) => v.clone(),
            None => {
                first(slot, || ExprError::UndefinedValue(key.to_string()));
                AttributeValue::Null
            }
        }
    }
}

/// "Two document paths overlap/conflict" check of `path` against earlier `paths`.
pub fn check_overlap(paths: &[Path], path: &Path, overlap: &mut Option<ExprError>, conflict: &mut Option<ExprError>) {
    for earlier in paths {
        let mut diverged = false;
        for (a, b) in earlier.0.iter().zip(&path.0) {
            let same_kind = matches!(
                (a, b),
                (PathElem::Attr(_), PathElem::Attr(_)) | (PathElem::Index(_), PathElem::Index(_))
            );
            if !same_kind {
                first(conflict, || ExprError::PathsConflict(earlier.clone(), path.clone()));
                return;
            }
            if a != b {
                diverged = true;
                break;
            }
        }
        if !diverged {
            first(overlap, || ExprError::PathsOverlap(earlier.clone(), path.clone()));
            return;
        }
    }
}

/// Checks common to every expression string before parsing: empty, and the 4 KB limit.
pub fn precheck(src: &str) -> Result<(), ExprError> {
    if src.is_empty() {
        return Err(ExprError::Empty);
    }
    if src.len() > MAX_EXPRESSION_SIZE {
        return Err(ExprError::TooLarge { size: src.len() });
    }
    Ok(())
}

/// The largest list index a document path may name (AWS refuses 4294967295, per public captures).
const MAX_LIST_INDEX: u32 = u32::MAX - 1;

/// The error of a path deeper than DynamoDB allows.
fn depth_error(path: &Path) -> Option<ExprError> {
    (path.0.len() > MAX_PATH_DEPTH).then_some(ExprError::TooDeep { levels: path.0.len() })
}
