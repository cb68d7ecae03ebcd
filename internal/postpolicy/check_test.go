package postpolicy

import (
	"errors"
	"strings"
	"testing"
)

func TestConditions(t *testing.T) {
	const bucketKey = `{"bucket": "sigv4examplebucket"}, ["starts-with", "$key", "user/"]`
	key := field{"key", "user/a.txt"}
	cases := []struct {
		name       string
		conditions string
		fields     []field
		file       *file
		kind       error // nil for success
		msg        string
		wantKey    string
	}{
		{"eq object", bucketKey + `, {"acl": "public-read"}`, []field{key, {"acl", "public-read"}}, nil, nil, "", "user/a.txt"},
		{"eq list", bucketKey + `, ["eq", "$acl", "public-read"]`, []field{key, {"acl", "public-read"}}, nil, nil, "", ""},
		{"eq mismatch", bucketKey + `, ["eq", "$acl", "private"]`, []field{key, {"acl", "public-read"}}, nil,
			ErrConditionFailed, `Invalid according to Policy: Policy Condition failed: ["eq", "$acl", "private"]`, ""},
		{"eq values are case-sensitive", bucketKey + `, {"acl": "Public-Read"}`, []field{key, {"acl", "public-read"}}, nil,
			ErrConditionFailed, `Invalid according to Policy: Policy Condition failed: ["eq", "$acl", "Public-Read"]`, ""},
		{"starts-with mismatch", `{"bucket": "sigv4examplebucket"}, ["starts-with", "$key", "admin/"]`, []field{key}, nil,
			ErrConditionFailed, `Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "admin/"]`, ""},
		{"starts-with empty matches anything", `{"bucket": "sigv4examplebucket"}, ["starts-with", "$key", ""]`, []field{{"key", "anything/at/all"}}, nil, nil, "", "anything/at/all"},
		{"condition on an absent field fails", bucketKey + `, ["starts-with", "$Content-Type", "text/"]`, []field{key}, nil,
			ErrConditionFailed, `Invalid according to Policy: Policy Condition failed: ["starts-with", "$Content-Type", "text/"]`, ""},
		{"eq on an absent field fails", bucketKey + `, ["eq", "$acl", ""]`, []field{key}, nil,
			ErrConditionFailed, `Invalid according to Policy: Policy Condition failed: ["eq", "$acl", ""]`, ""},
		{"starts-with empty allows an absent field", bucketKey + `, ["starts-with", "$x-amz-server-side-encryption", ""]`, []field{key}, nil, nil, "", ""},
		{"reference without $ fails", bucketKey + `, ["eq", "acl", "x"]`, []field{key, {"acl", "x"}}, nil,
			ErrConditionFailed, `Invalid according to Policy: Policy Condition failed: ["eq", "acl", "x"]`, ""},
		{"field without condition", bucketKey, []field{key, {"x-amz-meta-foo", "bar"}}, nil,
			ErrConditionFailed, "Invalid according to Policy: Extra input fields: x-amz-meta-foo", ""},
		{"extra field named as sent", bucketKey, []field{key, {"StorageClass", "x"}}, nil,
			ErrConditionFailed, "Invalid according to Policy: Extra input fields: StorageClass", ""},
		{"checksum fields need no condition", bucketKey, []field{key, {"x-amz-checksum-sha256", "abc="}, {"x-amz-checksum-algorithm", "SHA256"}}, nil, nil, "", ""},
		{"a checksum condition still holds", bucketKey + `, ["eq", "$x-amz-checksum-sha256", "abc="]`, []field{key, {"x-amz-checksum-sha256", "abd="}}, nil,
			ErrConditionFailed, `Invalid according to Policy: Policy Condition failed: ["eq", "$x-amz-checksum-sha256", "abc="]`, ""},
		{"x-ignore- fields are exempt", bucketKey, []field{key, {"x-ignore-foo", "bar"}, {"X-Ignore-Bar", "1"}}, nil, nil, "", ""},
		{"names case-insensitive both ways", `{"BUCKET": "sigv4examplebucket"}, ["StArTs-WiTh", "$KeY", "user/"], {"x-amz-meta-test-2": "v"}`,
			[]field{{"kEy", "user/b"}, {"X-Amz-Meta-TEST-2", "v"}}, nil, nil, "", "user/b"},
		{"bucket field covered by the bucket condition", bucketKey, []field{{"bucket", "sigv4examplebucket"}, key}, nil, nil, "", ""},
		{"content-type list all match", bucketKey + `, ["starts-with", "$Content-Type", "image/"]`,
			[]field{key, {"Content-Type", "image/jpg,image/png, image/gif"}}, nil, nil, "", ""},
		{"content-type list one mismatch", bucketKey + `, ["starts-with", "$Content-Type", "image/"]`,
			[]field{key, {"Content-Type", "image/jpg,text/plain"}}, nil, ErrConditionFailed, "", ""},
		{"commas in other fields are plain text", bucketKey + `, ["starts-with", "$x-amz-meta-a", "p"]`,
			[]field{key, {"x-amz-meta-a", "p1,q2"}}, nil, nil, "", ""},
		{"repeated fields joined by commas", bucketKey + `, {"x-amz-meta-tag": "Ninja,Stallman"}`,
			[]field{key, {"x-amz-meta-tag", "Ninja"}, {"x-amz-meta-tag", "Stallman"}}, nil, nil, "", ""},
		{"${filename} expanded before matching", `{"bucket": "sigv4examplebucket"}, ["starts-with", "$key", "user/photo"]`,
			[]field{{"key", "user/${filename}"}}, &file{filename: "photo.jpg", content: []byte("x")}, nil, "", "user/photo.jpg"},
		{"${filename} path stripped", `{"bucket": "sigv4examplebucket"}, ["eq", "$key", "u/c.txt"]`,
			[]field{{"key", "u/${filename}"}}, &file{filename: "a/b/c.txt", content: []byte("x")}, nil, "", "u/c.txt"},
		{"${filename} in other fields", `{"bucket": "sigv4examplebucket"}, ["eq", "$key", "k"], {"x-amz-meta-name": "f.bin"}`,
			[]field{{"key", "k"}, {"x-amz-meta-name", "${filename}"}}, &file{filename: "f.bin", content: []byte("x")}, nil, "", "k"},
		{"${filename} kept without a filename parameter", `{"bucket": "sigv4examplebucket"}, ["eq", "$key", "k-${filename}"]`,
			[]field{{"key", "k-${filename}"}}, &file{noFilename: true, content: []byte("x")}, nil, "", "k-${filename}"},
		{"empty filename empties the variable", `{"bucket": "sigv4examplebucket"}, ["eq", "$key", "uploads/"]`,
			[]field{{"key", "uploads/${filename}"}}, &file{filename: "", content: nil}, nil, "", "uploads/"},
		{"range bound not a number", bucketKey + `, ["content-length-range", "test", "10"]`, []field{key}, nil,
			ErrConditionFailed, `Invalid according to Policy: Policy Condition failed: ["content-length-range", "test", "10"]`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.file
			if f == nil {
				f = &file{filename: "a.txt", content: []byte("hello")}
			}
			form, _, err := post(t, tc.conditions, tc.fields, f)
			if tc.kind == nil {
				if err != nil {
					t.Fatal(err)
				}
				if tc.wantKey != "" && form.Key != tc.wantKey {
					t.Fatalf("key = %q; want %q", form.Key, tc.wantKey)
				}
				return
			}
			wantErr(t, err, tc.kind, tc.msg)
		})
	}
}

func TestContentLengthRange(t *testing.T) {
	cases := []struct {
		name  string
		rng   string
		size  int
		kind  error
		extra string // a second range condition
	}{
		{"inside", `[5, 10]`, 7, nil, ""},
		{"at min", `[5, 10]`, 5, nil, ""},
		{"at max", `[5, 10]`, 10, nil, ""},
		{"above max", `[5, 10]`, 12, ErrEntityTooLarge, ""},
		{"below min", `[5, 10]`, 1, ErrEntityTooSmall, ""},
		{"empty file below min", `[1, 10]`, 0, ErrEntityTooSmall, ""},
		{"zero max", `[0, 0]`, 3, ErrEntityTooLarge, ""},
		{"numeric strings", `["5", "10"]`, 7, nil, ""},
		{"large file streamed over max", `[0, 1048576]`, 3 << 20, ErrEntityTooLarge, ""},
		{"two ranges intersect", `[0, 100]`, 60, ErrEntityTooLarge, `, ["content-length-range", 10, 50]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			conds := `{"bucket": "sigv4examplebucket"}, {"key": "k"}, ["content-length-range", ` +
				strings.Trim(tc.rng, "[]") + `]` + tc.extra
			content := []byte(strings.Repeat("x", tc.size))
			_, data, err := post(t, conds, []field{{"key", "k"}}, &file{filename: "f", content: content})
			if tc.kind == nil {
				if err != nil || len(data) != tc.size {
					t.Fatalf("read %d bytes, %v", len(data), err)
				}
				return
			}
			wantErr(t, err, tc.kind, "")
			var se *SizeError
			if !errors.As(err, &se) {
				t.Fatalf("no SizeError in %v", err)
			}
			if tc.kind == ErrEntityTooLarge && (se.Proposed != se.Max+1 || int64(len(data)) != se.Max) {
				t.Fatalf("proposed %d, delivered %d, max %d", se.Proposed, len(data), se.Max)
			}
			if tc.kind == ErrEntityTooSmall && se.Proposed != int64(tc.size) {
				t.Fatalf("proposed %d; want %d", se.Proposed, tc.size)
			}
		})
	}
}

func TestLimitLengthNoMax(t *testing.T) {
	r := LimitLength(strings.NewReader("abc"), 0, -1)
	buf := make([]byte, 10)
	n, err := r.Read(buf)
	if n != 3 || err != nil {
		t.Fatalf("%d, %v", n, err)
	}
}
