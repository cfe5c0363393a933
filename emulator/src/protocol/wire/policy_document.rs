//! A resource-based policy document (PutResourcePolicy, CreateTable's ResourcePolicy): the checks
//! DynamoDB makes before attaching it, and the canonical form it keeps of it, which
//! GetResourcePolicy answers and which tells an equivalent re-Put (the same revision) from a
//! change. Both as an ACK controller's catalogue measured them on AWS in October 2026
//! (DDB-TABLE-207/208/211/351-356; see FIDELITY.md for the texts that are our reading).

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::ops::policies::Document;

/// DynamoDB's limit on a policy document, whitespace included.
const MAX_POLICY_BYTES: usize = 20 * 1024;

/// DynamoDB actions that act on no table or stream, so a resource policy cannot grant them.
const ACCOUNT_ACTIONS: &[&str] = &["ListTables", "ListStreams", "DescribeLimits", "DescribeEndpoints"];

/// The actions on a stream, which a table's policy cannot grant.
const STREAM_ACTIONS: &[&str] = &["GetRecords", "GetShardIterator", "DescribeStream"];

/// A statement's members in the canonical order; any other member follows them.
const STATEMENT_ORDER: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// The version IAM assumes for a document without one, which GetResourcePolicy shows.
const DEFAULT_VERSION: &str = "2008-10-17";

/// What a policy is attached to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Table,
    Stream,
}

impl Target {
    /// The kind of resource an ARN names, for the policy checks; the ARN itself is checked later.
    pub fn of(arn: &str) -> Target {
        if arn.contains("/stream/") {
            Target::Stream
        } else {
            Target::Table
        }
    }
}

fn invalid(detail: impl std::fmt::Display) -> Error {
    Error::invalid_parameter(format!("Invalid policy document: {detail}"))
}

/// Checks a policy document for `target` as DynamoDB does before attaching it, and answers its
/// canonical form.
pub fn canonical(document: &str, target: Target) -> Result<Document> {
    if document.len() > MAX_POLICY_BYTES {
        return Err(Error::invalid_parameter(format!(
            "Maximum policy size of {MAX_POLICY_BYTES} bytes exceeded"
        )));
    }
    // serde_json refuses nesting past 128 levels, which bounds the recursion below.
    let policy: Value = serde_json::from_str(document).map_err(|_| invalid("This policy contains invalid Json"))?;
    // AWS, October 2026 (the ACK catalogue's DDB-TABLE-457): `null` and `[]` in these words.
    let policy = match policy {
        Value::Object(policy) => policy,
        Value::Null => return Err(invalid("This text appears not to be a policy")),
        _ => return Err(invalid("This policy contains invalid Json")),
    };
    if let Some(version) = policy.get("Version") {
        if !matches!(version.as_str(), Some("2012-10-17" | DEFAULT_VERSION)) {
            return Err(invalid("The policy must contain a valid version string"));
        }
    }
    let statements = match policy.get("Statement") {
        Some(Value::Array(list)) if list.is_empty() => {
            return Err(invalid("Could not parse the policy: Statement is empty!"))
        }
        Some(Value::Array(list)) => list.iter().map(statement).collect::<Result<Vec<_>>>()?,
        Some(one @ Value::Object(_)) => vec![statement(one)?],
        _ => return Err(invalid("Missing required field Statement")),
    };
    statements.iter().try_for_each(|s| check_statement(s, target))?;
    let mut sids = HashSet::new();
    if !statements
        .iter()
        .filter_map(|s| s.get("Sid"))
        .all(|sid| sids.insert(sid.to_string()))
    {
        return Err(invalid("The Statement Ids in the policy are not unique"));
    }
    if statements.iter().any(|s| unbounded(s)) {
        return Err(Error::validation(
            "Resource-based policy grants unbounded access in one or more elements. Please revise the policy to ensure least-privilege form of access",
        ));
    }
    let mut out = Writer::default();
    out.object(&policy, &["Version", "Statement"], |out, key, value| match key {
        "Statement" => {
            out.raw("[");
            for (i, s) in statements.iter().enumerate() {
                out.raw(if i == 0 { "" } else { "," });
                out.object(s, STATEMENT_ORDER, Writer::statement_member);
            }
            out.raw("]");
        }
        _ => out.value(value),
    });
    Ok(out.finish())
}

/// GetResourcePolicy's form of a stored canonical document: with the version IAM assumes when
/// it names none. Kept apart from the stored form because AWS keeps them apart: a re-Put of the
/// document read back is a change, a re-Put of the one without a version is not (DDB-TABLE-354).
pub fn read_back(document: &str) -> String {
    match document.strip_prefix("{\"Statement\":") {
        Some(rest) => format!("{{\"Version\":\"{DEFAULT_VERSION}\",\"Statement\":{rest}"),
        None => document.to_string(),
    }
}

fn statement(s: &Value) -> Result<&Map<String, Value>> {
    s.as_object()
        .ok_or_else(|| invalid("Each policy statement must be a JSON object"))
}

fn check_statement(statement: &Map<String, Value>, target: Target) -> Result<()> {
    match statement.get("Effect").and_then(Value::as_str) {
        Some(e) if effect(e).is_some() => {}
        Some(other) => return Err(invalid(format!("Invalid effect: {other}"))),
        None => return Err(invalid("Missing required field Effect")),
    }
    if !statement.contains_key("Principal") && !statement.contains_key("NotPrincipal") {
        return Err(invalid("Missing required field Principal"));
    }
    let actions = match statement.get("Action").or_else(|| statement.get("NotAction")) {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(list)) if !list.is_empty() => list.iter().map(|a| a.as_str().unwrap_or_default()).collect(),
        _ => return Err(invalid("Missing required field Action")),
    };
    if !statement.contains_key("Resource") && !statement.contains_key("NotResource") {
        return Err(invalid("Missing required field Resource"));
    }
    let refused: Vec<String> = actions
        .into_iter()
        .filter(|a| !action_ok(a, target))
        .map(|a| format!("\"{a}\""))
        .collect();
    if !refused.is_empty() {
        return Err(invalid(format!(
            "The following action names are invalid: {}",
            refused.join(", ")
        )));
    }
    let resources = match statement.get("Resource") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one) => vec![one],
        None => vec![],
    };
    for arn in resources.into_iter().filter_map(Value::as_str) {
        if let Some(relative) = wrong_kind(arn, target) {
            return Err(invalid(format!(
                "The relative-id \"{relative}\" is invalid for ARN \"{arn}\""
            )));
        }
    }
    Ok(())
}

/// The resource part of a DynamoDB ARN of the wrong kind for a policy on `target`: a table's
/// policy may name tables and their indexes (any table's), a stream's only streams
/// (DDB-TABLE-211/212).
fn wrong_kind(arn: &str, target: Target) -> Option<&str> {
    let relative = match arn.splitn(6, ':').collect::<Vec<_>>()[..] {
        ["arn", _, "dynamodb", _, _, relative] => relative,
        _ => return None,
    };
    let stream = relative.starts_with("table/") && relative.contains("/stream/");
    (stream != (target == Target::Stream)).then_some(relative)
}

/// An Effect as IAM reads it, in any case: whether it allows.
fn effect(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "allow" => Some(true),
        "deny" => Some(false),
        _ => None,
    }
}

/// A DynamoDB action (or a wildcard over them) a policy on `target` may name.
fn action_ok(action: &str, target: Target) -> bool {
    let named = |list: &[&str], name: &str| list.iter().any(|a| a.eq_ignore_ascii_case(name));
    match action.split_once(':') {
        Some((service, name)) if service.eq_ignore_ascii_case("dynamodb") => {
            let refused = named(ACCOUNT_ACTIONS, name) || (target == Target::Table && named(STREAM_ACTIONS, name));
            !name.is_empty() && !refused
        }
        _ => action == "*",
    }
}

/// An Allow to everyone (`"*"`, or `"*"` among the AWS principals) that no Condition narrows:
/// DynamoDB refuses to make a resource public.
fn unbounded(statement: &Map<String, Value>) -> bool {
    let allows = statement.get("Effect").and_then(Value::as_str).and_then(effect) == Some(true);
    let everyone = match statement.get("Principal") {
        Some(Value::String(p)) => p == "*",
        Some(Value::Object(kinds)) => match kinds.get("AWS") {
            Some(Value::String(p)) => p == "*",
            Some(Value::Array(list)) => list.iter().any(|p| p == "*"),
            _ => false,
        },
        _ => false,
    };
    allows && everyone && !statement.contains_key("Condition")
}

/// Whether `text` is an account id, which a principal list may name for the account's root.
fn account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// The account whose root `arn` is (`arn:<partition>:iam::<id>:root`).
fn root_of(arn: &str) -> Option<&str> {
    let (_, rest) = arn.strip_prefix("arn:")?.split_once(":iam::")?;
    rest.strip_suffix(":root").filter(|id| account_id(id))
}

/// Writes the canonical form: minified, members in the canonical order, a one-element list as
/// its element; account ids among the AWS principals left to the operation to turn into root
/// ARNs (their partition is the namespace's).
#[derive(Default)]
struct Writer {
    text: Vec<String>,
    accounts: Vec<String>,
    now: String,
}

impl Writer {
    fn raw(&mut self, s: &str) {
        self.now.push_str(s);
    }

    fn string(&mut self, s: &str) {
        self.now.push_str(&Value::from(s).to_string());
    }

    /// An object: the members `order` names first, in that order, then the others (by name).
    fn object(&mut self, map: &Map<String, Value>, order: &[&str], mut member: impl FnMut(&mut Self, &str, &Value)) {
        let rest = map.keys().map(String::as_str).filter(|k| !order.contains(k));
        self.raw("{");
        let present = order.iter().copied().filter(|k| map.contains_key(*k)).chain(rest);
        for (i, key) in present.enumerate() {
            self.raw(if i == 0 { "" } else { "," });
            self.string(key);
            self.raw(":");
            member(self, key, &map[key]);
        }
        self.raw("}");
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::Array(list) if list.len() == 1 => self.value(&list[0]),
            Value::Array(list) => self.list(list.iter(), Self::value),
            Value::Object(map) => self.object(map, &[], |out, _, v| out.value(v)),
            other => self.raw(&other.to_string()),
        }
    }

    fn list<T>(&mut self, items: impl Iterator<Item = T>, mut each: impl FnMut(&mut Self, T)) {
        self.raw("[");
        for (i, item) in items.enumerate() {
            self.raw(if i == 0 { "" } else { "," });
            each(self, item);
        }
        self.raw("]");
    }

    fn statement_member(&mut self, key: &str, value: &Value) {
        match (key, value) {
            ("Effect", Value::String(e)) => self.string(if effect(e) == Some(true) { "Allow" } else { "Deny" }),
            ("Principal" | "NotPrincipal", Value::Object(kinds)) => {
                self.object(kinds, &["AWS"], |out, kind, v| match kind {
                    "AWS" => out.aws_principals(v),
                    _ => out.value(v),
                })
            }
            _ => self.value(value),
        }
    }

    /// AWS principals: an account id stands for the account's root, and the same principal
    /// named twice (as id and as root ARN) is kept once.
    fn aws_principals(&mut self, v: &Value) {
        let Some(list) = v
            .as_array()
            .map(|l| l.iter().collect())
            .or_else(|| v.is_string().then(|| vec![v]))
        else {
            return self.value(v);
        };
        let mut seen = HashSet::new();
        let kept: Vec<&Value> = list
            .into_iter()
            .filter(|p| {
                let text = p.as_str().unwrap_or_default();
                let id = if account_id(text) { Some(text) } else { root_of(text) };
                seen.insert(id.map_or_else(|| p.to_string(), |id| format!("root {id}")))
            })
            .collect();
        let one = |out: &mut Self, p: &Value| match p.as_str() {
            Some(id) if account_id(id) => out.account(id),
            _ => out.value(p),
        };
        match kept[..] {
            [p] => one(self, p),
            _ => self.list(kept.into_iter(), one),
        }
    }

    fn account(&mut self, id: &str) {
        self.raw("\"");
        self.text.push(std::mem::take(&mut self.now));
        self.accounts.push(id.to_string());
        self.raw("\"");
    }

    fn finish(mut self) -> Document {
        self.text.push(self.now);
        Document {
            text: self.text,
            accounts: self.accounts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(document: &str) -> String {
        canonical(document, Target::Table).unwrap_err().message.unwrap()
    }

    fn form(document: &str) -> String {
        canonical(document, Target::Table).unwrap().render("aws")
    }

    const PREFIX: &str = "One or more parameter values were invalid: Invalid policy document: ";

    #[test]
    fn grammar() {
        let statement = |s: &str| format!(r#"{{"Version":"2012-10-17","Statement":[{s}]}}"#);
        let ok = r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":["dynamodb:GetItem","dynamodb:*"],"Resource":"*"}"#;
        form(&statement(ok));
        assert_eq!(err("nope"), format!("{PREFIX}This policy contains invalid Json"));
        assert_eq!(err(""), format!("{PREFIX}This policy contains invalid Json"));
        assert_eq!(err("[]"), format!("{PREFIX}This policy contains invalid Json"));
        assert_eq!(err("null"), format!("{PREFIX}This text appears not to be a policy"));
        assert_eq!(err("{}"), format!("{PREFIX}Missing required field Statement"));
        assert_eq!(
            err(r#"{"Statement":[]}"#),
            format!("{PREFIX}Could not parse the policy: Statement is empty!")
        );
        assert_eq!(
            err(r#"{"Version":"1","Statement":[]}"#),
            format!("{PREFIX}The policy must contain a valid version string")
        );
        assert_eq!(
            err(&statement(
                r#"{"Effect":"Maybe","Principal":"*","Action":"dynamodb:GetItem"}"#
            )),
            format!("{PREFIX}Invalid effect: Maybe")
        );
        assert_eq!(
            err(&statement(r#"{"Effect":"Allow","Action":"dynamodb:GetItem"}"#)),
            format!("{PREFIX}Missing required field Principal")
        );
        assert_eq!(
            err(&statement(r#"{"Effect":"Allow","Principal":"*"}"#)),
            format!("{PREFIX}Missing required field Action")
        );
        assert_eq!(
            err(&statement(
                r#"{"Effect":"Allow","Principal":"*","Action":"dynamodb:Query"}"#
            )),
            format!("{PREFIX}Missing required field Resource")
        );
        assert_eq!(
            err(&statement(
                r#"{"Effect":"Deny","Principal":"*","Action":["dynamodb:Query","dynamodb:ListStreams","s3:GetObject","dynamodb:getrecords"],"Resource":"*"}"#
            )),
            format!(
                r#"{PREFIX}The following action names are invalid: "dynamodb:ListStreams", "s3:GetObject", "dynamodb:getrecords""#
            )
        );
        let stream_policy = statement(
            r#"{"Effect":"Deny","Principal":"*","Action":["dynamodb:GetRecords","dynamodb:DescribeStream","dynamodb:GetShardIterator"],"NotResource":"x"}"#,
        );
        canonical(&stream_policy, Target::Stream).unwrap();
        let on = |resource: &str, target| {
            let document = statement(&format!(
                r#"{{"Effect":"Deny","Principal":"*","Action":"dynamodb:*","Resource":["*","{resource}"]}}"#
            ));
            canonical(&document, target).map(|_| ()).map_err(|e| e.message.unwrap())
        };
        let (table, stream) = (
            "arn:aws:dynamodb:us-east-1:1:table/t",
            "arn:aws:dynamodb:us-east-1:1:table/t/stream/x",
        );
        assert_eq!(on(table, Target::Table), Ok(()));
        assert_eq!(on(&format!("{table}/index/i"), Target::Table), Ok(()));
        assert_eq!(on(stream, Target::Stream), Ok(()));
        assert_eq!(
            on(stream, Target::Table),
            Err(format!(
                r#"{PREFIX}The relative-id "table/t/stream/x" is invalid for ARN "{stream}""#
            ))
        );
        assert_eq!(
            on(table, Target::Stream),
            Err(format!(
                r#"{PREFIX}The relative-id "table/t" is invalid for ARN "{table}""#
            ))
        );
        let twice = r#"{"Sid":"a","Effect":"Deny","Principal":"*","Action":"dynamodb:Query","Resource":"*"}"#;
        assert_eq!(
            err(&statement(&format!("{twice},{twice}"))),
            format!("{PREFIX}The Statement Ids in the policy are not unique")
        );
        let big = statement(&format!(
            r#"{{"Sid":"{}","Effect":"Allow","Principal":"*","Action":"dynamodb:Query"}}"#,
            " ".repeat(MAX_POLICY_BYTES)
        ));
        assert_eq!(
            err(&big),
            "One or more parameter values were invalid: Maximum policy size of 20480 bytes exceeded"
        );
    }

    #[test]
    fn an_allow_to_everyone_is_refused_unless_a_condition_narrows_it() {
        let unbounded = "Resource-based policy grants unbounded access in one or more elements. Please revise the policy to ensure least-privilege form of access";
        for principal in [r#""*""#, r#"{"AWS":"*"}"#, r#"{"AWS":["111122223333","*"]}"#] {
            let document = format!(
                r#"{{"Statement":{{"Effect":"allow","Principal":{principal},"Action":"dynamodb:Query","Resource":"*"}}}}"#
            );
            assert_eq!(err(&document), unbounded, "{principal}");
            form(&document.replace(r#""allow""#, r#""Deny""#));
            form(&document.replace(
                r#""Resource""#,
                r#""Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}},"Resource""#,
            ));
        }
    }

    #[test]
    fn the_canonical_form_is_minified_ordered_and_collapsed() {
        let sent = r#"{
            "Statement": {
                "Condition": {"StringEquals": {"aws:PrincipalAccount": ["111122223333"]}},
                "Resource": ["arn:aws:dynamodb:us-east-1:111122223333:table/t"],
                "Action": ["dynamodb:Query", "dynamodb:query", "dynamodb:Query"],
                "Principal": {"Service": ["a.amazonaws.com"], "AWS": ["111122223333", "arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:user/b\u00e9"]},
                "Effect": "deny",
                "Zed": [1],
                "Sid": "S1"
            },
            "Version": "2012-10-17"
        }"#;
        assert_eq!(
            form(sent),
            concat!(
                r#"{"Version":"2012-10-17","Statement":[{"Sid":"S1","Effect":"Deny","#,
                r#""Principal":{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::444455556666:user/bé"],"Service":"a.amazonaws.com"},"#,
                r#""Action":["dynamodb:Query","dynamodb:query","dynamodb:Query"],"#,
                r#""Resource":"arn:aws:dynamodb:us-east-1:111122223333:table/t","#,
                r#""Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}},"Zed":1}]}"#
            )
        );
        let by_id = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["111122223333"]},"Action":"dynamodb:Query","Resource":"*"}]}"#;
        let canonical = canonical(by_id, Target::Table).unwrap();
        assert_eq!(
            canonical.render("aws-cn"),
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws-cn:iam::111122223333:root"},"Action":"dynamodb:Query","Resource":"*"}]}"#
        );
        assert_eq!(
            read_back(&canonical.render("aws")),
            r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"dynamodb:Query","Resource":"*"}]}"#
        );
    }
}
