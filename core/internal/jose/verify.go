package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"math/big"
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
	r := new(big.Int).SetBytes(c.Signature[:32])
	s := new(big.Int).SetBytes(c.Signature[32:])
	if !ecdsa.Verify(key, digest[:], r, s) {
		return ErrSignature
	}
	return nil
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
