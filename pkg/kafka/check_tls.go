package kafka

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/kctl-dev/kctl/pkg/doctor"
)

// errVerify aborts a handshake whose certificate the TLS step rejected; the
// reason is in the probe's verdict.
var errVerify = errors.New("certificate rejected")

// verdict is what certificate verification found.
type verdict struct {
	problem doctor.Problem
	detail  string
}

// stepTLS handshakes like the client would and inspects everything an
// operator would otherwise read off `openssl s_client`: version, cipher,
// the chain, its validity, the CA and the host name, each failure told
// apart. sctx bounds the whole step, second-opinion probes included.
func (p *probe) stepTLS(sctx context.Context) result {
	s := p.ck.s
	if !s.UsesTLS() {
		return skip(fmt.Sprintf("security.protocol is %s: no TLS", s.SecurityProtocol))
	}
	base := p.ck.tlsConf
	insecure := s.TLS.InsecureSkipVerify
	serverName := base.ServerName
	if serverName == "" {
		serverName = p.host
	}
	tc := base.Clone()
	tc.ServerName = serverName
	tc.InsecureSkipVerify = true // verified below, where each failure can be named
	var clientCert *tls.Certificate
	if len(base.Certificates) > 0 {
		clientCert = &base.Certificates[0]
	}
	tc.Certificates = nil
	tc.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
		p.certs.requested = true
		if clientCert != nil {
			p.certs.sent = true
			return clientCert, nil
		}
		return &tls.Certificate{}, nil
	}
	var v verdict
	tc.VerifyConnection = func(cs tls.ConnectionState) error {
		p.t.Chain = chainInfo(cs.PeerCertificates)
		v = p.verify(cs.PeerCertificates, serverName, base.RootCAs)
		if v.problem != doctor.NoProblem && !insecure {
			return errVerify
		}
		return nil
	}
	conn := tls.Client(p.conn, tc)
	hctx, hcancel := context.WithCancel(sctx)
	plainPort := p.plainWhileHandshaking(hctx, hcancel)
	err := conn.HandshakeContext(hctx)
	hcancel()
	answeredPlain := <-plainPort
	p.facts.SentClientCert = p.certs.sent
	if err != nil {
		if v.problem != doctor.NoProblem {
			return fail(v.problem, v.detail)
		}
		if answeredPlain {
			return fail(doctor.TLSPlaintextPort, "no TLS handshake: the port answers Kafka requests in PLAINTEXT")
		}
		return p.handshakeFailure(sctx, err)
	}
	p.conn = conn
	cs := conn.ConnectionState()
	if cs.Version == tls.VersionTLS13 && p.certs.requested {
		// TLS 1.3 finishes the client's side of the handshake before the
		// broker has judged the client certificate: one request tells
		// whether the broker kept the connection.
		if _, err := p.wireConn().apiVersions(); err != nil {
			if isRemoteAlert(err) {
				return p.alertFailure(err)
			}
			return p.kafkaFailure(sctx, err)
		}
	}

	st := doctor.Pass
	var problems []doctor.Problem
	var notes []string
	leaf := cs.PeerCertificates[0]
	exp := doctor.ClassifyChain(p.t.Chain, p.ck.o.Now(), p.ck.o.Thresholds)
	switch {
	case v.problem == doctor.TLSExpired || v.problem == doctor.TLSNotYetValid:
		// Only reachable with verification disabled.
		return result{status: doctor.Fail, detail: v.detail, problems: []doctor.Problem{v.problem, doctor.TLSInsecure}, stop: true}
	case exp.Status != doctor.Pass:
		st = doctor.Worst(st, exp.Status)
		c := p.t.Chain[exp.Index]
		p.facts.Subject, p.facts.Date = c.Subject, c.NotAfter
		problems = append(problems, doctor.TLSExpiresSoon)
		level := "within --cert-warn-days"
		if exp.Status == doctor.Fail {
			level = "within --cert-crit-days"
		}
		notes = append(notes, fmt.Sprintf("certificate %s expires %s (%s)", c.Subject, doctor.Days(exp.DaysLeft), level))
	}
	if cs.Version == tls.VersionTLS12 {
		st = doctor.Worst(st, doctor.Warn)
		problems = append(problems, doctor.TLSVersion12)
	}
	detail := fmt.Sprintf("%s %s; %s", tls.VersionName(cs.Version), tls.CipherSuiteName(cs.CipherSuite), certSummary(leaf, p.ck.o.Now()))
	switch {
	case insecure:
		st = doctor.Worst(st, doctor.Warn)
		problems = append(problems, doctor.TLSInsecure)
		detail += "; chain and host name NOT verified (--tls-insecure-skip-verify)"
		if v.problem != doctor.NoProblem {
			detail += "; would fail: " + v.detail
		}
	case s.TLS.SkipHostnameVerify:
		st = doctor.Worst(st, doctor.Warn)
		problems = append(problems, doctor.TLSNoHostnameVerify)
		detail += fmt.Sprintf("; chain verified against %s; host name NOT verified", p.trustName())
	default:
		detail += fmt.Sprintf("; chain verified against %s; host name %s verified", p.trustName(), serverName)
	}
	if p.certs.sent {
		detail += "; client certificate accepted"
	}
	if len(notes) > 0 {
		detail += "; " + strings.Join(notes, "; ")
	}
	return result{status: st, detail: detail, problems: problems}
}

func (p *probe) trustName() string {
	if p.ck.s.TLS.CAFile != "" {
		return filepath.Base(p.ck.s.TLS.CAFile)
	}
	return "the system roots"
}

// verify judges the presented chain in the order that tells the most:
// validity window, then the signing CA, then the host name.
func (p *probe) verify(certs []*x509.Certificate, serverName string, roots *x509.CertPool) verdict {
	now := p.ck.o.Now()
	if len(certs) == 0 {
		p.facts.Cause = "the broker presented no certificate"
		return verdict{doctor.TLSInvalidChain, p.facts.Cause}
	}
	leaf := certs[0]
	for _, c := range certs {
		subject := c.Subject.String()
		switch {
		case now.After(c.NotAfter):
			p.facts.Subject, p.facts.Date = subject, c.NotAfter
			return verdict{doctor.TLSExpired, fmt.Sprintf("certificate %s expired %s (not after %s)", subject, doctor.Days(doctor.DaysLeft(c.NotAfter, now)), doctor.Date(c.NotAfter))}
		case now.Before(c.NotBefore):
			p.facts.Subject, p.facts.Date = subject, c.NotBefore
			return verdict{doctor.TLSNotYetValid, fmt.Sprintf("certificate %s is not valid before %s", subject, doctor.Date(c.NotBefore))}
		}
	}
	// With verification disabled the checks still run: the detail says
	// what a verifying client would hit.
	opts := x509.VerifyOptions{Roots: roots, Intermediates: x509.NewCertPool(), CurrentTime: now}
	for _, c := range certs[1:] {
		opts.Intermediates.AddCert(c)
	}
	if _, err := leaf.Verify(opts); err != nil {
		var ua x509.UnknownAuthorityError
		if errors.As(err, &ua) {
			p.facts.Issuer = leaf.Issuer.String()
			return verdict{doctor.TLSUnknownAuthority, fmt.Sprintf("%s, issued by %s: signed by an unknown authority (not in %s)", leaf.Subject, leaf.Issuer, p.trustName())}
		}
		p.facts.Cause = err.Error()
		return verdict{doctor.TLSInvalidChain, fmt.Sprintf("%s: %v", leaf.Subject, err)}
	}
	if !p.ck.s.TLS.SkipHostnameVerify {
		if err := leaf.VerifyHostname(serverName); err != nil {
			p.facts.Host = serverName
			p.facts.ServerName = p.ck.s.TLS.ServerName
			p.facts.Names = certNames(leaf)
			return verdict{doctor.TLSHostnameMismatch, fmt.Sprintf("%s is not valid for %s (SANs: %s)", leaf.Subject, serverName, p.facts.Names)}
		}
	}
	return verdict{}
}

// handshakePatience is how long a handshake may stall before the PLAINTEXT
// second opinion starts (at most half the step's budget): a TLS listener
// sends its ServerHello within a round trip or two.
const handshakePatience = time.Second

// plainWhileHandshaking is the second opinion for a handshake that stalls:
// after handshakePatience without a finished handshake it asks the port
// in PLAINTEXT on a second connection, within the same step context, and on
// an answer cancels the handshake (some brokers, kfake among them, wait for
// the rest of a "request" as large as a ClientHello's first bytes say). So
// a silent listener fails the step at --timeout, not at twice it. The
// channel receives false when the handshake ended first.
func (p *probe) plainWhileHandshaking(hctx context.Context, cancelHandshake context.CancelFunc) <-chan bool {
	out := make(chan bool, 1)
	go func() {
		t := time.NewTimer(min(p.ck.timeout/2, handshakePatience))
		defer t.Stop()
		select {
		case <-hctx.Done():
			out <- false
			return
		case <-t.C:
		}
		ok := p.plainKafkaAnswers(hctx)
		if ok {
			cancelHandshake()
		}
		out <- ok
	}()
	return out
}

// handshakeFailure names a failed handshake that was not a certificate
// verdict: a client certificate problem, no common version, or a port that
// does not speak TLS (then a second connection asks in PLAINTEXT, within
// what is left of the step's budget).
func (p *probe) handshakeFailure(sctx context.Context, err error) result {
	var rec tls.RecordHeaderError
	switch {
	case isRemoteAlert(err):
		return p.alertFailure(err)
	case isTimeout(err):
		// plainWhileHandshaking already asked in PLAINTEXT, in time.
		return fail(doctor.TLSNoAnswer, fmt.Sprintf("no TLS answer within %v", p.ck.timeout))
	case errors.As(err, &rec), isClosed(err):
		if p.plainKafkaAnswers(sctx) {
			return fail(doctor.TLSPlaintextPort, "no TLS handshake: the port answers Kafka requests in PLAINTEXT")
		}
		if errors.As(err, &rec) {
			return fail(doctor.TLSClosed, "the listener answered, but not with TLS")
		}
		return fail(doctor.TLSClosed, "the listener closed the connection during the TLS handshake")
	}
	if strings.Contains(err.Error(), "unsupported protocol version") || strings.Contains(err.Error(), "no cipher suite") {
		p.facts.Cause = err.Error()
		return fail(doctor.TLSNoCommonVersion, err.Error())
	}
	p.facts.Cause = err.Error()
	return fail(doctor.TLSFailed, err.Error())
}

// alertFailure names a TLS alert the broker sent.
func (p *probe) alertFailure(err error) result {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "certificate required"), strings.Contains(msg, "bad certificate"),
		strings.Contains(msg, "unknown certificate authority"), strings.Contains(msg, "certificate expired"),
		strings.Contains(msg, "certificate unknown"), strings.Contains(msg, "unsupported certificate"):
		if p.certs.sent {
			return fail(doctor.TLSClientCertRejected, "the broker rejected the client certificate: "+msg)
		}
		return fail(doctor.TLSClientCertRequired, "the broker asked for a client certificate and got none: "+msg)
	case strings.Contains(msg, "handshake failure") && p.certs.requested && !p.certs.sent:
		// TLS 1.2 servers (Go, JSSE) answer a missing required client
		// certificate with a plain handshake_failure.
		return fail(doctor.TLSClientCertRequired, "the broker asked for a client certificate and got none: "+msg)
	case strings.Contains(msg, "protocol version"), strings.Contains(msg, "handshake failure"), strings.Contains(msg, "insufficient security"):
		p.facts.Cause = msg
		return fail(doctor.TLSNoCommonVersion, msg)
	}
	p.facts.Cause = msg
	return fail(doctor.TLSFailed, msg)
}

func certSummary(c *x509.Certificate, now time.Time) string {
	return fmt.Sprintf("%s (SANs: %s), issued by %s, expires %s (%s)", c.Subject, certNames(c), c.Issuer,
		doctor.Date(c.NotAfter), doctor.Days(doctor.DaysLeft(c.NotAfter, now)))
}

func chainInfo(certs []*x509.Certificate) []doctor.Cert {
	out := make([]doctor.Cert, 0, len(certs))
	for _, c := range certs {
		dc := doctor.Cert{
			Subject: c.Subject.String(), Issuer: c.Issuer.String(), Serial: fmt.Sprintf("%X", c.SerialNumber),
			NotBefore: c.NotBefore, NotAfter: c.NotAfter, DNSNames: c.DNSNames, IsCA: c.IsCA,
		}
		for _, ip := range c.IPAddresses {
			dc.IPAddresses = append(dc.IPAddresses, ip.String())
		}
		out = append(out, dc)
	}
	return out
}
