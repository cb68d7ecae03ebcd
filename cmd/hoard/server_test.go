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
