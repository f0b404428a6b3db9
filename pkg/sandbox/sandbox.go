// Package sandbox runs a local Kafka-compatible cluster (franz-go's kfake) for
// `kctl sandbox`, `make demo` and every integration test. kfake lives here
// and nowhere else in non-test code.
package sandbox

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// Options configure a sandbox cluster.
type Options struct {
	Brokers  int // default 3
	BasePort int // 0: random ports
	// SASL is "", "plain", "scram-sha-256" or "scram-sha-512". User and
	// Password are the superuser's (defaults admin / admin-secret).
	SASL     string
	User     string
	Password string
	// TLSDir generates a CA, broker and client certificates there.
	TLSDir string
	// TLS serves this config instead (tests craft odd certificates).
	TLS *tls.Config
	// ACLs turns the authorizer on; the sandbox user is a superuser.
	// Without it the ACL APIs answer SECURITY_DISABLED, as Kafka without
	// an authorizer does.
	ACLs bool
	// ACLsUnchecked keeps kfake's own behaviour without ACLs: the ACL APIs
	// store and list ACLs that nothing checks. Only for request-plan tests,
	// whose counter sees plaintext connections only.
	ACLsUnchecked bool
	DataDir       string
	// Seed is "demo" or "" / "none".
	Seed string
	// MaxVersions emulates an older Kafka, e.g. kversion.V2_8_0().
	MaxVersions *kversion.Versions
	// Count wraps the listeners with a request counter (on TLS listeners
	// it terminates TLS, so it sees the requests).
	Count bool
	// BrokerConfigs are initial broker-level configs
	// (e.g. min.insync.replicas).
	BrokerConfigs map[string]string
	// Extra kfake options, for tests.
	Extra []kfake.Opt
}

// Cluster is a running sandbox.
type Cluster struct {
	Kfake   *kfake.Cluster
	Addrs   []string
	Counter *Counter // nil unless Options.Count
	TLS     *TLSFiles
	Opts    Options

	clientTLS *tls.Config
	members   []*kgo.Client
}

// Start starts the cluster (and seeds it).
func Start(o Options) (*Cluster, error) {
	if o.Brokers <= 0 {
		o.Brokers = 3
	}
	if o.SASL != "" {
		if o.User == "" {
			o.User = "admin"
		}
		if o.Password == "" {
			o.Password = "admin-secret"
		}
	}
	c := &Cluster{Opts: o}
	opts := []kfake.Opt{kfake.NumBrokers(o.Brokers), kfake.ClusterID("kctl-sandbox")}
	if o.BasePort > 0 {
		ports := make([]int, o.Brokers)
		for i := range ports {
			ports[i] = o.BasePort + i
		}
		opts = append(opts, kfake.Ports(ports...))
	}
	if o.SASL != "" {
		mech, err := mechanism(o.SASL)
		if err != nil {
			return nil, err
		}
		opts = append(opts, kfake.EnableSASL(), kfake.Superuser(mech, o.User, o.Password))
		if o.Seed == "demo" {
			// alice: the demo's ordinary user, for ACL and SCRAM tours.
			// With the authorizer on she gets DemoUserACLs. kfake seeds
			// them only into a fresh cluster (not one loaded from
			// --data-dir), so a restart neither duplicates them nor
			// brings back ones the user deleted.
			var acls []kfake.ACL
			if o.ACLs {
				acls = demoUserACLs()
			}
			opts = append(opts, kfake.User(kfake2scram(mech), DemoUser, DemoUserPassword, acls...))
		}
	}
	var serverTLS *tls.Config
	switch {
	case o.TLS != nil:
		serverTLS = o.TLS
	case o.TLSDir != "":
		files, tc, err := WriteTLSFiles(o.TLSDir)
		if err != nil {
			return nil, fmt.Errorf("generate TLS certificates: %w", err)
		}
		c.TLS = files
		serverTLS = tc
		pool := x509.NewCertPool()
		pem, _ := os.ReadFile(files.CA)
		pool.AppendCertsFromPEM(pem)
		c.clientTLS = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	switch {
	case o.Count:
		// The counter terminates TLS itself, so it parses the requests
		// (set-up included) on TLS listeners too; kfake then serves
		// the decrypted stream.
		c.Counter = &Counter{tls: serverTLS}
		opts = append(opts, kfake.ListenFn(c.Counter.listen))
	case serverTLS != nil:
		opts = append(opts, kfake.TLS(serverTLS))
	}
	if o.ACLs {
		opts = append(opts, kfake.EnableACLs())
	}
	seeded := false
	if o.DataDir != "" {
		if entries, err := os.ReadDir(o.DataDir); err == nil && len(entries) > 0 {
			seeded = true // state persisted from an earlier run
		}
		opts = append(opts, kfake.DataDir(o.DataDir))
	}
	if o.MaxVersions != nil {
		opts = append(opts, kfake.MaxVersions(o.MaxVersions))
	}
	if len(o.BrokerConfigs) > 0 {
		opts = append(opts, kfake.BrokerConfigs(o.BrokerConfigs))
	}
	opts = append(opts, o.Extra...)
	kc, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, fmt.Errorf("start sandbox cluster: %w (is another sandbox or Kafka using the ports? try another --port)", err)
	}
	kafkaCompat(kc)
	if !o.ACLs && !o.ACLsUnchecked {
		noAuthorizer(kc)
	}
	c.Kfake = kc
	c.Addrs = kc.ListenAddrs()
	switch {
	case o.Seed == "demo" && !seeded:
		if err := c.seedDemo(context.Background()); err != nil {
			c.Close()
			return nil, fmt.Errorf("seed demo data: %w", err)
		}
	case o.Seed == "demo":
		// The data persisted; the demo's live group member did not.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_, err := c.JoinMember(ctx, DemoActiveGroup, "audit")
		cancel()
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("rejoin the demo group member: %w", err)
		}
	}
	return c, nil
}

// kfake2scram keeps PLAIN for alice when the superuser is PLAIN.
func kfake2scram(mech string) string { return mech }

func mechanism(s string) (string, error) {
	switch strings.ToUpper(s) {
	case "PLAIN":
		return "PLAIN", nil
	case "SCRAM-SHA-256":
		return "SCRAM-SHA-256", nil
	case "SCRAM-SHA-512":
		return "SCRAM-SHA-512", nil
	}
	return "", fmt.Errorf("unknown SASL mechanism %q: use plain, scram-sha-256 or scram-sha-512", s)
}

// Close stops seeded members and the cluster.
func (c *Cluster) Close() {
	for _, m := range c.members {
		m.Close()
	}
	c.members = nil
	if c.Kfake != nil {
		c.Kfake.Close()
	}
}

// Bootstrap is the comma-separated broker list.
func (c *Cluster) Bootstrap() string { return strings.Join(c.Addrs, ",") }

// Client returns a franz-go client authenticated as the sandbox superuser,
// for seeding and for tests that need to produce or join groups.
func (c *Cluster) Client(extra ...kgo.Opt) (*kgo.Client, error) {
	opts := []kgo.Opt{kgo.SeedBrokers(c.Addrs...), kgo.ClientID("kctl-sandbox-seed")}
	if c.clientTLS != nil {
		opts = append(opts, kgo.DialTLSConfig(c.clientTLS.Clone()))
	} else if c.Opts.TLS != nil {
		opts = append(opts, kgo.DialTLSConfig(&tls.Config{InsecureSkipVerify: true})) //nolint:gosec // test-only client to a crafted listener
	}
	if c.Opts.SASL != "" {
		m, err := c.saslMechanism(c.Opts.User, c.Opts.Password)
		if err != nil {
			return nil, err
		}
		opts = append(opts, kgo.SASL(m))
	}
	return kgo.NewClient(append(opts, extra...)...)
}

func (c *Cluster) saslMechanism(user, pass string) (sasl.Mechanism, error) {
	mech, err := mechanism(c.Opts.SASL)
	if err != nil {
		return nil, err
	}
	switch mech {
	case "PLAIN":
		return plain.Auth{User: user, Pass: pass}.AsMechanism(), nil
	case "SCRAM-SHA-256":
		return scram.Auth{User: user, Pass: pass}.AsSha256Mechanism(), nil
	default:
		return scram.Auth{User: user, Pass: pass}.AsSha512Mechanism(), nil
	}
}

// Record is a record to produce at a given time.
type Record struct {
	Partition int32
	Key       string
	Value     string
	Timestamp time.Time
	Headers   []kgo.RecordHeader
}

// CreateTopic creates a topic with the given partitions and replication
// factor (at most the broker count).
func (c *Cluster) CreateTopic(ctx context.Context, name string, partitions int32, rf int16, configs map[string]string) error {
	cl, err := c.Client()
	if err != nil {
		return err
	}
	defer cl.Close()
	req := kmsg.NewPtrCreateTopicsRequest()
	t := kmsg.NewCreateTopicsRequestTopic()
	t.Topic = name
	t.NumPartitions = partitions
	t.ReplicationFactor = rf
	for k, v := range configs {
		cfg := kmsg.NewCreateTopicsRequestTopicConfig()
		cfg.Name = k
		cfg.Value = kmsg.StringPtr(v)
		t.Configs = append(t.Configs, cfg)
	}
	req.Topics = append(req.Topics, t)
	req.TimeoutMillis = 10000
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return err
	}
	for _, t := range resp.Topics {
		if t.ErrorCode != 0 {
			return fmt.Errorf("create topic %s: error code %d", t.Topic, t.ErrorCode)
		}
	}
	return nil
}

// Produce writes records to a topic, partition by partition, synchronously.
func (c *Cluster) Produce(ctx context.Context, topic string, recs []Record) error {
	cl, err := c.Client(kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerLinger(0))
	if err != nil {
		return err
	}
	defer cl.Close()
	batch := make([]*kgo.Record, len(recs))
	for i, r := range recs {
		batch[i] = &kgo.Record{Topic: topic, Partition: r.Partition, Key: []byte(r.Key), Value: []byte(r.Value), Timestamp: r.Timestamp, Headers: r.Headers}
	}
	return cl.ProduceSync(ctx, batch...).FirstErr()
}

// Commit commits offsets for a group with a standalone OffsetCommit
// (generation -1), as an admin tool would.
func (c *Cluster) Commit(ctx context.Context, group, topic string, offsets map[int32]int64) error {
	// OffsetCommit v10 names topics by id; this helper names them.
	cl, err := c.Client(kgo.MaxVersions(kversion.V3_9_0()))
	if err != nil {
		return err
	}
	defer cl.Close()
	req := kmsg.NewPtrOffsetCommitRequest()
	req.Group = group
	req.Generation = -1
	rt := kmsg.NewOffsetCommitRequestTopic()
	rt.Topic = topic
	for p, o := range offsets {
		rp := kmsg.NewOffsetCommitRequestTopicPartition()
		rp.Partition = p
		rp.Offset = o
		rp.LeaderEpoch = -1
		rt.Partitions = append(rt.Partitions, rp)
	}
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return err
	}
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if p.ErrorCode != 0 {
				return fmt.Errorf("commit %s %s[%d]: error code %d", group, t.Topic, p.Partition, p.ErrorCode)
			}
		}
	}
	return nil
}

// JoinMember starts a consumer group member (a real client that stays in
// the group until Close) consuming topics without committing.
func (c *Cluster) JoinMember(ctx context.Context, group string, topics ...string) (*kgo.Client, error) {
	cl, err := c.Client(kgo.ConsumerGroup(group), kgo.ConsumeTopics(topics...), kgo.DisableAutoCommit(),
		kgo.ClientID("demo-consumer"), kgo.FetchMaxWait(500*time.Millisecond))
	if err != nil {
		return nil, err
	}
	// Poll until the group has assigned partitions, then keep polling in
	// the background so the member stays alive and assigned.
	go func() {
		for {
			fs := cl.PollFetches(context.Background())
			if fs.IsClientClosed() {
				return
			}
		}
	}()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		req := kmsg.NewPtrDescribeGroupsRequest()
		req.Groups = []string{group}
		resp, err := req.RequestWith(ctx, cl)
		if err == nil && len(resp.Groups) == 1 && resp.Groups[0].State == "Stable" && len(resp.Groups[0].Members) > 0 {
			c.members = append(c.members, cl)
			return cl, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	cl.Close()
	return nil, fmt.Errorf("group %s did not become stable", group)
}
