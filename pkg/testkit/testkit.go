// Package testkit starts sandbox clusters for tests and builds command
// factories pointed at them, with captured output.
package testkit

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/output"
	"github.com/kctl-dev/kctl/pkg/sandbox"
)

// Cluster starts a sandbox for the test and stops it at cleanup.
func Cluster(t testing.TB, o sandbox.Options) *sandbox.Cluster {
	t.Helper()
	c, err := sandbox.Start(o)
	if err != nil {
		t.Fatalf("start sandbox: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// Settings are plaintext connection settings for c with a short timeout.
func Settings(c *sandbox.Cluster) config.Settings {
	return config.Settings{Brokers: c.Addrs, SecurityProtocol: config.Plaintext, Timeout: 15 * time.Second}
}

// SCRAMCluster is a one-broker sandbox with SCRAM-SHA-512 and the
// authorizer on, whose super user is "admin" with adminPassword; it returns
// the cluster and admin's settings.
func SCRAMCluster(t testing.TB, adminPassword string) (*sandbox.Cluster, config.Settings) {
	t.Helper()
	c := Cluster(t, sandbox.Options{Brokers: 1, SASL: "scram-sha-512", User: "admin", Password: adminPassword, ACLs: true})
	return c, SCRAMSettings(c.Addrs, "admin", adminPassword)
}

// SCRAMSettings are SASL_PLAINTEXT SCRAM-SHA-512 settings for user.
func SCRAMSettings(addrs []string, user, pass string) config.Settings {
	return config.Settings{
		Brokers: addrs, SecurityProtocol: config.SASLPlaintext, Timeout: 15 * time.Second,
		SASL: config.SASL{Mechanism: config.MechSHA512, Username: user, Password: pass},
	}
}

// ClosedAddr is a 127.0.0.1 address that refuses connections at once: a
// broker that is down. The port stays reserved (bound, never listening)
// until cleanup: a port merely released could be handed to a sandbox broker
// that another test (or another package's test binary under go test ./...)
// starts meanwhile, and this test's kctl would then connect to it and send
// that cluster's request counter an extra Metadata.
func ClosedAddr(t testing.TB) string {
	t.Helper()
	addr, release, err := reservePort()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(release)
	return addr
}

// SilentListener is a 127.0.0.1 address that accepts connections and never
// answers: a broker that hangs. The listener and the connections it held
// open are closed at cleanup.
func SilentListener(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c) // held open, never read
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// Admin connects the admin layer to c.
func Admin(t testing.TB, s config.Settings) *kafka.Admin {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), s.Timeout)
	defer cancel()
	a, err := kafka.Connect(ctx, s, kafka.Options{})
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return a
}

// IO captures a command's streams.
type IO struct {
	In          *strings.Reader
	Out, ErrOut *bytes.Buffer
}

// Factory returns a factory using settings s, with output format format
// ("table", "json", "yaml") and captured streams.
func Factory(t testing.TB, s config.Settings, format string) (*cmdutil.Factory, *IO) {
	t.Helper()
	io := &IO{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}
	f := cmdutil.New(&output.Streams{In: io.In, Out: io.Out, ErrOut: io.ErrOut})
	if format != "" {
		f.Global.Output = format
	}
	f.SetSettings(s)
	t.Cleanup(f.Close)
	return f, io
}
