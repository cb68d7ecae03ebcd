package notify

import (
	"bufio"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// Spec is a declared target: --notify-target NAME=URL.
type Spec struct {
	Name   string
	URL    *url.URL
	Scheme string // webhook, nats, amqp, kafka, redis
}

var schemes = map[string]string{
	"http": "webhook", "https": "webhook", "nats": "nats", "amqp": "amqp", "amqps": "amqp",
	"kafka": "kafka", "redis": "redis", "rediss": "redis",
}

// ParseSpec parses NAME=URL. The name is what bucket configurations put
// last in their ARNs: letters, digits, '-' and '_'.
func ParseSpec(s string) (Spec, error) {
	name, raw, ok := strings.Cut(strings.TrimSpace(s), "=")
	if !ok || name == "" || raw == "" {
		return Spec{}, fmt.Errorf("notify target %q: want NAME=URL", s)
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') || len(name) > 64 {
			return Spec{}, fmt.Errorf("notify target name %q: use up to 64 letters, digits, '-' and '_'", name)
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Spec{}, fmt.Errorf("notify target %s: %w", name, err)
	}
	scheme, ok := schemes[u.Scheme]
	if !ok || u.Host == "" {
		return Spec{}, fmt.Errorf("notify target %s: URL %q: want http(s)://, nats://, amqp(s)://, kafka:// or redis(s):// with a host", name, u.Redacted())
	}
	return Spec{Name: name, URL: u, Scheme: scheme}, nil
}

// Redacted is the URL without passwords or webhook secrets.
func (s Spec) Redacted() string {
	u := *s.URL
	u.Fragment, u.RawFragment = "", ""
	return u.Redacted()
}

// ParseSpecs parses a list of NAME=URL separated by commas, spaces or
// newlines (HOARD_NOTIFY_TARGETS).
func ParseSpecs(list string) ([]Spec, error) {
	var out []Spec
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' }) {
		s, err := ParseSpec(f)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// LoadFile reads a target file: one NAME=URL per line; blank lines and
// lines starting with '#' are skipped. Keep it private (mode 0600): its
// URLs may hold passwords and webhook secrets.
func LoadFile(path string) ([]Spec, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("notify targets: %w", err)
	}
	defer f.Close()
	var out []Spec
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		s, err := ParseSpec(l)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("notify targets: %w", err)
	}
	return out, nil
}

// Open connects to the target of s (lazily where the client allows, so
// a destination down at start-up only delays its events).
func Open(s Spec) (Target, error) {
	switch s.Scheme {
	case "webhook":
		return newWebhook(s)
	case "nats":
		return newNATS(s)
	case "amqp":
		return newAMQP(s)
	case "kafka":
		return newKafka(s)
	case "redis":
		return newRedis(s)
	}
	return nil, fmt.Errorf("scheme %q", s.Scheme)
}
