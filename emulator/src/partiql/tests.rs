//! Parser tests: every statement form and literal, and syntax errors with DynamoDB's exact text.
