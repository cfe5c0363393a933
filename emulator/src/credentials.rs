//! The access keys the emulator accepts when it verifies SigV4 signatures (`protocol::sigv4`), with
//! the account each acts for and its IAM identity policies. State the engine holds, so it lives
//! below the protocol; the JSON policy documents are parsed there (`Credentials::with_policy`).

use std::collections::HashMap;
use std::str::FromStr;

use crate::iam::PolicyDocument;

/// The account a credential acts for when the list does not name one (DynamoDB Local's).
pub const DEFAULT_ACCOUNT: &str = "000000000000";

/// The access keys the emulator accepts when it verifies signatures, each with its secret and
/// account. Parsed from `ID:SECRET[:ACCOUNT][,ID:SECRET[:ACCOUNT]...]`, the `--credentials` form.
#[derive(Clone, Debug, Default)]
pub struct Credentials {
    pub(crate) keys: HashMap<String, (String, String)>,
    /// Identity policies by access key; a key with none is not restricted.
    pub(crate) policies: HashMap<String, Vec<PolicyDocument>>,
}

impl Credentials {
    /// Adds (or replaces) an access key with its secret, acting for `account`.
    pub fn with(mut self, access_key_id: &str, secret: &str, account: &str) -> Credentials {
        self.keys.insert(access_key_id.into(), (secret.into(), account.into()));
        self
    }
}

impl FromStr for Credentials {
    type Err = String;

    fn from_str(list: &str) -> Result<Credentials, String> {
        list.split(',').try_fold(Credentials::default(), |creds, entry| {
            let parts: Vec<&str> = entry.trim().split(':').collect();
            let account = match parts[..] {
                [id, secret] | [id, secret, _] if id.is_empty() || secret.is_empty() => None,
                [_, _] => Some(DEFAULT_ACCOUNT),
                [_, _, account] if account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()) => Some(account),
                _ => None,
            };
            match account {
                Some(account) => Ok(creds.with(parts[0], parts[1], account)),
                None => Err(format!(
                    "'{entry}' is not ID:SECRET or ID:SECRET:ACCOUNT (an account is 12 digits)"
                )),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_lists_parse_with_default_and_given_accounts() {
        let creds: Credentials = "AK1:s1, AK2:s2:123456789012".parse().unwrap();
        assert_eq!(creds.keys["AK1"], ("s1".into(), DEFAULT_ACCOUNT.into()));
        assert_eq!(creds.keys["AK2"], ("s2".into(), "123456789012".into()));
        for bad in [
            "AK1",
            "AK1:",
            ":s",
            "AK1:s:12",
            "AK1:s:12345678901x",
            "AK1:s:123456789012:x",
            "AK1:s,",
        ] {
            assert!(bad.parse::<Credentials>().is_err(), "{bad}");
        }
    }
}
