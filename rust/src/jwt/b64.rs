//! Strict base64url (RFC 7515 section 2): the URL-safe alphabet, no padding, no whitespace, and
//! no stray bits in the last character.

use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;

const STRICT: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

/// Decodes base64url without padding; `None` for anything else (`+`, `/`, `=`, whitespace, ...).
pub fn decode(input: &[u8]) -> Option<Vec<u8>> {
    STRICT.decode(input).ok()
}

/// Encodes base64url without padding.
#[cfg(test)]
pub fn encode(input: &[u8]) -> String {
    STRICT.encode(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_only_unpadded_url_safe() {
        assert_eq!(decode(b"-_8").unwrap(), vec![0xfb, 0xff]);
        assert_eq!(decode(b"").unwrap(), Vec::<u8>::new());
        for bad in [&b"+/8"[..], b"-_8=", b"-_ 8", b"-_8\n", b"a", b"-_9"] {
            assert!(decode(bad).is_none(), "{:?}", String::from_utf8_lossy(bad));
        }
    }
}
