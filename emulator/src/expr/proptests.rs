//! Property tests: (a) random well-formed conditions evaluate like an independent reference
//! evaluator; (b) arbitrary input never panics the parsers.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::model::{Item, Number};

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Lit {
    Int(i64),
    Str(String),
}

#[derive(Clone, Debug)]
enum RCond {
    Cmp(&'static str, usize, Lit),
    Between(usize, Lit, Lit),
    In(usize, Vec<Lit>),
    Exists(usize),
    NotExists(usize),
    BeginsWith(usize, String),
    And(Box<RCond>, Box<RCond>),
    Or(Box<RCond>, Box<RCond>),
    Not(Box<RCond>),
}

const ATTRS: [&str; 3] = ["a", "b", "c"];

fn lit() -> impl Strategy<Value = Lit> {
    prop_oneof![
        (-5i64..5).prop_map(Lit::Int),
        "[a-c]{0,2}".prop_map(|s| Lit::Str(format!("x{s}")))
    ]
}

fn leaf() -> impl Strategy<Value = RCond> {
    prop_oneof![
        (
            prop::sample::select(vec!["=", "<>", "<", "<=", ">", ">="]),
            0..3usize,
            lit()
        )
            .prop_map(|(o, a, l)| RCond::Cmp(o, a, l)),
        (0..3usize, lit(), lit()).prop_filter_map("same-typed bounds", |(a, x, y)| {
            let same = matches!((&x, &y), (Lit::Int(_), Lit::Int(_)) | (Lit::Str(_), Lit::Str(_)));
            same.then(|| {
                if x <= y {
                    RCond::Between(a, x, y)
                } else {
                    RCond::Between(a, y, x)
                }
            })
        }),
        (0..3usize, prop::collection::vec(lit(), 1..4)).prop_map(|(a, l)| RCond::In(a, l)),
        (0..3usize).prop_map(RCond::Exists),
        (0..3usize).prop_map(RCond::NotExists),
        (0..3usize, "[a-c]{0,2}").prop_map(|(a, s)| RCond::BeginsWith(a, format!("x{s}"))),
    ]
}

fn cond() -> impl Strategy<Value = RCond> {
    leaf().prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| RCond::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| RCond::Or(Box::new(a), Box::new(b))),
            inner.prop_map(|a| RCond::Not(Box::new(a))),
        ]
    })
}

fn ritem() -> impl Strategy<Value = Vec<Option<Lit>>> {
    prop::collection::vec(prop::option::of(lit()), 3)
}

fn to_attr(l: &Lit) -> AttributeValue {
    match l {
        Lit::Int(i) => AttributeValue::N(Number::parse(&i.to_string()).unwrap()),
        Lit::Str(s) => AttributeValue::S(s.clone()),
    }
}

/// Renders to expression text, registering literals as `:vN`.
fn render(c: &RCond, vals: &mut BTreeMap<String, AttributeValue>) -> String {
    let mut v = |l: &Lit| {
        let k = format!(":v{}", vals.len());
        vals.insert(k.clone(), to_attr(l));
        k
    };
    match c {
        RCond::Cmp(o, a, l) => format!("{} {o} {}", ATTRS[*a], v(l)),
        RCond::Between(a, x, y) => {
            let (x, y) = (v(x), v(y));
            format!("{} BETWEEN {x} AND {y}", ATTRS[*a])
        }
        RCond::In(a, l) => format!(
            "{} IN ({})",
            ATTRS[*a],
            l.iter().map(&mut v).collect::<Vec<_>>().join(", ")
        ),
        RCond::Exists(a) => format!("attribute_exists({})", ATTRS[*a]),
        RCond::NotExists(a) => format!("attribute_not_exists({})", ATTRS[*a]),
        RCond::BeginsWith(a, s) => {
            format!("begins_with({}, {})", ATTRS[*a], v(&Lit::Str(s.clone())))
        }
        RCond::And(x, y) => format!("({}) AND ({})", render(x, vals), render(y, vals)),
        RCond::Or(x, y) => format!("({}) or ({})", render(x, vals), render(y, vals)),
        RCond::Not(x) => format!("NOT ({})", render(x, vals)),
    }
}

/// The reference: straightforward semantics over the simplified model.
fn reference(c: &RCond, it: &[Option<Lit>]) -> bool {
    let ord = |x: &Lit, y: &Lit| match (x, y) {
        (Lit::Int(a), Lit::Int(b)) => Some(a.cmp(b)),
        (Lit::Str(a), Lit::Str(b)) => Some(a.as_bytes().cmp(b.as_bytes())),
        _ => None,
    };
    match c {
        RCond::Cmp(o, a, l) => match &it[*a] {
            None => *o == "<>",
            Some(x) => match *o {
                "=" => x == l,
                "<>" => x != l,
                "<" => ord(x, l).is_some_and(|o| o.is_lt()),
                "<=" => ord(x, l).is_some_and(|o| o.is_le()),
                ">" => ord(x, l).is_some_and(|o| o.is_gt()),
                _ => ord(x, l).is_some_and(|o| o.is_ge()),
            },
        },
        RCond::Between(a, lo, hi) => it[*a]
            .as_ref()
            .is_some_and(|x| ord(x, lo).is_some_and(|o| o.is_ge()) && ord(x, hi).is_some_and(|o| o.is_le())),
        RCond::In(a, l) => it[*a].as_ref().is_some_and(|x| l.contains(x)),
        RCond::Exists(a) => it[*a].is_some(),
        RCond::NotExists(a) => it[*a].is_none(),
        RCond::BeginsWith(a, p) => {
            matches!(&it[*a], Some(Lit::Str(s)) if s.starts_with(p.as_str()))
        }
        RCond::And(x, y) => reference(x, it) && reference(y, it),
        RCond::Or(x, y) => reference(x, it) || reference(y, it),
        RCond::Not(x) => !reference(x, it),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn conditions_match_reference(c in cond(), items in prop::collection::vec(ritem(), 1..6)) {
        let mut vals = BTreeMap::new();
        let text = render(&c, &mut vals);
        let input = ExpressionInput {
            op: Op::Scan,
            filter: Some(&text),
            values: (!vals.is_empty()).then_some(&vals),
            ..Default::default()
        };
        let parsed = parse(&input);
        prop_assert!(parsed.is_ok(), "{text}: {:?}", parsed.err());
        let filter = parsed.unwrap().filter.unwrap();
        for it in &items {
            let item: Item = it
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.as_ref().map(|v| (ATTRS[i].to_string(), to_attr(v))))
                .collect();
            prop_assert_eq!(filter.eval(&item), reference(&c, it), "{} on {:?}", text, it);
        }
    }

    #[test]
    fn arbitrary_text_never_panics(src in ".{0,80}") {
        fuzz_all(&src);
    }

    #[test]
    fn expression_like_text_never_panics(
        src in r"[ a-c#:0-9().,\[\]=<>+\-]{0,10}(SET|REMOVE|ADD|DELETE|AND|OR|NOT|BETWEEN|IN|size|contains|if_not_exists|list_append|attribute_exists)?[ a-c#:0-9().,\[\]=<>+\-]{0,30}"
    ) {
        fuzz_all(&src);
    }

    /// Expression text up to the 4 KB limit that nests as deep as it can (a run of one opener),
    /// then goes on with a soup of tokens: on a thread with a 1 MiB stack (tokio's are 2 MiB)
    /// every parser and the update's application finish.
    #[test]
    fn deep_token_soups_stay_within_a_fixed_stack(
        opener in prop::sample::select(OPENERS),
        depth in 0..4096usize,
        tokens in prop::collection::vec(prop::sample::select(SOUP), 0..200),
    ) {
        let mut src = opener.repeat(depth.min(4096 / opener.len()));
        src.push_str(&tokens.concat());
        std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || fuzz_all(&src))
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        fuzz_all(&String::from_utf8_lossy(&bytes));
    }
}

/// What nests in some grammar.
const OPENERS: &[&str] = &[
    "(",
    "NOT (",
    "size(",
    "contains(",
    "SET a = list_append(",
    "list_append(:c,",
    "if_not_exists(a,",
];

/// Tokens of every expression grammar.
const SOUP: &[&str] = &[
    "(",
    "(",
    "(",
    "(",
    ")",
    ")",
    "NOT ",
    "NOT (",
    " AND ",
    " OR ",
    "a",
    "#a",
    ":a",
    ":b",
    ":c",
    " = ",
    " <> ",
    " < ",
    " BETWEEN ",
    " IN (",
    ",",
    "size(",
    "contains(",
    "attribute_exists(",
    "begins_with(",
    "list_append(",
    "if_not_exists(",
    "SET ",
    "REMOVE ",
    "ADD ",
    "DELETE ",
    " + ",
    " - ",
    ".",
    "[0]",
    "a.b",
    "x(",
];

fn fuzz_all(src: &str) {
    let names: BTreeMap<String, String> = [("#a", "a"), ("#b", "b")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let vals: BTreeMap<String, AttributeValue> = [
        (":a", AttributeValue::N(Number::parse("1").unwrap())),
        (":b", AttributeValue::S("x".into())),
        (":c", AttributeValue::L(vec![])),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.clone()))
    .collect();
    let base = ExpressionInput {
        names: Some(&names),
        values: Some(&vals),
        ..Default::default()
    };
    let _ = parse(&ExpressionInput {
        op: Op::PutItem,
        condition: Some(src),
        ..base
    });
    let _ = parse(&ExpressionInput {
        op: Op::Scan,
        filter: Some(src),
        ..base
    });
    let _ = parse(&ExpressionInput {
        op: Op::Query,
        key_condition: Some(src),
        ..base
    });
    let _ = parse(&ExpressionInput {
        op: Op::GetItem,
        projection: Some(src),
        names: Some(&names),
        values: None,
        ..base
    });
    if let Ok(p) = parse(&ExpressionInput {
        op: Op::UpdateItem,
        update: Some(src),
        ..base
    }) {
        let mut item = Item::new();
        item.insert("a".into(), AttributeValue::L(vec![AttributeValue::Null]));
        let key = crate::model::KeySchema::simple(
            crate::model::KeyAttr {
                name: "pk".into(),
                ty: crate::model::ScalarType::S,
            },
            None,
        );
        let _ = p.update.unwrap().apply(&mut item, &key);
    }
}
