package inventory

import (
	"io"
	"reflect"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/hoard-s3/hoard/internal/object"
)

// Parquet reports have S3's schema "s3.inventory": its column names and
// types, in its order, snappy-compressed, flushed a row group at a time
// so memory stays flat.

const parquetRowGroup = 64 << 10

// orderedGroup is a parquet.Group whose fields keep S3's order (a Group
// sorts them by name).
type orderedGroup struct {
	parquet.Group
	fields []parquet.Field
}

func (g orderedGroup) Fields() []parquet.Field { return g.fields }

type namedField struct {
	parquet.Node
	name string
}

func (f namedField) Name() string { return f.name }

// Value is only used to write Go values by reflection, which this
// package never does (it writes parquet.Rows).
func (f namedField) Value(base reflect.Value) reflect.Value { return reflect.Value{} }

func parquetNode(c column) parquet.Node {
	var n parquet.Node
	switch c.kind {
	case kBool:
		n = parquet.Leaf(parquet.BooleanType)
	case kInt64:
		n = parquet.Int(64)
	case kTime:
		n = parquet.Timestamp(parquet.Millisecond)
	default:
		n = parquet.String()
	}
	if c.required {
		return parquet.Required(n)
	}
	return parquet.Optional(n)
}

func parquetSchema(cols []column) *parquet.Schema {
	g := orderedGroup{Group: parquet.Group{}}
	for _, c := range cols {
		n := parquetNode(c)
		g.Group[c.pq] = n
		g.fields = append(g.fields, namedField{Node: n, name: c.pq})
	}
	return parquet.NewSchema("s3.inventory", g)
}

// parquetSchemaText is the manifest's fileSchema, in the message syntax
// S3 writes there.
func parquetSchemaText(cols []column) string {
	var b strings.Builder
	b.WriteString("message s3.inventory { ")
	for _, c := range cols {
		if c.required {
			b.WriteString("required ")
		} else {
			b.WriteString("optional ")
		}
		switch c.kind {
		case kBool:
			b.WriteString("boolean " + c.pq)
		case kInt64:
			b.WriteString("int64 " + c.pq)
		case kTime:
			b.WriteString("int64 " + c.pq + " (TIMESTAMP(MILLIS,true))")
		default:
			b.WriteString("binary " + c.pq + " (STRING)")
		}
		b.WriteString("; ")
	}
	b.WriteString("}")
	return b.String()
}

type parquetWriter struct {
	bucket string
	cols   []column
	w      *parquet.Writer
	rows   []parquet.Row
}

func newParquetWriter(out io.Writer, bucket string, cols []column) *parquetWriter {
	w := parquet.NewWriter(out, parquetSchema(cols), parquet.Compression(&parquet.Snappy),
		parquet.MaxRowsPerRowGroup(parquetRowGroup))
	return &parquetWriter{bucket: bucket, cols: cols, w: w}
}

func (p *parquetWriter) write(e *object.InventoryEntry) error {
	row := make(parquet.Row, len(p.cols))
	for i, c := range p.cols {
		v := c.get(p.bucket, e)
		def := 1
		if c.required {
			def = 0
		}
		if !v.ok {
			row[i] = parquet.NullValue().Level(0, 0, i)
			continue
		}
		var pv parquet.Value
		switch c.kind {
		case kBool:
			pv = parquet.BooleanValue(v.b)
		case kInt64:
			pv = parquet.Int64Value(v.i)
		case kTime:
			pv = parquet.Int64Value(v.t.UnixMilli())
		default:
			pv = parquet.ByteArrayValue([]byte(v.s))
		}
		row[i] = pv.Level(0, def, i)
	}
	p.rows = append(p.rows, row)
	if len(p.rows) == 1024 {
		return p.flushRows()
	}
	return nil
}

func (p *parquetWriter) flushRows() error {
	_, err := p.w.WriteRows(p.rows)
	p.rows = p.rows[:0]
	return err
}

func (p *parquetWriter) close() error {
	if err := p.flushRows(); err != nil {
		return err
	}
	return p.w.Close()
}
