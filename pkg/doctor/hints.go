package doctor

import (
	"fmt"
	"strings"
	"time"
)

// Problem is what went wrong (or deserves a warning) in a step; Hint turns
// it into the one line an operator acts on.
type Problem int

// Problems, by step.
const (
	NoProblem Problem = iota

	DNSNotFound
	DNSTimeout
	DNSFailed

	TCPRefused
	TCPTimeout
	TCPUnreachable
	TCPFailed

	TLSUnknownAuthority
	TLSHostnameMismatch
	TLSExpired
	TLSNotYetValid
	TLSExpiresSoon
	TLSInvalidChain
	TLSPlaintextPort // the port answers PLAINTEXT Kafka
	TLSNoAnswer
	TLSClosed
	TLSClientCertRequired
	TLSClientCertRejected
	TLSNoCommonVersion
	TLSFailed
	TLSVersion12
	TLSInsecure
	TLSNoHostnameVerify

	KafkaSpeaksTLS // a plaintext client on a TLS port
	KafkaNoAnswer
	KafkaNotKafka
	KafkaClosed
	KafkaClosedAfterTLS
	KafkaError
	APIsMissing

	SASLMechanismNotEnabled
	SASLBadCredentials
	SASLNotSASLListener
	SASLClosed
	SASLNoAnswer
	SASLFailed

	MetadataClosed
	MetadataNoAnswer
	MetadataFailed
	MetadataNoBrokers
	ClusterIDMismatch
	DiscoveryFailed
)

// Facts are what a hint may name.
type Facts struct {
	Addr     string // host:port as configured or advertised
	Host     string
	BrokerID *int32 // set for advertised brokers
	// Protocol is the configured security.protocol.
	Protocol  string
	Mechanism string
	User      string
	// Enabled are the SASL mechanisms the broker listed.
	Enabled []string
	CAFile  string
	// ServerName is --tls-server-name when the user gave one (the name the
	// certificate was checked against instead of Host).
	ServerName string
	// Names are the certificate's SANs; Issuer its issuer; Subject its subject.
	Names   string
	Issuer  string
	Subject string
	// Date is a certificate's not-after (or not-before) time.
	Date    time.Time
	Timeout time.Duration
	// Missing lists APIs kctl needs and the broker lacks.
	Missing []string
	// ClusterID and OtherClusterID for a mismatch; Cause is free text for
	// the *Failed problems (the error as Go words it).
	ClusterID      string
	OtherClusterID string
	Cause          string
	SentClientCert bool
}

// Advertised reports whether the address came from the cluster metadata.
func (f Facts) Advertised() bool { return f.BrokerID != nil }

// Hint returns the operator's next action for a problem ("" for none).
func Hint(p Problem, f Facts) string {
	switch p {
	case NoProblem:
		return ""
	case DNSNotFound:
		if f.Advertised() {
			return fmt.Sprintf("advertised listener %s does not resolve from here: check advertised.listeners on broker %d", f.Addr, *f.BrokerID)
		}
		return fmt.Sprintf("%s does not resolve from here: check the host name in --brokers (bootstrap.servers) and this machine's DNS", f.Host)
	case DNSTimeout:
		return fmt.Sprintf("DNS lookup of %s got no answer within %v: check this machine's resolver (/etc/resolv.conf)", f.Host, f.Timeout)
	case DNSFailed:
		return fmt.Sprintf("DNS lookup of %s failed (%s): check this machine's resolver", f.Host, f.Cause)

	case TCPRefused:
		if f.Advertised() {
			return fmt.Sprintf("advertised listener %s refuses connections: is broker %d up, and does advertised.listeners name a port reachable from here?", f.Addr, *f.BrokerID)
		}
		return fmt.Sprintf("nothing listens on %s: is the broker up and the port right?", f.Addr)
	case TCPTimeout:
		if f.Advertised() {
			return fmt.Sprintf("TCP connect to advertised listener %s timed out: a firewall drops the packets, or broker %d advertises an address not reachable from here (advertised.listeners)", f.Addr, *f.BrokerID)
		}
		return fmt.Sprintf("TCP connect to %s timed out: a firewall or security group drops the packets, or the address is wrong", f.Addr)
	case TCPUnreachable:
		return fmt.Sprintf("no route to %s: check the network path from here (VPN, routes, security groups)", f.Addr)
	case TCPFailed:
		return fmt.Sprintf("cannot connect to %s (%s)", f.Addr, f.Cause)

	case TLSUnknownAuthority:
		where := "the system roots"
		if f.CAFile != "" {
			where = f.CAFile
		}
		if f.CAFile != "" {
			// Do not tell the user to set the flag they set: say it names
			// the wrong CA.
			return fmt.Sprintf("the certificate (issuer %s) is signed by an unknown authority, not by a CA in %s: point --tls-ca-file (ssl.truststore.location) at the CA that signed the broker certificates", f.Issuer, where)
		}
		return fmt.Sprintf("the certificate (issuer %s) is signed by an unknown authority, not by a CA in %s: set --tls-ca-file (ssl.truststore.location) to the CA that signed the broker certificates", f.Issuer, where)
	case TLSHostnameMismatch:
		if f.ServerName != "" {
			return fmt.Sprintf("the certificate is not valid for %s, the name --tls-server-name gives; its SANs are %s: set --tls-server-name to one of those names (or leave it out and connect with one), or reissue the certificate with %s in its SANs", f.ServerName, f.Names, f.ServerName)
		}
		return fmt.Sprintf("the certificate is not valid for %s; its SANs are %s: connect with one of those names, set --tls-server-name, or reissue the certificate with %s in its SANs", f.Host, f.Names, f.Host)
	case TLSExpired:
		return fmt.Sprintf("the certificate %s expired on %s: renew it on the broker", f.Subject, Date(f.Date))
	case TLSNotYetValid:
		return fmt.Sprintf("the certificate %s is not valid before %s: check the clock here and on the CA", f.Subject, Date(f.Date))
	case TLSExpiresSoon:
		return fmt.Sprintf("renew the certificate %s before %s", f.Subject, Date(f.Date))
	case TLSInvalidChain:
		return fmt.Sprintf("the certificate chain does not verify (%s): check the broker's keystore", f.Cause)
	case TLSPlaintextPort:
		return fmt.Sprintf("the port answers PLAINTEXT: set security.protocol=%s or use the TLS port", withoutTLS(f.Protocol))
	case TLSNoAnswer:
		return fmt.Sprintf("the listener accepted the connection but did not answer the TLS handshake within %v (and no PLAINTEXT Kafka answer either): is it the right port, or is a proxy in the way?", f.Timeout)
	case TLSClosed:
		return "the listener closed the connection during the TLS handshake: is it a TLS port, or does a proxy cut TLS?"
	case TLSClientCertRequired:
		return "the broker requires a client certificate (ssl.client.auth=required): set --tls-cert-file and --tls-key-file (ssl.keystore.location)"
	case TLSClientCertRejected:
		return "the broker rejected the client certificate: is it signed by a CA in the broker's ssl.truststore, and still valid?"
	case TLSNoCommonVersion:
		return fmt.Sprintf("no common TLS version or cipher (%s): kctl speaks TLS 1.2 and 1.3; check ssl.enabled.protocols and ssl.cipher.suites on the broker", f.Cause)
	case TLSFailed:
		return fmt.Sprintf("TLS handshake failed (%s)", f.Cause)
	case TLSVersion12:
		return "the broker negotiates TLS 1.2 at most: enable TLSv1.3 in ssl.enabled.protocols"
	case TLSInsecure:
		return "certificate verification is disabled (--tls-insecure-skip-verify): set --tls-ca-file to the cluster's CA instead"
	case TLSNoHostnameVerify:
		return "host-name verification is disabled (ssl.endpoint.identification.algorithm is empty): anyone with a certificate from this CA can impersonate the broker"

	case KafkaSpeaksTLS:
		return fmt.Sprintf("the port speaks TLS: set security.protocol=%s or use the PLAINTEXT port", withTLS(f.Protocol))
	case KafkaNoAnswer:
		return fmt.Sprintf("the port accepted the connection but sent no Kafka answer within %v: is it the right port, or is the broker overloaded or stuck?", f.Timeout)
	case KafkaNotKafka:
		return "the port answers, but not with the Kafka protocol: is it the right port?"
	case KafkaClosed:
		return "the broker closed the connection at the first request: is it a Kafka port with this security.protocol? (check the broker log)"
	case KafkaClosedAfterTLS:
		return "the broker closed the connection after the TLS handshake: client certificate rejected, or not a Kafka port? (check the broker log)"
	case KafkaError:
		return fmt.Sprintf("the broker answered ApiVersions with an error (%s)", f.Cause)
	case APIsMissing:
		return fmt.Sprintf("the broker lacks %s: the kctl commands that need them will fail or fall back to slower plans; upgrade the brokers", strings.Join(f.Missing, ", "))

	case SASLMechanismNotEnabled:
		enabled := "none listed"
		if len(f.Enabled) > 0 {
			enabled = strings.Join(f.Enabled, ", ")
		}
		return fmt.Sprintf("%s is not enabled on this listener; enabled: %s; set --sasl-mechanism (sasl.mechanism) to an enabled one, or add %s to sasl.enabled.mechanisms", f.Mechanism, enabled, f.Mechanism)
	case SASLBadCredentials:
		return fmt.Sprintf("authentication of %s with %s failed: wrong password, unknown user, or no %s credentials for this user; check --sasl-username and the password (sasl.jaas.config)", f.User, f.Mechanism, f.Mechanism)
	case SASLNotSASLListener:
		return fmt.Sprintf("the listener does not use SASL: set security.protocol=%s or use the SASL port", withoutSASL(f.Protocol))
	case SASLClosed:
		return "the broker closed the connection during the SASL handshake: is it a SASL listener? (check the broker log)"
	case SASLNoAnswer:
		return fmt.Sprintf("no SASL answer within %v: is the broker overloaded?", f.Timeout)
	case SASLFailed:
		return fmt.Sprintf("SASL failed (%s)", f.Cause)

	case MetadataClosed:
		if !strings.HasPrefix(f.Protocol, "SASL_") {
			return fmt.Sprintf("the broker closed the connection at the Metadata request: the listener probably requires SASL; set security.protocol=%s with --sasl-mechanism and --sasl-username", withSASL(f.Protocol))
		}
		return "the broker closed the connection at the Metadata request: check the broker log"
	case MetadataNoAnswer:
		return fmt.Sprintf("no Metadata answer within %v: is the broker overloaded or still starting?", f.Timeout)
	case MetadataFailed:
		return fmt.Sprintf("Metadata failed (%s)", f.Cause)
	case MetadataNoBrokers:
		return "the cluster metadata lists no brokers: is the broker still starting?"
	case ClusterIDMismatch:
		return fmt.Sprintf("this broker belongs to cluster %s, the first bootstrap address to %s: check bootstrap.servers and advertised.listeners", f.ClusterID, f.OtherClusterID)
	case DiscoveryFailed:
		return fmt.Sprintf("could not list the advertised brokers (%s): only the bootstrap addresses were checked; run `kctl check connectivity`", f.Cause)
	}
	return ""
}

func withoutTLS(p string) string {
	if strings.HasPrefix(p, "SASL_") {
		return "SASL_PLAINTEXT"
	}
	return "PLAINTEXT"
}

func withTLS(p string) string {
	if strings.HasPrefix(p, "SASL_") {
		return "SASL_SSL"
	}
	return "SSL"
}

func withoutSASL(p string) string {
	if p == "SASL_SSL" {
		return "SSL"
	}
	return "PLAINTEXT"
}

func withSASL(p string) string {
	if p == "SSL" {
		return "SASL_SSL"
	}
	return "SASL_PLAINTEXT"
}
