package object

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/hoard-s3/hoard/internal/event"
	"github.com/hoard-s3/hoard/internal/meta"
)

// cfgNotification is the typed configuration of a bucket's event
// notifications (PutBucketNotificationConfiguration).
const cfgNotification = "notification"

// Destination types of a notification rule, as S3's XML names their
// containers.
const (
	DestQueue  = "Queue"         // QueueConfiguration, arn:aws:sqs:REGION:ACCOUNT:NAME
	DestTopic  = "Topic"         // TopicConfiguration, arn:aws:sns:REGION:ACCOUNT:NAME
	DestLambda = "CloudFunction" // LambdaFunctionConfiguration, arn:aws:lambda:REGION:ACCOUNT:function:NAME
)

// NotificationConfig is a bucket's event notification configuration.
type NotificationConfig struct {
	Rules []NotificationRule `json:"rules"`
	// EventBridge is stored and echoed; Hoard sends nothing to EventBridge.
	EventBridge bool `json:"eventBridge,omitempty"`
}

// NotificationRule sends the events it lists, for keys that match its
// filter, to one destination: the target whose name is the last segment
// of its ARN.
type NotificationRule struct {
	ID     string   `json:"id"`
	Type   string   `json:"type"`
	ARN    string   `json:"arn"`
	Events []string `json:"events"`
	Prefix string   `json:"prefix,omitempty"`
	Suffix string   `json:"suffix,omitempty"`
}

// NotificationError is a configuration S3 refuses with InvalidArgument;
// Message is S3's message for it.
type NotificationError struct{ Message string }

func (e *NotificationError) Error() string { return "notification configuration: " + e.Message }

// Unwrap makes the error an ErrInvalidArgument.
func (e *NotificationError) Unwrap() error { return ErrInvalidArgument }

func notifyErr(msg string) error { return &NotificationError{Message: msg} }

// Target is the target name of the rule's ARN ("" when the ARN is not
// one of its type).
func (r NotificationRule) Target() string {
	parts := strings.Split(r.ARN, ":")
	service, n := map[string]string{DestQueue: "sqs", DestTopic: "sns", DestLambda: "lambda"}[r.Type], 6
	if r.Type == DestLambda {
		n = 7
	}
	if len(parts) != n || parts[0] != "arn" || parts[1] == "" || parts[2] != service || (r.Type == DestLambda && parts[5] != "function") {
		return ""
	}
	return parts[n-1]
}

func (r NotificationRule) matches(name, key string) bool {
	if !strings.HasPrefix(key, r.Prefix) || !strings.HasSuffix(key, r.Suffix) {
		return false
	}
	for _, p := range r.Events {
		if event.Matches(p, name) {
			return true
		}
	}
	return false
}

// validate checks cfg as S3 does, giving each rule without an id one.
func (s *Service) validateNotification(cfg *NotificationConfig) error {
	ids := map[string]bool{}
	for i := range cfg.Rules {
		r := &cfg.Rules[i]
		if r.ID == "" {
			r.ID = strings.ReplaceAll(uuid.NewString(), "-", "")
		}
		if len(r.ID) > 255 || ids[r.ID] {
			return notifyErr("Configuration ID must be unique and at most 255 characters")
		}
		ids[r.ID] = true
		if len(r.Events) == 0 {
			return notifyErr("A specified event is not supported for notifications.")
		}
		for _, e := range r.Events {
			if !event.ValidPattern(e) {
				return notifyErr("The event is not supported for notifications")
			}
		}
		if len(r.Prefix) > MaxKeyLength || len(r.Suffix) > MaxKeyLength {
			return notifyErr("The filter rule value is too long")
		}
		if t := r.Target(); t == "" || s.cfg.Events == nil || !s.cfg.Events.Targets[t] {
			return notifyErr("Unable to validate the following destination configurations")
		}
	}
	return checkOverlap(cfg.Rules)
}

// checkOverlap refuses two rules that would both take an event for one
// key, as S3 does: overlapping event types, with prefixes of which one
// starts the other and suffixes of which one ends the other.
func checkOverlap(rules []NotificationRule) error {
	for i := range rules {
		for j := i + 1; j < len(rules); j++ {
			a, b := rules[i], rules[j]
			if !eventsOverlap(a.Events, b.Events) {
				continue
			}
			prefixes := strings.HasPrefix(a.Prefix, b.Prefix) || strings.HasPrefix(b.Prefix, a.Prefix)
			suffixes := strings.HasSuffix(a.Suffix, b.Suffix) || strings.HasSuffix(b.Suffix, a.Suffix)
			if prefixes && suffixes {
				return notifyErr("Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type.")
			}
		}
	}
	return nil
}

func eventsOverlap(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if event.Overlap(x, y) {
				return true
			}
		}
	}
	return false
}

// PutBucketNotification validates and stores a bucket's notification
// configuration and, in the same transaction, queues an s3:TestEvent to
// each of its targets, as S3 does when a configuration is saved. An empty
// configuration turns notifications off.
func (s *Service) PutBucketNotification(ctx context.Context, bucket string, cfg NotificationConfig) error {
	if err := s.validateNotification(&cfg); err != nil {
		return err
	}
	doc, err := json.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("encode notification configuration: %w", err)
	}
	err = s.meta.Update(ctx, func(tx meta.Txn) error {
		if _, err := s.bucket(ctx, tx, bucket); err != nil {
			return err
		}
		if len(cfg.Rules) == 0 && !cfg.EventBridge {
			return tx.Delete(configKey(bucket, cfgNotification))
		}
		if err := tx.Set(configKey(bucket, cfgNotification), doc); err != nil {
			return err
		}
		return s.queueTestEvents(ctx, tx, bucket, cfg)
	})
	if err != nil {
		return fmt.Errorf("put notification configuration of %q: %w", bucket, err)
	}
	return nil
}

func (s *Service) queueTestEvents(ctx context.Context, tx meta.Txn, bucket string, cfg NotificationConfig) error {
	sent := map[string]bool{}
	for _, r := range cfg.Rules {
		t := r.Target()
		if sent[t] {
			continue
		}
		sent[t] = true
		rec := &event.Record{Name: event.Test, Time: s.cfg.Now().UTC(), Bucket: bucket, Request: event.RequestFrom(ctx)}
		if err := s.cfg.Events.append(ctx, tx, t, bucket, rec); err != nil {
			return err
		}
	}
	return nil
}

// GetBucketNotification returns the configuration; a bucket without one
// has an empty one, as in S3.
func (s *Service) GetBucketNotification(ctx context.Context, bucket string) (NotificationConfig, error) {
	if _, err := s.bucket(ctx, s.meta, bucket); err != nil {
		return NotificationConfig{}, err
	}
	cfg, err := readNotification(ctx, s.meta, bucket)
	if err != nil || cfg == nil {
		return NotificationConfig{}, err
	}
	return *cfg, nil
}

func readNotification(ctx context.Context, r meta.Reader, bucket string) (*NotificationConfig, error) {
	doc, err := r.Get(ctx, configKey(bucket, cfgNotification))
	if errors.Is(err, meta.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read notification configuration of %q: %w", bucket, err)
	}
	var cfg NotificationConfig
	if err := json.Unmarshal(doc, &cfg); err != nil {
		return nil, fmt.Errorf("notification configuration of %q: %w", bucket, err)
	}
	return &cfg, nil
}
