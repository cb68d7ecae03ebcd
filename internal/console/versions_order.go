package console

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// fetchVersions calls ListObjectVersions and returns its entries in S3's
// order. The SDK splits Version and DeleteMarker elements into two lists,
// losing how they interleave within a key (a noncurrent delete marker
// between two versions, say), so the order is read from the response
// itself as the SDK decodes it.
func fetchVersions(ctx context.Context, cl *s3.Client, in *s3.ListObjectVersionsInput) ([]versionJSON, *s3.ListObjectVersionsOutput, error) {
	var raw bytes.Buffer
	out, err := cl.ListObjectVersions(ctx, in, func(o *s3.Options) {
		o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
			return st.Deserialize.Add(teeBody(&raw), middleware.After)
		})
	})
	if err != nil {
		return nil, nil, err
	}
	markers, err := markerOrder(raw.Bytes())
	if err != nil || len(markers) != len(out.Versions)+len(out.DeleteMarkers) {
		return mergeVersions(out), out, nil // the SDK decoded it; fall back to sorting
	}
	return interleave(out, markers), out, nil
}

// teeBody copies the raw response body into buf while the SDK reads it
// (a page of at most 1,000 entries: bounded). Added last in the
// deserialize step, it sees the response before the SDK's decoder does.
func teeBody(buf *bytes.Buffer) middleware.DeserializeMiddleware {
	return middleware.DeserializeMiddlewareFunc("ConsoleVersionOrder", func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
		middleware.DeserializeOutput, middleware.Metadata, error) {
		out, md, err := next.HandleDeserialize(ctx, in)
		if res, ok := out.RawResponse.(*smithyhttp.Response); ok && err == nil && res.Body != nil {
			buf.Reset() // a retried attempt starts over
			res.Body = struct {
				io.Reader
				io.Closer
			}{io.TeeReader(res.Body, buf), res.Body}
		}
		return out, md, err
	})
}

// markerOrder reads which top-level entries of a ListVersionsResult are
// delete markers (true) and which versions (false), in document order.
func markerOrder(doc []byte) ([]bool, error) {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var order []bool
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return order, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 2 && (t.Name.Local == "Version" || t.Name.Local == "DeleteMarker") {
				order = append(order, t.Name.Local == "DeleteMarker")
			}
		case xml.EndElement:
			depth--
		}
	}
}

func interleave(out *s3.ListObjectVersionsOutput, markers []bool) []versionJSON {
	all := make([]versionJSON, 0, len(markers))
	vi, mi := 0, 0
	for _, isMarker := range markers {
		if isMarker {
			all = append(all, markerJSON(out.DeleteMarkers[mi]))
			mi++
		} else {
			all = append(all, versionOf(out.Versions[vi]))
			vi++
		}
	}
	return all
}
