//! SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL speaks it, server side,
//! for the SQL endpoint's logins.
//!
//! The store keeps a verifier, never the password: `StoredKey` and
//! `ServerKey` under a salt, in PostgreSQL's own text form
//! (`SCRAM-SHA-256$4096:salt$StoredKey:ServerKey`). pgwire's SCRAM handler
//! wants the salted password itself, which is as good as the password to
//! anyone who reads the store, so the exchange is checked here instead.
//! Channel binding (`-PLUS`) is not offered.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// PBKDF2 rounds, PostgreSQL's default.
pub const ITERATIONS: u32 = 4096;
const PREFIX: &str = "SCRAM-SHA-256$";

/// What the store keeps for a password.
#[derive(Clone, PartialEq, Eq)]
pub struct Verifier {
    iterations: u32,
    salt: Vec<u8>,
    stored_key: Vec<u8>,
    server_key: Vec<u8>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Verifier(..)")
    }
}

fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// `Hi()` of RFC 5802: PBKDF2 with HMAC-SHA-256, one block.
fn salted_password(password: &str, salt: &[u8], iterations: u32) -> Vec<u8> {
    // SASLprep as PostgreSQL does: a password it cannot prepare is used as is.
    let prepared = stringprep::saslprep(password)
        .map(|p| p.into_owned())
        .unwrap_or_else(|_| password.to_string());
    let mut block = salt.to_vec();
    block.extend_from_slice(&1u32.to_be_bytes());
    let mut u = hmac(prepared.as_bytes(), &block);
    let mut out = u.clone();
    for _ in 1..iterations {
        u = hmac(prepared.as_bytes(), &u);
        out.iter_mut().zip(&u).for_each(|(o, x)| *o ^= x);
    }
    out
}

impl Verifier {
    /// The verifier of `password` under `salt`.
    pub fn derive(password: &str, salt: &[u8], iterations: u32) -> Self {
        let salted = salted_password(password, salt, iterations);
        let client_key = hmac(&salted, b"Client Key");
        Self {
            iterations,
            salt: salt.to_vec(),
            stored_key: Sha256::digest(&client_key).to_vec(),
            server_key: hmac(&salted, b"Server Key"),
        }
    }

    /// The verifier `password` would have under `self`'s salt and rounds:
    /// equal to `self` exactly when it is the password `self` was made of.
    #[cfg(test)]
    pub fn derive_like(&self, password: &str) -> Self {
        Self::derive(password, &self.salt, self.iterations)
    }

    /// A verifier for `password` under a fresh random salt.
    pub fn new(password: &str) -> Self {
        use argon2::password_hash::rand_core::{OsRng, RngCore};
        let mut salt = [0u8; 16];
        OsRng.fill_bytes(&mut salt);
        Self::derive(password, &salt, ITERATIONS)
    }

    /// PostgreSQL's text form.
    pub fn encode(&self) -> String {
        format!(
            "{PREFIX}{}:{}${}:{}",
            self.iterations,
            B64.encode(&self.salt),
            B64.encode(&self.stored_key),
            B64.encode(&self.server_key)
        )
    }

    pub fn parse(text: &str) -> Option<Self> {
        let rest = text.strip_prefix(PREFIX)?;
        let (head, keys) = rest.split_once('$')?;
        let (iterations, salt) = head.split_once(':')?;
        let (stored, server) = keys.split_once(':')?;
        Some(Self {
            iterations: iterations.parse().ok().filter(|i| *i > 0)?,
            salt: B64.decode(salt).ok()?,
            stored_key: B64.decode(stored).ok().filter(|k| k.len() == 32)?,
            server_key: B64.decode(server).ok().filter(|k| k.len() == 32)?,
        })
    }
}

/// Why an exchange failed. The client is told only that the login failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScramError {
    #[error("malformed SCRAM message: {0}")]
    Malformed(&'static str),
    #[error("channel binding is not offered")]
    ChannelBinding,
    #[error("the proof does not match")]
    WrongProof,
}

/// The server's half of one exchange, between its first and last message.
pub struct Exchange {
    verifier: Verifier,
    /// Whether the verifier stands for a real account: a made-up one lets an
    /// unknown user's exchange run its course and fail like a wrong password.
    genuine: bool,
    gs2_header: String,
    client_first_bare: String,
    server_first: String,
    nonce: String,
}

impl std::fmt::Debug for Exchange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Exchange(..)")
    }
}

fn random_nonce() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 18];
    OsRng.fill_bytes(&mut bytes);
    B64.encode(bytes)
}

/// `key=value` attributes of a SCRAM message, in order.
fn attributes(text: &str) -> impl Iterator<Item = (char, &str)> {
    text.split(',').filter_map(|part| {
        let mut chars = part.chars();
        let key = chars.next()?;
        part.get(1..)?.strip_prefix('=').map(|v| (key, v))
    })
}

impl Exchange {
    /// Reads the client's first message and makes the server's.
    /// `verifier` is `None` for an account that cannot log in this way;
    /// `mock_salt` then stands in, the same for the same name.
    pub fn start(
        client_first: &[u8],
        verifier: Option<Verifier>,
        mock_salt: &[u8],
    ) -> Result<(Self, String), ScramError> {
        let text =
            std::str::from_utf8(client_first).map_err(|_| ScramError::Malformed("not UTF-8"))?;
        // gs2-header: a binding flag, an optional authzid, then the bare message.
        let mut parts = text.splitn(3, ',');
        let flag = parts.next().ok_or(ScramError::Malformed("no header"))?;
        let authzid = parts.next().ok_or(ScramError::Malformed("no header"))?;
        let bare = parts.next().ok_or(ScramError::Malformed("no message"))?;
        match flag {
            "n" | "y" => {}
            f if f.starts_with("p=") => return Err(ScramError::ChannelBinding),
            _ => return Err(ScramError::Malformed("unknown channel binding flag")),
        }
        let client_nonce = attributes(bare)
            .find(|(k, _)| *k == 'r')
            .map(|(_, v)| v)
            .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_graphic() && c != ','))
            .ok_or(ScramError::Malformed("no client nonce"))?;
        let genuine = verifier.is_some();
        let verifier =
            verifier.unwrap_or_else(|| Verifier::derive(&random_nonce(), mock_salt, ITERATIONS));
        let nonce = format!("{client_nonce}{}", random_nonce());
        let server_first = format!(
            "r={nonce},s={},i={}",
            B64.encode(&verifier.salt),
            verifier.iterations
        );
        Ok((
            Self {
                verifier,
                genuine,
                gs2_header: format!("{flag},{authzid},"),
                client_first_bare: bare.to_string(),
                server_first: server_first.clone(),
                nonce,
            },
            server_first,
        ))
    }

    /// Checks the client's proof; the server's final message when it holds.
    pub fn finish(self, client_final: &[u8]) -> Result<String, ScramError> {
        let text =
            std::str::from_utf8(client_final).map_err(|_| ScramError::Malformed("not UTF-8"))?;
        let (without_proof, proof) = text
            .rsplit_once(",p=")
            .ok_or(ScramError::Malformed("no proof"))?;
        let mut binding = None;
        let mut nonce = None;
        for (key, value) in attributes(without_proof) {
            match key {
                'c' => binding = Some(value),
                'r' => nonce = Some(value),
                _ => {}
            }
        }
        if binding != Some(B64.encode(self.gs2_header.as_bytes()).as_str()) {
            return Err(ScramError::ChannelBinding);
        }
        if nonce != Some(self.nonce.as_str()) {
            return Err(ScramError::Malformed("the nonce changed"));
        }
        let proof = B64
            .decode(proof)
            .map_err(|_| ScramError::Malformed("proof not base64"))?;
        let auth_message = format!(
            "{},{},{}",
            self.client_first_bare, self.server_first, without_proof
        );
        let signature = hmac(&self.verifier.stored_key, auth_message.as_bytes());
        if proof.len() != signature.len() {
            return Err(ScramError::WrongProof);
        }
        let client_key: Vec<u8> = proof.iter().zip(&signature).map(|(p, s)| p ^ s).collect();
        let matches = constant_time_eq(&Sha256::digest(&client_key), &self.verifier.stored_key);
        if !(matches && self.genuine) {
            return Err(ScramError::WrongProof);
        }
        let server_signature = hmac(&self.verifier.server_key, auth_message.as_bytes());
        Ok(format!("v={}", B64.encode(server_signature)))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The client's side, as libpq computes it.
    fn client_final(
        password: &str,
        client_first_bare: &str,
        server_first: &str,
        header: &str,
    ) -> String {
        let attrs: Vec<(char, &str)> = attributes(server_first).collect();
        let get = |k| attrs.iter().find(|(c, _)| *c == k).unwrap().1;
        let salt = B64.decode(get('s')).unwrap();
        let iterations: u32 = get('i').parse().unwrap();
        let salted = salted_password(password, &salt, iterations);
        let client_key = hmac(&salted, b"Client Key");
        let stored = Sha256::digest(&client_key).to_vec();
        let without = format!("c={},r={}", B64.encode(header), get('r'));
        let auth = format!("{client_first_bare},{server_first},{without}");
        let sig = hmac(&stored, auth.as_bytes());
        let proof: Vec<u8> = client_key.iter().zip(&sig).map(|(a, b)| a ^ b).collect();
        format!("{without},p={}", B64.encode(proof))
    }

    #[test]
    fn rfc7677_example_verifier() {
        // RFC 7677 section 3: user "user", password "pencil".
        let salt = B64.decode("W22ZaJ0SNY7soEsUEjb6gQ==").unwrap();
        let v = Verifier::derive("pencil", &salt, 4096);
        let (exchange, server_first) = Exchange::start(
            b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
            Some(v.clone()),
            b"unused",
        )
        .unwrap();
        assert!(server_first.starts_with("r=rOprNGfwEbeRWgbNEkqO"));
        assert!(server_first.ends_with(",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        let last = client_final(
            "pencil",
            "n=user,r=rOprNGfwEbeRWgbNEkqO",
            &server_first,
            "n,,",
        );
        let server_final = exchange.finish(last.as_bytes()).unwrap();
        assert!(server_final.starts_with("v="));
        // The stored form reads back as itself.
        assert_eq!(Verifier::parse(&v.encode()), Some(v));
    }

    #[test]
    fn a_wrong_password_an_unknown_user_and_a_tampered_message_fail() {
        let v = Verifier::new("correct horse");
        let (ex, sf) = Exchange::start(b"n,,n=,r=abc", Some(v.clone()), b"x").unwrap();
        let last = client_final("wrong horse", "n=,r=abc", &sf, "n,,");
        assert_eq!(ex.finish(last.as_bytes()), Err(ScramError::WrongProof));

        // An unknown user: even the password the mock was made from fails.
        let (ex, sf) = Exchange::start(b"n,,n=,r=abc", None, b"salt-of-nobody").unwrap();
        let last = client_final("anything", "n=,r=abc", &sf, "n,,");
        assert_eq!(ex.finish(last.as_bytes()), Err(ScramError::WrongProof));

        let (ex, sf) = Exchange::start(b"n,,n=,r=abc", Some(v), b"x").unwrap();
        let last =
            client_final("correct horse", "n=,r=abc", &sf, "n,,").replace(",r=abc", ",r=abd");
        assert!(ex.finish(last.as_bytes()).is_err());

        assert_eq!(
            Exchange::start(b"p=tls-server-end-point,,n=,r=abc", None, b"x").unwrap_err(),
            ScramError::ChannelBinding
        );
        assert!(Exchange::start(b"n,,n=", None, b"x").is_err());
        assert!(Verifier::parse("md5abc").is_none());
    }
}
