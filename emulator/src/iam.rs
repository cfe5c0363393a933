//! IAM policy evaluation, as AWS does it for DynamoDB: identity policies attached to an access key
//! and the resource policies PutResourcePolicy stored, each a list of Allow/Deny statements over
//! actions, resource ARNs and principals (each element possibly `Not…`) with `*`/`?` wildcards,
//! and `Condition` blocks over the request's condition keys. An explicit Deny anywhere wins;
//! otherwise an Allow in either policy grants the request (same account). Knows no JSON:
//! `protocol::iam` parses the documents and reads the condition keys off requests.

use std::collections::BTreeMap;

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
];

/// How a condition compares a key's value with one of the policy's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Test {
    Equals,
    EqualsIgnoreCase,
    /// `*` and `?` wildcards (StringLike, and the Arn operators, which IAM matches the same way).
    Like,
    Bool,
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
        let (test, negated) = match rest {
            "StringEquals" | "ArnEquals" | "ArnLike" | "StringLike" | "StringEqualsIgnoreCase" | "Bool" => {
                (Some(test_of(rest)), false)
            }
            "StringNotEquals" | "ArnNotEquals" | "ArnNotLike" | "StringNotLike" | "StringNotEqualsIgnoreCase" => {
                (Some(test_of(&rest.replacen("Not", "", 1))), true)
            }
            "Null" if !if_exists && set == Set::Single => (None, false),
            _ => return Err(unknown()),
        };
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
            let matched = self.values.iter().any(|p| {
                substitute(p, cx).is_some_and(|p| match test {
                    Test::Equals => p == *value,
                    Test::EqualsIgnoreCase | Test::Bool => p.eq_ignore_ascii_case(value),
                    Test::Like => glob(&p, value),
                })
            });
            matched != self.negated
        };
        match self.set {
            Set::All => values.iter().all(passes),
            Set::Single | Set::Any => values.iter().any(passes),
        }
    }
}

fn test_of(operator: &str) -> Test {
    match operator {
        "StringEquals" => Test::Equals,
        "StringEqualsIgnoreCase" => Test::EqualsIgnoreCase,
        "Bool" => Test::Bool,
        _ => Test::Like,
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

/// Who is asking: the account and the principal's ARN.
pub struct Caller<'a> {
    pub account: &'a str,
    pub arn: &'a str,
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
                && s.principals.as_ref().is_none_or(|ps| ps.matches(|p| names(p, caller)))
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

/// Whether a resource policy's principal names `caller`.
fn names(principal: &str, caller: &Caller) -> bool {
    principal == "*"
        || principal == caller.account
        || principal == caller.arn
        || principal == format!("arn:aws:iam::{}:root", caller.account)
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
                    arn: "arn:aws:iam::2:user/x"
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
                    arn: "arn:aws:iam::1:user/x"
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
        let arn = cx(&[("aws:PrincipalArn", &["arn:aws:iam::1:user/u"])]);
        assert!(holds("ArnLike", "aws:PrincipalArn", &["arn:aws:iam::*:user/*"], &arn));
        assert!(holds("ArnNotEquals", "aws:PrincipalArn", &["arn:aws:iam::2:*"], &arn));
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

    #[test]
    fn unknown_operators_and_keys_are_refused() {
        assert_eq!(
            Condition::new("NumericLessThan", SELECT, vec![]),
            Err("condition operator NumericLessThan is not supported by the emulator's policy evaluation".into())
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

        let mut s = statement(false, &["dynamodb:*"], &[]);
        s.resources = None;
        s.principals = Some(Patterns {
            list: strings(&["arn:aws:iam::1:root"]),
            negated: true,
        });
        let doc = PolicyDocument { statements: vec![s] };
        assert_eq!(doc.decide("dynamodb:GetItem", t, &CALLER, &none), Decision::Silent);
        let other = Caller {
            account: "2",
            arn: "arn:aws:iam::2:user/x",
        };
        assert_eq!(doc.decide("dynamodb:GetItem", t, &other, &none), Decision::Deny);
    }
}
