package hostedui

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
)

// errSeal reports a value that does not open with any key: tampered,
// truncated, spliced, or sealed with a key no longer configured.
var errSeal = errors.New("sealed value does not open")

// sealer encrypts and authenticates cookie values with AES-256-GCM. The first
// key seals; every key opens, so secrets can be rotated.
type sealer struct {
	aeads  []cipher.AEAD
	macKey []byte // HMAC-SHA256 key for CSRF tokens, derived from the first secret
}

func newSealer(secrets []string) (*sealer, error) {
	s := &sealer{}
	for i, secret := range secrets {
		if i == 0 {
			mk, err := hkdf.Key(sha256.New, []byte(secret), nil, "cognito-auth-go csrf v1", 32)
			if err != nil {
				return nil, err
			}
			s.macKey = mk
		}
		key, err := hkdf.Key(sha256.New, []byte(secret), nil, "cognito-auth-go session v1", 32)
		if err != nil {
			return nil, err
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		s.aeads = append(s.aeads, aead)
	}
	return s, nil
}

// seal returns base64url(nonce || ciphertext); the cookie name is bound as
// additional data, so a value cannot be moved to another cookie.
func (s *sealer) seal(name string, plaintext []byte) string {
	a := s.aeads[0]
	nonce := make([]byte, a.NonceSize(), a.NonceSize()+len(plaintext)+a.Overhead())
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(a.Seal(nonce, nonce, plaintext, []byte(name)))
}

func (s *sealer) open(name, value string) ([]byte, error) {
	raw, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil {
		return nil, errSeal
	}
	for _, a := range s.aeads {
		if len(raw) < a.NonceSize()+a.Overhead() {
			return nil, errSeal
		}
		if pt, err := a.Open(nil, raw[:a.NonceSize()], raw[a.NonceSize():], []byte(name)); err == nil {
			return pt, nil
		}
	}
	return nil, errSeal
}

// mac returns HMAC-SHA256(data) under a key derived for this purpose only.
func (s *sealer) mac(data string) string {
	m := hmac.New(sha256.New, s.macKey)
	_, _ = m.Write([]byte(data)) // a hash.Hash never returns an error
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
