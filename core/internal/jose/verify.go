package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
)

// Signatures are checked with the standard library alone (crypto/ecdsa,
// crypto/rsa): stable, documented APIs, over the signing input exactly as
// received.

// ES256SignatureSize is the length of a raw r||s P-256 signature.
const ES256SignatureSize = 64

// VerifyES256 checks a raw r||s ES256 signature over the signing input as
// received. The key must be a P-256 public key.
func VerifyES256(key *ecdsa.PublicKey, c *Compact) error {
	if key == nil || key.Curve != elliptic.P256() {
		return ErrKeyMismatch
	}
	if len(c.Signature) != ES256SignatureSize {
		return ErrSigLength
	}
	digest := sha256.Sum256([]byte(c.SigningInput))
	var der [72]byte
	if !ecdsa.VerifyASN1(key, digest[:], asn1Signature(der[:0], c.Signature[:32], c.Signature[32:])) {
		return ErrSignature
	}
	return nil
}

// asn1Signature appends the DER SEQUENCE of the two INTEGERs r and s (the
// form ecdsa.VerifyASN1 takes) to dst, from their 32-byte big-endian forms,
// without going through math/big.
func asn1Signature(dst, r, s []byte) []byte {
	ri, si := asn1Int(r), asn1Int(s)
	dst = append(dst, 0x30, byte(len(ri)+len(si))) //nolint:gosec // G115: at most 2×35 bytes, fits a byte
	return append(append(dst, ri...), si...)
}

// asn1Int is the DER INTEGER of an unsigned big-endian number of at most
// 32 bytes: leading zeros dropped, a zero byte added when the high bit is set.
func asn1Int(b []byte) []byte {
	for len(b) > 1 && b[0] == 0 {
		b = b[1:]
	}
	out := make([]byte, 0, 35)
	out = append(out, 0x02, 0)
	if b[0]&0x80 != 0 {
		out = append(out, 0)
	}
	out = append(out, b...)
	out[1] = byte(len(out) - 2) //nolint:gosec // G115: at most 33, fits a byte
	return out
}

// VerifyRS256 checks an RSASSA-PKCS1-v1_5 SHA-256 signature over the signing
// input as received. The signature must be exactly the modulus size.
func VerifyRS256(key *rsa.PublicKey, c *Compact) error {
	if key == nil || key.N == nil {
		return ErrKeyMismatch
	}
	if len(c.Signature) != key.Size() {
		return ErrSigLength
	}
	digest := sha256.Sum256([]byte(c.SigningInput))
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], c.Signature); err != nil {
		return ErrSignature
	}
	return nil
}
