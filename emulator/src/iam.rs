//! IAM policy evaluation, as AWS does it for DynamoDB: identity policies attached to an access key
//! and the resource policies PutResourcePolicy stored, each a list of Allow/Deny statements over
//! actions and resource ARNs with `*`/`?` wildcards. An explicit Deny anywhere wins; otherwise an
//! Allow in either policy grants the request (same account). Knows no JSON: `protocol::iam`
//! parses the documents.

/// One statement of a policy document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub allow: bool,
    /// Action patterns (`dynamodb:Get*`), matched case-insensitively as IAM does.
    pub actions: Vec<String>,
    /// Resource ARN patterns; a resource policy's statements may leave them out (the policy's
    /// own resource).
    pub resources: Option<Vec<String>>,
    /// A resource policy's principals (`*`, an account id, an account root or user ARN);
    /// `None` in identity policies.
    pub principals: Option<Vec<String>>,
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
    /// The decision for `action` (`dynamodb:PutItem`) on `resource` by `caller`; a statement
    /// with principals applies only to callers they name.
    pub fn decide(&self, action: &str, resource: &str, caller: &Caller) -> Decision {
        let applies = |s: &&Statement| {
            s.actions
                .iter()
                .any(|p| glob(&p.to_ascii_lowercase(), &action.to_ascii_lowercase()))
                && s.resources
                    .as_ref()
                    .is_none_or(|rs| rs.iter().any(|p| glob(p, resource)))
                && s.principals
                    .as_ref()
                    .is_none_or(|ps| ps.iter().any(|p| names(p, caller)))
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
            actions: actions.iter().map(|s| s.to_string()).collect(),
            resources: Some(resources.iter().map(|s| s.to_string()).collect()),
            principals: None,
        }
    }

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
        let caller = Caller {
            account: "1",
            arn: "arn:aws:iam::1:user/u",
        };
        let doc = PolicyDocument {
            statements: vec![
                statement(true, &["dynamodb:*"], &["arn:aws:dynamodb:*:*:table/T"]),
                statement(false, &["dynamodb:DeleteItem"], &["*"]),
            ],
        };
        assert_eq!(
            doc.decide("dynamodb:PutItem", "arn:aws:dynamodb:r:1:table/T", &caller),
            Decision::Allow
        );
        assert_eq!(
            doc.decide("dynamodb:DeleteItem", "arn:aws:dynamodb:r:1:table/T", &caller),
            Decision::Deny
        );
        assert_eq!(
            doc.decide("dynamodb:PutItem", "arn:aws:dynamodb:r:1:table/U", &caller),
            Decision::Silent
        );
    }

    #[test]
    fn resource_policy_statements_apply_to_the_principals_they_name() {
        let mut s = statement(true, &["dynamodb:GetItem"], &[]);
        s.resources = None;
        s.principals = Some(vec!["arn:aws:iam::2:root".into()]);
        let doc = PolicyDocument { statements: vec![s] };
        let t = "arn:aws:dynamodb:r:1:table/T";
        assert_eq!(
            doc.decide(
                "dynamodb:GetItem",
                t,
                &Caller {
                    account: "2",
                    arn: "arn:aws:iam::2:user/x"
                }
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
                }
            ),
            Decision::Silent
        );
    }
}
