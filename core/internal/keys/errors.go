package keys

import "errors"

// Errors returned by the key sources. They wrap no token contents.
var (
	// ErrUnknownKid means the key server does not know the key id.
	ErrUnknownKid = errors.New("unknown key id")
	// ErrUnavailable means the key could not be fetched (network error,
	// timeout, bad status, oversized or malformed body).
	ErrUnavailable = errors.New("key source unavailable")
	// ErrThrottled means fetching a new key was refused because this user
	// asked for too many key ids the server did not have.
	ErrThrottled = errors.New("key fetch throttled")
	// ErrBusy means fetching a new key was refused because every user
	// together spent the global budget for new kids: nothing is known about
	// the kid yet, so the caller should try again shortly.
	ErrBusy = errors.New("key fetch budget spent; try again shortly")
	// ErrBadKey means the key server returned a key of the wrong type or size.
	ErrBadKey = errors.New("key has the wrong type or size")
)
