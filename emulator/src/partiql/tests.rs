//! Parser tests: every statement form and literal, and syntax errors with DynamoDB's exact text.

use super::ast::{Expr, IsWhat, Lit, OrderTerm, Returning, Select, Statement, Target, UpdateClause, Write};
use super::bind;
use super::parse;
use crate::expr::{CmpOp, Condition, Operand, Path, PathElem, SetValue, UpdOperand, UpdateAction};
use crate::model::{AttributeValue, Item, KeySchema, Number, ScalarType};

fn ok(src: &str) -> Statement {
    parse(src).unwrap_or_else(|e| panic!("{src}: {e:?}")).0
}

fn err(src: &str) -> String {
    parse(src).expect_err(src).0
}

fn target(t: &str) -> Target {
    Target {
        table: t.into(),
        index: None,
    }
}

fn path(s: &str) -> Expr {
    Expr::Path(Path::attr(s))
}

fn s(v: &str) -> Expr {
    Expr::Lit(Lit::Str(v.into()))
}

fn n(v: &str) -> AttributeValue {
    AttributeValue::N(Number::parse(v).unwrap())
}

fn eq(a: Expr, b: Expr) -> Expr {
    Expr::Cmp(CmpOp::Eq, Box::new(a), Box::new(b))
}

/// The value a literal denotes, through a one-attribute INSERT.
fn literal(text: &str) -> Result<AttributeValue, String> {
    let Statement::Write(Write::Insert { value, .. }) = ok(&format!("INSERT INTO t VALUE {{'a': {text}}}")) else {
        panic!("not an insert")
    };
    bind::insert_item(&value, &[])
        .map(|mut m| m.remove("a").unwrap())
        .map_err(|e| e.message.unwrap())
}

const NWF: &str = "Statement wasn't well formed, can't be processed: ";

#[test]
fn select_star() {
    assert_eq!(
        ok(r#"SELECT * FROM "tbl""#),
        Statement::Read(Select {
            target: target("tbl"),
            projection: None,
            filter: None,
            order: Vec::new()
        })
    );
}

#[test]
fn select_projection_index_where_order() {
    let stmt = ok(r#"select a, "b".c, d[1] FROM "tbl"."idx" WHERE pk = 'x' ORDER BY sk DESC;"#);
    let Statement::Read(Select {
        target,
        projection,
        filter,
        order,
    }) = stmt
    else {
        panic!()
    };
    assert_eq!(
        target,
        Target {
            table: "tbl".into(),
            index: Some("idx".into())
        }
    );
    assert_eq!(
        projection.unwrap(),
        vec![
            Path::attr("a"),
            Path(vec![PathElem::Attr("b".into()), PathElem::Attr("c".into())]),
            Path(vec![PathElem::Attr("d".into()), PathElem::Index(1)]),
        ]
    );
    assert_eq!(filter.unwrap(), eq(path("pk"), s("x")));
    assert_eq!(
        order,
        vec![OrderTerm {
            path: Path::attr("sk"),
            descending: true
        }]
    );
}

#[test]
fn where_operators_and_precedence() {
    let Statement::Read(Select { filter, .. }) =
        ok("SELECT * FROM t WHERE a = 1 OR NOT b <> 2 AND c BETWEEN 1 AND 5 AND d IN (1, ?) AND e IS NOT MISSING")
    else {
        panic!()
    };
    let f = filter.unwrap();
    let Expr::Or(l, r) = f else {
        panic!("OR binds loosest: {f:?}")
    };
    assert!(matches!(*l, Expr::Cmp(CmpOp::Eq, ..)));
    let Expr::And(rest, is) = *r else { panic!() };
    assert_eq!(*is, Expr::Is(Box::new(path("e")), IsWhat::Missing, true));
    let Expr::And(rest, inn) = *rest else { panic!() };
    assert!(matches!(&*inn, Expr::In(_, items) if items.len() == 2 && items[1] == Expr::Param(0)));
    let Expr::And(not, between) = *rest else { panic!() };
    assert!(matches!(*between, Expr::Between(..)));
    assert!(matches!(*not, Expr::Not(ref x) if matches!(**x, Expr::Cmp(CmpOp::Ne, ..))));
}

#[test]
fn where_comparisons_and_functions() {
    for (op, cmp) in [
        ("<", CmpOp::Lt),
        ("<=", CmpOp::Le),
        (">", CmpOp::Gt),
        (">=", CmpOp::Ge),
        ("!=", CmpOp::Ne),
    ] {
        let Statement::Read(Select { filter, .. }) = ok(&format!("SELECT * FROM t WHERE a {op} 1")) else {
            panic!()
        };
        assert!(matches!(filter.unwrap(), Expr::Cmp(c, ..) if c == cmp));
    }
    let Statement::Read(Select { filter, .. }) =
        ok("SELECT * FROM t WHERE begins_with(sk, 'p') AND contains(l, 2) AND attribute_type(a, 'S') AND size(l) > 2 AND x IS NULL")
    else {
        panic!()
    };
    let cond = bind::condition(&filter.unwrap(), &[]).unwrap();
    let mut item = Item::new();
    item.insert("sk".into(), AttributeValue::S("prefix".into()));
    item.insert("l".into(), AttributeValue::L(vec![n("1"), n("2"), n("3")]));
    item.insert("a".into(), AttributeValue::S("s".into()));
    // An absent `x` is MISSING, which IS NULL does not hold for.
    assert!(!cond.eval(&item));
    item.insert("x".into(), AttributeValue::Null);
    assert!(cond.eval(&item));
    item.insert("x".into(), n("1"));
    assert!(!cond.eval(&item));
}

#[test]
fn insert_forms() {
    assert_eq!(
        ok(r#"INSERT INTO "tbl" VALUE {'pk': ?, 'n': 1}"#),
        Statement::Write(Write::Insert {
            target: target("tbl"),
            value: Expr::Map(vec![
                ("pk".into(), Expr::Param(0)),
                ("n".into(), Expr::Lit(Lit::Num("1".into())))
            ]),
        })
    );
    assert_eq!(parse("INSERT INTO t VALUE {'a': ?, 'b': [?, ?]}").unwrap().1, 3);
}

#[test]
fn update_forms() {
    let stmt =
        ok("UPDATE t SET a = ?, b = b + 1 SET c = c - 2 REMOVE d, e.f WHERE pk = 'x' AND sk = 1 RETURNING ALL NEW *");
    let Statement::Write(Write::Update {
        target: t,
        actions,
        filter,
        returning,
    }) = stmt
    else {
        panic!()
    };
    assert_eq!(t, target("t"));
    assert_eq!(actions.len(), 5);
    assert_eq!(actions[0], UpdateClause::Set(Path::attr("a"), Expr::Param(0)));
    assert!(matches!(&actions[1], UpdateClause::Set(_, Expr::Add(..))));
    assert!(matches!(&actions[2], UpdateClause::Set(_, Expr::Sub(..))));
    assert_eq!(actions[3], UpdateClause::Remove(Path::attr("d")));
    assert_eq!(returning, Some(Returning::AllNew));
    let update = bind::update(&actions, &[AttributeValue::S("v".into())]).unwrap();
    assert_eq!(
        update.actions[0],
        UpdateAction::Set(
            Path::attr("a"),
            SetValue::Operand(UpdOperand::Value(AttributeValue::S("v".into())))
        )
    );
    assert_eq!(
        update.actions[1],
        UpdateAction::Set(
            Path::attr("b"),
            SetValue::Plus(UpdOperand::Path(Path::attr("b")), UpdOperand::Value(n("1")))
        )
    );
    let key = KeySchema::simple(
        crate::model::KeyAttr {
            name: "pk".into(),
            ty: ScalarType::S,
        },
        Some(crate::model::KeyAttr {
            name: "sk".into(),
            ty: ScalarType::N,
        }),
    );
    let k = bind::key_of(filter.as_ref(), &key, &[]).unwrap();
    assert_eq!(k.get("pk"), Some(&AttributeValue::S("x".into())));
    assert_eq!(k.get("sk"), Some(&n("1")));
    for ret in ["ALL OLD", "MODIFIED OLD", "MODIFIED NEW"] {
        ok(&format!("UPDATE t SET a = 1 WHERE pk = 'x' RETURNING {ret} *"));
    }
    let Statement::Write(Write::Update { actions, .. }) =
        ok("UPDATE t SET s = set_add(s, <<'a'>>) SET l = list_append(l, [1]) WHERE pk = 'x'")
    else {
        panic!()
    };
    let update = bind::update(&actions, &[]).unwrap();
    assert_eq!(
        update.actions[0],
        UpdateAction::Add(Path::attr("s"), AttributeValue::Ss(vec!["a".into()]))
    );
}

#[test]
fn missing_key_equality() {
    let Statement::Write(Write::Delete { filter, .. }) = ok("DELETE FROM t WHERE pk = 'x' OR a = 1") else {
        panic!()
    };
    let key = KeySchema::simple(
        crate::model::KeyAttr {
            name: "pk".into(),
            ty: ScalarType::S,
        },
        None,
    );
    assert_eq!(
        bind::key_of(filter.as_ref(), &key, &[]).unwrap_err().message.unwrap(),
        "Where clause does not contain a mandatory equality on all key attributes"
    );
}

/// The values `values_of` reads for `pk` off a SELECT's WHERE clause, with `?` bound to 'p'.
fn pk_values(filter: &str) -> Option<Vec<AttributeValue>> {
    let Statement::Read(Select {
        filter: Some(filter), ..
    }) = ok(&format!("SELECT * FROM t WHERE {filter}"))
    else {
        panic!("{filter}")
    };
    bind::values_of(&filter, "pk", &[AttributeValue::S("p".into())]).unwrap()
}

#[test]
fn values_of_reads_equalities_in_lists_and_their_disjunctions() {
    let s = |v: &str| AttributeValue::S(v.into());
    assert_eq!(pk_values("pk = 'a'"), Some(vec![s("a")]));
    assert_eq!(pk_values("'a' = pk AND x > 1"), Some(vec![s("a")]));
    assert_eq!(pk_values("pk IN ['a', ?]"), Some(vec![s("a"), s("p")]));
    assert_eq!(pk_values("x = 1 AND pk IN ('a')"), Some(vec![s("a")]));
    assert_eq!(
        pk_values("pk = 'a' OR pk IN ['b', 'c']"),
        Some(vec![s("a"), s("b"), s("c")])
    );
    assert_eq!(
        pk_values("(pk = 'a' OR pk = 'b') AND x = 1"),
        Some(vec![s("a"), s("b")])
    );
    // Anything that leaves the partition key open holds it to nothing.
    for open in [
        "pk = 'a' OR x = 1",
        "NOT pk IN ['a']",
        "pk IN ['a', x]",
        "pk > 'a'",
        "x IN ['a']",
        "pk.y = 'a'",
        "pk = x",
    ] {
        assert_eq!(pk_values(open), None, "{open}");
    }
}

/// The partitions and sort bounds a WHERE clause confines a SELECT to, against a key of
/// (pk S, a N) HASH and (sk N) RANGE, or `None` for a scan; each partition as its values' text.
fn reads(filter: &str) -> Option<(Vec<String>, bind::KeyReads)> {
    use crate::model::{KeyAttr, KeyValue};
    let Statement::Read(Select {
        filter: Some(filter), ..
    }) = ok(&format!("SELECT * FROM t WHERE {filter}"))
    else {
        panic!("{filter}")
    };
    let attr = |name: &str, ty| KeyAttr { name: name.into(), ty };
    let key = KeySchema {
        hash: vec![attr("pk", ScalarType::S), attr("a", ScalarType::N)],
        range: vec![attr("sk", ScalarType::N)],
    };
    let text = |v: &KeyValue| match v {
        KeyValue::S(s) => s.clone(),
        other => format!("{:?}", other.to_attr()),
    };
    let reads = bind::key_reads(&filter, &key, &[AttributeValue::S("p".into())]).unwrap()?;
    let names = reads
        .partitions
        .iter()
        .map(|p| p.iter().map(text).collect::<Vec<_>>().join("/"))
        .collect();
    Some((names, reads))
}

#[test]
fn key_reads_name_every_partition_once_and_bound_the_sort_key() {
    use crate::expr::RangeCond;
    use crate::model::KeyValue;
    let partitions = |filter: &str| reads(filter).map(|(names, _)| names);
    // The sort bound, an equality as the sort prefix it makes.
    let sort = |filter: &str| {
        let (_, r) = reads(filter).unwrap();
        r.sort.or(r.sort_prefix.first().cloned().map(RangeCond::Eq))
    };
    let num = |v: &str| KeyValue::N(Number::parse(v).unwrap());
    // The product of each partition attribute's values, typed and without duplicates.
    assert_eq!(
        partitions("pk IN ['x', ?, 'x', 1] AND (a = 1 OR a = 2 OR a = 1)").map(|p| p.len()),
        Some(4)
    );
    assert_eq!(partitions("pk = 7 AND a = 1"), Some(vec![]));
    assert_eq!(
        partitions("pk = 'x' AND a = 1 AND sk > 3"),
        Some(vec![format!("x/{:?}", n("1"))])
    );
    // A partition attribute left open, or more partitions than DynamoDB reads, is a scan.
    assert_eq!(partitions("pk IN ['x', 'y']"), None);
    assert_eq!(partitions("pk = 'x' OR a = 1"), None);
    let many: Vec<String> = (0..26).map(|i| format!("'{i}'")).collect();
    assert_eq!(
        partitions(&format!("pk IN [{}] AND a IN [1, 2]", many.join(", "))),
        None
    );
    assert!(partitions(&format!("pk IN [{}] AND a = 1", many.join(", "))).is_some());
    // Bounds on the sort key come from top-level conjuncts, either way round.
    let key = "pk = 'x' AND a = 1";
    assert_eq!(sort(&format!("{key} AND sk > 3")), Some(RangeCond::Gt(num("3"))));
    assert_eq!(sort(&format!("{key} AND 3 > sk")), Some(RangeCond::Lt(num("3"))));
    assert_eq!(sort(&format!("3 <= sk AND {key}")), Some(RangeCond::Ge(num("3"))));
    assert_eq!(sort(&format!("{key} AND sk = 3")), Some(RangeCond::Eq(num("3"))));
    assert_eq!(
        sort(&format!("{key} AND sk BETWEEN 1 AND 2")),
        Some(RangeCond::Between(num("1"), num("2")))
    );
    // What does not bound it as a key: another type, a disjunction, <>, a path, begins_with on
    // a number.
    for open in [
        "sk > 'a'",
        "(sk > 3 OR x = 1)",
        "sk <> 3",
        "sk > x",
        "begins_with(sk, 1)",
        "NOT sk > 3",
    ] {
        assert_eq!(sort(&format!("{key} AND {open}")), None, "{open}");
    }
}

/// "Keyed" is a top-level conjunct's shape: `=` or `IN` on the attribute, not inside an OR.
#[test]
fn keyed_on_reads_top_level_equalities_and_in_lists() {
    let keyed = |w: &str| {
        let Statement::Read(Select { filter, .. }) = ok(&format!("SELECT * FROM t WHERE {w}")) else {
            panic!()
        };
        bind::keyed_on(&filter.unwrap(), "g")
    };
    assert!(keyed("g = 'y' AND x = 1"));
    assert!(keyed("x = 1 AND 'y' = g"));
    assert!(keyed("g IN ['y', 'z'] AND NOT x = 1"));
    assert!(!keyed("(g = 'y' AND x = 1) OR g = 'z'"));
    assert!(!keyed("g > 'y' AND x = 1"));
}

/// FROM-path and RETURNING refusals AWS answers bare, before the table is looked up.
#[test]
fn path_and_returning_refusals() {
    for (src, message) in [
        (r#"SELECT * FROM "t"."i"."x""#, "A path may contain at most 2 components in the FROM clause"),
        (r#"SELECT * FROM "t"."""#, "Path component cannot be an empty string"),
        (r#"SELECT * FROM """#, "Path component cannot be an empty string"),
        (
            r#"INSERT INTO "t"."i" VALUE {'pk': 'a'}"#,
            "FROM clause may only contain a single table name in data manipulation statements",
        ),
        (
            r#"DELETE FROM "t" WHERE pk = 'a' RETURNING MODIFIED OLD *"#,
            "Invalid returning clause: RETURNING MODIFIED OLD *. Only RETURNING ALL OLD * is allowed in DELETE statements.",
        ),
        (
            r#"DELETE FROM "t" WHERE pk = 'a' RETURNING ALL NEW *"#,
            "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE statements.",
        ),
    ] {
        assert_eq!(err(src), message, "{src}");
    }
}

#[test]
fn delete_form() {
    assert_eq!(
        ok(r#"DELETE FROM "t" WHERE pk = 'a' RETURNING ALL OLD *"#),
        Statement::Write(Write::Delete {
            target: target("t"),
            filter: Some(eq(path("pk"), s("a"))),
            returning: Some(Returning::AllOld)
        })
    );
}

#[test]
fn literals() {
    assert_eq!(literal("'it''s'"), Ok(AttributeValue::S("it's".into())));
    assert_eq!(literal("-1.5e3"), Ok(n("-1500")));
    assert_eq!(literal("TRUE"), Ok(AttributeValue::Bool(true)));
    assert_eq!(literal("false"), Ok(AttributeValue::Bool(false)));
    assert_eq!(literal("NULL"), Ok(AttributeValue::Null));
    assert_eq!(
        literal("[1, 'a', [true]]"),
        Ok(AttributeValue::L(vec![
            n("1"),
            AttributeValue::S("a".into()),
            AttributeValue::L(vec![AttributeValue::Bool(true)])
        ]))
    );
    let mut m = Item::new();
    m.insert("k".into(), n("2"));
    assert_eq!(literal("{'k': 2}"), Ok(AttributeValue::M(m)));
    assert_eq!(
        literal("<<'b', 'a'>>"),
        Ok(AttributeValue::Ss(vec!["a".into(), "b".into()]))
    );
    // A repeated member is refused in the older validator's words, an empty set on its own.
    assert_eq!(
        literal("<<'a', 'b', 'a'>>"),
        Err("One or more parameter values were invalid: Input collection [a, b, a] contains duplicates.".into())
    );
    assert_eq!(
        literal("<<1, 1.0>>"),
        Err("Input collection contains duplicates".into())
    );
    assert_eq!(literal("<<>>"), Err("Empty bags are not supported".into()));
    assert_eq!(
        literal("<<1, 2>>"),
        Ok(AttributeValue::Ns(vec![
            Number::parse("1").unwrap(),
            Number::parse("2").unwrap()
        ]))
    );
    // MISSING leaves the attribute out.
    let Statement::Write(Write::Insert { value, .. }) = ok("INSERT INTO t VALUE {'pk': 'a', 'gone': MISSING}") else {
        panic!()
    };
    assert_eq!(bind::insert_item(&value, &[]).unwrap().len(), 1);
}

#[test]
fn number_literal_errors_name_their_path() {
    assert_eq!(
        literal("1e126"),
        Err(
            "Number overflow. Attempting to store a number with magnitude larger than supported range under root"
                .into()
        )
    );
    assert_eq!(
        literal("[1, 1e-131]"),
        Err(
            "Number underflow. Attempting to store a number with magnitude smaller than supported range under root[1]"
                .into()
        )
    );
}

#[test]
fn parameters_are_counted_and_bound() {
    let (stmt, count) = parse("SELECT * FROM t WHERE pk = ? AND a IN [?, ?]").unwrap();
    assert_eq!(count, 3);
    let Statement::Read(Select { filter, .. }) = stmt else {
        panic!()
    };
    let params = [AttributeValue::S("p".into()), n("1"), n("2")];
    let cond = bind::condition(&filter.unwrap(), &params).unwrap();
    let Condition::And(pk, _) = cond else { panic!() };
    assert_eq!(
        *pk,
        Condition::Cmp(
            CmpOp::Eq,
            Operand::Path(Path::attr("pk")),
            Operand::Value(AttributeValue::S("p".into()))
        )
    );
    assert_eq!(
        bind::condition(&eq(path("a"), Expr::Param(5)), &[])
            .unwrap_err()
            .message
            .unwrap(),
        "Number of parameters in request and statement don't match."
    );
}

#[test]
fn syntax_errors() {
    let cases: &[(&str, String)] = &[
        ("SELECTT * FROMM \"t\"", format!("{NWF}Expected data manipulation")),
        (
            "SELECT * FROM t WHERE pk = 1 foo",
            format!("{NWF}Unexpected token after expression"),
        ),
        (
            "SELECT * FROM t WHERE pk = 1)",
            format!("{NWF}Unexpected token after expression"),
        ),
        (
            "DELETE FROM t WHERE pk = 1 ORDER BY pk",
            format!("{NWF}Unexpected token after expression"),
        ),
        (
            "INSERT INTO t VALUE {'pk': 1} foo",
            format!("{NWF}Unexpected token after expression"),
        ),
        ("SELECT * FROM t WHERE pk = 1 # note", NWF.to_string()),
        ("SELECT * FROM t WHERE pk = 1 /* note", NWF.to_string()),
        ("SELECT * FROM t WHERE", format!("{NWF}Unexpected term")),
        ("SELECT * FROM t WHERE;", format!("{NWF}Unexpected term")),
        ("SELECT * FROM t WHERE NOT", format!("{NWF}Unexpected term")),
        ("SELECT * FROM t WHERE (", format!("{NWF}Unexpected term")),
        ("UPDATE t SET a = 1 WHERE", format!("{NWF}Unexpected term")),
        ("SELECT * FROM", format!("{NWF}Unexpected term")),
        (
            "SELECT * FROM t WHERE pk = 'a' AND",
            format!("{NWF}Missing right-hand side expression of infix operator"),
        ),
        (
            "SELECT * FROM t WHERE pk = 'a' OR",
            format!("{NWF}Missing right-hand side expression of infix operator"),
        ),
        ("SELECT * FROM t WHERE ORDER BY pk", format!("{NWF}Unexpected keyword")),
        ("SELECT * FROM t WHERE IS NULL", format!("{NWF}Unexpected operator")),
        ("SELECT * FROM t WHERE pk = LIKE", format!("{NWF}Unexpected operator")),
        (
            "SELECT * FROM t WHERE pk = 'a' AND x IS FOO",
            format!("{NWF}Expected type name"),
        ),
        ("DELETE FROM", format!("{NWF}Expected identifier for simple path")),
        ("DELETE FROM;", format!("{NWF}Expected identifier for simple path")),
        (
            "DELETE FROM WHERE pk = 'a'",
            format!("{NWF}Expected identifier for simple path"),
        ),
        (
            "SELECT * FROM \"t\" x WHERE pk = 'x'",
            "Aliasing is not supported".to_string(),
        ),
        (
            "SELECT * FROM \"t\" AS x WHERE pk = 'x'",
            "Aliasing is not supported".to_string(),
        ),
        (
            "UPDATE \"t\" x SET a = 3 WHERE pk = 'x'",
            "Aliasing is not supported".to_string(),
        ),
        (
            "DELETE FROM \"t\" x WHERE pk = 'x'",
            "Aliasing is not supported".to_string(),
        ),
        (
            "INSERT INTO \"t\" x VALUE {'pk': 'x'}",
            format!("{NWF}Unexpected token after expression"),
        ),
    ];
    for (src, want) in cases {
        assert_eq!(&err(src), want, "{src}");
    }
}

#[test]
fn tokens_carry_their_line_column_and_length_in_characters() {
    let toks = super::lexer::lex("SELECT \"t\"\n  'é𝄞' ?").unwrap();
    let spans: Vec<String> = toks.iter().map(|(_, at)| at.to_string()).collect();
    // A quoted token's length takes in its quotes; `é𝄞` is two characters; End sits after the text.
    assert_eq!(spans, ["1:1:6", "1:8:3", "2:3:4", "2:8:1", "2:9:0"]);
}

#[test]
fn refusals_point_at_the_token_they_name() {
    let bound = |src: &str| -> String {
        let e = match ok(src) {
            Statement::Write(Write::Update { actions, .. }) => bind::update(&actions, &[]).unwrap_err(),
            Statement::Write(Write::Insert { value, .. }) => bind::insert_item(&value, &[]).unwrap_err(),
            Statement::Read(Select { filter, .. }) => bind::condition(&filter.unwrap(), &[]).unwrap_err(),
            other => panic!("{other:?}"),
        };
        e.message.unwrap()
    };
    assert_eq!(err("SELECT size(a) FROM t"), "Unexpected path component at 1:8:4");
    assert_eq!(err("SELECT pk, count(*) FROM t"), "Unexpected path component at 1:12:5");
    assert_eq!(
        bound("SELECT * FROM t WHERE\n  lower(a) = 'x'"),
        "Unrecognized function: lower at 2:3:5"
    );
    assert_eq!(
        bound("UPDATE t SET a = set_add(b, <<'x'>>) WHERE pk = 'x'"),
        "The first argument to SET_ADD must equal the assignment value at 1:18:7"
    );
    assert_eq!(
        bound("UPDATE t SET a = set_delete(a, 1) WHERE pk = 'x'"),
        "The second argument to SET_DELETE must be a value with type SET at 1:29:1"
    );
    assert_eq!(
        bound("INSERT INTO t VALUE {'a': [1, f(2)]}"),
        "Unsupported data type: f under key root[1] at 1:31:1"
    );
}

#[test]
fn a_dot_component_is_a_name_but_no_reserved_word() {
    let dot = format!("{NWF}Invalid path dot component");
    for src in ["SELECT m.inner FROM t", "SELECT m.KEY FROM t", "SELECT m.'x' FROM t"] {
        assert_eq!(err(src), dot, "{src}");
    }
    assert_eq!(err("SELECT m.* FROM t"), format!("{NWF}Unexpected operator"));
    let Statement::Read(Select { projection, .. }) = ok("SELECT m.\"inner\", m.sub FROM t") else {
        panic!()
    };
    assert_eq!(
        projection.unwrap(),
        [
            Path(vec![PathElem::Attr("m".into()), PathElem::Attr("inner".into())]),
            Path(vec![PathElem::Attr("m".into()), PathElem::Attr("sub".into())])
        ]
    );
}
