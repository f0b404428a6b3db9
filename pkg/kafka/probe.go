package kafka

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"sync"

	"github.com/IBM/sarama"

	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/errs"
)

// The connection probe: a raw connection to one address, opened the way the
// client would, that tells which step fails. Connect diagnosis (ProbeError)
// and health (ProbeBrokers) run probeAddr; `kctl check` walks the same steps
// with a report for each (check.go). All three speak Kafka through wireConn
// and authenticate with the same SASL exchange (probe_sasl.go).

// diagnose turns a failed connect into a message that names the broker and
// the likely cause, by probing each bootstrap address step by step.
func (a *Admin) diagnose(ctx context.Context, cause error) error {
	if ctx.Err() != nil {
		// No budget left to probe with (or the user interrupted).
		return &errs.Unreachable{Msg: fmt.Sprintf("no broker answered within %v: %s (%s)", a.settings.Timeout, strings.Join(a.settings.Brokers, ", "), cleanSarama(cause)), Err: cause}
	}
	type res struct {
		i    int
		addr string
		err  error
	}
	ch := make(chan res, len(a.settings.Brokers))
	for i, addr := range a.settings.Brokers {
		go func() { ch <- res{i, addr, ProbeError(ctx, addr, a.settings, a.conf)} }()
	}
	var failures []res
	for range a.settings.Brokers {
		r := <-ch
		if r.err == nil {
			// This address works: the failure is elsewhere (e.g. the
			// advertised listeners). Report sarama's cause with context.
			return &errs.Unreachable{Msg: fmt.Sprintf("bootstrap broker %s answers, but fetching cluster metadata failed: %s (check advertised.listeners; `kctl check connectivity` tests every broker)", r.addr, cleanSarama(cause)), Err: cause}
		}
		failures = append(failures, r)
	}
	// Prefer the most specific failure: auth and TLS beat "refused".
	// In the order the user gave them.
	sort.Slice(failures, func(i, j int) bool { return failures[i].i < failures[j].i })
	var best error
	for _, f := range failures {
		var ae *errs.AuthError
		var ue *errs.UsageError
		if errors.As(f.err, &ae) || errors.As(f.err, &ue) {
			return f.err
		}
		if best == nil {
			best = f.err
		}
	}
	if len(failures) == 1 {
		return best
	}
	var parts []string
	for _, f := range failures {
		parts = append(parts, f.err.Error())
	}
	return &errs.Unreachable{Msg: fmt.Sprintf("no bootstrap broker answered: %s", strings.Join(parts, "; ")), Err: best}
}

// BrokerProbe is one broker's answer to a bounded connect: TCP, the TLS
// handshake when the connection uses TLS, and one ApiVersions round trip.
type BrokerProbe struct {
	ID   int32 // -1 when probing a bootstrap address
	Addr string
	Err  error // nil: reachable and speaking Kafka
	// Cert is the earliest-expiring certificate of the chain the broker
	// presented (nil without TLS or before the handshake got that far).
	// It is read even when verification failed, so an expired
	// certificate is still reported as such.
	Cert *x509.Certificate
}

// MetadataBrokers are the brokers of the metadata the client fetched when
// it connected, by id. It sends no request.
func (a *Admin) MetadataBrokers() []Broker { return a.t.brokerList() }

// ProbeBrokers probes every broker in parallel (bounded fan-out), each
// within ctx: a broker that accepts and never answers costs the deadline,
// never a hang. SASL is not repeated: the ApiVersions answer shows the
// listener is up and speaks Kafka (every listener answers it before
// authentication), and the main connection already authenticated.
func ProbeBrokers(ctx context.Context, s config.Settings, brokers []Broker) []BrokerProbe {
	return ProbeBrokersNotify(ctx, s, brokers, nil)
}

// ProbeBrokersNotify is ProbeBrokers that also calls done (when not nil)
// with each probe as soon as it ends, from the probe's goroutine: a caller
// can act on the first broker that answers without waiting for a hung one.
func ProbeBrokersNotify(ctx context.Context, s config.Settings, brokers []Broker, done func(BrokerProbe)) []BrokerProbe {
	var tc *tls.Config
	var tlsErr error
	if s.UsesTLS() {
		tc, tlsErr = TLSConfig(s.TLS)
	}
	out := make([]BrokerProbe, len(brokers))
	sem := make(chan struct{}, maxFanOut)
	var wg sync.WaitGroup
	for i, b := range brokers {
		out[i] = BrokerProbe{ID: b.ID, Addr: b.Addr}
		if tlsErr != nil {
			out[i].Err = tlsErr
			if done != nil {
				done(out[i])
			}
			continue
		}
		wg.Add(1)
		go func(p *BrokerProbe) {
			defer wg.Done()
			if done != nil {
				defer func() { done(*p) }()
			}
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
				p.Err = &errs.Unreachable{Msg: fmt.Sprintf("broker %s: not probed within the timeout", p.Addr), Err: ctx.Err()}
				return
			}
			p.Cert, p.Err = probeAddr(ctx, p.Addr, s, tc, false)
		}(&out[i])
	}
	wg.Wait()
	return out
}

// ProbeError connects to one address the way the client would, step by step
// (DNS, TCP, TLS, ApiVersions, SASL), and returns nil or the first failure,
// worded for a person. conf is the client's sarama configuration (its TLS
// settings).
func ProbeError(ctx context.Context, addr string, s config.Settings, conf *sarama.Config) error {
	var tc *tls.Config
	if s.UsesTLS() {
		tc = conf.Net.TLS.Config
	}
	_, err := probeAddr(ctx, addr, s, tc, true)
	return err
}

// probeAddr is the connection probe of connect diagnosis (ProbeError) and
// health (ProbeBrokers), on a connection of its own: TCP, the TLS handshake
// when tc is not nil, one ApiVersions request (every Kafka listener answers
// it, even before SASL, so it tells "speaks Kafka" from "speaks something
// else"). full is connect diagnosis's: it also resolves the host name
// first, authenticates with SASL, and words a TCP connect cut by the
// deadline by its likely cause; health stops after ApiVersions (its main
// connection already authenticated). It returns the earliest-expiring
// certificate the broker presented, read even when verification failed, and
// nil or the first failure, worded for a person. `kctl check` walks the same
// steps with a report per step (check.go).
func probeAddr(ctx context.Context, addr string, s config.Settings, tc *tls.Config, full bool) (*x509.Certificate, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, errs.Usagef("broker address %q is not host:port", addr)
	}
	if full {
		if _, err := net.DefaultResolver.LookupHost(ctx, host); err != nil {
			return nil, &errs.Unreachable{Msg: fmt.Sprintf("broker %s: host name %s does not resolve (%v)", addr, host, shortNetErr(err)), Err: err}
		}
	}
	d := net.Dialer{}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		if !full && ctx.Err() != nil {
			return nil, &errs.Unreachable{Msg: fmt.Sprintf("broker %s: TCP connect did not finish within the timeout", addr), Err: err}
		}
		return nil, &errs.Unreachable{Msg: fmt.Sprintf("broker %s: %s", addr, tcpCause(err)), Err: err}
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	// Closing the connection when ctx ends unblocks reads even without a
	// deadline (a cancelled parent).
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	var rw net.Conn = conn
	var cert *x509.Certificate
	if tc != nil {
		c := tc.Clone()
		if c.ServerName == "" {
			c.ServerName = host
		}
		tconn := tls.Client(conn, c)
		herr := tconn.HandshakeContext(ctx)
		if herr == nil {
			cert = Earliest(tconn.ConnectionState().PeerCertificates)
		} else {
			var ve *tls.CertificateVerificationError
			if errors.As(herr, &ve) {
				cert = Earliest(ve.UnverifiedCertificates)
			}
			return cert, tlsError(addr, host, s, cutByContext(ctx, herr))
		}
		rw = tconn
	}
	w := &wireConn{c: rw, plain: tc == nil}
	av, err := w.apiVersions()
	if err != nil {
		return cert, classifyFirstRead(addr, s, cutByContext(ctx, err))
	}
	if full && s.UsesSASL() {
		version := int16(0)
		for _, k := range av.ApiKeys {
			if k.ApiKey == 36 && k.MaxVersion >= 1 {
				version = 1
			}
		}
		if _, err := w.authenticate(s, version); err != nil {
			return cert, saslProbeError(addr, s, cutByContext(ctx, err))
		}
	}
	return cert, nil
}

// cutByContext words an error from a step the context ended: closing the
// connection when ctx ends makes the step fail with "use of closed network
// connection", but the broker did not answer in time, whatever the read
// says.
func cutByContext(ctx context.Context, err error) error {
	if ctx.Err() != nil && !isTimeout(err) {
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	return err
}

// saslProbeError words a failed SASL exchange for connect diagnosis: it
// tells "this listener does not do SASL (or not this mechanism)" from "the
// credentials are wrong".
func saslProbeError(addr string, s config.Settings, err error) error {
	var se *saslError
	if !errors.As(err, &se) {
		// The context ended the exchange.
		if isTimeout(err) {
			return &errs.Unreachable{Msg: fmt.Sprintf("broker %s: no answer to SASL authentication within %v", addr, s.Timeout), Err: err}
		}
		return classify(addr, s, err)
	}
	if se.stage == saslHandshake {
		switch {
		case se.kind == saslIO && isTimeout(se.err):
			return &errs.Unreachable{Msg: fmt.Sprintf("broker %s: no answer to the SASL handshake within %v", addr, s.Timeout), Err: se.err}
		case se.kind == saslIO, se.code == errCodeIllegalSASLState:
			cause := se.err
			if cause == nil {
				cause = sarama.ErrIllegalSASLState
			}
			return &errs.AuthError{Broker: addr, Msg: fmt.Sprintf("the listener does not accept SASL (a %s listener while security.protocol is %s?)", nonSASL(s), s.SecurityProtocol), Err: cause}
		case se.code == errCodeUnsupportedSASLMechanism:
			return &errs.AuthError{Broker: addr, Msg: fmt.Sprintf("SASL mechanism %s is not enabled on this listener (it offers %s)", s.SASL.Mechanism, strings.Join(se.mechs, ", ")), Err: sarama.ErrUnsupportedSASLMechanism}
		}
		return &errs.AuthError{Broker: addr, Msg: fmt.Sprintf("SASL handshake failed: %v", sarama.KError(se.code)), Err: sarama.KError(se.code)}
	}
	switch se.kind {
	case saslRejected:
		return &errs.AuthError{Broker: addr, Msg: fmt.Sprintf("SASL %s authentication failed for user %s: wrong password or unknown user", s.SASL.Mechanism, s.SASL.Username), Err: err}
	case saslIO:
		if isTimeout(se.err) {
			return &errs.Unreachable{Msg: fmt.Sprintf("broker %s: no answer to SASL authentication within %v", addr, s.Timeout), Err: se.err}
		}
		return classify(addr, s, se.err)
	case saslCode:
		return classify(addr, s, sarama.KError(se.code))
	}
	return classify(addr, s, err)
}

func nonSASL(s config.Settings) string {
	if s.UsesTLS() {
		return config.SSL
	}
	return config.Plaintext
}

// Earliest returns the certificate that expires first (nil for none).
func Earliest(chain []*x509.Certificate) *x509.Certificate {
	var e *x509.Certificate
	for _, c := range chain {
		if e == nil || c.NotAfter.Before(e.NotAfter) {
			e = c
		}
	}
	return e
}

// CertSubject names a certificate for people: its CN, else its first DNS
// name, else the full subject.
func CertSubject(c *x509.Certificate) string {
	switch {
	case c == nil:
		return "-"
	case c.Subject.CommonName != "":
		return "CN=" + c.Subject.CommonName
	case len(c.DNSNames) > 0:
		return "DNS:" + c.DNSNames[0]
	}
	return c.Subject.String()
}

// PreferBroker makes requests that may go to any broker (Metadata,
// DescribeConfigs of topics, ...) go to the broker with this id, e.g. one
// that just answered a probe, instead of sarama's least-loaded pick, which
// may be a broker that accepts connections and never answers. A negative id
// restores the default.
func (a *Admin) PreferBroker(id int32) {
	a.preferred.Store(max(id, -1) + 1)
}
