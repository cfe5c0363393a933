//! The parse cache: an expression text is lexed, parsed and checked once, and each later request
//! with the same text gets a copy of the tree holding its own `:values`.
//!
//! Why a hit gives what a parse would: a parse's outcome depends on the text, the
//! ExpressionAttributeNames map, which `:value` keys exist and each value's top-level type, except
//! for two checks that read a value's content (BETWEEN's bounds in order, `attribute_type`'s type
//! name). The key holds the text, the names and every value key with its type exactly; a hit puts
//! the request's values where the parse consumed them (written order) and runs those two checks
//! again. Only successful parses are kept, so every other error still comes from the parser.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, LazyLock};

use quick_cache::{sync::Cache, Equivalent, Weighter};

use super::ast::{Condition, Operand, Path, SetValue, UpdOperand, Update, UpdateAction};
use super::cursor::Ctx;
use super::error::ExprError;
use super::parser::{between_error, type_name_error};
use crate::model::{AttributeValue, ValueType};

/// Total weight (about bytes, see [`weight`]) the cache holds; least useful entries go first.
const CAPACITY: u64 = 8 << 20;
/// A tree heavier than this is not kept: it would push out many ordinary ones.
const MAX_ENTRY: u64 = CAPACITY / 64;

/// One cache for the whole process: the parse is a pure function of the key, so sharing entries
/// between engines changes nothing they can observe.
static CACHE: LazyLock<Cache<Key, Arc<Entry>, ByWeight>> =
    LazyLock::new(|| Cache::with_weighter(4096, CAPACITY, ByWeight));

/// The grammar that parsed the text (conditions, filters and key conditions share one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Grammar {
    Condition,
    Update,
    Projection,
}

/// A tree the cache can hold and rebind.
pub trait Cached: Clone {
    const GRAMMAR: Grammar;
    fn wrap(self) -> Tree;
    fn unwrap(tree: &Tree) -> Option<&Self>;
    /// Every value the tree holds, in written order (the order the parser consumed `:values`).
    fn values_mut(&mut self, f: &mut dyn FnMut(&mut AttributeValue));
    /// The first error of a check that reads a value's content, in written order.
    fn content_error(&self) -> Option<ExprError> {
        None
    }
}

pub enum Tree {
    Condition(Condition),
    Update(Update),
    Projection(Vec<Path>),
}

struct Entry {
    tree: Tree,
    /// `#names` the text uses and the `:values` it consumed, in order.
    names: Box<[Box<str>]>,
    sites: Box<[Box<str>]>,
    weight: u64,
}

/// Parses `src` with `parse`, or binds a cached tree of an earlier parse of the same text.
pub fn parse<'a, T: Cached>(
    src: &str,
    ctx: &mut Ctx<'a>,
    parse: fn(&str, &mut Ctx<'a>) -> Result<T, ExprError>,
) -> Result<T, ExprError> {
    let probe = Probe {
        grammar: T::GRAMMAR,
        text: src,
        names: ctx.names,
        values: ctx.values,
    };
    if let Some(entry) = CACHE.get(&probe) {
        if let Some(bound) = T::unwrap(&entry.tree).and_then(|tree| bind(tree, &entry, ctx)) {
            return bound;
        }
    }
    // Its own usage record, so that an entry lists everything this text uses.
    let mut own = Ctx::new(ctx.names, ctx.values);
    let mut out = parse(src, &mut own);
    if let Ok(tree) = &mut out {
        if let Some(entry) = template(tree, &mut own, &probe) {
            CACHE.insert(probe.key(), Arc::new(entry));
        }
    }
    ctx.used_names.extend(own.used_names);
    ctx.used_values.extend(own.used_values);
    out
}

/// A copy of the cached tree with this request's values, or `None` when the sites do not match
/// (never expected; the caller then parses).
fn bind<T: Cached>(tree: &T, entry: &Entry, ctx: &mut Ctx<'_>) -> Option<Result<T, ExprError>> {
    let mut out = tree.clone();
    let mut sites = entry.sites.iter();
    let mut complete = true;
    out.values_mut(&mut |v| match sites.next().and_then(|k| ctx.use_value(k)) {
        Some((_, value)) => *v = value.clone(),
        None => complete = false,
    });
    if !complete || sites.next().is_some() {
        return None;
    }
    for name in &entry.names {
        ctx.name(name);
    }
    Some(match out.content_error() {
        Some(msg) => Err(msg),
        None => Ok(out),
    })
}

/// The entry for a successful parse: a copy of `tree` with its values taken out. `None` if the
/// tree's values are not exactly the consumed ones in order (so a rebind could misplace them) or
/// the entry is too heavy. The values are moved out while the tree is copied and then put back,
/// so a large value is never copied for the entry.
fn template<T: Cached>(tree: &mut T, ctx: &mut Ctx<'_>, probe: &Probe<'_>) -> Option<Entry> {
    let values = ctx.values;
    let mut sites = ctx.consumed.iter();
    let mut matches = true;
    let mut taken = Vec::new();
    tree.values_mut(&mut |v| {
        let consumed = sites.next().and_then(|k| values.and_then(|m| m.get(*k)));
        matches &= consumed == Some(&*v);
        taken.push(std::mem::replace(v, AttributeValue::Null));
    });
    let template = tree.clone();
    let mut taken = taken.into_iter();
    tree.values_mut(&mut |v| {
        if let Some(value) = taken.next() {
            *v = value;
        }
    });
    if !matches || sites.next().is_some() {
        return None;
    }
    let weight = weight(probe);
    (weight <= MAX_ENTRY).then(|| Entry {
        tree: template.wrap(),
        names: ctx.used_names.settled().iter().map(|&n| n.into()).collect(),
        sites: ctx.consumed.iter().map(|&k| k.into()).collect(),
        weight,
    })
}

/// An upper bound of an entry's bytes: the key, plus a tree of at most one node per text byte,
/// each holding at most the longest attribute name the names map resolves to.
fn weight(probe: &Probe<'_>) -> u64 {
    let names = probe.names.into_iter().flatten();
    let longest = names.clone().map(|(_, v)| v.len()).max().unwrap_or(0);
    let key_bytes = probe.text.len()
        + names.map(|(k, v)| k.len() + v.len()).sum::<usize>()
        + probe
            .values
            .into_iter()
            .flatten()
            .map(|(k, _)| k.len() + 1)
            .sum::<usize>();
    (key_bytes + probe.text.len() * (64 + longest)) as u64
}

#[derive(Clone)]
struct ByWeight;

impl Weighter<Key, Arc<Entry>> for ByWeight {
    fn weight(&self, _: &Key, entry: &Arc<Entry>) -> u64 {
        entry.weight
    }
}

/// The owned key.
#[derive(PartialEq, Eq)]
struct Key {
    grammar: Grammar,
    text: Box<str>,
    names: Box<[(Box<str>, Box<str>)]>,
    values: Box<[(Box<str>, ValueType)]>,
}

/// The key as a request holds it, looked up without allocating.
struct Probe<'a> {
    grammar: Grammar,
    text: &'a str,
    names: Option<&'a BTreeMap<String, String>>,
    values: Option<&'a BTreeMap<String, AttributeValue>>,
}

impl Probe<'_> {
    fn names(&self) -> impl Iterator<Item = (&str, &str)> {
        self.names.into_iter().flatten().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    fn values(&self) -> impl Iterator<Item = (&str, ValueType)> {
        self.values
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v.value_type()))
    }

    fn key(&self) -> Key {
        Key {
            grammar: self.grammar,
            text: self.text.into(),
            names: self.names().map(|(k, v)| (k.into(), v.into())).collect(),
            values: self.values().map(|(k, t)| (k.into(), t)).collect(),
        }
    }
}

/// One hash for [`Key`] and [`Probe`]: both list names and values in key order.
fn hash_parts<'k, H: Hasher>(
    h: &mut H,
    grammar: Grammar,
    text: &str,
    names: impl Iterator<Item = (&'k str, &'k str)>,
    values: impl Iterator<Item = (&'k str, ValueType)>,
) {
    grammar.hash(h);
    text.hash(h);
    names.for_each(|pair| pair.hash(h));
    values.for_each(|pair| pair.hash(h));
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, h: &mut H) {
        let names = self.names.iter().map(|(k, v)| (&**k, &**v));
        hash_parts(
            h,
            self.grammar,
            &self.text,
            names,
            self.values.iter().map(|(k, t)| (&**k, *t)),
        );
    }
}

impl Hash for Probe<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        hash_parts(h, self.grammar, self.text, self.names(), self.values());
    }
}

impl Equivalent<Key> for Probe<'_> {
    fn equivalent(&self, key: &Key) -> bool {
        self.grammar == key.grammar
            && self.text == &*key.text
            && self.names().eq(key.names.iter().map(|(k, v)| (&**k, &**v)))
            && self.values().eq(key.values.iter().map(|(k, t)| (&**k, *t)))
    }
}

impl Cached for Condition {
    const GRAMMAR: Grammar = Grammar::Condition;

    fn wrap(self) -> Tree {
        Tree::Condition(self)
    }

    fn unwrap(tree: &Tree) -> Option<&Self> {
        match tree {
            Tree::Condition(c) => Some(c),
            _ => None,
        }
    }

    fn values_mut(&mut self, f: &mut dyn FnMut(&mut AttributeValue)) {
        fn operand(o: &mut Operand, f: &mut dyn FnMut(&mut AttributeValue)) {
            match o {
                Operand::Path(_) => {}
                Operand::Value(v) => f(v),
                Operand::Size(inner) => operand(inner, f),
            }
        }
        match self {
            Condition::Cmp(_, a, b)
            | Condition::AttrType(a, b)
            | Condition::BeginsWith(a, b)
            | Condition::Contains(a, b) => [a, b].into_iter().for_each(|o| operand(o, f)),
            Condition::Between(a, b, c) => [a, b, c].into_iter().for_each(|o| operand(o, f)),
            Condition::In(a, list) => std::iter::once(a).chain(list).for_each(|o| operand(o, f)),
            Condition::And(a, b) | Condition::Or(a, b) => {
                a.values_mut(f);
                b.values_mut(f);
            }
            Condition::Not(c) => c.values_mut(f),
            Condition::Exists(_) | Condition::NotExists(_) => {}
        }
    }

    fn content_error(&self) -> Option<ExprError> {
        match self {
            Condition::Between(_, Operand::Value(a), Operand::Value(b)) => between_error(a, b),
            Condition::AttrType(_, Operand::Value(AttributeValue::S(s))) => type_name_error(s),
            Condition::And(a, b) | Condition::Or(a, b) => a.content_error().or_else(|| b.content_error()),
            Condition::Not(c) => c.content_error(),
            _ => None,
        }
    }
}

impl Cached for Update {
    const GRAMMAR: Grammar = Grammar::Update;

    fn wrap(self) -> Tree {
        Tree::Update(self)
    }

    fn unwrap(tree: &Tree) -> Option<&Self> {
        match tree {
            Tree::Update(u) => Some(u),
            _ => None,
        }
    }

    fn values_mut(&mut self, f: &mut dyn FnMut(&mut AttributeValue)) {
        fn operand(o: &mut UpdOperand, f: &mut dyn FnMut(&mut AttributeValue)) {
            match o {
                UpdOperand::Path(_) => {}
                UpdOperand::Value(v) => f(v),
                UpdOperand::IfNotExists(_, b) => operand(b, f),
                UpdOperand::ListAppend(a, b) => {
                    operand(a, f);
                    operand(b, f);
                }
            }
        }
        for action in &mut self.actions {
            match action {
                UpdateAction::Set(_, SetValue::Operand(o)) => operand(o, f),
                UpdateAction::Set(_, SetValue::Plus(a, b) | SetValue::Minus(a, b)) => {
                    operand(a, f);
                    operand(b, f);
                }
                UpdateAction::Remove(_) => {}
                UpdateAction::Add(_, v) | UpdateAction::Delete(_, v) => f(v),
            }
        }
    }
}

impl Cached for Vec<Path> {
    const GRAMMAR: Grammar = Grammar::Projection;

    fn wrap(self) -> Tree {
        Tree::Projection(self)
    }

    fn unwrap(tree: &Tree) -> Option<&Self> {
        match tree {
            Tree::Projection(p) => Some(p),
            _ => None,
        }
    }

    fn values_mut(&mut self, _: &mut dyn FnMut(&mut AttributeValue)) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::tests::{n, names as name_map, s, vals as map};
    use crate::expr::{parser, update, CmpOp, ExpressionInput, Op};

    /// Whether `src` with these names and value types has an entry.
    fn held(
        grammar: Grammar,
        src: &str,
        names: &BTreeMap<String, String>,
        values: &BTreeMap<String, AttributeValue>,
    ) -> bool {
        let probe = Probe {
            grammar,
            text: src,
            names: Some(names),
            values: Some(values),
        };
        CACHE.get(&probe).is_some()
    }

    /// The cached path and the parser alone agree, tree or exact message.
    fn same_as_parser<T: Cached + PartialEq + std::fmt::Debug>(
        src: &str,
        names: &BTreeMap<String, String>,
        values: &BTreeMap<String, AttributeValue>,
        parser: fn(&str, &mut Ctx<'_>) -> Result<T, ExprError>,
    ) -> Result<T, ExprError> {
        let through_cache = parse(src, &mut Ctx::new(Some(names), Some(values)), parser);
        assert_eq!(through_cache, parser(src, &mut Ctx::new(Some(names), Some(values))));
        through_cache
    }

    #[test]
    fn a_second_request_binds_its_own_values() {
        let src = "cache_hit_a = :a AND size(#b) IN (:b, :c)";
        let names = name_map(&[("#b", "cache_hit_b")]);
        let first = map(&[(":a", s("x")), (":b", n("1")), (":c", n("2"))]);
        let second = map(&[(":a", s("y")), (":b", n("3")), (":c", n("4"))]);
        assert!(!held(Grammar::Condition, src, &names, &first));
        same_as_parser(src, &names, &first, parser::parse_condition).unwrap();
        assert!(held(Grammar::Condition, src, &names, &second));
        let tree = same_as_parser(src, &names, &second, parser::parse_condition).unwrap();
        let Condition::And(left, _) = tree else {
            panic!("{tree:?}")
        };
        assert_eq!(
            *left,
            Condition::Cmp(
                CmpOp::Eq,
                Operand::Path(Path::attr("cache_hit_a")),
                Operand::Value(s("y"))
            )
        );
    }

    #[test]
    fn other_names_or_value_types_miss() {
        let src = "cache_miss < :v";
        let names = BTreeMap::new();
        same_as_parser(src, &names, &map(&[(":v", n("1"))]), parser::parse_condition).unwrap();
        assert!(held(Grammar::Condition, src, &names, &map(&[(":v", n("9"))])));
        assert!(!held(Grammar::Condition, src, &names, &map(&[(":v", s("1"))])));
        assert!(!held(
            Grammar::Condition,
            src,
            &name_map(&[("#x", "y")]),
            &map(&[(":v", n("1"))])
        ));
        // A type only the second request has is refused by the parser, as without the cache.
        let err = same_as_parser(
            src,
            &names,
            &map(&[(":v", AttributeValue::Bool(true))]),
            parser::parse_condition,
        );
        assert_eq!(
            err.unwrap_err().to_string(),
            "Incorrect operand type for operator or function; operator or function: <, operand type: BOOL"
        );
    }

    #[test]
    fn checks_of_value_content_run_on_every_hit() {
        let src = "cache_between BETWEEN :lo AND :hi AND attribute_type(cache_t, :t)";
        let names = BTreeMap::new();
        let good = map(&[(":lo", n("1")), (":hi", n("2")), (":t", s("N"))]);
        same_as_parser(src, &names, &good, parser::parse_condition).unwrap();
        let reversed = map(&[(":lo", n("3")), (":hi", n("2")), (":t", s("X"))]);
        assert!(held(Grammar::Condition, src, &names, &reversed));
        assert_eq!(
            same_as_parser(src, &names, &reversed, parser::parse_condition).unwrap_err().to_string(),
            "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:3}, upper bound operand: AttributeValue: {N:2}"
        );
        let bad_type = map(&[(":lo", n("1")), (":hi", n("2")), (":t", s("X"))]);
        assert_eq!(
            same_as_parser(src, &names, &bad_type, parser::parse_condition)
                .unwrap_err()
                .to_string(),
            "Invalid attribute type name found; type: X, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"
        );
    }

    #[test]
    fn updates_rebind_every_operand_in_written_order() {
        let src = "SET cache_u = list_append(if_not_exists(cache_l, :e), :l), cache_n = cache_n + :one ADD cache_s :s DELETE cache_d :d";
        let names = BTreeMap::new();
        let values = |x: &str| {
            map(&[
                (":e", AttributeValue::L(vec![])),
                (":l", AttributeValue::L(vec![s(x)])),
                (":one", n(x.len().to_string().as_str())),
                (":s", AttributeValue::Ss(vec![format!("{x}1")])),
                (":d", AttributeValue::Ss(vec![format!("{x}2")])),
            ])
        };
        same_as_parser(src, &names, &values("a"), update::parse_update).unwrap();
        assert!(held(Grammar::Update, src, &names, &values("bb")));
        same_as_parser(src, &names, &values("bb"), update::parse_update).unwrap();
    }

    #[test]
    fn a_hit_marks_the_names_and_values_it_uses() {
        let names = name_map(&[("#c", "cache_c")]);
        let values = map(&[(":v", n("1"))]);
        let request = |update: Option<&'static str>| {
            crate::expr::parse(&ExpressionInput {
                op: Op::UpdateItem,
                update,
                condition: Some("#c < :v"),
                names: Some(&names),
                values: Some(&values),
                ..Default::default()
            })
        };
        // The first request's update also uses both; the second's condition alone must.
        request(Some("SET #c = :v")).unwrap();
        let second = request(Some("REMOVE cache_other")).unwrap();
        assert!(second.condition.is_some());
    }
}
