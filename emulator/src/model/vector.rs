//! Vector indexes: the vectors they hold and the distances they rank by (their definition is
//! `schema::VectorIndexDef`).
//!
//! DynamoDB keeps a vector index's own copy of each vector as 32-bit floats (the base table
//! keeps the numbers as written), scores in that precision, and hands the copy back in that
//! precision when a search projects the vector attribute (`16777217` comes back as `16777216`).

use std::cmp::Ordering;

use super::{AttributeValue, Number};

/// How an index measures similarity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Distance {
    /// 1 − cosine similarity: 0 (same direction) to 2 (opposite); lower is closer.
    Cosine,
    /// Straight-line distance; lower is closer.
    Euclidean,
    /// The dot product; higher is closer.
    DotProduct,
}

impl Distance {
    pub fn parse(name: &str) -> Option<Distance> {
        match name {
            "COSINE" => Some(Distance::Cosine),
            "EUCLIDEAN" => Some(Distance::Euclidean),
            "DOT_PRODUCT" => Some(Distance::DotProduct),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Distance::Cosine => "COSINE",
            Distance::Euclidean => "EUCLIDEAN",
            Distance::DotProduct => "DOT_PRODUCT",
        }
    }

    /// The score of `v` against the query `q` (same length). DynamoDB sums the f32 members in
    /// f64 and reports the result in f32's range (AWS, August 2026): products that overflow f32
    /// can cancel to 0, a distance beyond f32 is `f32::MAX`, and squares that underflow f32
    /// still give a direction. A zero vector has no direction: its cosine distance is 1, as
    /// for an orthogonal one.
    pub fn score(self, q: &[f32], v: &[f32]) -> f32 {
        let sum = |f: &dyn Fn(f64, f64) -> f64| -> f64 {
            q.iter().zip(v).map(|(a, b)| f(f64::from(*a), f64::from(*b))).sum()
        };
        let dot = sum(&|a, b| a * b);
        let score = match self {
            Distance::DotProduct => dot,
            Distance::Euclidean => sum(&|a, b| (a - b) * (a - b)).sqrt(),
            Distance::Cosine => {
                let norms = (sum(&|a, _| a * a) * sum(&|_, b| b * b)).sqrt();
                if norms == 0.0 {
                    1.0
                } else {
                    1.0 - (dot / norms).clamp(-1.0, 1.0)
                }
            }
        };
        score.clamp(-f64::from(f32::MAX), f64::from(f32::MAX)) as f32
    }

    /// Orders two scores best first.
    pub fn rank(self, a: f32, b: f32) -> Ordering {
        match self {
            Distance::DotProduct => b.total_cmp(&a),
            Distance::Cosine | Distance::Euclidean => a.total_cmp(&b),
        }
    }
}

/// What an attribute of a SearchSchema is for: the partition every search names (HASH), or an
/// equality filter applied within the index (INLINE_FILTER).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SearchRole {
    Hash,
    InlineFilter,
}

impl SearchRole {
    pub fn parse(name: &str) -> Option<SearchRole> {
        match name {
            "HASH" => Some(SearchRole::Hash),
            "INLINE_FILTER" => Some(SearchRole::InlineFilter),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SearchRole::Hash => "HASH",
            SearchRole::InlineFilter => "INLINE_FILTER",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SearchElement {
    pub name: String,
    pub role: SearchRole,
}

/// Why an item's vector attribute cannot go into an index (DynamoDB refuses such a write).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VectorFault {
    /// Not a list.
    NotList,
    /// Member `at` is not a number; `actual` its type.
    Member { at: usize, actual: &'static str },
    /// Member `at` is a number beyond a 32-bit float's range, `value` as DynamoDB prints it.
    Range { at: usize, value: String },
    /// A list of another length.
    Size(usize),
}

/// The f32 copy of `value` an index of `dimensions` keeps (an item's vector attribute), or why
/// there is none.
pub fn vector_of(value: &AttributeValue, dimensions: usize) -> Result<Vec<f32>, VectorFault> {
    let AttributeValue::L(members) = value else {
        return Err(VectorFault::NotList);
    };
    let vector = members
        .iter()
        .enumerate()
        .map(|(at, m)| match m {
            AttributeValue::N(n) => to_f32(n).ok_or_else(|| VectorFault::Range {
                at,
                value: n.java_text(),
            }),
            other => Err(VectorFault::Member {
                at,
                actual: other.value_type().as_str(),
            }),
        })
        .collect::<Result<Vec<f32>, _>>()?;
    if vector.len() != dimensions {
        return Err(VectorFault::Size(vector.len()));
    }
    Ok(vector)
}

/// A DynamoDB number as the nearest 32-bit float; `None` beyond f32's range.
pub fn to_f32(n: &Number) -> Option<f32> {
    n.to_string().parse::<f32>().ok().filter(|f| f.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(ns: &[&str]) -> AttributeValue {
        AttributeValue::L(
            ns.iter()
                .map(|n| AttributeValue::N(Number::parse(n).unwrap()))
                .collect(),
        )
    }

    #[test]
    fn scores_follow_each_distance() {
        let q = [1.0, 0.0, 0.0];
        let cases = [
            (Distance::Cosine, [0.0, 0.4, 1.0, 2.0]),
            (Distance::Euclidean, [0.0, 0.8f32.sqrt(), 2f32.sqrt(), 2.0]),
            (Distance::DotProduct, [1.0, 0.6, 0.0, -1.0]),
        ];
        let vectors = [[1.0, 0.0, 0.0], [0.6, 0.8, 0.0], [0.0, 1.0, 0.0], [-1.0, 0.0, 0.0]];
        for (distance, want) in cases {
            let got: Vec<f32> = vectors.iter().map(|v| distance.score(&q, v)).collect();
            for (g, w) in got.iter().zip(want) {
                assert!((g - w).abs() < 1e-6, "{distance:?}: {got:?}");
            }
            assert_eq!(
                distance.rank(got[0], got[3]),
                Ordering::Less,
                "{distance:?} ranks the match first"
            );
        }
        assert_eq!(Distance::Cosine.score(&q, &[0.0, 0.0, 0.0]), 1.0);
    }

    #[test]
    fn scores_sum_in_f64_within_f32s_range() {
        let big = 3.4e38f32;
        assert_eq!(Distance::DotProduct.score(&[big, big], &[big, -big]), 0.0);
        assert_eq!(Distance::Euclidean.score(&[big, 0.0], &[-big, 0.0]), f32::MAX);
        assert_eq!(Distance::DotProduct.score(&[big, 0.0], &[big, 0.0]), f32::MAX);
        assert_eq!(Distance::DotProduct.score(&[big, 0.0], &[-big, 0.0]), -f32::MAX);
        assert_eq!(Distance::Cosine.score(&[1e-23, 0.0], &[1e-23, 0.0]), 0.0);
    }

    #[test]
    fn vectors_are_refused_for_their_shape_members_and_size() {
        assert_eq!(vector_of(&list(&["1", "0.5", "-2"]), 3), Ok(vec![1.0, 0.5, -2.0]));
        assert_eq!(vector_of(&AttributeValue::S("x".into()), 3), Err(VectorFault::NotList));
        assert_eq!(vector_of(&list(&["1", "0"]), 3), Err(VectorFault::Size(2)));
        assert_eq!(
            vector_of(&list(&["1", "1e39", "0"]), 3),
            Err(VectorFault::Range {
                at: 1,
                value: "1E+39".into()
            })
        );
        let mixed = AttributeValue::L(vec![AttributeValue::S("a".into())]);
        assert_eq!(vector_of(&mixed, 3), Err(VectorFault::Member { at: 0, actual: "S" }));
    }

    #[test]
    fn numbers_become_the_nearest_f32() {
        assert_eq!(to_f32(&Number::parse("16777217").unwrap()), Some(16777216.0));
        assert_eq!(to_f32(&Number::parse("0.1").unwrap()), Some(0.1));
        assert_eq!(to_f32(&Number::parse("1E+39").unwrap()), None);
    }
}
