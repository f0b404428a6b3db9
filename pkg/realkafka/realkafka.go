// Package realkafka runs real Apache Kafka clusters (KRaft, the jars that
// pom.xml copies from Maven Central into lib/<version>/) on loopback for
// kctl's end-to-end tests (make test-kafka). Each node is a plain
// `java -cp 'lib/<version>/*' kafka.Kafka server.properties` process: no
// Kafka scripts, no Docker.
//
// Three shapes:
//   - Single: one combined broker+controller node, PLAINTEXT.
//   - Three: three combined nodes (a three-voter quorum survives one stopped
//     node), so replication factor 3 and real under-replicated, offline and
//     non-preferred-leader partitions can be made by stopping a node.
//   - SASLSSL: one node whose client listener is SASL_SSL with SCRAM-SHA-512
//     (credentials added at format time), PEM stores made by kctl's own
//     certificate code, StandardAuthorizer and a super user.
package realkafka

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/sandbox"
)

// Shape is the layout of a cluster.
type Shape string

// The shapes the harness starts.
const (
	Single  Shape = "single"
	Three   Shape = "three"
	SASLSSL Shape = "sasl-ssl"
)

// The super user of the SASLSSL shape. The password is a test secret.
const (
	AdminUser     = "admin"
	AdminPassword = "admin-secret"
)

// Marker is a JVM system property every node carries, so a leftover node
// can be found (pkill -f kctl.realkafka) if a test binary was killed.
const Marker = "-Dkctl.realkafka="

// Options describe a cluster to start.
type Options struct {
	Shape   Shape
	Version string // a folder in Lib, e.g. "4.4.0"
	Lib     string // the folder holding <version>/*.jar; "" = LibDir()
	Dir     string // where configs, data and logs go (must exist)
	HeapMB  int    // per node; 0 = 512
}

// Node is one Kafka process.
type Node struct {
	ID             int
	Port           int // client listener
	ControllerPort int
	Dir            string

	cmd  *exec.Cmd
	done chan struct{}
}

// Addr is the node's client address.
func (n *Node) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(n.Port)) }

// Running reports whether the node's process is alive.
func (n *Node) Running() bool {
	if n.cmd == nil || n.done == nil {
		return false
	}
	select {
	case <-n.done:
		return false
	default:
		return true
	}
}

// Cluster is a started cluster.
type Cluster struct {
	Options
	Nodes     []*Node
	ClusterID string
	// TLS is set for SASLSSL: the CA clients trust, the broker's PEM files.
	TLS *sandbox.TLSFiles
	// ClientProperties is a Java client.properties for Kafka's own tools
	// (--command-config); "" for PLAINTEXT shapes.
	ClientProperties string
	// StartupTime is how long Start took until every node answered.
	StartupTime time.Duration
}

// LibDir is where make test-kafka puts the jars: KCTL_KAFKA_LIB, else
// pkg/realkafka/lib beside this file.
func LibDir() string {
	if d := os.Getenv("KCTL_KAFKA_LIB"); d != "" {
		return d
	}
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "lib")
}

// Classpath is the java -cp value for a version.
func Classpath(lib, version string) string { return filepath.Join(lib, version, "*") }

// Available checks that java and the jars of version are there, with an
// error that says how to get them.
func Available(lib, version string) error {
	if _, err := exec.LookPath("java"); err != nil {
		return errors.New("java not found on PATH: the real-Kafka tests need a Java 17+ runtime (and Maven to fetch the jars: make test-kafka)")
	}
	jars, _ := filepath.Glob(filepath.Join(lib, version, "kafka_2.13-*.jar"))
	if len(jars) == 0 {
		return fmt.Errorf("no Kafka %s jars in %s: run make kafka-jars (needs Maven and Maven Central)", version, filepath.Join(lib, version))
	}
	return nil
}

// Start formats and starts a cluster and waits until every node answers
// on its client port and the brokers are registered.
func Start(ctx context.Context, o Options) (*Cluster, error) {
	if o.Lib == "" {
		o.Lib = LibDir()
	}
	if o.HeapMB == 0 {
		o.HeapMB = 512
	}
	if err := Available(o.Lib, o.Version); err != nil {
		return nil, err
	}
	began := time.Now()
	c := &Cluster{Options: o}
	n := 1
	if o.Shape == Three {
		n = 3
	}
	ports, release, err := freePorts(2 * n)
	if err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		c.Nodes = append(c.Nodes, &Node{ID: i + 1, Port: ports[2*i], ControllerPort: ports[2*i+1], Dir: filepath.Join(o.Dir, fmt.Sprintf("node-%d", i+1))})
	}
	if o.Shape == SASLSSL {
		if c.TLS, _, err = sandbox.WriteTLSFiles(filepath.Join(o.Dir, "tls")); err != nil {
			return nil, err
		}
		if err := writeKeystore(c.TLS); err != nil {
			return nil, err
		}
		c.ClientProperties = filepath.Join(o.Dir, "client.properties")
		props := fmt.Sprintf("security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"+
			"sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"%s\" password=\"%s\";\n"+
			"ssl.truststore.type=PEM\nssl.truststore.location=%s\n", AdminUser, AdminPassword, c.TLS.CA)
		if err := os.WriteFile(c.ClientProperties, []byte(props), 0o600); err != nil {
			return nil, err
		}
	}
	c.ClusterID = randomClusterID()
	for _, nd := range c.Nodes {
		if err := os.MkdirAll(nd.Dir, 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(nd.Dir, "server.properties"), []byte(c.serverProperties(nd)), 0o600); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(nd.Dir, "log4j2.properties"), []byte(log4j(nd.Dir)), 0o644); err != nil {
			return nil, err
		}
		if err := c.format(ctx, nd); err != nil {
			return nil, err
		}
	}
	release() // the ports are ours to bind now, just before the JVMs need them
	for _, nd := range c.Nodes {
		if err := c.spawn(nd); err != nil {
			c.Stop()
			return nil, err
		}
	}
	for _, nd := range c.Nodes {
		if err := c.waitReady(ctx, nd); err != nil {
			c.Stop()
			return nil, err
		}
	}
	c.StartupTime = time.Since(began)
	return c, nil
}

// Bootstrap is the comma-separated client addresses.
func (c *Cluster) Bootstrap() string { return strings.Join(c.Addrs(), ",") }

// Addrs are the client addresses of every node.
func (c *Cluster) Addrs() []string {
	var a []string
	for _, n := range c.Nodes {
		a = append(a, n.Addr())
	}
	return a
}

// Node returns the node with id.
func (c *Cluster) Node(id int) *Node {
	for _, n := range c.Nodes {
		if n.ID == id {
			return n
		}
	}
	return nil
}

// Settings are kctl's connection settings for the cluster (the super user
// on SASLSSL).
func (c *Cluster) Settings() config.Settings {
	s := config.Settings{Brokers: c.Addrs(), SecurityProtocol: config.Plaintext, Timeout: 20 * time.Second}
	if c.Shape == SASLSSL {
		s.SecurityProtocol = config.SASLSSL
		s.SASL = config.SASL{Mechanism: config.MechSHA512, Username: AdminUser, Password: AdminPassword}
		s.TLS = config.TLS{CAFile: c.TLS.CA}
	}
	return s
}

// Stop stops every node (SIGTERM, then SIGKILL after 20 s).
func (c *Cluster) Stop() {
	for _, n := range c.Nodes {
		if n.Running() {
			_ = n.cmd.Process.Signal(syscall.SIGTERM)
		}
	}
	for _, n := range c.Nodes {
		n.wait(20 * time.Second)
	}
}

// StopNode shuts one node down cleanly (SIGTERM: controlled shutdown moves
// its leaders away and unregisters it, as a rolling restart does) and
// waits until it has exited.
func (c *Cluster) StopNode(id int) error {
	n := c.Node(id)
	if n == nil || !n.Running() {
		return fmt.Errorf("node %d is not running", id)
	}
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	if !n.wait(60 * time.Second) {
		return fmt.Errorf("node %d did not stop within 60s", id)
	}
	return nil
}

// StartNode starts a stopped node again with its data and waits until it
// answers.
func (c *Cluster) StartNode(ctx context.Context, id int) error {
	n := c.Node(id)
	if n == nil || n.Running() {
		return fmt.Errorf("node %d is running or unknown", id)
	}
	if err := c.spawn(n); err != nil {
		return err
	}
	return c.waitReady(ctx, n)
}

// wait waits up to d for the process to exit, then kills it; it reports
// whether it exited by itself.
func (n *Node) wait(d time.Duration) bool {
	if n.done == nil {
		return true
	}
	select {
	case <-n.done:
		return true
	case <-time.After(d):
		_ = n.cmd.Process.Kill()
		<-n.done
		return false
	}
}

// Tool runs one of Kafka's command-line tools (a main class of the same
// jars, e.g. org.apache.kafka.tools.TopicCommand) and returns its stdout
// and stderr. On SASLSSL it passes the admin's client.properties with
// --command-config unless the arguments already name one.
func (c *Cluster) Tool(ctx context.Context, class string, args ...string) (string, string, error) {
	cmd := exec.CommandContext(ctx, "java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
		"-Dlog4j2.configurationFile="+filepath.Join(c.Dir, "tools-log4j2.properties"),
		"-cp", Classpath(c.Lib, c.Version), class)
	cmd.Args = append(cmd.Args, args...)
	if _, err := os.Stat(filepath.Join(c.Dir, "tools-log4j2.properties")); err != nil {
		_ = os.WriteFile(filepath.Join(c.Dir, "tools-log4j2.properties"), []byte("rootLogger.level=ERROR\nrootLogger.appenderRef.e.ref=e\nappender.e.type=Console\nappender.e.name=e\nappender.e.target=SYSTEM_ERR\nappender.e.layout.type=PatternLayout\nappender.e.layout.pattern=%p %m%n\n"), 0o644)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		err = fmt.Errorf("%s %s: %w\n%s", class, strings.Join(args, " "), err, errb.String())
	}
	return out.String(), errb.String(), err
}

func (c *Cluster) serverProperties(n *Node) string {
	var voters []string
	for _, v := range c.Nodes {
		voters = append(voters, fmt.Sprintf("%d@127.0.0.1:%d", v.ID, v.ControllerPort))
	}
	rf := len(c.Nodes)
	minISR := 1
	if rf == 3 {
		minISR = 2
	}
	client := "PLAINTEXT"
	var b strings.Builder
	p := func(k string, v any) { fmt.Fprintf(&b, "%s=%v\n", k, v) }
	p("process.roles", "broker,controller")
	p("node.id", n.ID)
	// Static voters: the same quorum configuration on 3.9 and 4.x.
	p("controller.quorum.voters", strings.Join(voters, ","))
	p("controller.listener.names", "CONTROLLER")
	if c.Shape == SASLSSL {
		client = "SASL_SSL"
		// Both SCRAM mechanisms, so users of either can log in (kctl user
		// upsert --mechanism SCRAM-SHA-256 is tested for real).
		p("sasl.enabled.mechanisms", "SCRAM-SHA-512,SCRAM-SHA-256")
		p("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512")
		for _, m := range []string{"scram-sha-512", "scram-sha-256"} {
			p("listener.name.sasl_ssl."+m+".sasl.jaas.config",
				fmt.Sprintf(`org.apache.kafka.common.security.scram.ScramLoginModule required username="%s" password="%s";`, AdminUser, AdminPassword))
		}
		p("ssl.keystore.type", "PEM")
		p("ssl.keystore.location", filepath.Join(c.TLS.Dir, "broker-keystore.pem"))
		p("ssl.truststore.type", "PEM")
		p("ssl.truststore.location", c.TLS.CA)
		p("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
		// ANONYMOUS is the broker talking to its own controller over the
		// PLAINTEXT controller listener, which clients are never given.
		p("super.users", "User:"+AdminUser+";User:ANONYMOUS")
	}
	p("listeners", fmt.Sprintf("%s://127.0.0.1:%d,CONTROLLER://127.0.0.1:%d", client, n.Port, n.ControllerPort))
	p("advertised.listeners", fmt.Sprintf("%s://127.0.0.1:%d", client, n.Port))
	p("listener.security.protocol.map", fmt.Sprintf("%s:%s,CONTROLLER:PLAINTEXT", client, client))
	p("inter.broker.listener.name", client)
	p("log.dirs", filepath.Join(n.Dir, "data"))
	p("num.partitions", 1)
	p("default.replication.factor", rf)
	p("min.insync.replicas", 1)
	p("offsets.topic.replication.factor", rf)
	p("offsets.topic.num.partitions", 10)
	p("transaction.state.log.replication.factor", rf)
	p("transaction.state.log.min.isr", minISR)
	p("transaction.state.log.num.partitions", 4)
	p("share.coordinator.state.topic.replication.factor", rf)
	p("share.coordinator.state.topic.min.isr", minISR)
	p("group.initial.rebalance.delay.ms", 0)
	// Non-preferred leaders stay so after a restart until kctl elects.
	p("auto.leader.rebalance.enable", false)
	p("log.cleaner.dedupe.buffer.size", 2*1024*1024)
	p("log.cleaner.threads", 1)
	p("num.network.threads", 2)
	p("num.io.threads", 2)
	p("num.recovery.threads.per.data.dir", 1)
	p("background.threads", 2)
	p("replica.lag.time.max.ms", 10000)
	p("broker.session.timeout.ms", 6000)
	p("broker.heartbeat.interval.ms", 1000)
	p("controlled.shutdown.enable", true)
	return b.String()
}

func log4j(dir string) string {
	return "rootLogger.level=INFO\nrootLogger.appenderRef.f.ref=f\n" +
		"appender.f.type=File\nappender.f.name=f\nappender.f.fileName=" + filepath.Join(dir, "server.log") + "\n" +
		"appender.f.layout.type=PatternLayout\nappender.f.layout.pattern=[%d] %p %m (%c)%n\n" +
		"logger.kafka.name=kafka\nlogger.kafka.level=INFO\nlogger.state.name=state.change.logger\nlogger.state.level=WARN\n"
}

func (c *Cluster) format(ctx context.Context, n *Node) error {
	args := []string{"-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
		"-Dlog4j2.configurationFile=" + filepath.Join(n.Dir, "log4j2.properties"),
		"-cp", Classpath(c.Lib, c.Version), "kafka.tools.StorageTool", "format",
		"-t", c.ClusterID, "-c", filepath.Join(n.Dir, "server.properties"), "--ignore-formatted"}
	if c.Shape == SASLSSL {
		args = append(args, "--add-scram", fmt.Sprintf("SCRAM-SHA-512=[name=%s,password=%s]", AdminUser, AdminPassword))
	}
	out, err := exec.CommandContext(ctx, "java", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("format node %d: %w\n%s", n.ID, err, out)
	}
	return nil
}

func (c *Cluster) spawn(n *Node) error {
	stdout, err := os.OpenFile(filepath.Join(n.Dir, "stdout.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command("java",
		fmt.Sprintf("-Xmx%dm", c.HeapMB), "-Xms64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
		"-Xss512k", "-XX:MaxMetaspaceSize=256m", "-Djava.awt.headless=true",
		Marker+c.Dir,
		"-Dlog4j2.configurationFile="+filepath.Join(n.Dir, "log4j2.properties"),
		"-Dkafka.logs.dir="+n.Dir,
		"-cp", Classpath(c.Lib, c.Version), "kafka.Kafka", filepath.Join(n.Dir, "server.properties"))
	cmd.Stdout, cmd.Stderr = stdout, stdout
	// Its own process group: a Ctrl-C on the test goes to the test, which
	// then stops the nodes cleanly.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		stdout.Close()
		return fmt.Errorf("start node %d: %w", n.ID, err)
	}
	n.cmd, n.done = cmd, make(chan struct{})
	_ = os.WriteFile(filepath.Join(n.Dir, "pid"), []byte(strconv.Itoa(cmd.Process.Pid)), 0o644)
	go func(done chan struct{}) {
		_ = cmd.Wait()
		stdout.Close()
		close(done)
	}(n.done)
	return nil
}

// waitReady waits until the node's log says the server started and its
// client port accepts connections (90 s at most: a cold JVM on a busy
// 2-core machine).
func (c *Cluster) waitReady(ctx context.Context, n *Node) error {
	deadline := time.Now().Add(90 * time.Second)
	logFile := filepath.Join(n.Dir, "server.log")
	for time.Now().Before(deadline) {
		if !n.Running() {
			tail, _ := os.ReadFile(filepath.Join(n.Dir, "stdout.log"))
			return fmt.Errorf("node %d exited during start-up:\n%s", n.ID, lastLines(string(tail), 30))
		}
		if b, err := os.ReadFile(logFile); err == nil && bytes.Contains(b, []byte("Kafka Server started")) {
			if conn, err := net.DialTimeout("tcp", n.Addr(), time.Second); err == nil {
				conn.Close()
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	b, _ := os.ReadFile(logFile)
	return fmt.Errorf("node %d did not start within 90s:\n%s", n.ID, lastLines(string(b), 30))
}

// writeKeystore writes the broker's PEM keystore: Kafka's PEM stores take
// the key in PKCS#8 followed by the certificate chain.
func writeKeystore(f *sandbox.TLSFiles) error {
	keyPEM, err := os.ReadFile(f.BrokerKey)
	if err != nil {
		return err
	}
	blk, _ := pem.Decode(keyPEM)
	if blk == nil {
		return errors.New("broker key: no PEM block")
	}
	key, err := x509.ParseECPrivateKey(blk.Bytes)
	if err != nil {
		return err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	cert, err := os.ReadFile(f.BrokerCert)
	if err != nil {
		return err
	}
	out := append(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), cert...)
	return os.WriteFile(filepath.Join(f.Dir, "broker-keystore.pem"), out, 0o600)
}

// randomClusterID is a Kafka cluster id: 16 random bytes, URL-safe base64
// without padding (what `kafka-storage random-uuid` prints). Like Kafka's
// Uuid.randomUuid it never starts with '-': the storage tool's argument
// parser would take "-t -xyz..." for a missing value (1 start in 64 failed).
func randomClusterID() string {
	for {
		var b [16]byte
		_, _ = rand.Read(b[:])
		if id := base64.RawURLEncoding.EncodeToString(b[:]); id[0] != '-' {
			return id
		}
	}
}

// freePorts reserves n loopback ports; release frees them for the nodes.
func freePorts(n int) ([]int, func(), error) {
	var lns []net.Listener
	var ports []int
	release := func() {
		for _, l := range lns {
			l.Close()
		}
	}
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			release()
			return nil, nil, err
		}
		lns = append(lns, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, release, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
