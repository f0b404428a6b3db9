package topics

import (
	"fmt"
	"regexp"
	"strings"
)

// Pattern matches topic names against a regular expression the way
// kafka-topics.sh --topic does: the whole name must match (Java's
// Pattern.matches), so "orders" does not select "orders-dlq" but
// "orders.*" does.
type Pattern struct {
	re  *regexp.Regexp
	src string
}

// CompilePattern compiles a --pattern value. An empty string matches all.
func CompilePattern(s string) (*Pattern, error) {
	if s == "" {
		return nil, nil
	}
	re, err := regexp.Compile(`^(?:` + s + `)$`)
	if err != nil {
		if _, rawErr := regexp.Compile(s); rawErr != nil {
			err = rawErr // name the user's text, not our anchored form
		}
		msg := err.Error()
		msg = strings.TrimPrefix(msg, "error parsing regexp: ")
		return nil, fmt.Errorf("invalid --pattern %q: %s", s, msg)
	}
	return &Pattern{re: re, src: s}, nil
}

// Match reports whether name matches; a nil Pattern matches everything.
func (p *Pattern) Match(name string) bool {
	return p == nil || p.re.MatchString(name)
}

func (p *Pattern) String() string {
	if p == nil {
		return ""
	}
	return p.src
}

// internalNames are Kafka's internal topics (Topic.isInternal), refused by
// delete even when a broker does not flag them internal.
var internalNames = map[string]bool{
	"__consumer_offsets":  true,
	"__transaction_state": true,
	"__share_group_state": true,
	"__cluster_metadata":  true,
}

// IsInternal reports whether a topic is internal: flagged by the broker or
// one of Kafka's own internal topic names.
func IsInternal(name string, flagged bool) bool {
	return flagged || internalNames[name]
}
