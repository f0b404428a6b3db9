package kafka

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"

	"github.com/IBM/sarama"
)

// ResourceType is a config resource type (Kafka's ConfigResource.Type).
type ResourceType int8

const (
	TopicResource  ResourceType = ResourceType(sarama.TopicResource)
	BrokerResource ResourceType = ResourceType(sarama.BrokerResource)
)

func (t ResourceType) String() string {
	switch t {
	case TopicResource:
		return "topic"
	case BrokerResource:
		return "broker"
	}
	return fmt.Sprintf("resource type %d", int8(t))
}

// ConfigResource names what to describe. For brokers, Name is the broker id,
// or "" for the cluster-wide dynamic defaults.
type ConfigResource struct {
	Type ResourceType
	Name string
	// Keys restricts the answer to these config names; nil: all.
	Keys []string
}

func (r ConfigResource) String() string {
	if r.Type == BrokerResource && r.Name == "" {
		return "broker defaults"
	}
	return fmt.Sprintf("%s %s", r.Type, r.Name)
}

// Config sources, with Kafka's names (ConfigEntry.ConfigSource).
const (
	SourceUnknown              = "UNKNOWN"
	SourceDynamicTopic         = "DYNAMIC_TOPIC_CONFIG"
	SourceDynamicBroker        = "DYNAMIC_BROKER_CONFIG"
	SourceDynamicDefaultBroker = "DYNAMIC_DEFAULT_BROKER_CONFIG"
	SourceStaticBroker         = "STATIC_BROKER_CONFIG"
	SourceDefault              = "DEFAULT_CONFIG"
	SourceDynamicBrokerLogger  = "DYNAMIC_BROKER_LOGGER_CONFIG"
)

func sourceName(s sarama.ConfigSource) string {
	switch s {
	case sarama.SourceTopic:
		return SourceDynamicTopic
	case sarama.SourceDynamicBroker:
		return SourceDynamicBroker
	case sarama.SourceDynamicDefaultBroker:
		return SourceDynamicDefaultBroker
	case sarama.SourceStaticBroker:
		return SourceStaticBroker
	case sarama.SourceDefault:
		return SourceDefault
	case 6:
		return SourceDynamicBrokerLogger
	}
	return SourceUnknown
}

// ConfigEntry is one config of a resource.
type ConfigEntry struct {
	Name      string
	Value     string // "" for sensitive values (Kafka never sends them)
	Source    string // one of the Source* names
	Sensitive bool
	ReadOnly  bool
}

// Dynamic reports whether the value was set at runtime (kafka-configs.sh
// --alter), as opposed to a static file or a built-in default.
func (e ConfigEntry) Dynamic() bool {
	switch e.Source {
	case SourceDynamicTopic, SourceDynamicBroker, SourceDynamicDefaultBroker, SourceDynamicBrokerLogger:
		return true
	}
	return false
}

// ConfigResult is one resource's answer.
type ConfigResult struct {
	Resource ConfigResource
	Entries  []ConfigEntry // sorted by name
	Err      error         // this resource failed (unknown topic, denied, ...)
}

// ErrConfigNotFound marks a config name a resource does not have.
var ErrConfigNotFound = errors.New("no such config")

// Get returns the entry named name.
func (r *ConfigResult) Get(name string) (ConfigEntry, bool) {
	for _, e := range r.Entries {
		if e.Name == name {
			return e, true
		}
	}
	return ConfigEntry{}, false
}

// DescribeConfigs describes many resources with as few requests as Kafka
// allows: topics and the broker defaults share one request; a broker id
// must be asked on that broker, so each named broker adds its own request
// unless it is the one the shared request goes to anyway. Requests to
// different brokers run in parallel. Results come back in request order.
func (a *Admin) DescribeConfigs(ctx context.Context, rs []ConfigResource) ([]ConfigResult, error) {
	if len(rs) == 0 {
		return nil, nil
	}
	groups := map[int32][]int{} // broker id -> indexes into rs
	shared := int32(-1)
	for i, r := range rs {
		if r.Type == BrokerResource && r.Name != "" {
			id, err := strconv.ParseInt(r.Name, 10, 32)
			if err != nil {
				return nil, fmt.Errorf("broker id %q is not a number", r.Name)
			}
			groups[int32(id)] = append(groups[int32(id)], i)
			if shared < 0 {
				shared = int32(id)
			}
		}
	}
	var others []int
	for i, r := range rs {
		if !(r.Type == BrokerResource && r.Name != "") {
			others = append(others, i)
		}
	}
	if len(others) > 0 {
		if shared < 0 {
			b, err := a.anyBroker()
			if err != nil {
				return nil, err
			}
			shared = b.ID
		}
		groups[shared] = append(groups[shared], others...)
	}
	out := make([]ConfigResult, len(rs))
	for i, r := range rs {
		out[i].Resource = r
	}
	var mu sync.Mutex
	err := a.forEachBroker(ctx, keys(groups), func(id int32) error {
		b, err := a.brokerFor(id)
		if err != nil {
			return err
		}
		req := &sarama.DescribeConfigsRequest{Version: describeConfigsVersion(a.conf.Version)}
		for _, i := range groups[id] {
			req.Resources = append(req.Resources, &sarama.ConfigResource{Type: sarama.ConfigResourceType(rs[i].Type), Name: rs[i].Name, ConfigNames: rs[i].Keys})
		}
		a.logf("DescribeConfigs to broker %d (%s): %d resources", id, b.Addr, len(req.Resources))
		resp, err := send(ctx, a, b, fmt.Sprintf("describe configs on broker %d (%s)", id, b.Addr), func(conn *sarama.Broker) (*sarama.DescribeConfigsResponse, error) {
			return conn.DescribeConfigs(req)
		})
		if err != nil {
			return err
		}
		type key struct {
			t ResourceType
			n string
		}
		byKey := make(map[key]*sarama.ResourceResponse, len(resp.Resources))
		for _, r := range resp.Resources {
			byKey[key{ResourceType(r.Type), r.Name}] = r
		}
		mu.Lock()
		defer mu.Unlock()
		for _, i := range groups[id] {
			r := byKey[key{rs[i].Type, rs[i].Name}]
			if r == nil {
				out[i].Err = fmt.Errorf("%s: broker %d did not answer for it", rs[i], id)
				continue
			}
			if r.ErrorCode != 0 {
				out[i].Err = configErr(rs[i], sarama.KError(r.ErrorCode), r.ErrorMsg)
				continue
			}
			entries := make([]ConfigEntry, 0, len(r.Configs))
			for _, c := range r.Configs {
				entries = append(entries, ConfigEntry{Name: c.Name, Value: c.Value, Source: sourceName(c.Source), Sensitive: c.Sensitive, ReadOnly: c.ReadOnly})
			}
			sort.Slice(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })
			out[i].Entries = entries
		}
		return nil
	})
	return out, err
}

func configErr(r ConfigResource, kerr sarama.KError, msg string) error {
	if r.Type == TopicResource && kerr == sarama.ErrUnknownTopicOrPartition {
		return fmt.Errorf("topic %q: %w", r.Name, ErrTopicNotFound)
	}
	if msg != "" {
		return fmt.Errorf("%s: %s: %w", r, msg, kerr)
	}
	return fmt.Errorf("%s: %w", r, kerr)
}

func describeConfigsVersion(v sarama.KafkaVersion) int16 {
	switch {
	case v.IsAtLeast(sarama.V2_8_0_0):
		return 4
	case v.IsAtLeast(sarama.V2_6_0_0):
		return 3
	case v.IsAtLeast(sarama.V2_0_0_0):
		return 2
	case v.IsAtLeast(sarama.V1_1_0_0):
		return 1
	}
	return 0
}

// MinISRKey is the topic and broker config that sets min.insync.replicas.
const MinISRKey = "min.insync.replicas"

// MinInsyncReplicas returns every topic's effective min.insync.replicas from
// one DescribeConfigs request carrying all the topics and the broker it is
// sent to (whose value is the default for topics without an override).
// Topics that failed (e.g. deleted since the caller listed them) are in the
// second map, not the first; the error return stops everything.
func (a *Admin) MinInsyncReplicas(ctx context.Context, topics []string) (map[string]int, map[string]error, error) {
	vals, failed, err := a.TopicConfigValues(ctx, topics, []string{MinISRKey}, nil)
	if err != nil {
		return nil, nil, err
	}
	out := make(map[string]int, len(vals))
	for t, cfg := range vals {
		v, ok := cfg[MinISRKey]
		if !ok {
			out[t] = 1 // Kafka's built-in default
			continue
		}
		n, perr := strconv.Atoi(v)
		if perr != nil {
			failed[t] = fmt.Errorf("topic %q: min.insync.replicas is %q, not a number", t, cfg[MinISRKey])
			continue
		}
		out[t] = n
	}
	return out, failed, nil
}

// TopicConfigValues fetches the effective values of keys for topics, and
// every config entry for the topics in full, in one DescribeConfigs request
// (plus the broker it goes to, for defaults Kafka leaves out). Values map
// topic -> key -> value for keys only; full maps topic -> all entries.
func (a *Admin) TopicConfigValues(ctx context.Context, topics, keys []string, full []string) (map[string]map[string]string, map[string]error, error) {
	vals, _, failed, err := a.topicConfigs(ctx, topics, keys, full)
	return vals, failed, err
}

// TopicConfigs is TopicConfigValues that also returns the full entries of
// the topics in full.
func (a *Admin) TopicConfigs(ctx context.Context, topics, keys, full []string) (map[string]map[string]string, map[string][]ConfigEntry, map[string]error, error) {
	return a.topicConfigs(ctx, topics, keys, full)
}

func (a *Admin) topicConfigs(ctx context.Context, topics, keys, full []string) (map[string]map[string]string, map[string][]ConfigEntry, map[string]error, error) {
	failed := map[string]error{}
	vals := map[string]map[string]string{}
	entries := map[string][]ConfigEntry{}
	if len(topics) == 0 && len(full) == 0 {
		return vals, entries, failed, nil
	}
	b, err := a.anyBroker()
	if err != nil {
		return nil, nil, nil, err
	}
	isFull := make(map[string]bool, len(full))
	for _, t := range full {
		isFull[t] = true
	}
	rs := make([]ConfigResource, 0, len(topics)+len(full)+1)
	for _, t := range full {
		rs = append(rs, ConfigResource{Type: TopicResource, Name: t})
	}
	for _, t := range topics {
		if !isFull[t] {
			rs = append(rs, ConfigResource{Type: TopicResource, Name: t, Keys: keys})
		}
	}
	brokerIdx := len(rs)
	rs = append(rs, ConfigResource{Type: BrokerResource, Name: strconv.Itoa(int(b.ID)), Keys: keys})
	res, err := a.DescribeConfigs(ctx, rs)
	if err != nil {
		return nil, nil, nil, err
	}
	// The broker's own value is the default for topics without an
	// override. Real Kafka already answers a topic's effective value; the
	// fallback covers brokers that leave inherited keys out.
	defaults := map[string]string{}
	if br := res[brokerIdx]; br.Err == nil {
		for _, e := range br.Entries {
			defaults[e.Name] = e.Value
		}
	} else {
		a.logf("broker defaults: %v", br.Err)
	}
	wanted := make(map[string]bool, len(topics))
	for _, t := range topics {
		wanted[t] = true
	}
	for _, r := range res[:brokerIdx] {
		t := r.Resource.Name
		if r.Err != nil {
			failed[t] = r.Err
			continue
		}
		if isFull[t] {
			entries[t] = r.Entries
		}
		if !wanted[t] {
			continue
		}
		m := make(map[string]string, len(keys))
		for _, k := range keys {
			if e, ok := r.Get(k); ok {
				m[k] = e.Value
			} else if v, ok := defaults[k]; ok {
				m[k] = v
			}
		}
		vals[t] = m
	}
	return vals, entries, failed, nil
}

// ConfigChange is one IncrementalAlterConfigs operation: set Name to Value,
// or delete Name (revert to the inherited value) when Delete is true.
type ConfigChange struct {
	Name   string
	Value  string
	Delete bool
}

// AlterConfigs applies changes to one resource with IncrementalAlterConfigs
// (validateOnly: the broker checks and applies nothing). A broker id must
// be altered on that broker; topics and the broker defaults on any broker.
// Unknown names and invalid values come back as a *KafkaError carrying
// Kafka's message.
func (a *Admin) AlterConfigs(ctx context.Context, r ConfigResource, changes []ConfigChange, validateOnly bool) error {
	var b Broker
	var err error
	if r.Type == BrokerResource && r.Name != "" {
		id, perr := strconv.ParseInt(r.Name, 10, 32)
		if perr != nil {
			return fmt.Errorf("broker id %q is not a number", r.Name)
		}
		b, err = a.brokerFor(int32(id))
	} else {
		b, err = a.anyBroker()
	}
	if err != nil {
		return err
	}
	res := &sarama.IncrementalAlterConfigsResource{Type: sarama.ConfigResourceType(r.Type), Name: r.Name, ConfigEntries: map[string]sarama.IncrementalAlterConfigsEntry{}}
	for _, c := range changes {
		if c.Delete {
			res.ConfigEntries[c.Name] = sarama.IncrementalAlterConfigsEntry{Operation: sarama.IncrementalAlterConfigsOperationDelete}
			continue
		}
		v := c.Value
		res.ConfigEntries[c.Name] = sarama.IncrementalAlterConfigsEntry{Operation: sarama.IncrementalAlterConfigsOperationSet, Value: &v}
	}
	req := &sarama.IncrementalAlterConfigsRequest{Resources: []*sarama.IncrementalAlterConfigsResource{res}, ValidateOnly: validateOnly}
	if a.conf.Version.IsAtLeast(sarama.V2_4_0_0) {
		req.Version = 1
	}
	what := "alter configs of " + r.String()
	a.logf("IncrementalAlterConfigs to broker %d (%s): %s, %d changes, validate-only %v", b.ID, b.Addr, r, len(changes), validateOnly)
	resp, err := request(ctx, a, b, fmt.Sprintf("%s on broker %d (%s)", what, b.ID, b.Addr), func(conn *sarama.Broker) (*sarama.IncrementalAlterConfigsResponse, error) {
		return conn.IncrementalAlterConfigs(req)
	}, true)
	if errors.Is(err, sarama.ErrUnsupportedVersion) {
		return fmt.Errorf("%s: IncrementalAlterConfigs needs Kafka 2.3 or newer, and broker %d (%s) or --kafka-version is older", what, b.ID, b.Addr)
	}
	if unsent(err) {
		return a.classify(b.Addr, err)
	}
	if err != nil {
		return err
	}
	for _, rr := range resp.Resources {
		if rr.Name == r.Name && rr.ErrorCode != 0 {
			msg := rr.ErrorMsg
			kerr := sarama.KError(rr.ErrorCode)
			if msg == "" && (kerr == sarama.ErrInvalidRequest || kerr == sarama.ErrInvalidConfig) {
				// sarama's text for these blames the client library.
				msg = "the broker refused the change without a message (an unknown config name or an invalid value?)"
			}
			return kafkaErr(what, kerr, &msg)
		}
	}
	return nil
}
