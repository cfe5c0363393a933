//! PartiQL through the SDK: ExecuteStatement (SELECT by key, by scan, on an index, with parameters
//! and paging; INSERT, UPDATE, DELETE with conditions), BatchExecuteStatement's per-statement
//! errors and ExecuteTransaction's all-or-nothing writes.

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::execute_statement::ExecuteStatementOutput;
use aws_sdk_dynamodb::types::{
    AttributeValue as V, BatchStatementErrorCodeEnum, BatchStatementRequest, BillingMode, GlobalSecondaryIndex,
    KeyType, LocalSecondaryIndex, ParameterizedStatement, Projection, ProjectionType, ReturnConsumedCapacity,
    ScalarAttributeType as T,
};
use aws_sdk_dynamodb::Client;

use crate::support::{attr_def, create_table, emulator, error, key, n, s, validation};

async fn exec(c: &Client, stmt: &str) -> ExecuteStatementOutput {
    c.execute_statement()
        .statement(stmt)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{stmt}: {e:?}"))
}

async fn get(c: &Client, table: &str, pk: &str) -> Option<HashMap<String, V>> {
    c.get_item()
        .table_name(table)
        .key("pk", s(pk))
        .send()
        .await
        .unwrap()
        .item
}

/// A SELECT list's values come back under the last name of each path, with the list indexes that
/// follow it: `m.a` as `a`, `l[1]` as `l[1]`, `m.l[0]` as `l[0]`.
#[tokio::test]
async fn select_lists_name_each_value_by_its_last_step() {
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_nm", None).await;
    exec(
        &c,
        "INSERT INTO \"pql_nm\" VALUE {'pk': 'x', 'm': {'a': 'A', 'l': ['m0']}, 'l': ['z0', 'z1']}",
    )
    .await;
    let out = exec(&c, "SELECT m.a, l[1], m.l[0], m.none FROM \"pql_nm\" WHERE pk = 'x'").await;
    let expected = HashMap::from([
        ("a".to_string(), s("A")),
        ("l[1]".to_string(), s("z1")),
        ("l[0]".to_string(), s("m0")),
    ]);
    assert_eq!(out.items.unwrap_or_default(), vec![expected]);
}

#[tokio::test]
async fn select_by_key_and_by_scan() {
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_ps", Some(T::N)).await;
    for (pk, sk) in [("a", 1), ("a", 2), ("a", 3), ("b", 1)] {
        exec(
            &c,
            &format!(
                "INSERT INTO \"pql_ps\" VALUE {{'pk': '{pk}', 'sk': {sk}, 'v': {}}}",
                sk * 10
            ),
        )
        .await;
    }
    // Partition key equality reads one partition, in sort-key order.
    let out = exec(&c, "SELECT sk FROM \"pql_ps\" WHERE pk = 'a' AND sk >= 2").await;
    assert_eq!(
        out.items(),
        [
            HashMap::from([("sk".to_string(), n(2))]),
            HashMap::from([("sk".to_string(), n(3))])
        ]
    );
    let out = exec(&c, "SELECT sk FROM \"pql_ps\" WHERE pk = 'a' ORDER BY sk DESC").await;
    let sks: Vec<_> = out.items().iter().map(|i| i["sk"].clone()).collect();
    assert_eq!(sks, [n(3), n(2), n(1)]);
    // Without it, a scan with the WHERE as a filter.
    let out = exec(&c, "SELECT * FROM \"pql_ps\" WHERE v = 10").await;
    assert_eq!(out.items().len(), 2);
    let out = exec(
        &c,
        "SELECT * FROM \"pql_ps\" WHERE v BETWEEN 15 AND 30 AND pk IN ['a', 'b']",
    )
    .await;
    assert_eq!(out.items().len(), 2);
    let out = exec(&c, "SELECT * FROM \"pql_ps\" WHERE v IS MISSING").await;
    assert!(out.items().is_empty());
    let out = exec(&c, "SELECT * FROM \"pql_ps\"").await;
    assert_eq!(out.items().len(), 4);
    assert!(out.next_token().is_none());
}

#[tokio::test]
async fn select_with_parameters_and_paging() {
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_pp", Some(T::N)).await;
    for sk in 1..=5 {
        exec(&c, &format!("INSERT INTO \"pql_pp\" VALUE {{'pk': 'p', 'sk': {sk}}}")).await;
    }
    let mut seen = Vec::new();
    let mut token = None;
    let mut pages = 0;
    loop {
        let out = c
            .execute_statement()
            .statement("SELECT * FROM \"pql_pp\" WHERE pk = ?")
            .parameters(s("p"))
            .limit(2)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        pages += 1;
        seen.extend(out.items().iter().map(|i| i["sk"].clone()));
        token = out.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen, [n(1), n(2), n(3), n(4), n(5)]);
    assert_eq!(pages, 3);
    let e = c
        .execute_statement()
        .statement("SELECT * FROM \"pql_pp\" WHERE pk = ?")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("Number of parameters in request and statement don't match.")
    );
}

#[tokio::test]
async fn select_on_an_index() {
    let (_emu, c) = emulator().await;
    c.create_table()
        .table_name("pql_pi")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", T::S))
        .attribute_definitions(attr_def("g", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name("byG")
                .key_schema(key("g", KeyType::Hash))
                .projection(Projection::builder().projection_type(ProjectionType::KeysOnly).build())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    exec(&c, "INSERT INTO \"pql_pi\" VALUE {'pk': 'a', 'g': 'x', 'other': 1}").await;
    exec(&c, "INSERT INTO \"pql_pi\" VALUE {'pk': 'b', 'g': 'x'}").await;
    exec(&c, "INSERT INTO \"pql_pi\" VALUE {'pk': 'c', 'g': 'y'}").await;
    // The index holds what INSERT wrote, projected.
    let out = exec(&c, "SELECT * FROM \"pql_pi\".\"byG\" WHERE g = 'x'").await;
    let mut pks: Vec<_> = out.items().iter().map(|i| i["pk"].clone()).collect();
    pks.sort_by_key(|v| v.as_s().unwrap().clone());
    assert_eq!(pks, [s("a"), s("b")]);
    assert!(out.items().iter().all(|i| !i.contains_key("other")));
    // UPDATE and DELETE maintain it too.
    exec(&c, "UPDATE \"pql_pi\" SET g = 'y' WHERE pk = 'a'").await;
    exec(&c, "DELETE FROM \"pql_pi\" WHERE pk = 'b'").await;
    assert!(exec(&c, "SELECT * FROM \"pql_pi\".\"byG\" WHERE g = 'x'")
        .await
        .items()
        .is_empty());
    assert_eq!(
        exec(&c, "SELECT * FROM \"pql_pi\".\"byG\" WHERE g = 'y'")
            .await
            .items()
            .len(),
        2
    );
    let e = c
        .execute_statement()
        .statement("SELECT * FROM \"pql_pi\".\"nope\"")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), validation("The table does not have the specified index"));
}

#[tokio::test]
async fn insert_duplicate_and_syntax_errors() {
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_pd", None).await;
    exec(&c, "INSERT INTO \"pql_pd\" VALUE {'pk': 'a', 'n': 1, 'l': [1, 'x'], 'm': {'k': true}, 'ss': <<'p', 'q'>>, 'z': NULL}").await;
    let item = get(&c, "pql_pd", "a").await.unwrap();
    assert_eq!(item["n"], n(1));
    assert_eq!(item["l"], V::L(vec![n(1), s("x")]));
    assert_eq!(item["m"], V::M(HashMap::from([("k".to_string(), V::Bool(true))])));
    assert_eq!(item["ss"], V::Ss(vec!["p".into(), "q".into()]));
    assert_eq!(item["z"], V::Null(true));
    let e = c
        .execute_statement()
        .statement("INSERT INTO \"pql_pd\" VALUE {'pk': 'a'}")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        (
            "DuplicateItemException".to_string(),
            "Duplicate primary key exists in table".to_string()
        )
    );
    let e = c
        .execute_statement()
        .statement("SELECTT * FROMM \"pql_pd\"")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("Statement wasn't well formed, can't be processed: Expected data manipulation")
    );
    let e = c
        .execute_statement()
        .statement("SELECT * FROM \"pql_pd\" WHERE pk = 'a' AND")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation(
            "Statement wasn't well formed, can't be processed: Missing right-hand side expression of infix operator"
        )
    );
    let e = c
        .execute_statement()
        .statement("SELECT * FROM \"nope\"")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        (
            "ResourceNotFoundException".to_string(),
            "Requested resource not found".to_string()
        )
    );
}

#[tokio::test]
async fn update_and_delete_with_conditions() {
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_pu", None).await;
    exec(&c, "INSERT INTO \"pql_pu\" VALUE {'pk': 'a', 'n': 1, 'gone': 'x'}").await;
    exec(
        &c,
        "UPDATE \"pql_pu\" SET n = n + 1, t = 'new' REMOVE gone WHERE pk = 'a' AND n = 1",
    )
    .await;
    let item = get(&c, "pql_pu", "a").await.unwrap();
    assert_eq!(item["n"], n(2));
    assert_eq!(item["t"], s("new"));
    assert!(!item.contains_key("gone"));
    // A condition on another attribute that does not hold.
    let e = c
        .execute_statement()
        .statement("UPDATE \"pql_pu\" SET n = 5 WHERE pk = 'a' AND n = 1")
        .return_values_on_condition_check_failure(aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure::AllOld)
        .send()
        .await
        .unwrap_err();
    let service = e.into_service_error();
    let aws_sdk_dynamodb::operation::execute_statement::ExecuteStatementError::ConditionalCheckFailedException(ccf) =
        &service
    else {
        panic!("{service:?}")
    };
    assert_eq!(ccf.message(), Some("The conditional request failed"));
    assert_eq!(ccf.item().unwrap()["n"], n(2));
    // UPDATE never creates an item.
    let e = c
        .execute_statement()
        .statement("UPDATE \"pql_pu\" SET n = 5 WHERE pk = 'zz'")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        (
            "ConditionalCheckFailedException".to_string(),
            "The conditional request failed".to_string()
        )
    );
    assert!(get(&c, "pql_pu", "zz").await.is_none());
    // The WHERE must name the full key.
    let e = c
        .execute_statement()
        .statement("UPDATE \"pql_pu\" SET n = 5 WHERE n = 2")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("Where clause does not contain a mandatory equality on all key attributes")
    );
    let e = c
        .execute_statement()
        .statement("DELETE FROM \"pql_pu\" WHERE pk = 'a' AND n = 9")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        (
            "ConditionalCheckFailedException".to_string(),
            "The conditional request failed".to_string()
        )
    );
    let out = exec(
        &c,
        "DELETE FROM \"pql_pu\" WHERE pk = 'a' AND n = 2 RETURNING ALL OLD *",
    )
    .await;
    assert_eq!(out.items()[0]["n"], n(2));
    assert!(get(&c, "pql_pu", "a").await.is_none());
    // Deleting nothing succeeds.
    exec(&c, "DELETE FROM \"pql_pu\" WHERE pk = 'a'").await;
}

#[tokio::test]
async fn batch_partial_failure() {
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_pb", None).await;
    exec(&c, "INSERT INTO \"pql_pb\" VALUE {'pk': 'dup'}").await;
    let stmt = |s: &str| BatchStatementRequest::builder().statement(s).build().unwrap();
    let out = c
        .batch_execute_statement()
        .statements(stmt("INSERT INTO \"pql_pb\" VALUE {'pk': 'new'}"))
        .statements(stmt("INSERT INTO \"pql_pb\" VALUE {'pk': 'dup'}"))
        .statements(stmt("UPDATE \"nope\" SET a = 1 WHERE pk = 'x'"))
        .statements(stmt("DELETE FROM \"pql_pb\" WHERE"))
        .send()
        .await
        .unwrap();
    let r = out.responses();
    assert_eq!(r.len(), 4);
    assert!(r[0].error().is_none());
    assert_eq!(
        r[1].error().unwrap().code(),
        Some(&BatchStatementErrorCodeEnum::DuplicateItem)
    );
    assert_eq!(
        r[1].error().unwrap().message(),
        Some("Duplicate primary key exists in table")
    );
    assert_eq!(
        r[2].error().unwrap().code(),
        Some(&BatchStatementErrorCodeEnum::ResourceNotFound)
    );
    assert_eq!(
        r[3].error().unwrap().code(),
        Some(&BatchStatementErrorCodeEnum::ValidationError)
    );
    assert_eq!(
        r[3].error().unwrap().message(),
        Some("Statement wasn't well formed, can't be processed: Unexpected term")
    );
    assert!(get(&c, "pql_pb", "new").await.is_some());
    let out = c
        .batch_execute_statement()
        .statements(stmt("SELECT * FROM \"pql_pb\" WHERE pk = 'new'"))
        .statements(stmt("SELECT * FROM \"pql_pb\" WHERE pk = 'absent'"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.responses()[0].item().unwrap()["pk"], s("new"));
    assert!(out.responses()[1].item().is_none() && out.responses()[1].error().is_none());
    let e = c.batch_execute_statement().send().await.unwrap_err();
    assert_eq!(error(e).0, "ValidationException");
}

/// A batch member honours RETURNING; a SELECT member must name one item of the table by its key and
/// is refused before it runs (no TableName) otherwise; a DELETE returns its old item whole or not
/// at all, in ExecuteStatement too (the conformance suite's AWS captures, June 2026).
#[tokio::test]
async fn batch_members_return_items_and_select_by_key_only() {
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_br", None).await;
    for pk in ["d", "u", "m", "k"] {
        exec(
            &c,
            &format!("INSERT INTO \"pql_br\" VALUE {{'pk': '{pk}', 'data': 'old', 'val': 'a'}}"),
        )
        .await;
    }
    let stmt = |s: &str| BatchStatementRequest::builder().statement(s).build().unwrap();
    let out = c
        .batch_execute_statement()
        .statements(stmt("DELETE FROM \"pql_br\" WHERE pk = 'd' RETURNING ALL OLD *"))
        .statements(stmt(
            "UPDATE \"pql_br\" SET data = 'new' WHERE pk = 'u' RETURNING ALL NEW *",
        ))
        .statements(stmt(
            "UPDATE \"pql_br\" SET data = 'new' WHERE pk = 'm' RETURNING MODIFIED NEW *",
        ))
        .statements(stmt(
            "UPDATE \"pql_br\" REMOVE data WHERE pk = 'k' RETURNING MODIFIED NEW *",
        ))
        .statements(stmt("DELETE FROM \"pql_br\" WHERE pk = 'x' RETURNING MODIFIED OLD *"))
        .send()
        .await
        .unwrap();
    let r = out.responses();
    let item = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), s(v)))
            .collect::<HashMap<_, _>>()
    };
    assert_eq!(r[0].item(), Some(&item(&[("pk", "d"), ("data", "old"), ("val", "a")])));
    assert_eq!(r[1].item(), Some(&item(&[("pk", "u"), ("data", "new"), ("val", "a")])));
    assert_eq!(r[2].item(), Some(&item(&[("data", "new")])));
    assert_eq!((r[3].item(), r[3].table_name()), (None, Some("pql_br")));
    let bad_returning =
        "Invalid returning clause: RETURNING MODIFIED OLD *. Only RETURNING ALL OLD * is allowed in DELETE statements.";
    let e = r[4].error().unwrap();
    assert_eq!(
        (e.code(), e.message()),
        (Some(&BatchStatementErrorCodeEnum::ValidationError), Some(bad_returning))
    );
    let single = c
        .execute_statement()
        .statement("DELETE FROM \"pql_br\" WHERE pk = 'u' RETURNING ALL NEW *");
    assert_eq!(
        error(single.send().await.unwrap_err()),
        validation(&bad_returning.replace("MODIFIED OLD", "ALL NEW"))
    );

    let out = c
        .batch_execute_statement()
        .statements(stmt("SELECT * FROM \"pql_br\" WHERE val = 'a'"))
        .statements(stmt("SELECT * FROM \"pql_br\".\"byA\" WHERE pk = 'u'"))
        .statements(stmt("SELECT * FROM \"pql_br\" WHERE pk = 'u'"))
        .send()
        .await
        .unwrap();
    let r = out.responses();
    let unkeyed = "Select statements within BatchExecuteStatement must specify the primary key in the where clause.";
    for refused in &r[..2] {
        let e = refused.error().unwrap();
        assert_eq!(
            (e.code(), e.message(), refused.table_name()),
            (Some(&BatchStatementErrorCodeEnum::ValidationError), Some(unkeyed), None)
        );
    }
    assert_eq!(
        (r[2].item().unwrap()["data"].clone(), r[2].table_name()),
        (s("new"), Some("pql_br"))
    );
}

/// `EXISTS(SELECT ...)` is a transaction's condition check (AWS's PartiQL reference): the named
/// item must exist and meet the rest of the WHERE clause, or the transaction is cancelled with
/// ConditionalCheckFailed in its place. Outside ExecuteTransaction it is refused.
#[tokio::test]
async fn exists_checks_an_item_in_a_transaction_only() {
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_ex", None).await;
    exec(&c, "INSERT INTO pql_ex VALUE {'pk': 'a', 'n': 1}").await;
    exec(&c, "INSERT INTO pql_ex VALUE {'pk': 'b', 'n': 1}").await;
    let stmt = |s: &str| ParameterizedStatement::builder().statement(s).build().unwrap();
    let update = "UPDATE pql_ex SET n = n + 1 WHERE pk = 'b'";
    let codes = |checks: &[&str]| {
        let mut req = c.execute_transaction();
        for check in checks {
            req = req.transact_statements(stmt(check));
        }
        async move {
            match req.transact_statements(stmt(update)).send().await {
                Ok(_) => vec![],
                Err(e) => match e.into_service_error() {
                    aws_sdk_dynamodb::operation::execute_transaction::ExecuteTransactionError::TransactionCanceledException(tc) => {
                        tc.cancellation_reasons().iter().map(|r| r.code().unwrap_or_default().to_string()).collect()
                    }
                    other => panic!("{other:?}"),
                },
            }
        }
    };
    assert_eq!(
        codes(&["EXISTS(SELECT * FROM pql_ex WHERE pk = 'a' AND n = 1)"]).await,
        Vec::<String>::new()
    );
    assert_eq!(get(&c, "pql_ex", "b").await.unwrap()["n"], n(2));
    for failing in [
        "EXISTS(SELECT * FROM pql_ex WHERE pk = 'a' AND n = 2)",
        "EXISTS (SELECT * FROM \"pql_ex\" WHERE pk = 'missing' AND n = 1)",
    ] {
        assert_eq!(codes(&[failing]).await, ["ConditionalCheckFailed", "None"], "{failing}");
    }
    assert_eq!(get(&c, "pql_ex", "b").await.unwrap()["n"], n(2));
    // It reads one item, named by equalities on its key (an IN list does not name it), and checks
    // something besides (Floci's handler, AWS eu-west-2, 2026-09-17).
    for shapeless in [
        "EXISTS(SELECT * FROM pql_ex WHERE pk = 'a')",
        "EXISTS(SELECT * FROM pql_ex WHERE n = 1)",
        "EXISTS(SELECT * FROM pql_ex WHERE pk IN ['a'] AND n = 1)",
    ] {
        let e = c
            .execute_transaction()
            .transact_statements(stmt(shapeless))
            .transact_statements(stmt(update))
            .send()
            .await
            .unwrap_err();
        let message = "Validation failed in TransactStatements[0]: EXISTS() must contain a single item read with additional condition";
        assert_eq!(error(e), validation(message), "{shapeless}");
    }
    let e = c
        .execute_statement()
        .statement("EXISTS(SELECT * FROM pql_ex WHERE pk = 'a')")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("EXISTS can only be used in ExecuteTransaction write requests.")
    );
}

#[tokio::test]
async fn transaction_rollback_and_success() {
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_pt", None).await;
    exec(&c, "INSERT INTO \"pql_pt\" VALUE {'pk': 'old', 'n': 1}").await;
    exec(&c, "INSERT INTO \"pql_pt\" VALUE {'pk': 'keep', 'n': 1}").await;
    let stmt = |s: &str| ParameterizedStatement::builder().statement(s).build().unwrap();
    let e = c
        .execute_transaction()
        .transact_statements(stmt("INSERT INTO \"pql_pt\" VALUE {'pk': 'fresh'}"))
        .transact_statements(stmt("INSERT INTO \"pql_pt\" VALUE {'pk': 'old'}"))
        .transact_statements(stmt("UPDATE \"pql_pt\" SET n = 2 WHERE pk = 'keep'"))
        .send()
        .await
        .unwrap_err();
    let service = e.into_service_error();
    let aws_sdk_dynamodb::operation::execute_transaction::ExecuteTransactionError::TransactionCanceledException(tc) =
        &service
    else {
        panic!("{service:?}")
    };
    assert_eq!(
        tc.message(),
        Some(
            "Transaction cancelled, please refer cancellation reasons for specific reasons [None, DuplicateItem, None]"
        )
    );
    let codes: Vec<_> = tc
        .cancellation_reasons()
        .iter()
        .map(|r| r.code().unwrap_or_default())
        .collect();
    assert_eq!(codes, ["None", "DuplicateItem", "None"]);
    assert!(get(&c, "pql_pt", "fresh").await.is_none());
    assert_eq!(get(&c, "pql_pt", "old").await.unwrap()["n"], n(1));
    assert_eq!(get(&c, "pql_pt", "keep").await.unwrap()["n"], n(1));

    let out = c
        .execute_transaction()
        .transact_statements(stmt("INSERT INTO \"pql_pt\" VALUE {'pk': 'fresh'}"))
        .transact_statements(
            ParameterizedStatement::builder()
                .statement("UPDATE \"pql_pt\" SET n = n + ? WHERE pk = ? AND n = 1")
                .parameters(n(5))
                .parameters(s("old"))
                .build()
                .unwrap(),
        )
        .transact_statements(stmt("DELETE FROM \"pql_pt\" WHERE pk = 'absent'"))
        .client_request_token("tok-1")
        .send()
        .await
        .unwrap();
    // A write transaction answers an empty Responses list, not one entry per statement
    // (LocalStack's snapshot of AWS, test_dynamodb_execute_transaction).
    assert_eq!(out.responses().len(), 0);
    assert!(get(&c, "pql_pt", "fresh").await.is_some());
    assert_eq!(get(&c, "pql_pt", "old").await.unwrap()["n"], n(6));

    // Reads: one snapshot, one item per statement.
    let out = c
        .execute_transaction()
        .transact_statements(stmt("SELECT * FROM \"pql_pt\" WHERE pk = 'old'"))
        .transact_statements(stmt("SELECT * FROM \"pql_pt\" WHERE pk = 'absent'"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.responses()[0].item().unwrap()["n"], n(6));
    assert!(out.responses()[1].item().is_none());

    let e = c
        .execute_transaction()
        .transact_statements(stmt("SELECT * FROM \"pql_pt\" WHERE"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("Validation failed in TransactStatements[0]: Statement wasn't well formed, can't be processed: Unexpected term")
    );
}

#[tokio::test]
async fn a_transaction_replay_reads_and_an_empty_projection_answers_no_item() {
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_tr", None).await;
    exec(&c, "INSERT INTO \"pql_tr\" VALUE {'pk': 'p', 'n': 0}").await;
    let stmt = |s: &str| ParameterizedStatement::builder().statement(s).build().unwrap();
    let bump = c
        .execute_transaction()
        .client_request_token("tok")
        .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
        .transact_statements(stmt("UPDATE \"pql_tr\" SET n = n + 1 WHERE pk = 'p'"));
    let units = |out: &aws_sdk_dynamodb::operation::execute_transaction::ExecuteTransactionOutput| {
        let c = &out.consumed_capacity()[0];
        (c.capacity_units(), c.read_capacity_units(), c.write_capacity_units())
    };
    // The first call writes; the replay under the same token reads the item, once.
    assert_eq!(units(&bump.clone().send().await.unwrap()), (Some(2.0), None, Some(2.0)));
    assert_eq!(units(&bump.send().await.unwrap()), (Some(2.0), Some(2.0), None));
    assert_eq!(get(&c, "pql_tr", "p").await.unwrap()["n"], n(1));

    let out = c
        .execute_transaction()
        .transact_statements(stmt("SELECT absent FROM \"pql_tr\" WHERE pk = 'p'"))
        .transact_statements(stmt("SELECT n FROM \"pql_tr\" WHERE pk = 'p'"))
        .send()
        .await
        .unwrap();
    let items: Vec<_> = out.responses().iter().map(|r| r.item().cloned()).collect();
    assert_eq!(items, vec![None, Some(HashMap::from([("n".to_string(), n(1))]))]);
}

#[tokio::test]
async fn writes_answer_an_empty_items_list() {
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_w", None).await;
    for stmt in [
        "INSERT INTO \"pql_w\" VALUE {'pk': 'a'}",
        "UPDATE \"pql_w\" SET v = 1 WHERE pk = 'a'",
        "DELETE FROM \"pql_w\" WHERE pk = 'a'",
    ] {
        assert_eq!(exec(&c, stmt).await.items, Some(vec![]), "{stmt}");
    }
}

/// Ordering comparisons take strings, numbers and binaries only, as in expressions: another type,
/// bound from a parameter or written as a literal, is refused before any item is read or written.
#[tokio::test]
async fn ordering_an_unorderable_value_is_refused() {
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_ord", None).await;
    exec(&c, "INSERT INTO pql_ord VALUE {'pk': 'x', 'val': 1}").await;
    let cases = [
        (
            "SELECT pk FROM pql_ord WHERE pk = 'x' AND val < ?",
            vec![V::Bool(true)],
            "<",
            "BOOL",
        ),
        (
            "SELECT pk FROM pql_ord WHERE pk = 'x' AND ? >= val",
            vec![V::L(vec![])],
            ">=",
            "L",
        ),
        (
            "SELECT pk FROM pql_ord WHERE val BETWEEN ? AND ?",
            vec![n(0), V::Null(true)],
            "BETWEEN",
            "NULL",
        ),
        (
            "UPDATE pql_ord SET val = 2 WHERE pk = 'x' AND val > {'a': 1}",
            vec![],
            ">",
            "M",
        ),
        (
            "DELETE FROM pql_ord WHERE pk = 'x' AND val <= <<'a'>>",
            vec![],
            "<=",
            "SS",
        ),
    ];
    for (statement, params, operator, ty) in cases {
        let e = c
            .execute_statement()
            .statement(statement)
            .set_parameters((!params.is_empty()).then_some(params))
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            error(e),
            validation(&format!(
                "Incorrect operand type for operator or function; operator or function: {operator}, operand type: {ty}"
            )),
            "{statement}"
        );
    }
    assert_eq!(
        get(&c, "pql_ord", "x").await,
        Some(HashMap::from([("pk".to_string(), s("x")), ("val".to_string(), n(1))]))
    );
}

/// Every page of a SELECT read with `limit`, each page's items, until it answers no NextToken.
async fn pages(c: &Client, stmt: &str, limit: i32) -> Vec<Vec<HashMap<String, V>>> {
    let (mut out, mut token) = (Vec::new(), None);
    loop {
        let page = c
            .execute_statement()
            .statement(stmt)
            .limit(limit)
            .set_next_token(token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{stmt}: {e:?}"));
        out.push(page.items().to_vec());
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            return out;
        }
    }
}

/// A SELECT's page, which must be its only one, with its consumed capacity in `detail`.
async fn only_page(c: &Client, stmt: &str, detail: ReturnConsumedCapacity) -> ExecuteStatementOutput {
    let out = c
        .execute_statement()
        .statement(stmt)
        .return_consumed_capacity(detail)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{stmt}: {e:?}"));
    assert!(out.next_token().is_none(), "{stmt}");
    out
}

/// A SELECT's items and the read capacity units it reports consuming (eventually consistent).
async fn read(c: &Client, stmt: &str) -> (Vec<HashMap<String, V>>, f64) {
    let out = only_page(c, stmt, ReturnConsumedCapacity::Total).await;
    let units = out.consumed_capacity().and_then(|c| c.capacity_units()).unwrap();
    (out.items().to_vec(), units)
}

/// The items of a whole Scan (of an index, if named) whose `attr` is one of `values`, in the
/// Scan's order.
async fn scanned(c: &Client, table: &str, index: Option<&str>, attr: &str, values: &[&str]) -> Vec<HashMap<String, V>> {
    let out = c
        .scan()
        .table_name(table)
        .set_index_name(index.map(str::to_owned))
        .send()
        .await
        .unwrap();
    assert!(out.last_evaluated_key().is_none());
    let wanted = |i: &HashMap<String, V>| values.iter().any(|v| i[attr] == s(v));
    out.items().iter().filter(|i| wanted(i)).cloned().collect()
}

/// Puts an item with `key`'s attributes and 20 KB of text, which costs five read units to read.
async fn put_bulk(c: &Client, table: &str, key: &[(&str, V)]) {
    let bulk = ("bulk", s(&"x".repeat(20 * 1024)));
    crate::support::put(c, table, &[key, &[bulk]].concat()).await;
}

#[tokio::test]
async fn select_in_reads_only_the_listed_partitions() {
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_in", Some(T::N)).await;
    for (pk, sk) in [("a", 1), ("a", 2), ("a", 3), ("b", 1), ("c", 1), ("c", 2)] {
        exec(&c, &format!("INSERT INTO pql_in VALUE {{'pk': '{pk}', 'sk': {sk}}}")).await;
    }
    put_bulk(&c, "pql_in", &[("pk", s("z")), ("sk", n(1))]).await;
    // The rows of the listed partitions in the order a Scan meets them, each partition once; a
    // value of another type than the key's names none. Only they are read: half a unit, where the
    // Scan of every partition read the 20 KB item too (three units).
    let listed = scanned(&c, "pql_in", None, "pk", &["a", "c"]).await;
    assert_eq!(listed.len(), 5);
    for stmt in [
        "SELECT * FROM pql_in WHERE pk IN ['c', 'a', 'a', 1]",
        "SELECT * FROM pql_in WHERE pk = 'a' OR pk = 'c' OR pk = 'a'",
        "SELECT * FROM pql_in WHERE (pk = 'c' OR pk IN ['a']) AND sk > 0",
    ] {
        assert_eq!(read(&c, stmt).await, (listed.clone(), 0.5), "{stmt}");
    }
    assert_eq!(read(&c, "SELECT * FROM pql_in WHERE pk = 1").await, (vec![], 0.5));
    assert_eq!(read(&c, "SELECT * FROM pql_in WHERE pk IN [1, 2]").await, (vec![], 0.5));
    // Limit counts the listed partitions' rows only, and NextToken resumes across partitions.
    let paged = pages(&c, "SELECT * FROM pql_in WHERE pk IN ['c', 'a']", 2).await;
    assert_eq!(paged.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 1]);
    assert_eq!(paged.concat(), listed);
    // Ordered, by the partition key's values and then the sort key's, also page by page.
    let key = |pk: &str, sk: u32| HashMap::from([("pk".to_string(), s(pk)), ("sk".to_string(), n(sk))]);
    let stmt = "SELECT pk, sk FROM pql_in WHERE pk IN ['c', 'a'] ORDER BY pk DESC, sk ASC";
    let ordered = [key("c", 1), key("c", 2), key("a", 1), key("a", 2), key("a", 3)];
    assert_eq!(read(&c, stmt).await.0, ordered);
    assert_eq!(pages(&c, stmt, 3).await.concat(), ordered);
}

/// ORDER BY's rules and wording, and its directions, as AWS answered them (eu-west-2, September
/// 2026): a WHERE clause, key attributes only, the partition key held to a value, and named when
/// held to several; a key without a term of its own sorts its partitions ascending and its sort
/// key descending.
#[tokio::test]
async fn order_by_names_key_attributes_of_partitions_the_where_clause_holds() {
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_ob", Some(T::N)).await;
    for (pk, sk) in [("a", 1), ("a", 2), ("a", 3), ("b", 1), ("c", 1), ("c", 2)] {
        exec(
            &c,
            &format!(
                "INSERT INTO pql_ob VALUE {{'pk': '{pk}', 'sk': {sk}, 'v': {}}}",
                10 - sk
            ),
        )
        .await;
    }
    for (stmt, message) in [
        (
            "SELECT sk FROM pql_ob ORDER BY sk",
            "Must have WHERE clause in the statement when using ORDER BY clause.",
        ),
        (
            "SELECT sk FROM pql_ob WHERE pk = 'a' ORDER BY v DESC",
            "Attribute v in ORDER BY clause must be part of the primary key",
        ),
        (
            "SELECT sk FROM pql_ob WHERE pk = 'a' ORDER BY sk, m.x",
            "Attribute [m, x] in ORDER BY clause must be part of the primary key",
        ),
        (
            "SELECT sk FROM pql_ob WHERE pk > 'a' ORDER BY sk",
            "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause.",
        ),
        (
            "SELECT sk FROM pql_ob WHERE pk IN ['a', 'c'] ORDER BY sk DESC",
            "Must have hash key in ORDER BY clause when more than one hash key condition specified in WHERE clause.",
        ),
    ] {
        let e = c.execute_statement().statement(stmt).send().await.unwrap_err();
        assert_eq!(error(e), validation(message), "{stmt}");
    }
    let sks = |out: ExecuteStatementOutput| -> Vec<(String, String)> {
        let text = |v: &V| v.as_s().or_else(|_| v.as_n()).cloned().unwrap_or_default();
        out.items().iter().map(|i| (text(&i["pk"]), text(&i["sk"]))).collect()
    };
    let pairs = |list: &[(&str, u32)]| {
        list.iter()
            .map(|(p, k)| (p.to_string(), k.to_string()))
            .collect::<Vec<_>>()
    };
    for (stmt, expected) in [
        (
            "SELECT pk, sk FROM pql_ob WHERE pk = 'a' ORDER BY sk",
            pairs(&[("a", 1), ("a", 2), ("a", 3)]),
        ),
        (
            "SELECT pk, sk FROM pql_ob WHERE pk = 'a' ORDER BY pk",
            pairs(&[("a", 3), ("a", 2), ("a", 1)]),
        ),
        (
            "SELECT pk, sk FROM pql_ob WHERE pk = 'a' ORDER BY pk ASC, sk ASC",
            pairs(&[("a", 1), ("a", 2), ("a", 3)]),
        ),
        (
            "SELECT pk, sk FROM pql_ob WHERE pk IN ['c', 'a'] ORDER BY pk",
            pairs(&[("a", 3), ("a", 2), ("a", 1), ("c", 2), ("c", 1)]),
        ),
        (
            "SELECT pk, sk FROM pql_ob WHERE pk = 'c' OR pk = 'b' ORDER BY pk DESC, sk DESC",
            pairs(&[("c", 2), ("c", 1), ("b", 1)]),
        ),
    ] {
        assert_eq!(sks(exec(&c, stmt).await), expected, "{stmt}");
        let paged: Vec<_> = pages(&c, stmt, 2).await.concat();
        assert_eq!(paged.len(), expected.len(), "{stmt}");
    }
}

/// IS NULL holds for a stored NULL only: an absent attribute is MISSING (AWS, September 2026).
#[tokio::test]
async fn is_null_holds_for_a_stored_null_and_not_an_absent_attribute() {
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_isn", Some(T::N)).await;
    exec(&c, "INSERT INTO pql_isn VALUE {'pk': 'a', 'sk': 1, 'x': NULL}").await;
    exec(&c, "INSERT INTO pql_isn VALUE {'pk': 'a', 'sk': 2}").await;
    exec(&c, "INSERT INTO pql_isn VALUE {'pk': 'a', 'sk': 3, 'x': 0}").await;
    for (cond, expected) in [
        ("x IS NULL", vec![n(1)]),
        ("x IS NOT NULL", vec![n(2), n(3)]),
        ("x IS MISSING", vec![n(2)]),
        ("x IS NOT MISSING", vec![n(1), n(3)]),
    ] {
        let out = exec(&c, &format!("SELECT sk FROM pql_isn WHERE pk = 'a' AND {cond}")).await;
        let sks: Vec<_> = out.items().iter().map(|i| i["sk"].clone()).collect();
        assert_eq!(sks, expected, "{cond}");
    }
}

#[tokio::test]
async fn select_in_reads_only_the_sort_range_the_where_clause_bounds() {
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_inr", Some(T::N)).await;
    put_bulk(&c, "pql_inr", &[("pk", s("a")), ("sk", n(1))]).await;
    for (pk, sk) in [("a", 2), ("a", 3), ("c", 2), ("c", 9)] {
        exec(&c, &format!("INSERT INTO pql_inr VALUE {{'pk': '{pk}', 'sk': {sk}}}")).await;
    }
    let key = |pk: &str, sk: u32| HashMap::from([("pk".to_string(), s(pk)), ("sk".to_string(), n(sk))]);
    let mut listed = scanned(&c, "pql_inr", None, "pk", &["a", "c"]).await;
    listed.retain(|i| [n(2), n(3)].contains(&i["sk"]));
    assert_eq!(listed.len(), 3);
    // The 20 KB item below the range is not read.
    let between = "SELECT * FROM pql_inr WHERE pk IN ['a', 'c'] AND sk BETWEEN 2 AND 3";
    assert_eq!(read(&c, between).await, (listed.clone(), 0.5));
    // Of two bounds the first is the range read, the other filters it (c's 9 is read).
    let stmt = "SELECT * FROM pql_inr WHERE 2 <= sk AND sk < 4 AND pk IN ['a', 'c']";
    assert_eq!(read(&c, stmt).await, (listed.clone(), 0.5));
    // Limit counts the rows read: two pages within BETWEEN's range; three with `sk >= 2` read,
    // where c's 9 is read (and filtered out) too.
    let paged = pages(&c, between, 2).await;
    assert_eq!(paged.iter().map(Vec::len).collect::<Vec<_>>(), [2, 1]);
    assert_eq!(paged.concat(), listed);
    assert_eq!(pages(&c, stmt, 2).await.concat(), listed);
    assert_eq!(pages(&c, stmt, 2).await.len(), 3);
    // An equality on the sort key reads one item per partition.
    let stmt = "SELECT pk, sk FROM pql_inr WHERE pk IN ['a', 'c'] AND sk = 2";
    let (items, units) = read(&c, stmt).await;
    assert_eq!(units, 0.5);
    assert_eq!(items.len(), 2);
    assert!(items.contains(&key("a", 2)) && items.contains(&key("c", 2)));
}

#[tokio::test]
async fn select_in_on_a_global_index_reads_its_listed_partitions() {
    let (_emu, c) = emulator().await;
    crate::support::create_with_gsi(&c, "pql_gin").await;
    for (pk, g) in [("p1", "x"), ("p2", "y"), ("p3", "x"), ("p4", "z"), ("p5", "w")] {
        exec(&c, &format!("INSERT INTO pql_gin VALUE {{'pk': '{pk}', 'g': '{g}'}}")).await;
    }
    put_bulk(&c, "pql_gin", &[("pk", s("p6")), ("g", s("v"))]).await;
    let listed = scanned(&c, "pql_gin", Some("by_group"), "g", &["x", "y"]).await;
    assert_eq!(listed.len(), 3);
    let stmt = "SELECT * FROM \"pql_gin\".\"by_group\" WHERE g IN ['y', 'x', 'y']";
    let out = only_page(&c, stmt, ReturnConsumedCapacity::Indexes).await;
    assert_eq!(out.items(), listed);
    // Charged to the index, for the rows of its listed partitions only.
    let consumed = out.consumed_capacity().unwrap();
    assert_eq!(consumed.capacity_units(), Some(0.5));
    assert_eq!(consumed.table().and_then(|t| t.capacity_units()), Some(0.0));
    let by_group = &consumed.global_secondary_indexes().unwrap()["by_group"];
    assert_eq!(by_group.capacity_units(), Some(0.5));
    // One row a page, through both partitions; the last full page still answers a NextToken.
    let paged = pages(&c, stmt, 1).await;
    assert_eq!(paged.iter().map(Vec::len).collect::<Vec<_>>(), [1, 1, 1, 0]);
    assert_eq!(paged.concat(), listed);
}

/// A table keyed `pk`/`sk` with an INCLUDE global index (`projattr`) on `gsiPk2`, an ALL global
/// index on `gsiPk` and a KEYS_ONLY local index on `lsiSk2`: the shapes of the conformance
/// suite's index-qualifier fixture. `nonproj` is projected by neither non-ALL index.
async fn qualifier_table(c: &Client, name: &str) {
    let gsi = |name: &str, hash: &str, projection: Projection| {
        GlobalSecondaryIndex::builder()
            .index_name(name)
            .key_schema(key(hash, KeyType::Hash))
            .projection(projection)
            .build()
            .unwrap()
    };
    let include = Projection::builder()
        .projection_type(ProjectionType::Include)
        .non_key_attributes("projattr")
        .build();
    c.create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", T::S))
        .attribute_definitions(attr_def("sk", T::S))
        .attribute_definitions(attr_def("gsiPk", T::S))
        .attribute_definitions(attr_def("gsiPk2", T::S))
        .attribute_definitions(attr_def("lsiSk2", T::S))
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .global_secondary_indexes(gsi("gsi-inc", "gsiPk2", include))
        .global_secondary_indexes(gsi(
            "gsi-all",
            "gsiPk",
            Projection::builder().projection_type(ProjectionType::All).build(),
        ))
        .local_secondary_indexes(
            LocalSecondaryIndex::builder()
                .index_name("lsi-keys")
                .key_schema(key("pk", KeyType::Hash))
                .key_schema(key("lsiSk2", KeyType::Range))
                .projection(Projection::builder().projection_type(ProjectionType::KeysOnly).build())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    exec(
        c,
        &format!("INSERT INTO \"{name}\" VALUE {{'pk': 'p', 'sk': 's1', 'gsiPk': 'x', 'gsiPk2': 'y', 'lsiSk2': 'k1', 'projattr': 'proj1', 'nonproj': 'np1'}}"),
    )
    .await;
}

/// A SELECT list on a local index fetches from the table what the index does not project, a
/// read charged to the table per fetched item; and a NextToken belongs to the table or index it
/// was read from, even where another index has the same key schema (nubo-db's conformance suite,
/// indexQualifier.test.ts, verified against AWS).
#[tokio::test]
async fn a_local_index_select_fetches_and_a_next_token_stays_on_its_index() {
    let (_emu, c) = emulator().await;
    qualifier_table(&c, "pql_f").await;
    for n in 2..=3 {
        exec(
            &c,
            &format!("INSERT INTO \"pql_f\" VALUE {{'pk': 'p', 'sk': 's{n}', 'gsiPk': 'x', 'lsiSk2': 'k{n}', 'nonproj': 'np{n}'}}"),
        )
        .await;
    }
    let select = |stmt: &'static str, limit: Option<i32>| {
        c.execute_statement()
            .statement(stmt)
            .set_limit(limit)
            .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
            .send()
    };
    let charged = |out: &ExecuteStatementOutput| {
        let cc = out.consumed_capacity().unwrap();
        let lsi = cc.local_secondary_indexes().unwrap()["lsi-keys"].capacity_units();
        (cc.table().unwrap().capacity_units(), lsi)
    };
    let stmt = "SELECT nonproj FROM \"pql_f\".\"lsi-keys\" WHERE pk = 'p'";
    let all = select(stmt, None).await.unwrap();
    let fetched: Vec<_> = all.items().iter().map(|i| i["nonproj"].clone()).collect();
    assert_eq!(fetched, [s("np1"), s("np2"), s("np3")]);
    // Three small items fetched: half a unit each; the index's rows: half a unit together.
    assert_eq!(charged(&all), (Some(1.5), Some(0.5)));
    assert_eq!(charged(&select(stmt, Some(1)).await.unwrap()), (Some(0.5), Some(0.5)));
    // What the index projects, or `*`, reads the index alone.
    for stmt in [
        "SELECT lsiSk2 FROM \"pql_f\".\"lsi-keys\" WHERE pk = 'p'",
        "SELECT * FROM \"pql_f\".\"lsi-keys\" WHERE pk = 'p'",
    ] {
        assert_eq!(
            charged(&select(stmt, None).await.unwrap()),
            (Some(0.0), Some(0.5)),
            "{stmt}"
        );
    }

    let first = select("SELECT pk FROM \"pql_f\".\"gsi-all\" WHERE gsiPk = 'x'", Some(1))
        .await
        .unwrap();
    let token = first.next_token().unwrap();
    // The token belongs to its statement and parameters: on another index, the table or another
    // WHERE clause it does not match; unreadable, it is invalid (Dynoxide's capture, eu-west-2,
    // July 2026; Floci's, eu-west-1, September 2026).
    let elsewhere = [
        (
            "SELECT pk FROM \"pql_f\".\"gsi-inc\" WHERE gsiPk = 'x'",
            token,
            "NextToken does not match request",
        ),
        (
            "SELECT pk FROM \"pql_f\" WHERE gsiPk = 'x'",
            token,
            "NextToken does not match request",
        ),
        (
            "SELECT pk FROM \"pql_f\".\"gsi-all\" WHERE gsiPk = 'y'",
            token,
            "NextToken does not match request",
        ),
        (
            "SELECT pk FROM \"pql_f\".\"gsi-all\" WHERE gsiPk = 'x'",
            "bm90IGEgdG9rZW4=",
            "Invalid NextToken",
        ),
    ];
    for (stmt, token, message) in elsewhere {
        let e = c
            .execute_statement()
            .statement(stmt)
            .next_token(token)
            .send()
            .await
            .unwrap_err();
        assert_eq!(error(e), validation(message), "{stmt}");
    }
    let rest = c
        .execute_statement()
        .statement("SELECT pk FROM \"pql_f\".\"gsi-all\" WHERE gsiPk = 'x'")
        .next_token(token)
        .send()
        .await
        .unwrap();
    assert_eq!(rest.items().len(), 2);
}

/// What ExecuteStatement answers a statement it refuses.
async fn refusal(c: &Client, stmt: &str, consistent: bool) -> (String, String) {
    let e = c
        .execute_statement()
        .statement(stmt)
        .consistent_read(consistent)
        .send()
        .await
        .expect_err(stmt);
    error(e)
}

/// A qualified FROM is refused by what the statement is, each in AWS's words (nubo-db's
/// conformance suite, verified against AWS): INSERT's grammar has no qualifier; UPDATE and DELETE
/// refuse it before the table is looked up; paths have two non-empty components at most;
/// PartiQL words a consistent GSI read its own way; transactions read no index and return nothing.
#[tokio::test]
async fn a_qualified_or_returning_statement_is_refused_in_aws_words() {
    let (_emu, c) = emulator().await;
    qualifier_table(&c, "pql_q").await;
    for (stmt, consistent, message) in [
        ("INSERT INTO \"pql_q\".\"gsi-all\" VALUE {'pk': 'w', 'sk': 'w'}", false, "FROM clause may only contain a single table name in data manipulation statements"),
        ("INSERT INTO \"pql_q\".\"nope\" VALUE {'pk': 'w', 'sk': 'w'}", false, "FROM clause may only contain a single table name in data manipulation statements"),
        ("UPDATE \"pql_q\".\"gsi-all\" SET projattr = 'z' WHERE pk = 'p' AND sk = 's1'", false, "This operation is not supported on an index"),
        ("DELETE FROM \"pql_q\".\"gsi-all\" WHERE pk = 'p' AND sk = 's1'", false, "This operation is not supported on an index"),
        ("UPDATE \"pql_none\".\"gsi-all\" SET a = 'z' WHERE pk = 'p'", false, "This operation is not supported on an index"),
        ("SELECT * FROM \"pql_q\".\"gsi-all\".\"extra\" WHERE pk = 'p'", false, "A path may contain at most 2 components in the FROM clause"),
        ("SELECT * FROM \"pql_q\".\"\" WHERE pk = 'p'", false, "Path component cannot be an empty string"),
        ("SELECT * FROM \"\" WHERE pk = 'p'", false, "Path component cannot be an empty string"),
        ("SELECT * FROM \"pql_q\".\"gsi-all\" WHERE gsiPk = 'x'", true, "Strongly consistent read is not supported on Global Secondary Indexes"),
        ("DELETE FROM \"pql_q\" WHERE pk = 'x' RETURNING MODIFIED OLD *", false, "Invalid returning clause: RETURNING MODIFIED OLD *. Only RETURNING ALL OLD * is allowed in DELETE statements."),
        ("DELETE FROM \"pql_q\" WHERE pk = 'x' RETURNING ALL NEW *", false, "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE statements."),
        ("DELETE FROM \"pql_q\" WHERE pk = 'x' RETURNING MODIFIED NEW *", false, "Invalid returning clause: RETURNING MODIFIED NEW *. Only RETURNING ALL OLD * is allowed in DELETE statements."),
    ] {
        assert_eq!(refusal(&c, stmt, consistent).await, validation(message), "{stmt}");
    }
    // The rows are untouched.
    assert_eq!(
        exec(&c, "SELECT * FROM \"pql_q\" WHERE pk = 'p'").await.items().len(),
        1
    );
    for (stmt, message) in [
        (
            "SELECT * FROM \"pql_q\".\"gsi-all\" WHERE gsiPk = 'x'",
            "Reads on indices are not supported within transactions.",
        ),
        (
            "UPDATE \"pql_q\" SET data = 'v' WHERE pk = 'x' AND sk = 'x' RETURNING ALL NEW *",
            "RETURNING clause is not supported in ExecuteTransaction.",
        ),
    ] {
        let e = c
            .execute_transaction()
            .transact_statements(ParameterizedStatement::builder().statement(stmt).build().unwrap())
            .send()
            .await
            .expect_err(stmt);
        assert_eq!(
            error(e),
            validation(&format!("Validation failed in TransactStatements[0]: {message}"))
        );
    }
}

/// On an index, a SELECT list may name only what a global index projects, and a WHERE clause
/// keyed on the index's partition key (`=` or `IN` in a top-level conjunct) may read only what
/// the index projects, global or local; unkeyed, or inside an OR, the same filter simply finds no
/// such attribute on the index's rows.
#[tokio::test]
async fn a_keyed_index_select_reads_only_what_the_index_projects() {
    let (_emu, c) = emulator().await;
    qualifier_table(&c, "pql_p").await;
    let filter = |index: &str| {
        validation(&format!(
            "One or more parameter values were invalid: Secondary index {index} does not project one or more filter attributes: [nonproj]"
        ))
    };
    for (stmt, expected) in [
        (
            "SELECT pk FROM \"pql_p\".\"gsi-inc\" WHERE gsiPk2 = 'y' AND nonproj = 'np1'",
            filter("gsi-inc"),
        ),
        (
            "SELECT pk FROM \"pql_p\".\"lsi-keys\" WHERE pk = 'p' AND nonproj = 'np1'",
            filter("lsi-keys"),
        ),
        (
            "SELECT pk FROM \"pql_p\".\"gsi-inc\" WHERE gsiPk2 IN ['y', 'z'] AND NOT nonproj = 'np1'",
            filter("gsi-inc"),
        ),
        (
            "SELECT pk FROM \"pql_p\".\"gsi-inc\" WHERE gsiPk2 = 'y' AND nonproj IS MISSING",
            filter("gsi-inc"),
        ),
        (
            "SELECT nonproj FROM \"pql_p\".\"gsi-inc\" WHERE gsiPk2 = 'y'",
            validation(
                "One or more parameter values were invalid: Global secondary index gsi-inc does not project [nonproj]",
            ),
        ),
        // Every unprojected attribute, once, in written order (executeStatementIndex.test.ts,
        // AWS, October 2026).
        (
            "SELECT other, pk, nonproj, other.x FROM \"pql_p\".\"gsi-inc\" WHERE gsiPk2 = 'y'",
            validation(
                "One or more parameter values were invalid: Global secondary index gsi-inc does not project [other, nonproj]",
            ),
        ),
    ] {
        assert_eq!(refusal(&c, stmt, false).await, expected, "{stmt}");
    }
    for (stmt, rows) in [
        ("SELECT pk FROM \"pql_p\".\"gsi-inc\" WHERE nonproj = 'np1'", 0),
        ("SELECT pk FROM \"pql_p\".\"lsi-keys\" WHERE nonproj = 'np1'", 0),
        (
            "SELECT pk FROM \"pql_p\".\"gsi-inc\" WHERE (gsiPk2 = 'y' AND nonproj = 'np1') OR gsiPk2 = 'y2'",
            0,
        ),
        (
            "SELECT pk FROM \"pql_p\".\"gsi-inc\" WHERE gsiPk2 = 'y' AND projattr = 'proj1'",
            1,
        ),
    ] {
        assert_eq!(exec(&c, stmt).await.items().len(), rows, "{stmt}");
    }
}

/// PartiQL's FROM-first UPDATE, `FROM "t" WHERE <key> SET ... | REMOVE ...`, runs as the UPDATE it
/// spells, conditions, RETURNING and parameters included; its clauses come in that order
/// (the conformance suite's fromFirstUpdate.test.ts and partiqlGrammar.test.ts, AWS, October 2026).
#[tokio::test]
async fn a_from_first_update_runs_as_an_update() {
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_ff", None).await;
    exec(&c, "INSERT INTO pql_ff VALUE {'pk': 'a', 'n': 1, 'b': 'bee'}").await;
    let out = exec(&c, "from pql_ff where pk = 'a' SET c = 2 REMOVE b RETURNING ALL NEW *").await;
    let expected = HashMap::from([
        ("pk".to_string(), s("a")),
        ("n".to_string(), n(1)),
        ("c".to_string(), n(2)),
    ]);
    assert_eq!(out.items.unwrap_or_default(), vec![expected.clone()]);
    let with_params = c
        .execute_statement()
        .statement("FROM \"pql_ff\" WHERE pk = ? AND n = 1 SET d = ?")
        .parameters(s("a"))
        .parameters(n(7))
        .send()
        .await
        .unwrap();
    assert!(with_params.items().is_empty());
    assert_eq!(get(&c, "pql_ff", "a").await.unwrap()["d"], n(7));
    let code = |e: aws_sdk_dynamodb::error::SdkError<_>| error(e).0;
    for (stmt, expected) in [
        (
            "FROM pql_ff WHERE pk = 'a' AND n = 2 SET c = 5",
            "ConditionalCheckFailedException".to_string(),
        ),
        (
            "FROM pql_ff WHERE pk = 'absent' SET c = 1",
            "ConditionalCheckFailedException".to_string(),
        ),
        (
            "FROM pql_ff_none WHERE pk = 'x' SET c = 1",
            "ResourceNotFoundException".to_string(),
        ),
    ] {
        let e = c.execute_statement().statement(stmt).send().await.unwrap_err();
        assert_eq!(code(e), expected, "{stmt}");
    }
    assert_eq!(get(&c, "pql_ff", "absent").await, None);
    let missing_key = validation("Where clause does not contain a mandatory equality on all key attributes");
    let leftover = validation("Statement wasn't well formed, can't be processed: Unexpected token after expression");
    for (stmt, expected) in [
        ("FROM pql_ff SET c = 1", missing_key.clone()),
        ("FROM pql_ff WHERE n = 1 REMOVE b", missing_key),
        ("FROM pql_ff SET c = 1 WHERE pk = 'a'", leftover),
        (
            "FROM pql_ff WHERE pk = 'a'",
            validation("Statement wasn't well formed, can't be processed: Expected data manipulation"),
        ),
    ] {
        assert_eq!(refusal(&c, stmt, false).await, expected, "{stmt}");
    }
    let tx = ParameterizedStatement::builder()
        .statement("FROM pql_ff WHERE pk = 'a' SET e = 1")
        .build()
        .unwrap();
    c.execute_transaction().transact_statements(tx).send().await.unwrap();
    assert_eq!(get(&c, "pql_ff", "a").await.unwrap()["e"], n(1));
}

/// OR branches reading one partition may not overlap on the sort key; a branch that only filters
/// on it (`NOT sk = v`, `sk <> v`) reads its whole partition, and the statement runs (the
/// conformance suite's whereOverlap.test.ts and partiqlGrammar.test.ts, AWS, October 2026).
#[tokio::test]
async fn or_branches_may_not_overlap_on_the_sort_key() {
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_ov", Some(T::S)).await;
    for sk in ["1", "2", "3"] {
        exec(&c, &format!("INSERT INTO pql_ov VALUE {{'pk': 'p', 'sk': '{sk}'}}")).await;
    }
    let sort_keys = |out: ExecuteStatementOutput| {
        let mut keys: Vec<String> = out.items().iter().map(|i| i["sk"].as_s().unwrap().clone()).collect();
        keys.sort();
        keys
    };
    for (left, expected) in [
        ("pk = 'p' AND NOT sk = '1'", vec!["2", "3"]),
        ("pk = 'p' AND sk <> '1'", vec!["2", "3"]),
        ("pk = 'p' AND NOT sk IN ['1', '3']", vec!["2"]),
        ("pk = 'p' AND sk = '1'", vec!["1", "2"]),
        ("pk = 'p' AND sk < '2'", vec!["1", "2"]),
        ("pk = 'q' AND x = 1", vec!["2"]),
    ] {
        let stmt = format!("SELECT * FROM pql_ov WHERE {left} OR pk = 'p' AND sk = '2'");
        assert_eq!(sort_keys(exec(&c, &stmt).await), expected, "{stmt}");
    }
    let overlapping = validation("Overlapping conditions with range keys are not supported in where clause");
    for where_clause in [
        "pk = 'p' AND x = '1' OR pk = 'p' AND sk = '2'",
        "pk = 'p' AND sk <= '2' OR pk = 'p' AND sk >= '2'",
        "pk = 'p' AND sk BETWEEN '1' AND '3' OR pk IN ['q', 'p'] AND begins_with(sk, '2')",
    ] {
        let stmt = format!("SELECT * FROM pql_ov WHERE {where_clause}");
        assert_eq!(refusal(&c, &stmt, false).await, overlapping, "{stmt}");
    }
}

/// Statements DynamoDB's PartiQL parser reads differently from ours before, in its words (the
/// conformance suite's partiqlGrammar.test.ts, AWS, October 2026): a bare expression is refused
/// naming its root operation; `IS` takes PartiQL's type names only; an exponent past a 32-bit
/// integer is unreadable; a number error's path starts at the value.
#[tokio::test]
async fn statements_are_refused_as_partiql_parses_them() {
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_gr", None).await;
    let malformed = |detail: &str| validation(&format!("Statement wasn't well formed, can't be processed: {detail}"));
    let overflow = "Number overflow. Attempting to store a number with magnitude larger than supported range under";
    for (stmt, expected) in [
        ("x IS INT4", validation("Unsupported operation: IsType")),
        ("x IS DOUBLE PRECISION", validation("Unsupported operation: IsType")),
        ("x = 1", validation("Unsupported operation: Eq")),
        (
            "SELECT * FROM pql_gr WHERE pk = 'a' AND x IS FOO",
            malformed("Expected type name"),
        ),
        ("SELECT * FROM pql_gr WHERE pk = 1e2147483648", malformed("")),
        ("SELECT * FROM pql_gr WHERE pk = 1.5e-2147483647", malformed("")),
        (
            "INSERT INTO pql_gr VALUE {'pk': 'a', 'n': 1e126}",
            validation(&format!("{overflow} root")),
        ),
        (
            "INSERT INTO pql_gr VALUE {'pk': 'a', 'm': {'x': 1e126}}",
            validation(&format!("{overflow} root.x")),
        ),
        (
            "INSERT INTO pql_gr VALUE {'pk': 'a', 'l': [1, 1e126]}",
            validation(&format!("{overflow} root[1]")),
        ),
        (
            "UPDATE pql_gr SET m = {'x': [1e126]} WHERE pk = 'a'",
            validation(&format!("{overflow} root.x[0]")),
        ),
        // An exponent that fits is read, and the number is then too large.
        (
            "SELECT * FROM pql_gr WHERE pk = 1e2147483647",
            validation(&format!("{overflow} root")),
        ),
    ] {
        assert_eq!(refusal(&c, stmt, false).await, expected, "{stmt}");
    }
}

/// A SELECT in BatchExecuteStatement or ExecuteTransaction is a read of one item by key (a
/// BatchGetItem or TransactGetItems), so its WHERE clause is the key's equalities and nothing
/// else; in a WHERE clause elsewhere, functions take the expression API's operand rules, compare
/// with TRUE, and `IS` tests a value's type (the conformance suite's partiqlFunctions and
/// whereFunctions tests, AWS, October 2026).
#[tokio::test]
async fn functions_and_type_tests_in_a_where_clause() {
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_fn", None).await;
    exec(
        &c,
        "INSERT INTO pql_fn VALUE {'pk': 'a', 's': 'str', 'flag': true, 'ss': <<'x'>>, 'm': {'sub': 1}}",
    )
    .await;
    let keys = |stmt: String| {
        let c = c.clone();
        async move { exec(&c, &stmt).await.items().len() }
    };
    let found = |condition: &str| keys(format!("SELECT pk FROM pql_fn WHERE pk = 'a' AND {condition}"));
    for (condition, rows) in [
        ("flag IS BOOL", 1),
        ("s IS STRING", 1),
        ("s IS BOOL", 0),
        ("ss IS BAG", 1),
        ("m IS STRUCT", 1),
        ("s IS NOT DOUBLE PRECISION", 1),
        ("s IS TIMESTAMP", 0),
        ("attribute_exists(ss) = true", 1),
        ("attribute_exists(ss) = false", 0),
        ("false = attribute_exists(nope)", 1),
        ("attribute_exists(m.sub)", 1),
    ] {
        assert_eq!(found(condition).await, rows, "{condition}");
    }
    let operands = |n: usize| {
        validation(&format!(
            "Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: {n}"
        ))
    };
    for (condition, expected) in [
        (
            "attribute_exists('ss')",
            validation("Operator or function requires a document path; operator or function: attribute_exists"),
        ),
        ("attribute_exists()", operands(0)),
        ("attribute_exists(ss, s)", operands(2)),
    ] {
        let stmt = format!("SELECT * FROM pql_fn WHERE pk = 'a' AND {condition}");
        assert_eq!(refusal(&c, &stmt, false).await, expected, "{stmt}");
    }

    let filtered = "SELECT * FROM pql_fn WHERE pk = 'a' AND attribute_exists(ss)";
    let batch = c
        .batch_execute_statement()
        .statements(BatchStatementRequest::builder().statement(filtered).build().unwrap())
        .send()
        .await
        .unwrap();
    let message = batch.responses()[0].error().and_then(|e| e.message());
    assert_eq!(
        message,
        Some("Select statements within BatchExecuteStatement must specify the primary key in the where clause.")
    );
    let e = c
        .execute_transaction()
        .transact_statements(ParameterizedStatement::builder().statement(filtered).build().unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("Validation failed in TransactStatements[0]: Select statements within ExecuteTransaction must specify the primary key in the where clause.")
    );
}

/// Messages that point at a token end ` at <line>:<column>:<length>`, counted in characters from 1
/// (the conformance suite's partiqlFunctions tests, AWS, October 2026): a SELECT list's item that
/// is not a path, a function a WHERE clause does not know, a call in an INSERT's value, and
/// set_add or set_delete misused, the second argument's refusal pointing at the first. Where no
/// capture reaches, our reading: a character is a Unicode scalar value (`é𝄞` counts 2) and a line
/// ends at `\n`.
#[tokio::test]
async fn messages_point_at_the_token_they_refuse() {
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_at", None).await;
    exec(
        &c,
        "INSERT INTO pql_at VALUE {'pk': 'a', 's': 'str', 'ss': <<'a', 'b'>>}",
    )
    .await;
    for (stmt, message) in [
        (
            "SELECT attribute_exists(ss) FROM pql_at WHERE pk = 'a'",
            "Unexpected path component at 1:8:16",
        ),
        (
            "SELECT pk, 'x' FROM pql_at WHERE pk = 'a'",
            "Unexpected path component at 1:12:3",
        ),
        (
            "SELECT * FROM pql_at WHERE pk = 'a' AND EXISTS(ss)",
            "Unrecognized function: exists at 1:41:6",
        ),
        (
            "SELECT * FROM pql_at WHERE pk = 'a' AND set_add(ss, <<'x'>>) = ss",
            "Unrecognized function: set_add at 1:41:7",
        ),
        (
            "SELECT *\nFROM pql_at\nWHERE pk = 'é𝄞' AND Upper(s) = 'STR'",
            "Unrecognized function: upper at 3:21:5",
        ),
        (
            "INSERT INTO pql_at VALUE {'pk': 'b', 'ss': set_add(<<'a'>>, <<'b'>>)}",
            "Unsupported data type: set_add under key root at 1:44:7",
        ),
        (
            "INSERT INTO pql_at VALUE {'pk': 'b', 'm': {'x': Set_Delete(<<'a'>>, <<'b'>>)}}",
            "Unsupported data type: set_delete under key root.x at 1:49:10",
        ),
        (
            "UPDATE pql_at SET t = set_add(ss, <<'x'>>) WHERE pk = 'a'",
            "The first argument to SET_ADD must equal the assignment value at 1:23:7",
        ),
        (
            "UPDATE pql_at SET ss = SET_ADD(<<'a'>>, <<'b'>>) WHERE pk = 'a'",
            "The first argument to SET_ADD must equal the assignment value at 1:24:7",
        ),
        (
            "UPDATE pql_at SET ss = set_add(ss) WHERE pk = 'a'",
            "SET_ADD must have exactly two arguments at 1:24:7",
        ),
        (
            "UPDATE pql_at SET ss = set_delete(ss, <<'x'>>, <<'y'>>) WHERE pk = 'a'",
            "SET_DELETE must have exactly two arguments at 1:24:10",
        ),
        (
            "UPDATE pql_at SET ss = set_add(ss, 'x') WHERE pk = 'a'",
            "The second argument to SET_ADD must be a value with type SET at 1:32:2",
        ),
        (
            "UPDATE pql_at SET ss = set_delete(ss, ['x']) WHERE pk = 'a'",
            "The second argument to SET_DELETE must be a value with type SET at 1:35:2",
        ),
        (
            "UPDATE pql_at SET \"ss\" = set_add(\"ss\", s) WHERE pk = 'a'",
            "The second argument to SET_ADD must be a value with type SET at 1:34:4",
        ),
    ] {
        assert_eq!(refusal(&c, stmt, false).await, validation(message), "{stmt}");
    }
    // A parameter is checked once bound.
    let e = c
        .execute_statement()
        .statement("UPDATE pql_at SET ss = set_add(ss, ?) WHERE pk = 'a'")
        .parameters(s("x"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("The second argument to SET_ADD must be a value with type SET at 1:32:2")
    );
    // Nothing was written.
    let item = get(&c, "pql_at", "a").await.unwrap();
    assert_eq!(item["ss"], V::Ss(vec!["a".into(), "b".into()]));
    assert!(get(&c, "pql_at", "b").await.is_none());
}

/// A set literal may be neither empty nor repeat a member, which the older validator words
/// (`Input collection [x, x] contains duplicates.`); a PartiQL reserved word cannot follow a
/// path's dot (`m.inner`), though its quoted form can (the conformance suite's partiqlFunctions
/// tests, AWS, October 2026).
#[tokio::test]
async fn set_literals_and_dot_components_are_refused_as_dynamodb_refuses_them() {
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_bag", None).await;
    exec(
        &c,
        "INSERT INTO pql_bag VALUE {'pk': 'a', 'ss': <<'a'>>, 'm': {'inner': <<'x'>>}}",
    )
    .await;
    let dot = "Statement wasn't well formed, can't be processed: Invalid path dot component";
    for (stmt, message) in [
        (
            "UPDATE pql_bag SET ss = set_add(ss, <<>>) WHERE pk = 'a'",
            "Empty bags are not supported",
        ),
        (
            "INSERT INTO pql_bag VALUE {'pk': 'b', 'ss': <<>>}",
            "Empty bags are not supported",
        ),
        (
            "UPDATE pql_bag SET ss = set_add(ss, <<'x', 'x'>>) WHERE pk = 'a'",
            "One or more parameter values were invalid: Input collection [x, x] contains duplicates.",
        ),
        (
            "INSERT INTO pql_bag VALUE {'pk': 'b', 'ss': <<'y', 'x', 'y'>>}",
            "One or more parameter values were invalid: Input collection [y, x, y] contains duplicates.",
        ),
        (
            "INSERT INTO pql_bag VALUE {'pk': 'b', 'ns': <<1, 2, 1.0>>}",
            "Input collection contains duplicates",
        ),
        (
            "SELECT * FROM pql_bag WHERE pk = 'a' AND attribute_exists(m.inner)",
            dot,
        ),
        (
            "UPDATE pql_bag SET m.inner = set_add(m.inner, <<'y'>>) WHERE pk = 'a'",
            dot,
        ),
        ("SELECT m.Value FROM pql_bag WHERE pk = 'a'", dot),
        ("SELECT m.'inner' FROM pql_bag WHERE pk = 'a'", dot),
    ] {
        assert_eq!(refusal(&c, stmt, false).await, validation(message), "{stmt}");
    }
    assert!(get(&c, "pql_bag", "b").await.is_none());
    let out = exec(&c, "SELECT m.\"inner\" FROM pql_bag WHERE pk = 'a'").await;
    assert_eq!(
        out.items(),
        [HashMap::from([("inner".to_string(), V::Ss(vec!["x".into()]))])]
    );
}

/// A number parameter is read as Java's BigDecimal reads it: an exponent or scale past 32 bits is
/// no number, named as sent, and a magnitude wrapping past 32 bits underflows; ExecuteTransaction
/// words a parameter's refusal as ExecuteStatement does, without naming the statement
/// (the conformance suite's October 2026 captures).
#[tokio::test]
async fn number_parameters_are_read_as_big_decimals() {
    const CNV: &str = "The parameter cannot be converted to a numeric value";
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_pn", Some(T::S)).await;
    let update = "UPDATE \"pql_pn\" SET n = ? WHERE pk = 'p' AND sk = 's'";
    for (param, message) in [
        (n("1e99999999999"), format!("{CNV}: 1e99999999999")),
        (n("-1e99999999999"), format!("{CNV}: -1e99999999999")),
        (n("1e2147483648"), format!("{CNV}: 1e2147483648")),
        (n("1e-2147483648"), format!("{CNV}: 1e-2147483648")),
        (
            n("1e2147483647"),
            "Number underflow. Attempting to store a number with magnitude smaller than supported range".into(),
        ),
        (n(""), CNV.into()),
        (V::L(vec![n("1"), n("1e99999999999")]), format!("{CNV}: 1e99999999999")),
        (
            V::M(HashMap::from([("x".into(), n("1e99999999999"))])),
            format!("{CNV}: 1e99999999999"),
        ),
        (
            V::Ns(vec!["1".into(), "1e99999999999".into()]),
            format!("{CNV}: 1e99999999999"),
        ),
    ] {
        let e = c
            .execute_statement()
            .statement(update)
            .parameters(param.clone())
            .send()
            .await
            .unwrap_err();
        assert_eq!(error(e), validation(&message), "{param:?}");
        let statement = ParameterizedStatement::builder()
            .statement(update)
            .parameters(param.clone())
            .build()
            .unwrap();
        let e = c
            .execute_transaction()
            .transact_statements(statement)
            .send()
            .await
            .unwrap_err();
        assert_eq!(error(e), validation(&message), "{param:?}");
        let member = BatchStatementRequest::builder()
            .statement(update)
            .parameters(param.clone())
            .build()
            .unwrap();
        let out = c.batch_execute_statement().statements(member).send().await.unwrap();
        let refused = out.responses()[0].error().unwrap();
        assert_eq!(refused.code(), Some(&BatchStatementErrorCodeEnum::ValidationError));
        assert_eq!(refused.message(), Some(message.as_str()), "{param:?}");
    }
}

/// Parameters nested 100 levels are read like any others, the first problem in the order sent
/// winning, and in a batch each statement is answered alone (partiqlParameterNumbers.test.ts,
/// AWS, October 2026): the body's depth refuses nothing of itself.
#[tokio::test]
async fn parameters_nested_100_levels_are_refused_in_their_place() {
    const NESTING: &str =
        "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit";
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_deep", Some(T::S)).await;
    let deep = (0..100).fold(s("leaf"), |v, _| V::M(HashMap::from([("n".into(), v)])));
    let pair = "SELECT * FROM \"pql_deep\" WHERE pk = 'p' AND x = ? AND y = ?";
    let e = c
        .execute_statement()
        .statement(pair)
        .parameters(n("abc"))
        .parameters(deep.clone())
        .send()
        .await
        .unwrap_err();
    let unreadable = "The parameter cannot be converted to a numeric value: abc";
    assert_eq!(error(e), validation(unreadable));
    let member = BatchStatementRequest::builder()
        .statement(pair)
        .parameters(deep)
        .parameters(n("abc"))
        .build()
        .unwrap();
    let out = c.batch_execute_statement().statements(member).send().await.unwrap();
    let refused = out.responses()[0].error().unwrap();
    assert_eq!(refused.code(), Some(&BatchStatementErrorCodeEnum::ValidationError));
    assert_eq!(refused.message(), Some(NESTING));
}

/// BatchExecuteStatement's capacity, as Dynoxide captured AWS's (eu-west-2, 13 and 15 August
/// 2026; FIDELITY.md): a statement refused at its item (a failed condition, a duplicate INSERT)
/// is charged the write it attempted, by the larger of the stored item and an INSERT's own, in
/// the table's total and no arm; a table none of whose statements succeeded is left out, and so
/// is the whole ConsumedCapacity when none did. Two statements naming one item are refused
/// before any runs.
#[tokio::test]
async fn a_batch_charges_refused_writes_to_the_total_alone() {
    let (_emu, c) = emulator().await;
    crate::support::create_capacity_table(&c, "pql_units", ProjectionType::All).await;
    crate::support::create_capacity_table(&c, "pql_other", ProjectionType::All).await;
    let big = "x".repeat(3000);
    for (pk, v) in [("taken", "a"), ("taken2", "a"), ("large", &*big), ("large2", &*big)] {
        exec(
            &c,
            &format!("INSERT INTO \"pql_units\" VALUE {{'pk': '{pk}', 'sk': '1', 'v': '{v}'}}"),
        )
        .await;
    }
    let batch = |statements: &[String]| {
        let mut req = c
            .batch_execute_statement()
            .return_consumed_capacity(ReturnConsumedCapacity::Indexes);
        for st in statements {
            req = req.statements(BatchStatementRequest::builder().statement(st).build().unwrap());
        }
        req.send()
    };
    let insert =
        |table: &str, pk: &str, rest: &str| format!("INSERT INTO \"{table}\" VALUE {{'pk': '{pk}', 'sk': '1'{rest}}}");
    let table_arm = |cc: &aws_sdk_dynamodb::types::ConsumedCapacity| cc.table().unwrap().capacity_units().unwrap();

    // Refused: a small item over a small one (1), a small one over 3 KB (3), 3 KB over a small
    // one (3); the success writes the table and the index once each.
    let out = batch(&[
        insert("pql_units", "taken", ""),
        insert("pql_units", "large", ""),
        insert("pql_units", "taken2", &format!(", 'v': '{big}'")),
        insert("pql_units", "fresh", ", 'gsiPk': 'g'"),
        "UPDATE \"pql_units\" SET v = 'w' WHERE pk = 'large2' AND sk = '1' AND v = 'other'".to_string(),
    ])
    .await
    .unwrap();
    let codes: Vec<_> = out
        .responses()
        .iter()
        .map(|r| r.error().and_then(|e| e.code()).cloned())
        .collect();
    use BatchStatementErrorCodeEnum::{ConditionalCheckFailed, DuplicateItem};
    assert_eq!(
        codes,
        [
            Some(DuplicateItem),
            Some(DuplicateItem),
            Some(DuplicateItem),
            None,
            Some(ConditionalCheckFailed)
        ]
    );
    let cc = &out.consumed_capacity()[0];
    assert_eq!(
        crate::support::arms(Some(cc)),
        (12.0, Some(1.0), None),
        "1 + 3 + 3 + 3 refused, 2 written"
    );
    assert_eq!(table_arm(cc), 1.0);

    // Nothing succeeded: no capacity at all; a table whose statements all failed: not listed.
    let out = batch(&[insert("pql_units", "taken", "")]).await.unwrap();
    assert_eq!(out.consumed_capacity, None);
    let out = batch(&[insert("pql_units", "taken", ""), insert("pql_other", "new", "")])
        .await
        .unwrap();
    let tables: Vec<_> = out
        .consumed_capacity()
        .iter()
        .map(|c| (c.table_name(), c.capacity_units()))
        .collect();
    assert_eq!(tables, [(Some("pql_other"), Some(1.0))]);

    // One item twice, reads or writes, however the key is spelled.
    let duplicates = validation("Provided list of item keys contains duplicates");
    for pair in [
        [
            "SELECT * FROM \"pql_units\" WHERE pk = 'taken' AND sk = '1'",
            "SELECT * FROM \"pql_units\" WHERE sk = '1' AND pk = 'taken'",
        ],
        [
            "UPDATE \"pql_units\" SET a = 1 WHERE pk = 'taken' AND sk = '1'",
            "DELETE FROM \"pql_units\" WHERE pk = 'taken' AND sk = '1'",
        ],
    ] {
        let e = batch(&pair.map(String::from)).await.unwrap_err();
        assert_eq!(error(e), duplicates, "{pair:?}");
    }
    // Neither ran.
    let left = exec(&c, "SELECT * FROM \"pql_units\" WHERE pk = 'taken' AND sk = '1'").await;
    assert_eq!(
        left.items(),
        [HashMap::from([
            ("pk".to_string(), s("taken")),
            ("sk".to_string(), s("1")),
            ("v".to_string(), s("a"))
        ])]
    );
}

/// `COUNT(*)` is refused at its name like any call in a SELECT list, before the table is looked
/// up and inside a batch too; a batch or transaction mixing reads and writes is refused whole in
/// the words DynamoDB answers (Dynoxide's captures against AWS, eu-west-2, 2026; DynamoDB Local
/// words them the same), not in the API reference's.
#[tokio::test]
async fn a_count_and_a_mix_of_reads_and_writes_are_refused_in_aws_words() {
    let (_emu, c) = emulator().await;
    create_table(&c, "pql_count", None).await;
    exec(&c, "INSERT INTO pql_count VALUE {'pk': 'a'}").await;
    for (stmt, message) in [
        ("SELECT COUNT(*) FROM pql_count", "Unexpected path component at 1:8:5"),
        (
            "SELECT pk, count(*) FROM pql_count",
            "Unexpected path component at 1:12:5",
        ),
        (
            "SELECT COUNT(*) FROM no_such_table",
            "Unexpected path component at 1:8:5",
        ),
    ] {
        assert_eq!(refusal(&c, stmt, false).await, validation(message), "{stmt}");
    }
    let stmt = |s: &str| BatchStatementRequest::builder().statement(s).build().unwrap();
    let out = c
        .batch_execute_statement()
        .statements(stmt("SELECT COUNT(*) FROM pql_count"))
        .statements(stmt("SELECT * FROM pql_count WHERE pk = 'a'"))
        .send()
        .await
        .unwrap();
    let refused = out.responses()[0].error().unwrap();
    assert_eq!(refused.code(), Some(&BatchStatementErrorCodeEnum::ValidationError));
    assert_eq!(refused.message(), Some("Unexpected path component at 1:8:5"));
    assert_eq!(out.responses()[1].item().unwrap()["pk"], s("a"));

    let e = c
        .batch_execute_statement()
        .statements(stmt("SELECT * FROM pql_count WHERE pk = 'a'"))
        .statements(stmt("INSERT INTO pql_count VALUE {'pk': 'b'}"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("Read and write requests together in the same batch is not supported.")
    );
    let member = |s: &str| ParameterizedStatement::builder().statement(s).build().unwrap();
    let e = c
        .execute_transaction()
        .transact_statements(member("SELECT * FROM pql_count WHERE pk = 'a'"))
        .transact_statements(member("INSERT INTO pql_count VALUE {'pk': 'b'}"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("ExecuteTransaction API does not support both read and write operations in the same request.")
    );
    assert!(get(&c, "pql_count", "b").await.is_none());
}
