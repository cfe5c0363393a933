//! PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy through the SDK: revisions,
//! expected revisions, and DynamoDB's messages.

use aws_sdk_dynamodb::types::{StreamSpecification, StreamViewType};
use aws_sdk_dynamodb::Client;

use crate::support::{create_table, emulator, error};

const ARN: &str = "arn:aws:dynamodb:us-east-1:000000000000:table/guarded";

fn policy(action: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"000000000000"}},"Action":["{action}"],"Resource":"*"}}]}}"#
    )
}

/// `policy(action)` as GetResourcePolicy answers it: DynamoDB's canonical form.
fn canonical(action: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::000000000000:root"}},"Action":"{action}","Resource":"*"}}]}}"#
    )
}

async fn put(c: &Client, action: &str, expected: Option<&str>) -> Result<String, (String, String)> {
    c.put_resource_policy()
        .resource_arn(ARN)
        .policy(policy(action))
        .set_expected_revision_id(expected.map(str::to_owned))
        .send()
        .await
        .map(|o| o.revision_id.unwrap())
        .map_err(error)
}

fn not_found(detail: &str) -> (String, String) {
    (
        "PolicyNotFoundException".into(),
        format!("Resource-based policy not found for the provided ResourceArn: {detail}"),
    )
}

#[tokio::test]
async fn policies_are_versioned() {
    let (_emu, c) = emulator().await;
    create_table(&c, "guarded", None).await;
    let get = || async { c.get_resource_policy().resource_arn(ARN).send().await.map_err(error) };
    assert_eq!(get().await.unwrap_err(), not_found(ARN));

    let first = put(&c, "dynamodb:*", Some("NO_POLICY")).await.unwrap();
    let got = get().await.unwrap();
    assert_eq!(
        (got.policy.unwrap(), got.revision_id.unwrap()),
        (canonical("dynamodb:*"), first.clone())
    );
    // The same document again is no change; another one is a later revision.
    assert_eq!(put(&c, "dynamodb:*", None).await.unwrap(), first);
    let second = put(&c, "dynamodb:GetItem", Some(&first)).await.unwrap();
    assert!(second > first, "{second} > {first}");

    assert_eq!(
        put(&c, "dynamodb:PutItem", Some(&first)).await.unwrap_err(),
        not_found(&format!(
            "Requested update for policy with revision id {first}, but the policy associated to target table guarded has revision id {second}."
        ))
    );
    assert_eq!(
        put(&c, "dynamodb:PutItem", Some("NO_POLICY")).await.unwrap_err(),
        not_found(&format!(
            "Requested policy update expecting none to be present for table guarded, but a policy exists with revision id {second}."
        ))
    );
    assert_eq!(get().await.unwrap().revision_id.unwrap(), second);

    let delete = |expected: Option<&str>| {
        c.delete_resource_policy()
            .resource_arn(ARN)
            .set_expected_revision_id(expected.map(str::to_owned))
            .send()
    };
    assert_eq!(
        error(delete(Some("unknown")).await.unwrap_err()),
        not_found(&format!(
            "Requested update for policy with revision id unknown, but the policy associated to target table guarded has revision id {second}."
        ))
    );
    assert_eq!(delete(Some(&second)).await.unwrap().revision_id.unwrap(), second);
    assert_eq!(get().await.unwrap_err(), not_found(ARN));
    // Deleting no policy is idempotent: an answer without a revision (AWS, October 2026).
    assert_eq!(delete(None).await.unwrap().revision_id, None);
}

#[tokio::test]
async fn policies_need_an_existing_resource_and_go_with_their_table() {
    let (_emu, c) = emulator().await;
    let missing = (
        "ResourceNotFoundException".to_string(),
        "Requested resource not found: Table: guarded not found".to_string(),
    );
    assert_eq!(put(&c, "dynamodb:*", None).await.unwrap_err(), missing);
    let get = c.get_resource_policy().resource_arn(ARN).send().await.unwrap_err();
    assert_eq!(error(get), missing);
    let delete = c.delete_resource_policy().resource_arn(ARN).send().await.unwrap_err();
    assert_eq!(error(delete), missing);

    create_table(&c, "guarded", None).await;
    put(&c, "dynamodb:*", None).await.unwrap();
    c.delete_table().table_name("guarded").send().await.unwrap();
    create_table(&c, "guarded", None).await;
    let get = c.get_resource_policy().resource_arn(ARN).send().await.unwrap_err();
    assert_eq!(error(get), not_found(ARN));
}

#[tokio::test]
async fn a_stream_has_its_own_policy() {
    let (_emu, c) = emulator().await;
    create_table(&c, "guarded", None).await;
    let spec = StreamSpecification::builder()
        .stream_enabled(true)
        .stream_view_type(StreamViewType::KeysOnly)
        .build()
        .unwrap();
    let updated = c
        .update_table()
        .table_name("guarded")
        .stream_specification(spec)
        .send()
        .await
        .unwrap();
    let stream = updated.table_description.unwrap().latest_stream_arn.unwrap();
    let revision = c
        .put_resource_policy()
        .resource_arn(&stream)
        .policy(policy("dynamodb:GetRecords"))
        .send()
        .await
        .unwrap()
        .revision_id
        .unwrap();
    let got = c.get_resource_policy().resource_arn(&stream).send().await.unwrap();
    assert_eq!(
        (got.policy.unwrap(), got.revision_id.unwrap()),
        (canonical("dynamodb:GetRecords"), revision)
    );
    let table = c.get_resource_policy().resource_arn(ARN).send().await.unwrap_err();
    assert_eq!(error(table), not_found(ARN));
    // A table's policy may not name its stream, nor a stream's its table (DDB-TABLE-211/212;
    // AWS's text is captured up to `for ARN "ar`, the rest is our reading).
    for (target, resource, relative) in [
        (ARN, stream.as_str(), &stream[stream.find("table/").unwrap()..]),
        (stream.as_str(), ARN, "table/guarded"),
    ] {
        let document = policy("dynamodb:*").replace(r#""Resource":"*""#, &format!(r#""Resource":"{resource}""#));
        let refused = c.put_resource_policy().resource_arn(target).policy(document).send();
        assert_eq!(
            error(refused.await.unwrap_err()),
            crate::support::validation(&format!(
                r#"One or more parameter values were invalid: Invalid policy document: The relative-id "{relative}" is invalid for ARN "{resource}""#
            ))
        );
    }
    // An unknown label is named with its table (AWS, October 2026: DDB-TABLE-212).
    let unknown = format!("{ARN}/stream/2000-01-01T00:00:00.000");
    let missing = c.get_resource_policy().resource_arn(&unknown).send().await.unwrap_err();
    assert_eq!(
        error(missing),
        (
            "ResourceNotFoundException".into(),
            "Requested resource not found: Stream: 2000-01-01T00:00:00.000 not found for Table: guarded".into()
        )
    );
}

#[tokio::test]
async fn policy_documents_are_checked() {
    let (_emu, c) = emulator().await;
    create_table(&c, "guarded", None).await;
    let put = |document: String| c.put_resource_policy().resource_arn(ARN).policy(document).send();
    let invalid = |detail: &str| {
        crate::support::validation(&format!(
            "One or more parameter values were invalid: Invalid policy document: {detail}"
        ))
    };
    let statement = |s: &str| format!(r#"{{"Version":"2012-10-17","Statement":[{s}]}}"#);
    let everyone = |principal: &str| {
        statement(&format!(
            r#"{{"Effect":"Allow","Principal":{principal},"Action":"dynamodb:Query","Resource":"*"}}"#
        ))
    };
    let unbounded = crate::support::validation(
        "Resource-based policy grants unbounded access in one or more elements. Please revise the policy to ensure least-privilege form of access",
    );
    let sid = r#"{"Sid":"s","Effect":"Deny","Principal":"*","Action":"dynamodb:Query","Resource":"*"}"#;
    // AWS's texts, October 2026 (DDB-TABLE-211, DDB-TABLE-352, DDB-TABLE-356).
    let cases = [
        ("{not json".to_string(), invalid("This policy contains invalid Json")),
        (String::new(), invalid("This policy contains invalid Json")),
        (
            r#"{"Version":"2012-10-17","Statement":[]}"#.to_string(),
            invalid("Could not parse the policy: Statement is empty!"),
        ),
        (
            statement(r#"{"Effect":"Allow","Principal":"*","Action":"dynamodb:Query"}"#),
            invalid("Missing required field Resource"),
        ),
        (
            policy(r#"dynamodb:GetRecords","dynamodb:DescribeStream"#),
            invalid(r#"The following action names are invalid: "dynamodb:GetRecords", "dynamodb:DescribeStream""#),
        ),
        (
            statement(&format!("{sid},{sid}")),
            invalid("The Statement Ids in the policy are not unique"),
        ),
        (everyone(r#""*""#), unbounded.clone()),
        (everyone(r#"{"AWS":"*"}"#), unbounded),
        (
            r#"{"Version":"2012-10-17"}"#.to_string(),
            invalid("Missing required field Statement"),
        ),
        (
            statement(r#"{"Effect":"Permit","Principal":"*","Action":"dynamodb:Query"}"#),
            invalid("Invalid effect: Permit"),
        ),
        (
            statement(r#"{"Effect":"Allow","Action":"dynamodb:Query"}"#),
            invalid("Missing required field Principal"),
        ),
        (
            policy("dynamodb:ListStreams"),
            invalid(r#"The following action names are invalid: "dynamodb:ListStreams""#),
        ),
        (
            statement(&format!(
                r#"{{"Sid":"{}","Effect":"Allow","Principal":"*","Action":"dynamodb:Query"}}"#,
                "s".repeat(20 * 1024)
            )),
            crate::support::validation(
                "One or more parameter values were invalid: Maximum policy size of 20480 bytes exceeded",
            ),
        ),
    ];
    for (document, expected) in cases {
        assert_eq!(
            error(put(document.clone()).await.unwrap_err()),
            expected,
            "{document:.80}"
        );
    }
    let none = c.get_resource_policy().resource_arn(ARN).send().await.unwrap_err();
    assert_eq!(error(none), not_found(ARN));
}

#[tokio::test]
async fn create_table_attaches_its_resource_policy() {
    let (_emu, c) = emulator().await;
    let create = |name: &str, document: String| {
        c.create_table()
            .table_name(name)
            .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
            .attribute_definitions(crate::support::attr_def(
                "pk",
                aws_sdk_dynamodb::types::ScalarAttributeType::S,
            ))
            .key_schema(crate::support::key("pk", aws_sdk_dynamodb::types::KeyType::Hash))
            .resource_policy(document)
            .send()
    };
    let refused = create("guarded", policy("dynamodb:ListTables")).await.unwrap_err();
    assert_eq!(
        error(refused),
        crate::support::validation(
            r#"One or more parameter values were invalid: Invalid policy document: The following action names are invalid: "dynamodb:ListTables""#
        )
    );
    assert!(c.list_tables().send().await.unwrap().table_names().is_empty());
    create("guarded", policy("dynamodb:GetItem")).await.unwrap();
    let got = c.get_resource_policy().resource_arn(ARN).send().await.unwrap();
    assert_eq!(got.policy.unwrap(), canonical("dynamodb:GetItem"));
    let revision = got.revision_id.unwrap();
    assert_eq!(
        put(&c, "dynamodb:Query", Some(&revision)).await.map(|r| r > revision),
        Ok(true)
    );
}

/// AWS keeps a canonical form of a policy (October 2026: DDB-TABLE-207/208/351-355): an equivalent
/// document is no change, and GetResourcePolicy answers that form.
#[tokio::test]
async fn equivalent_documents_keep_their_revision() {
    let (_emu, c) = emulator().await;
    create_table(&c, "guarded", None).await;
    let put = |document: &str| {
        let put = c.put_resource_policy().resource_arn(ARN).policy(document);
        async move { put.send().await.unwrap().revision_id.unwrap() }
    };
    let get = || async {
        let got = c.get_resource_policy().resource_arn(ARN).send().await.unwrap();
        (got.policy.unwrap(), got.revision_id.unwrap())
    };
    let first = put(&policy("dynamodb:Query")).await;
    let equivalent = r#"{
        "Statement": {
            "Resource": ["*"],
            "Action": "dynamodb:Query",
            "Principal": {"AWS": ["000000000000", "arn:aws:iam::000000000000:root"]},
            "Effect": "allow"
        },
        "Version": "2012-10-17"
    }"#;
    assert_eq!(put(equivalent).await, first);
    assert_eq!(get().await, (canonical("dynamodb:Query"), first.clone()));

    // Without a Version the document reads back with IAM's default, yet is not the same document
    // as one naming that version.
    let versionless = r#"{"Statement":[{"Sid":"only","Effect":"Deny","Principal":{"AWS":"000000000000"},"Action":["dynamodb:Scan","dynamodb:Query"],"Resource":"*"}]}"#;
    let second = put(versionless).await;
    assert!(second > first, "{second} > {first}");
    assert_eq!(put(versionless).await, second);
    let (read_back, revision) = get().await;
    assert_eq!(
        read_back,
        r#"{"Version":"2008-10-17","Statement":[{"Sid":"only","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":["dynamodb:Scan","dynamodb:Query"],"Resource":"*"}]}"#
    );
    assert_eq!(revision, second);
    let third = put(&read_back).await;
    assert!(third > second, "{third} > {second}");
    assert_eq!(put(&read_back).await, third);
}

/// The ResourceArn forms the policy operations refuse, in AWS's words (October 2026:
/// DDB-TABLE-205/212/246).
#[tokio::test]
async fn policy_resource_arns_are_checked() {
    let (_emu, c) = emulator().await;
    create_table(&c, "guarded", None).await;
    let invalid =
        |detail: String| crate::support::validation(&format!("One or more parameter values were invalid: {detail}"));
    let cases = [
        (
            "arn:aws:dynamodb:us-east-1:111122223333:table/guarded".to_string(),
            crate::support::validation(
                "This action is only supported by accounts that match the resource owner\u{2019}s account.",
            ),
        ),
        (
            "arn:aws:dynamodb:us-west-2:000000000000:table/guarded".to_string(),
            invalid("Invalid resource Arn: arn:aws:dynamodb:us-west-2:000000000000:table/guarded".into()),
        ),
        (
            "arn:aws-cn:dynamodb:us-east-1:000000000000:table/guarded".to_string(),
            invalid("Invalid resource Arn: arn:aws-cn:dynamodb:us-east-1:000000000000:table/guarded".into()),
        ),
        (
            format!("{ARN}/backup/01700000000000-abcdef12"),
            invalid(format!(
                "Provided Arn is not a DynamoDB resource arn: {ARN}/backup/01700000000000-abcdef12"
            )),
        ),
    ];
    for (arn, expected) in cases {
        let get = c.get_resource_policy().resource_arn(&arn).send().await.unwrap_err();
        assert_eq!(error(get), expected, "get {arn}");
        let put = c
            .put_resource_policy()
            .resource_arn(&arn)
            .policy(policy("dynamodb:Query"))
            .send();
        assert_eq!(error(put.await.unwrap_err()), expected, "put {arn}");
        let delete = c.delete_resource_policy().resource_arn(&arn).send().await.unwrap_err();
        assert_eq!(error(delete), expected, "delete {arn}");
    }
    let nothing = not_found(
        "Requested update for policy with revision id 123456789, but table guarded has no associated policy.",
    );
    let put = c
        .put_resource_policy()
        .resource_arn(ARN)
        .policy(policy("dynamodb:Query"))
        .expected_revision_id("123456789")
        .send();
    assert_eq!(error(put.await.unwrap_err()), nothing);
    let delete = c
        .delete_resource_policy()
        .resource_arn(ARN)
        .expected_revision_id("123456789")
        .send();
    assert_eq!(error(delete.await.unwrap_err()), nothing);
}

/// A policy that would deny its sender the next PutResourcePolicy is refused unless they confirm
/// it (AWS, October 2026: DDB-TABLE-210).
#[tokio::test]
async fn a_policy_that_locks_its_sender_out_needs_confirming() {
    let (_emu, c) = emulator().await;
    create_table(&c, "guarded", None).await;
    let put = |principal: &str, actions: &str, condition: &str, confirm: Option<bool>| {
        c.put_resource_policy()
            .resource_arn(ARN)
            .policy(format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","Principal":{principal},"Action":[{actions}],"Resource":"*"{condition}}}]}}"#
            ))
            .set_confirm_remove_self_resource_access(confirm)
            .send()
    };
    let locked = Err((
        "AccessDeniedException".to_string(),
        "The new resource policy will not allow you to update the resource policy in the future.".to_string(),
    ));
    let (put_only, both) = (
        r#""dynamodb:PutResourcePolicy""#,
        r#""dynamodb:PutResourcePolicy","dynamodb:DeleteResourcePolicy""#,
    );
    let users = r#","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::000000000000:user/*"}}"#;
    let others = r#","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::000000000000:user/*"}}"#;
    for (principal, actions, condition, confirm) in [
        (r#""*""#, both, "", None),
        (r#""*""#, both, "", Some(false)),
        (r#""*""#, put_only, "", None),
        (r#"{"AWS":"000000000000"}"#, r#""dynamodb:*""#, "", None),
        (r#""*""#, r#""*""#, users, None),
    ] {
        let answer = put(principal, actions, condition, confirm)
            .await
            .map(|_| ())
            .map_err(error);
        assert_eq!(answer, locked, "{principal} {actions} {condition}");
    }
    for (principal, actions, condition, confirm) in [
        (r#""*""#, r#""dynamodb:DeleteResourcePolicy""#, "", None),
        (r#""*""#, put_only, others, None),
        (r#"{"AWS":"111122223333"}"#, put_only, "", None),
        (r#""*""#, both, "", Some(true)),
    ] {
        let answer = put(principal, actions, condition, confirm)
            .await
            .map(|_| ())
            .map_err(error);
        assert_eq!(answer, Ok(()), "{principal} {actions} {condition}");
    }
}
