//! Secret keys at rest: sealed with the server's own key when it has one, so that a copy of
//! the database (a backup, a stolen disk) does not hand out every partner's SK.
//!
//! HMAC verification needs the secret itself, so it cannot be hashed like a password; it is
//! encrypted instead, with ChaCha20-Poly1305 under a 32-byte server key, and bound to its
//! access key id (the AK is the associated data, so a sealed secret copied onto another key's
//! row does not open). A sealed secret is stored as `sealed:v1:` and the hex of nonce and
//! ciphertext; a secret stored before the server had a key stays readable as it was.

use chacha20poly1305::{
    ChaCha20Poly1305, KeyInit, Nonce,
    aead::{Aead, Payload},
};

use crate::{EngineError, Internal};

const SEALED: &str = "sealed:v1:";
const NONCE_BYTES: usize = 12;

/// The server key that seals secret keys.
#[derive(Clone)]
pub struct SecretVault {
    cipher: ChaCha20Poly1305,
}

impl std::fmt::Debug for SecretVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretVault(..)")
    }
}

impl SecretVault {
    /// A vault from the server key as 64 hexadecimal digits (32 bytes), as
    /// `--secret-key-file` and `PARTNER_CENTER_SECRET_KEY` give it.
    pub fn from_hex(text: &str) -> Result<SecretVault, String> {
        let bytes =
            hex::decode(text.trim()).map_err(|_| "the server key is not hexadecimal".to_owned())?;
        if bytes.len() != 32 {
            return Err(format!("the server key is {} bytes; it must be 32", bytes.len()));
        }
        let cipher = ChaCha20Poly1305::new_from_slice(&bytes)
            .map_err(|_| "the server key is not a ChaCha20-Poly1305 key".to_owned())?;
        Ok(SecretVault { cipher })
    }

    /// `secret`, sealed for the key `ak`.
    pub(crate) fn seal(&self, ak: &str, secret: &str) -> Result<String, EngineError> {
        let nonce: [u8; NONCE_BYTES] = rand::random();
        let payload = Payload { msg: secret.as_bytes(), aad: ak.as_bytes() };
        let sealed = self.cipher.encrypt(Nonce::from_slice(&nonce), payload).map_err(|_| {
            EngineError::Internal(Internal::bug("a secret key could not be sealed"))
        })?;
        Ok(format!("{SEALED}{}{}", hex::encode(nonce), hex::encode(sealed)))
    }
}

/// The secret of key `ak` as stored: opened with `vault` when sealed, as it is otherwise.
pub(crate) fn open(
    vault: Option<&SecretVault>,
    ak: &str,
    stored: String,
) -> Result<String, EngineError> {
    let Some(sealed) = stored.strip_prefix(SEALED) else {
        return Ok(stored);
    };
    let failed = |what: &str| EngineError::Internal(Internal::bug(what));
    let vault = vault
        .ok_or_else(|| failed("a sealed secret key needs the server key (--secret-key-file)"))?;
    let bytes =
        hex::decode(sealed).map_err(|_| failed("a sealed secret key is not hexadecimal"))?;
    let (nonce, ciphertext) = bytes
        .split_at_checked(NONCE_BYTES)
        .ok_or_else(|| failed("a sealed secret key is too short"))?;
    let payload = Payload { msg: ciphertext, aad: ak.as_bytes() };
    let secret = vault
        .cipher
        .decrypt(Nonce::from_slice(nonce), payload)
        .map_err(|_| failed("a sealed secret key does not open with this server key"))?;
    String::from_utf8(secret).map_err(|_| failed("a sealed secret key is not text"))
}
