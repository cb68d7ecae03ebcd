package s3api

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http"
	"strings"

	"github.com/hoard-s3/hoard/internal/object"
)

// Block Public Access, per bucket (?publicAccessBlock) and for the whole
// account through the S3 Control API (/v20180820/configuration/
// publicAccessBlock with x-amz-account-id). A bucket without a stored
// setting has all four on; the account setting is off until set, and when
// set it is ORed with every bucket's.

var (
	opGetPublicAccessBlock    = operation{"GetPublicAccessBlock", (*handler).getPublicAccessBlock}
	opPutPublicAccessBlock    = operation{"PutPublicAccessBlock", (*handler).putPublicAccessBlock}
	opDeletePublicAccessBlock = operation{"DeletePublicAccessBlock", (*handler).deletePublicAccessBlock}

	opGetAccountPublicAccessBlock    = operation{"GetAccountPublicAccessBlock", (*handler).getAccountPublicAccessBlock}
	opPutAccountPublicAccessBlock    = operation{"PutAccountPublicAccessBlock", (*handler).putAccountPublicAccessBlock}
	opDeleteAccountPublicAccessBlock = operation{"DeleteAccountPublicAccessBlock", (*handler).deleteAccountPublicAccessBlock}

	errNoSuchPAB = newErr("NoSuchPublicAccessBlockConfiguration", 404, "The public access block configuration was not found")
)

type pabXML struct {
	XMLName               xml.Name `xml:"PublicAccessBlockConfiguration"`
	NS                    string   `xml:"xmlns,attr,omitempty"`
	BlockPublicAcls       bool     `xml:"BlockPublicAcls"`
	IgnorePublicAcls      bool     `xml:"IgnorePublicAcls"`
	BlockPublicPolicy     bool     `xml:"BlockPublicPolicy"`
	RestrictPublicBuckets bool     `xml:"RestrictPublicBuckets"`
}

func (p publicAccessBlock) xml(ns string) *pabXML {
	return &pabXML{NS: ns, BlockPublicAcls: p.BlockPublicAcls, IgnorePublicAcls: p.IgnorePublicAcls,
		BlockPublicPolicy: p.BlockPublicPolicy, RestrictPublicBuckets: p.RestrictPublicBuckets}
}

func readPAB(req *request) ([]byte, error) {
	body, err := readBody(req, maxSmallXML)
	if err != nil {
		return nil, err
	}
	var in pabXML
	if err := decodeXML(body, &in); err != nil {
		return nil, err
	}
	return json.Marshal(publicAccessBlock{Set: true, BlockPublicAcls: in.BlockPublicAcls,
		IgnorePublicAcls: in.IgnorePublicAcls, BlockPublicPolicy: in.BlockPublicPolicy,
		RestrictPublicBuckets: in.RestrictPublicBuckets})
}

func (h *handler) getPublicAccessBlock(req *request) (*response, error) {
	doc, err := h.svc.GetBucketConfig(req.ctx, req.bucket, cfgPublicAccess)
	switch {
	case errors.Is(err, object.ErrNoSuchBucketConfig):
		return xmlResponse(allBlocked.xml(s3NS)), nil
	case err != nil:
		return nil, err
	}
	p := decodePAB(doc, allBlocked)
	if !p.Set {
		return nil, errNoSuchPAB
	}
	return xmlResponse(p.xml(s3NS)), nil
}

func (h *handler) putPublicAccessBlock(req *request) (*response, error) {
	doc, err := readPAB(req)
	if err != nil {
		return nil, err
	}
	if err := h.svc.PutBucketConfig(req.ctx, req.bucket, cfgPublicAccess, doc); err != nil {
		return nil, err
	}
	return newResponse(http.StatusOK), nil
}

// deletePublicAccessBlock stores "none": the absence of a document means
// the default of new buckets (all on).
func (h *handler) deletePublicAccessBlock(req *request) (*response, error) {
	doc, _ := json.Marshal(publicAccessBlock{})
	if err := h.svc.PutBucketConfig(req.ctx, req.bucket, cfgPublicAccess, doc); err != nil {
		return nil, err
	}
	return newResponse(http.StatusNoContent), nil
}

// The S3 Control API. SDKs put the account id both in x-amz-account-id and
// in front of the host name ("ACCOUNT.endpoint"), so routing goes by path.
const (
	controlPABPath = "/v20180820/configuration/publicAccessBlock"
	controlNS      = "http://awss3control.amazonaws.com/doc/2018-08-20/"
)

// pickControl recognizes an S3 Control request and replaces the route.
func (h *handler) pickControl(req *request) {
	if req.r.Header.Get("X-Amz-Account-Id") == "" || !strings.HasPrefix(req.r.URL.Path, "/v20180820/") {
		return
	}
	req.bucket, req.key = "", ""
	if req.r.URL.Path != controlPABPath {
		req.op = operation{name: "Unsupported(S3Control)", run: notImplemented}
		return
	}
	switch req.r.Method {
	case http.MethodGet:
		req.op = opGetAccountPublicAccessBlock
	case http.MethodPut:
		req.op = opPutAccountPublicAccessBlock
	case http.MethodDelete:
		req.op = opDeleteAccountPublicAccessBlock
	default:
		req.op = opMethodNotAllowed
	}
}

// checkAccountID: the request must name this server's account.
func (h *handler) checkAccountID(req *request) error {
	if id := req.header("X-Amz-Account-Id"); h.ownerAccount() != "" && id != h.ownerAccount() {
		return errAccessDenied
	}
	return nil
}

func (h *handler) getAccountPublicAccessBlock(req *request) (*response, error) {
	if err := h.checkAccountID(req); err != nil {
		return nil, err
	}
	doc, err := h.svc.GetAccountConfig(req.ctx, cfgPublicAccess)
	if errors.Is(err, object.ErrNoSuchBucketConfig) {
		return nil, errNoSuchPAB
	}
	if err != nil {
		return nil, err
	}
	return xmlResponse(decodePAB(doc, publicAccessBlock{}).xml(controlNS)), nil
}

func (h *handler) putAccountPublicAccessBlock(req *request) (*response, error) {
	if err := h.checkAccountID(req); err != nil {
		return nil, err
	}
	doc, err := readPAB(req)
	if err != nil {
		return nil, err
	}
	if err := h.svc.PutAccountConfig(req.ctx, cfgPublicAccess, doc); err != nil {
		return nil, err
	}
	return newResponse(http.StatusOK), nil
}

func (h *handler) deleteAccountPublicAccessBlock(req *request) (*response, error) {
	if err := h.checkAccountID(req); err != nil {
		return nil, err
	}
	if err := h.svc.PutAccountConfig(req.ctx, cfgPublicAccess, nil); err != nil {
		return nil, err
	}
	return newResponse(http.StatusNoContent), nil
}
