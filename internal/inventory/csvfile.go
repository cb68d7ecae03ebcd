package inventory

import (
	"bufio"

	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"

	"github.com/hoard-s3/hoard/internal/object"
)

// csvWriter writes S3's inventory CSV: no header, every field in double
// quotes (an inner quote doubled), keys URL-encoded, gzip-compressed
// (klauspost's gzip: the same format, at several times the standard
// library's speed).
type csvWriter struct {
	bucket string
	cols   []column
	zw     *gzip.Writer
	bw     *bufio.Writer
	line   []byte
}

func newCSVWriter(w io.Writer, bucket string, cols []column) *csvWriter {
	zw := gzip.NewWriter(w)
	return &csvWriter{bucket: bucket, cols: cols, zw: zw, bw: bufio.NewWriterSize(zw, 64<<10)}
}

func (c *csvWriter) write(e *object.InventoryEntry) error {
	b := c.line[:0]
	for i, col := range c.cols {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		v := col.get(c.bucket, e)
		if col.field == "Key" {
			v.s = url.QueryEscape(v.s)
		}
		b = appendCSV(b, col.kind, v)
		b = append(b, '"')
	}
	b = append(b, '\n')
	c.line = b
	_, err := c.bw.Write(b)
	return err
}

func appendCSV(b []byte, k kind, v value) []byte {
	if !v.ok {
		return b
	}
	switch k {
	case kBool:
		return strconv.AppendBool(b, v.b)
	case kInt64:
		return strconv.AppendInt(b, v.i, 10)
	case kTime:
		return v.t.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z")
	}
	if strings.IndexByte(v.s, '"') >= 0 {
		return append(b, strings.ReplaceAll(v.s, `"`, `""`)...)
	}
	return append(b, v.s...)
}

func (c *csvWriter) close() error {
	if err := c.bw.Flush(); err != nil {
		return err
	}
	return c.zw.Close()
}

// csvSchema is the manifest's fileSchema of a CSV report.
func csvSchema(cols []column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.field
	}
	return strings.Join(names, ", ")
}
