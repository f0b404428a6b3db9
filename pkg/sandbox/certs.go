package sandbox

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// CA is a certificate authority for sandbox and test certificates.
type CA struct {
	Cert    *x509.Certificate
	Key     *ecdsa.PrivateKey
	CertPEM []byte
}

// NewCA creates a self-signed CA.
func NewCA(name string) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: name, Organization: []string{"kctl sandbox"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(10 * 365 * 24 * time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, Key: key, CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}, nil
}

// CertOptions describe a leaf certificate.
type CertOptions struct {
	CommonName string
	DNSNames   []string
	IPs        []net.IP
	NotBefore  time.Time // zero: an hour ago
	NotAfter   time.Time // zero: a year from now
	Client     bool      // client auth instead of server auth
}

// Leaf is a certificate with its key, in PEM and parsed.
type Leaf struct {
	CertPEM []byte
	KeyPEM  []byte
	TLS     tls.Certificate
}

// Issue signs a leaf certificate.
func (ca *CA) Issue(o CertOptions) (*Leaf, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	if o.NotBefore.IsZero() {
		o.NotBefore = time.Now().Add(-time.Hour)
	}
	if o.NotAfter.IsZero() {
		o.NotAfter = time.Now().Add(365 * 24 * time.Hour)
	}
	usage := x509.ExtKeyUsageServerAuth
	if o.Client {
		usage = x509.ExtKeyUsageClientAuth
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: o.CommonName, Organization: []string{"kctl sandbox"}},
		DNSNames:     o.DNSNames,
		IPAddresses:  o.IPs,
		NotBefore:    o.NotBefore,
		NotAfter:     o.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, &key.PublicKey, ca.Key)
	if err != nil {
		return nil, err
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	l := &Leaf{
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		KeyPEM:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}),
	}
	l.TLS, err = tls.X509KeyPair(l.CertPEM, l.KeyPEM)
	return l, err
}

// ServerTLS builds a broker TLS config; with clientCAs set, client
// certificates are required (mTLS).
func ServerTLS(leaf *Leaf, clientCAs *CA) *tls.Config {
	tc := &tls.Config{Certificates: []tls.Certificate{leaf.TLS}, MinVersion: tls.VersionTLS12}
	if clientCAs != nil {
		pool := x509.NewCertPool()
		pool.AddCert(clientCAs.Cert)
		tc.ClientCAs = pool
		tc.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return tc
}

// TLSFiles are the PEM files the sandbox writes with --tls DIR.
type TLSFiles struct {
	Dir, CA, BrokerCert, BrokerKey, ClientCert, ClientKey string
}

// WriteTLSFiles generates a CA, a broker certificate for localhost and
// 127.0.0.1, and a client certificate, into dir.
func WriteTLSFiles(dir string) (*TLSFiles, *tls.Config, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, err
	}
	ca, err := NewCA("kctl sandbox CA")
	if err != nil {
		return nil, nil, err
	}
	broker, err := ca.Issue(CertOptions{CommonName: "localhost", DNSNames: []string{"localhost"}, IPs: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")}})
	if err != nil {
		return nil, nil, err
	}
	client, err := ca.Issue(CertOptions{CommonName: "kctl-client", Client: true})
	if err != nil {
		return nil, nil, err
	}
	f := &TLSFiles{
		Dir:        dir,
		CA:         filepath.Join(dir, "ca.pem"),
		BrokerCert: filepath.Join(dir, "broker.pem"),
		BrokerKey:  filepath.Join(dir, "broker-key.pem"),
		ClientCert: filepath.Join(dir, "client.pem"),
		ClientKey:  filepath.Join(dir, "client-key.pem"),
	}
	for path, b := range map[string][]byte{
		f.CA: ca.CertPEM, f.BrokerCert: broker.CertPEM, f.BrokerKey: broker.KeyPEM,
		f.ClientCert: client.CertPEM, f.ClientKey: client.KeyPEM,
	} {
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return nil, nil, fmt.Errorf("write %s: %w", path, err)
		}
	}
	return f, ServerTLS(broker, nil), nil
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	return n
}
