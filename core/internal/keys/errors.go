package keys

import "errors"

// Errors returned by the key sources. They wrap no token contents.
var (
	// ErrUnknownKid means the key server does not know the key id.
	ErrUnknownKid = errors.New("unknown key id")
	// ErrUnavailable means the key could not be fetched (network error,
	// timeout, bad status, oversized or malformed body).
	ErrUnavailable = errors.New("key source unavailable")
	// ErrThrottled means fetching a new key was refused by the rate limit on
	// unknown key ids.
	ErrThrottled = errors.New("key fetch throttled")
	// ErrBadKey means the key server returned a key of the wrong type or size.
	ErrBadKey = errors.New("key has the wrong type or size")
)
