package policy

import (
	"encoding/base64"
	"encoding/json"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

type baseOp uint8

const (
	opString baseOp = iota + 1 // exact, case-sensitive
	opStringIC
	opStringLike
	opNumeric
	opDate
	opBool
	opBinary
	opIP
	opArn
	opNull
)

type cmpOp uint8

const (
	cmpEq cmpOp = iota
	cmpLt
	cmpLe
	cmpGt
	cmpGe
)

type setOp uint8

const (
	setNone setOp = iota
	setAny        // ForAnyValue:
	setAll        // ForAllValues:
)

// opInfo describes an operator name without prefix and IfExists suffix.
type opInfo struct {
	base    baseOp
	cmp     cmpOp
	negated bool // StringNotEquals & co: true when the key is missing
}

var operators = map[string]opInfo{
	"StringEquals": {base: opString}, "StringNotEquals": {base: opString, negated: true},
	"StringEqualsIgnoreCase": {base: opStringIC}, "StringNotEqualsIgnoreCase": {base: opStringIC, negated: true},
	"StringLike": {base: opStringLike}, "StringNotLike": {base: opStringLike, negated: true},
	"NumericEquals": {base: opNumeric}, "NumericNotEquals": {base: opNumeric, negated: true},
	"NumericLessThan": {base: opNumeric, cmp: cmpLt}, "NumericLessThanEquals": {base: opNumeric, cmp: cmpLe},
	"NumericGreaterThan": {base: opNumeric, cmp: cmpGt}, "NumericGreaterThanEquals": {base: opNumeric, cmp: cmpGe},
	"DateEquals": {base: opDate}, "DateNotEquals": {base: opDate, negated: true},
	"DateLessThan": {base: opDate, cmp: cmpLt}, "DateLessThanEquals": {base: opDate, cmp: cmpLe},
	"DateGreaterThan": {base: opDate, cmp: cmpGt}, "DateGreaterThanEquals": {base: opDate, cmp: cmpGe},
	"Bool": {base: opBool}, "BinaryEquals": {base: opBinary},
	"IpAddress": {base: opIP}, "NotIpAddress": {base: opIP, negated: true},
	"ArnEquals": {base: opArn}, "ArnLike": {base: opArn},
	"ArnNotEquals": {base: opArn, negated: true}, "ArnNotLike": {base: opArn, negated: true},
	"Null": {base: opNull},
}

// condition is one (operator, key, values) triple of a Condition block.
type condition struct {
	opInfo
	op       string // operator as written
	set      setOp
	ifExists bool
	key      string
	values   []condValue
}

// condValue is a policy value compiled for its operator.
type condValue struct {
	pat  pattern    // string and ARN operators (ARN: whole-string form)
	arn  [6]pattern // ARN operators: each colon-separated field
	num  float64
	t    time.Time
	b    bool
	ip   netip.Prefix
	bin  []byte
	fold bool
}

func (p *Policy) parseConditions(raw json.RawMessage) ([]*condition, error) {
	var block map[string]map[string]json.RawMessage
	if err := json.Unmarshal(raw, &block); err != nil {
		return nil, malformed("Invalid Condition block")
	}
	var out []*condition
	for _, opName := range sortedKeys(block) {
		c, err := parseOperator(opName)
		if err != nil {
			return nil, err
		}
		for _, key := range sortedKeys(block[opName]) {
			if !validKey(key, p.Kind) {
				return nil, malformed("Policy has an invalid condition key")
			}
			vals, err := scalarList(block[opName][key])
			if err != nil || len(vals) == 0 {
				return nil, malformed("Invalid Condition value for " + opName)
			}
			cc := *c
			cc.key = key
			for _, v := range vals {
				cv, ok := p.compileValue(&cc, v)
				if !ok && cc.base == opIP {
					return nil, malformed("Invalid IP address in Conditions")
				}
				if !ok {
					return nil, malformed("Invalid Condition value for " + opName + ": " + v)
				}
				cc.values = append(cc.values, cv)
			}
			out = append(out, &cc)
		}
	}
	return out, nil
}

func parseOperator(name string) (*condition, error) {
	c := &condition{op: name}
	rest := name
	if pre, after, ok := strings.Cut(rest, ":"); ok {
		switch pre {
		case "ForAnyValue":
			c.set = setAny
		case "ForAllValues":
			c.set = setAll
		default:
			return nil, malformed("Invalid Condition type : " + name)
		}
		rest = after
	}
	if b, ok := strings.CutSuffix(rest, "IfExists"); ok && b != "Null" {
		c.ifExists, rest = true, b
	}
	info, ok := operators[rest]
	if !ok || (info.base == opNull && c.set != setNone) {
		return nil, malformed("Invalid Condition type : " + name)
	}
	c.opInfo = info
	return c, nil
}

// compileValue parses a policy value once so evaluation does no parsing of
// the policy side.
func (p *Policy) compileValue(c *condition, v string) (condValue, bool) {
	var cv condValue
	switch c.base {
	case opString:
		cv.pat = compile(v, compileOpts{vars: p.vars})
	case opStringIC:
		cv.pat = compile(v, compileOpts{vars: p.vars, fold: true})
	case opStringLike:
		cv.pat = compile(v, compileOpts{vars: p.vars, wildcards: true})
	case opArn:
		cv.pat = compile(v, compileOpts{vars: p.vars, wildcards: true})
		parts := strings.SplitN(v, ":", 6)
		if len(parts) == 6 {
			for i, s := range parts {
				cv.arn[i] = compile(s, compileOpts{vars: p.vars, wildcards: true})
			}
		} else if v != "*" {
			return cv, false
		}
	case opNumeric:
		n, err := strconv.ParseFloat(v, 64)
		cv.num = n
		return cv, err == nil
	case opDate:
		t, ok := parseDate(v)
		cv.t = t
		return cv, ok
	case opBool, opNull:
		b, err := strconv.ParseBool(strings.ToLower(v))
		cv.b = b
		return cv, err == nil && (strings.EqualFold(v, "true") || strings.EqualFold(v, "false"))
	case opBinary:
		b, err := base64.StdEncoding.DecodeString(v)
		cv.bin = b
		return cv, err == nil
	case opIP:
		pf, ok := parseCIDR(v)
		cv.ip = pf
		return cv, ok
	}
	return cv, true
}

// parseDate accepts the ISO 8601 forms AWS documents and epoch seconds.
func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00", "2006-01-02T15:04Z", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), true
	}
	return time.Time{}, false
}

// parseCIDR accepts a CIDR or a bare address (a /32 or /128).
func parseCIDR(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, a.BitLen()), true
}

// eval decides one condition against the request, following AWS: a missing
// key fails positive operators and satisfies negated ones; IfExists passes
// on a missing key; ForAllValues passes and ForAnyValue fails on a missing
// or empty key; several policy values are ORed (NORed when negated).
func (c *condition) eval(e *evalCtx) bool {
	vals, ok := e.lookup(c.key)
	present := ok && len(vals) > 0
	if c.base == opNull {
		for _, v := range c.values {
			if v.b != present {
				return true
			}
		}
		return false
	}
	if !present {
		switch {
		case c.ifExists || c.set == setAll:
			return true
		case c.set == setAny:
			return false
		}
		return c.negated
	}
	switch c.set {
	case setAny:
		for _, v := range vals {
			if c.matchOne(v, e) != c.negated {
				return true
			}
		}
		return false
	case setAll:
		for _, v := range vals {
			if c.matchOne(v, e) == c.negated {
				return false
			}
		}
		return true
	}
	hit := false
	for _, v := range vals {
		if c.matchOne(v, e) {
			hit = true
			break
		}
	}
	return hit != c.negated
}

// matchOne reports whether a request value matches any policy value under
// the positive form of the operator. The request value is parsed once.
func (c *condition) matchOne(v string, e *evalCtx) bool {
	switch c.base {
	case opString, opStringLike:
		for i := range c.values {
			if c.values[i].pat.match(v, e) {
				return true
			}
		}
	case opStringIC:
		lv := strings.ToLower(v)
		for i := range c.values {
			if c.values[i].pat.match(lv, e) {
				return true
			}
		}
	case opArn:
		return c.matchArn(v, e)
	case opNumeric:
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return false
		}
		for _, cv := range c.values {
			if compare(c.cmp, cmpFloat(n, cv.num)) {
				return true
			}
		}
	case opDate:
		t, ok := parseDate(v)
		if !ok {
			return false
		}
		for _, cv := range c.values {
			if compare(c.cmp, t.Compare(cv.t)) {
				return true
			}
		}
	case opBool:
		b, err := strconv.ParseBool(strings.ToLower(v))
		if err != nil {
			return false
		}
		for _, cv := range c.values {
			if cv.b == b {
				return true
			}
		}
	case opBinary:
		for _, cv := range c.values {
			if base64.StdEncoding.EncodeToString(cv.bin) == v {
				return true
			}
		}
	case opIP:
		return c.matchIP(v)
	}
	return false
}

func (c *condition) matchArn(v string, e *evalCtx) bool {
	parts := strings.SplitN(v, ":", 6)
	for i := range c.values {
		cv := &c.values[i]
		if cv.pat.raw == "*" {
			return true
		}
		if len(parts) != 6 {
			continue
		}
		ok := true
		for j := 0; j < 6 && ok; j++ {
			ok = cv.arn[j].match(parts[j], e)
		}
		if ok {
			return true
		}
	}
	return false
}

func (c *condition) matchIP(v string) bool {
	a, err := netip.ParseAddr(v)
	if err != nil {
		pf, perr := netip.ParsePrefix(v)
		if perr != nil {
			return false
		}
		a = pf.Addr()
	}
	a = a.Unmap()
	for _, cv := range c.values {
		if cv.ip.Contains(a) {
			return true
		}
	}
	return false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compare(op cmpOp, r int) bool {
	switch op {
	case cmpLt:
		return r < 0
	case cmpLe:
		return r <= 0
	case cmpGt:
		return r > 0
	case cmpGe:
		return r >= 0
	}
	return r == 0
}
