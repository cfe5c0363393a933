//! IAM conditions beyond strings, evaluated as AWS does: Date and Numeric operators against the
//! emulator's clock (`aws:CurrentTime`, `aws:EpochTime`), IP operators against the connection's
//! peer (`aws:SourceIp`); ARN operators part by part; the condition keys PartiQL statements
//! carry; and a resource policy's `NotPrincipal`, which leaves a user out only when it names the
//! user and the account.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::config::Credentials;
use aws_sdk_dynamodb::types::{AttributeValue, ParameterizedStatement, ScalarAttributeType};
use aws_sdk_dynamodb::Client;
use dynamodb_emulator::Emulator;

use crate::support::{create_table, error, s};

/// `client` signing as `key` with `secret`.
fn signed(client: &Client, key: &str, secret: &str) -> Client {
    let conf = client
        .config()
        .to_builder()
        .credentials_provider(Credentials::new(key, secret, None, None, "test"))
        .build();
    Client::from_conf(conf)
}

/// An emulator on a manual clock at `now`, where `admin` may do anything and each other key acts
/// under its policy (secret `s`).
async fn emulator(now: SystemTime, policies: &[(&str, &str)]) -> Emulator {
    let keys: Vec<String> = policies.iter().map(|(key, _)| format!("{key}:s")).collect();
    let mut creds: dynamodb_emulator::Credentials = format!("admin:a,{}", keys.join(",")).parse().unwrap();
    for (key, policy) in policies {
        creds = creds.with_policy(key, policy).unwrap();
    }
    Emulator::builder()
        .manual_clock(now)
        .credentials(creds)
        .start()
        .await
        .unwrap()
}

fn denied(key: &str, action: &str, resource: &str, why: &str) -> Result<(), (String, String)> {
    let why = match why {
        "allow" => format!("because no identity-based policy allows the dynamodb:{action} action"),
        "identity" => "with an explicit deny in an identity-based policy".to_string(),
        _ => "with an explicit deny in a resource-based policy".to_string(),
    };
    Err((
        "AccessDeniedException".into(),
        format!("User: arn:aws:iam::000000000000:user/{key} is not authorized to perform: dynamodb:{action} on resource: arn:aws:dynamodb:us-east-1:000000000000:{resource} {why}"),
    ))
}

async fn list(client: &Client) -> Result<(), (String, String)> {
    client.list_tables().send().await.map(|_| ()).map_err(error)
}

#[tokio::test]
async fn time_and_address_conditions_read_the_clock_and_the_peer() {
    let now = SystemTime::now();
    let deadline = (now + Duration::from_secs(600))
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    // Allowed until the deadline, and from loopback addresses only.
    let app = format!(
        r#"{{"Statement":[
        {{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{{
            "DateGreaterThan":{{"aws:CurrentTime":"2020-01-01T00:00:00Z"}},
            "NumericLessThan":{{"aws:EpochTime":"{deadline}"}}}}}},
        {{"Effect":"Deny","Action":"dynamodb:*","Resource":"*","Condition":{{
            "NotIpAddress":{{"aws:SourceIp":["127.0.0.0/8","::1"]}}}}}}]}}"#
    );
    let lan = r#"{"Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*",
        "Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}}"#;
    let emu = emulator(now, &[("app", &app), ("lan", lan)]).await;
    let http = emu.http_client();
    assert_eq!(list(&signed(&http, "app", "s")).await, Ok(()));
    assert_eq!(
        list(&signed(&http, "lan", "s")).await,
        denied("lan", "ListTables", "table/*", "allow")
    );
    // An in-process request comes from no address: `NotIpAddress` holds, `IpAddress` does not.
    assert_eq!(
        list(&signed(&emu.client(), "app", "s")).await,
        denied("app", "ListTables", "table/*", "identity")
    );
    assert!(emu.advance(Duration::from_secs(601)));
    assert_eq!(
        list(&signed(&http, "app", "s")).await,
        denied("app", "ListTables", "table/*", "allow")
    );
}

/// Each user's own items through PartiQL: no full scans, no RETURNING of old values, no deletes
/// inside transactions.
const OWN_ITEMS: &str = r#"{"Statement":[
    {"Effect":"Allow","Action":"dynamodb:PartiQL*","Resource":"arn:aws:dynamodb:*:*:table/Notes",
     "Condition":{"ForAllValues:StringEquals":{
        "dynamodb:LeadingKeys":["${aws:username}"],"dynamodb:Attributes":["pk","sk","title"]}}},
    {"Effect":"Deny","Action":"dynamodb:PartiQLSelect","Resource":"*",
     "Condition":{"Bool":{"dynamodb:FullTableScan":"true"}}},
    {"Effect":"Deny","Action":["dynamodb:PartiQLUpdate","dynamodb:PartiQLDelete"],"Resource":"*",
     "Condition":{"StringNotEquals":{"dynamodb:ReturnValues":"NONE"}}},
    {"Effect":"Deny","Action":"dynamodb:PartiQLDelete","Resource":"*",
     "Condition":{"StringEquals":{"dynamodb:EnclosingOperation":"ExecuteTransaction"}}}]}"#;

#[tokio::test]
async fn partiql_statements_carry_their_condition_keys() {
    let emu = emulator(SystemTime::now(), &[("app", OWN_ITEMS)]).await;
    create_table(
        &signed(&emu.client(), "admin", "a"),
        "Notes",
        Some(ScalarAttributeType::S),
    )
    .await;
    let app = signed(&emu.client(), "app", "s");
    let run = |statement: &str, parameters: Vec<AttributeValue>| {
        app.execute_statement()
            .statement(statement)
            .set_parameters((!parameters.is_empty()).then_some(parameters))
            .send()
    };
    let notes = "table/Notes";
    let no_allow = |action: &str| denied("app", action, notes, "allow");
    let deny = |action: &str| denied("app", action, notes, "identity");

    let insert = "INSERT INTO Notes VALUE {'pk': ?, 'sk': '1', 'title': 't'}";
    assert_eq!(run(insert, vec![s("app")]).await.map(|_| ()).map_err(error), Ok(()));
    assert_eq!(
        run(insert, vec![s("bob")]).await.map(|_| ()).map_err(error),
        no_allow("PartiQLInsert")
    );
    let secret = "INSERT INTO Notes VALUE {'pk': 'app', 'sk': '2', 'secret': 't'}";
    assert_eq!(
        run(secret, vec![]).await.map(|_| ()).map_err(error),
        no_allow("PartiQLInsert")
    );

    let select = |filter: &str| format!("SELECT title FROM Notes WHERE {filter}");
    let titles = run(&select("pk = 'app'"), vec![]).await.map(|o| o.items.unwrap().len());
    assert_eq!(titles.map_err(error), Ok(1));
    assert_eq!(
        run(&select("pk = 'bob'"), vec![]).await.map(|_| ()).map_err(error),
        no_allow("PartiQLSelect")
    );
    assert_eq!(
        run(&select("title = 't'"), vec![]).await.map(|_| ()).map_err(error),
        deny("PartiQLSelect")
    );
    // An `IN` list (or equalities joined by OR) on the partition key reads those partitions:
    // every listed value is a leading key, and the read is no full table scan.
    assert_eq!(
        run(&select("pk IN ['app'] AND title = 't'"), vec![])
            .await
            .map(|o| o.items.unwrap().len())
            .map_err(error),
        Ok(1)
    );
    for others in ["pk IN [?, 'bob']", "pk = ? OR pk = 'bob'"] {
        assert_eq!(
            run(&select(others), vec![s("app")]).await.map(|_| ()).map_err(error),
            no_allow("PartiQLSelect"),
            "{others}"
        );
    }
    assert_eq!(
        run("SELECT * FROM Notes WHERE pk = 'app'", vec![])
            .await
            .map(|_| ())
            .map_err(error),
        Ok(()),
        "a projection-less read of own items names no attributes"
    );

    let update =
        |set: &str, returning: &str| format!("UPDATE Notes SET {set} = 'u' WHERE pk = 'app' AND sk = '1' {returning}");
    assert_eq!(
        run(&update("title", ""), vec![]).await.map(|_| ()).map_err(error),
        Ok(())
    );
    assert_eq!(
        run(&update("secret", ""), vec![]).await.map(|_| ()).map_err(error),
        no_allow("PartiQLUpdate")
    );
    assert_eq!(
        run(&update("title", "RETURNING ALL OLD *"), vec![])
            .await
            .map(|_| ())
            .map_err(error),
        deny("PartiQLUpdate")
    );

    let delete = "DELETE FROM Notes WHERE pk = 'app' AND sk = '1'";
    let in_transaction = app
        .execute_transaction()
        .transact_statements(ParameterizedStatement::builder().statement(delete).build().unwrap())
        .send()
        .await;
    assert_eq!(in_transaction.map(|_| ()).map_err(error), deny("PartiQLDelete"));
    assert_eq!(run(delete, vec![]).await.map(|_| ()).map_err(error), Ok(()));
}

#[tokio::test]
async fn arn_conditions_compare_the_caller_arn_part_by_part() {
    let policy = |pattern: &str| {
        format!(
            r#"{{"Statement":{{"Effect":"Allow","Action":"dynamodb:ListTables","Resource":"*",
            "Condition":{{"ArnLike":{{"aws:PrincipalArn":"{pattern}"}}}}}}}}"#
        )
    };
    let cases = [
        ("user", "arn:aws:iam::*:user/*", true),
        ("account", "arn:aws:iam::000000000000:*", true),
        // A wildcard does not reach across a colon, and a pattern names all six parts.
        ("spans", "arn:aws:*:user/spans", false),
        ("short", "arn:aws:iam::*", false),
    ];
    let policies: Vec<(&str, String)> = cases.iter().map(|(key, p, _)| (*key, policy(p))).collect();
    let policies: Vec<(&str, &str)> = policies.iter().map(|(key, p)| (*key, p.as_str())).collect();
    let emu = emulator(SystemTime::now(), &policies).await;
    for (key, pattern, allowed) in cases {
        let expected = match allowed {
            true => Ok(()),
            false => denied(key, "ListTables", "table/*", "allow"),
        };
        assert_eq!(list(&signed(&emu.client(), key, "s")).await, expected, "{pattern}");
    }
}

#[tokio::test]
async fn not_principal_leaves_out_a_user_only_with_its_account() {
    let emu = emulator(
        SystemTime::now(),
        &[(
            "app",
            r#"{"Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}}"#,
        )],
    )
    .await;
    let admin = signed(&emu.client(), "admin", "a");
    create_table(&admin, "Guarded", None).await;
    let app = signed(&emu.client(), "app", "s");
    let guard = |named: &[&str]| {
        let named: Vec<String> = named.iter().map(|p| format!("\"{p}\"")).collect();
        admin
            .put_resource_policy()
            .resource_arn("arn:aws:dynamodb:us-east-1:000000000000:table/Guarded")
            .policy(format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","NotPrincipal":{{"AWS":[{}]}},"Action":"dynamodb:GetItem","Resource":"*"}}]}}"#,
                named.join(",")
            ))
            .send()
    };
    let get = || async {
        app.get_item()
            .table_name("Guarded")
            .key("pk", s("a"))
            .send()
            .await
            .map(|_| ())
            .map_err(error)
    };
    const ROOT: &str = "arn:aws:iam::000000000000:root";
    const USER: &str = "arn:aws:iam::000000000000:user/app";
    for (named, expected) in [
        (&[ROOT][..], denied("app", "GetItem", "table/Guarded", "resource")),
        (&[USER], denied("app", "GetItem", "table/Guarded", "resource")),
        (&[ROOT, USER], Ok(())),
        (&["000000000000", USER], Ok(())),
    ] {
        guard(named).await.unwrap();
        assert_eq!(get().await, expected, "NotPrincipal {named:?}");
    }
}
