//! IAM policy evaluation, as AWS does it for DynamoDB: identity policies attached to an access key
//! and the resource policies PutResourcePolicy stored, each a list of Allow/Deny statements over
//! actions, resource ARNs and principals (each element possibly `Not…`) with `*`/`?` wildcards,
//! and `Condition` blocks over the request's condition keys. An explicit Deny anywhere wins;
//! otherwise an Allow in either policy grants the request (same account). Knows no JSON:
//! `protocol::iam` parses the documents and reads the condition keys off requests.

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::clock::{extended_iso8601, parse_w3c_datetime};
use crate::model::Number;

/// One statement of a policy document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub allow: bool,
    /// Action patterns (`dynamodb:Get*`), matched case-insensitively as IAM does.
    pub actions: Patterns,
    /// Resource ARN patterns; a resource policy's statements may leave them out (the policy's
    /// own resource).
    pub resources: Option<Patterns>,
    /// A resource policy's principals (`*`, an account id, an account root or user ARN);
    /// `None` in identity policies.
    pub principals: Option<Patterns>,
    /// Every one must hold for the statement to apply.
    pub conditions: Vec<Condition>,
}

/// The patterns a statement element lists: it matches what they name (`Action`) or, negated,
/// everything they do not name (`NotAction`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Patterns {
    pub list: Vec<String>,
    pub negated: bool,
}

impl Patterns {
    #[cfg(test)]
    pub fn of(list: Vec<String>) -> Patterns {
        Patterns { list, negated: false }
    }

    fn matches(&self, mut one: impl FnMut(&str) -> bool) -> bool {
        self.list.iter().any(|p| one(p)) != self.negated
    }
}

/// The condition keys the evaluator knows (lower case: IAM compares keys case-insensitively).
/// A policy naming another is refused when loaded: ignoring it would allow or deny wrongly.
pub const KEYS: &[&str] = &[
    "dynamodb:leadingkeys",
    "dynamodb:attributes",
    "dynamodb:select",
    "dynamodb:returnvalues",
    "dynamodb:returnconsumedcapacity",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principaltype",
    "aws:username",
    "aws:userid",
    "aws:requestedregion",
    "aws:currenttime",
    "aws:epochtime",
    "aws:sourceip",
    "dynamodb:fulltablescan",
    "dynamodb:enclosingoperation",
];

/// How a condition compares a key's value with one of the policy's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Test {
    Equals,
    EqualsIgnoreCase,
    /// `*` and `?` wildcards (StringLike).
    Like,
    /// An ARN, part by part (`arn_like`): ArnEquals and ArnLike, which IAM documents alike.
    Arn,
    Bool,
    /// Both sides read as numbers, compared exactly (DynamoDB's own decimal numbers).
    Numeric(Cmp),
    /// Both sides read as instants: a W3C form of ISO 8601, or epoch seconds.
    Date(Cmp),
    /// The key's address inside the policy's CIDR range (an address alone is a /32 or /128).
    Ip,
    /// Both sides' base64 decode to the same bytes.
    Binary,
}

/// The comparison of a Numeric or Date operator: key value `Cmp` policy value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    fn holds(self, order: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Cmp::Eq => order == Equal,
            Cmp::Lt => order == Less,
            Cmp::Le => order != Greater,
            Cmp::Gt => order == Greater,
            Cmp::Ge => order != Less,
        }
    }
}

impl Test {
    /// The test and negation an operator (without qualifier and `IfExists`) names.
    fn of(operator: &str) -> Option<(Test, bool)> {
        let typed = |rest: &str| {
            Some(match rest {
                "Equals" => (Cmp::Eq, false),
                "NotEquals" => (Cmp::Eq, true),
                "LessThan" => (Cmp::Lt, false),
                "LessThanEquals" => (Cmp::Le, false),
                "GreaterThan" => (Cmp::Gt, false),
                "GreaterThanEquals" => (Cmp::Ge, false),
                _ => return None,
            })
        };
        if let Some(rest) = operator.strip_prefix("Numeric") {
            return typed(rest).map(|(cmp, negated)| (Test::Numeric(cmp), negated));
        }
        if let Some(rest) = operator.strip_prefix("Date") {
            return typed(rest).map(|(cmp, negated)| (Test::Date(cmp), negated));
        }
        Some(match operator {
            "StringEquals" => (Test::Equals, false),
            "StringNotEquals" => (Test::Equals, true),
            "StringEqualsIgnoreCase" => (Test::EqualsIgnoreCase, false),
            "StringNotEqualsIgnoreCase" => (Test::EqualsIgnoreCase, true),
            "StringLike" => (Test::Like, false),
            "StringNotLike" => (Test::Like, true),
            "ArnEquals" | "ArnLike" => (Test::Arn, false),
            "ArnNotEquals" | "ArnNotLike" => (Test::Arn, true),
            "Bool" => (Test::Bool, false),
            "IpAddress" => (Test::Ip, false),
            "NotIpAddress" => (Test::Ip, true),
            "BinaryEquals" => (Test::Binary, false),
            _ => return None,
        })
    }

    /// Whether the test reads its values as a type rather than as text. IAM allows no policy
    /// variables in such values, and a key value of the wrong form matches nothing, whatever
    /// the operator's negation.
    fn typed(self) -> bool {
        matches!(self, Test::Numeric(_) | Test::Date(_) | Test::Ip | Test::Binary)
    }

    /// Whether `text` is a value of the test's type (any text is, for the string tests).
    fn reads(self, text: &str) -> bool {
        match self {
            Test::Numeric(_) => Number::parse(text).is_ok(),
            Test::Date(_) => instant(text).is_some(),
            Test::Ip => range(text).is_some(),
            Test::Binary => bytes(text).is_some(),
            _ => true,
        }
    }

    /// Whether the request's `value` matches the policy's `pattern`.
    fn matches(self, value: &str, pattern: &str) -> bool {
        match self {
            Test::Equals => pattern == value,
            Test::EqualsIgnoreCase | Test::Bool => pattern.eq_ignore_ascii_case(value),
            Test::Like => glob(pattern, value),
            Test::Arn => arn_like(pattern, value),
            Test::Numeric(cmp) => match (Number::parse(value), Number::parse(pattern)) {
                (Ok(v), Ok(p)) => cmp.holds(v.cmp(&p)),
                _ => false,
            },
            Test::Date(cmp) => instant(value)
                .zip(instant(pattern))
                .is_some_and(|(v, p)| cmp.holds(v.cmp(&p))),
            Test::Ip => value
                .parse()
                .ok()
                .zip(range(pattern))
                .is_some_and(|(address, range)| within(address, range)),
            Test::Binary => bytes(value).is_some_and(|v| bytes(pattern) == Some(v)),
        }
    }
}

/// IAM's ARN match: both sides' six colon-separated parts (`arn:partition:service:region:
/// account:resource`, the resource keeping any further colons) compared one by one, so a wildcard
/// matches within its part only and a pattern of fewer parts (`arn:aws:*`) matches no ARN.
fn arn_like(pattern: &str, arn: &str) -> bool {
    let (pattern, arn): (Vec<&str>, Vec<&str>) = (pattern.splitn(6, ':').collect(), arn.splitn(6, ':').collect());
    pattern.len() == 6 && arn.len() == 6 && pattern.iter().zip(&arn).all(|(p, a)| glob(p, a))
}

/// Milliseconds since the epoch of a Date operator's value: epoch seconds (digits only), else
/// one of the W3C profile's ISO 8601 forms IAM documents.
fn instant(text: &str) -> Option<i64> {
    match !text.is_empty() && text.bytes().all(|c| c.is_ascii_digit()) {
        true => text.parse::<i64>().ok()?.checked_mul(1000),
        false => parse_w3c_datetime(text),
    }
}

/// A CIDR range `address/bits`; an address alone is the range of just itself.
fn range(text: &str) -> Option<(IpAddr, u32)> {
    let (address, bits) = match text.split_once('/') {
        Some((address, bits)) => (address.parse().ok()?, bits.parse().ok()?),
        None => {
            let address: IpAddr = text.parse().ok()?;
            (address, if address.is_ipv4() { 32 } else { 128 })
        }
    };
    (bits <= if address.is_ipv4() { 32 } else { 128 }).then_some((address, bits))
}

/// Whether `address` lies in `range` (of the same family).
fn within(address: IpAddr, (network, bits): (IpAddr, u32)) -> bool {
    let (a, n, width) = match (address, network) {
        (IpAddr::V4(a), IpAddr::V4(n)) => (u128::from(u32::from(a)), u128::from(u32::from(n)), 32),
        (IpAddr::V6(a), IpAddr::V6(n)) => (u128::from(a), u128::from(n), 128),
        _ => return false,
    };
    let prefix = |x: u128| x.checked_shr(width - bits).unwrap_or(0);
    prefix(a) == prefix(n)
}

/// The bytes of a base64 value.
fn bytes(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

/// How a condition reads a key with several values (`dynamodb:Attributes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Set {
    /// A plain operator: some value must pass (the only one, for a single-valued key).
    Single,
    /// `ForAllValues:`: every value of the key must pass; true when the key is absent or empty.
    All,
    /// `ForAnyValue:`: some value must pass; false when the key is absent.
    Any,
}

/// One operator applied to one key: `"ForAllValues:StringEquals": {"dynamodb:Attributes": [...]}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    /// `None` for `Null`, which asks only whether the key is present.
    test: Option<Test>,
    /// StringNotEquals and the like: a value passes when it matches none of the policy's values.
    negated: bool,
    set: Set,
    if_exists: bool,
    key: String,
    values: Vec<String>,
}

impl Condition {
    /// The condition `operator` (`ForAnyValue:StringLikeIfExists`) sets on `key`; `Err` names an
    /// operator or key the evaluator does not know.
    pub fn new(operator: &str, key: &str, values: Vec<String>) -> Result<Condition, String> {
        let unknown = || format!("condition operator {operator} is not supported by the emulator's policy evaluation");
        let (set, rest) = match operator.split_once(':') {
            Some(("ForAllValues", rest)) => (Set::All, rest),
            Some(("ForAnyValue", rest)) => (Set::Any, rest),
            Some(_) => return Err(unknown()),
            None => (Set::Single, operator),
        };
        let (rest, if_exists) = match rest.strip_suffix("IfExists") {
            Some(rest) => (rest, true),
            None => (rest, false),
        };
        let (test, negated) = match Test::of(rest) {
            Some((test, negated)) => (Some(test), negated),
            None if rest == "Null" && !if_exists && set == Set::Single => (None, false),
            None => return Err(unknown()),
        };
        if let Some(test) = test.filter(|t| t.typed()) {
            if let Some(bad) = values.iter().find(|v| v.contains("${") || !test.reads(v)) {
                return Err(format!(
                    "condition operator {operator} cannot compare {bad:?} (policy variables are not allowed here)"
                ));
            }
        }
        let key = key.to_ascii_lowercase();
        if !KEYS.contains(&key.as_str()) {
            return Err(format!(
                "condition key {key} is not supported by the emulator's policy evaluation (it knows {})",
                KEYS.join(", ")
            ));
        }
        Ok(Condition {
            test,
            negated,
            set,
            if_exists,
            key,
            values,
        })
    }

    /// Whether the condition holds for a request with these condition keys.
    fn holds(&self, cx: &Context) -> bool {
        let present = cx.get(&self.key).filter(|v| !v.is_empty());
        let Some(test) = self.test else {
            // Null: "true" asks for the key to be absent, "false" for it to be present.
            return self
                .values
                .iter()
                .any(|v| v.eq_ignore_ascii_case("true") == present.is_none());
        };
        let Some(values) = present else {
            return match self.set {
                Set::All => true,
                Set::Any => self.if_exists,
                Set::Single => self.if_exists || self.negated,
            };
        };
        let passes = |value: &String| {
            if !test.reads(value) {
                return false;
            }
            let matched = self
                .values
                .iter()
                .any(|p| substitute(p, cx).is_some_and(|p| test.matches(value, &p)));
            matched != self.negated
        };
        match self.set {
            Set::All => values.iter().all(passes),
            Set::Single | Set::Any => values.iter().any(passes),
        }
    }
}

/// The condition keys of one request: name (lower case) to values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    keys: BTreeMap<String, Vec<String>>,
}

impl Context {
    /// Sets `key` (one of [`KEYS`]) to `values`.
    pub fn set(&mut self, key: &str, values: Vec<String>) {
        self.keys.insert(key.to_ascii_lowercase(), values);
    }

    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.keys.get(&key.to_ascii_lowercase()).map(Vec::as_slice)
    }

    /// Sets the global keys that make sense locally, for a request by `sender` of `account`,
    /// whose ARN is `arn`, to `region` at `now_millis`: the emulator's users are named by their
    /// access key, which also serves as their unique id; the time is the emulator's clock; the
    /// source address is the connection's peer (none for an in-process client).
    pub fn set_global(&mut self, sender: Sender, account: &str, arn: &str, region: &str, now_millis: i64) {
        let (current_time, epoch_time) = (extended_iso8601(now_millis), now_millis.div_euclid(1000).to_string());
        for (name, value) in [
            ("aws:PrincipalAccount", account),
            ("aws:PrincipalArn", arn),
            ("aws:PrincipalType", "User"),
            ("aws:username", sender.key),
            ("aws:userid", sender.key),
            ("aws:RequestedRegion", region),
            ("aws:CurrentTime", &current_time),
            ("aws:EpochTime", &epoch_time),
        ] {
            self.set(name, vec![value.to_string()]);
        }
        if let Some(source) = sender.source {
            self.set("aws:SourceIp", vec![source.to_string()]);
        }
    }
}

/// Who sends a request: the access key it is signed with, and the address it comes from.
#[derive(Clone, Copy, Debug)]
pub struct Sender<'a> {
    pub key: &'a str,
    pub source: Option<IpAddr>,
}

/// The ARN of the user an access key stands for.
pub fn user_arn(partition: &str, account: &str, key: &str) -> String {
    format!("arn:{partition}:iam::{account}:user/{key}")
}

/// The policy variables (`${aws:username}`) in `text`, each of which must be a known key.
pub fn check_variables(text: &str) -> Result<(), String> {
    variables(text).try_for_each(|name| match KEYS.contains(&name.to_ascii_lowercase().as_str()) {
        true => Ok(()),
        false => Err(format!(
            "policy variable ${{{name}}} is not supported by the emulator's policy evaluation"
        )),
    })
}

fn variables(text: &str) -> impl Iterator<Item = &str> {
    text.split("${")
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

/// `pattern` with each policy variable replaced by the request's value of that key; `None` when
/// one has no single value, which IAM treats as no match.
fn substitute(pattern: &str, cx: &Context) -> Option<String> {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some((before, after)) = rest.split_once("${") {
        let (name, tail) = after.split_once('}')?;
        let [value] = cx.get(name)? else { return None };
        out.push_str(before);
        out.push_str(value);
        rest = tail;
    }
    out.push_str(rest);
    Some(out)
}

/// A parsed policy document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyDocument {
    pub statements: Vec<Statement>,
}

/// What one policy says about one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Decision {
    /// No statement applies.
    Silent,
    Allow,
    Deny,
}

/// Who is asking: the account, the principal's ARN and the partition both are in.
pub struct Caller<'a> {
    pub account: &'a str,
    pub arn: &'a str,
    pub partition: &'a str,
}

impl PolicyDocument {
    /// The decision for `action` (`dynamodb:PutItem`) on `resource` by `caller`, whose request
    /// carries the condition keys `cx`; a statement with principals applies only to callers they
    /// name (or, `NotPrincipal`, do not name).
    pub fn decide(&self, action: &str, resource: &str, caller: &Caller, cx: &Context) -> Decision {
        let action = action.to_ascii_lowercase();
        let applies = |s: &&Statement| {
            s.actions.matches(|p| glob(&p.to_ascii_lowercase(), &action))
                && s.resources
                    .as_ref()
                    .is_none_or(|rs| rs.matches(|p| substitute(p, cx).is_some_and(|p| glob(&p, resource))))
                && s.principals.as_ref().is_none_or(|ps| applies_to(ps, caller))
                && s.conditions.iter().all(|c| c.holds(cx))
        };
        self.statements
            .iter()
            .filter(applies)
            .map(|s| if s.allow { Decision::Allow } else { Decision::Deny })
            .max()
            .unwrap_or(Decision::Silent)
    }
}

/// Whether a resource policy statement's `Principal` (or `NotPrincipal`) covers `caller`, who is
/// an account and a user in it. `Principal` names the caller when it names either (an account,
/// `*` or its root ARN, stands for all its users). AWS checks a `NotPrincipal` against the account
/// and then the user, so it leaves the caller out only when it names both: naming the account
/// root alone still covers the account's users, naming the user alone still covers the user
/// through its account.
fn applies_to(principals: &Patterns, caller: &Caller) -> bool {
    let root = format!("arn:{}:iam::{}:root", caller.partition, caller.account);
    let account = principals
        .list
        .iter()
        .any(|p| p == "*" || p == caller.account || *p == root);
    let user = principals.list.iter().any(|p| p == "*" || p == caller.arn);
    match principals.negated {
        false => account || user,
        true => !(account && user),
    }
}

/// IAM's wildcard match: `*` any run of characters, `?` any one. Iterative (backtracking to the
/// last `*` only), so it is linear in practice and never recurses.
pub fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < t.len() {
        if i < p.len() && (p[i] == '?' || p[i] == t[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(allow: bool, actions: &[&str], resources: &[&str]) -> Statement {
        Statement {
            allow,
            actions: Patterns::of(strings(actions)),
            resources: Some(Patterns::of(strings(resources))),
            principals: None,
            conditions: vec![],
        }
    }

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    const CALLER: Caller = Caller {
        account: "1",
        arn: "arn:aws:iam::1:user/u",
        partition: "aws",
    };

    #[test]
    fn wildcards_match_as_iam_does() {
        assert!(glob("dynamodb:get*", "dynamodb:getitem"));
        assert!(glob(
            "arn:aws:dynamodb:*:*:table/Users*",
            "arn:aws:dynamodb:us-east-1:1:table/Users/index/byEmail"
        ));
        assert!(glob("a?c", "abc") && !glob("a?c", "ac"));
        assert!(!glob("arn:*:table/A", "arn:x:table/AB"));
        assert!(glob("*", ""));
    }

    #[test]
    fn an_explicit_deny_beats_an_allow_and_silence_is_no_allow() {
        let caller = CALLER;
        let doc = PolicyDocument {
            statements: vec![
                statement(true, &["dynamodb:*"], &["arn:aws:dynamodb:*:*:table/T"]),
                statement(false, &["dynamodb:DeleteItem"], &["*"]),
            ],
        };
        assert_eq!(
            doc.decide(
                "dynamodb:PutItem",
                "arn:aws:dynamodb:r:1:table/T",
                &caller,
                &Context::default()
            ),
            Decision::Allow
        );
        assert_eq!(
            doc.decide(
                "dynamodb:DeleteItem",
                "arn:aws:dynamodb:r:1:table/T",
                &caller,
                &Context::default()
            ),
            Decision::Deny
        );
        assert_eq!(
            doc.decide(
                "dynamodb:PutItem",
                "arn:aws:dynamodb:r:1:table/U",
                &caller,
                &Context::default()
            ),
            Decision::Silent
        );
    }

    #[test]
    fn resource_policy_statements_apply_to_the_principals_they_name() {
        let mut s = statement(true, &["dynamodb:GetItem"], &[]);
        s.resources = None;
        s.principals = Some(Patterns::of(vec!["arn:aws:iam::2:root".into()]));
        let doc = PolicyDocument { statements: vec![s] };
        let t = "arn:aws:dynamodb:r:1:table/T";
        assert_eq!(
            doc.decide(
                "dynamodb:GetItem",
                t,
                &Caller {
                    account: "2",
                    arn: "arn:aws:iam::2:user/x",
                    partition: "aws",
                },
                &Context::default()
            ),
            Decision::Allow
        );
        assert_eq!(
            doc.decide(
                "dynamodb:GetItem",
                t,
                &Caller {
                    account: "1",
                    arn: "arn:aws:iam::1:user/x",
                    partition: "aws",
                },
                &Context::default()
            ),
            Decision::Silent
        );
    }

    fn cx(keys: &[(&str, &[&str])]) -> Context {
        let mut cx = Context::default();
        for (key, values) in keys {
            cx.set(key, strings(values));
        }
        cx
    }

    /// Whether `operator` on `key` with the policy's `values` holds for the request keys `cx`.
    fn holds(operator: &str, key: &str, values: &[&str], cx: &Context) -> bool {
        Condition::new(operator, key, strings(values)).unwrap().holds(cx)
    }

    const SELECT: &str = "dynamodb:Select";

    #[test]
    fn string_operators_compare_exactly_ignoring_case_or_with_wildcards() {
        let scan = cx(&[(SELECT, &["COUNT"])]);
        assert!(holds("StringEquals", SELECT, &["ALL_ATTRIBUTES", "COUNT"], &scan));
        assert!(!holds("StringEquals", SELECT, &["count"], &scan));
        assert!(holds("StringEqualsIgnoreCase", SELECT, &["count"], &scan));
        assert!(!holds("StringNotEqualsIgnoreCase", SELECT, &["count"], &scan));
        assert!(holds("StringNotEquals", SELECT, &["ALL_ATTRIBUTES"], &scan));
        assert!(!holds("StringNotEquals", SELECT, &["COUNT"], &scan));
        assert!(holds("StringLike", SELECT, &["CO?N*"], &scan));
        assert!(!holds("StringNotLike", SELECT, &["C*"], &scan));
    }

    #[test]
    fn arn_operators_match_each_of_the_six_parts_on_its_own() {
        const ARN: &str = "aws:PrincipalArn";
        let user = cx(&[(ARN, &["arn:aws:iam::1:user/u"])]);
        for (pattern, matches) in [
            ("arn:aws:iam::*:user/*", true),
            ("arn:aws:iam:*:1?:user/u", false),
            ("arn:aws:iam:*:?:user/u", true),
            ("arn:aws:iam::1:*", true),
            ("arn:*:*:*:*:*", true),
            // A wildcard stays within its part, and every part must be there.
            ("arn:aws:iam::*", false),
            ("arn:aws:*:user/u", false),
            ("arn:*", false),
            ("*", false),
            ("arn:aws:IAM::1:user/u", false),
        ] {
            for operator in ["ArnLike", "ArnEquals"] {
                assert_eq!(holds(operator, ARN, &[pattern], &user), matches, "{operator} {pattern}");
            }
            for operator in ["ArnNotLike", "ArnNotEquals"] {
                assert_eq!(
                    holds(operator, ARN, &[pattern], &user),
                    !matches,
                    "{operator} {pattern}"
                );
            }
        }
        // The resource part keeps its own colons, and a wildcard there may span them.
        let group = cx(&[(ARN, &["arn:aws:logs:us-east-1:1:log-group:g:*"])]);
        assert!(holds("ArnLike", ARN, &["arn:aws:logs:*:1:log-group:*"], &group));
        assert!(!holds("ArnLike", ARN, &["arn:aws:logs:*:1:log-group"], &group));
        assert!(!holds(
            "ArnLike",
            ARN,
            &["arn:aws:iam::1:user/u"],
            &cx(&[(ARN, &["user/u"])])
        ));
    }

    #[test]
    fn an_absent_key_fails_a_plain_operator_but_passes_its_negation_and_if_exists() {
        let none = Context::default();
        assert!(!holds("StringEquals", SELECT, &["COUNT"], &none));
        assert!(holds("StringEqualsIfExists", SELECT, &["COUNT"], &none));
        assert!(holds("StringNotEquals", SELECT, &["COUNT"], &none));
        let count = cx(&[(SELECT, &["COUNT"])]);
        assert!(!holds("StringEqualsIfExists", SELECT, &["ALL_ATTRIBUTES"], &count));
    }

    #[test]
    fn set_operators_ask_every_or_some_value() {
        const ATTRS: &str = "dynamodb:Attributes";
        let allowed: &[&str] = &["id", "name"];
        let within = cx(&[(ATTRS, &["id", "name"])]);
        let beyond = cx(&[(ATTRS, &["id", "secret"])]);
        assert!(holds("ForAllValues:StringEquals", ATTRS, allowed, &within));
        assert!(!holds("ForAllValues:StringEquals", ATTRS, allowed, &beyond));
        assert!(holds("ForAllValues:StringEquals", ATTRS, allowed, &Context::default()));
        assert!(holds("ForAnyValue:StringEquals", ATTRS, &["secret"], &beyond));
        assert!(!holds("ForAnyValue:StringEquals", ATTRS, &["secret"], &within));
        assert!(!holds(
            "ForAnyValue:StringEquals",
            ATTRS,
            &["secret"],
            &Context::default()
        ));
        assert!(holds(
            "ForAnyValue:StringEqualsIfExists",
            ATTRS,
            &["x"],
            &Context::default()
        ));
        assert!(holds("ForAllValues:StringNotLike", ATTRS, &["sec*"], &within));
        assert!(!holds("ForAllValues:StringNotLike", ATTRS, &["sec*"], &beyond));
        assert!(holds("ForAnyValue:StringLike", ATTRS, &["sec*"], &beyond));
    }

    #[test]
    fn bool_and_null_operators() {
        let flag = cx(&[("aws:PrincipalType", &["true"])]);
        assert!(holds("Bool", "aws:PrincipalType", &["TRUE"], &flag));
        assert!(!holds("Bool", "aws:PrincipalType", &["false"], &flag));
        assert!(holds("Null", SELECT, &["true"], &flag));
        assert!(!holds("Null", SELECT, &["false"], &flag));
        assert!(holds("Null", "aws:PrincipalType", &["false"], &flag));
    }

    const EPOCH: &str = "aws:EpochTime";

    #[test]
    fn numeric_operators_compare_numbers_exactly() {
        let at = cx(&[(EPOCH, &["1700000000"])]);
        assert!(holds("NumericEquals", EPOCH, &["1700000000.0", "1"], &at));
        assert!(holds("NumericNotEquals", EPOCH, &["1700000001"], &at));
        assert!(!holds(
            "NumericNotEquals",
            EPOCH,
            &["17e8"],
            &cx(&[(EPOCH, &["1700000000"])])
        ));
        assert!(holds("NumericLessThan", EPOCH, &["1700000000.000000001"], &at));
        assert!(!holds("NumericLessThan", EPOCH, &["1700000000"], &at));
        assert!(holds("NumericLessThanEquals", EPOCH, &["1700000000"], &at));
        assert!(holds("NumericGreaterThan", EPOCH, &["-5", "99999999999"], &at));
        assert!(!holds("NumericGreaterThanEquals", EPOCH, &["1700000001"], &at));
        // A key value that is no number matches nothing, even under a negated operator.
        let text = cx(&[(EPOCH, &["soon"])]);
        assert!(!holds("NumericLessThan", EPOCH, &["1"], &text));
        assert!(!holds("NumericNotEquals", EPOCH, &["1"], &text));
        // The missing-key rules are the string operators'.
        let none = Context::default();
        assert!(!holds("NumericEquals", EPOCH, &["1"], &none));
        assert!(holds("NumericEqualsIfExists", EPOCH, &["1"], &none));
        assert!(holds("NumericNotEquals", EPOCH, &["1"], &none));
        let many = cx(&[(EPOCH, &["1", "5"])]);
        assert!(holds("ForAnyValue:NumericGreaterThan", EPOCH, &["4"], &many));
        assert!(!holds("ForAllValues:NumericGreaterThan", EPOCH, &["4"], &many));
    }

    #[test]
    fn date_operators_read_iso_8601_and_epoch_seconds() {
        const NOW: &str = "aws:CurrentTime";
        let now = cx(&[(NOW, &["2026-11-29T06:30:00Z"]), (EPOCH, &["1795933800"])]);
        assert!(holds("DateGreaterThan", NOW, &["2026-11-29T06:29:59Z"], &now));
        assert!(holds("DateLessThan", NOW, &["2026-11-30"], &now));
        assert!(holds("DateEquals", NOW, &["2026-11-29T07:30:00+01:00"], &now));
        assert!(holds("DateEquals", NOW, &["1795933800"], &now));
        assert!(holds("DateEquals", EPOCH, &["2026-11-29T06:30:00Z"], &now));
        assert!(!holds("DateNotEquals", EPOCH, &["2026-11-29T06:30:00.000Z"], &now));
        assert!(holds("DateLessThanEquals", EPOCH, &["1795933800"], &now));
        // Digits alone are epoch seconds, never W3C's year-only form: 2027 s is in 1970.
        assert!(!holds("DateLessThan", NOW, &["2027"], &now));
        assert!(holds("DateLessThan", NOW, &["2027-01"], &now));
        assert!(!holds(
            "DateGreaterThanEquals",
            NOW,
            &["2026-11-29T06:30:00.001Z"],
            &now
        ));
        assert!(!holds(
            "DateNotEquals",
            NOW,
            &["2026-01-01"],
            &cx(&[(NOW, &["yesterday"])])
        ));
    }

    #[test]
    fn ip_operators_match_cidr_ranges_of_either_family() {
        const IP: &str = "aws:SourceIp";
        let v4 = cx(&[(IP, &["203.0.113.77"])]);
        assert!(holds("IpAddress", IP, &["203.0.113.0/24"], &v4));
        assert!(holds("IpAddress", IP, &["10.0.0.0/8", "203.0.113.77"], &v4));
        assert!(!holds("IpAddress", IP, &["203.0.112.0/24", "203.0.113.76"], &v4));
        assert!(holds("IpAddress", IP, &["0.0.0.0/0"], &v4));
        assert!(!holds("IpAddress", IP, &["::/0"], &v4));
        assert!(holds("NotIpAddress", IP, &["198.51.100.0/24"], &v4));
        assert!(!holds("NotIpAddress", IP, &["203.0.113.64/26"], &v4));
        let v6 = cx(&[(IP, &["2001:db8:1234:5678::9"])]);
        assert!(holds("IpAddress", IP, &["2001:DB8:1234:5678::/64"], &v6));
        assert!(!holds("IpAddress", IP, &["2001:db8:1234:5679::/64"], &v6));
        assert!(holds("IpAddress", IP, &["::/0"], &v6));
        // Where the request has no address (an in-process client), only the negation holds.
        assert!(!holds("IpAddress", IP, &["0.0.0.0/0"], &Context::default()));
        assert!(holds("NotIpAddress", IP, &["0.0.0.0/0"], &Context::default()));
    }

    #[test]
    fn binary_equals_compares_the_decoded_bytes() {
        let key = cx(&[("dynamodb:LeadingKeys", &["AAE="])]);
        assert!(holds("BinaryEquals", "dynamodb:LeadingKeys", &["AAE="], &key));
        assert!(!holds("BinaryEquals", "dynamodb:LeadingKeys", &["AAI="], &key));
    }

    #[test]
    fn typed_operators_refuse_values_they_cannot_read_and_policy_variables() {
        for (operator, value) in [
            ("NumericLessThan", "ten"),
            ("DateGreaterThan", "2026-02-30"),
            ("IpAddress", "10.0.0.0/33"),
            ("NotIpAddress", "localhost"),
            ("BinaryEquals", "not base64!"),
            ("NumericEquals", "${aws:username}"),
        ] {
            assert_eq!(
                Condition::new(operator, EPOCH, vec![value.into()]),
                Err(format!(
                    "condition operator {operator} cannot compare {value:?} (policy variables are not allowed here)"
                ))
            );
        }
    }

    #[test]
    fn unknown_operators_and_keys_are_refused() {
        assert_eq!(
            Condition::new("StringStartsWith", SELECT, vec![]),
            Err("condition operator StringStartsWith is not supported by the emulator's policy evaluation".into())
        );
        assert_eq!(
            Condition::new("NullIfExists", SELECT, vec![]).unwrap_err(),
            "condition operator NullIfExists is not supported by the emulator's policy evaluation"
        );
        assert_eq!(
            Condition::new("ForSomeValues:StringEquals", SELECT, vec![]).unwrap_err(),
            "condition operator ForSomeValues:StringEquals is not supported by the emulator's policy evaluation"
        );
        assert!(
            Condition::new("StringEquals", "dynamodb:FirstPartitionKeyValues", vec![])
                .unwrap_err()
                .starts_with("condition key dynamodb:firstpartitionkeyvalues is not supported")
        );
        assert_eq!(
            check_variables("table/${aws:username}-${www.amazon.com:user_id}"),
            Err(
                "policy variable ${www.amazon.com:user_id} is not supported by the emulator's policy evaluation".into()
            )
        );
    }

    #[test]
    fn policy_variables_take_the_request_value() {
        let me = cx(&[("aws:username", &["alice"])]);
        assert!(holds(
            "ForAllValues:StringEquals",
            "dynamodb:LeadingKeys",
            &["${aws:username}"],
            &{
                let mut c = me.clone();
                c.set("dynamodb:LeadingKeys", strings(&["alice"]));
                c
            }
        ));
        let mut doc = PolicyDocument {
            statements: vec![statement(
                true,
                &["dynamodb:*"],
                &["arn:aws:dynamodb:*:*:table/${aws:username}-*"],
            )],
        };
        let mine = "arn:aws:dynamodb:r:1:table/alice-notes";
        assert_eq!(doc.decide("dynamodb:GetItem", mine, &CALLER, &me), Decision::Allow);
        let theirs = "arn:aws:dynamodb:r:1:table/bob-notes";
        assert_eq!(doc.decide("dynamodb:GetItem", theirs, &CALLER, &me), Decision::Silent);
        // A variable with no value matches nothing.
        assert_eq!(
            doc.decide("dynamodb:GetItem", mine, &CALLER, &Context::default()),
            Decision::Silent
        );
        doc.statements[0].conditions =
            vec![Condition::new("StringEquals", "aws:RequestedRegion", strings(&["eu-west-1"])).unwrap()];
        assert_eq!(doc.decide("dynamodb:GetItem", mine, &CALLER, &me), Decision::Silent);
    }

    #[test]
    fn not_elements_match_everything_they_do_not_name() {
        let mut deny = statement(false, &["dynamodb:GetItem", "dynamodb:Query"], &["*"]);
        deny.actions.negated = true;
        let doc = PolicyDocument {
            statements: vec![statement(true, &["dynamodb:*"], &["*"]), deny],
        };
        let t = "arn:aws:dynamodb:r:1:table/T";
        let none = Context::default();
        assert_eq!(doc.decide("dynamodb:GetItem", t, &CALLER, &none), Decision::Allow);
        assert_eq!(doc.decide("dynamodb:PutItem", t, &CALLER, &none), Decision::Deny);

        let mut s = statement(true, &["dynamodb:*"], &["arn:aws:dynamodb:*:*:table/Secret*"]);
        s.resources.as_mut().unwrap().negated = true;
        let doc = PolicyDocument { statements: vec![s] };
        assert_eq!(doc.decide("dynamodb:GetItem", t, &CALLER, &none), Decision::Allow);
        let secret = "arn:aws:dynamodb:r:1:table/Secrets";
        assert_eq!(doc.decide("dynamodb:GetItem", secret, &CALLER, &none), Decision::Silent);

        // A NotPrincipal leaves a user out only when it names both the user and its account.
        let deny_all_but = |named: &[&str]| {
            let mut s = statement(false, &["dynamodb:*"], &[]);
            s.resources = None;
            s.principals = Some(Patterns {
                list: strings(named),
                negated: true,
            });
            PolicyDocument { statements: vec![s] }.decide("dynamodb:GetItem", t, &CALLER, &none)
        };
        assert_eq!(deny_all_but(&["arn:aws:iam::1:root"]), Decision::Deny);
        assert_eq!(deny_all_but(&["arn:aws:iam::1:user/u"]), Decision::Deny);
        assert_eq!(deny_all_but(&["arn:aws:iam::1:user/u", "1"]), Decision::Silent);
        assert_eq!(
            deny_all_but(&["arn:aws:iam::1:root", "arn:aws:iam::1:user/u"]),
            Decision::Silent
        );
        assert_eq!(
            deny_all_but(&["arn:aws:iam::2:root", "arn:aws:iam::1:user/u"]),
            Decision::Deny
        );
        assert_eq!(deny_all_but(&["*"]), Decision::Silent);
    }
}
