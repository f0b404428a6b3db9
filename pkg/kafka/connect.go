// Package kafka is kctl's admin layer: the only code that speaks sarama. It
// opens connections (TLS, SASL/SCRAM), negotiates versions, plans batched
// requests and returns kctl's own value types to the layers above.
package kafka

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"

	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/errs"
)

// Options tune a connection.
type Options struct {
	// Verbose receives the connection and request trace (-v). Nil: silent.
	Verbose io.Writer
	// ClientID is sent to brokers; defaults to "kctl".
	ClientID string
	// PreOpen is a plan's hint that it will send up to PreOpen requests at
	// once to one broker (sarama holds one request in flight per
	// connection): that many connections open to every bootstrap address
	// alongside the bootstrap connection (which is one of them), in
	// parallel with its set-up, and join the pool of the broker that
	// advertises the address once the metadata arrives. A plan then opens
	// no connection in the middle (only to brokers the bootstrap list does
	// not name). 0 or 1: the bootstrap connection only, as a command
	// sending one request needs.
	PreOpen int
}

// Admin is one command's connection to a cluster.
type Admin struct {
	settings config.Settings
	conf     *sarama.Config
	verbose  io.Writer
	t        transport // the metadata and the bootstrap connection (transport.go)

	mu    sync.Mutex
	conns []*sarama.Broker // dedicated connections opened for parallel work
	pool  connPool         // idle dedicated connections, per broker (pool.go)

	preferred atomic.Int32 // 1 + the id anyBroker picks (PreferBroker); 0: the bootstrap broker

	preCancel context.CancelFunc // ends the pre-open dials (Options.PreOpen); nil: none
}

// Connect opens a client to the cluster and fetches metadata, within ctx
// (or s.Timeout when ctx has no deadline). On failure it probes the
// bootstrap addresses to say exactly what is wrong; part of the budget is
// kept for that probe, so a failed Connect still returns by the deadline.
func Connect(ctx context.Context, s config.Settings, o Options) (*Admin, error) {
	conf, err := SaramaConfig(s, o)
	if err != nil {
		return nil, err
	}
	parent := ctx
	if s.Timeout <= 0 {
		s.Timeout = config.DefaultTimeout
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.Timeout)
		defer cancel()
	}
	a := &Admin{settings: s, conf: conf, verbose: o.Verbose}
	if o.Verbose != nil {
		a.verbose = trace.attach(o.Verbose)
	}
	a.logf("connecting to %s (%s%s)", strings.Join(s.Brokers, ","), s.SecurityProtocol, saslNote(s))
	dl, _ := ctx.Deadline()
	sctx, scancel := context.WithDeadline(ctx, dl.Add(-diagnoseReserve(time.Until(dl))))
	defer scancel()
	if o.PreOpen > 1 {
		// They outlive Connect (the plan adopts them): bounded by the
		// deadline and ended by Close, not by the end of ctx, which may
		// be Connect's alone.
		pctx, pcancel := context.WithDeadline(context.WithoutCancel(parent), dl)
		a.preCancel = pcancel
		a.preOpen(pctx, o.PreOpen)
	}
	if err := a.bootstrap(sctx); err != nil {
		a.closePreOpened()
		err := a.diagnose(ctx, err)
		a.detach()
		return nil, err
	}
	if a.preCancel != nil {
		a.adoptPreOpened(a.t.brokerList())
	}
	a.logf("connected: %d brokers, controller %d", len(a.t.brokerList()), a.t.controllerID())
	return a, nil
}

// diagnoseReserve is the part of the remaining budget kept for diagnosing a
// failed connection: enough for a TCP+TLS+ApiVersions probe, bounded.
func diagnoseReserve(left time.Duration) time.Duration {
	return min(max(left/4, 100*time.Millisecond), 2*time.Second)
}

func saslNote(s config.Settings) string {
	if !s.UsesSASL() {
		return ""
	}
	return fmt.Sprintf(", SASL %s as %s", s.SASL.Mechanism, s.SASL.Username)
}

// Settings returns the resolved settings (password included: do not print).
func (a *Admin) Settings() config.Settings { return a.settings }

// closePreOpened ends the pre-open dials and closes what they opened.
func (a *Admin) closePreOpened() {
	if a.preCancel != nil {
		a.preCancel()
		a.adoptPreOpened(nil)
	}
}

// Close closes every connection of the command.
func (a *Admin) Close() error {
	if a.preCancel != nil {
		a.preCancel() // before the list is taken: a dial that ends later closes its connection
	}
	a.mu.Lock()
	conns := append(a.conns, a.t.closeAll()...)
	a.conns = nil
	a.mu.Unlock()
	done := make(chan error, 1)
	go func() {
		for _, b := range conns {
			_ = b.Close()
		}
		done <- nil
	}()
	// sarama takes a broker's lock to close it (and the client's lock, which
	// a caller blocked on a broker lock may hold); a broker stuck in its
	// connection handshake holds that lock for up to twice the read
	// timeout. A command must not outlive its --timeout for that: wait a
	// moment, then leave the sockets to their own timeouts (or the exit).
	var err error
	select {
	case err = <-done:
	case <-time.After(closeGrace):
		a.logf("closing the connections did not finish within %v (a broker that does not answer?); not waiting", closeGrace)
	}
	a.detach()
	return err
}

// closeGrace bounds Close.
const closeGrace = 200 * time.Millisecond

func (a *Admin) logf(format string, args ...any) {
	if a.verbose != nil {
		fmt.Fprintf(a.verbose, "[kctl] "+format+"\n", args...)
	}
}

// detach stops sending sarama's log to this command's trace.
func (a *Admin) detach() {
	if a.verbose != nil {
		trace.detach(a.verbose)
	}
}

// trace routes sarama's global logger to the trace writers of the commands
// that asked for -v: one per process in the CLI; tests run many commands in
// one process at once, so every attached writer gets sarama's lines while
// it is attached (a single swapped writer left a -v command without sarama's
// trace whenever another command attached after it).
var trace = &traceRouter{}

func init() {
	sarama.Logger = log.New(trace, "[sarama] ", log.Ltime|log.Lmicroseconds)
}

type traceRouter struct {
	mu sync.Mutex
	ws []io.Writer
}

// lockedWriter serialises the command's own trace lines with sarama's.
type lockedWriter struct {
	r *traceRouter
	w io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.r.mu.Lock()
	defer l.r.mu.Unlock()
	return l.w.Write(p)
}

func (t *traceRouter) attach(w io.Writer) io.Writer {
	lw := &lockedWriter{r: t, w: w}
	t.mu.Lock()
	t.ws = append(t.ws, lw.w)
	t.mu.Unlock()
	return lw
}

func (t *traceRouter) detach(w io.Writer) {
	lw, ok := w.(*lockedWriter)
	if !ok {
		return
	}
	t.mu.Lock()
	for i, x := range t.ws {
		if x == lw.w {
			t.ws = append(t.ws[:i:i], t.ws[i+1:]...)
			break
		}
	}
	t.mu.Unlock()
}

func (t *traceRouter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, w := range t.ws {
		_, _ = w.Write(p)
	}
	return len(p), nil
}

// SaramaConfig builds sarama's configuration from settings.
func SaramaConfig(s config.Settings, o Options) (*sarama.Config, error) {
	conf := sarama.NewConfig()
	conf.ClientID = o.ClientID
	if conf.ClientID == "" {
		conf.ClientID = "kctl"
	}
	// Version is a ceiling: sarama clamps each request to what the broker
	// advertises in ApiVersions, so the newest known version is right for
	// every broker from 2.1 on. --kafka-version lowers the ceiling.
	conf.Version = sarama.MaxVersion
	if s.KafkaVersion != "" {
		v, err := sarama.ParseKafkaVersion(s.KafkaVersion)
		if err != nil {
			return nil, errs.Usagef("invalid --kafka-version %q: use a release such as 2.8.0 or 3.7.0", s.KafkaVersion)
		}
		conf.Version = v
	}
	conf.ApiVersionsRequest = true
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = config.DefaultTimeout
	}
	conf.Net.DialTimeout = min(timeout, 10*time.Second)
	// The command's context (Do) bounds every wait; sarama's socket
	// timeouts are only a backstop, set past it so the context's error,
	// which names the request, is the one reported.
	conf.Net.ReadTimeout = timeout + time.Second
	conf.Net.WriteTimeout = timeout + time.Second
	conf.Metadata.Retry.Max = 1
	conf.Metadata.Retry.Backoff = 200 * time.Millisecond
	conf.Metadata.Timeout = timeout
	conf.Metadata.RefreshFrequency = 0 // a command is short-lived; no background refresh
	conf.Admin.Timeout = timeout
	conf.Admin.Retry.Max = 3
	conf.Admin.Retry.Backoff = 200 * time.Millisecond

	if s.UsesTLS() {
		tc, err := TLSConfig(s.TLS)
		if err != nil {
			return nil, err
		}
		conf.Net.TLS.Enable = true
		conf.Net.TLS.Config = tc
	}
	if s.UsesSASL() {
		conf.Net.SASL.Enable = true
		conf.Net.SASL.Handshake = true
		conf.Net.SASL.User = s.SASL.Username
		conf.Net.SASL.Password = s.SASL.Password
		switch s.SASL.Mechanism {
		case config.MechPlain:
			conf.Net.SASL.Mechanism = sarama.SASLTypePlaintext
		case config.MechSHA256:
			conf.Net.SASL.Mechanism = sarama.SASLTypeSCRAMSHA256
			gen := newSCRAMGenerator(sha256Gen)
			conf.Net.SASL.SCRAMClientGeneratorFunc = func() sarama.SCRAMClient { return gen() }
		case config.MechSHA512:
			conf.Net.SASL.Mechanism = sarama.SASLTypeSCRAMSHA512
			gen := newSCRAMGenerator(sha512Gen)
			conf.Net.SASL.SCRAMClientGeneratorFunc = func() sarama.SCRAMClient { return gen() }
		default:
			return nil, errs.Usagef("unsupported SASL mechanism %q", s.SASL.Mechanism)
		}
	}
	if err := conf.Validate(); err != nil {
		return nil, errs.Usagef("invalid connection settings: %v", err)
	}
	return conf, nil
}

// TLSConfig builds a TLS 1.2+ client config from PEM files.
func TLSConfig(t config.TLS) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, errs.Usagef("cannot read TLS CA file: %v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, errs.Usagef("TLS CA file %s holds no PEM certificate (JKS/PKCS12 must be converted to PEM first)", t.CAFile)
		}
		tc.RootCAs = pool
	}
	if t.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, errs.Usagef("cannot load TLS client certificate %s / key %s: %v", t.CertFile, t.KeyFile, err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	if t.InsecureSkipVerify {
		tc.InsecureSkipVerify = true
	} else if t.SkipHostnameVerify {
		// Verify the chain ourselves but not the name.
		roots := tc.RootCAs
		tc.InsecureSkipVerify = true
		tc.VerifyConnection = func(cs tls.ConnectionState) error {
			opts := x509.VerifyOptions{Roots: roots, Intermediates: x509.NewCertPool()}
			for _, c := range cs.PeerCertificates[1:] {
				opts.Intermediates.AddCert(c)
			}
			_, err := cs.PeerCertificates[0].Verify(opts)
			return err
		}
	}
	return tc, nil
}

// dial opens a dedicated connection to one broker, for requests that must
// run in parallel with others to the same broker (sarama serialises requests
// on one *Broker). It is closed by Close.
func (a *Admin) dial(ctx context.Context, addr string, id int32) (*sarama.Broker, error) {
	b, err := a.open(ctx, addr)
	if err != nil {
		return nil, err
	}
	a.logf("opened connection to broker %d (%s)", id, addr)
	return b, nil
}

// open opens a connection to addr and waits, within ctx, for its set-up
// (TCP, TLS, ApiVersions, SASL); Close closes it.
func (a *Admin) open(ctx context.Context, addr string) (*sarama.Broker, error) {
	b := sarama.NewBroker(addr)
	if err := b.Open(a.conf); err != nil && !errors.Is(err, sarama.ErrAlreadyConnected) {
		return nil, a.classify(addr, err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := b.Connected()
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			_ = b.Close()
			return nil, a.classify(addr, err)
		}
	case <-ctx.Done():
		go func() { <-done; _ = b.Close() }()
		return nil, a.classify(addr, ctx.Err())
	}
	a.mu.Lock()
	a.conns = append(a.conns, b)
	a.mu.Unlock()
	return b, nil
}

// Do runs fn, returning early with a bounded-wait error when ctx ends first.
// sarama calls have their own socket timeouts; this makes the command's
// deadline hold even across retries.
func Do[T any](ctx context.Context, what string, fn func() (T, error)) (T, error) {
	type r struct {
		v   T
		err error
	}
	ch := make(chan r, 1)
	go func() {
		v, err := fn()
		ch <- r{v, err}
	}()
	select {
	case res := <-ch:
		return res.v, res.err
	case <-ctx.Done():
		var zero T
		return zero, ended(ctx, what)
	}
}

// ended words the failure of what when ctx ended first, as Do does.
func ended(ctx context.Context, what string) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return &errs.Unreachable{Msg: what + ": interrupted", Err: ctx.Err()}
	}
	return &errs.Unreachable{Msg: what + ": no answer within the timeout (--timeout)", Err: ctx.Err()}
}
