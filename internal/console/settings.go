package console

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// A setting is one bucket configuration the page can show and edit. Each
// is read and written through its S3 operation; one the server answers
// NotImplemented is reported unsupported and the page hides it, so
// settings appear by themselves as the S3 API gains them.
type setting struct {
	get func(ctx context.Context, cl *s3.Client, bucket string) (any, error)
	put func(ctx context.Context, cl *s3.Client, bucket string, v json.RawMessage) error
	del func(ctx context.Context, cl *s3.Client, bucket string) error
	// absent is the error code S3 answers when the setting is unset.
	absent string
}

type settingJSON struct {
	Supported bool      `json:"supported"`
	Value     any       `json:"value"`
	Error     *apiError `json:"error,omitempty"`
}

func (c *Console) getSettings(w http.ResponseWriter, r *http.Request, s *session) {
	bucket := r.URL.Query().Get("bucket")
	if !plausibleBucket(bucket) {
		writeError(w, http.StatusBadRequest, "InvalidBucketName", "That is not a bucket name.")
		return
	}
	cl := c.s3Client(s)
	out := map[string]settingJSON{}
	for name, st := range settings {
		v, err := st.get(r.Context(), cl, bucket)
		switch {
		case err == nil:
			out[name] = settingJSON{Supported: true, Value: v}
		case isNotImplemented(err):
			out[name] = settingJSON{Supported: false}
		case apiCode(err) == st.absent:
			out[name] = settingJSON{Supported: true}
		default:
			out[name] = settingJSON{Supported: true, Error: &apiError{Code: apiCode(err), Message: clip(err.Error())}}
		}
	}
	writeJSON(w, http.StatusOK, out)
}

type settingInput struct {
	Bucket  string          `json:"bucket"`
	Name    string          `json:"name"`
	Value   json.RawMessage `json:"value"`
	Removal bool            `json:"remove"`
}

func (c *Console) putSetting(w http.ResponseWriter, r *http.Request, s *session) {
	var in settingInput
	if !decodeJSON(w, r, &in) {
		return
	}
	st, ok := settings[in.Name]
	if !ok || !plausibleBucket(in.Bucket) {
		writeError(w, http.StatusBadRequest, "InvalidInput", "Unknown setting or bucket.")
		return
	}
	cl := c.s3Client(s)
	var err error
	if in.Removal {
		if st.del == nil {
			writeError(w, http.StatusBadRequest, "InvalidInput", "This setting cannot be removed.")
			return
		}
		err = st.del(r.Context(), cl, in.Bucket)
	} else {
		err = st.put(r.Context(), cl, in.Bucket, in.Value)
	}
	if err != nil {
		writeAPIError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// badValue is a setting document the console could not decode.
type badValue struct{ msg string }

func (e *badValue) Error() string     { return e.msg }
func (e *badValue) ErrorCode() string { return "InvalidInput" }
func (e *badValue) ErrorMessage() string {
	return e.msg
}
func (e *badValue) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

func decodeValue(raw json.RawMessage, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return &badValue{msg: "The setting is not valid JSON: " + clip(err.Error())}
	}
	return nil
}

var settings = map[string]setting{
	"publicAccessBlock": {
		absent: "NoSuchPublicAccessBlockConfiguration",
		get: func(ctx context.Context, cl *s3.Client, b string) (any, error) {
			out, err := cl.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: &b})
			if err != nil {
				return nil, err
			}
			return out.PublicAccessBlockConfiguration, nil
		},
		put: func(ctx context.Context, cl *s3.Client, b string, raw json.RawMessage) error {
			var v types.PublicAccessBlockConfiguration
			if err := decodeValue(raw, &v); err != nil {
				return err
			}
			_, err := cl.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: &b, PublicAccessBlockConfiguration: &v})
			return err
		},
		del: func(ctx context.Context, cl *s3.Client, b string) error {
			_, err := cl.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: &b})
			return err
		},
	},
	"ownership": {
		absent: "OwnershipControlsNotFoundError",
		get: func(ctx context.Context, cl *s3.Client, b string) (any, error) {
			out, err := cl.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: &b})
			if err != nil {
				return nil, err
			}
			if out.OwnershipControls == nil || len(out.OwnershipControls.Rules) == 0 {
				return nil, nil
			}
			return string(out.OwnershipControls.Rules[0].ObjectOwnership), nil
		},
		put: func(ctx context.Context, cl *s3.Client, b string, raw json.RawMessage) error {
			var v string
			if err := decodeValue(raw, &v); err != nil {
				return err
			}
			_, err := cl.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: &b,
				OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnership(v)}}}})
			return err
		},
	},
	"encryption": {
		absent: "ServerSideEncryptionConfigurationNotFoundError",
		get: func(ctx context.Context, cl *s3.Client, b string) (any, error) {
			out, err := cl.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: &b})
			if err != nil {
				return nil, err
			}
			if out.ServerSideEncryptionConfiguration == nil || len(out.ServerSideEncryptionConfiguration.Rules) == 0 {
				return nil, nil
			}
			d := out.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault
			if d == nil {
				return nil, nil
			}
			return map[string]string{"algorithm": string(d.SSEAlgorithm), "kmsKeyId": aws.ToString(d.KMSMasterKeyID)}, nil
		},
		put: func(ctx context.Context, cl *s3.Client, b string, raw json.RawMessage) error {
			var v struct {
				Algorithm string `json:"algorithm"`
				KMSKeyID  string `json:"kmsKeyId"`
			}
			if err := decodeValue(raw, &v); err != nil {
				return err
			}
			d := &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryption(v.Algorithm)}
			if v.KMSKeyID != "" {
				d.KMSMasterKeyID = &v.KMSKeyID
			}
			_, err := cl.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: &b,
				ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{
					Rules: []types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: d}}}})
			return err
		},
		del: func(ctx context.Context, cl *s3.Client, b string) error {
			_, err := cl.DeleteBucketEncryption(ctx, &s3.DeleteBucketEncryptionInput{Bucket: &b})
			return err
		},
	},
	"cors": {
		absent: "NoSuchCORSConfiguration",
		get: func(ctx context.Context, cl *s3.Client, b string) (any, error) {
			out, err := cl.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: &b})
			if err != nil {
				return nil, err
			}
			return out.CORSRules, nil
		},
		put: func(ctx context.Context, cl *s3.Client, b string, raw json.RawMessage) error {
			var rules []types.CORSRule
			if err := decodeValue(raw, &rules); err != nil {
				return err
			}
			_, err := cl.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: &b, CORSConfiguration: &types.CORSConfiguration{CORSRules: rules}})
			return err
		},
		del: func(ctx context.Context, cl *s3.Client, b string) error {
			_, err := cl.DeleteBucketCors(ctx, &s3.DeleteBucketCorsInput{Bucket: &b})
			return err
		},
	},
	"policy": {
		absent: "NoSuchBucketPolicy",
		get: func(ctx context.Context, cl *s3.Client, b string) (any, error) {
			out, err := cl.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: &b})
			if err != nil {
				return nil, err
			}
			return aws.ToString(out.Policy), nil
		},
		put: func(ctx context.Context, cl *s3.Client, b string, raw json.RawMessage) error {
			var doc string
			if err := decodeValue(raw, &doc); err != nil {
				return err
			}
			_, err := cl.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &b, Policy: &doc})
			return err
		},
		del: func(ctx context.Context, cl *s3.Client, b string) error {
			_, err := cl.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: &b})
			return err
		},
	},
}
