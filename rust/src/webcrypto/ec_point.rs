//! SEC1 elliptic-curve points of the NIST curves: validation and decompression. WebCrypto
//! accepts compressed points on import (`raw` and `spki`) and always exports uncompressed ones;
//! aws-lc-rs keeps a key in the encoding it was given, so every point is normalized here first.
//! RustCrypto's `p256` / `p384` / `p521` parse the point (on the curve, not the identity) and
//! re-encode it.

use super::error::CryptoError;
use crate::jwt::Curve;
use p256::elliptic_curve::sec1::ToEncodedPoint;

fn rejected() -> CryptoError {
    CryptoError::data("EC public key is not a point on the curve")
}

/// The uncompressed encoding (`04 || x || y`) of a SEC1 point given compressed (`02`/`03 || x`)
/// or uncompressed; a `DataError` if it is neither, not on `curve`, or the point at infinity.
pub fn uncompressed(curve: Curve, point: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let len = curve.coordinate_len();
    let well_formed = match point.first() {
        Some(4) => point.len() == 1 + 2 * len,
        Some(2 | 3) => point.len() == 1 + len,
        _ => false,
    };
    if !well_formed {
        return Err(rejected());
    }
    let encoded = match curve {
        Curve::P256 => p256::PublicKey::from_sec1_bytes(point)
            .map_err(|_| rejected())?
            .to_encoded_point(false)
            .as_bytes()
            .to_vec(),
        Curve::P384 => p384::PublicKey::from_sec1_bytes(point)
            .map_err(|_| rejected())?
            .to_encoded_point(false)
            .as_bytes()
            .to_vec(),
        Curve::P521 => p521::PublicKey::from_sec1_bytes(point)
            .map_err(|_| rejected())?
            .to_encoded_point(false)
            .as_bytes()
            .to_vec(),
    };
    Ok(encoded)
}

/// The point `04 || x || y` of a JWK's coordinates, validated.
pub fn from_coordinates(curve: Curve, x: &[u8], y: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let len = curve.coordinate_len();
    if x.len() != len || y.len() != len {
        return Err(CryptoError::data(format!("JWK coordinates must have {len} bytes")));
    }
    let mut point = Vec::with_capacity(1 + 2 * len);
    point.push(4);
    point.extend_from_slice(x);
    point.extend_from_slice(y);
    uncompressed(curve, &point)
}

/// `(x, y)` of an uncompressed point.
pub fn coordinates(curve: Curve, point: &[u8]) -> Option<(&[u8], &[u8])> {
    let len = curve.coordinate_len();
    (point.len() == 1 + 2 * len && point[0] == 4).then(|| (&point[1..1 + len], &point[1 + len..]))
}
