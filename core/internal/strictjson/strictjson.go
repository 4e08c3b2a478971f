// Package strictjson decodes configuration JSON strictly: unknown keys are
// errors (a typo in an access rule must not pass silently), keys starting
// with "_" are comments.
package strictjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Decode decodes a JSON object into dst, refusing unknown keys so
// that a typo in a configuration file is an error rather than silently
// ignored. Keys starting with "_" are comments and are skipped.
func Decode(data []byte, dst any) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("not a JSON object: %w", err)
	}
	if raw == nil {
		return fmt.Errorf("not a JSON object")
	}
	for k := range raw {
		if strings.HasPrefix(k, "_") {
			delete(raw, k)
		}
	}
	clean, err := json.Marshal(raw)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(clean))
	dec.DisallowUnknownFields()
	return dec.Decode(dst)
}
