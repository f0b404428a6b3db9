package sandbox

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Topic config validation as Apache Kafka 4.4 does it (LogConfig.validate:
// the names first, then ConfigDef.parse in definition order, which types
// and validates each value). kfake accepts any name and value; without this
// a user would learn on the sandbox that `retention.ms=abc` works.
// The messages are Kafka's, byte for byte (checked against a real broker by
// TestSandboxTopicConfigsLikeKafka in pkg/realkafka/e2e).

type configType int

const (
	typeInt configType = iota
	typeLong
	typeShort
	typeDouble
	typeBoolean
	typeString
	typeList
)

// configKey is one key of a Kafka ConfigDef. check validates the parsed
// value (int64 for INT, LONG and SHORT, float64, bool, string, []string):
// nil when valid.
type configKey struct {
	name  string
	typ   configType
	check func(name string, v any) *invalid
}

// invalid is a validator's complaint. Kafka's message is "Invalid value
// <value> for configuration <name>: <msg>", value being the parsed value
// unless the validator names another; whole is a message of its own.
type invalid struct {
	value string
	msg   string
	whole bool
}

// atLeast and between are ConfigDef.Range.
func atLeast(min float64) func(string, any) *invalid { return between(min, math.Inf(1)) }

func between(min, max float64) func(string, any) *invalid {
	return func(_ string, v any) *invalid {
		n := number(v)
		if n < min {
			return &invalid{msg: "Value must be at least " + javaNumber(min)}
		}
		if n > max {
			return &invalid{msg: "Value must be no more than " + javaNumber(max)}
		}
		return nil
	}
}

// oneOf is ConfigDef.ValidString (and, per element, ValidList).
func oneOf(valid ...string) func(string, any) *invalid {
	return func(_ string, v any) *invalid {
		vals, ok := v.([]string)
		if !ok {
			vals = []string{v.(string)}
		}
		for _, s := range vals {
			if !contains(valid, s) {
				return &invalid{value: s, msg: "String must be one of: " + strings.Join(valid, ", ")}
			}
		}
		return nil
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

var (
	throttledReplica = regexp.MustCompile(`^[0-9]+:[0-9]+$`)
	listSeparator    = regexp.MustCompile(`\s*,\s*`)
)

// topicConfigs is LogConfig's ConfigDef of Kafka 4.4.0, in definition
// order (dumped from LogConfig.configDefCopy()).
var topicConfigs = []configKey{
	{"segment.bytes", typeInt, atLeast(1048576)},
	{"segment.ms", typeLong, atLeast(1)},
	{"segment.jitter.ms", typeLong, atLeast(0)},
	{"segment.index.bytes", typeInt, atLeast(4)},
	{"flush.messages", typeLong, atLeast(1)},
	{"flush.ms", typeLong, atLeast(0)},
	{"retention.bytes", typeLong, nil},
	{"retention.ms", typeLong, atLeast(-1)},
	{"max.message.bytes", typeInt, atLeast(0)},
	{"max.decompressed.message.bytes", typeInt, between(1, 2147483639)},
	{"index.interval.bytes", typeInt, atLeast(0)},
	{"delete.retention.ms", typeLong, atLeast(0)},
	{"min.compaction.lag.ms", typeLong, atLeast(0)},
	{"max.compaction.lag.ms", typeLong, atLeast(1)},
	{"file.delete.delay.ms", typeLong, atLeast(0)},
	{"min.cleanable.dirty.ratio", typeDouble, between(0, 1)},
	{"cleanup.policy", typeList, oneOf("compact", "delete")},
	{"unclean.leader.election.enable", typeBoolean, nil},
	{"min.insync.replicas", typeInt, atLeast(1)},
	{"compression.type", typeString, oneOf("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer")},
	{"compression.gzip.level", typeInt, gzipLevel},
	{"compression.lz4.level", typeInt, between(1, 17)},
	{"compression.zstd.level", typeInt, between(-131072, 22)},
	{"preallocate", typeBoolean, nil},
	{"message.timestamp.type", typeString, oneOf("CreateTime", "LogAppendTime")},
	{"message.timestamp.before.max.ms", typeLong, atLeast(0)},
	{"message.timestamp.after.max.ms", typeLong, atLeast(0)},
	{"leader.replication.throttled.replicas", typeList, throttled},
	{"follower.replication.throttled.replicas", typeList, throttled},
	// The sandbox has no tiered storage: Kafka without it refuses true
	// (validateTopicLogConfigValues).
	{"remote.storage.enable", typeBoolean, func(_ string, v any) *invalid {
		if v.(bool) {
			return &invalid{whole: true, msg: "Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage."}
		}
		return nil
	}},
	{"local.retention.ms", typeLong, atLeast(-2)},
	{"local.retention.bytes", typeLong, atLeast(-2)},
	{"remote.log.copy.disable", typeBoolean, nil},
	{"remote.copy.lag.ms", typeLong, atLeast(-1)},
	{"remote.copy.lag.bytes", typeLong, atLeast(-1)},
	{"remote.log.delete.on.disable", typeBoolean, nil},
	{"errors.deadletterqueue.group.enable", typeBoolean, nil},
	{"internal.segment.bytes", typeInt, nil},
}

// gzipLevel is GzipCompression's level validator.
func gzipLevel(_ string, v any) *invalid {
	if n := v.(int64); n > 9 || (n < 1 && n != -1) {
		return &invalid{msg: "Value must be between 1 and 9 or equal to -1"}
	}
	return nil
}

// throttled is ThrottledReplicaListValidator: "*" or partition:broker
// pairs.
func throttled(name string, v any) *invalid {
	l := v.([]string)
	if len(l) == 1 && l[0] == "*" {
		return nil
	}
	for _, s := range l {
		if !throttledReplica.MatchString(s) {
			return &invalid{msg: name + " must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],..."}
		}
	}
	return nil
}

func number(v any) float64 {
	switch n := v.(type) {
	case int64:
		return float64(n)
	case float64:
		return n
	}
	return 0
}

// javaNumber prints a bound as Java prints the Number Kafka defined it
// with (all of LogConfig's bounds are integers).
func javaNumber(f float64) string { return strconv.FormatInt(int64(f), 10) }

// javaDouble is Double.toString.
func javaDouble(f float64) string {
	if a := math.Abs(f); a != 0 && (a < 1e-3 || a >= 1e7) {
		s := strconv.FormatFloat(f, 'E', -1, 64) // 1E+10, 1.5E-05
		mant, exp, _ := strings.Cut(s, "E")
		if !strings.Contains(mant, ".") {
			mant += ".0"
		}
		e, _ := strconv.Atoi(exp)
		return mant + "E" + strconv.Itoa(e)
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// parse is ConfigDef.parseType: the typed value, or Kafka's message.
func parse(typ configType, raw string) (any, string) {
	s := strings.TrimSpace(raw)
	switch typ {
	case typeInt:
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return nil, "Not a number of type INT"
		}
		return n, ""
	case typeLong:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, "Not a number of type LONG"
		}
		return n, ""
	case typeShort:
		n, err := strconv.ParseInt(s, 10, 16)
		if err != nil {
			return nil, "Not a number of type SHORT"
		}
		return n, ""
	case typeDouble:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, "Not a number of type DOUBLE"
		}
		return f, ""
	case typeBoolean:
		switch strings.ToLower(s) {
		case "true":
			return true, ""
		case "false":
			return false, ""
		}
		return nil, "Expected value to be either true or false"
	case typeList:
		if s == "" {
			return []string{}, ""
		}
		return listSeparator.Split(s, -1), ""
	}
	return s, ""
}

// printed is how ConfigException prints a parsed value.
func printed(v any) string {
	switch x := v.(type) {
	case float64:
		return javaDouble(x)
	case []string:
		return "[" + strings.Join(x, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// validateTopicConfigs returns Kafka's INVALID_CONFIG message for a set of
// topic configs (nil values are deletions, which Kafka never refuses), or
// "" when Kafka would accept them. Cross-config checks (e.g.
// min.compaction.lag.ms > max.compaction.lag.ms) need the topic's current
// configs, which a control function cannot read: they are not made.
func validateTopicConfigs(names []string, values []*string) string {
	byName := make(map[string]*string, len(names))
	for i, n := range names {
		if values[i] == nil {
			continue
		}
		if strings.HasPrefix(n, "kfake.") {
			continue // kfake's own switches (kfake.is_internal), for tests
		}
		if !knownTopicConfig(n) {
			return "Unknown topic config name: " + n
		}
		byName[n] = values[i]
	}
	return validateValues(topicConfigs, byName)
}

// validateValues is ConfigDef.parse for the keys set: each value parsed
// and validated in the definition order of keys; the first complaint in
// Kafka's words, or "".
func validateValues(keys []configKey, byName map[string]*string) string {
	for _, tc := range keys {
		raw, ok := byName[tc.name]
		if !ok {
			continue
		}
		v, msg := parse(tc.typ, *raw)
		if msg != "" {
			return "Invalid value " + *raw + " for configuration " + tc.name + ": " + msg
		}
		if tc.check == nil {
			continue
		}
		bad := tc.check(tc.name, v)
		switch {
		case bad == nil:
		case bad.whole:
			return bad.msg
		case bad.value != "":
			return "Invalid value " + bad.value + " for configuration " + tc.name + ": " + bad.msg
		default:
			return "Invalid value " + printed(v) + " for configuration " + tc.name + ": " + bad.msg
		}
	}
	return ""
}

func knownTopicConfig(n string) bool {
	for _, tc := range topicConfigs {
		if tc.name == n {
			return true
		}
	}
	return false
}

// validateConfigsLikeKafka answers CreateTopics, AlterConfigs and
// IncrementalAlterConfigs with Kafka's error and message when a topic
// config (INVALID_CONFIG) or a broker config (INVALID_REQUEST,
// brokerconfig.go) is refused; valid requests go on to kfake.
// Kafka validates topic configs before it looks the topic up (a bad value
// on a missing topic is INVALID_CONFIG too), but after authorization,
// which a control function cannot see: on an --acls sandbox an
// unauthorized user sending a bad config gets the validation error where
// Kafka says TOPIC_AUTHORIZATION_FAILED. kfake cannot process part of a
// request, so a request mixing valid and invalid resources is refused as
// a whole (the valid ones with INVALID_REQUEST); kctl sends one resource
// per request.
func validateConfigsLikeKafka(kc *kfake.Cluster) {
	kc.ControlKey(int16(kmsg.CreateTopics), func(r kmsg.Request) (kmsg.Response, error, bool) {
		req, ok := r.(*kmsg.CreateTopicsRequest)
		if !ok {
			return nil, nil, false
		}
		answers, bad := refusals(len(req.Topics), func(i int) (validator, []string, []*string) {
			var names []string
			var values []*string
			for _, c := range req.Topics[i].Configs {
				names, values = append(names, c.Name), append(values, c.Value)
			}
			return topicValidator, names, values
		})
		if !bad {
			return nil, nil, false
		}
		resp := req.ResponseKind().(*kmsg.CreateTopicsResponse)
		for i, t := range req.Topics {
			rt := kmsg.NewCreateTopicsResponseTopic()
			rt.Topic = t.Topic
			rt.ErrorCode, rt.ErrorMessage = answers[i].reply()
			resp.Topics = append(resp.Topics, rt)
		}
		kc.KeepControl() // handling drops a control function otherwise
		return resp, nil, true
	})
	kc.ControlKey(int16(kmsg.IncrementalAlterConfigs), func(r kmsg.Request) (kmsg.Response, error, bool) {
		req, ok := r.(*kmsg.IncrementalAlterConfigsRequest)
		if !ok {
			return nil, nil, false
		}
		answers, bad := refusals(len(req.Resources), func(i int) (validator, []string, []*string) {
			var names []string
			var values []*string
			for _, c := range req.Resources[i].Configs {
				if c.Op == kmsg.IncrementalAlterConfigOpSet {
					names, values = append(names, c.Name), append(values, c.Value)
				}
			}
			return validatorFor(req.Resources[i].ResourceType, req.Resources[i].ResourceName), names, values
		})
		if !bad {
			return nil, nil, false
		}
		resp := req.ResponseKind().(*kmsg.IncrementalAlterConfigsResponse)
		for i, rr := range req.Resources {
			st := kmsg.NewIncrementalAlterConfigsResponseResource()
			st.ResourceType, st.ResourceName = rr.ResourceType, rr.ResourceName
			st.ErrorCode, st.ErrorMessage = answers[i].reply()
			resp.Resources = append(resp.Resources, st)
		}
		kc.KeepControl()
		return resp, nil, true
	})
	kc.ControlKey(int16(kmsg.AlterConfigs), func(r kmsg.Request) (kmsg.Response, error, bool) {
		req, ok := r.(*kmsg.AlterConfigsRequest)
		if !ok {
			return nil, nil, false
		}
		answers, bad := refusals(len(req.Resources), func(i int) (validator, []string, []*string) {
			var names []string
			var values []*string
			for _, c := range req.Resources[i].Configs {
				names, values = append(names, c.Name), append(values, c.Value)
			}
			return validatorFor(req.Resources[i].ResourceType, req.Resources[i].ResourceName), names, values
		})
		if !bad {
			return nil, nil, false
		}
		resp := req.ResponseKind().(*kmsg.AlterConfigsResponse)
		for i, rr := range req.Resources {
			st := kmsg.NewAlterConfigsResponseResource()
			st.ResourceType, st.ResourceName = rr.ResourceType, rr.ResourceName
			st.ErrorCode, st.ErrorMessage = answers[i].reply()
			resp.Resources = append(resp.Resources, st)
		}
		kc.KeepControl()
		return resp, nil, true
	})
}

// validator checks the configs set on one resource: Kafka's error code and
// message, or 0 and "".
type validator func(names []string, values []*string) (int16, string)

func topicValidator(names []string, values []*string) (int16, string) {
	if msg := validateTopicConfigs(names, values); msg != "" {
		return kerr.InvalidConfig.Code, msg
	}
	return 0, ""
}

// validatorFor is the validator of a config resource (nil: not checked).
func validatorFor(t kmsg.ConfigResourceType, name string) validator {
	switch t {
	case kmsg.ConfigResourceTypeTopic:
		return topicValidator
	case kmsg.ConfigResourceTypeBroker:
		return func(names []string, values []*string) (int16, string) {
			if msg := validateBrokerConfigs(name == "", names, values); msg != "" {
				return kerr.InvalidRequest.Code, msg
			}
			return 0, ""
		}
	}
	return nil
}

// answer is the verdict on one resource of a request.
type answer struct {
	code int16
	msg  string
}

// refusals validates n resources; configs(i) gives resource i's validator
// (nil: not checked) and the configs set. It returns each verdict and
// whether any resource is refused.
func refusals(n int, configs func(i int) (validator, []string, []*string)) ([]answer, bool) {
	answers := make([]answer, n)
	bad := false
	for i := range answers {
		if v, names, values := configs(i); v != nil {
			answers[i].code, answers[i].msg = v(names, values)
			bad = bad || answers[i].code != 0
		}
	}
	return answers, bad
}

// reply is the error code and message for one resource of a refused
// request.
func (a answer) reply() (int16, *string) {
	if a.code == 0 {
		m := "the sandbox refuses this request as a whole: another resource in it has an invalid config (send one resource per request)"
		return kerr.InvalidRequest.Code, &m
	}
	return a.code, &a.msg
}
