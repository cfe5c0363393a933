//! The typed, fully resolved expression trees: `#names` replaced by attribute names and `:values`
//! by their attribute values.

use std::fmt;

use crate::model::{AttributeValue, ValueType};

/// One step of a document path.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathElem {
    Attr(String),
    Index(usize),
}

/// A document path such as `a.b[2].c`; never empty, and it always starts with an attribute name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Path(pub Vec<PathElem>);

impl Path {
    pub fn attr(name: impl Into<String>) -> Path {
        Path(vec![PathElem::Attr(name.into())])
    }

    /// Whether the path goes below the top-level attribute `name` (`name.x`, `name[0]`).
    pub fn descends_into(&self, name: &str) -> bool {
        self.0.len() > 1 && self.head() == name
    }

    /// The top-level attribute name.
    pub fn head(&self) -> &str {
        match self.0.first() {
            Some(PathElem::Attr(a)) => a,
            _ => "",
        }
    }
}

/// DynamoDB's rendering in messages: `[a, b, [2]]`.
impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match e {
                PathElem::Attr(a) => f.write_str(a)?,
                PathElem::Index(n) => write!(f, "[{n}]")?,
            }
        }
        f.write_str("]")
    }
}

/// A value-producing operand of a condition.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    Path(Path),
    Value(AttributeValue),
    /// `size(operand)`
    Size(Box<Operand>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "<>",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// A condition or filter expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    Cmp(CmpOp, Operand, Operand),
    Between(Operand, Operand, Operand),
    In(Operand, Vec<Operand>),
    And(Box<Condition>, Box<Condition>),
    Or(Box<Condition>, Box<Condition>),
    Not(Box<Condition>),
    Exists(Path),
    NotExists(Path),
    AttrType(Operand, Operand),
    BeginsWith(Operand, Operand),
    Contains(Operand, Operand),
}

impl Condition {
    /// The first document path the condition reads, in written order, that `wanted` accepts.
    /// (The tree's depth is bounded by the parser, so this walk is too.)
    pub fn find_path(&self, wanted: &dyn Fn(&Path) -> bool) -> Option<&Path> {
        fn operand<'a>(o: &'a Operand, wanted: &dyn Fn(&Path) -> bool) -> Option<&'a Path> {
            match o {
                Operand::Path(p) => Some(p).filter(|p| wanted(p)),
                Operand::Value(_) => None,
                Operand::Size(inner) => operand(inner, wanted),
            }
        }
        match self {
            Condition::Cmp(_, a, b)
            | Condition::AttrType(a, b)
            | Condition::BeginsWith(a, b)
            | Condition::Contains(a, b) => operand(a, wanted).or_else(|| operand(b, wanted)),
            Condition::Between(a, b, c) => [a, b, c].into_iter().find_map(|o| operand(o, wanted)),
            Condition::In(a, list) => operand(a, wanted).or_else(|| list.iter().find_map(|o| operand(o, wanted))),
            Condition::And(a, b) | Condition::Or(a, b) => a.find_path(wanted).or_else(|| b.find_path(wanted)),
            Condition::Not(c) => c.find_path(wanted),
            Condition::Exists(p) | Condition::NotExists(p) => Some(p).filter(|p| wanted(p)),
        }
    }
}

/// An operand of an update's SET value.
#[derive(Clone, Debug, PartialEq)]
pub enum UpdOperand {
    Path(Path),
    Value(AttributeValue),
    IfNotExists(Path, Box<UpdOperand>),
    ListAppend(Box<UpdOperand>, Box<UpdOperand>),
}

/// The right-hand side of `SET path = ...`.
#[derive(Clone, Debug, PartialEq)]
pub enum SetValue {
    Operand(UpdOperand),
    Plus(UpdOperand, UpdOperand),
    Minus(UpdOperand, UpdOperand),
}

#[derive(Clone, Debug, PartialEq)]
pub enum UpdateAction {
    Set(Path, SetValue),
    Remove(Path),
    Add(Path, AttributeValue),
    Delete(Path, AttributeValue),
}

impl UpdateAction {
    pub fn path(&self) -> &Path {
        match self {
            UpdateAction::Set(p, _)
            | UpdateAction::Remove(p)
            | UpdateAction::Add(p, _)
            | UpdateAction::Delete(p, _) => p,
        }
    }
}

/// An update expression (or converted AttributeUpdates): its actions in written order.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Update {
    pub actions: Vec<UpdateAction>,
    /// Converted from AttributeUpdates, whose ADD and DELETE word a type mismatch their own way.
    pub legacy: bool,
}

impl Update {
    /// The type of what the update writes to top-level attribute `name`, where the expression
    /// alone decides it: a value, arithmetic (a number), list_append (a list), ADD's or DELETE's
    /// value. `None` where the item may decide it (a path, if_not_exists), or no action writes
    /// `name` itself. (Paths never overlap, so one action at most writes it.)
    pub fn written_type(&self, name: &str) -> Option<ValueType> {
        let action = self
            .actions
            .iter()
            .find(|a| matches!(a.path().0.as_slice(), [PathElem::Attr(n)] if n == name))?;
        match action {
            UpdateAction::Set(_, SetValue::Operand(UpdOperand::Value(v)))
            | UpdateAction::Add(_, v)
            | UpdateAction::Delete(_, v) => Some(v.value_type()),
            UpdateAction::Set(_, SetValue::Operand(UpdOperand::ListAppend(..))) => Some(ValueType::L),
            UpdateAction::Set(_, SetValue::Plus(..) | SetValue::Minus(..)) => Some(ValueType::N),
            _ => None,
        }
    }

    /// The value a `SET name = :value` writes to the top-level attribute `name`, if one does.
    pub fn written_value(&self, name: &str) -> Option<&AttributeValue> {
        self.actions.iter().find_map(|a| match a {
            UpdateAction::Set(p, SetValue::Operand(UpdOperand::Value(v))) if p == &Path::attr(name) => Some(v),
            _ => None,
        })
    }

    /// Whether the update names or reads a document path, as a target or in a SET value, that
    /// `wanted` accepts. (Operands nest as deep as the parser allows, so this walk is bounded too.)
    pub fn any_path(&self, wanted: &dyn Fn(&Path) -> bool) -> bool {
        fn operand(o: &UpdOperand, wanted: &dyn Fn(&Path) -> bool) -> bool {
            match o {
                UpdOperand::Path(p) => wanted(p),
                UpdOperand::Value(_) => false,
                UpdOperand::IfNotExists(p, o) => wanted(p) || operand(o, wanted),
                UpdOperand::ListAppend(a, b) => operand(a, wanted) || operand(b, wanted),
            }
        }
        self.actions.iter().any(|a| {
            wanted(a.path())
                || match a {
                    UpdateAction::Set(_, SetValue::Operand(o)) => operand(o, wanted),
                    UpdateAction::Set(_, SetValue::Plus(x, y) | SetValue::Minus(x, y)) => {
                        operand(x, wanted) || operand(y, wanted)
                    }
                    _ => false,
                }
        })
    }
}

/// One key condition: the attribute and what it must satisfy.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyCond {
    pub name: String,
    pub op: KeyOp,
}

#[derive(Clone, Debug, PartialEq)]
pub enum KeyOp {
    Eq(AttributeValue),
    Lt(AttributeValue),
    Le(AttributeValue),
    Gt(AttributeValue),
    Ge(AttributeValue),
    Between(AttributeValue, AttributeValue),
    BeginsWith(AttributeValue),
}

/// A key condition expression (or converted KeyConditions), schema-independent until `resolve`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct KeyCondition {
    pub conds: Vec<KeyCond>,
}
