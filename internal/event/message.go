package event

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// timeFormat is S3's eventTime: ISO 8601 with milliseconds, UTC.
const timeFormat = "2006-01-02T15:04:05.000Z"

// Message is Amazon S3's event message (eventVersion 2.1).
type Message struct {
	Records []MessageRecord `json:"Records"`
}

// MessageRecord is one entry of Message.Records.
type MessageRecord struct {
	EventVersion      string            `json:"eventVersion"`
	EventSource       string            `json:"eventSource"`
	AWSRegion         string            `json:"awsRegion"`
	EventTime         string            `json:"eventTime"`
	EventName         string            `json:"eventName"`
	UserIdentity      Identity          `json:"userIdentity"`
	RequestParameters RequestParameters `json:"requestParameters"`
	ResponseElements  ResponseElements  `json:"responseElements"`
	S3                S3Entity          `json:"s3"`
	GlacierEventData  *GlacierEventData `json:"glacierEventData,omitempty"`
}

// RequestParameters is the "requestParameters" member.
type RequestParameters struct {
	SourceIPAddress string `json:"sourceIPAddress"`
}

// ResponseElements is the "responseElements" member.
type ResponseElements struct {
	RequestID string `json:"x-amz-request-id"`
	HostID    string `json:"x-amz-id-2"`
}

// Identity is a principal.
type Identity struct {
	PrincipalID string `json:"principalId"`
}

// S3Entity is the "s3" member.
type S3Entity struct {
	SchemaVersion   string       `json:"s3SchemaVersion"`
	ConfigurationID string       `json:"configurationId"`
	Bucket          BucketEntity `json:"bucket"`
	Object          ObjectEntity `json:"object"`
}

// BucketEntity is the "s3.bucket" member.
type BucketEntity struct {
	Name          string   `json:"name"`
	OwnerIdentity Identity `json:"ownerIdentity"`
	ARN           string   `json:"arn"`
}

// ObjectEntity is the "s3.object" member. Removals carry no size and no
// ETag, as in S3.
type ObjectEntity struct {
	Key       string `json:"key"`
	Size      *int64 `json:"size,omitempty"`
	ETag      string `json:"eTag,omitempty"`
	VersionID string `json:"versionId,omitempty"`
	Sequencer string `json:"sequencer"`
}

// GlacierEventData is sent with ObjectRestore:Completed.
type GlacierEventData struct {
	RestoreEventData struct {
		LifecycleRestorationExpiryTime string `json:"lifecycleRestorationExpiryTime"`
		LifecycleRestoreStorageClass   string `json:"lifecycleRestoreStorageClass"`
	} `json:"restoreEventData"`
}

// TestMessage is what S3 sends each destination when a configuration is
// saved.
type TestMessage struct {
	Service   string `json:"Service"`
	Event     string `json:"Event"`
	Time      string `json:"Time"`
	Bucket    string `json:"Bucket"`
	RequestID string `json:"RequestId"`
	HostID    string `json:"HostId"`
}

// Sequencer renders an outbox sequence number as S3's sequencer: fixed
// width hex, so that comparing two as strings compares them as numbers.
func Sequencer(seq uint64) string { return fmt.Sprintf("%016X", seq) }

// Message renders r as the JSON body S3 sends, seq being its sequence
// number in the outbox.
func (r *Record) Message(seq uint64) []byte {
	if r.Name != Test {
		m := r.entry(seq)
		return appendMessage(make([]byte, 0, 1024), &m)
	}
	b, err := json.Marshal(TestMessage{Service: "Amazon S3", Event: "s3:TestEvent", Time: r.Time.UTC().Format(timeFormat),
		Bucket: r.Bucket, RequestID: r.Request.RequestID, HostID: r.Request.HostID})
	if err != nil {
		panic(fmt.Sprintf("event: message: %v", err)) // plain data: cannot fail
	}
	return b
}

func (r *Record) entry(seq uint64) MessageRecord {
	m := MessageRecord{
		EventVersion: "2.1", EventSource: "aws:s3", AWSRegion: r.Region,
		EventTime: r.Time.UTC().Format(timeFormat), EventName: r.Name,
		UserIdentity:      Identity{PrincipalID: r.Request.PrincipalID},
		RequestParameters: RequestParameters{SourceIPAddress: r.Request.SourceIP},
		ResponseElements:  ResponseElements{RequestID: r.Request.RequestID, HostID: r.Request.HostID},
		S3: S3Entity{
			SchemaVersion: "1.0", ConfigurationID: r.ConfigID,
			Bucket: BucketEntity{Name: r.Bucket, OwnerIdentity: Identity{PrincipalID: r.Owner}, ARN: "arn:aws:s3:::" + r.Bucket},
			Object: ObjectEntity{Key: EncodeKey(r.Key), Size: r.Size, ETag: r.ETag, VersionID: r.VersionID, Sequencer: Sequencer(seq)},
		},
	}
	if r.Name == ObjectRestoreDone {
		g := &GlacierEventData{}
		g.RestoreEventData.LifecycleRestorationExpiryTime = r.RestoreExpiry.UTC().Format(timeFormat)
		g.RestoreEventData.LifecycleRestoreStorageClass = r.RestoreStorageClass
		m.GlacierEventData = g
	}
	return m
}

// EncodeKey URL-encodes an object key as S3 does in event messages: form
// encoding (a space is "+") of the UTF-8 bytes, except that "/" stays.
// Letters, digits and ". - _ *" stay as they are; every other byte is %XX.
func EncodeKey(key string) string {
	var b strings.Builder
	b.Grow(len(key))
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '.', c == '-', c == '_', c == '*', c == '/':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// ParseTime reads an eventTime back (tests, tools).
func ParseTime(s string) (time.Time, error) { return time.Parse(timeFormat, s) }
