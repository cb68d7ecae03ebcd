package s3api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/hoard-s3/hoard/internal/object"
)

// Storage classes on the wire: the x-amz-storage-class header of object
// writes, x-amz-restore on reads, and RestoreObject (POST ?restore).

var opRestoreObject = operation{"RestoreObject", (*handler).restoreObject}

var (
	errInvalidStorageClass = newErr("InvalidStorageClass", http.StatusBadRequest, "The storage class you specified is not valid")
	errInvalidObjectState  = newErr("InvalidObjectState", http.StatusForbidden, "The operation is not valid for the object's storage class")
	errRestoreInProgress   = newErr("RestoreAlreadyInProgress", http.StatusConflict, "Object restore is already in progress")
	errTierUnavailable     = newErr("ServiceUnavailable", http.StatusServiceUnavailable, "The storage tier holding this object's data cannot be reached now; nothing was changed. Please retry.")
)

// storageClassHeader reads x-amz-storage-class ("" when absent).
func storageClassHeader(r *http.Request) (string, error) {
	c := r.Header.Get("X-Amz-Storage-Class")
	if object.ValidStorageClass(c) != nil {
		return "", errInvalidStorageClass
	}
	return c, nil
}

// setRestoreHeader sends x-amz-restore as S3 does for an archived
// version that has been (or is being) restored.
func setRestoreHeader(h http.Header, st *object.RestoreStatus) {
	if st == nil {
		return
	}
	if st.Ongoing {
		h.Set("X-Amz-Restore", `ongoing-request="true"`)
		return
	}
	h.Set("X-Amz-Restore", `ongoing-request="false", expiry-date="`+st.Expiry.UTC().Format(http.TimeFormat)+`"`)
}

type restoreRequestXML struct {
	Days                 string `xml:"Days"`
	Type                 string `xml:"Type"`
	Tier                 string `xml:"Tier"`
	GlacierJobParameters *struct {
		Tier string `xml:"Tier"`
	} `xml:"GlacierJobParameters"`
	SelectParameters *xmlAnything `xml:"SelectParameters"`
	OutputLocation   *xmlAnything `xml:"OutputLocation"`
	Description      string       `xml:"Description"`
}

// restoreObject serves RestoreObject: 202 when a restore starts, 200 when
// the restored copy exists already (its expiry moves).
func (h *handler) restoreObject(req *request) (*response, error) {
	body, err := readVerifiedBody(req, maxSmallXML, false)
	if err != nil {
		return nil, err
	}
	var doc restoreRequestXML
	if err := decodeXML(body, &doc); err != nil {
		return nil, err
	}
	if doc.Type != "" || doc.SelectParameters != nil || doc.OutputLocation != nil {
		return nil, errNotImplemented.withMessage("Restores of type SELECT are not implemented.")
	}
	in := object.RestoreInput{Bucket: req.bucket, Key: req.key, VersionID: versionArg(req)}
	if d := strings.TrimSpace(doc.Days); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil {
			return nil, errMalformedXML
		}
		in.Days = n
	}
	if doc.GlacierJobParameters != nil {
		in.Tier = doc.GlacierJobParameters.Tier
	}
	already, err := h.svc.RestoreObject(req.ctx, in)
	if errors.Is(err, object.ErrInvalidObjectState) {
		return nil, errInvalidObjectState.withMessage("Restore is not allowed for the object's current storage class")
	}
	if errors.Is(err, object.ErrInvalidArgument) && in.Days == 0 {
		return nil, errMalformedXML
	}
	if err != nil {
		return nil, err
	}
	status := http.StatusAccepted
	if already {
		status = http.StatusOK
	}
	return newResponse(status), nil
}

// restoreStatusXML is the RestoreStatus of a listing entry, sent when
// the request's x-amz-optional-object-attributes asks for it.
type restoreStatusXML struct {
	IsRestoreInProgress bool
	RestoreExpiryDate   string `xml:",omitempty"`
}

// optionalAttributes reads x-amz-optional-object-attributes, whose only
// value S3 defines is RestoreStatus.
func optionalAttributes(r *http.Request) (bool, error) {
	v := strings.TrimSpace(r.Header.Get("X-Amz-Optional-Object-Attributes"))
	switch v {
	case "":
		return false, nil
	case "RestoreStatus":
		return true, nil
	}
	return false, errInvalidArgument.withMessage("Invalid attribute name specified.")
}

func restoreStatusOf(st *object.RestoreStatus) *restoreStatusXML {
	if st == nil {
		return nil
	}
	x := &restoreStatusXML{IsRestoreInProgress: st.Ongoing}
	if !st.Ongoing {
		x.RestoreExpiryDate = s3Time(st.Expiry)
	}
	return x
}

func (x *restoreStatusXML) appendXML(b []byte) []byte {
	if x == nil {
		return b
	}
	b = append(b, "<RestoreStatus>"...)
	b = appendElem(b, "IsRestoreInProgress", strconv.FormatBool(x.IsRestoreInProgress))
	b = appendElemOmit(b, "RestoreExpiryDate", x.RestoreExpiryDate)
	return append(b, "</RestoreStatus>"...)
}
