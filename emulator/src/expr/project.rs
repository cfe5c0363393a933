//! Shaping items by projection paths (ProjectionExpression, AttributesToGet, UPDATED_OLD/NEW).

use std::collections::BTreeMap;

use super::ast::{Path, PathElem};
use crate::model::{AttributeValue, Item};

enum Node {
    Leaf(AttributeValue),
    Map(BTreeMap<String, Node>),
    List(BTreeMap<usize, Node>),
}

impl Node {
    fn into_value(self) -> AttributeValue {
        match self {
            Node::Leaf(v) => v,
            Node::Map(m) => AttributeValue::M(m.into_iter().map(|(k, n)| (k, n.into_value())).collect()),
            Node::List(l) => AttributeValue::L(l.into_values().map(Node::into_value).collect()),
        }
    }
}

fn insert(node: &mut Node, value: &AttributeValue, rest: &[PathElem]) {
    let Some((step, tail)) = rest.split_first() else {
        *node = Node::Leaf(value.clone());
        return;
    };
    match (step, value) {
        (PathElem::Attr(a), AttributeValue::M(m)) => {
            let Some(child) = m.get(a) else { return };
            if !matches!(node, Node::Map(_)) {
                if matches!(node, Node::Leaf(_)) {
                    return;
                }
                *node = Node::Map(BTreeMap::new());
            }
            if let Node::Map(map) = node {
                let slot = map.entry(a.clone()).or_insert_with(|| fresh(tail));
                insert(slot, child, tail);
            }
        }
        (PathElem::Index(i), AttributeValue::L(l)) => {
            let Some(child) = l.get(*i) else { return };
            if !matches!(node, Node::List(_)) {
                if matches!(node, Node::Leaf(_)) {
                    return;
                }
                *node = Node::List(BTreeMap::new());
            }
            if let Node::List(list) = node {
                let slot = list.entry(*i).or_insert_with(|| fresh(tail));
                insert(slot, child, tail);
            }
        }
        _ => {}
    }
}

/// An empty container of the kind the next step needs (placeholder replaced on insert).
fn fresh(tail: &[PathElem]) -> Node {
    match tail.first() {
        Some(PathElem::Index(_)) => Node::List(BTreeMap::new()),
        _ => Node::Map(BTreeMap::new()),
    }
}

/// The parts of `item` named by `paths`: nested maps keep only projected members, projected list
/// elements form a compacted list in index order, and paths that do not exist are left out.
pub fn project(item: &Item, paths: &[Path]) -> Item {
    let mut root: BTreeMap<String, Node> = BTreeMap::new();
    for p in paths {
        let Some((PathElem::Attr(head), tail)) = p.0.split_first() else {
            continue;
        };
        // A path that does not resolve contributes nothing, not even its parents.
        let (Some(value), Some(_)) = (item.get(head), super::eval::lookup(item, p)) else {
            continue;
        };
        if tail.is_empty() {
            root.insert(head.clone(), Node::Leaf(value.clone()));
            continue;
        }
        let node = root.entry(head.clone()).or_insert_with(|| fresh(tail));
        insert(node, value, tail);
    }
    root.into_iter().map(|(k, n)| (k, n.into_value())).collect()
}
