// Package audit is the operator's audit trail: one record per API call in
// CloudTrail's JSON record format, written to a file (one JSON object a
// line) and/or queued for delivery as CloudTrail log files into a bucket.
// The wire layer builds the records; it alone knows the HTTP side.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// Event is one CloudTrail record (eventVersion 1.09).
type Event struct {
	EventVersion        string         `json:"eventVersion"`
	UserIdentity        UserIdentity   `json:"userIdentity"`
	EventTime           string         `json:"eventTime"`
	EventSource         string         `json:"eventSource"`
	EventName           string         `json:"eventName"`
	AWSRegion           string         `json:"awsRegion"`
	SourceIPAddress     string         `json:"sourceIPAddress"`
	UserAgent           string         `json:"userAgent"`
	ErrorCode           string         `json:"errorCode,omitempty"`
	RequestParameters   map[string]any `json:"requestParameters"`
	ResponseElements    map[string]any `json:"responseElements"`
	AdditionalEventData map[string]any `json:"additionalEventData,omitempty"`
	RequestID           string         `json:"requestID"`
	EventID             string         `json:"eventID"`
	ReadOnly            bool           `json:"readOnly"`
	Resources           []Resource     `json:"resources,omitempty"`
	EventType           string         `json:"eventType"`
	ManagementEvent     bool           `json:"managementEvent"`
	RecipientAccountID  string         `json:"recipientAccountId"`
	EventCategory       string         `json:"eventCategory"`
	TLSDetails          *TLSDetails    `json:"tlsDetails,omitempty"`
}

// UserIdentity is who made the call.
type UserIdentity struct {
	Type           string          `json:"type"`
	PrincipalID    string          `json:"principalId,omitempty"`
	ARN            string          `json:"arn,omitempty"`
	AccountID      string          `json:"accountId,omitempty"`
	AccessKeyID    string          `json:"accessKeyId,omitempty"`
	UserName       string          `json:"userName,omitempty"`
	SessionContext *SessionContext `json:"sessionContext,omitempty"`
}

// SessionContext describes temporary credentials.
type SessionContext struct {
	SessionIssuer *SessionIssuer    `json:"sessionIssuer,omitempty"`
	Attributes    map[string]string `json:"attributes"`
}

// SessionIssuer is the role whose session made the call.
type SessionIssuer struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId"`
	ARN         string `json:"arn"`
	AccountID   string `json:"accountId"`
	UserName    string `json:"userName"`
}

// Resource is one resource the call touched.
type Resource struct {
	Type      string `json:"type"`
	ARN       string `json:"ARN"`
	AccountID string `json:"accountId,omitempty"`
}

// TLSDetails is the connection's TLS, when there was one.
type TLSDetails struct {
	TLSVersion               string `json:"tlsVersion"`
	CipherSuite              string `json:"cipherSuite"`
	ClientProvidedHostHeader string `json:"clientProvidedHostHeader"`
}

// Kind is the outbox kind of records bound for a bucket.
const Kind = "audit"

// Queue makes a record durable until it is delivered as an object.
type Queue interface {
	Append(ctx context.Context, kind, orderKey string, data []byte) error
}

// SyncEvery bounds how long a record written to the file may wait for
// its fsync: a crash loses at most this much of the file's trail.
const SyncEvery = time.Second

// Trail writes records where the operator asked.
type Trail struct {
	// DataEvents adds object reads and writes to the management events.
	DataEvents bool
	file       *os.File
	mu         sync.Mutex
	dirty      bool // written since the last fsync (under mu)
	stop       chan struct{}
	synced     chan struct{}
	queue      Queue
	log        *slog.Logger
}

// Open returns a trail writing to path (appended; "" for none) and to
// queue (nil for none).
func Open(path string, queue Queue, dataEvents bool, log *slog.Logger) (*Trail, error) {
	t := &Trail{DataEvents: dataEvents, queue: queue, log: log}
	if path != "" {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("open audit log: %w", err)
		}
		t.file, t.stop, t.synced = f, make(chan struct{}), make(chan struct{})
		go t.syncLoop()
	}
	return t, nil
}

// syncLoop fsyncs the file every SyncEvery while records come in, rather
// than once per record, which would cost every audited call a disk sync.
func (t *Trail) syncLoop() {
	defer close(t.synced)
	tick := time.NewTicker(SyncEvery)
	defer tick.Stop()
	for {
		select {
		case <-t.stop:
			return
		case <-tick.C:
			t.mu.Lock()
			t.sync()
			t.mu.Unlock()
		}
	}
}

// sync fsyncs the file if it was written since the last time; the
// caller holds mu.
func (t *Trail) sync() {
	if !t.dirty {
		return
	}
	t.dirty = false
	if err := t.file.Sync(); err != nil {
		t.log.Error("audit log not synced", "err", err)
	}
}

// Record writes one event. A failure is logged, never returned: the call
// it describes has already been answered.
func (t *Trail) Record(ctx context.Context, ev *Event) {
	data, err := json.Marshal(ev)
	if err != nil {
		t.log.Error("audit record not encoded", "event", ev.EventName, "err", err)
		return
	}
	if t.file != nil {
		t.mu.Lock()
		_, err = t.file.Write(append(data, '\n'))
		t.dirty = true
		t.mu.Unlock()
		if err != nil {
			t.log.Error("audit record not written", "event", ev.EventName, "request_id", ev.RequestID, "err", err)
		}
	}
	if t.queue != nil {
		if err := t.queue.Append(ctx, Kind, Kind, data); err != nil {
			t.log.Error("audit record not queued", "event", ev.EventName, "request_id", ev.RequestID, "err", err)
		}
	}
}

// Close syncs and closes the file.
func (t *Trail) Close() error {
	if t == nil || t.file == nil {
		return nil
	}
	close(t.stop)
	<-t.synced
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.dirty {
		t.dirty = false
		if err := t.file.Sync(); err != nil {
			t.file.Close()
			return fmt.Errorf("sync audit log: %w", err)
		}
	}
	return t.file.Close()
}
