package kafka

import (
	"errors"
	"fmt"
	"io"
	"syscall"

	"github.com/kctl-dev/kctl/pkg/config"
)

// Kafka error codes a SASL exchange tells apart.
const (
	errCodeUnsupportedSASLMechanism = 33
	errCodeIllegalSASLState         = 34
	errCodeSASLAuthenticationFailed = 58
)

// The SASL exchange of the connection probe, written once for the doctor's
// sasl step (`kctl check`) and connect diagnosis (ProbeError): each words
// the saslError its own way. It runs on the probe's connection, by hand,
// because sarama hides which request failed and drops the mechanisms the
// broker lists.

// saslStage names the request a SASL exchange failed at.
type saslStage string

const (
	saslHandshake    saslStage = "SaslHandshake"
	saslAuthenticate saslStage = "SaslAuthenticate"
)

// saslFailure is what went wrong.
type saslFailure int

const (
	// saslIO: the request got no answer (err: timeout, closed, ...).
	saslIO saslFailure = iota
	// saslCode: the broker answered an error code other than
	// SASL_AUTHENTICATION_FAILED.
	saslCode
	// saslRejected: the credentials were refused: SASL_AUTHENTICATION_FAILED,
	// the broker closed the connection at SaslAuthenticate (what Kafka
	// before SaslAuthenticate and kfake do), or a SCRAM server signature
	// that does not verify.
	saslRejected
	// saslClient: kctl could not take part (a mechanism it does not speak,
	// a SCRAM step that failed on the client side).
	saslClient
)

// saslError is a failed SASL exchange. Error() is the doctor's wording.
type saslError struct {
	kind  saslFailure
	stage saslStage
	code  int16  // saslCode, and saslRejected by error code
	msg   string // the broker's error message (SaslAuthenticate)
	mech  string
	mechs []string // the mechanisms a refusing SaslHandshake listed
	err   error    // saslIO; saslRejected and saslClient when there is one
}

func (e *saslError) Error() string {
	switch e.kind {
	case saslIO:
		return fmt.Sprintf("%s: %v", e.stage, e.err)
	case saslCode:
		switch {
		case e.code == errCodeIllegalSASLState && e.stage == saslHandshake:
			return "SaslHandshake answered ILLEGAL_SASL_STATE: the listener does not authenticate with SASL"
		case e.code == errCodeIllegalSASLState:
			return "SaslAuthenticate answered ILLEGAL_SASL_STATE"
		case e.code == errCodeUnsupportedSASLMechanism && e.stage == saslHandshake:
			return e.mech + " is not enabled on this listener"
		case e.stage == saslHandshake:
			return fmt.Sprintf("SaslHandshake error code %d", e.code)
		}
		return fmt.Sprintf("SaslAuthenticate error code %d %s", e.code, e.msg)
	case saslRejected:
		switch {
		case e.code != 0 && e.msg != "":
			return fmt.Sprintf("%s authentication failed: %s", e.mech, e.msg)
		case e.code != 0:
			return e.mech + " authentication failed"
		case e.stage == saslAuthenticate && e.err != nil && isRemoteClose(e.err):
			return e.mech + " authentication failed: the broker closed the connection"
		case e.err != nil:
			return fmt.Sprintf("%s: the broker's final answer does not verify (%v)", e.mech, e.err)
		}
		return e.mech + ": the broker's final answer does not verify"
	}
	return e.msg
}

func (e *saslError) Unwrap() error { return e.err }

// isRemoteClose: the broker closed the connection (not a local close, such
// as the probe's when its context ends).
func isRemoteClose(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// authenticate asks the broker which mechanisms the listener enables
// (SaslHandshake v1), then authenticates (SaslAuthenticate, PLAIN or SCRAM;
// authVersion 1 when the broker offers it). It returns the mechanisms the
// broker listed (nil when the handshake got no answer) and nil or a
// *saslError.
func (w *wireConn) authenticate(s config.Settings, authVersion int16) ([]string, error) {
	mech := s.SASL.Mechanism
	code, mechs, err := w.saslHandshake(mech)
	if err != nil {
		return nil, &saslError{kind: saslIO, stage: saslHandshake, mech: mech, err: err}
	}
	if code != 0 {
		return mechs, &saslError{kind: saslCode, stage: saslHandshake, code: code, mech: mech, mechs: mechs}
	}
	switch mech {
	case config.MechPlain:
		_, err = w.saslRound(mech, authVersion, []byte("\x00"+s.SASL.Username+"\x00"+s.SASL.Password))
	case config.MechSHA256, config.MechSHA512:
		err = w.scram(s, authVersion)
	default:
		err = &saslError{kind: saslClient, stage: saslAuthenticate, mech: mech, msg: "kctl does not speak " + mech}
	}
	return mechs, err
}

// saslRound sends one SaslAuthenticate and returns the server's bytes.
func (w *wireConn) saslRound(mech string, version int16, token []byte) ([]byte, error) {
	code, msg, resp, err := w.saslAuthenticate(version, token)
	switch {
	case err != nil && isRemoteClose(err):
		// Kafka answers bad credentials with an error code; some brokers
		// (and kfake) just close the connection.
		return nil, &saslError{kind: saslRejected, stage: saslAuthenticate, mech: mech, err: err}
	case err != nil:
		return nil, &saslError{kind: saslIO, stage: saslAuthenticate, mech: mech, err: err}
	case code == errCodeSASLAuthenticationFailed:
		return nil, &saslError{kind: saslRejected, stage: saslAuthenticate, code: code, msg: msg, mech: mech}
	case code != 0:
		return nil, &saslError{kind: saslCode, stage: saslAuthenticate, code: code, msg: msg, mech: mech}
	}
	return resp, nil
}

func (w *wireConn) scram(s config.Settings, version int16) error {
	mech := s.SASL.Mechanism
	gen := sha256Gen
	if mech == config.MechSHA512 {
		gen = sha512Gen
	}
	cl, err := gen.NewClient(s.SASL.Username, s.SASL.Password, "")
	if err != nil {
		return &saslError{kind: saslClient, stage: saslAuthenticate, mech: mech, msg: "SCRAM: " + err.Error(), err: err}
	}
	conv := cl.NewConversation()
	var challenge []byte
	for !conv.Done() {
		msg, err := conv.Step(string(challenge))
		if err != nil {
			if conv.Done() {
				// The final step checks the server's signature: a server
				// that cannot prove it knows the password, or refuses.
				return &saslError{kind: saslRejected, stage: saslAuthenticate, mech: mech, err: err}
			}
			return &saslError{kind: saslClient, stage: saslAuthenticate, mech: mech, msg: "SCRAM: " + err.Error(), err: err}
		}
		if conv.Done() {
			break
		}
		if challenge, err = w.saslRound(mech, version, []byte(msg)); err != nil {
			return err
		}
	}
	if !conv.Valid() {
		return &saslError{kind: saslRejected, stage: saslAuthenticate, mech: mech}
	}
	return nil
}
