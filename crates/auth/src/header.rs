//! The `Authorization` header: `Bearer <token>`, the scheme matched case-insensitively
//! (RFC 9110 §11.1).

use crate::AuthError;

/// Longest token accepted (bytes); longer ones are refused before any decoding.
pub const MAX_TOKEN_LEN: usize = 8192;

/// The token in an `Authorization` header value.
///
/// An empty value means "no header" ([`AuthError::Missing`]). The scheme is matched without
/// regard to case (`Bearer`, `bearer`, `BEARER`), and spaces around the token are ignored.
///
/// # Errors
/// [`AuthError::Missing`] for an empty value; [`AuthError::Malformed`] for another scheme,
/// no token, a token with spaces in it, or one longer than [`MAX_TOKEN_LEN`].
///
/// # Example
/// ```
/// use seatquote_auth::{bearer_token, AuthError};
/// assert_eq!(bearer_token("bearer abc.def.ghi"), Ok("abc.def.ghi"));
/// assert_eq!(bearer_token(""), Err(AuthError::Missing));
/// assert_eq!(bearer_token("Basic dXNlcg==").unwrap_err().code(), "token_invalid");
/// ```
pub fn bearer_token(authorization: &str) -> Result<&str, AuthError> {
    let value = authorization.trim();
    if value.is_empty() {
        return Err(AuthError::Missing);
    }
    let (scheme, rest) = value.split_once([' ', '\t']).unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(AuthError::Malformed(
            "the Authorization scheme must be Bearer".into(),
        ));
    }
    let token = rest.trim();
    if token.is_empty() {
        return Err(AuthError::Malformed("the Bearer token is empty".into()));
    }
    if token.contains(char::is_whitespace) {
        return Err(AuthError::Malformed(
            "the Bearer token must be one word".into(),
        ));
    }
    if token.len() > MAX_TOKEN_LEN {
        return Err(AuthError::Malformed(format!(
            "the token is longer than {MAX_TOKEN_LEN} bytes"
        )));
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_and_shapes() {
        for ok in [
            "Bearer t.o.k",
            "bearer t.o.k",
            "BEARER t.o.k",
            "  Bearer   t.o.k  ",
            "Bearer\tt.o.k",
        ] {
            assert_eq!(bearer_token(ok), Ok("t.o.k"), "{ok:?}");
        }
        assert_eq!(bearer_token("   "), Err(AuthError::Missing));
        for bad in [
            "Bearer",
            "Bearer ",
            "Basic t.o.k",
            "Bearerx t.o.k",
            "Bearer a b",
            "t.o.k",
        ] {
            assert_eq!(
                bearer_token(bad).map_err(|e| e.code()),
                Err("token_invalid"),
                "{bad:?}"
            );
        }
        let long = format!("Bearer {}", "a".repeat(MAX_TOKEN_LEN + 1));
        assert!(matches!(bearer_token(&long), Err(AuthError::Malformed(_))));
    }
}
