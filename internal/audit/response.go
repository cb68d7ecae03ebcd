package audit

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"
)

// Response members that are secrets: never in a record. CloudTrail
// leaves out the secret key of new access keys and of temporary
// credentials; the session token is left out too, since it is a bearer
// credential together with the key id.
var secretResponse = map[string]bool{
	"secretaccesskey": true, "sessiontoken": true, "password": true, "privatekey": true,
	"plaintext": true, "ciphertextblob": true, "ciphertextforrecipient": true, "granttoken": true,
	"base32stringseed": true, "qrcodepng": true,
}

// QueryResponseElements turns an IAM or STS XML answer into CloudTrail's
// responseElements: the members of its <…Result> element in camelCase,
// repeated <member> elements as a list, secrets left out. An answer
// without a result (a deletion) has none: nil, as CloudTrail records.
func QueryResponseElements(body []byte) map[string]any {
	d := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := d.Token()
		if err != nil {
			return nil
		}
		if se, ok := tok.(xml.StartElement); ok && strings.HasSuffix(se.Name.Local, "Result") {
			v, err := xmlValue(d)
			if m, ok := v.(map[string]any); ok && err == nil && len(m) > 0 {
				return m
			}
			return nil
		}
	}
}

// xmlValue reads the content of the element just opened: a string for
// text, a map of its children, or a list when they are all <member>.
func xmlValue(d *xml.Decoder) (any, error) {
	var text strings.Builder
	var m map[string]any
	var list []any
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil, io.ErrUnexpectedEOF
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			text.Write(t)
		case xml.StartElement:
			v, err := xmlValue(d)
			if err != nil {
				return nil, err
			}
			name := t.Name.Local
			switch {
			case name == "member":
				list = append(list, v)
			case secretResponse[strings.ToLower(name)]:
			default:
				if m == nil {
					m = map[string]any{}
				}
				m[camel(name)] = v
			}
		case xml.EndElement:
			switch {
			case list != nil:
				return list, nil
			case m != nil:
				return m, nil
			}
			return strings.TrimSpace(text.String()), nil
		}
	}
}

// KMSResponseElements turns a KMS JSON answer into responseElements:
// members in camelCase, key material and ciphertexts left out. The
// cryptographic calls record none, as CloudTrail does.
func KMSResponseElements(call string, body []byte) map[string]any {
	switch call {
	case "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
		"GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "GenerateRandom", "Sign", "Verify",
		"GenerateMac", "VerifyMac":
		return nil
	}
	var in map[string]any
	if json.Unmarshal(body, &in) != nil || len(in) == 0 {
		return nil
	}
	out, _ := camelJSON(in).(map[string]any)
	return out
}

func camelJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			if !secretResponse[strings.ToLower(k)] {
				out[camel(k)] = camelJSON(x)
			}
		}
		return out
	case []any:
		for i := range t {
			t[i] = camelJSON(t[i])
		}
	}
	return v
}
