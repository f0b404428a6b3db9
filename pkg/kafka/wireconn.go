package kafka

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// The connection probe (connect diagnosis, health, `kctl check`) and
// DescribeQuorum speak Kafka on a connection they own: sarama hides which
// step failed, drops the mechanisms a broker lists in its SaslHandshake
// answer, and dials on its own. franz-go's kmsg encodes the requests and
// decodes the answers; this file only frames them.

// wireConn is one raw Kafka connection (TCP or TLS).
type wireConn struct {
	c    net.Conn
	corr int32
	// plain: no TLS, so a TLS record in an answer means a TLS listener.
	plain bool
}

// Errors that classify what came back.
var (
	errAnswerTLS   = errors.New("the listener answered with a TLS record")
	errBadFrame    = errors.New("the answer is not a Kafka response")
	errShortAnswer = errors.New("the answer is truncated")
)

// requestFormatter writes the request header Kafka expects (size, key,
// version, correlation id, client id "kctl", the header's tag buffer for
// flexible versions).
var requestFormatter = kmsg.NewRequestFormatter(kmsg.FormatterClientID("kctl"))

// maxAnswer bounds an answer's size: a Metadata answer for no topics, an
// ApiVersions or SASL answer are a few KB; a bigger size is not Kafka.
const maxAnswer = 64 << 20

// request sends req (its Version set by the caller) and decodes the answer.
func (w *wireConn) request(req kmsg.Request) (kmsg.Response, error) {
	w.corr++
	if _, err := w.c.Write(requestFormatter.AppendRequest(nil, req, w.corr)); err != nil {
		return nil, err
	}
	hdr := make([]byte, 4)
	if _, err := io.ReadFull(w.c, hdr); err != nil {
		return nil, err
	}
	if w.plain && hdr[0] == 0x15 && hdr[1] == 0x03 { // a TLS alert record
		return nil, errAnswerTLS
	}
	size := binary.BigEndian.Uint32(hdr)
	if size < 4 || size > maxAnswer {
		return nil, errBadFrame
	}
	body := make([]byte, size)
	if _, err := io.ReadFull(w.c, body); err != nil {
		return nil, err
	}
	if int32(binary.BigEndian.Uint32(body)) != w.corr {
		return nil, errBadFrame
	}
	body = body[4:]
	resp := req.ResponseKind()
	// Response header v1 (flexible versions) ends with a tag buffer;
	// ApiVersions always answers with header v0, so that old clients can
	// read the answer to a version the broker does not know.
	if resp.IsFlexible() && req.Key() != int16(kmsg.ApiVersions) {
		r := tagReader{b: body}
		kmsg.SkipTags(&r)
		if r.bad {
			return nil, errShortAnswer
		}
		body = r.b
	}
	if err := resp.ReadFrom(body); err != nil {
		return nil, fmt.Errorf("%w: %s %v", errShortAnswer, kmsg.NameForKey(req.Key()), err)
	}
	return resp, nil
}

// tagReader is the kmsg.TagReader that skips a response header's tags.
type tagReader struct {
	b   []byte
	bad bool
}

func (r *tagReader) Ok() bool { return !r.bad }

func (r *tagReader) Uvarint() uint32 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > 1<<31 {
		r.bad = true
		return 0
	}
	r.b = r.b[n:]
	return uint32(v)
}

func (r *tagReader) Span(n int) []byte {
	if n < 0 || n > len(r.b) {
		r.bad = true
		return nil
	}
	s := r.b[:n]
	r.b = r.b[n:]
	return s
}

// apiVersions sends ApiVersions v0: every Kafka release answers it, before
// SASL too, so it tells "speaks Kafka" from "speaks something else".
func (w *wireConn) apiVersions() (*kmsg.ApiVersionsResponse, error) {
	req := kmsg.NewPtrApiVersionsRequest()
	req.Version = 0
	resp, err := w.request(req)
	if err != nil {
		return nil, err
	}
	return resp.(*kmsg.ApiVersionsResponse), nil
}

// saslHandshake sends SaslHandshake v1 and returns the error code and the
// mechanisms the broker lists (Apache Kafka lists them in every answer).
func (w *wireConn) saslHandshake(mechanism string) (int16, []string, error) {
	req := kmsg.NewPtrSASLHandshakeRequest()
	req.Version = 1
	req.Mechanism = mechanism
	resp, err := w.request(req)
	if err != nil {
		return 0, nil, err
	}
	r := resp.(*kmsg.SASLHandshakeResponse)
	return r.ErrorCode, r.SupportedMechanisms, nil
}

// saslAuthenticate sends one SaslAuthenticate v0 or v1 round.
func (w *wireConn) saslAuthenticate(version int16, token []byte) (code int16, msg string, out []byte, err error) {
	req := kmsg.NewPtrSASLAuthenticateRequest()
	req.Version = version
	req.SASLAuthBytes = token
	resp, err := w.request(req)
	if err != nil {
		return 0, "", nil, err
	}
	r := resp.(*kmsg.SASLAuthenticateResponse)
	if r.ErrorMessage != nil {
		msg = *r.ErrorMessage
	}
	return r.ErrorCode, msg, r.SASLAuthBytes, nil
}

// metadataAnswer is the part of a Metadata response the doctor reads.
type metadataAnswer struct {
	ClusterID    string
	ControllerID int32
	Brokers      []Broker
}

// metadata sends a Metadata request for no topics (an empty list: null
// would mean all) at the given version and reads brokers, cluster id and
// controller.
func (w *wireConn) metadata(version int16) (*metadataAnswer, error) {
	req := kmsg.NewPtrMetadataRequest()
	req.Version = version
	req.Topics = []kmsg.MetadataRequestTopic{}
	req.AllowAutoTopicCreation = false
	resp, err := w.request(req)
	if err != nil {
		return nil, err
	}
	r := resp.(*kmsg.MetadataResponse)
	a := &metadataAnswer{ControllerID: r.ControllerID}
	if r.ClusterID != nil {
		a.ClusterID = *r.ClusterID
	}
	for _, b := range r.Brokers {
		rack := ""
		if b.Rack != nil {
			rack = *b.Rack
		}
		a.Brokers = append(a.Brokers, Broker{ID: b.NodeID, Addr: net.JoinHostPort(b.Host, fmt.Sprint(b.Port)), Rack: rack})
	}
	return a, nil
}
