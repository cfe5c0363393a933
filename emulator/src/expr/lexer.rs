//! Tokens of DynamoDB's expression language, with byte spans kept for syntax-error messages.

use super::error::ExprError;

/// What a token is. Keywords (AND, SET, ...) are `Ident`s; the parsers compare them case-insensitively.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    /// `[A-Za-z_][A-Za-z0-9_]*`
    Ident,
    /// `#` followed by `[A-Za-z0-9_]*`
    Name,
    /// `:` followed by `[A-Za-z0-9_]*`
    Value,
    /// `[0-9]+`
    Int,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Plus,
    Minus,
    /// Any other single character; always a syntax error where it appears.
    Other,
    Eof,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

fn ident_part(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Splits `src` into tokens; the last one is always `Eof` (with an empty span at the end).
pub fn lex(src: &str) -> Vec<Token> {
    let bytes = src.as_bytes();
    let mut out = Vec::with_capacity(src.len() / 3 + 2);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        let tok = match b {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'#' | b':' => {
                i += 1;
                while i < bytes.len() && ident_part(bytes[i]) {
                    i += 1;
                }
                if b == b'#' {
                    Tok::Name
                } else {
                    Tok::Value
                }
            }
            b'0'..=b'9' => {
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                Tok::Int
            }
            // A name or function name starts with a letter; a leading `_` is a stray character.
            b if b.is_ascii_alphabetic() => {
                while i < bytes.len() && ident_part(bytes[i]) {
                    i += 1;
                }
                Tok::Ident
            }
            b'<' | b'>' => {
                i += 1;
                let next = bytes.get(i).copied();
                match (b, next) {
                    (b'<', Some(b'>')) => {
                        i += 1;
                        Tok::Ne
                    }
                    (b'<', Some(b'=')) => {
                        i += 1;
                        Tok::Le
                    }
                    (b'>', Some(b'=')) => {
                        i += 1;
                        Tok::Ge
                    }
                    (b'<', _) => Tok::Lt,
                    _ => Tok::Gt,
                }
            }
            _ => {
                let single = match b {
                    b'(' => Tok::LParen,
                    b')' => Tok::RParen,
                    b'[' => Tok::LBracket,
                    b']' => Tok::RBracket,
                    b',' => Tok::Comma,
                    b'.' => Tok::Dot,
                    b'=' => Tok::Eq,
                    b'+' => Tok::Plus,
                    b'-' => Tok::Minus,
                    _ => Tok::Other,
                };
                // One whole character, even when it is multi-byte.
                i += src[i..].chars().next().map_or(1, char::len_utf8);
                single
            }
        };
        out.push(Token { tok, start, end: i });
    }
    out.push(Token {
        tok: Tok::Eof,
        start: src.len(),
        end: src.len(),
    });
    out
}

/// DynamoDB's syntax error for the token at `idx`: the token's text (or `<EOF>`) and the source
/// from the start of the previous token to the end of the next one.
pub fn syntax_error(src: &str, tokens: &[Token], idx: usize) -> ExprError {
    let t = tokens[idx];
    let text = if t.tok == Tok::Eof {
        "<EOF>"
    } else {
        &src[t.start..t.end]
    };
    let from = if idx > 0 { tokens[idx - 1].start } else { t.start };
    let to = match tokens.get(idx + 1) {
        Some(n) if t.tok != Tok::Eof => n.end,
        _ if t.tok == Tok::Eof => src.trim_end().len().max(from),
        _ => t.end,
    };
    ExprError::Syntax {
        token: text.to_string(),
        near: src[from..to].to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<Tok> {
        lex(s).into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn tokens() {
        use Tok::*;
        assert_eq!(
            kinds("a.b[12] <> :v AND #n<=x>=y<z>w=(1)+-,"),
            vec![
                Ident, Dot, Ident, LBracket, Int, RBracket, Ne, Value, Ident, Name, Le, Ident, Ge, Ident, Lt, Ident,
                Gt, Ident, Eq, LParen, Int, RParen, Plus, Minus, Comma, Eof
            ]
        );
        assert_eq!(kinds("é!"), vec![Other, Other, Eof]);
        assert_eq!(kinds("_a a_1"), vec![Other, Ident, Ident, Eof]);
        assert_eq!(kinds("  "), vec![Eof]);
        let t = lex("ab  :c1");
        assert_eq!((t[1].start, t[1].end), (4, 7));
    }

    #[test]
    fn near_context() {
        let s = "INVALID SYNTAX HERE";
        assert_eq!(
            syntax_error(s, &lex(s), 0).to_string(),
            "Syntax error; token: \"INVALID\", near: \"INVALID SYNTAX\""
        );
        let s = "!!! INVALID !!!";
        assert_eq!(
            syntax_error(s, &lex(s), 0).to_string(),
            "Syntax error; token: \"!\", near: \"!!\""
        );
        let s = "SET MyStr = myNum Mystr2 myNum2";
        assert_eq!(
            syntax_error(s, &lex(s), 4).to_string(),
            "Syntax error; token: \"Mystr2\", near: \"myNum Mystr2 myNum2\""
        );
        let s = "SET _a = :v";
        assert_eq!(
            syntax_error(s, &lex(s), 1).to_string(),
            "Syntax error; token: \"_\", near: \"SET _a\""
        );
        let s = "SET a =";
        let t = lex(s);
        assert_eq!(
            syntax_error(s, &t, t.len() - 1).to_string(),
            "Syntax error; token: \"<EOF>\", near: \"=\""
        );
    }
}
