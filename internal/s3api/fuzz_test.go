package s3api

import (
	"errors"
	"testing"
)

// FuzzXMLBodies feeds hostile documents to every request body the wire
// layer parses. Whatever the input, decoding must end in a value or in
// MalformedXML (or a missing-body error), never a panic or a hang.
func FuzzXMLBodies(f *testing.F) {
	seeds := []string{
		`<Delete><Quiet>true</Quiet><Object><Key>a</Key></Object><Object><Key>b/../c</Key><VersionId>null</VersionId></Object></Delete>`,
		`<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>`,
		`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"abc"</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part></CompleteMultipartUpload>`,
		`<CreateBucketConfiguration><LocationConstraint>us-east-1</LocationConstraint></CreateBucketConfiguration>`,
		`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Delete>&a;</Delete>`,
		`<Delete><Object><Key>` + "\x00" + `</Key></Object></Delete>`,
		`<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging><x/>`,
		`<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>`,
		`<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>`,
		`<Delete><Object><Key>k</Key><VersionId>SS8TUMOPCHV2CCTGGHD30QTI00</VersionId><ETag>"e"</ETag><LastModifiedTime>2026-01-02T03:04:05.000Z</LastModifiedTime><Size>3</Size></Object></Delete>`,
		`<Delete><Object><Key>k</Key><LastModifiedTime>yesterday</LastModifiedTime><Size>-1</Size></Object></Delete>`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		targets := []any{
			&deleteRequest{},
			&tagging{},
			&completeMultipartUpload{},
			&createBucketConfiguration{},
			&versioningConfiguration{},
		}
		for _, v := range targets {
			if err := decodeXML(doc, v); err != nil &&
				!errors.Is(err, errMalformedXML) && !errors.Is(err, errMissingBody) {
				t.Fatalf("decode %T: unexpected error kind %v", v, err)
			}
		}
		// parseTaggingXML adds S3's tag validation on top of decoding.
		_, _ = parseTaggingXML(doc)
	})
}
