package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"

	"github.com/lestrrat-go/jwx/v3/jws/jwsbb"
)

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
	if err := jwsbb.VerifyECDSA(key, []byte(c.SigningInput), c.Signature, crypto.SHA256); err != nil {
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
	if err := jwsbb.VerifyRSA(key, []byte(c.SigningInput), c.Signature, crypto.SHA256, false); err != nil {
		return ErrSignature
	}
	return nil
}
