//! Hostile requests: input nested past DynamoDB's limits gets DynamoDB's 400 (never a crash),
//! concurrent table lifecycles are linearizable, and a CPU-heavy request does not stall others.
//! These go over the socket, through the server's own path.

use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::{AttributeValue as V, ConditionCheck, ScalarAttributeType as T, TransactWriteItem};
use aws_sdk_dynamodb::Client;
use dynamodb_emulator::Emulator;

use crate::support::{create_table, error, item, s, validation};

/// 4,096 bytes of `(`: the request that used to overflow the stack.
fn parens() -> String {
    "(".repeat(4096)
}

/// `a <> :v` inside `levels` pairs of parentheses, with AND on each level so none is redundant.
fn nested_ands(levels: usize) -> String {
    let mut expr = "a <> :v".to_string();
    for _ in 0..levels {
        expr = format!("(a <> :v AND {expr})");
    }
    expr
}

async fn socket_table(sort: Option<T>) -> (Emulator, Client) {
    let emu = Emulator::start().await.expect("emulator starts");
    let client = emu.http_client();
    create_table(&client, "tbl", sort).await;
    (emu, client)
}

/// DynamoDB's answer to a bad expression parameter.
fn invalid(parameter: &str, why: &str) -> (String, String) {
    validation(&format!("Invalid {parameter}: {why}"))
}

/// The same, worded as PutItem, UpdateItem and DeleteItem word request checks today.
fn counted((kind, message): (String, String)) -> (String, String) {
    (kind, format!("1 validation error detected: {message}"))
}

const REDUNDANT: &str = "The expression has redundant parentheses;";
const TOO_MANY: &str = "The expression contains too many operators; operator count: 301";

#[tokio::test]
async fn deep_condition_and_update_expressions_are_refused() {
    let (_emu, client) = socket_table(None).await;
    let update = |cond: String| {
        client
            .update_item()
            .table_name("tbl")
            .key("pk", s("k"))
            .update_expression("SET b = :v")
            .condition_expression(cond)
            .expression_attribute_values(":v", s("x"))
    };
    let e = update(parens()).send().await.unwrap_err();
    assert_eq!(error(e), counted(invalid("ConditionExpression", REDUNDANT)));
    // 149 levels of AND and <>, and the innermost <>, are 299 operators: accepted; one more level is over the limit.
    update(nested_ands(149)).send().await.unwrap();
    let e = update(nested_ands(150)).send().await.unwrap_err();
    assert_eq!(error(e), counted(invalid("ConditionExpression", TOO_MANY)));
    let not_chain = format!("{}a <> :v{}", "NOT (".repeat(400), ")".repeat(400));
    let e = update(not_chain).send().await.unwrap_err();
    assert_eq!(error(e), counted(invalid("ConditionExpression", TOO_MANY)));

    // Function calls nest as deep as 4 KB allows (250 here), within the operator limit.
    let update = |expr: String| {
        client
            .update_item()
            .table_name("tbl")
            .key("pk", s("k"))
            .update_expression(expr)
            .expression_attribute_values(":v", V::L(vec![s("x")]))
    };
    let nested_appends = format!("SET l = {}:v{}", "list_append(:v,".repeat(250), ")".repeat(250));
    update(nested_appends).send().await.unwrap();
    let sums: Vec<String> = (0..301).map(|i| format!("a{i}=:v+:v")).collect();
    let e = update(format!("SET {}", sums.join(","))).send().await.unwrap_err();
    assert_eq!(error(e), counted(invalid("UpdateExpression", TOO_MANY)));
}

#[tokio::test]
async fn deep_filter_key_and_projection_expressions_are_refused() {
    let (_emu, client) = socket_table(Some(T::S)).await;
    let e = client
        .scan()
        .table_name("tbl")
        .filter_expression(parens())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), invalid("FilterExpression", REDUNDANT));
    let e = client
        .query()
        .table_name("tbl")
        .key_condition_expression(format!("{}pk = :v", "(".repeat(4000)))
        .expression_attribute_values(":v", s("k"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), invalid("KeyConditionExpression", REDUNDANT));
    let deep_path = vec!["a"; 2000].join(".");
    let e = client
        .get_item()
        .table_name("tbl")
        .key("pk", s("k"))
        .key("sk", s("s"))
        .projection_expression(deep_path)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("Invalid ProjectionExpression: The document path has too many nesting levels; nesting levels: 2000")
    );
}

#[tokio::test]
async fn deep_condition_check_and_partiql_are_refused() {
    let (_emu, client) = socket_table(None).await;
    let check = ConditionCheck::builder()
        .table_name("tbl")
        .key("pk", s("k"))
        .condition_expression(parens())
        .build()
        .unwrap();
    let e = client
        .transact_write_items()
        .transact_items(TransactWriteItem::builder().condition_check(check).build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), invalid("ConditionExpression", REDUNDANT));

    let e = client
        .execute_statement()
        .statement(format!("SELECT * FROM tbl WHERE {}pk = 'k'", "(".repeat(4000)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("Statement wasn't well formed, can't be processed: Expression nesting too deep")
    );
    let e = client
        .execute_statement()
        .statement(format!(
            "INSERT INTO tbl VALUE {{'pk': 'k', 'a': {}1{}}}",
            "[".repeat(3000),
            "]".repeat(3000)
        ))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error(e),
        validation("Statement wasn't well formed, can't be processed: Expression nesting too deep")
    );
}

/// A value inside `wraps` maps.
fn wrapped(wraps: usize) -> V {
    (0..wraps).fold(s("x"), |v, _| V::M([("m".to_string(), v)].into()))
}

#[tokio::test]
async fn attribute_values_nest_at_most_32_levels() {
    let (_emu, client) = socket_table(None).await;
    let nesting = validation(
        "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit",
    );
    let put = |v: V| {
        client
            .put_item()
            .table_name("tbl")
            .set_item(Some(item(&[("pk", s("k")), ("a", v)])))
    };
    put(wrapped(31)).send().await.unwrap();
    // Deeper than DynamoDB allows. From 63 wraps the body nests 128 levels or more, which the
    // newer validator does not read: the older one refuses the value without its count.
    for (wraps, refusal) in [
        (32, counted(nesting.clone())),
        (61, counted(nesting.clone())),
        (63, nesting.clone()),
        (100, nesting.clone()),
    ] {
        assert_eq!(error(put(wrapped(wraps)).send().await.unwrap_err()), refusal, "{wraps}");
    }
    // So does an UpdateItem's value, named by its key then.
    let updated = |wraps| {
        client
            .update_item()
            .table_name("tbl")
            .key("pk", s("k"))
            .update_expression("SET b = :v")
            .expression_attribute_values(":v", wrapped(wraps))
            .send()
    };
    assert_eq!(error(updated(32).await.unwrap_err()), counted(nesting.clone()));
    let named = format!(
        "ExpressionAttributeValues contains invalid value: {} for key :v",
        nesting.1
    );
    assert_eq!(error(updated(63).await.unwrap_err()), validation(&named));
    let e = client
        .scan()
        .table_name("tbl")
        .filter_expression("a = :v")
        .expression_attribute_values(":v", wrapped(40))
        .send()
        .await
        .unwrap_err();
    let in_value = format!(
        "ExpressionAttributeValues contains invalid value: {} for key :v",
        nesting.1
    );
    assert_eq!(error(e), validation(&in_value));
    // A path into the stored 32 levels plus a value of its own: the result is too deep.
    let path = format!("a{}", ".m".repeat(30));
    let e = client
        .update_item()
        .table_name("tbl")
        .key("pk", s("k"))
        .update_expression(format!("SET {path} = :v"))
        .expression_attribute_values(":v", wrapped(3))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), nesting);
}

/// A single-item write whose body nests 128 levels or more is read by DynamoDB's older validator:
/// the request's enum checks still come first, then its refusals in the older words, without the
/// count (deepRequests.test.ts, AWS, October 2026); a legacy value at the body's 128th level is
/// read, not refused as unreadable JSON. No table is looked up: "absent" is none.
#[tokio::test]
async fn deep_single_item_writes_are_refused_in_the_older_words() {
    use aws_sdk_dynamodb::types::{ConditionalOperator, ExpectedAttributeValue, ReturnValue};
    let (_emu, client) = socket_table(None).await;
    let expected = |v: V| ExpectedAttributeValue::builder().value(v).build();
    let absent = || ExpectedAttributeValue::builder().exists(false).build();
    let e = client
        .put_item()
        .table_name("absent")
        .item("pk", s("a"))
        .expected("a", expected(wrapped(100)))
        .expected("b", absent())
        .conditional_operator(ConditionalOperator::from("XOR"))
        .send()
        .await
        .unwrap_err();
    let xor = "1 validation error detected: Value 'XOR' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [OR, AND]";
    assert_eq!(error(e), validation(xor));
    let e = client
        .delete_item()
        .table_name("absent")
        .key("pk", wrapped(100))
        .return_values(ReturnValue::from("BOGUS"))
        .send()
        .await
        .unwrap_err();
    let bogus = "1 validation error detected: Value 'BOGUS' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]";
    assert_eq!(error(e), validation(bogus));
    let e = client
        .delete_item()
        .table_name("absent")
        .key("pk", s("a"))
        .condition_expression("d = :deep")
        .expression_attribute_values(":deep", wrapped(100))
        .return_values(ReturnValue::UpdatedNew)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error(e), validation("ReturnValues can only be ALL_OLD or NONE"));
    let e = client
        .put_item()
        .table_name("absent")
        .item("pk", s("a"))
        .expected("a", expected(wrapped(62)))
        .send()
        .await
        .unwrap_err();
    let nesting = "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit";
    assert_eq!(error(e), validation(nesting));
}

/// 1,000 rounds of 16 concurrent DeleteTable of one table: exactly one succeeds each time, the
/// others find no table.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_delete_table_has_exactly_one_winner() {
    let emu = Emulator::start().await.unwrap();
    let client = emu.client();
    for round in 0..1000 {
        create_table(&client, "race", None).await;
        let deletes: Vec<_> = (0..16)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.delete_table().table_name("race").send().await })
            })
            .collect();
        let mut winners = 0;
        for d in deletes {
            match d.await.unwrap() {
                Ok(_) => winners += 1,
                Err(e) => assert_eq!(error(e).0, "ResourceNotFoundException", "round {round}"),
            }
        }
        assert_eq!(winners, 1, "round {round}");
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Create,
    Delete,
}

/// Whether `ops` with their outcomes (`true` = 200) could have happened one at a time in this order,
/// starting with the table existing or not, and ending as observed.
fn sequential(order: &[(Op, bool)], mut exists: bool, exists_after: bool) -> bool {
    for &(op, ok) in order {
        match (op, ok) {
            (Op::Create, true) if !exists => exists = true,
            (Op::Delete, true) if exists => exists = false,
            (Op::Create, false) | (Op::Delete, false) if (op == Op::Create) == exists => {}
            _ => return false,
        }
    }
    exists == exists_after
}

/// Two clients creating and deleting one table name at once: every round's answers and the
/// state after it fit some one-at-a-time order (a linearizability check of each round).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_create_and_delete_are_linearizable() {
    let emu = Emulator::start().await.unwrap();
    let client = emu.client();
    let mut exists = false;
    for round in 0..500u32 {
        let ops = [round % 2, (round / 2) % 2, (round / 4) % 2].map(|b| if b == 0 { Op::Create } else { Op::Delete });
        let tasks: Vec<_> = ops
            .iter()
            .map(|&op| {
                let client = client.clone();
                tokio::spawn(async move {
                    let ok = match op {
                        Op::Create => {
                            let r = client
                                .create_table()
                                .table_name("lin")
                                .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
                                .attribute_definitions(crate::support::attr_def("pk", T::S))
                                .key_schema(crate::support::key("pk", aws_sdk_dynamodb::types::KeyType::Hash))
                                .send()
                                .await;
                            r.map_err(|e| assert_eq!(error(e).0, "ResourceInUseException")).is_ok()
                        }
                        Op::Delete => {
                            let r = client.delete_table().table_name("lin").send().await;
                            r.map_err(|e| assert_eq!(error(e).0, "ResourceNotFoundException"))
                                .is_ok()
                        }
                    };
                    (op, ok)
                })
            })
            .collect();
        let mut history = Vec::new();
        for t in tasks {
            history.push(t.await.unwrap());
        }
        let after = client.describe_table().table_name("lin").send().await.is_ok();
        let [a, b, c] = [history[0], history[1], history[2]];
        let orders = [[a, b, c], [a, c, b], [b, a, c], [b, c, a], [c, a, b], [c, b, a]];
        assert!(
            orders.iter().any(|o| sequential(o, exists, after)),
            "round {round}: {history:?} from exists={exists} to exists={after}"
        );
        exists = after;
    }
}

/// A PutItem of about 14 MB: a list of 1,000,000 NULLs (refused for its size, after decoding).
async fn heavy_put(client: &Client) {
    let nulls = V::L(vec![V::Null(true); 1_000_000]);
    let req = client
        .put_item()
        .table_name("tbl")
        .item("pk", s("heavy"))
        .item("l", nulls);
    let e = req.send().await.unwrap_err();
    assert_eq!(error(e), validation("Item size has exceeded the maximum allowed size"));
}

/// While two CPU-heavy requests run, another client's ListTables still answers: the engine works
/// on the blocking pool, not on the two async workers that serve connections (were it on them,
/// two heavy requests would hold both, and nothing else could answer until one finished). The
/// heavy clients run on threads of their own and note when each request was in flight; the test
/// asserts that ListTables calls started and answered while both heavy requests were, which
/// holds however slow the machine is. BENCHMARKS.md has the measured latencies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_tables_answers_while_heavy_requests_run() {
    let (emu, client) = socket_table(None).await;
    let heavy: Vec<_> = (0..2)
        .map(|_| {
            let emu = emu.clone();
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    let client = emu.http_client();
                    let mut in_flight = Vec::new();
                    for _ in 0..3 {
                        let start = Instant::now();
                        heavy_put(&client).await;
                        in_flight.push((start, Instant::now()));
                    }
                    in_flight
                })
            })
        })
        .collect();
    let mut answered = Vec::new();
    while heavy.iter().any(|h| !h.is_finished()) {
        let start = Instant::now();
        let tables = client.list_tables().send().await.unwrap();
        assert_eq!(tables.table_names(), ["tbl"]);
        answered.push((start, Instant::now()));
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let [a, b]: [Vec<(Instant, Instant)>; 2] = heavy
        .into_iter()
        .map(|h| h.join().unwrap())
        .collect::<Vec<_>>()
        .try_into()
        .unwrap();
    let within = |(start, end): &(Instant, Instant), (from, to): &(Instant, Instant)| from <= start && end <= to;
    let during_both = answered
        .iter()
        .filter(|call| a.iter().any(|x| within(call, x)) && b.iter().any(|y| within(call, y)))
        .count();
    assert!(
        during_both > 0,
        "no ListTables answered while both heavy requests ran ({} calls)",
        answered.len()
    );
}

/// However many Scans run at once, the server's runtime keeps exactly its two async workers:
/// requests that are not run inline go to the emulator's own fixed pool of engine threads, never to
/// tokio's blocking pool, which started a thread per concurrent request (up to 512), each keeping
/// its own allocator pages for good. The runtime's threads are counted by name in /proc.
#[test]
#[cfg(target_os = "linux")]
fn concurrent_scans_start_no_thread_in_the_servers_runtime() {
    const NAME: &str = "scan-bound";
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(NAME)
        .enable_all()
        .build()
        .unwrap();
    let emu = server.block_on(Emulator::start()).expect("emulator starts");
    let client_side = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    client_side.block_on(async {
        let client = emu.http_client();
        create_table(&client, "tbl", None).await;
        for i in 0..150 {
            let pk = format!("{i:03}");
            let put = client
                .put_item()
                .table_name("tbl")
                .item("pk", s(&pk))
                .item("pad", s(&"x".repeat(1000)));
            put.send().await.unwrap();
        }
        let scans: Vec<_> = (0..64)
            .map(|_| tokio::spawn(client.scan().table_name("tbl").send()))
            .collect();
        for scan in scans {
            assert_eq!(scan.await.unwrap().unwrap().count(), 150);
        }
    });
    let named = std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter(|task| {
            let comm = std::fs::read_to_string(task.as_ref().unwrap().path().join("comm")).unwrap_or_default();
            comm.trim_end() == NAME
        })
        .count();
    assert_eq!(named, 2);
}
