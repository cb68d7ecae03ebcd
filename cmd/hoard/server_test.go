package main

import (
	"io"
	"testing"

	"github.com/hoard-s3/hoard/internal/object"
)

func TestEncryptionFlag(t *testing.T) {
	tests := []struct {
		args []string
		want object.EncryptionSwitch
	}{
		{nil, object.EncryptionOn},
		{[]string{"--encryption=on"}, object.EncryptionOn},
		{[]string{"--encryption=off"}, object.EncryptionOff},
		{[]string{"--encryption", "off"}, object.EncryptionOff},
	}
	for _, tt := range tests {
		fs, o := serverFlags(io.Discard)
		if err := fs.Parse(tt.args); err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		if got := object.EncryptionSwitch(o.encryption); got != tt.want {
			t.Errorf("%q: encryption %d, want %d", tt.args, got, tt.want)
		}
	}
}

func TestEncryptMetadataFlagAndEnvironment(t *testing.T) {
	tests := []struct {
		args    []string
		env     string
		want    bool
		wantErr bool
	}{
		{nil, "", true, false},
		{nil, "on", true, false},
		{nil, "off", false, false},
		{[]string{"--encrypt-metadata=on"}, "", true, false},
		{[]string{"--encrypt-metadata", "off"}, "on", false, false}, // the flag wins
		{[]string{"--encrypt-metadata=on"}, "bogus", true, false},   // an unused variable is not read
		{nil, "yes", true, true},
	}
	for _, tt := range tests {
		fs, o := serverFlags(io.Discard)
		if err := fs.Parse(tt.args); err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		getenv := func(k string) string {
			if k == "HOARD_ENCRYPT_METADATA" {
				return tt.env
			}
			return ""
		}
		err := o.encryptMeta.fromEnv(getenv, "HOARD_ENCRYPT_METADATA")
		if (err != nil) != tt.wantErr || o.encryptMeta.on != tt.want {
			t.Errorf("%q with %q: on %v, err %v", tt.args, tt.env, o.encryptMeta.on, err)
		}
	}
}
