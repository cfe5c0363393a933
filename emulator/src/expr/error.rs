//! What can be wrong with an expression string, as a value: the parsers report a kind and the detail
//! DynamoDB names, and this file alone words it ([`fmt::Display`]) and turns it into the API error
//! ([`ExprError::invalid`]), so the texts live in one place and nothing re-prefixes strings.

use std::fmt;

use base64::Engine;

use super::ast::Path;
use crate::error::Error;
use crate::model::AttributeValue;

/// The request parameter an expression came from; DynamoDB names it in the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    Update,
    Condition,
    KeyCondition,
    Filter,
    Projection,
    SearchCondition,
}

impl Param {
    fn name(self) -> &'static str {
        match self {
            Param::Update => "UpdateExpression",
            Param::Condition => "ConditionExpression",
            Param::KeyCondition => "KeyConditionExpression",
            Param::Filter => "FilterExpression",
            Param::Projection => "ProjectionExpression",
            Param::SearchCondition => "SearchConditionExpression",
        }
    }
}

/// The grammar a function was called in, for "not allowed in a ... expression".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grammar {
    Condition,
    Update,
}

/// One error of an expression string. Names of operators and functions the grammar knows are
/// `&'static str`; text copied from the request is `String`.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprError {
    Empty,
    TooLarge {
        size: usize,
    },
    TooManyOperators {
        count: usize,
    },
    RedundantParentheses,
    /// The token the grammar failed at (`<EOF>` at the end) and the text around it.
    Syntax {
        token: String,
        near: String,
    },
    ReservedKeyword(String),
    UndefinedName(String),
    UndefinedValue(String),
    /// The index as written, brackets excluded.
    ListIndexRange(String),
    TooDeep {
        levels: usize,
    },
    PathsOverlap(Path, Path),
    PathsConflict(Path, Path),
    /// An update action (`ADD`, `DELETE`) given an operand of a type it does not take.
    OperatorOperandType {
        operator: &'static str,
        ty: &'static str,
    },
    /// The same for a function, an ordering comparison (`<`, `BETWEEN`...), or `+`/`-` in an
    /// update; DynamoDB words these "operator or function".
    FunctionOperandType {
        function: &'static str,
        ty: &'static str,
    },
    OperandCount {
        function: &'static str,
        count: usize,
    },
    NotDistinct {
        operator: &'static str,
        first: Path,
    },
    FunctionMisused(&'static str),
    FunctionNotAllowed {
        function: String,
        grammar: Grammar,
    },
    UnknownFunction(String),
    NeedsPath(&'static str),
    AttributeTypeName(String),
    InTooManyOperands {
        count: usize,
    },
    BetweenTypes {
        low: AttributeValue,
        high: AttributeValue,
    },
    BetweenOrder {
        low: AttributeValue,
        high: AttributeValue,
    },
    /// An UpdateExpression section keyword (`SET`...) used twice.
    SectionTwice(&'static str),
    /// An operator a key condition cannot use (`OR`, `<>`, `contains`...).
    KeyOperator(&'static str),
    /// `BETWEEN` or `begins_with` not starting with the key attribute.
    KeyFirstOperand(&'static str),
    KeyMultipleNames,
    KeyNoAttribute,
    KeyNestedAttribute,
    KeyNestedOperation,
    KeyConditionTwice,
    /// A SearchConditionExpression term other than `attribute = :value`.
    SearchComparator,
    SearchNestedAttribute,
    SearchConditionTwice,
}

impl ExprError {
    /// The API error for this error in `param`: the one place the "Invalid X: " prefix is added.
    pub fn invalid(self, param: Param) -> Error {
        match self {
            // Only a condition or a filter says how large it was (AWS, us-east-1, 2026: ExtendDB's
            // dual-target suite; FIDELITY.md).
            ExprError::TooLarge { .. } if matches!(param, Param::Update | Param::KeyCondition | Param::Projection) => {
                Error::validation(format!(
                    "Invalid {}: Expression size has exceeded the maximum allowed size;",
                    param.name()
                ))
            }
            _ => Error::validation(format!("Invalid {}: {self}", param.name())),
        }
    }
}

/// `{N:5}`, as DynamoDB renders a literal operand in BETWEEN messages.
struct Literal<'a>(&'a AttributeValue);

impl fmt::Display for Literal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ty = self.0.value_type().as_str();
        match self.0 {
            AttributeValue::S(s) => write!(f, "{{{ty}:{s}}}"),
            AttributeValue::N(n) => write!(f, "{{{ty}:{n}}}"),
            AttributeValue::B(b) => write!(f, "{{{ty}:{}}}", base64::engine::general_purpose::STANDARD.encode(b)),
            other => write!(f, "{{{ty}:{other:?}}}"),
        }
    }
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const PATHS: &str = "with each other; must remove or rewrite one of these paths";
        const OPERAND_TYPE: &str = "Incorrect operand type for operator or function";
        const KEY_CONDITION: &str = "Invalid condition in KeyConditionExpression";
        match self {
            ExprError::Empty => f.write_str("The expression can not be empty;"),
            ExprError::TooLarge { size } => {
                write!(f, "Expression size has exceeded the maximum allowed size; expression size: {size}")
            }
            ExprError::TooManyOperators { count } => {
                write!(f, "The expression contains too many operators; operator count: {count}")
            }
            ExprError::RedundantParentheses => f.write_str("The expression has redundant parentheses;"),
            ExprError::Syntax { token, near } => write!(f, "Syntax error; token: \"{token}\", near: \"{near}\""),
            ExprError::ReservedKeyword(name) => {
                write!(f, "Attribute name is a reserved keyword; reserved keyword: {name}")
            }
            ExprError::UndefinedName(key) => write!(
                f,
                "An expression attribute name used in the document path is not defined; attribute name: {key}"
            ),
            ExprError::UndefinedValue(key) => write!(
                f,
                "An expression attribute value used in expression is not defined; attribute value: {key}"
            ),
            ExprError::ListIndexRange(index) => {
                write!(f, "List index is not within the allowable range; index: [{index}]")
            }
            ExprError::TooDeep { levels } => {
                write!(f, "The document path has too many nesting levels; nesting levels: {levels}")
            }
            ExprError::PathsOverlap(one, two) => {
                write!(f, "Two document paths overlap {PATHS}; path one: {one}, path two: {two}")
            }
            ExprError::PathsConflict(one, two) => {
                write!(f, "Two document paths conflict {PATHS}; path one: {one}, path two: {two}")
            }
            ExprError::OperatorOperandType { operator, ty } => {
                write!(f, "{OPERAND_TYPE}; operator: {operator}, operand type: {ty}")
            }
            ExprError::FunctionOperandType { function, ty } => {
                write!(f, "{OPERAND_TYPE}; operator or function: {function}, operand type: {ty}")
            }
            ExprError::OperandCount { function, count } => write!(
                f,
                "Incorrect number of operands for operator or function; operator or function: {function}, number of operands: {count}"
            ),
            ExprError::NotDistinct { operator, first } => write!(
                f,
                "The first operand must be distinct from the remaining operands for this operator or function; operator: {operator}, first operand: {first}"
            ),
            ExprError::FunctionMisused(function) => write!(
                f,
                "The function is not allowed to be used this way in an expression; function: {function}"
            ),
            ExprError::FunctionNotAllowed { function, grammar } => {
                let grammar = match grammar {
                    Grammar::Condition => "a condition",
                    Grammar::Update => "an update",
                };
                write!(f, "The function is not allowed in {grammar} expression; function: {function}")
            }
            ExprError::UnknownFunction(function) => write!(f, "Invalid function name; function: {function}"),
            ExprError::NeedsPath(function) => write!(
                f,
                "Operator or function requires a document path; operator or function: {function}"
            ),
            ExprError::AttributeTypeName(ty) => write!(
                f,
                "Invalid attribute type name found; type: {ty}, valid types: {{B,NULL,SS,BOOL,L,BS,N,NS,S,M}}"
            ),
            ExprError::InTooManyOperands { count } => {
                write!(f, "The IN operator is provided with too many operands; number of operands: {count}")
            }
            ExprError::BetweenTypes { low, high } => write!(
                f,
                "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {}, upper bound operand: AttributeValue: {}",
                Literal(low),
                Literal(high)
            ),
            ExprError::BetweenOrder { low, high } => write!(
                f,
                "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {}, upper bound operand: AttributeValue: {}",
                Literal(low),
                Literal(high)
            ),
            ExprError::SectionTwice(section) => {
                write!(f, "The \"{section}\" section can only be used once in an update expression;")
            }
            ExprError::KeyOperator(operator) => {
                write!(f, "Invalid operator used in KeyConditionExpression: {operator}")
            }
            ExprError::KeyFirstOperand(operator) => write!(
                f,
                "{KEY_CONDITION}: {operator} operator must have the key attribute as its first operand"
            ),
            ExprError::KeyMultipleNames => write!(f, "{KEY_CONDITION}: Multiple attribute names used in one condition"),
            ExprError::KeyNoAttribute => write!(f, "{KEY_CONDITION}: No key attribute specified"),
            ExprError::KeyNestedAttribute => {
                f.write_str("KeyConditionExpressions cannot have conditions on nested attributes")
            }
            ExprError::KeyNestedOperation => f.write_str("KeyConditionExpressions cannot contain nested operations"),
            ExprError::KeyConditionTwice => {
                f.write_str("KeyConditionExpressions must only contain one condition per key")
            }
            ExprError::SearchComparator => f.write_str("Invalid comparator used in SearchConditionExpression"),
            ExprError::SearchNestedAttribute => {
                f.write_str("SearchConditionExpression cannot have conditions on nested attributes")
            }
            ExprError::SearchConditionTwice => {
                f.write_str("SearchConditionExpression must only contain one condition per attribute")
            }
        }
    }
}
