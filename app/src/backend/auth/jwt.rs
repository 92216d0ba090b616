//! API tokens as JWTs: HS256 with a key derived from the server's secret,
//! the algorithm pinned (so `none` and algorithm switching are refused),
//! `iss`, `aud`, `sub` and a token-type claim required, `exp` honoured when
//! present.

use crate::backend::keys::Keys;
use crate::domain::scope::Scope;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

pub const ISSUER: &str = "vox";
pub const AUDIENCE: &str = "vox-api";
pub const TOKEN_TYPE: &str = "api_token";
const KEY_PURPOSE: &str = "jwt-hs256";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The user who created the token.
    pub sub: String,
    /// The organisation the token acts for.
    pub org: String,
    /// The token's id (`tok_…`), checked against revocation.
    pub jti: String,
    /// Always `api_token`: a JWT minted for anything else is not accepted here.
    pub typ: String,
    pub scopes: Vec<String>,
    pub iat: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
}

pub struct JwtCodec {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl JwtCodec {
    pub fn new(keys: &Keys) -> Self {
        let secret = keys.derive(KEY_PURPOSE);
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["iss", "aud", "sub"]);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.leeway = 5;
        JwtCodec {
            encoding: EncodingKey::from_secret(&secret),
            decoding: DecodingKey::from_secret(&secret),
            validation,
        }
    }

    pub fn sign(&self, claims: &Claims) -> Result<String, jsonwebtoken::errors::Error> {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
    }

    /// The claims of a token we issued, still within its lifetime; `None`
    /// for anything else (bad signature, other algorithm, expired, wrong
    /// audience, issuer or type, unknown scope names).
    pub fn verify(&self, token: &str) -> Option<VerifiedToken> {
        let claims = decode::<Claims>(token, &self.decoding, &self.validation).ok()?.claims;
        if claims.typ != TOKEN_TYPE {
            return None;
        }
        if let Some(exp) = claims.exp {
            // Belt and braces on top of the library's own check.
            if exp <= chrono::Utc::now().timestamp() {
                return None;
            }
        }
        let scopes = claims.scopes.iter().map(|s| Scope::parse(s)).collect::<Option<Vec<_>>>()?;
        Some(VerifiedToken { token_id: claims.jti, organization_id: claims.org, user_id: claims.sub, scopes })
    }
}

/// What a valid token says about its bearer (revocation not yet checked).
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedToken {
    pub token_id: String,
    pub organization_id: String,
    pub user_id: String,
    pub scopes: Vec<Scope>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn codec() -> JwtCodec {
        JwtCodec::new(&Keys::from_secret(b"a test secret that is long enough!!"))
    }

    fn claims(exp: Option<i64>) -> Claims {
        Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: "usr_1".into(),
            org: "org_1".into(),
            jti: "tok_1".into(),
            typ: TOKEN_TYPE.into(),
            scopes: vec!["surveys:read".into()],
            iat: chrono::Utc::now().timestamp(),
            exp,
        }
    }

    fn b64(data: &str) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data)
    }

    #[test]
    fn round_trip() {
        let c = codec();
        let token = c.sign(&claims(None)).unwrap();
        let v = c.verify(&token).unwrap();
        assert_eq!(v.token_id, "tok_1");
        assert_eq!(v.scopes, vec![Scope::SurveysRead]);
    }

    #[test]
    fn refuses_expired_tampered_foreign_and_unsigned() {
        let c = codec();
        let expired = c.sign(&claims(Some(chrono::Utc::now().timestamp() - 3600))).unwrap();
        assert!(c.verify(&expired).is_none());

        let good = c.sign(&claims(None)).unwrap();
        let parts: Vec<&str> = good.split('.').collect();
        let mut tampered_claims = claims(None);
        tampered_claims.org = "org_other".into();
        let tampered = format!("{}.{}.{}", parts[0], b64(&serde_json::to_string(&tampered_claims).unwrap()), parts[2]);
        assert!(c.verify(&tampered).is_none());

        let other_key = JwtCodec::new(&Keys::from_secret(b"another secret that is long enough!"));
        assert!(c.verify(&other_key.sign(&claims(None)).unwrap()).is_none());

        let none = format!("{}.{}.", b64(r#"{"alg":"none","typ":"JWT"}"#), parts[1]);
        assert!(c.verify(&none).is_none());

        let mut wrong_type = claims(None);
        wrong_type.typ = "session".into();
        assert!(c.verify(&c.sign(&wrong_type).unwrap()).is_none());
        let mut wrong_audience = claims(None);
        wrong_audience.aud = "someone-else".into();
        assert!(c.verify(&c.sign(&wrong_audience).unwrap()).is_none());
        assert!(c.verify("garbage").is_none());
    }

    #[test]
    fn an_exp_of_the_wrong_type_is_refused() {
        // The exp/nbf type-confusion class of bugs: a string `exp` must not skip the check.
        let c = codec();
        let mut value = serde_json::to_value(claims(None)).unwrap();
        value["exp"] = serde_json::json!("1");
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &value,
            &EncodingKey::from_secret(&Keys::from_secret(b"a test secret that is long enough!!").derive(KEY_PURPOSE)),
        )
        .unwrap();
        assert!(c.verify(&token).is_none());
    }
}
