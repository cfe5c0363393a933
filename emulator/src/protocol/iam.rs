//! Policies on the wire: IAM policy documents parsed into `iam::PolicyDocument`s, and the
//! (action, resource) pairs a request asks for, read from its body as AWS authorizes them
//! (every table of a batch; each transaction item as the single-item action it is). `check`
//! refuses a request its caller's identity policies and the resources' stored policies do not
//! allow, with AccessDeniedException in AWS's words.

use serde_json::Value;

use crate::engine::Engine;
use crate::error::{Error, ErrorKind};
use crate::iam::{Caller, Decision, PolicyDocument, Statement};
use crate::ops::Operation;
use crate::store::Namespace;

/// Parses an IAM policy document (`Statement`: one or a list; `Effect`, `Action`, `Resource`,
/// `Principal`). A statement with a `Condition`, `NotAction` or `NotResource` is refused: the
/// emulator does not evaluate them, and silently ignoring one would allow or deny wrongly.
pub fn parse(text: &str) -> Result<PolicyDocument, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let statements = match &doc["Statement"] {
        Value::Array(list) => list.iter().collect(),
        s @ Value::Object(_) => vec![s],
        _ => return Err("a policy needs a Statement (an object or a list)".into()),
    };
    let statements = statements.into_iter().map(statement).collect::<Result<_, _>>()?;
    Ok(PolicyDocument { statements })
}

fn statement(s: &Value) -> Result<Statement, String> {
    if let Some(key) = ["Condition", "NotAction", "NotResource", "NotPrincipal"]
        .iter()
        .find(|k| s.get(**k).is_some())
    {
        return Err(format!("{key} is not supported by the emulator's policy evaluation"));
    }
    let allow = match s["Effect"].as_str() {
        Some("Allow") => true,
        Some("Deny") => false,
        _ => return Err("a statement's Effect must be Allow or Deny".into()),
    };
    let actions = strings(&s["Action"]).ok_or("a statement needs an Action")?;
    let principals = match &s["Principal"] {
        Value::Null => None,
        Value::String(p) => Some(vec![p.clone()]),
        Value::Object(p) => Some(strings(&p["AWS"]).ok_or("a Principal must name AWS principals")?),
        _ => return Err("a Principal must be \"*\" or {\"AWS\": ...}".into()),
    };
    Ok(Statement {
        allow,
        actions,
        resources: strings(&s["Resource"]),
        principals,
    })
}

/// A string or a list of strings.
fn strings(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Array(list) => list.iter().map(|s| s.as_str().map(String::from)).collect(),
        _ => None,
    }
}

/// The (action, resource ARN) pairs `op` asks for with this body.
fn requested(engine: &Engine, ns: &Namespace, op: Operation, body: &Value) -> Vec<(String, String)> {
    let table = |name: &Value| ns.table_arn(engine.table_name(name.as_str().unwrap_or_default()));
    let action = |name: &str| format!("dynamodb:{name}");
    let one = |resource: String| vec![(action(op.name()), resource)];
    match op {
        Operation::ListTables | Operation::ListStreams => one(ns.table_arn("*")),
        Operation::DescribeEndpoints | Operation::DescribeLimits => one("*".into()),
        Operation::TagResource
        | Operation::UntagResource
        | Operation::ListTagsOfResource
        | Operation::PutResourcePolicy
        | Operation::GetResourcePolicy
        | Operation::DeleteResourcePolicy => one(body["ResourceArn"].as_str().unwrap_or_default().into()),
        Operation::DescribeStream | Operation::GetShardIterator => {
            one(body["StreamArn"].as_str().unwrap_or_default().into())
        }
        Operation::GetRecords => {
            let iterator = body["ShardIterator"].as_str().unwrap_or_default();
            one(iterator.split('|').next().unwrap_or_default().into())
        }
        Operation::BatchGetItem | Operation::BatchWriteItem => body["RequestItems"]
            .as_object()
            .into_iter()
            .flat_map(|items| items.keys())
            .map(|name| (action(op.name()), table(&Value::String(name.clone()))))
            .collect(),
        Operation::TransactWriteItems | Operation::TransactGetItems => body["TransactItems"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| {
                let (kind, member) = item.as_object()?.iter().next()?;
                let name = match kind.as_str() {
                    "Put" => "PutItem",
                    "Update" => "UpdateItem",
                    "Delete" => "DeleteItem",
                    "ConditionCheck" => "ConditionCheckItem",
                    _ => "GetItem",
                };
                Some((action(name), table(&member["TableName"])))
            })
            .collect(),
        Operation::ExecuteStatement => partiql(ns, &body["Statement"]).into_iter().collect(),
        Operation::BatchExecuteStatement | Operation::ExecuteTransaction => {
            let list = if op == Operation::ExecuteTransaction {
                "TransactStatements"
            } else {
                "Statements"
            };
            body[list]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| partiql(ns, &s["Statement"]))
                .collect()
        }
        _ => {
            let mut arn = table(&body["TableName"]);
            if let Some(index) = body["IndexName"].as_str() {
                arn = format!("{arn}/index/{index}");
            }
            one(arn)
        }
    }
}

/// What a PartiQL statement asks for, as AWS authorizes it: `dynamodb:PartiQLSelect` (…Insert,
/// …Update, …Delete) on its table or index. A statement that does not parse asks for nothing: the
/// operation refuses it anyway.
fn partiql(ns: &Namespace, statement: &Value) -> Option<(String, String)> {
    use crate::partiql::Statement;
    let (stmt, _) = crate::partiql::parse(statement.as_str()?).ok()?;
    let verb = match stmt {
        Statement::Select { .. } => "Select",
        Statement::Insert { .. } => "Insert",
        Statement::Update { .. } => "Update",
        Statement::Delete { .. } => "Delete",
    };
    let target = stmt.target();
    let mut arn = ns.table_arn(&target.table);
    if let Some(index) = &target.index {
        arn = format!("{arn}/index/{index}");
    }
    Some((format!("dynamodb:PartiQL{verb}"), arn))
}

/// Refuses `op` unless every resource it asks for is allowed to the caller (`key` of
/// `ns.account`, with `identity` policies): AWS's evaluation for one account, an explicit Deny
/// in either policy first, then an Allow in either.
pub fn check(
    engine: &Engine,
    ns: &Namespace,
    key: &str,
    identity: &[PolicyDocument],
    op: Operation,
    body: &Value,
) -> Result<(), Error> {
    let caller_arn = format!("arn:aws:iam::{}:user/{key}", ns.account);
    let caller = Caller {
        account: &ns.account,
        arn: &caller_arn,
    };
    for (action, resource) in requested(engine, ns, op, body) {
        let mine = identity
            .iter()
            .map(|d| d.decide(&action, &resource, &caller))
            .max()
            .unwrap_or(Decision::Silent);
        let theirs = resource_policy(ns, &resource).map_or(Decision::Silent, |d| d.decide(&action, &resource, &caller));
        let why = match (mine, theirs) {
            (Decision::Deny, _) => "with an explicit deny in an identity-based policy".to_string(),
            (_, Decision::Deny) => "with an explicit deny in a resource-based policy".to_string(),
            (Decision::Allow, _) | (_, Decision::Allow) => continue,
            _ => format!("because no identity-based policy allows the {action} action"),
        };
        return Err(Error::new(
            ErrorKind::AccessDenied,
            format!("User: {caller_arn} is not authorized to perform: {action} on resource: {resource} {why}"),
        ));
    }
    Ok(())
}

/// The stored policy governing `resource`: a table's for it and its indexes, a stream's for it.
/// A stored document the evaluator cannot read governs nothing.
fn resource_policy(ns: &Namespace, resource: &str) -> Option<PolicyDocument> {
    let owner = match resource.split_once("/index/") {
        Some((table, _)) => table,
        None => resource,
    };
    let stored = ns.store.with_policy(owner, |slot| slot.clone())?;
    parse(&stored.document).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_parse_single_and_listed_members() {
        let doc = parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"dynamodb:*","Resource":["a","b"]}}"#,
        )
        .unwrap();
        assert_eq!(
            doc.statements,
            [Statement {
                allow: false,
                actions: vec!["dynamodb:*".into()],
                resources: Some(vec!["a".into(), "b".into()]),
                principals: None
            }]
        );
        let doc = parse(
            r#"{"Statement":[{"Effect":"Allow","Action":["dynamodb:GetItem"],"Principal":{"AWS":"111122223333"}}]}"#,
        )
        .unwrap();
        assert_eq!(doc.statements[0].principals, Some(vec!["111122223333".to_string()]));
        assert_eq!(
            parse(r#"{"Statement":{"Effect":"Allow","Action":"x","Condition":{}}}"#),
            Err("Condition is not supported by the emulator's policy evaluation".into())
        );
        assert_eq!(
            parse(r#"{"Statement":{"Effect":"Maybe","Action":"x"}}"#),
            Err("a statement's Effect must be Allow or Deny".into())
        );
    }
}
