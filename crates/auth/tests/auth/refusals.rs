//! Every refusal of a customer token, and the tokens that must pass.

use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use seatquote_auth::{mint, mint_hs256, Audience, AuthError, Config, KeySource, Verifier};

use crate::helpers::*;

async fn check(v: &Verifier, token: &str, now: i64) -> Result<seatquote_auth::Customer, AuthError> {
    v.verify(&format!("Bearer {token}"), at(now)).await
}

#[tokio::test]
async fn accepts_eddsa_and_es256_with_any_scheme_case() {
    let (e, p) = (ed(), es());
    let v = verifier(&[&e, &p]);
    let t = now();
    for key in [&e, &p] {
        let token = mint(&key.private_key_pem, &key.kid, &claims(t)).unwrap();
        for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
            let c = v.verify(&format!("{scheme} {token}"), at(t)).await.unwrap();
            assert_eq!(c.id, "C-1001");
            assert_eq!(c.subscriptions, ["S-1", "S-2"]);
            assert_eq!(c.key_id.as_deref(), Some(key.kid.as_str()));
            assert_eq!(c.may_touch("S-2"), Ok(()));
        }
    }
}

#[tokio::test]
async fn forbidden_subscription_is_403() {
    let e = ed();
    let token = mint(&e.private_key_pem, &e.kid, &claims(now())).unwrap();
    let c = check(&verifier(&[&e]), &token, now()).await.unwrap();
    let err = c.may_touch("S-3").unwrap_err();
    assert_eq!(err, AuthError::ForbiddenSubscription);
    assert_eq!(
        (err.code(), err.status().as_u16()),
        ("forbidden_subscription", 403)
    );
    assert_eq!(err.www_authenticate(), None);
}

#[tokio::test]
async fn missing_header_and_wrong_scheme() {
    let v = verifier(&[&ed()]);
    let missing = v.verify("", at(now())).await.unwrap_err();
    assert_eq!(
        (missing.code(), missing.status().as_u16()),
        ("token_missing", 401)
    );
    assert_eq!(missing.www_authenticate(), Some("Bearer"));
    let basic = v.verify("Basic dXNlcjpwdw==", at(now())).await.unwrap_err();
    assert_eq!(basic.code(), "token_invalid");
}

#[tokio::test]
async fn wrong_audience() {
    let e = ed();
    let v = verifier(&[&e]);
    let t = now();
    let mut c = claims(t);
    c.aud = Audience::One("https://other.example".into());
    let err = check(&v, &mint(&e.private_key_pem, &e.kid, &c).unwrap(), t)
        .await
        .unwrap_err();
    assert_eq!((err.code(), err.status().as_u16()), ("token_audience", 401));
    // A list of audiences that names ours is accepted.
    c.aud = Audience::Many(vec!["https://other.example".into(), AUD.into()]);
    assert!(check(&v, &mint(&e.private_key_pem, &e.kid, &c).unwrap(), t)
        .await
        .is_ok());
}

#[tokio::test]
async fn expired_and_not_yet_valid_with_clock_skew() {
    let e = ed();
    let v = verifier(&[&e]); // leeway 60 s
    let t = now();
    let token = mint(&e.private_key_pem, &e.kid, &claims(t)).unwrap(); // exp = t + 900
    assert!(
        check(&v, &token, t + 900 + 59).await.is_ok(),
        "inside the skew allowance"
    );
    let err = check(&v, &token, t + 900 + 60).await.unwrap_err();
    assert_eq!(
        (err.clone(), err.code()),
        (AuthError::Expired, "token_expired")
    );
    assert!(
        check(&v, &token, t - 60).await.is_ok(),
        "inside the skew allowance"
    );
    let err = check(&v, &token, t - 61).await.unwrap_err();
    assert_eq!(err.code(), "token_not_yet_valid");
    // nbf in the future, iat now.
    let mut c = claims(t);
    c.nbf = t + 300;
    let err = check(&v, &mint(&e.private_key_pem, &e.kid, &c).unwrap(), t)
        .await
        .unwrap_err();
    assert_eq!(err, AuthError::NotYetValid);
    // Issued in the future.
    let c = claims(t + 600);
    let err = check(&v, &mint(&e.private_key_pem, &e.kid, &c).unwrap(), t)
        .await
        .unwrap_err();
    assert_eq!(err, AuthError::NotYetValid);
}

#[tokio::test]
async fn lifetime_longer_than_allowed() {
    let e = ed();
    let mut config = config(jwks(&[&e]));
    config.max_lifetime = std::time::Duration::from_secs(3600);
    let v = Verifier::from_config(&config).unwrap();
    let t = now();
    let mut c = claims(t);
    c.exp = t + 3600;
    assert!(check(&v, &mint(&e.private_key_pem, &e.kid, &c).unwrap(), t)
        .await
        .is_ok());
    c.exp = t + 3601;
    let err = check(&v, &mint(&e.private_key_pem, &e.kid, &c).unwrap(), t)
        .await
        .unwrap_err();
    assert_eq!(err, AuthError::LifetimeTooLong { max_seconds: 3600 });
    assert_eq!(err.code(), "token_invalid");
}

#[tokio::test]
async fn unknown_kid_and_missing_kid_with_several_keys() {
    let (e, other) = (ed(), ed());
    let v = verifier(&[&e, &es()]);
    let t = now();
    // Signed by a key the set does not hold, under its own kid.
    let token = mint(&other.private_key_pem, &other.kid, &claims(t)).unwrap();
    assert_eq!(
        check(&v, &token, t).await.unwrap_err(),
        AuthError::UnknownKey
    );
    // Signed by that key but claiming the kid of a key in the set: the signature fails.
    let token = mint(&other.private_key_pem, &e.kid, &claims(t)).unwrap();
    assert_eq!(
        check(&v, &token, t).await.unwrap_err(),
        AuthError::BadSignature
    );
    // No kid while the set has two keys.
    let mut h = Header::new(Algorithm::EdDSA);
    h.kid = None;
    let key = EncodingKey::from_ed_pem(e.private_key_pem.as_bytes()).unwrap();
    let token = encode(&h, &claims(t), &key).unwrap();
    assert_eq!(
        check(&v, &token, t).await.unwrap_err().code(),
        "token_invalid"
    );
}

#[tokio::test]
async fn wrong_algorithm_for_the_key() {
    let (e, p) = (ed(), es());
    let v = verifier(&[&e, &p]);
    let t = now();
    // An ES256 signature presented under the EdDSA key's kid.
    let token = mint(&p.private_key_pem, &e.kid, &claims(t)).unwrap();
    assert_eq!(
        check(&v, &token, t).await.unwrap_err(),
        AuthError::WrongAlgorithm
    );
    // An HS256 verifier refuses an EdDSA token even under its kid.
    let secret = [9u8; 32];
    let hs = Verifier::from_config(&Config::new(
        KeySource::Secret {
            secret: secret.to_vec(),
            kid: Some("h1".into()),
        },
        AUD,
    ))
    .unwrap();
    let token = mint(&e.private_key_pem, "h1", &claims(t)).unwrap();
    assert_eq!(
        check(&hs, &token, t).await.unwrap_err(),
        AuthError::WrongAlgorithm
    );
    let good = mint_hs256(&secret, Some("h1"), &claims(t)).unwrap();
    assert!(check(&hs, &good, t).await.is_ok());
    let wrong_secret = mint_hs256(&[8u8; 32], Some("h1"), &claims(t)).unwrap();
    assert_eq!(
        check(&hs, &wrong_secret, t).await.unwrap_err(),
        AuthError::BadSignature
    );
}

#[tokio::test]
async fn algorithm_confusion_hs256_signed_with_public_key_bytes() {
    let e = ed();
    let v = verifier(&[&e]);
    let t = now();
    let x = e.public_jwk["x"].as_str().unwrap().to_owned();
    let raw =
        base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, &x).unwrap();
    // Every public form of the key an attacker could use as an HMAC secret.
    for secret in [raw, x.into_bytes(), e.jwks_json().into_bytes()] {
        let mut h = Header::new(Algorithm::HS256);
        h.kid = Some(e.kid.clone());
        let token = encode(&h, &claims(t), &EncodingKey::from_secret(&secret)).unwrap();
        let err = check(&v, &token, t).await.unwrap_err();
        assert_eq!(
            (err.clone(), err.code()),
            (AuthError::WrongAlgorithm, "token_invalid")
        );
    }
}

#[tokio::test]
async fn alg_none_is_refused() {
    let e = ed();
    let v = verifier(&[&e]);
    let t = now();
    let header = b64(format!(r#"{{"alg":"none","typ":"JWT","kid":"{}"}}"#, e.kid).as_bytes());
    let payload = b64(serde_json::to_string(&claims(t)).unwrap().as_bytes());
    for token in [
        format!("{header}.{payload}."),
        format!("{header}.{payload}"),
    ] {
        let err = check(&v, &token, t).await.unwrap_err();
        assert_eq!(err.code(), "token_invalid", "{err:?}");
    }
}

#[tokio::test]
async fn tampered_payload_or_signature() {
    let e = ed();
    let v = verifier(&[&e]);
    let t = now();
    let token = mint(&e.private_key_pem, &e.kid, &claims(t)).unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    // Another subscription list, same header and signature.
    let mut c = claims(t);
    c.subscriptions.push("S-9".into());
    let forged = b64(serde_json::to_string(&c).unwrap().as_bytes());
    let tampered = format!("{}.{forged}.{}", parts[0], parts[2]);
    assert_eq!(
        check(&v, &tampered, t).await.unwrap_err(),
        AuthError::BadSignature
    );
    // One signature byte flipped.
    let mut sig =
        base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, parts[2])
            .unwrap();
    sig[0] ^= 1;
    let tampered = format!("{}.{}.{}", parts[0], parts[1], b64(&sig));
    assert_eq!(
        check(&v, &tampered, t).await.unwrap_err(),
        AuthError::BadSignature
    );
    // Not a JWT at all.
    assert_eq!(
        check(&v, "cust.e30.c2ln", t).await.unwrap_err().code(),
        "token_invalid"
    );
}

#[tokio::test]
async fn claims_shape_and_issuer() {
    let e = ed();
    let t = now();
    let key = EncodingKey::from_ed_pem(e.private_key_pem.as_bytes()).unwrap();
    let mut h = Header::new(Algorithm::EdDSA);
    h.kid = Some(e.kid.clone());
    let v = verifier(&[&e]);
    // No `subscriptions`.
    let body = serde_json::json!({"sub":"C-1","aud":AUD,"iat":t,"nbf":t,"exp":t+60});
    let err = check(&v, &encode(&h, &body, &key).unwrap(), t)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AuthError::Malformed(m) if m.contains("subscriptions")),
        "{err:?}"
    );
    // No `aud`.
    let body = serde_json::json!({"sub":"C-1","subscriptions":[],"iat":t,"nbf":t,"exp":t+60});
    assert_eq!(
        check(&v, &encode(&h, &body, &key).unwrap(), t)
            .await
            .unwrap_err()
            .code(),
        "token_invalid"
    );

    let mut config = config(jwks(&[&e]));
    config.issuer = Some("https://shop.example".into());
    let v = Verifier::from_config(&config).unwrap();
    let no_iss = mint(&e.private_key_pem, &e.kid, &claims(t)).unwrap();
    assert_eq!(check(&v, &no_iss, t).await.unwrap_err(), AuthError::Issuer);
    let other = mint(
        &e.private_key_pem,
        &e.kid,
        &claims(t).with_issuer("https://evil.example"),
    )
    .unwrap();
    assert_eq!(check(&v, &other, t).await.unwrap_err(), AuthError::Issuer);
    let right = mint(
        &e.private_key_pem,
        &e.kid,
        &claims(t).with_issuer("https://shop.example"),
    )
    .unwrap();
    assert!(check(&v, &right, t).await.is_ok());
}

#[test]
fn every_error_has_code_status_and_message() {
    let all = [
        (AuthError::Missing, "token_missing", 401),
        (AuthError::Malformed("x".into()), "token_invalid", 401),
        (AuthError::BadSignature, "token_invalid", 401),
        (AuthError::UnknownKey, "token_invalid", 401),
        (AuthError::WrongAlgorithm, "token_invalid", 401),
        (
            AuthError::LifetimeTooLong { max_seconds: 1 },
            "token_invalid",
            401,
        ),
        (AuthError::Issuer, "token_invalid", 401),
        (AuthError::Audience, "token_audience", 401),
        (AuthError::Expired, "token_expired", 401),
        (AuthError::NotYetValid, "token_not_yet_valid", 401),
        (
            AuthError::ForbiddenSubscription,
            "forbidden_subscription",
            403,
        ),
        (AuthError::KeysUnavailable, "token_keys_unavailable", 503),
    ];
    for (e, code, status) in all {
        assert_eq!((e.code(), e.status().as_u16()), (code, status), "{e:?}");
        assert!(e.message().len() > 10, "{e:?}");
    }
}

#[test]
fn configuration_errors() {
    assert!(Verifier::from_config(&Config::new(KeySource::Jwks(jwks(&[&ed()])), " ")).is_err());
    let url = |u: &str| Verifier::from_config(&Config::new(KeySource::JwksUrl(u.into()), AUD));
    assert!(
        url("http://keys.example/jwks.json").is_err(),
        "clear text off loopback"
    );
    assert!(url("https://keys.example/jwks.json").is_ok());
    assert!(url("http://127.0.0.1:9/jwks.json").is_ok());
    assert!(url("not a url").is_err());
    let file = Verifier::from_config(&Config::new(
        KeySource::Jwks("/nonexistent/jwks.json".into()),
        AUD,
    ));
    assert!(file
        .unwrap_err()
        .to_string()
        .contains("/nonexistent/jwks.json"));
}
