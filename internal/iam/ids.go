package iam

import (
	"crypto/rand"
	"fmt"
	"regexp"
	"strings"
)

const (
	upperAlnum  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" // 32: no modulo bias
	secretChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

// randomString draws n characters from alphabet (whose length divides 256)
// with crypto/rand.
func randomString(n int, alphabet string) (string, error) {
	buf := make([]byte, n)
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("iam: random: %w", err)
	}
	for i, b := range buf {
		buf[i] = alphabet[int(b)%len(alphabet)]
	}
	return string(buf), nil
}

// newID returns an IAM unique id: a four-letter kind prefix (AIDA, AGPA,
// AROA) and 17 characters, 21 in all as AWS's.
func newID(prefix string) (string, error) {
	s, err := randomString(17, upperAlnum)
	return prefix + s, err
}

// newAccessKey returns a 20-character access key id (AKIA… long-term,
// ASIA… temporary) and a 40-character secret.
func newAccessKey(prefix string) (id, secret string, err error) {
	tail, err := randomString(16, upperAlnum)
	if err != nil {
		return "", "", err
	}
	secret, err = randomString(40, secretChars)
	return prefix + tail, secret, err
}

func sprintf(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

var (
	nameRE        = regexp.MustCompile(`^[\w+=,.@-]+$`)
	pathRE        = regexp.MustCompile("^/([\x21-\x7e]*/)?$")
	sessionNameRE = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
)

// checkName validates a user, group, role or policy name.
func checkName(field, v string, max int) error {
	if v == "" {
		return errorf(ErrValidation, "1 validation error detected: Value at '%s' failed to satisfy constraint: Member must not be null", field)
	}
	if len(v) > max || !nameRE.MatchString(v) {
		return errorf(ErrValidation, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d and match pattern [\\w+=,.@-]+", clip(v), field, max)
	}
	return nil
}

// checkPath validates an IAM path; "" means "/".
func checkPath(p string) (string, error) {
	if p == "" {
		return "/", nil
	}
	if len(p) > 512 || !pathRE.MatchString(p) {
		return "", errorf(ErrValidation, "1 validation error detected: Value '%s' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)", clip(p))
	}
	return p, nil
}

// fold is the storage form of a name: IAM names are unique regardless of case.
func fold(name string) string { return strings.ToLower(name) }

// clip shortens hostile input before it goes into a message.
func clip(s string) string {
	const max = 128
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
