package object

import (
	"fmt"
	"slices"
	"strings"
)

// InventoryError is an inventory configuration S3 refuses: Code is S3's
// error code and Msg its message; the wire layer sends both unchanged
// with 400 Bad Request.
type InventoryError struct {
	Code string
	Msg  string
}

func (e *InventoryError) Error() string { return e.Code + ": " + e.Msg }

// Unwrap lets callers that do not know the type still see a bad argument.
func (e *InventoryError) Unwrap() error { return ErrInvalidArgument }

func invMalformed() error {
	return &InventoryError{Code: "MalformedXML",
		Msg: "The XML you provided was not well-formed or did not validate against our published schema"}
}

func invArg(msg string) error { return &InventoryError{Code: "InvalidArgument", Msg: msg} }

func invDest(msg string) error { return &InventoryError{Code: "InvalidS3DestinationBucket", Msg: msg} }

// validInventoryID keeps S3's rule: at most 64 characters of letters,
// digits, '.', '-' and '_'.
func validInventoryID(id string) error {
	if id == "" {
		return invArg("The inventory configuration ID must be specified.")
	}
	if len(id) > 64 {
		return invArg("The inventory configuration ID must not exceed 64 characters.")
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return invArg("The inventory configuration ID may contain only letters, digits, '.', '-' and '_'.")
		}
	}
	return nil
}

// validInventory checks a configuration the request named id.
func validInventory(id string, c *InventoryConfiguration) error {
	if err := validInventoryID(id); err != nil {
		return err
	}
	if c.ID != id {
		return invArg("The ID of the inventory configuration in the body does not match the id in the request.")
	}
	switch c.Versions {
	case InventoryAll, InventoryCurrent:
	default:
		return invMalformed()
	}
	switch c.Frequency {
	case InventoryDaily, InventoryWeekly:
	default:
		return invMalformed()
	}
	seen := map[string]bool{}
	for _, f := range c.Fields {
		if !slices.Contains(InventoryFields, f) {
			return invMalformed()
		}
		if seen[f] {
			return invArg("Duplicate field " + f + " in the list of optional fields.")
		}
		seen[f] = true
	}
	return validInventoryDest(&c.Destination)
}

func validInventoryDest(d *InventoryDestination) error {
	switch d.Format {
	case InventoryCSV, InventoryParquet:
	case InventoryORC:
		return fmt.Errorf("ORC inventory reports (choose CSV or Parquet): %w", ErrNotImplemented)
	default:
		return invMalformed()
	}
	rest, ok := strings.CutPrefix(d.BucketARN, "arn:aws:s3:")
	if !ok {
		return invDest("Invalid bucket ARN.")
	}
	region, rest, ok := strings.Cut(rest, ":")
	if !ok || region != "" {
		return invDest("Bucket ARN should not specify a region.")
	}
	account, name, ok := strings.Cut(rest, ":")
	if !ok || account != "" {
		return invDest("Bucket ARN should not specify a namespace.")
	}
	if err := validBucketName(name); err != nil {
		return invDest("Invalid bucket ARN: the bucket name is not valid.")
	}
	d.Bucket = name
	switch d.Encryption {
	case "", InventorySSES3:
		if d.KMSKeyID != "" {
			return invMalformed()
		}
	case InventorySSEKMS:
		if d.KMSKeyID == "" {
			return invMalformed()
		}
	default:
		return invMalformed()
	}
	return nil
}
