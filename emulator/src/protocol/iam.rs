//! Policies on the wire: IAM policy documents parsed into `iam::PolicyDocument`s, and the
//! (action, resource) pairs a request asks for, read from its body as AWS authorizes them
//! (every table of a batch; each transaction item as the single-item action it is). `check`
//! refuses a request its caller's identity policies and the resources' stored policies do not
//! allow, with AccessDeniedException in AWS's words.

use std::net::IpAddr;

use serde_json::Value;

use crate::engine::Engine;
use crate::error::{Error, ErrorKind};
use crate::expr::{KeyOp, Op, PathElem};
use crate::iam::{self, Caller, Condition, Context, Decision, Patterns, PolicyDocument, Sender, Statement};
use crate::model::{AttributeValue, KeySchema};
use crate::ops::Operation;
use crate::protocol::{attr, shape, wire::expressions, Body};
use crate::store::Namespace;

/// Parses an IAM policy document (`Statement`: one or a list; `Effect`, `Action`/`NotAction`,
/// `Resource`/`NotResource`, `Principal`/`NotPrincipal`, `Condition`). An operator, condition key
/// or policy variable the evaluator does not know is refused: ignoring it would allow or deny
/// wrongly.
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
    let allow = match s["Effect"].as_str() {
        Some("Allow") => true,
        Some("Deny") => false,
        _ => return Err("a statement's Effect must be Allow or Deny".into()),
    };
    let actions = element(s, "Action", strings)?.ok_or("a statement needs an Action or NotAction")?;
    let resources = element(s, "Resource", strings)?;
    for pattern in resources.iter().flat_map(|r| &r.list) {
        iam::check_variables(pattern)?;
    }
    let principals = element(s, "Principal", |p| match p {
        Value::String(p) => Some(vec![p.clone()]),
        Value::Object(p) => strings(&p["AWS"]),
        _ => None,
    })?;
    Ok(Statement {
        allow,
        actions,
        resources,
        principals,
        conditions: conditions(&s["Condition"])?,
    })
}

/// A statement's `name` or `Not<name>` element (not both), read by `read`.
fn element(s: &Value, name: &str, read: impl Fn(&Value) -> Option<Vec<String>>) -> Result<Option<Patterns>, String> {
    let not = format!("Not{name}");
    let (value, negated) = match (s.get(name), s.get(&not)) {
        (Some(_), Some(_)) => return Err(format!("a statement cannot have both {name} and {not}")),
        (Some(v), None) => (v, false),
        (None, Some(v)) => (v, true),
        (None, None) => return Ok(None),
    };
    let list = read(value).ok_or_else(|| match name {
        "Principal" => format!("a {name} must be \"*\" or {{\"AWS\": ...}}"),
        _ => format!("a statement's {name} must be a string or a list of strings"),
    })?;
    Ok(Some(Patterns { list, negated }))
}

/// A `Condition` block: `{operator: {key: value or list}}`; values may be strings, numbers or
/// booleans, compared as their text.
fn conditions(block: &Value) -> Result<Vec<Condition>, String> {
    let operators = match block {
        Value::Null => return Ok(vec![]),
        Value::Object(operators) => operators,
        _ => return Err("a Condition must be an object of operators".into()),
    };
    let mut out = Vec::new();
    for (operator, keys) in operators {
        let keys = keys
            .as_object()
            .ok_or_else(|| format!("condition operator {operator} must map keys to values"))?;
        for (key, values) in keys {
            let text = |v: &Value| match v {
                Value::String(s) => Some(s.clone()),
                Value::Bool(_) | Value::Number(_) => Some(v.to_string()),
                _ => None,
            };
            let values = match values {
                Value::Array(list) => list.iter().map(text).collect(),
                one => text(one).map(|v| vec![v]),
            }
            .ok_or_else(|| format!("the values of {operator} {key} must be strings, numbers or booleans"))?;
            values.iter().try_for_each(|v| iam::check_variables(v))?;
            out.push(Condition::new(operator, key, values)?);
        }
    }
    Ok(out)
}

/// A string or a list of strings.
fn strings(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Array(list) => list.iter().map(|s| s.as_str().map(String::from)).collect(),
        _ => None,
    }
}

/// One permission a request needs: an action on a resource, with the condition keys its part of
/// the request carries.
struct Ask {
    action: String,
    resource: String,
    keys: Context,
}

/// The permissions `op` asks for with this body.
fn requested(engine: &Engine, ns: &Namespace, op: Operation, body: &Value) -> Vec<Ask> {
    let table = |name: &Value| engine.table_name(name.as_str().unwrap_or_default()).to_string();
    let ask = |action: &str, resource: String| Ask {
        action: format!("dynamodb:{action}"),
        resource,
        keys: Context::default(),
    };
    // A data-plane part of the request, on `table`, with the condition keys `parts` carry.
    let data = |action: &str, table: String, kind: Op, parts: &[&Value]| {
        let index = body["IndexName"]
            .as_str()
            .filter(|_| matches!(kind, Op::Query | Op::Scan));
        let mut arn = ns.table_arn(&table);
        if let Some(index) = index {
            arn = format!("{arn}/index/{index}");
        }
        Ask {
            keys: data_keys(ns, &table, index, kind, parts, body),
            ..ask(action, arn)
        }
    };
    let one = |resource: String| vec![ask(op.name(), resource)];
    match op {
        Operation::ListTables | Operation::ListStreams => one(ns.table_arn("*")),
        Operation::DescribeEndpoints
        | Operation::DescribeLimits
        | Operation::ListBackups
        | Operation::ListContributorInsights => one("*".into()),
        // A restore from a backup is authorized on the backup, one to a point in time on its source.
        Operation::DescribeBackup | Operation::DeleteBackup | Operation::RestoreTableFromBackup => {
            one(body["BackupArn"].as_str().unwrap_or_default().into())
        }
        Operation::RestoreTableToPointInTime => match body["SourceTableArn"].as_str() {
            Some(arn) => one(arn.into()),
            None => one(ns.table_arn(&table(&body["SourceTableName"]))),
        },
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
        Operation::GetItem => vec![data(op.name(), table(&body["TableName"]), Op::GetItem, &[body])],
        Operation::PutItem => vec![data(op.name(), table(&body["TableName"]), Op::PutItem, &[body])],
        Operation::UpdateItem => vec![data(op.name(), table(&body["TableName"]), Op::UpdateItem, &[body])],
        Operation::DeleteItem => vec![data(op.name(), table(&body["TableName"]), Op::DeleteItem, &[body])],
        Operation::Query => vec![data(op.name(), table(&body["TableName"]), Op::Query, &[body])],
        Operation::Scan => vec![data(op.name(), table(&body["TableName"]), Op::Scan, &[body])],
        Operation::BatchGetItem | Operation::BatchWriteItem => body["RequestItems"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, part)| {
                let (kind, parts): (Op, Vec<&Value>) = match part {
                    // BatchWriteItem: a list of PutRequest/DeleteRequest.
                    Value::Array(writes) => (
                        Op::PutItem,
                        writes.iter().filter_map(|w| w.as_object()?.values().next()).collect(),
                    ),
                    keys_and_attributes => (Op::GetItem, vec![keys_and_attributes]),
                };
                data(op.name(), table(&Value::String(name.clone())), kind, &parts)
            })
            .collect(),
        Operation::TransactWriteItems | Operation::TransactGetItems => body["TransactItems"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| {
                let (kind, member) = item.as_object()?.iter().next()?;
                let (name, kind) = match kind.as_str() {
                    "Put" => ("PutItem", Op::PutItem),
                    "Update" => ("UpdateItem", Op::UpdateItem),
                    "Delete" => ("DeleteItem", Op::DeleteItem),
                    "ConditionCheck" => ("ConditionCheckItem", Op::ConditionCheck),
                    _ => ("GetItem", Op::GetItem),
                };
                let mut ask = data(name, table(&member["TableName"]), kind, &[member]);
                ask.keys.set("dynamodb:EnclosingOperation", vec![op.name().to_string()]);
                Some(ask)
            })
            .collect(),
        Operation::ExecuteStatement => partiql(ns, body, None).into_iter().collect(),
        Operation::BatchExecuteStatement => body["Statements"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| partiql(ns, s, None))
            .collect(),
        Operation::ExecuteTransaction => body["TransactStatements"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| partiql(ns, s, Some(op.name())))
            .collect(),
        _ => one(ns.table_arn(&table(&body["TableName"]))),
    }
}

/// DynamoDB's condition keys for a request's `parts` on `table` (or its `index`), each part an
/// object with `Key`/`Keys`/`Item` and expressions; `body` is the whole request:
/// - `dynamodb:LeadingKeys`: the partition key values the parts name (Key, Item, Keys, or a
///   Query's key condition);
/// - `dynamodb:Attributes`: the top-level attribute names they read or write (key and item
///   attributes, projections, update targets); absent when they name none;
/// - `dynamodb:Select`: a read's Select, else what DynamoDB defaults it to (SPECIFIC_ATTRIBUTES
///   with a projection, ALL_PROJECTED_ATTRIBUTES on an index, ALL_ATTRIBUTES);
/// - `dynamodb:ReturnValues`, `dynamodb:ReturnConsumedCapacity`: as sent, else NONE.
///
/// Parts whose expressions do not parse add no names: the operation refuses them anyway.
fn data_keys(ns: &Namespace, table: &str, index: Option<&str>, kind: Op, parts: &[&Value], body: &Value) -> Context {
    let partition: Vec<String> = key_schema(ns, table, index)
        .map(|key| key.hash.into_iter().map(|a| a.name).collect())
        .unwrap_or_default();
    let (mut leading, mut names) = (Vec::new(), std::collections::BTreeSet::new());
    let mut projected = false;
    for part in parts {
        // Key and Item are parsed guided (`Shape::Attr` values, an item perhaps kept whole),
        // BatchGetItem's Keys as plain JSON.
        type Decode = fn(&Value) -> crate::error::Result<AttributeValue>;
        let item = shape::item_members(&part["Item"]);
        let guided = [&part["Key"], &*item]
            .into_iter()
            .map(|k| (k, attr::decode_kept as Decode));
        let plain = part["Keys"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|k| (k, attr::decode as Decode));
        for (key, decode) in guided.chain(plain) {
            let Some(key) = key.as_object() else { continue };
            names.extend(key.keys().cloned());
            leading.extend(partition.iter().filter_map(|p| scalar(&decode(key.get(p)?).ok()?)));
        }
        let Ok(parsed) = expressions::parse(Body(part), kind) else {
            continue;
        };
        if let Some(condition) = &parsed.key_condition {
            for c in condition.conds.iter().filter(|c| partition.contains(&c.name)) {
                if let KeyOp::Eq(v) = &c.op {
                    leading.extend(scalar(v));
                }
            }
        }
        let top = |p: &crate::expr::Path| match p.0.first() {
            Some(PathElem::Attr(name)) => Some(name.clone()),
            _ => None,
        };
        projected |= parsed.projection.is_some();
        names.extend(parsed.projection.iter().flatten().filter_map(top));
        names.extend(
            parsed
                .update
                .iter()
                .flat_map(|u| &u.actions)
                .filter_map(|a| top(a.path())),
        );
    }
    let mut keys = Context::default();
    if !leading.is_empty() {
        keys.set("dynamodb:LeadingKeys", leading);
    }
    if !names.is_empty() {
        keys.set("dynamodb:Attributes", names.into_iter().collect());
    }
    let or = |field: &str, default: &str| body[field].as_str().unwrap_or(default).to_string();
    if matches!(kind, Op::GetItem | Op::Query | Op::Scan) {
        keys.set("dynamodb:Select", vec![or("Select", default_select(projected, index))]);
    }
    if matches!(kind, Op::PutItem | Op::UpdateItem | Op::DeleteItem) {
        keys.set("dynamodb:ReturnValues", vec![or("ReturnValues", "NONE")]);
    }
    keys.set(
        "dynamodb:ReturnConsumedCapacity",
        vec![or("ReturnConsumedCapacity", "NONE")],
    );
    keys
}

/// The key schema of `table`, or of its `index`, when both exist.
fn key_schema(ns: &Namespace, table: &str, index: Option<&str>) -> Option<KeySchema> {
    let table = ns.store.table(table)?;
    let def = &table.state.read().def;
    Some(match index {
        Some(index) => def.index(index)?.0.key.clone(),
        None => def.key.clone(),
    })
}

/// What DynamoDB takes a read's `Select` to be when the request does not say.
fn default_select(projected: bool, index: Option<&str>) -> &'static str {
    match (projected, index) {
        (true, _) => "SPECIFIC_ATTRIBUTES",
        (false, Some(_)) => "ALL_PROJECTED_ATTRIBUTES",
        (false, None) => "ALL_ATTRIBUTES",
    }
}

/// A key attribute's value as IAM compares it: a string or number as its text, a binary in
/// base64, as sent.
fn scalar(value: &AttributeValue) -> Option<String> {
    use base64::Engine;
    match value {
        AttributeValue::S(s) => Some(s.clone()),
        AttributeValue::N(n) => Some(n.to_string()),
        AttributeValue::B(b) => Some(base64::engine::general_purpose::STANDARD.encode(b)),
        _ => None,
    }
}

/// What a PartiQL statement (`part`: its `Statement` and `Parameters`) asks for, as AWS
/// authorizes it: `dynamodb:PartiQLSelect` (…Insert, …Update, …Delete) on its table or index,
/// with the condition keys AWS lists for these actions, read off the statement as the matching
/// item operation's are off its request:
/// - `dynamodb:LeadingKeys`: the partition key an INSERT's item has, or every value a WHERE
///   clause holds it to (`bind::values_of`: an equality, an `IN` list, equalities joined by OR);
/// - `dynamodb:Attributes`: the item's names (INSERT), the projected names (SELECT), the SET and
///   REMOVE targets (UPDATE), and the key attributes the WHERE clause holds to values;
/// - `dynamodb:Select` (SELECT): SPECIFIC_ATTRIBUTES with a projection, else as a Scan's default;
/// - `dynamodb:FullTableScan` (SELECT): `true` unless the WHERE clause holds every partition
///   key attribute to values (as DynamoDB's SELECT reference says, an equality or `IN` on the
///   partition key avoids a full table scan);
/// - `dynamodb:ReturnValues` (UPDATE, DELETE): the RETURNING clause as ReturnValues names it,
///   else NONE;
/// - `dynamodb:EnclosingOperation`: `enclosing`, ExecuteTransaction for a transaction's
///   statements.
///
/// A statement that does not parse asks for nothing, and one whose parameters do not bind carries
/// no LeadingKeys: the operation refuses both anyway.
fn partiql(ns: &Namespace, part: &Value, enclosing: Option<&str>) -> Option<Ask> {
    use crate::partiql::{ast::UpdateClause, bind, Returning, Select, Statement, Write};
    let (stmt, _) = crate::partiql::parse(part["Statement"].as_str()?).ok()?;
    let params: Vec<AttributeValue> = part["Parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(attr::decode_kept)
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    let target = stmt.target();
    let key = key_schema(ns, &target.table, target.index.as_deref());
    let names_of = |attrs: &mut dyn Iterator<Item = &crate::model::KeyAttr>| -> Vec<String> {
        attrs.map(|a| a.name.clone()).collect()
    };
    let key_names = key.as_ref().map(|k| names_of(&mut k.attrs())).unwrap_or_default();
    let partition = key.as_ref().map(|k| names_of(&mut k.hash.iter())).unwrap_or_default();
    // The key attributes `filter` holds to values (by equality or an `IN` list), with each value.
    let named = |filter: &Option<crate::partiql::Expr>| -> Vec<(String, AttributeValue)> {
        let Some(filter) = filter else { return vec![] };
        key_names
            .iter()
            .filter_map(|name| Some((name, bind::values_of(filter, name, &params).ok()??)))
            .flat_map(|(name, values)| values.into_iter().map(move |v| (name.clone(), v)))
            .collect()
    };
    let top = |p: &crate::expr::Path| match p.0.first() {
        Some(PathElem::Attr(name)) => Some(name.clone()),
        _ => None,
    };
    let (verb, given, mut names, returning) = match &stmt {
        Statement::Read(Select { projection, filter, .. }) => {
            let names = projection.iter().flatten().filter_map(top).collect();
            ("Select", named(filter), names, None)
        }
        Statement::Write(Write::Insert { value, .. }) => {
            let item = bind::insert_item(value, &params).unwrap_or_default();
            let given = item.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            ("Insert", given, vec![], None)
        }
        Statement::Write(Write::Update {
            actions,
            filter,
            returning,
            ..
        }) => {
            let names = actions
                .iter()
                .filter_map(|a| match a {
                    UpdateClause::Set(path, _) | UpdateClause::Remove(path) => top(path),
                })
                .collect();
            ("Update", named(filter), names, Some(*returning))
        }
        Statement::Write(Write::Delete { filter, returning, .. }) => {
            ("Delete", named(filter), vec![], Some(*returning))
        }
        // A check reads its item: PartiQLSelect, as the SELECT it wraps.
        Statement::Write(Write::Exists { filter, .. }) => ("Select", named(filter), vec![], None),
    };
    let leading: Vec<String> = given
        .iter()
        .filter(|(name, _)| partition.contains(name))
        .filter_map(|(_, v)| scalar(v))
        .collect();
    let mut keys = Context::default();
    if let Statement::Read(Select { projection, .. }) = &stmt {
        let default = default_select(projection.is_some(), target.index.as_deref());
        keys.set("dynamodb:Select", vec![default.to_string()]);
        let scan = partition.is_empty() || partition.iter().any(|p| !given.iter().any(|(name, _)| name == p));
        keys.set("dynamodb:FullTableScan", vec![scan.to_string()]);
    }
    if let Some(returning) = returning {
        let value = match returning {
            None => "NONE",
            Some(Returning::AllOld) => "ALL_OLD",
            Some(Returning::ModifiedOld) => "UPDATED_OLD",
            Some(Returning::AllNew) => "ALL_NEW",
            Some(Returning::ModifiedNew) => "UPDATED_NEW",
        };
        keys.set("dynamodb:ReturnValues", vec![value.to_string()]);
    }
    if !leading.is_empty() {
        keys.set("dynamodb:LeadingKeys", leading);
    }
    names.extend(given.into_iter().map(|(name, _)| name));
    names.sort();
    names.dedup();
    if !names.is_empty() {
        keys.set("dynamodb:Attributes", names);
    }
    if let Some(enclosing) = enclosing {
        keys.set("dynamodb:EnclosingOperation", vec![enclosing.to_string()]);
    }
    let mut arn = ns.table_arn(&target.table);
    if let Some(index) = &target.index {
        arn = format!("{arn}/index/{index}");
    }
    Some(Ask {
        action: format!("dynamodb:PartiQL{verb}"),
        resource: arn,
        keys,
    })
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
    source: Option<IpAddr>,
) -> Result<(), Error> {
    let now = engine.clock.now_millis();
    let caller_arn = iam::user_arn(ns.partition(), &ns.account, key);
    let caller = Caller {
        account: &ns.account,
        arn: &caller_arn,
        partition: ns.partition(),
    };
    for Ask {
        action,
        resource,
        mut keys,
    } in requested(engine, ns, op, body)
    {
        keys.set_global(Sender { key, source }, &ns.account, &caller_arn, &ns.region, now);
        let decide = |d: &PolicyDocument| d.decide(&action, &resource, &caller, &keys);
        let mine = identity.iter().map(decide).max().unwrap_or(Decision::Silent);
        let theirs = resource_policy(ns, &resource).map_or(Decision::Silent, |d| decide(&d));
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
                actions: Patterns::of(vec!["dynamodb:*".into()]),
                resources: Some(Patterns::of(vec!["a".into(), "b".into()])),
                principals: None,
                conditions: vec![],
            }]
        );
        let doc = parse(
            r#"{"Statement":[{"Effect":"Allow","Action":["dynamodb:GetItem"],"Principal":{"AWS":"111122223333"}}]}"#,
        )
        .unwrap();
        assert_eq!(
            doc.statements[0].principals,
            Some(Patterns::of(vec!["111122223333".to_string()]))
        );
        let doc = parse(
            r#"{"Statement":{"Effect":"Deny","NotAction":"dynamodb:Get*","NotResource":"arn:x","Condition":{"ForAllValues:StringEquals":{"dynamodb:Attributes":["a",1,true]},"Null":{"dynamodb:Select":"true"}}}}"#,
        )
        .unwrap();
        let s = &doc.statements[0];
        assert!(s.actions.negated && s.resources.as_ref().unwrap().negated);
        assert_eq!(
            s.conditions,
            [
                Condition::new(
                    "ForAllValues:StringEquals",
                    "dynamodb:Attributes",
                    vec!["a".into(), "1".into(), "true".into()]
                )
                .unwrap(),
                Condition::new("Null", "dynamodb:Select", vec!["true".into()]).unwrap(),
            ]
        );
        assert_eq!(
            parse(
                r#"{"Statement":{"Effect":"Allow","Action":"x","Condition":{"StringEquals":{"dynamodb:Nope":"1"}}}}"#
            )
            .unwrap_err(),
            format!(
                "condition key dynamodb:nope is not supported by the emulator's policy evaluation (it knows {})",
                iam::KEYS.join(", ")
            )
        );
        assert_eq!(
            parse(r#"{"Statement":{"Effect":"Allow","Action":"x","NotAction":"y"}}"#),
            Err("a statement cannot have both Action and NotAction".into())
        );
        assert_eq!(
            parse(r#"{"Statement":{"Effect":"Allow","Action":"x","Resource":"table/${aws:principaltag/team}"}}"#),
            Err("policy variable ${aws:principaltag/team} is not supported by the emulator's policy evaluation".into())
        );
        assert_eq!(
            parse(r#"{"Statement":{"Effect":"Maybe","Action":"x"}}"#),
            Err("a statement's Effect must be Allow or Deny".into())
        );
    }
}
