package adminapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Client calls the admin API of a running server, signing as the
// operator's root.
type Client struct {
	Endpoint  string // http://host:port
	Region    string // default us-east-1
	AccessKey string
	SecretKey string
	HTTP      *http.Client // default: one with a 30 s timeout
}

// Create creates an account; the answer holds its root's secret.
func (c *Client) Create(ctx context.Context, in CreateRequest) (*AccountJSON, error) {
	body, _ := json.Marshal(in)
	var out AccountJSON
	return &out, c.do(ctx, http.MethodPost, "/accounts", body, http.StatusCreated, &out)
}

// List lists the accounts.
func (c *Client) List(ctx context.Context) ([]AccountJSON, error) {
	var out struct {
		Accounts []AccountJSON `json:"accounts"`
	}
	err := c.do(ctx, http.MethodGet, "/accounts", nil, http.StatusOK, &out)
	return out.Accounts, err
}

// Delete deletes an account.
func (c *Client) Delete(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/accounts/"+url.PathEscape(id), nil, http.StatusNoContent, nil)
}

// Error is an answer other than success.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s (%d): %s", e.Code, e.Status, e.Message) }

func (c *Client) do(ctx context.Context, method, path string, body []byte, want int, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(c.Endpoint, "/")+path, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("admin request: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", hash)
	region := c.Region
	if region == "" {
		region = "us-east-1"
	}
	creds := aws.Credentials{AccessKeyID: c.AccessKey, SecretAccessKey: c.SecretKey}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hash, Service, region, time.Now()); err != nil {
		return fmt.Errorf("sign admin request: %w", err)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("admin request: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("read admin answer: %w", err)
	}
	if resp.StatusCode != want {
		e := &Error{Status: resp.StatusCode}
		var doc struct{ Code, Message string }
		if json.Unmarshal(raw, &doc) == nil && doc.Code != "" {
			e.Code, e.Message = doc.Code, doc.Message
		} else {
			e.Code, e.Message = http.StatusText(resp.StatusCode), strings.TrimSpace(string(raw))
		}
		return e
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("decode admin answer: %w", err)
	}
	return nil
}
