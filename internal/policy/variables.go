package policy

import "strings"

// parseVar reads a policy variable at the start of s ("${...}"). It returns
// the token, the bytes consumed and whether s starts with a well-formed
// variable. ${*}, ${?} and ${$} stand for the literal characters, so a
// policy can match a real asterisk. The default-value form is
// ${aws:username, 'anonymous'}.
func parseVar(s string) (token, int, bool) {
	end := strings.IndexByte(s, '}')
	if end < 0 {
		return token{}, 0, false
	}
	body := s[2:end]
	switch body {
	case "*", "?", "$":
		return token{kind: tokLit, lit: body}, end + 1, true
	}
	name, def, hasDef := body, "", false
	if i := strings.IndexByte(body, ','); i >= 0 {
		name = strings.TrimSpace(body[:i])
		d := strings.TrimSpace(body[i+1:])
		if len(d) < 2 || d[0] != '\'' || d[len(d)-1] != '\'' {
			return token{}, 0, false
		}
		def, hasDef = d[1:len(d)-1], true
	}
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, " ${") {
		return token{}, 0, false
	}
	return token{kind: tokVar, lit: name, def: def, hasDef: hasDef}, end + 1, true
}

// variable resolves a policy variable from the request: the condition
// context first, then keys derived from the principal. Multi-valued keys
// cannot be used as variables, as in AWS.
func (e *evalCtx) variable(name string) (string, bool) {
	vals, ok := e.lookup(name)
	if !ok || len(vals) != 1 {
		return "", false
	}
	return vals[0], true
}
