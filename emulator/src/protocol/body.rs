//! Typed reads from a request body that already passed its shape validation; JSON `null` counts
//! as absent, as in DynamoDB.

use serde_json::Value;

use super::{attr, shape};
use crate::error::{Check, Result};
use crate::model::{AttributeValue, Item, Reading};

#[derive(Clone, Copy)]
pub struct Body<'a>(pub &'a Value);

impl<'a> Body<'a> {
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    /// The members named `names` (absent or null: `None`), found in one pass over the body: a
    /// request carries few of the members an operation may read, and comparing names for
    /// equality (lengths first) costs less than a map lookup per name.
    pub fn pick<const N: usize>(&self, names: [&str; N]) -> [Option<&'a Value>; N] {
        let mut found = [None; N];
        shape::find_members(self.0, |name| names.iter().position(|n| *n == name), &mut found);
        found.map(|v| v.filter(|v| !v.is_null()))
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn str(&self, key: &str) -> Option<&'a str> {
        self.get(key).and_then(Value::as_str)
    }

    pub fn bool(&self, key: &str) -> Option<bool> {
        self.get(key).and_then(Value::as_bool)
    }

    pub fn int(&self, key: &str) -> Option<i64> {
        self.get(key)
            .and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
    }

    pub fn list(&self, key: &str) -> &'a [Value] {
        self.get(key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    pub fn child(&self, key: &str) -> Option<Body<'a>> {
        self.get(key).map(Body)
    }

    pub fn object(&self, key: &str) -> Option<&'a serde_json::Map<String, Value>> {
        self.get(key).and_then(Value::as_object)
    }

    /// A map of attribute values (Item, Key, ExclusiveStartKey), decoded and value-checked: a
    /// member the operation's shape leads the parse to (`Shape::Attr` values).
    pub fn item(&self, key: &str) -> Result<Option<Item>> {
        self.item_as(key, Reading::Exact)
    }

    /// [`Body::item`] with numbers read as `reading` reads them.
    pub fn item_as(&self, key: &str, reading: Reading) -> Result<Option<Item>> {
        self.get(key)
            .map(|v| attr::decode_map_kept_as(v, reading))
            .transpose()
            .map_err(|e| e.by(Check::Request))
    }

    /// One attribute value the parse kept (a legacy condition's or update's `Value`).
    pub fn attr(&self, key: &str) -> Result<Option<AttributeValue>> {
        self.get(key)
            .map(attr::decode_kept)
            .transpose()
            .map_err(|e| e.by(Check::Request))
    }

    pub fn strings(&self, key: &str) -> Option<Vec<String>> {
        self.get(key).and_then(string_list)
    }
}

/// The strings of a JSON list (others skipped); `None` for anything but a list.
pub fn string_list(v: &Value) -> Option<Vec<String>> {
    v.as_array()
        .map(|l| l.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
}

#[cfg(test)]
mod tests {
    use super::Body;
    use serde_json::json;

    #[test]
    fn picked_members_follow_the_names_asked_for() {
        let body = json!({"b": 2, "n": null, "a": "x", "z": [1]});
        let [a, missing, n, b] = Body(&body).pick(["a", "missing", "n", "b"]);
        assert_eq!((a, missing, n, b), (Some(&json!("x")), None, None, Some(&json!(2))));
    }
}
