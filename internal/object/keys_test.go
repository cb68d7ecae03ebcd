package object

import (
	"strings"
	"testing"
)

func TestValidBucketName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"abc", true},
		{"my-bucket.example", true},
		{"123", true},
		{strings.Repeat("a", 63), true},
		{"ab", false},
		{strings.Repeat("a", 64), false},
		{"", false},
		{"My-Bucket", false},
		{"my_bucket", false},
		{"-abc", false},
		{"abc-", false},
		{".abc", false},
		{"abc.", false},
		{"a..b", false},
		{"192.168.1.1", false},
		{"192.168.1.1a", true},
		{"xn--abc", false},
		{"sthree-abc", false},
		{"amzn-s3-demo-bucket", false},
		{"abc-s3alias", false},
		{"abc--ol-s3", false},
		{"abc--x-s3", false},
		{"abc/def", false},
		{"ab\x00c", false},
		{"abc d", false},
		{"bücket", false},
	}
	for _, tt := range tests {
		err := validBucketName(tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("validBucketName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
		if err != nil {
			wantErr(t, err, ErrInvalidBucketName)
		}
	}
}

func TestValidKey(t *testing.T) {
	tests := []struct {
		key  string
		want error
	}{
		{"a", nil},
		{"../../etc/passwd", nil},
		{"a//b", nil},
		{"100% ?#&=+ sure", nil},
		{"日本語/ключ/🙂", nil},
		{strings.Repeat("k", MaxKeyLength), nil},
		{strings.Repeat("é", MaxKeyLength/2), nil},
		{"", ErrInvalidKey},
		{strings.Repeat("k", MaxKeyLength+1), ErrKeyTooLong},
		{"a\x00b", ErrInvalidKey},
		{"bad\xffutf8", ErrInvalidKey},
	}
	for _, tt := range tests {
		err := validKey(tt.key)
		if tt.want == nil && err != nil || tt.want != nil && !errorsIs(err, tt.want) {
			t.Errorf("validKey(%.20q) = %v, want %v", tt.key, err, tt.want)
		}
	}
}

func TestObjectKeyLayout(t *testing.T) {
	// A bucket's objects are exactly the keys under its base: "ab" must not
	// see the objects of "ab-c", whatever the object key bytes.
	if got := string(objectKey("ab", "c/d")); got != "o/ab/c/d" {
		t.Fatalf("objectKey = %q", got)
	}
	if strings.HasPrefix(string(objectKey("ab-c", "x")), string(objectBase("ab"))) {
		t.Fatal("bucket prefixes overlap")
	}
}
