package event

import (
	"strconv"
	"unicode/utf8"
)

// appendMessage renders m.Records[0] as S3's message, byte for byte what
// encoding/json makes of Message (render_test.go compares the two). One
// is rendered per delivery, so reflection's cost is worth avoiding.
func appendMessage(b []byte, m *MessageRecord) []byte {
	b = append(b, `{"Records":[{"eventVersion":`...)
	b = appendString(b, m.EventVersion)
	b = appendField(b, "eventSource", m.EventSource)
	b = appendField(b, "awsRegion", m.AWSRegion)
	b = appendField(b, "eventTime", m.EventTime)
	b = appendField(b, "eventName", m.EventName)
	b = append(b, `,"userIdentity":{"principalId":`...)
	b = appendString(b, m.UserIdentity.PrincipalID)
	b = append(b, `},"requestParameters":{"sourceIPAddress":`...)
	b = appendString(b, m.RequestParameters.SourceIPAddress)
	b = append(b, `},"responseElements":{"x-amz-request-id":`...)
	b = appendString(b, m.ResponseElements.RequestID)
	b = appendField(b, "x-amz-id-2", m.ResponseElements.HostID)
	s := &m.S3
	b = append(b, `},"s3":{"s3SchemaVersion":`...)
	b = appendString(b, s.SchemaVersion)
	b = appendField(b, "configurationId", s.ConfigurationID)
	b = append(b, `,"bucket":{"name":`...)
	b = appendString(b, s.Bucket.Name)
	b = append(b, `,"ownerIdentity":{"principalId":`...)
	b = appendString(b, s.Bucket.OwnerIdentity.PrincipalID)
	b = append(b, '}')
	b = appendField(b, "arn", s.Bucket.ARN)
	b = append(b, `},"object":{"key":`...)
	b = appendString(b, s.Object.Key)
	if s.Object.Size != nil {
		b = append(b, `,"size":`...)
		b = strconv.AppendInt(b, *s.Object.Size, 10)
	}
	if s.Object.ETag != "" {
		b = appendField(b, "eTag", s.Object.ETag)
	}
	if s.Object.VersionID != "" {
		b = appendField(b, "versionId", s.Object.VersionID)
	}
	b = appendField(b, "sequencer", s.Object.Sequencer)
	b = append(b, "}}"...)
	if g := m.GlacierEventData; g != nil {
		b = append(b, `,"glacierEventData":{"restoreEventData":{"lifecycleRestorationExpiryTime":`...)
		b = appendString(b, g.RestoreEventData.LifecycleRestorationExpiryTime)
		b = appendField(b, "lifecycleRestoreStorageClass", g.RestoreEventData.LifecycleRestoreStorageClass)
		b = append(b, "}}"...)
	}
	return append(b, "}]}"...)
}

func appendField(b []byte, name, v string) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return appendString(b, v)
}

const hexDigits = "0123456789abcdef"

// appendString quotes s as encoding/json does: HTML characters, control
// characters, U+2028 and U+2029 escaped, invalid UTF-8 as U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
