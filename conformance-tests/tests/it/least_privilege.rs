//! Identity policies (`Credentials::with_policy`) and stored resource policies enforced as on AWS,
//! and the least-privilege check an app team runs: the Auth.js adapter's port does its work under
//! the IAM policy Auth.js documents (`conformance-tests/policies/authjs.json`, the table
//! `next-auth` in us-east-1), and the same work under that policy minus one action is refused
//! with AccessDenied naming it. The same for every other adapter port (policies derived from
//! each port's calls), and a whole harness suite run under a policy (`EnvOptions::policy`).

use std::sync::Arc;

use aws_sdk_dynamodb::config::Credentials;
use aws_sdk_dynamodb::Client;
use dynamodb_emulator::Emulator;
use dynamodb_harness::adapters::auth::{AdapterAccount, AdapterSession, DynamoDbAdapter, NewUser};
use dynamodb_harness::adapters::Waiter;

use crate::support::{create_table, error, runtime, s};

const AUTHJS_POLICY: &str = include_str!("../../policies/authjs.json");

/// An emulator where `admin` may do anything and `app` acts under `policy`.
async fn emulator(policy: &str) -> Emulator {
    let creds: dynamodb_emulator::Credentials = "admin:a,app:s".parse().unwrap();
    Emulator::builder()
        .credentials(creds.with_policy("app", policy).unwrap())
        .start()
        .await
        .unwrap()
}

fn signed(emu: &Emulator, key: &str, secret: &str) -> Client {
    let conf = emu
        .client()
        .config()
        .to_builder()
        .credentials_provider(Credentials::new(key, secret, None, None, "test"))
        .build();
    Client::from_conf(conf)
}

/// What an Auth.js app does with its adapter: sign-up, account linking, sessions, deletion.
async fn app_work(adapter: &DynamoDbAdapter) -> Result<(), dynamodb_harness::Error> {
    let user = adapter
        .create_user(NewUser {
            email: "ada@example.com".into(),
            name: Some("Ada".into()),
            image: None,
            email_verified: None,
        })
        .await?;
    assert_eq!(
        adapter.get_user_by_email("ada@example.com").await?.map(|u| u.id),
        Some(user.id.clone())
    );
    adapter
        .link_account(AdapterAccount {
            user_id: user.id.clone(),
            account_type: "oauth".into(),
            provider: "github".into(),
            provider_account_id: "42".into(),
            access_token: None,
        })
        .await?;
    assert!(adapter.get_user_by_account("github", "42").await?.is_some());
    let session = AdapterSession {
        session_token: "tok".into(),
        user_id: user.id.clone(),
        expires: 2_000_000_000,
    };
    adapter.create_session(session).await?;
    adapter.update_session("tok", 2_000_000_100).await?;
    adapter.delete_user(&user.id).await?;
    Ok(())
}

async fn next_auth_table(emu: &Emulator) {
    let sleep: dynamodb_harness::adapters::Sleep = Arc::new(|_| Box::pin(async {}));
    DynamoDbAdapter::new(signed(emu, "admin", "a"), "next-auth")
        .create_table(&Waiter::js_sdk(sleep))
        .await
        .unwrap();
}

#[tokio::test]
async fn the_authjs_adapter_works_under_its_documented_policy() {
    let emu = emulator(AUTHJS_POLICY).await;
    next_auth_table(&emu).await;
    let app = DynamoDbAdapter::new(signed(&emu, "app", "s"), "next-auth");
    assert_eq!(app_work(&app).await.map_err(|e| (e.code, e.message)), Ok(()));
}

#[tokio::test]
async fn a_policy_missing_one_needed_action_is_reported() {
    let without_batch_write = AUTHJS_POLICY.replace("\"dynamodb:BatchWriteItem\",", "");
    let emu = emulator(&without_batch_write).await;
    next_auth_table(&emu).await;
    let app = DynamoDbAdapter::new(signed(&emu, "app", "s"), "next-auth");
    assert_eq!(
        app_work(&app).await.map_err(|e| (e.code, e.message)),
        Err((
            "AccessDeniedException".into(),
            "User: arn:aws:iam::000000000000:user/app is not authorized to perform: dynamodb:BatchWriteItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/next-auth because no identity-based policy allows the dynamodb:BatchWriteItem action".into()
        ))
    );
}

#[tokio::test]
async fn explicit_denies_win_and_resource_policies_grant() {
    let policy = r#"{"Statement":[
        {"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:*:*:table/T*"},
        {"Effect":"Deny","Action":"dynamodb:DeleteItem","Resource":"*"}]}"#;
    let emu = emulator(policy).await;
    let (admin, app) = (signed(&emu, "admin", "a"), signed(&emu, "app", "s"));
    create_table(&admin, "Tab1", None).await;
    create_table(&admin, "Other", None).await;
    app.put_item()
        .table_name("Tab1")
        .item("pk", s("a"))
        .send()
        .await
        .unwrap();
    let deleted = app
        .delete_item()
        .table_name("Tab1")
        .key("pk", s("a"))
        .send()
        .await
        .map_err(error);
    assert_eq!(
        deleted.map(|_| ()),
        Err((
            "AccessDeniedException".into(),
            "User: arn:aws:iam::000000000000:user/app is not authorized to perform: dynamodb:DeleteItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/Tab1 with an explicit deny in an identity-based policy".into()
        ))
    );
    let read = |c: Client| async move {
        c.get_item()
            .table_name("Other")
            .key("pk", s("a"))
            .send()
            .await
            .map(|_| ())
            .map_err(error)
    };
    assert_eq!(
        read(app.clone()).await,
        Err((
            "AccessDeniedException".into(),
            "User: arn:aws:iam::000000000000:user/app is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/Other because no identity-based policy allows the dynamodb:GetItem action".into()
        ))
    );
    // A resource policy naming the caller grants what its identity policy does not.
    let arn = "arn:aws:dynamodb:us-east-1:000000000000:table/Other";
    admin
        .put_resource_policy()
        .resource_arn(arn)
        .policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/app"},"Action":"dynamodb:GetItem","Resource":"*"}]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(read(app).await, Ok(()));
    // The unrestricted key is untouched by both.
    assert_eq!(read(admin).await, Ok(()));
}

/// A fine-grained policy as the DynamoDB guide shows them: each user reaches only the items whose
/// partition key is their own name, and only the attributes it lists, with projections.
const OWN_ITEMS: &str = r#"{"Version":"2012-10-17","Statement":[{
    "Effect":"Allow",
    "Action":["dynamodb:GetItem","dynamodb:PutItem","dynamodb:UpdateItem","dynamodb:Query"],
    "Resource":"arn:aws:dynamodb:*:*:table/Notes",
    "Condition":{
        "ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["${aws:username}"],"dynamodb:Attributes":["pk","sk","title"]},
        "StringEqualsIfExists":{"dynamodb:Select":"SPECIFIC_ATTRIBUTES"}}}]}"#;

#[tokio::test]
async fn fine_grained_policies_limit_items_and_attributes() {
    let emu = emulator(OWN_ITEMS).await;
    let (admin, app) = (signed(&emu, "admin", "a"), signed(&emu, "app", "s"));
    create_table(&admin, "Notes", Some(aws_sdk_dynamodb::types::ScalarAttributeType::S)).await;
    let denied = |action: &str| {
        Err((
            "AccessDeniedException".to_string(),
            format!("User: arn:aws:iam::000000000000:user/app is not authorized to perform: dynamodb:{action} on resource: arn:aws:dynamodb:us-east-1:000000000000:table/Notes because no identity-based policy allows the dynamodb:{action} action"),
        ))
    };
    let put = |owner: &str, attr: &str| {
        app.put_item()
            .table_name("Notes")
            .item("pk", s(owner))
            .item("sk", s("1"))
            .item(attr, s("x"))
            .send()
    };
    assert_eq!(put("app", "title").await.map(|_| ()).map_err(error), Ok(()));
    assert_eq!(put("bob", "title").await.map(|_| ()).map_err(error), denied("PutItem"));
    assert_eq!(put("app", "secret").await.map(|_| ()).map_err(error), denied("PutItem"));

    let get = |owner: &str, projection: Option<&str>| {
        app.get_item()
            .table_name("Notes")
            .key("pk", s(owner))
            .key("sk", s("1"))
            .set_projection_expression(projection.map(String::from))
            .send()
    };
    let title = get("app", Some("title"))
        .await
        .map_err(error)
        .map(|o| o.item.unwrap()["title"].clone());
    assert_eq!(title, Ok(s("x")));
    // Without a projection a read asks for every attribute (Select ALL_ATTRIBUTES).
    assert_eq!(get("app", None).await.map(|_| ()).map_err(error), denied("GetItem"));
    assert_eq!(
        get("bob", Some("title")).await.map(|_| ()).map_err(error),
        denied("GetItem")
    );

    let update = |attr: &str| {
        app.update_item()
            .table_name("Notes")
            .key("pk", s("app"))
            .key("sk", s("1"))
            .update_expression("SET #a = :v")
            .expression_attribute_names("#a", attr)
            .expression_attribute_values(":v", s("y"))
            .send()
    };
    assert_eq!(update("title").await.map(|_| ()).map_err(error), Ok(()));
    assert_eq!(update("secret").await.map(|_| ()).map_err(error), denied("UpdateItem"));

    let query = |owner: &str| {
        app.query()
            .table_name("Notes")
            .key_condition_expression("pk = :p")
            .expression_attribute_values(":p", s(owner))
            .projection_expression("sk, title")
            .send()
    };
    assert_eq!(query("app").await.map(|o| o.count).map_err(error), Ok(1));
    assert_eq!(query("bob").await.map(|_| ()).map_err(error), denied("Query"));
}

/// The policy `@shopify/shopify-app-session-storage-dynamodb`'s README gives, on its default
/// table and index.
const SHOPIFY_POLICY: &str = include_str!("../../policies/shopify.json");

/// What a Shopify app does with its session storage: store, load, find by shop, delete.
async fn shopify_work(emu: &Emulator) -> Result<(), dynamodb_harness::Error> {
    use dynamodb_harness::adapters::session::{DynamoDbSessionStorage, DynamoDbSessionStorageOptions, Session};
    let sleep: dynamodb_harness::adapters::Sleep = Arc::new(|_| Box::pin(async {}));
    let options = DynamoDbSessionStorageOptions::default();
    DynamoDbSessionStorage::new(signed(emu, "admin", "a"), options.clone())
        .create_table(&Waiter::js_sdk(sleep))
        .await?;
    let storage = DynamoDbSessionStorage::new(signed(emu, "app", "s"), options);
    let session = Session {
        id: "offline_shop.example".into(),
        shop: "shop.example".into(),
        state: "state".into(),
        is_online: false,
        scope: Some("read_products".into()),
        expires: None,
        access_token: Some("token".into()),
        online_access_info: None,
    };
    storage.store_session(&session).await?;
    assert_eq!(storage.load_session(&session.id).await?, Some(session.clone()));
    assert_eq!(
        storage.find_sessions_by_shop("shop.example").await?,
        std::slice::from_ref(&session)
    );
    storage.delete_sessions(std::slice::from_ref(&session.id)).await?;
    assert_eq!(storage.load_session(&session.id).await?, None);
    Ok(())
}

#[tokio::test]
async fn the_shopify_session_storage_works_under_its_documented_policy() {
    let emu = emulator(SHOPIFY_POLICY).await;
    assert_eq!(shopify_work(&emu).await.map_err(|e| (e.code, e.message)), Ok(()));
    let without_query = SHOPIFY_POLICY.replace(",\n        \"dynamodb:Query\"", "");
    assert_ne!(without_query, SHOPIFY_POLICY);
    let emu = emulator(&without_query).await;
    assert_eq!(
        shopify_work(&emu).await.map_err(|e| (e.code, e.message)),
        Err((
            "AccessDeniedException".into(),
            "User: arn:aws:iam::000000000000:user/app is not authorized to perform: dynamodb:Query on resource: arn:aws:dynamodb:us-east-1:000000000000:table/shopify_sessions/index/shop_index because no identity-based policy allows the dynamodb:Query action".into()
        ))
    );
}

/// AccessDeniedException as AWS words it when no identity policy of `app` allows `action` on
/// `resource` (a table name, or `table/index/name`).
fn no_allow(action: &str, resource: &str) -> Result<(), (String, String)> {
    Err((
        "AccessDeniedException".into(),
        format!("User: arn:aws:iam::000000000000:user/app is not authorized to perform: dynamodb:{action} on resource: arn:aws:dynamodb:us-east-1:000000000000:table/{resource} because no identity-based policy allows the dynamodb:{action} action"),
    ))
}

/// `policy` without `action`, which one of its statements' Action lists must have named.
fn without(policy: &str, action: &str) -> String {
    let mut doc: serde_json::Value = serde_json::from_str(policy).unwrap();
    let name = format!("dynamodb:{action}");
    let mut removed = false;
    for statement in doc["Statement"].as_array_mut().unwrap() {
        if let Some(actions) = statement["Action"].as_array_mut() {
            let before = actions.len();
            actions.retain(|a| a != name.as_str());
            removed |= actions.len() < before;
        }
    }
    assert!(removed, "the policy names {name} in an Action list");
    doc.to_string()
}

fn no_wait() -> Waiter {
    Waiter::js_sdk(Arc::new(|_| Box::pin(async {})))
}

fn fixed_clock() -> dynamodb_harness::Now {
    Arc::new(|| 1_700_000_000)
}

/// The policy for the keyv/unstorage port (`KvStore`) on the table `keyv`: its calls are
/// GetItem (get, has), PutItem (set), DeleteItem (remove, clear) and Scan (keys, clear).
const KV_POLICY: &str = include_str!("../../policies/kv.json");

async fn kv_work(emu: &Emulator) -> Result<(), dynamodb_harness::Error> {
    use dynamodb_harness::adapters::kv::KvStore;
    KvStore::new(signed(emu, "admin", "a"), "keyv", fixed_clock())
        .create_table(&no_wait())
        .await?;
    let kv = KvStore::new(signed(emu, "app", "s"), "keyv", fixed_clock()).with_page_size(1);
    kv.set("a1", "x", None).await?;
    kv.set("a2", "y", Some(60)).await?;
    kv.set("b1", "z", None).await?;
    assert_eq!(kv.get("a2").await?, Some("y".into()));
    assert!(kv.has("b1").await?);
    assert_eq!(kv.keys("a").await?, ["a1", "a2"]);
    kv.remove("a1").await?;
    kv.clear().await?;
    assert_eq!(kv.keys("").await?, Vec::<String>::new());
    Ok(())
}

#[tokio::test]
async fn the_kv_store_works_under_its_policy_and_needs_scan() {
    let run = |policy: String| async move { kv_work(&emulator(&policy).await).await.map_err(|e| (e.code, e.message)) };
    assert_eq!(run(KV_POLICY.into()).await, Ok(()));
    assert_eq!(run(without(KV_POLICY, "Scan")).await, no_allow("Scan", "keyv"));
}

/// The policy for the Jovo user DB port on an existing table `jovo`: each store's first use is a
/// DescribeTable (CreateTable only when the table is missing, which a deployed app's is not),
/// then GetItem (load) and PutItem (save).
const JOVO_POLICY: &str = include_str!("../../policies/jovo.json");

async fn jovo_work(emu: &Emulator) -> Result<(), dynamodb_harness::Error> {
    use dynamodb_harness::adapters::user_store::{DynamoDb, DynamoDbConfig, Initialized, UserRecord};
    let config = DynamoDbConfig::new("jovo");
    let created = DynamoDb::new(signed(emu, "admin", "a"), config.clone(), no_wait())
        .initialize()
        .await?;
    assert_eq!(created, Initialized::Created);
    let store = DynamoDb::new(signed(emu, "app", "s"), config, no_wait());
    let user = UserRecord {
        user_id: "amzn1.ask.account.1".into(),
        data: [("score".to_string(), "3".to_string())].into(),
        session: None,
        created_at: 1_700_000_000,
        updated_at: 1_700_000_000,
    };
    store.save(&user).await?;
    assert_eq!(store.load(&user.user_id).await?, Some(user));
    Ok(())
}

#[tokio::test]
async fn the_jovo_user_db_works_under_its_policy_and_needs_describe_table() {
    let run = |policy: String| async move {
        jovo_work(&emulator(&policy).await)
            .await
            .map_err(|e| (e.code, e.message))
    };
    assert_eq!(run(JOVO_POLICY.into()).await, Ok(()));
    assert_eq!(
        run(without(JOVO_POLICY, "DescribeTable")).await,
        no_allow("DescribeTable", "jovo")
    );
}

/// The policy for the register/login flow on the table `users`: registration's transaction puts
/// three items (each checked as PutItem), login queries `email_index` and puts a session,
/// validation gets it, logout deletes it.
const AUTH_FLOW_POLICY: &str = include_str!("../../policies/auth_flow.json");

async fn auth_flow_work(emu: &Emulator) -> Result<(), String> {
    use dynamodb_harness::adapters::auth_flow::{AuthFlow, AuthFlowConfig, LoginError};
    let config = AuthFlowConfig::new("users").cheap_hashing();
    AuthFlow::new(signed(emu, "admin", "a"), config.clone(), fixed_clock())
        .create_table(&no_wait())
        .await
        .map_err(|e| e.to_string())?;
    let flow = AuthFlow::new(signed(emu, "app", "s"), config, fixed_clock());
    let id = flow
        .register("ada", "ada@example.com", "pw")
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(
        flow.login("ada@example.com", "wrong").await.map(|_| ()),
        Err(LoginError::InvalidCredentials)
    );
    let session = flow
        .login("ada@example.com", "pw")
        .await
        .map_err(|e| format!("{e:?}"))?;
    assert_eq!(
        flow.validate(&session.token).await.map_err(|e| e.to_string())?,
        Some(id)
    );
    flow.logout(&session.token).await.map_err(|e| e.to_string())?;
    assert_eq!(flow.validate(&session.token).await.map_err(|e| e.to_string())?, None);
    Ok(())
}

#[tokio::test]
async fn the_register_login_flow_works_under_its_policy_and_needs_put_item() {
    assert_eq!(auth_flow_work(&emulator(AUTH_FLOW_POLICY).await).await, Ok(()));
    let (_, message) = no_allow("PutItem", "users").unwrap_err();
    assert_eq!(
        auth_flow_work(&emulator(&without(AUTH_FLOW_POLICY, "PutItem")).await).await,
        Err(format!("AccessDeniedException: {message}"))
    );
}

/// A whole harness suite under a policy (`EnvOptions::policy`, or `DYNAMODB_POLICY=FILE`): the
/// KV suite's operations pass under the KV policy widened to the harness's table names, and a
/// run without Scan finds the operation that needs it.
#[test]
fn a_suite_runs_under_a_policy() {
    use dynamodb_harness::suites::kv::KvSuite;
    use dynamodb_harness::{check, EnvOptions, Target};
    let rt = runtime();
    let policy = KV_POLICY.replace("table/keyv", "table/harness-*-kv-*");
    let run = |policy: String| {
        let options = EnvOptions {
            policy: Some(policy),
            ..Default::default()
        };
        let env = rt
            .block_on(dynamodb_harness::Env::start(Target::InProcess, options))
            .unwrap();
        check::<KvSuite>(&rt, &env, 8)
    };
    if let Err(failure) = run(policy.clone()) {
        panic!("{failure}");
    }
    let failure = run(without(&policy, "Scan")).expect_err("a suite that scans must need Scan");
    // Shrunk to the first call that scans.
    assert_eq!(
        failure.divergence,
        "step 1 (Keys(\"\")) diverged\n  model expected: Ok([])\n  adapter answered: Err(AccessDeniedException)"
    );
}

/// The same run against an endpoint (`DYNAMODB_ENDPOINT`), as against DynamoDB: the endpoint
/// (our emulator, started here with `app` restricted by the policy) enforces the policy on the
/// adapters' key from `AWS_ACCESS_KEY_ID`, while the harness manages its table with the key in
/// `DYNAMODB_ADMIN_ACCESS_KEY_ID`/`DYNAMODB_ADMIN_SECRET_ACCESS_KEY`. The suite runs in a child
/// process (this test binary running `kv_suite_on_the_endpoint`) whose environment says so.
#[test]
fn a_suite_runs_under_a_policy_on_an_endpoint() {
    let rt = runtime();
    let policy = KV_POLICY.replace("table/keyv", "table/harness-*-kv-*");
    let dir = tempfile::tempdir().unwrap();
    let run = |policy: &str| {
        let emu = rt.block_on(emulator(policy));
        let file = dir.path().join("policy.json");
        std::fs::write(&file, policy).unwrap();
        let [admin_id, admin_secret] = dynamodb_harness::ADMIN_KEY_VARS;
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["least_privilege::kv_suite_on_the_endpoint", "--exact", "--ignored"])
            .env("DYNAMODB_ENDPOINT", emu.endpoint_url())
            .env("DYNAMODB_POLICY", &file)
            .env("AWS_ACCESS_KEY_ID", "app")
            .env("AWS_SECRET_ACCESS_KEY", "s")
            .env("AWS_REGION", "us-east-1")
            .env(admin_id, "admin")
            .env(admin_secret, "a")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    };
    let (passed, output) = run(&policy);
    assert!(passed, "{output}");
    let (passed, output) = run(&without(&policy, "Scan"));
    assert!(!passed);
    assert!(
        output.contains(
            "step 1 (Keys(\"\")) diverged\n  model expected: Ok([])\n  adapter answered: Err(AccessDeniedException)"
        ),
        "{output}"
    );
}

/// The KV suite on `DYNAMODB_ENDPOINT` with the policy of `DYNAMODB_POLICY`; run by
/// `a_suite_runs_under_a_policy_on_an_endpoint` with those set.
#[test]
#[ignore = "run by a_suite_runs_under_a_policy_on_an_endpoint, which sets its environment"]
fn kv_suite_on_the_endpoint() {
    use dynamodb_harness::suites::kv::KvSuite;
    use dynamodb_harness::{check, Env, EnvOptions, Target};
    let rt = runtime();
    let [target] = &Target::from_env()[..] else {
        panic!("DYNAMODB_ENDPOINT is not set");
    };
    let env = rt.block_on(Env::start(target.clone(), EnvOptions::default())).unwrap();
    if let Err(failure) = check::<KvSuite>(&rt, &env, 8) {
        panic!("{failure}");
    }
}
