package kafka

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"sync"

	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/errs"
)

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
			p.Cert, p.Err = probeOne(ctx, s, tc, p.Addr)
		}(&out[i])
	}
	wg.Wait()
	return out
}

func probeOne(ctx context.Context, s config.Settings, tc *tls.Config, addr string) (*x509.Certificate, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, errs.Usagef("broker address %q is not host:port", addr)
	}
	d := net.Dialer{}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		if ctx.Err() != nil {
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
			return cert, tlsError(addr, host, s, herr)
		}
		rw = tconn
	}
	if _, err := (&wireConn{c: rw, plain: tc == nil}).apiVersions(); err != nil {
		if ctx.Err() != nil && !isTimeout(err) {
			// The deadline closed the connection under the read: the
			// broker did not answer in time, whatever the read says.
			err = fmt.Errorf("%w (%v)", ctx.Err(), err)
		}
		return cert, classifyFirstRead(addr, s, err)
	}
	return cert, nil
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
