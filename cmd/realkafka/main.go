// Command realkafka starts a real Apache Kafka cluster (KRaft, the jars
// make kafka-jars fetched) on loopback, in one of the shapes the real-Kafka
// suite uses, so kctl can be tried on the real broker by hand:
//
//	make kafka-up SHAPE=three        # or: go run ./cmd/realkafka -shape three
//
// It prints the bootstrap, the node pids and the kctl settings, keeps the
// cluster running until Ctrl-C (or SIGTERM), then stops every node by pid
// (controlled shutdown). Nodes of a killed realkafka keep running: their
// pids are in DIR/node-N/pid.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/kctl-dev/kctl/pkg/realkafka"
)

func main() {
	shape := flag.String("shape", "single", "single (one combined node, PLAINTEXT), three (three nodes, PLAINTEXT) or sasl-ssl (SASL_SSL, SCRAM-SHA-512, ACLs)")
	version := flag.String("version", "4.4.0", "Kafka version (a folder of jars in the lib folder)")
	lib := flag.String("lib", realkafka.LibDir(), "folder holding VERSION/*.jar (make kafka-jars)")
	dir := flag.String("dir", "", "folder for configs, data and logs (default: a new temporary folder, kept after stop)")
	flag.Parse()
	if err := run(*shape, *version, *lib, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "realkafka:", err)
		os.Exit(1)
	}
}

func run(shape, version, lib, dir string) error {
	s := realkafka.Shape(shape)
	switch s {
	case realkafka.Single, realkafka.Three, realkafka.SASLSSL:
	default:
		return fmt.Errorf("unknown -shape %q: single, three or sasl-ssl", shape)
	}
	if dir == "" {
		d, err := os.MkdirTemp("", "kctl-realkafka-")
		if err != nil {
			return err
		}
		dir = d
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(os.Stderr, "starting Apache Kafka %s (%s) in %s\n", version, s, dir)
	c, err := realkafka.Start(ctx, realkafka.Options{Shape: s, Version: version, Lib: lib, Dir: dir})
	if err != nil {
		return err
	}
	var pids []string
	for _, n := range c.Nodes {
		b, _ := os.ReadFile(filepath.Join(n.Dir, "pid"))
		pids = append(pids, fmt.Sprintf("node %d: %s (pid %s)", n.ID, n.Addr(), strings.TrimSpace(string(b))))
	}
	fmt.Printf("bootstrap: %s\n", c.Bootstrap())
	fmt.Printf("up in %s\n%s\n", c.StartupTime.Round(1e6), strings.Join(pids, "\n"))
	fmt.Printf("\nexport KCTL_BROKERS=%s\n", c.Bootstrap())
	if s == realkafka.SASLSSL {
		// A test cluster's own super user: its password is a fixed test secret.
		fmt.Printf("export KCTL_SECURITY_PROTOCOL=SASL_SSL KCTL_SASL_MECHANISM=SCRAM-SHA-512 KCTL_SASL_USERNAME=%s KCTL_SASL_PASSWORD=%s KCTL_TLS_CA_FILE=%s\n",
			realkafka.AdminUser, realkafka.AdminPassword, c.TLS.CA)
		fmt.Printf("# Kafka's tools: --command-config %s\n", c.ClientProperties)
	}
	fmt.Printf("\nCtrl-C stops the cluster (logs stay in %s).\n", dir)
	<-ctx.Done()
	fmt.Fprintln(os.Stderr, "stopping...")
	c.Stop()
	return nil
}
