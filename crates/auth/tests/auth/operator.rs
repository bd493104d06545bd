//! The operator helpers: generated key pairs mint tokens the verifier accepts, and never put
//! private material in the JWKS.

use seatquote_auth::{generate_keypair, jwk_thumbprint, mint, KeyKind, MintError};

use crate::helpers::*;

#[tokio::test]
async fn generated_keys_mint_verifiable_tokens() {
    for kind in [KeyKind::Ed25519, KeyKind::P256] {
        let key = generate_keypair(kind).unwrap();
        assert_eq!(
            jwk_thumbprint(&key.public_jwk).unwrap(),
            key.kid,
            "kid = RFC 7638 thumbprint"
        );
        let jwks: serde_json::Value = serde_json::from_str(&key.jwks_json()).unwrap();
        let jwk = &jwks["keys"][0];
        assert_eq!(jwk["use"], "sig");
        assert_eq!(jwk["alg"], key.alg);
        assert!(
            jwk.get("d").is_none(),
            "no private member in the public set: {jwk}"
        );
        let token = mint(&key.private_key_pem, &key.kid, &claims(now())).unwrap();
        let header = token.split('.').next().unwrap();
        let header: serde_json::Value = serde_json::from_slice(
            &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, header)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(
            (header["alg"].as_str(), header["kid"].as_str()),
            (Some(key.alg), Some(key.kid.as_str()))
        );
        let c = verifier(&[&key])
            .verify(&format!("Bearer {token}"), at(now()))
            .await
            .unwrap();
        assert_eq!(c.id, "C-1001");
    }
    // Two generations never share a key.
    assert_ne!(ed().kid, ed().kid);
}

#[test]
fn unusable_private_keys_are_refused() {
    let c = claims(now());
    assert!(matches!(mint("not a pem", "k", &c), Err(MintError::Key(_))));
    let public_only = ed().jwks_json();
    assert!(matches!(
        mint(&public_only, "k", &c),
        Err(MintError::Key(_))
    ));
}
