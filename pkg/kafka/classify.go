package kafka

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"

	"github.com/IBM/sarama"

	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/errs"
)

// Error wording: every failure the admin layer returns names the broker and
// the likely cause, as a typed error (errs.AuthError, errs.Unreachable)
// where it is one. The connection probe (probe.go) and sarama's errors
// (classify) are worded here.

// classifyFirstRead words the failure of the first Kafka request on a probe
// connection: where a protocol mismatch shows.
func classifyFirstRead(addr string, s config.Settings, err error) error {
	switch {
	case errors.Is(err, errAnswerTLS):
		return &errs.Unreachable{Msg: fmt.Sprintf("broker %s: the listener expects TLS but the client speaks plaintext (set security.protocol to SSL or SASL_SSL, or use the plaintext port)", addr), Err: err}
	case errors.Is(err, errBadFrame), errors.Is(err, errShortAnswer):
		return &errs.Unreachable{Msg: fmt.Sprintf("broker %s: the port answers, but not with the Kafka protocol (is it the right port?)", addr), Err: err}
	case isTimeout(err):
		return &errs.Unreachable{Msg: fmt.Sprintf("broker %s: connected, but the broker did not answer within %v (overloaded broker, or a TLS listener while security.protocol is %s?)", addr, s.Timeout, s.SecurityProtocol), Err: err}
	case isCertRequired(err):
		return &errs.AuthError{Broker: addr, Msg: "TLS handshake failed: the broker requires a client certificate (set --tls-cert-file and --tls-key-file, or ssl.keystore.location)", Err: err}
	case errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.ErrUnexpectedEOF):
		if s.UsesTLS() {
			return &errs.Unreachable{Msg: fmt.Sprintf("broker %s: the broker closed the connection after the TLS handshake (client certificate rejected?)", addr), Err: err}
		}
		return &errs.Unreachable{Msg: fmt.Sprintf("broker %s: the broker closed the connection at once (a TLS listener while security.protocol is %s?)", addr, s.SecurityProtocol), Err: err}
	}
	return &errs.Unreachable{Msg: fmt.Sprintf("broker %s: %v", addr, err), Err: err}
}

func isCertRequired(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "certificate required") || strings.Contains(err.Error(), "bad certificate"))
}

func tlsError(addr, host string, s config.Settings, err error) error {
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ci x509.CertificateInvalidError
	var rec tls.RecordHeaderError
	var ve *tls.CertificateVerificationError
	msg := ""
	switch {
	case errors.As(err, &he):
		if sn := s.TLS.ServerName; sn != "" {
			// Never advise the flag the user gave: say its value is wrong.
			msg = fmt.Sprintf("TLS handshake failed: the certificate is not valid for %s, the name --tls-server-name gives (it names %s); set --tls-server-name to one of those names", sn, certNames(he.Certificate))
		} else {
			msg = fmt.Sprintf("TLS handshake failed: the certificate is not valid for %s (it names %s); use --tls-server-name or connect with a name the certificate lists", host, certNames(he.Certificate))
		}
	case errors.As(err, &ua) && s.TLS.CAFile != "":
		msg = fmt.Sprintf("TLS handshake failed: the certificate is signed by an unknown authority, not by a CA in %s: point --tls-ca-file (ssl.truststore.location) at the CA that signed the broker certificates", s.TLS.CAFile)
	case errors.As(err, &ua):
		msg = "TLS handshake failed: the certificate is signed by an unknown authority (set --tls-ca-file / ssl.truststore.location to the CA that signed the broker certificates)"
	case errors.As(err, &ci) && ci.Reason == x509.Expired:
		msg = fmt.Sprintf("TLS handshake failed: the broker certificate is expired or not yet valid (%s)", ci.Detail)
	case errors.As(err, &rec):
		msg = fmt.Sprintf("TLS handshake failed: the listener does not speak TLS (is security.protocol %s right?)", s.SecurityProtocol)
	case errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.ErrUnexpectedEOF):
		msg = fmt.Sprintf("TLS handshake failed: the listener does not speak TLS (is security.protocol %s right?)", s.SecurityProtocol)
	case isTimeout(err):
		msg = fmt.Sprintf("TLS handshake failed: no answer within %v (a PLAINTEXT listener, which waits silently, while security.protocol is %s?)", s.Timeout, s.SecurityProtocol)
	case isCertRequired(err):
		msg = "TLS handshake failed: the broker requires a client certificate (set --tls-cert-file and --tls-key-file, or ssl.keystore.location)"
	case strings.Contains(err.Error(), "protocol version not supported"):
		msg = "TLS handshake failed: no TLS version in common (kctl requires TLS 1.2 or newer; the listener offers only older ones?)"
	case errors.As(err, &ve):
		msg = fmt.Sprintf("TLS handshake failed: %v", ve.Err)
	default:
		msg = fmt.Sprintf("TLS handshake failed: %v", err)
	}
	if isCertRequired(err) || errors.As(err, &ua) || errors.As(err, &he) {
		return &errs.AuthError{Broker: addr, Msg: msg, Err: err}
	}
	return &errs.Unreachable{Msg: fmt.Sprintf("broker %s: %s", addr, msg), Err: err}
}

func certNames(c *x509.Certificate) string {
	if c == nil {
		return "no names"
	}
	var names []string
	names = append(names, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 && c.Subject.CommonName != "" {
		names = append(names, "CN="+c.Subject.CommonName)
	}
	if len(names) == 0 {
		return "no names"
	}
	return strings.Join(names, ", ")
}

func tcpCause(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused (nothing listens on that port: is the broker up and the port right?)"
	case isTimeout(err):
		return "TCP connect timed out (a firewall dropping packets, or a wrong address?)"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "no route to host"
	}
	return shortNetErr(err)
}

func shortNetErr(err error) string {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err.Error()
	}
	var de *net.DNSError
	if errors.As(err, &de) {
		if de.IsNotFound {
			return "no such host"
		}
		return de.Err
	}
	return err.Error()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// classify words an error from a sarama call on one broker.
func (a *Admin) classify(addr string, err error) error { return classify(addr, a.settings, err) }

func classify(addr string, s config.Settings, err error) error {
	if err == nil {
		return nil
	}
	var ae *errs.AuthError
	var un *errs.Unreachable
	if errors.As(err, &ae) || errors.As(err, &un) {
		return err
	}
	switch {
	case errors.Is(err, sarama.ErrSASLAuthenticationFailed) || strings.Contains(err.Error(), "SASL Authentication failed") || strings.Contains(err.Error(), "Authentication failed"):
		return &errs.AuthError{Broker: addr, Msg: fmt.Sprintf("SASL %s authentication failed for user %s: wrong password or unknown user", s.SASL.Mechanism, s.SASL.Username), Err: err}
	case errors.Is(err, sarama.ErrUnsupportedSASLMechanism):
		return &errs.AuthError{Broker: addr, Msg: fmt.Sprintf("SASL mechanism %s is not enabled on this listener (check sasl.enabled.mechanisms)", s.SASL.Mechanism), Err: err}
	case errors.Is(err, sarama.ErrIllegalSASLState):
		return &errs.AuthError{Broker: addr, Msg: "the listener does not accept SASL (a PLAINTEXT or SSL listener while security.protocol is " + s.SecurityProtocol + "?)", Err: err}
	case errors.Is(err, sarama.ErrTopicAuthorizationFailed), errors.Is(err, sarama.ErrGroupAuthorizationFailed), errors.Is(err, sarama.ErrClusterAuthorizationFailed):
		return &errs.AuthError{Broker: addr, Msg: fmt.Sprintf("not authorized: %v (check the ACLs for %s)", err, principal(s)), Err: err}
	case isTimeout(err):
		return &errs.Unreachable{Msg: fmt.Sprintf("broker %s: no answer within %v", addr, s.Timeout), Err: err}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &errs.Unreachable{Msg: fmt.Sprintf("broker %s: %s", addr, tcpCause(err)), Err: err}
	}
	var tlsRec tls.RecordHeaderError
	if errors.As(err, &tlsRec) {
		return tlsError(addr, "", s, err)
	}
	return fmt.Errorf("broker %s: %s", addr, cleanSarama(err))
}

func principal(s config.Settings) string {
	if s.UsesSASL() {
		return "User:" + s.SASL.Username
	}
	return "the client's principal"
}

// cleanSarama words a sarama error for a person: without sarama's
// "kafka: " prefixes, on one line, and never as sarama's bare "client has
// run out of available brokers to talk to", which names neither a broker
// nor a cause.
func cleanSarama(err error) string {
	if err == nil {
		return ""
	}
	m := err.Error()
	if errors.Is(err, sarama.ErrOutOfBrokers) {
		rest := strings.TrimPrefix(strings.TrimPrefix(m, sarama.ErrOutOfBrokers.Error()), ": ")
		if rest == "" || rest == m {
			m = "no broker in the cluster metadata could be reached (check advertised.listeners)"
		} else {
			m = "no broker in the cluster metadata could be reached: " + rest
		}
	}
	m = strings.ReplaceAll(m, "kafka server: ", "")
	m = strings.ReplaceAll(m, "kafka: ", "")
	return strings.Join(strings.Fields(strings.ReplaceAll(m, "\n", "; ")), " ")
}
