//! Key rotation: customer keys in a JWKS (two kids at once, then the old one retired), and
//! the proxy's own quote-token keys.

use std::time::Duration;

use seatquote_auth::{
    add_to_jwks, mint, AuthError, Expiring, QuoteKeys, QuoteTokenError, Verifier,
};
use serde::{Deserialize, Serialize};

use crate::helpers::*;

#[tokio::test]
async fn two_kids_in_the_set_both_verify() {
    let (old, new) = (ed(), es());
    let v = verifier(&[&old, &new]);
    let t = now();
    for key in [&old, &new] {
        let token = mint(&key.private_key_pem, &key.kid, &claims(t)).unwrap();
        let c = v.verify(&format!("Bearer {token}"), at(t)).await.unwrap();
        assert_eq!(c.key_id.as_deref(), Some(key.kid.as_str()));
    }
}

#[tokio::test]
async fn jwks_file_rotation_without_restart() {
    let (old, new) = (ed(), ed());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jwks.json");
    std::fs::write(&path, jwks(&[&old])).unwrap();
    let mut config = config(path.display().to_string());
    config.jwks_min_refresh = Duration::from_millis(200);
    config.jwks_max_age = Duration::from_secs(600);
    let v = Verifier::from_config(&config).unwrap();
    let bearer = |k: &seatquote_auth::GeneratedKey| {
        format!(
            "Bearer {}",
            mint(&k.private_key_pem, &k.kid, &claims(now())).unwrap()
        )
    };
    v.verify(&bearer(&old), at(now())).await.unwrap();

    // Step 1: publish the new key next to the old one (the `keys` helper's add_to_jwks).
    let both = add_to_jwks(&std::fs::read_to_string(&path).unwrap(), &new.public_jwk).unwrap();
    assert!(
        add_to_jwks(&both, &new.public_jwk).is_err(),
        "a kid is added once"
    );
    std::fs::write(&path, both).unwrap();
    tokio::time::sleep(Duration::from_millis(250)).await;
    // Step 2: the merchant signs with the new key; tokens under the old one still pass.
    v.verify(&bearer(&new), at(now())).await.unwrap();
    v.verify(&bearer(&old), at(now())).await.unwrap();

    // Step 3: once no old token can still be alive, retire the old key.
    std::fs::write(&path, jwks(&[&new])).unwrap();
    v.refresh().await.unwrap();
    assert_eq!(
        v.verify(&bearer(&old), at(now())).await,
        Err(AuthError::UnknownKey)
    );
    v.verify(&bearer(&new), at(now())).await.unwrap();
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Quote {
    sub: String,
    qty: u32,
    exp: i64,
}

impl Expiring for Quote {
    fn exp(&self) -> i64 {
        self.exp
    }
}

fn quote() -> Quote {
    Quote {
        sub: "S-1".into(),
        qty: 7,
        exp: 1_000,
    }
}

#[test]
fn quote_tokens_survive_a_secret_rotation() {
    let before = QuoteKeys::from_settings("secret-2025", None);
    let in_flight = before.sign("quote", &quote());

    let after = QuoteKeys::from_settings("secret-2026", Some("secret-2025"));
    assert_eq!(after.previous_kids(), [before.current_kid()]);
    assert_eq!(after.verify::<Quote>("quote", &in_flight, 500), Ok(quote()));
    let fresh = after.sign("quote", &quote());
    assert!(fresh.split('.').nth(1) == Some(after.current_kid()));
    assert_eq!(after.verify::<Quote>("quote", &fresh, 500), Ok(quote()));
    // The old proxy (not yet restarted) does not know the new kid.
    assert_eq!(
        before.verify::<Quote>("quote", &fresh, 500),
        Err(QuoteTokenError::Invalid)
    );

    // The old secret dropped: its tokens stop verifying.
    let later = QuoteKeys::from_settings("secret-2026", None);
    assert_eq!(
        later.verify::<Quote>("quote", &in_flight, 500),
        Err(QuoteTokenError::Invalid)
    );
    assert_eq!(later.verify::<Quote>("quote", &fresh, 500), Ok(quote()));
}

#[test]
fn quote_tokens_refuse_tampering_kind_kid_swap_and_expiry() {
    let keys = QuoteKeys::new(b"k-new").with_previous(b"k-old");
    let old_only = QuoteKeys::new(b"k-old");
    let token = keys.sign("quote", &quote());
    assert_eq!(
        keys.verify::<Quote>("quote", &token, 1_000),
        Err(QuoteTokenError::Expired)
    );
    assert_eq!(
        keys.verify::<Quote>("cust", &token, 500),
        Err(QuoteTokenError::Invalid)
    );
    // The kid swapped for the previous key's: the MAC covers the kid.
    let swapped = token.replacen(keys.current_kid(), old_only.current_kid(), 1);
    assert_eq!(
        keys.verify::<Quote>("quote", &swapped, 500),
        Err(QuoteTokenError::Invalid)
    );
    // Another payload under the same signature.
    let parts: Vec<&str> = token.split('.').collect();
    let forged = b64(br#"{"sub":"S-1","qty":700,"exp":1000}"#);
    let tampered = format!("{}.{}.{forged}.{}", parts[0], parts[1], parts[3]);
    assert_eq!(
        keys.verify::<Quote>("quote", &tampered, 500),
        Err(QuoteTokenError::Invalid)
    );
    // The pre-rotation format (no kid) and oversized input.
    assert!(keys
        .verify::<Quote>("quote", "quote.e30.c2ln", 500)
        .is_err());
    assert!(keys
        .verify::<Quote>("quote", &"a.".repeat(3000), 500)
        .is_err());
    // Same secret twice is one key; kids are stable and reveal nothing of the secret.
    assert!(QuoteKeys::new(b"x")
        .with_previous(b"x")
        .previous_kids()
        .is_empty());
    assert_eq!(
        QuoteKeys::new(b"x").current_kid(),
        QuoteKeys::new(b"x").current_kid()
    );
    assert!(!format!("{keys:?}").contains("k-new"));
}
