package kafka

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
)

// The connectivity doctor speaks the few requests it needs (ApiVersions,
// SaslHandshake, SaslAuthenticate, Metadata) itself, on one connection it
// owns: sarama hides which step failed, drops the mechanisms a broker lists
// in its SaslHandshake answer, and dials on its own. These encoders cover
// exactly the versions the doctor sends.

// wireConn is one raw Kafka connection (TCP or TLS).
type wireConn struct {
	c        net.Conn
	corr     int32
	clientID string
	plain    bool // no TLS: a TLS record in an answer means a TLS listener
}

// Errors that classify what came back.
var (
	errAnswerTLS   = errors.New("the listener answered with a TLS record")
	errBadFrame    = errors.New("the answer is not a Kafka response")
	errShortAnswer = errors.New("the answer is truncated")
)

// enc builds a request body.
type enc struct{ b []byte }

func (e *enc) i8(v int8)   { e.b = append(e.b, byte(v)) }
func (e *enc) i16(v int16) { e.b = binary.BigEndian.AppendUint16(e.b, uint16(v)) }
func (e *enc) i32(v int32) { e.b = binary.BigEndian.AppendUint32(e.b, uint32(v)) }
func (e *enc) str(s string) {
	e.i16(int16(len(s)))
	e.b = append(e.b, s...)
}
func (e *enc) bytes(p []byte) {
	e.i32(int32(len(p)))
	e.b = append(e.b, p...)
}
func (e *enc) bool(v bool) {
	if v {
		e.i8(1)
	} else {
		e.i8(0)
	}
}
func (e *enc) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }

// roundTrip sends one request and returns the response body after the
// header. flexible selects request header v2 / response header v1
// (ApiVersions always answers with header v0).
func (w *wireConn) roundTrip(key, version int16, flexible bool, body []byte) ([]byte, error) {
	w.corr++
	var h enc
	h.i32(0) // size, filled below
	h.i16(key)
	h.i16(version)
	h.i32(w.corr)
	h.str(w.clientID)
	if flexible {
		h.uvarint(0) // no tagged fields
	}
	h.b = append(h.b, body...)
	binary.BigEndian.PutUint32(h.b, uint32(len(h.b)-4))
	if _, err := w.c.Write(h.b); err != nil {
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
	if size < 4 || size > 64<<20 {
		return nil, errBadFrame
	}
	resp := make([]byte, size)
	if _, err := io.ReadFull(w.c, resp); err != nil {
		return nil, err
	}
	if int32(binary.BigEndian.Uint32(resp)) != w.corr {
		return nil, errBadFrame
	}
	resp = resp[4:]
	if flexible && key != 18 {
		d := dec{b: resp}
		d.tags()
		if d.err != nil {
			return nil, d.err
		}
		resp = d.b
	}
	return resp, nil
}

// dec reads a response body; the first error sticks.
type dec struct {
	b   []byte
	err error
}

func (d *dec) need(n int) bool {
	if d.err != nil {
		return false
	}
	if len(d.b) < n {
		d.err = errShortAnswer
		return false
	}
	return true
}

func (d *dec) i16() int16 {
	if !d.need(2) {
		return 0
	}
	v := int16(binary.BigEndian.Uint16(d.b))
	d.b = d.b[2:]
	return v
}

func (d *dec) i32() int32 {
	if !d.need(4) {
		return 0
	}
	v := int32(binary.BigEndian.Uint32(d.b))
	d.b = d.b[4:]
	return v
}

func (d *dec) i64() int64 {
	if !d.need(8) {
		return 0
	}
	v := int64(binary.BigEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

func (d *dec) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errShortAnswer
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) raw(n int) []byte {
	if n < 0 || !d.need(n) {
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

// str reads a (nullable) string; compact for flexible versions.
func (d *dec) str(compact bool) (string, bool) {
	var n int
	if compact {
		n = int(d.uvarint()) - 1
	} else {
		n = int(d.i16())
	}
	if n < 0 {
		return "", false
	}
	return string(d.raw(n)), true
}

func (d *dec) bytes() []byte {
	n := d.i32()
	if n < 0 {
		return nil
	}
	return d.raw(int(n))
}

func (d *dec) arrayLen(compact bool) int {
	if compact {
		return int(d.uvarint()) - 1
	}
	return int(d.i32())
}

func (d *dec) tags() {
	n := d.uvarint()
	for i := uint64(0); i < n && d.err == nil; i++ {
		d.uvarint() // tag
		size := d.uvarint()
		d.raw(int(size))
	}
}

// apiVersionsAnswer is an ApiVersions v0 response.
type apiVersionsAnswer struct {
	ErrorCode int16
	APIs      map[int16][2]int16
}

// apiVersions sends ApiVersions v0: every Kafka release answers it, before
// SASL too, so it tells "speaks Kafka" from "speaks something else".
func (w *wireConn) apiVersions() (*apiVersionsAnswer, error) {
	resp, err := w.roundTrip(18, 0, false, nil)
	if err != nil {
		return nil, err
	}
	d := dec{b: resp}
	a := &apiVersionsAnswer{ErrorCode: d.i16(), APIs: map[int16][2]int16{}}
	n := d.arrayLen(false)
	for i := 0; i < n && d.err == nil; i++ {
		k, lo, hi := d.i16(), d.i16(), d.i16()
		a.APIs[k] = [2]int16{lo, hi}
	}
	if d.err != nil {
		return nil, d.err
	}
	return a, nil
}

// saslHandshake sends SaslHandshake v1 and returns the error code and the
// mechanisms the broker lists (Apache Kafka lists them in every answer).
func (w *wireConn) saslHandshake(mechanism string) (int16, []string, error) {
	var e enc
	e.str(mechanism)
	resp, err := w.roundTrip(17, 1, false, e.b)
	if err != nil {
		return 0, nil, err
	}
	d := dec{b: resp}
	code := d.i16()
	n := d.arrayLen(false)
	var mechs []string
	for i := 0; i < n && d.err == nil; i++ {
		m, _ := d.str(false)
		mechs = append(mechs, m)
	}
	return code, mechs, d.err
}

// saslAuthenticate sends one SaslAuthenticate v0 or v1 round.
func (w *wireConn) saslAuthenticate(version int16, token []byte) (code int16, msg string, out []byte, err error) {
	var e enc
	e.bytes(token)
	resp, err := w.roundTrip(36, version, false, e.b)
	if err != nil {
		return 0, "", nil, err
	}
	d := dec{b: resp}
	code = d.i16()
	msg, _ = d.str(false)
	out = d.bytes()
	if version >= 1 {
		d.i64() // session lifetime
	}
	return code, msg, out, d.err
}

// metadataAnswer is the part of a Metadata response the doctor reads.
type metadataAnswer struct {
	ClusterID    string
	ControllerID int32
	Brokers      []Broker
}

// metadata sends a Metadata request for no topics at the given version
// (1-12; 9+ are flexible) and reads brokers, cluster id and controller.
func (w *wireConn) metadata(version int16) (*metadataAnswer, error) {
	flexible := version >= 9
	var e enc
	if flexible {
		e.uvarint(1) // empty compact array: no topics
	} else {
		e.i32(0) // empty array: no topics (null would mean all)
	}
	if version >= 4 {
		e.bool(false) // allow_auto_topic_creation
	}
	if version >= 8 && version <= 10 {
		e.bool(false) // include_cluster_authorized_operations
	}
	if version >= 8 {
		e.bool(false) // include_topic_authorized_operations
	}
	if flexible {
		e.uvarint(0)
	}
	resp, err := w.roundTrip(3, version, flexible, e.b)
	if err != nil {
		return nil, err
	}
	d := dec{b: resp}
	if version >= 3 {
		d.i32() // throttle
	}
	a := &metadataAnswer{ControllerID: -1}
	n := d.arrayLen(flexible)
	for i := 0; i < n && d.err == nil; i++ {
		id := d.i32()
		host, _ := d.str(flexible)
		port := d.i32()
		rack := ""
		if version >= 1 {
			rack, _ = d.str(flexible)
		}
		if flexible {
			d.tags()
		}
		a.Brokers = append(a.Brokers, Broker{ID: id, Addr: net.JoinHostPort(host, fmt.Sprint(port)), Rack: rack})
	}
	if version >= 2 {
		a.ClusterID, _ = d.str(flexible)
	}
	a.ControllerID = d.i32()
	if d.err != nil {
		return nil, d.err
	}
	return a, nil
}
