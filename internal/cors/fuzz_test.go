package cors

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzParse checks that no input panics Parse and that every accepted
// configuration survives Marshal and Parse unchanged and can be evaluated.
func FuzzParse(f *testing.F) {
	f.Add([]byte(evalConfig))
	f.Add([]byte(`<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		cfg, err := Parse(bytes.NewReader(doc))
		if err != nil {
			return
		}
		out, err := Marshal(cfg)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		again, err := Parse(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("re-Parse of %s: %v", out, err)
		}
		if !reflect.DeepEqual(normalize(cfg), normalize(again)) {
			t.Fatalf("round trip changed the configuration:\n%#v\n%#v", cfg, again)
		}
		// A rule's own origin string, with one of its methods, always finds
		// a rule (this one or an earlier one): a pattern matches itself.
		for _, r := range cfg.Rules {
			for _, o := range r.AllowedOrigins {
				for _, m := range r.AllowedMethods {
					if _, ok := Actual(cfg, o, m); !ok && o != "" {
						t.Fatalf("origin %q method %q found no rule", o, m)
					}
				}
			}
		}
	})
}

// normalize maps empty slices to nil: XML cannot tell them apart.
func normalize(c *Config) *Config {
	out := &Config{}
	for _, r := range c.Rules {
		for _, s := range []*[]string{&r.AllowedHeaders, &r.AllowedMethods, &r.AllowedOrigins, &r.ExposeHeaders} {
			if len(*s) == 0 {
				*s = nil
			}
		}
		out.Rules = append(out.Rules, r)
	}
	return out
}
