//! Unit tests: grammar rules, exact messages, evaluation, updates, projections, legacy parameters.

use std::collections::BTreeMap;

use super::key::KeyRange;
use super::*;
use crate::model::{Item, KeyAttr, KeySchema, KeyValue, Number, ScalarType};

pub(super) fn s(x: &str) -> AttributeValue {
    AttributeValue::S(x.into())
}
pub(super) fn n(x: &str) -> AttributeValue {
    AttributeValue::N(Number::parse(x).unwrap())
}
pub(super) fn vals(v: &[(&str, AttributeValue)]) -> BTreeMap<String, AttributeValue> {
    v.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}
pub(super) fn names(v: &[(&str, &str)]) -> BTreeMap<String, String> {
    v.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}
fn item(v: &[(&str, AttributeValue)]) -> Item {
    vals(v).into_iter().collect()
}
fn msg(r: Result<Parsed>) -> String {
    r.unwrap_err().message.unwrap()
}
fn schema() -> KeySchema {
    KeySchema::simple(
        KeyAttr {
            name: "pk".into(),
            ty: ScalarType::S,
        },
        None,
    )
}
fn composite() -> KeySchema {
    KeySchema::simple(
        KeyAttr {
            name: "pk".into(),
            ty: ScalarType::S,
        },
        Some(KeyAttr {
            name: "sk".into(),
            ty: ScalarType::N,
        }),
    )
}

/// Parses a ConditionExpression with the given names/values.
fn cond_with(e: &str, nm: &[(&str, &str)], v: &[(&str, AttributeValue)]) -> Result<Parsed> {
    let nm = names(nm);
    let v = vals(v);
    parse(&ExpressionInput {
        op: Op::PutItem,
        condition: Some(e),
        names: (!nm.is_empty()).then_some(&nm),
        values: (!v.is_empty()).then_some(&v),
        ..Default::default()
    })
}
fn cond_err(e: &str, v: &[(&str, AttributeValue)]) -> String {
    msg(cond_with(e, &[], v))
}
fn cond(e: &str, v: &[(&str, AttributeValue)]) -> Condition {
    cond_with(e, &[], v).unwrap().condition.unwrap()
}
fn upd_with(e: &str, nm: &[(&str, &str)], v: &[(&str, AttributeValue)]) -> Result<Parsed> {
    let nm = names(nm);
    let v = vals(v);
    parse(&ExpressionInput {
        op: Op::UpdateItem,
        update: Some(e),
        names: (!nm.is_empty()).then_some(&nm),
        values: (!v.is_empty()).then_some(&v),
        ..Default::default()
    })
}
fn upd_err(e: &str, v: &[(&str, AttributeValue)]) -> String {
    msg(upd_with(e, &[], v))
}
/// Applies `e` to `it`; returns the paths it names (what UPDATED_OLD and UPDATED_NEW show).
fn apply(e: &str, v: &[(&str, AttributeValue)], it: &mut Item) -> Result<Vec<Path>> {
    let update = upd_with(e, &[], v).unwrap().update.unwrap();
    update.apply(it, &schema()).map(|()| update.paths())
}

// ---------------------------------------------------------------- syntax and messages

#[test]
fn syntax_errors_match_aws() {
    assert_eq!(
        upd_err("INVALID SYNTAX HERE", &[(":v", s("val"))]),
        "Invalid UpdateExpression: Syntax error; token: \"INVALID\", near: \"INVALID SYNTAX\""
    );
    assert_eq!(
        upd_err("SET MyStr = myNum + 1", &[]),
        "Invalid UpdateExpression: Syntax error; token: \"1\", near: \"+ 1\""
    );
    assert_eq!(
        upd_err("SET MyStr = myNum Mystr2 myNum2", &[]),
        "Invalid UpdateExpression: Syntax error; token: \"Mystr2\", near: \"myNum Mystr2 myNum2\""
    );
    assert_eq!(
        upd_err("SET MyStr = my Num", &[]),
        "Invalid UpdateExpression: Syntax error; token: \"Num\", near: \"my Num\""
    );
    assert_eq!(
        upd_err("SET _a = :v", &[(":v", s("x"))]),
        "Invalid UpdateExpression: Syntax error; token: \"_\", near: \"SET _a\""
    );
    assert_eq!(
        cond_err("_f(b)", &[]),
        "Invalid ConditionExpression: Syntax error; token: \"_\", near: \"_f\""
    );
    assert_eq!(
        cond_err("a = ", &[]),
        "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"=\""
    );
    assert_eq!(
        cond_err("a == :v", &[(":v", s("x"))]),
        "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"== :v\""
    );
    assert_eq!(
        cond_err("a", &[]),
        "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"a\""
    );
    assert_eq!(
        cond_err("a AND b = :v", &[(":v", s("x"))]),
        "Invalid ConditionExpression: Syntax error; token: \"AND\", near: \"a AND b\""
    );
    let p = parse(&ExpressionInput {
        op: Op::GetItem,
        projection: Some("!!! INVALID !!!"),
        ..Default::default()
    });
    assert_eq!(
        msg(p),
        "Invalid ProjectionExpression: Syntax error; token: \"!\", near: \"!!\""
    );
    let p = parse(&ExpressionInput {
        op: Op::GetItem,
        projection: Some("a,"),
        ..Default::default()
    });
    assert_eq!(
        msg(p),
        "Invalid ProjectionExpression: Syntax error; token: \"<EOF>\", near: \",\""
    );
}

#[test]
fn empty_and_oversized_expressions() {
    assert_eq!(
        cond_err("", &[]),
        "Invalid ConditionExpression: The expression can not be empty;"
    );
    assert_eq!(
        upd_err("", &[]),
        "Invalid UpdateExpression: The expression can not be empty;"
    );
    let k = parse(&ExpressionInput {
        op: Op::Query,
        key_condition: Some(""),
        ..Default::default()
    });
    assert_eq!(
        msg(k),
        "Invalid KeyConditionExpression: The expression can not be empty;"
    );
    let long = format!("attribute_exists({})", "a".repeat(4090));
    assert_eq!(
        cond_err(&long, &[]),
        "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 4108"
    );
    // The other expressions do not say how large they were.
    let name = "a".repeat(4097);
    assert_eq!(
        upd_err(&format!("SET {name} = :v"), &[(":v", AttributeValue::S("x".into()))]),
        "Invalid UpdateExpression: Expression size has exceeded the maximum allowed size;"
    );
    let projection = ExpressionInput {
        op: Op::GetItem,
        projection: Some(&name),
        ..Default::default()
    };
    let key_condition = ExpressionInput {
        op: Op::Query,
        key_condition: Some(&name),
        ..Default::default()
    };
    for (input, param) in [
        (projection, "ProjectionExpression"),
        (key_condition, "KeyConditionExpression"),
    ] {
        assert_eq!(
            msg(parse(&input)),
            format!("Invalid {param}: Expression size has exceeded the maximum allowed size;")
        );
    }
}

#[test]
fn names_and_values_resolution() {
    // A key of more than 255 bytes is refused before its syntax is read; only the names' message
    // says how long it was.
    let long = format!("#{}-x", "a".repeat(255));
    assert_eq!(
        msg(cond_with("#n = :v", &[(&long, "x")], &[(":v", s("x"))])),
        "ExpressionAttributeNames contains invalid key: The expression attribute map contains a key that is too long; size of key: 258"
    );
    let long = format!(":{}", "a".repeat(255));
    assert_eq!(
        msg(cond_with("#n = :v", &[], &[(&long, s("x"))])),
        "ExpressionAttributeValues contains invalid key: The expression attribute map contains a key that is too long;"
    );
    let longest = format!(":{}", "a".repeat(254));
    assert!(cond_with(&format!("a = {longest}"), &[], &[(&longest, s("x"))]).is_ok());
    assert_eq!(
        upd_err("SET attr1 = :v", &[]),
        "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :v"
    );
    assert_eq!(
        msg(cond_with("#n = :v", &[("#m", "x")], &[(":v", s("x"))])),
        "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #n"
    );
    assert_eq!(
        msg(upd_with("SET attr1 = :v", &[("#unused", "x")], &[(":v", s("val"))])),
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}"
    );
    assert_eq!(
        msg(upd_with(
            "SET attr1 = :v",
            &[],
            &[(":v", s("val")), (":unused", s("x")), (":b", s("y"))]
        )),
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b, :unused}"
    );
    let p = cond_with("#a.#b = :v", &[("#a", "x"), ("#b", "y")], &[(":v", s("q"))]).unwrap();
    assert_eq!(
        p.condition,
        Some(Condition::Cmp(
            CmpOp::Eq,
            Operand::Path(Path(vec![PathElem::Attr("x".into()), PathElem::Attr("y".into())])),
            Operand::Value(s("q"))
        ))
    );
}

#[test]
fn parameter_level_checks() {
    let v = vals(&[(":v", s("unused"))]);
    let p = parse(&ExpressionInput {
        op: Op::PutItem,
        values: Some(&v),
        ..Default::default()
    });
    // The expressions missing ride on the check, for the wording that names them.
    let without = |missing: &str| {
        Error::validation("ExpressionAttributeValues can only be specified when using expressions")
            .by(Check::ValuesWithoutExpression(missing.into()))
    };
    assert_eq!(p.unwrap_err(), without("ConditionExpression is null"));
    let p = parse(&ExpressionInput {
        op: Op::UpdateItem,
        values: Some(&v),
        ..Default::default()
    });
    assert_eq!(
        p.unwrap_err(),
        without("UpdateExpression and ConditionExpression are null")
    );
    let p = parse(&ExpressionInput {
        op: Op::DeleteItem,
        values: Some(&v),
        ..Default::default()
    });
    assert_eq!(p.unwrap_err(), without("ConditionExpression is null"));
    let nm = names(&[("#a", "a")]);
    let p = parse(&ExpressionInput {
        op: Op::Scan,
        names: Some(&nm),
        ..Default::default()
    });
    assert_eq!(
        msg(p),
        "ExpressionAttributeNames can only be specified when using expressions"
    );
    let empty_v = BTreeMap::new();
    let p = parse(&ExpressionInput {
        op: Op::PutItem,
        condition: Some("attribute_exists(a)"),
        values: Some(&empty_v),
        ..Default::default()
    });
    assert_eq!(msg(p), "ExpressionAttributeValues must not be empty");
    let empty_n = BTreeMap::new();
    let p = parse(&ExpressionInput {
        op: Op::PutItem,
        condition: Some("attribute_exists(a)"),
        names: Some(&empty_n),
        ..Default::default()
    });
    assert_eq!(msg(p), "ExpressionAttributeNames must not be empty");
    let bad = vals(&[("x", s("1"))]);
    let p = parse(&ExpressionInput {
        op: Op::PutItem,
        condition: Some("attribute_exists(a)"),
        values: Some(&bad),
        ..Default::default()
    });
    assert_eq!(
        msg(p),
        "ExpressionAttributeValues contains invalid key: Syntax error; key: \"x\""
    );
    let bad = names(&[("#a-b", "x")]);
    let p = parse(&ExpressionInput {
        op: Op::PutItem,
        condition: Some("attribute_exists(a)"),
        names: Some(&bad),
        ..Default::default()
    });
    assert_eq!(
        msg(p),
        "ExpressionAttributeNames contains invalid key: Syntax error; key: \"#a-b\""
    );
    let empty_set = vals(&[(":s", AttributeValue::Ss(vec![]))]);
    let p = parse(&ExpressionInput {
        op: Op::PutItem,
        condition: Some("a = :s"),
        values: Some(&empty_set),
        ..Default::default()
    });
    assert_eq!(
        msg(p),
        "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :s"
    );
}

#[test]
fn mixing_expression_and_legacy() {
    let expected = BTreeMap::from([(
        "pk".to_string(),
        ExpectedCondition {
            exists: Some(false),
            ..Default::default()
        },
    )]);
    let p = parse(&ExpressionInput {
        op: Op::PutItem,
        condition: Some("attribute_not_exists(pk)"),
        expected: Some(&expected),
        ..Default::default()
    });
    assert_eq!(
        msg(p),
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"
    );
    let au = BTreeMap::from([(
        "a".to_string(),
        AttributeUpdate {
            action: None,
            value: Some(s("x")),
        },
    )]);
    let v = vals(&[(":v", s("x"))]);
    let p = parse(&ExpressionInput {
        op: Op::UpdateItem,
        update: Some("SET a = :v"),
        values: Some(&v),
        attribute_updates: Some(&au),
        ..Default::default()
    });
    assert_eq!(
        msg(p),
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}"
    );
    // A write lists Expected ahead of ConditionalOperator (ExtendDB's test_conditional_operator.py,
    // captured on AWS).
    let p = parse(&ExpressionInput {
        op: Op::UpdateItem,
        update: Some("SET a = :v"),
        values: Some(&v),
        attribute_updates: Some(&au),
        expected: Some(&expected),
        conditional_operator: Some("AND"),
        ..Default::default()
    });
    assert_eq!(
        msg(p),
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates, Expected, ConditionalOperator} Expression parameters: {UpdateExpression}"
    );
    // KeyConditions may go with a FilterExpression.
    let kc = BTreeMap::from([(
        "pk".to_string(),
        ExpectedCondition {
            comparison_operator: Some("EQ".into()),
            attribute_value_list: Some(vec![s("k")]),
            ..Default::default()
        },
    )]);
    let p = parse(&ExpressionInput {
        op: Op::Query,
        filter: Some("attribute_exists(a)"),
        key_conditions: Some(&kc),
        ..Default::default()
    })
    .unwrap();
    assert!(p.filter.is_some() && p.key_condition.is_some());
    // A read lists its projection first and its filter before ConditionalOperator.
    let p = parse(&ExpressionInput {
        op: Op::Scan,
        filter: Some("attribute_exists(a)"),
        projection: Some("a"),
        scan_filter: Some(&kc),
        conditional_operator: Some("OR"),
        attributes_to_get: Some(&["a".to_string()]),
        ..Default::default()
    });
    assert_eq!(
        msg(p),
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet, ScanFilter, ConditionalOperator} Expression parameters: {ProjectionExpression, FilterExpression}"
    );
}

#[test]
fn reserved_words() {
    assert_eq!(
        cond_err("status = :v", &[(":v", s("x"))]),
        "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status"
    );
    assert_eq!(
        upd_err("SET a.Data = :v", &[(":v", s("x"))]),
        "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: Data"
    );
    let p = parse(&ExpressionInput {
        op: Op::GetItem,
        projection: Some("pk, status"),
        ..Default::default()
    });
    assert_eq!(
        msg(p),
        "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: status"
    );
    let nm = names(&[("#s", "status")]);
    let p = parse(&ExpressionInput {
        op: Op::GetItem,
        projection: Some("pk, #s"),
        names: Some(&nm),
        ..Default::default()
    });
    assert_eq!(
        p.unwrap().projection.unwrap(),
        vec![Path::attr("pk"), Path::attr("status")]
    );
}

#[test]
fn function_messages() {
    let v = [(":v", s("x")), (":n", n("1"))];
    let e = |x: &str| cond_err(x, &v);
    assert_eq!(
        e("foo(a) AND :v = :v"),
        "Invalid ConditionExpression: Invalid function name; function: foo"
    );
    assert_eq!(
        e("attribute_exists(a, b) OR :v = :n"),
        "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2"
    );
    assert_eq!(
        e("attribute_exists(:v) OR :n = :n"),
        "Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists"
    );
    assert_eq!(
        e("begins_with(a, :n) OR :v = :v"),
        "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"
    );
    assert_eq!(
        e("attribute_type(a, :v) OR :n = :n"),
        "Invalid ConditionExpression: Invalid attribute type name found; type: x, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"
    );
    assert_eq!(
        e("attribute_type(a, :n) OR :v = :v"),
        "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N"
    );
    assert_eq!(
        e("size(:n) = :n OR :v = :v"),
        "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N"
    );
    assert_eq!(
        e("size(a) AND :v = :n"),
        "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size"
    );
    assert_eq!(
        e("attribute_exists(a) = :v OR :n = :n"),
        "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: attribute_exists"
    );
    assert_eq!(
        e("if_not_exists(a, :v) = :n"),
        "Invalid ConditionExpression: The function is not allowed in a condition expression; function: if_not_exists"
    );
    assert_eq!(
        e("a = a OR :v = :n"),
        "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]"
    );
    assert_eq!(
        upd_err("SET a = size(b)", &[]),
        "Invalid UpdateExpression: The function is not allowed in an update expression; function: size"
    );
    assert_eq!(
        upd_err("SET a = foo(b)", &[]),
        "Invalid UpdateExpression: Invalid function name; function: foo"
    );
    assert_eq!(
        upd_err("SET a = list_append(:v, b)", &[(":v", s("x"))]),
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: S"
    );
    assert_eq!(
        upd_err("SET a = b + :v", &[(":v", s("x"))]),
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S"
    );
    assert_eq!(
        upd_err("SET a = if_not_exists(:v, b)", &[(":v", s("x"))]),
        "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists"
    );
}

#[test]
fn ordering_refuses_unorderable_values() {
    assert_eq!(
        cond_err("a < :v", &[(":v", AttributeValue::L(vec![]))]),
        "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: <, operand type: L"
    );
    assert_eq!(
        cond_err("a BETWEEN :lo AND :hi", &[(":lo", AttributeValue::Bool(true)), (":hi", AttributeValue::Bool(true))]),
        "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: BETWEEN, operand type: BOOL"
    );
}

#[test]
fn between_and_in_checks() {
    assert_eq!(
        cond_err("a BETWEEN :a AND :b", &[(":a", n("5")), (":b", n("1"))]),
        "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}"
    );
    assert_eq!(
        cond_err("a BETWEEN :a AND :b", &[(":a", n("5")), (":b", s("x"))]),
        "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {S:x}"
    );
    let list: Vec<String> = (0..101).map(|i| format!(":v{i}")).collect();
    let v: Vec<(String, AttributeValue)> = list.iter().map(|k| (k.clone(), n("1"))).collect();
    let v: Vec<(&str, AttributeValue)> = v.iter().map(|(k, x)| (k.as_str(), x.clone())).collect();
    assert_eq!(
        cond_err(&format!("a IN ({})", list.join(", ")), &v),
        "Invalid ConditionExpression: The IN operator is provided with too many operands; number of operands: 101"
    );
    assert!(cond_with(&format!("a IN ({})", list[..100].join(", ")), &[], &v[..100]).is_ok());
}

#[test]
fn redundant_parentheses() {
    let v = [(":v", s("x")), (":w", s("y"))];
    assert_eq!(
        cond_err("((a = :v))", &v),
        "Invalid ConditionExpression: The expression has redundant parentheses;"
    );
    assert_eq!(
        cond_err("((a = :v)) AND ((b = :w))", &v),
        "Invalid ConditionExpression: The expression has redundant parentheses;"
    );
    assert_eq!(
        cond_err("a = ((:v)) AND b = :w", &v),
        "Invalid ConditionExpression: The expression has redundant parentheses;"
    );
    for ok in [
        "(a = :v)",
        "(a = :v) AND (b = :w)",
        "(a = :v AND b = :w)",
        "(a = :v AND (b = :w))",
        "(a = :v OR (b = :w))",
        "(a) = (:v) AND b = :w",
        "NOT (a = :v) AND b = :w",
    ] {
        let used: Vec<(&str, AttributeValue)> = v.iter().filter(|(k, _)| ok.contains(k)).cloned().collect();
        assert!(cond_with(ok, &[], &used).is_ok(), "{ok}");
    }
}

#[test]
fn precedence_not_and_or() {
    let v = [(":a", n("1")), (":b", n("2")), (":c", n("3"))];
    let c = cond("a = :a OR b = :b AND NOT c = :c", &v);
    let leaf = |p: &str, x: &str| Condition::Cmp(CmpOp::Eq, Operand::Path(Path::attr(p)), Operand::Value(n(x)));
    assert_eq!(
        c,
        Condition::Or(
            Box::new(leaf("a", "1")),
            Box::new(Condition::And(
                Box::new(leaf("b", "2")),
                Box::new(Condition::Not(Box::new(leaf("c", "3"))))
            ))
        )
    );
    let c = cond("a = :a and b = :b or c = :c", &v);
    assert!(matches!(c, Condition::Or(..)));
}

#[test]
fn paths_parse() {
    let c = cond("attribute_exists(a.b[2].c)", &[]);
    assert_eq!(
        c,
        Condition::Exists(Path(vec![
            PathElem::Attr("a".into()),
            PathElem::Attr("b".into()),
            PathElem::Index(2),
            PathElem::Attr("c".into())
        ]))
    );
    assert_eq!(c_path_display("a.b[2].c"), "[a, b, [2], c]");
    assert!(cond_err("attribute_exists(a[x])", &[]).contains("Syntax error; token: \"x\""));
    let deep = vec!["a"; 33].join(".");
    assert_eq!(
        cond_err(&format!("attribute_exists({deep})"), &[]),
        "Invalid ConditionExpression: The document path has too many nesting levels; nesting levels: 33"
    );
    assert_eq!(c_path_display("a[4294967294]"), "[a, [4294967294]]");
    for index in ["4294967295", "99999999999999999999999"] {
        assert_eq!(
            cond_err(&format!("attribute_exists(a[{index}])"), &[]),
            format!("Invalid ConditionExpression: List index is not within the allowable range; index: [{index}]")
        );
    }
}

fn c_path_display(p: &str) -> String {
    match cond(&format!("attribute_exists({p})"), &[]) {
        Condition::Exists(p) => p.to_string(),
        _ => unreachable!(),
    }
}

// ---------------------------------------------------------------- evaluation

#[test]
fn evaluation_semantics() {
    let it = item(&[
        ("s", s("hello")),
        ("n", n("10")),
        ("ss", AttributeValue::Ss(vec!["a".into(), "b".into()])),
        ("l", AttributeValue::L(vec![s("x"), n("1")])),
        ("m", AttributeValue::M(item(&[("k", s("v"))]))),
        ("b", AttributeValue::B(vec![1, 2, 3])),
    ]);
    let v = [
        (":s", s("hello")),
        (":n", n("9")),
        (":x", s("ell")),
        (":t", s("SS")),
        (":b", AttributeValue::B(vec![1, 2])),
    ];
    let t = |e: &str| {
        let used: Vec<(&str, AttributeValue)> = v.iter().filter(|(k, _)| e.contains(k)).cloned().collect();
        cond(e, &used).eval(&it)
    };
    assert!(t("s = :s"));
    assert!(!t("s = :n"));
    assert!(t("s <> :n"), "different types are unequal");
    assert!(t("nope <> :n"), "missing attribute is not equal");
    assert!(!t("nope = :n"));
    assert!(!t("s < :n"), "cross-type ordering is false");
    assert!(t("n > :n"));
    assert!(t("n BETWEEN :n AND n"));
    assert!(t("n IN (:n, n)"));
    assert!(t("contains(s, :x)"));
    assert!(t(
        "contains(l, :s) OR contains(ss, :s) OR contains(l, :n) OR begins_with(s, :x) OR attribute_exists(m.k)"
    ));
    assert!(!t("contains(ss, :x)"));
    assert!(t("begins_with(b, :b)"));
    assert!(t("attribute_type(ss, :t)"));
    assert!(t("size(s) = size(s) AND size(ss) < size(s) AND size(m) < size(l)"));
    assert!(!t("size(n) = size(n)"), "size of a number has no value");
    // A string's size counts UTF-16 code units: "é" is one, "𝄞" a surrogate pair; 6 UTF-8 bytes.
    let c = cond("size(a) = :n", &[(":n", n("3"))]);
    assert!(c.eval(&item(&[("a", s("é\u{1d11e}"))])));
    assert!(t("attribute_not_exists(l[5]) AND attribute_exists(l[1])"));
    assert!(t("NOT s = :n"));
    // Numbers compare numerically, strings by bytes.
    let c = cond("a < :b", &[(":b", n("10"))]);
    assert!(c.eval(&item(&[("a", n("9"))])));
    let c = cond("a < :b", &[(":b", s("a"))]);
    assert!(c.eval(&item(&[("a", s("B"))])));
    // Sets compare as sets.
    let c = cond("ss = :v", &[(":v", AttributeValue::Ss(vec!["b".into(), "a".into()]))]);
    assert!(c.eval(&it));
}

// ---------------------------------------------------------------- updates

#[test]
fn update_parse_errors() {
    assert_eq!(
        upd_err("SET a = :v, a.b = :v", &[(":v", s("x"))]),
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"
    );
    assert_eq!(
        upd_err("SET a[1] = :v, a.b = :v", &[(":v", s("x"))]),
        "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [1]], path two: [a, b]"
    );
    assert_eq!(
        upd_err("SET a = :v SET b = :v", &[(":v", s("x"))]),
        "Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;"
    );
    assert_eq!(
        upd_err("ADD a :v", &[(":v", s("x"))]),
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING"
    );
    assert_eq!(
        upd_err("DELETE a :v", &[(":v", n("1"))]),
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER"
    );
    assert_eq!(
        upd_err("SET a = :v,", &[(":v", s("x"))]),
        "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \",\""
    );
}

/// What a standalone UpdateItem charges an update expression (the conformance suite's AWS
/// captures, itemSizeBySurface.test.ts, October 2026): the request's clauses and values, never
/// the attributes the item holds, but for the members an ADD adds to a set.
#[test]
fn update_charge() {
    let ten = s("yyyyyyyyyy");
    let old = item(&[
        ("pk", s("K")),
        ("ss", AttributeValue::Ss(vec!["ppppp".into()])),
        ("c", ten.clone()),
    ]);
    let charge = |e: &str, v: &[(&str, AttributeValue)]| {
        let update = upd_with(e, &[], v).unwrap().update.unwrap();
        update.charge(Some(&old))
    };
    let pad = [(":pad", s("xyz"))];
    // 3 for the update, a SET 19 plus its target (1) and its value (3).
    assert_eq!(charge("SET b = :pad", &pad), 3 + 19 + 1 + 3);
    // A path operand: 1, then 14 and the element per element; its value is free.
    assert_eq!(charge("SET b = abcdefghij", &[]), 3 + 19 + 1 + 1 + 14 + 10);
    assert_eq!(charge("SET b = l[10]", &[]), 3 + 19 + 1 + 1 + 14 + 1 + 14 + 2);
    // A target: its first name, then 4 and the element per element.
    assert_eq!(charge("SET d.leaf = :pad", &pad), 3 + 19 + 1 + 4 + 4 + 3);
    assert_eq!(charge("SET d[0] = :pad", &pad), 3 + 19 + 1 + 4 + 1 + 3);
    // Arithmetic and functions, plus their operands; one value used twice is charged twice.
    let one = [(":one", n("1"))];
    assert_eq!(charge("SET n = n + :one", &one), 3 + 19 + 1 + 34 + 16 + 2);
    assert_eq!(charge("SET n = n - :one", &one), 3 + 19 + 1 + 37 + 16 + 2);
    let v = [(":v", s("vv"))];
    assert_eq!(
        charge("SET c = if_not_exists(c, :v), e = if_not_exists(e, :v)", &v),
        3 + 2 * (19 + 1 + 39 + 16 + 2)
    );
    let lists = [
        (":a", AttributeValue::L(vec![s("e")])),
        (":c", AttributeValue::L(vec![ten.clone()])),
    ];
    assert_eq!(
        charge("SET l = list_append(:a, :c)", &lists),
        3 + 19 + 1 + 37 + (3 + 1 + 1) + (3 + 1 + 10)
    );
    // ADD: 19, the target and the members the set gains; REMOVE and DELETE: 1 and the target.
    let add = [(":new", AttributeValue::Ss(vec!["ppppp".into(), "sss".into()]))];
    assert_eq!(charge("ADD ss :new", &add), 3 + 19 + 2 + 3);
    assert_eq!(charge("ADD abcdefghij :one", &one), 3 + 19 + 10 + 2);
    assert_eq!(
        charge("REMOVE abcdefghij[1], m.yyyyyyyyyy", &[]),
        3 + (1 + 10 + 4 + 1) + (1 + 1 + 4 + 10)
    );
    assert_eq!(charge("DELETE ss :new", &add), 3 + 1 + 2);
}

#[test]
fn update_apply() {
    let it = item(&[
        ("pk", s("k")),
        ("n", n("10")),
        ("l", AttributeValue::L(vec![s("a"), s("b"), s("c"), s("d")])),
        ("m", AttributeValue::M(item(&[("c", n("10")), ("keep", s("stay"))]))),
        ("ss", AttributeValue::Ss(vec!["a".into(), "b".into()])),
    ]);
    assert_eq!(
        upd_err("ADD ss :a DELETE ss :a", &[(":a", AttributeValue::Ss(vec!["a".into()]))]),
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [ss], path two: [ss]"
    );
    let mut it2 = it.clone();
    apply(
        "SET n = n + :one, m.c = m.c + :five, l[10] = :x, fresh = if_not_exists(fresh, :one) REMOVE l[1], l[2] ADD ss :ss",
        &[(":one", n("1")), (":five", n("5")), (":x", s("x")), (":ss", AttributeValue::Ss(vec!["c".into()]))],
        &mut it2,
    )
    .unwrap();
    assert_eq!(it2[&"n".to_string()], n("11"));
    assert_eq!(
        it2[&"m".to_string()],
        AttributeValue::M(item(&[("c", n("15")), ("keep", s("stay"))]))
    );
    assert_eq!(it2[&"l".to_string()], AttributeValue::L(vec![s("a"), s("d"), s("x")]));
    assert_eq!(it2[&"fresh".to_string()], n("1"));
    assert_eq!(
        it2[&"ss".to_string()],
        AttributeValue::Ss(vec!["a".into(), "b".into(), "c".into()])
    );

    // ADD merges into the sorted order every stored set keeps, whatever the order of its operands.
    let mut sorted = item(&[("ss", AttributeValue::Ss(vec!["a".into(), "c".into()]))]);
    apply(
        "ADD ss :b",
        &[(":b", AttributeValue::Ss(vec!["b".into(), "".into()]))],
        &mut sorted,
    )
    .unwrap();
    assert_eq!(
        sorted[&"ss".to_string()],
        AttributeValue::Ss(vec!["".into(), "a".into(), "b".into(), "c".into()])
    );

    let mut it3 = item(&[("ss", AttributeValue::Ss(vec!["a".into()]))]);
    apply(
        "DELETE ss :a",
        &[(":a", AttributeValue::Ss(vec!["a".into()]))],
        &mut it3,
    )
    .unwrap();
    assert!(!it3.contains_key("ss"), "emptied set is removed");

    let mut it4 = item(&[("a", AttributeValue::L(vec![n("1")]))]);
    let p = apply(
        "SET a = list_append(a, :l), b = :one",
        &[(":l", AttributeValue::L(vec![n("2")])), (":one", n("1"))],
        &mut it4,
    )
    .unwrap();
    assert_eq!(it4[&"a".to_string()], AttributeValue::L(vec![n("1"), n("2")]));
    assert_eq!(p, vec![Path::attr("a"), Path::attr("b")]);

    // Paths in expression order, whatever order the actions are applied in (list SETs by index).
    let mut it6 = item(&[("l", AttributeValue::L(vec![n("1"), n("2")])), ("r", n("1"))]);
    let p = apply(
        "SET l[5] = :one, l[0] = :one REMOVE r ADD c :one",
        &[(":one", n("1"))],
        &mut it6,
    )
    .unwrap();
    let at = |i| Path(vec![PathElem::Attr("l".into()), PathElem::Index(i)]);
    assert_eq!(p, vec![at(5), at(0), Path::attr("r"), Path::attr("c")]);
    assert_eq!(
        it6,
        item(&[("c", n("1")), ("l", AttributeValue::L(vec![n("1"), n("2"), n("1")]))])
    );

    // ADDs beyond a list's end append with the SETs, in ascending index order across sections.
    let mut it7 = item(&[("l", AttributeValue::L(vec![n("1"), n("3")]))]);
    let ss = AttributeValue::Ss(vec!["a".into()]);
    apply(
        "SET l[1] = :two, l[4] = :one ADD l[8] :ss, l[6] :two",
        &[(":one", n("1")), (":two", n("2")), (":ss", ss.clone())],
        &mut it7,
    )
    .unwrap();
    assert_eq!(
        it7[&"l".to_string()],
        AttributeValue::L(vec![n("1"), n("2"), n("1"), n("2"), ss])
    );

    // Operands read the item before the update: swap.
    let mut it5 = item(&[("a", n("1")), ("b", n("2"))]);
    apply("SET a = b, b = a", &[], &mut it5).unwrap();
    assert_eq!(
        (it5[&"a".to_string()].clone(), it5[&"b".to_string()].clone()),
        (n("2"), n("1"))
    );
}

#[test]
fn update_runtime_errors() {
    let e = |x: &str, v: &[(&str, AttributeValue)], it: &mut Item| apply(x, v, it).unwrap_err().message.unwrap();
    let mut it = item(&[("s", s("a")), ("n", n("9E+125"))]);
    assert_eq!(
        e("SET x = nope", &[], &mut it),
        "The provided expression refers to an attribute that does not exist in the item"
    );
    assert_eq!(
        e("SET x = s + s", &[], &mut it),
        "An operand in the update expression has an incorrect data type"
    );
    assert_eq!(
        e("SET x.y = :v", &[(":v", n("1"))], &mut it),
        "The document path provided in the update expression is invalid for update"
    );
    assert_eq!(
        e("SET s.y = :v", &[(":v", n("1"))], &mut it),
        "The document path provided in the update expression is invalid for update"
    );
    assert_eq!(
        e("ADD s :v", &[(":v", n("1"))], &mut it),
        "An operand in the update expression has an incorrect data type"
    );
    assert_eq!(
        e("ADD n :v", &[(":v", n("9E+125"))], &mut it),
        "Number overflow. Attempting to store a number with magnitude larger than supported range"
    );
    assert_eq!(
        e("SET pk = :v", &[(":v", s("x"))], &mut it),
        "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"
    );
    let mut it = item(&[("pk", s("k"))]);
    let r = upd_with("SET sk = :v", &[], &[(":v", n("1"))])
        .unwrap()
        .update
        .unwrap()
        .apply(&mut it, &composite());
    assert_eq!(
        r.unwrap_err().message.unwrap(),
        "One or more parameter values were invalid: Cannot update attribute sk. This attribute is part of the key"
    );
}

// ---------------------------------------------------------------- projection

#[test]
fn projection_shapes() {
    let it = item(&[
        ("a", AttributeValue::M(item(&[("b", n("1")), ("c", n("2"))]))),
        ("l", AttributeValue::L(vec![s("x"), s("y"), s("z")])),
        ("top", s("t")),
    ]);
    let p = parse(&ExpressionInput {
        op: Op::GetItem,
        projection: Some("l[2], a.c, l[0], nope, a.zz"),
        ..Default::default()
    })
    .unwrap()
    .projection
    .unwrap();
    let out = project(&it, &p);
    assert_eq!(
        out,
        item(&[
            ("a", AttributeValue::M(item(&[("c", n("2"))]))),
            ("l", AttributeValue::L(vec![s("x"), s("z")]))
        ])
    );
    let p = parse(&ExpressionInput {
        op: Op::GetItem,
        projection: Some("a, a.b"),
        ..Default::default()
    });
    assert_eq!(
        msg(p),
        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"
    );
    let atg = vec!["a".to_string(), "a".to_string()];
    let p = parse(&ExpressionInput {
        op: Op::GetItem,
        attributes_to_get: Some(&atg),
        ..Default::default()
    });
    assert_eq!(
        msg(p),
        "One or more parameter values were invalid: Duplicate value in attribute name: a"
    );
}

// ---------------------------------------------------------------- key conditions

fn key_cond(e: &str, v: &[(&str, AttributeValue)]) -> Result<KeyCondition> {
    let v = vals(v);
    parse(&ExpressionInput {
        op: Op::Query,
        key_condition: Some(e),
        values: (!v.is_empty()).then_some(&v),
        ..Default::default()
    })
    .map(|p| p.key_condition.unwrap())
}

#[test]
fn key_conditions() {
    let v = [(":p", s("k")), (":a", n("1")), (":b", n("5"))];
    let kc = key_cond("pk = :p AND sk BETWEEN :a AND :b", &v).unwrap();
    let r = kc.resolve(&composite()).unwrap();
    let num = |s: &str| KeyValue::N(Number::parse(s).unwrap());
    assert_eq!(
        r,
        KeyRange {
            hash: [KeyValue::S("k".into())].into(),
            sort_prefix: Default::default(),
            sort: Some(RangeCond::Between(num("1"), num("5")))
        }
    );
    let kc = key_cond(":a < sk AND (pk = :p)", &v[..2]).unwrap();
    assert_eq!(kc.resolve(&composite()).unwrap().sort, Some(RangeCond::Gt(num("1"))));
    let kc = key_cond("sk = :a AND pk = :p", &v[..2]).unwrap();
    assert_eq!(kc.resolve(&composite()).unwrap().sort, Some(RangeCond::Eq(num("1"))));

    let e = |x: &str, v: &[(&str, AttributeValue)]| key_cond(x, v).unwrap_err().message.unwrap();
    assert_eq!(
        e("pk = :p OR sk = :a", &v[..2]),
        "Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: OR"
    );
    assert_eq!(
        e("pk = :p AND pk = :p", &v[..1]),
        "Invalid KeyConditionExpression: KeyConditionExpressions must only contain one condition per key"
    );
    assert_eq!(
        e("pk.x = :p", &v[..1]),
        "Invalid KeyConditionExpression: KeyConditionExpressions cannot have conditions on nested attributes"
    );
    assert_eq!(
        e("attribute_exists(pk)", &[]),
        "Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: attribute_exists"
    );
    let miss = key_cond("sk = :a", &v[1..2])
        .unwrap()
        .resolve(&composite())
        .unwrap_err();
    assert_eq!(miss.message.unwrap(), "Query condition missed key schema element: pk");
    let mismatch = key_cond("pk = :a", &v[1..2])
        .unwrap()
        .resolve(&composite())
        .unwrap_err();
    assert_eq!(
        mismatch.message.unwrap(),
        "One or more parameter values were invalid: Condition parameter type does not match schema type"
    );
    let ns = key_cond("pk < :p", &v[..1]).unwrap().resolve(&composite()).unwrap_err();
    assert_eq!(ns.message.unwrap(), "Query key condition not supported");
    // A non-key attribute stands in for the unnamed sort attribute; more conditions than key
    // attributes are counted first, even when the partition key is missing.
    let extra = |e: &str, key: &KeySchema| key_cond(e, &v[..2]).unwrap().resolve(key).unwrap_err().message.unwrap();
    assert_eq!(
        extra("pk = :p AND x = :a", &composite()),
        "Query condition missed key schema element: sk"
    );
    assert_eq!(
        extra("pk = :p AND sk = :a AND x = :a", &composite()),
        "The number of query conditions (3) exceeds the number of key attributes defined in the schema (2)"
    );
    let hash_only = KeySchema::simple(composite().hash[0].clone(), None);
    for e in ["pk = :p AND x = :a", "x = :p AND y = :a"] {
        assert_eq!(
            extra(e, &hash_only),
            "The number of query conditions (2) exceeds the number of key attributes defined in the schema (1)"
        );
    }
}

/// A multi-attribute GSI key: partition h1 (S), h2 (N); sort r1 (S), r2 (N), r3 (S).
fn multi() -> KeySchema {
    let attr = |name: &str, ty| KeyAttr { name: name.into(), ty };
    KeySchema {
        hash: vec![attr("h1", ScalarType::S), attr("h2", ScalarType::N)],
        range: vec![
            attr("r1", ScalarType::S),
            attr("r2", ScalarType::N),
            attr("r3", ScalarType::S),
        ],
    }
}

#[test]
fn multi_attribute_key_conditions() {
    let v = [(":a", s("a")), (":b", s("b")), (":n", n("1")), (":m", n("2"))];
    let resolve = |e: &str| {
        let used: Vec<_> = v.iter().filter(|(k, _)| e.contains(k)).cloned().collect();
        key_cond(e, &used).unwrap().resolve(&multi())
    };
    let (a, b) = (KeyValue::S("a".into()), KeyValue::S("b".into()));
    let (one, two) = (
        KeyValue::N(Number::parse("1").unwrap()),
        KeyValue::N(Number::parse("2").unwrap()),
    );
    let r = resolve("h2 = :n AND h1 = :a").unwrap();
    assert_eq!(
        (&r.hash[..], &r.sort_prefix[..], r.sort),
        (&[a.clone(), one.clone()][..], &[][..], None)
    );
    let r = resolve("h1 = :a AND h2 = :n AND r1 = :b").unwrap();
    assert_eq!((&r.sort_prefix[..], r.sort), (&[][..], Some(RangeCond::Eq(b.clone()))));
    let r = resolve("h1 = :a AND h2 = :n AND r1 = :b AND r2 > :m").unwrap();
    assert_eq!(
        (&r.sort_prefix[..], r.sort),
        (&[b.clone()][..], Some(RangeCond::Gt(two.clone())))
    );
    let r = resolve("r2 = :m AND h1 = :a AND r1 = :b AND h2 = :n AND begins_with(r3, :a)").unwrap();
    assert_eq!(
        (&r.sort_prefix[..], r.sort),
        (&[b, two][..], Some(RangeCond::BeginsWith(a)))
    );

    let err = |e: &str| resolve(e).unwrap_err().message.unwrap();
    assert_eq!(
        err("h1 = :a AND r1 = :b"),
        "Query condition missed key schema element: h2"
    );
    assert_eq!(err("h1 = :a AND h2 > :n"), "Query key condition not supported");
    assert_eq!(
        err("h1 = :a AND h2 = :n AND r2 = :m"),
        "RANGE key attributes r1 must have equality conditions specified in the query because a condition is present on key attribute r2"
    );
    assert_eq!(
        err("h1 = :a AND h2 = :n AND begins_with(r1, :b) AND r2 = :m"),
        "RANGE key attributes r1 must have equality conditions specified in the query because a condition is present on key attribute r2"
    );
    assert_eq!(
        err("h1 = :a AND h2 = :n AND r1 = :b AND r3 = :a"),
        "RANGE key attributes r2 must have equality conditions specified in the query because a condition is present on key attribute r3"
    );
    assert_eq!(
        err("h1 = :a AND h2 = :a"),
        "One or more parameter values were invalid: Condition parameter type does not match schema type"
    );
}

// ---------------------------------------------------------------- legacy

#[test]
fn legacy_expected() {
    let ec =
        |op: Option<&str>, list: Option<Vec<AttributeValue>>, value: Option<AttributeValue>, exists: Option<bool>| {
            ExpectedCondition {
                comparison_operator: op.map(String::from),
                attribute_value_list: list,
                value,
                exists,
            }
        };
    let run = |m: BTreeMap<String, ExpectedCondition>, co: Option<&str>| {
        parse(&ExpressionInput {
            op: Op::PutItem,
            expected: Some(&m),
            conditional_operator: co,
            ..Default::default()
        })
    };
    let one = |c: ExpectedCondition| BTreeMap::from([("a".to_string(), c)]);
    assert_eq!(
        msg(run(one(ec(Some("EQ"), None, None, None)), None)),
        "One or more parameter values were invalid: Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a"
    );
    assert_eq!(
        msg(run(one(ec(None, None, None, None)), None)),
        "One or more parameter values were invalid: Value must be provided when Exists is null for Attribute: a"
    );
    assert_eq!(
        msg(run(one(ec(None, None, Some(s("x")), Some(false))), None)),
        "One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: a"
    );
    assert_eq!(
        msg(run(
            one(ec(Some("GT"), Some(vec![AttributeValue::Bool(true)]), None, None)),
            None
        )),
        "One or more parameter values were invalid: ComparisonOperator GT is not valid for BOOL AttributeValue type"
    );
    assert_eq!(
        msg(run(one(ec(Some("BETWEEN"), Some(vec![n("1")]), None, None)), None)),
        "One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN ComparisonOperator"
    );
    let m = BTreeMap::from([
        ("a".to_string(), ec(None, None, Some(s("x")), None)),
        ("b".to_string(), ec(Some("GT"), Some(vec![n("5")]), None, None)),
    ]);
    let c = run(m.clone(), Some("OR")).unwrap().condition.unwrap();
    assert!(c.eval(&item(&[("a", s("x"))])));
    assert!(c.eval(&item(&[("b", n("6"))])));
    let c = run(m, None).unwrap().condition.unwrap();
    assert!(!c.eval(&item(&[("a", s("x"))])));
    assert!(c.eval(&item(&[("a", s("x")), ("b", n("6"))])));
}

#[test]
fn legacy_attribute_updates() {
    let au = |action: Option<&str>, v: Option<AttributeValue>| AttributeUpdate {
        action: action.map(String::from),
        value: v,
    };
    let m = BTreeMap::from([
        ("put".to_string(), au(None, Some(s("x")))),
        ("cnt".to_string(), au(Some("ADD"), Some(n("2")))),
        ("gone".to_string(), au(Some("DELETE"), None)),
        (
            "set".to_string(),
            au(Some("DELETE"), Some(AttributeValue::Ss(vec!["a".into()]))),
        ),
        (
            "lst".to_string(),
            au(Some("ADD"), Some(AttributeValue::L(vec![n("2")]))),
        ),
    ]);
    let p = parse(&ExpressionInput {
        op: Op::UpdateItem,
        attribute_updates: Some(&m),
        ..Default::default()
    })
    .unwrap();
    let mut it = item(&[
        ("pk", s("k")),
        ("cnt", n("1")),
        ("gone", s("bye")),
        ("set", AttributeValue::Ss(vec!["a".into(), "b".into()])),
        ("lst", AttributeValue::L(vec![n("1")])),
    ]);
    p.update.unwrap().apply(&mut it, &schema()).unwrap();
    assert_eq!(
        it,
        item(&[
            ("pk", s("k")),
            ("cnt", n("3")),
            ("put", s("x")),
            ("set", AttributeValue::Ss(vec!["b".into()])),
            ("lst", AttributeValue::L(vec![n("1"), n("2")])),
        ])
    );
    let bad = BTreeMap::from([("a".to_string(), au(Some("PUT"), None))]);
    let p = parse(&ExpressionInput {
        op: Op::UpdateItem,
        attribute_updates: Some(&bad),
        ..Default::default()
    });
    assert_eq!(
        msg(p),
        "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified"
    );
}

#[test]
fn updates_name_every_path_they_write_or_read() {
    let update = upd_with(
        "SET a = if_not_exists(b, list_append(c.d, :l)), e = f[0] - :v REMOVE g.h ADD i :v",
        &[],
        &[(":v", n("1")), (":l", AttributeValue::L(vec![]))],
    )
    .unwrap()
    .update
    .unwrap();
    let descends = |name: &str| update.any_path(&|p| p.descends_into(name));
    assert!(["c", "f", "g"].iter().all(|name| descends(name)));
    assert!(!["a", "b", "e", "i", "d"].iter().any(|name| descends(name)));
    assert!(update.any_path(&|p| p == &Path::attr("b")));
    assert!(!Path::attr("a").descends_into("a"));
}

#[test]
fn range_conditions_match_sort_values_of_their_type() {
    let s = |v: &str| KeyValue::S(v.to_string());
    let num = |v: &str| KeyValue::N(Number::parse(v).unwrap());
    let between = RangeCond::Between(num("2"), num("5"));
    assert!(between.matches(&num("2")) && between.matches(&num("5")) && between.matches(&num("3.5")));
    assert!(!between.matches(&num("1")) && !between.matches(&num("10")) && !between.matches(&s("3")));
    assert!(RangeCond::Gt(num("2")).matches(&num("10")) && !RangeCond::Gt(num("2")).matches(&num("2")));
    assert!(RangeCond::Le(s("b")).matches(&s("ab")) && !RangeCond::Lt(s("b")).matches(&s("b")));
    assert!(RangeCond::Eq(s("a")).matches(&s("a")) && !RangeCond::Ge(s("b")).matches(&s("a")));
    let prefix = RangeCond::BeginsWith(s("ab"));
    assert!(prefix.matches(&s("ab")) && prefix.matches(&s("abc")) && !prefix.matches(&s("b")));
    let bytes = RangeCond::BeginsWith(KeyValue::B(vec![1]));
    assert!(bytes.matches(&KeyValue::B(vec![1, 2])) && !bytes.matches(&KeyValue::B(vec![2])));
}
