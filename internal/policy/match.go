package policy

import (
	"strings"
	"unicode/utf8"
)

// tokKind is one piece of a compiled pattern.
type tokKind uint8

const (
	tokLit  tokKind = iota // literal text (also ${*}, ${?}, ${$} and resolved variables)
	tokStar                // * : any run of characters
	tokQ                   // ? : exactly one character
	tokVar                 // ${name} or ${name, 'default'}
)

type token struct {
	kind   tokKind
	lit    string // tokLit: text; tokVar: variable name
	def    string // tokVar: default value
	hasDef bool
}

// pattern is a string from a policy compiled once at Parse so evaluation
// never re-parses it. Patterns without variables use the fast paths.
type pattern struct {
	raw    string
	toks   []token
	hasVar bool
	wild   bool   // contains * or ?
	any    bool   // exactly "*"
	exact  string // no wildcards, no variables: the literal
	prefix string // literal followed by a single trailing *
	isPref bool
	fold   bool // compare case-insensitively (literals stored lower case)
}

// compileOpts says how a policy string is read.
type compileOpts struct {
	wildcards bool // * and ? are wildcards (Like operators, Action, Resource)
	vars      bool // ${...} policy variables are substituted (Version 2012-10-17)
	fold      bool // case-insensitive
}

func compile(s string, o compileOpts) pattern {
	p := pattern{raw: s, fold: o.fold}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			p.toks = append(p.toks, token{kind: tokLit, lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case o.vars && c == '$' && i+1 < len(s) && s[i+1] == '{':
			if t, n, ok := parseVar(s[i:]); ok {
				if t.kind == tokLit {
					lit.WriteString(t.lit)
				} else {
					flush()
					p.toks = append(p.toks, t)
					p.hasVar = true
				}
				i += n
				continue
			}
			lit.WriteByte(c)
		case o.wildcards && (c == '*' || c == '?'):
			flush()
			k := tokStar
			if c == '?' {
				k = tokQ
			}
			p.toks = append(p.toks, token{kind: k})
			p.wild = true
		default:
			if o.fold {
				c = asciiLower(c)
			}
			lit.WriteByte(c)
		}
		i++
	}
	flush()
	p.classify()
	return p
}

// classify picks the fast path for patterns without variables.
func (p *pattern) classify() {
	if p.hasVar {
		return
	}
	switch {
	case len(p.toks) == 1 && p.toks[0].kind == tokStar:
		p.any = true
	case !p.wild:
		if len(p.toks) == 1 {
			p.exact = p.toks[0].lit
		}
	case len(p.toks) == 2 && p.toks[0].kind == tokLit && p.toks[1].kind == tokStar:
		p.prefix, p.isPref = p.toks[0].lit, true
	}
}

// matchStatic matches s against a pattern without variables. s must already
// be lower case when the pattern folds case.
func (p *pattern) matchStatic(s string) bool {
	switch {
	case p.any:
		return true
	case !p.wild && !p.hasVar:
		return s == p.exact
	case p.isPref:
		return strings.HasPrefix(s, p.prefix)
	}
	return glob(p.toks, s)
}

// match matches s, substituting policy variables from the request. A
// variable with neither a value nor a default makes the pattern match
// nothing, as AWS treats an unresolvable variable.
func (p *pattern) match(s string, e *evalCtx) bool {
	if !p.hasVar {
		return p.matchStatic(s)
	}
	var buf [16]token // most patterns fit: resolving then allocates nothing
	toks, ok := p.resolve(e, buf[:0])
	if !ok {
		return false
	}
	return glob(toks, s)
}

// resolve appends the tokens to out with variables replaced by literals.
func (p *pattern) resolve(e *evalCtx, out []token) ([]token, bool) {
	for _, t := range p.toks {
		if t.kind != tokVar {
			out = append(out, t)
			continue
		}
		v, ok := e.variable(t.lit)
		if !ok {
			if !t.hasDef {
				return nil, false
			}
			v = t.def
		}
		if p.fold {
			v = strings.ToLower(v)
		}
		out = append(out, token{kind: tokLit, lit: v})
	}
	return out, true
}

// glob matches s against tokens: the classic two-pointer algorithm that
// backtracks only to the last star, so it runs in O(len(s)*len(toks)) and
// cannot blow up on hostile patterns.
func glob(toks []token, s string) bool {
	ti, si := 0, 0
	star, starS := -1, 0
	for ti < len(toks) || si < len(s) {
		if ti < len(toks) {
			t := toks[ti]
			switch t.kind {
			case tokLit:
				if strings.HasPrefix(s[si:], t.lit) {
					ti++
					si += len(t.lit)
					continue
				}
			case tokQ:
				if si < len(s) {
					_, n := utf8.DecodeRuneInString(s[si:])
					ti++
					si += n
					continue
				}
			case tokStar:
				star, starS = ti, si
				ti++
				continue
			}
		}
		if star >= 0 && starS < len(s) {
			_, n := utf8.DecodeRuneInString(s[starS:])
			starS += n
			ti, si = star+1, starS
			continue
		}
		return false
	}
	return true
}

func asciiLower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func lower(s string) string { return strings.ToLower(s) }

func indexByte(s string, c byte) int { return strings.IndexByte(s, c) }
