package console

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// SessionBackend keeps sessions where every gateway finds them (the
// metadata store), so a browser signed in through one gateway stays signed
// in behind a load balancer. Records are keyed by the SHA-256 of the
// session id; the backend seals them, since they hold the secret key.
// Without a backend sessions live in this process's memory.
type SessionBackend interface {
	// Put stores rec until expires.
	Put(ctx context.Context, idHash [32]byte, rec []byte, expires time.Time) error
	// Get returns the record, or nil when there is none.
	Get(ctx context.Context, idHash [32]byte) ([]byte, error)
	Delete(ctx context.Context, idHash [32]byte) error
}

// storedSession is a session as the backend keeps it.
type storedSession struct {
	AccessKey    string    `json:"ak"`
	Secret       string    `json:"sk"`
	SessionToken string    `json:"tok,omitempty"`
	ARN          string    `json:"arn"`
	Root         bool      `json:"root,omitempty"`
	CSRF         string    `json:"csrf"`
	Created      time.Time `json:"created"`
	Expires      time.Time `json:"expires"`
}

// addSession stores s and returns its id.
func (c *Console) addSession(ctx context.Context, s *session) (string, error) {
	if c.cfg.Sessions == nil {
		return c.sessions.add(s), nil
	}
	id := randomToken()
	rec, err := json.Marshal(storedSession{
		AccessKey: s.creds.AccessKeyID, Secret: s.creds.SecretAccessKey, SessionToken: s.creds.SessionToken,
		ARN: s.arn, Root: s.root, CSRF: s.csrf, Created: s.created, Expires: s.expires,
	})
	if err != nil {
		return "", err
	}
	if err := c.cfg.Sessions.Put(ctx, sha256.Sum256([]byte(id)), rec, s.expires); err != nil {
		return "", fmt.Errorf("store console session: %w", err)
	}
	return id, nil
}

// lookupSession returns the live session with id, or nil.
func (c *Console) lookupSession(ctx context.Context, id string) (*session, error) {
	if c.cfg.Sessions == nil {
		return c.sessions.get(id), nil
	}
	if id == "" || len(id) > 100 {
		return nil, nil
	}
	rec, err := c.cfg.Sessions.Get(ctx, sha256.Sum256([]byte(id)))
	if err != nil || rec == nil {
		return nil, err
	}
	var st storedSession
	if err := json.Unmarshal(rec, &st); err != nil {
		return nil, fmt.Errorf("console session record: %w", err)
	}
	if !time.Now().Before(st.Expires) {
		return nil, nil
	}
	return &session{
		creds: aws.Credentials{AccessKeyID: st.AccessKey, SecretAccessKey: st.Secret, SessionToken: st.SessionToken, Source: "console"},
		arn:   st.ARN, root: st.Root, csrf: st.CSRF, created: st.Created, expires: st.Expires,
	}, nil
}

func (c *Console) removeSession(ctx context.Context, id string) error {
	if c.cfg.Sessions == nil {
		c.sessions.remove(id)
		return nil
	}
	return c.cfg.Sessions.Delete(ctx, sha256.Sum256([]byte(id)))
}
