package kafka

import (
	"fmt"
	"strings"

	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/doctor"
)

// Kafka error codes the SASL step tells apart.
const (
	errCodeUnsupportedSASLMechanism = 33
	errCodeIllegalSASLState         = 34
	errCodeSASLAuthenticationFailed = 58
)

// stepSASL asks the broker which mechanisms the listener enables
// (SaslHandshake), compares them with the configured one, then
// authenticates (SaslAuthenticate, PLAIN or SCRAM).
func (p *probe) stepSASL() result {
	s := p.ck.s
	if !s.UsesSASL() {
		return skip(fmt.Sprintf("security.protocol is %s: no SASL", s.SecurityProtocol))
	}
	w := p.wireConn()
	code, mechs, err := w.saslHandshake(s.SASL.Mechanism)
	if err != nil {
		return p.saslIOFailure(err, "SaslHandshake")
	}
	p.facts.Enabled = mechs
	enabled := "the broker did not list its mechanisms"
	if len(mechs) > 0 {
		enabled = "enabled: " + strings.Join(mechs, ", ")
	}
	switch code {
	case 0:
	case errCodeUnsupportedSASLMechanism:
		return fail(doctor.SASLMechanismNotEnabled, fmt.Sprintf("%s is not enabled on this listener; %s", s.SASL.Mechanism, enabled))
	case errCodeIllegalSASLState:
		return fail(doctor.SASLNotSASLListener, "SaslHandshake answered ILLEGAL_SASL_STATE: the listener does not authenticate with SASL")
	default:
		p.facts.Cause = fmt.Sprintf("SaslHandshake error code %d", code)
		return fail(doctor.SASLFailed, p.facts.Cause)
	}

	version := int16(0)
	if r, ok := p.apis[36]; ok && r.Max >= 1 {
		version = 1 // v1 (Kafka 2.2+) is what current clients send
	}
	var authErr result
	ok := false
	switch s.SASL.Mechanism {
	case config.MechPlain:
		ok, authErr = p.saslRound(version, []byte("\x00"+s.SASL.Username+"\x00"+s.SASL.Password), nil)
	case config.MechSHA256, config.MechSHA512:
		ok, authErr = p.scram(version)
	default:
		p.facts.Cause = "kctl does not speak " + s.SASL.Mechanism
		return fail(doctor.SASLFailed, p.facts.Cause)
	}
	if !ok {
		return authErr
	}
	return pass(fmt.Sprintf("authenticated as %s with %s; %s", s.SASL.Username, s.SASL.Mechanism, enabled))
}

// saslRound sends one SaslAuthenticate; out receives the server's bytes.
func (p *probe) saslRound(version int16, token []byte, out *[]byte) (bool, result) {
	code, msg, resp, err := p.wireConn().saslAuthenticate(version, token)
	if err != nil {
		if isClosed(err) {
			// Kafka answers bad credentials with an error code; some
			// brokers (and kfake) just close the connection.
			return false, fail(doctor.SASLBadCredentials, fmt.Sprintf("%s authentication failed: the broker closed the connection", p.ck.s.SASL.Mechanism))
		}
		return false, p.saslIOFailure(err, "SaslAuthenticate")
	}
	switch code {
	case 0:
	case errCodeSASLAuthenticationFailed:
		detail := fmt.Sprintf("%s authentication failed", p.ck.s.SASL.Mechanism)
		if msg != "" {
			detail += ": " + msg
		}
		return false, fail(doctor.SASLBadCredentials, detail)
	case errCodeIllegalSASLState:
		return false, fail(doctor.SASLNotSASLListener, "SaslAuthenticate answered ILLEGAL_SASL_STATE")
	default:
		p.facts.Cause = fmt.Sprintf("SaslAuthenticate error code %d %s", code, msg)
		return false, fail(doctor.SASLFailed, p.facts.Cause)
	}
	if out != nil {
		*out = resp
	}
	return true, result{}
}

func (p *probe) scram(version int16) (bool, result) {
	s := p.ck.s
	gen := sha256Gen
	if s.SASL.Mechanism == config.MechSHA512 {
		gen = sha512Gen
	}
	cl, err := gen.NewClient(s.SASL.Username, s.SASL.Password, "")
	if err != nil {
		p.facts.Cause = "SCRAM: " + err.Error()
		return false, fail(doctor.SASLFailed, p.facts.Cause)
	}
	conv := cl.NewConversation()
	var challenge []byte
	for !conv.Done() {
		msg, err := conv.Step(string(challenge))
		if err != nil {
			if conv.Done() {
				// The final step checks the server's signature: a server
				// that cannot prove it knows the password, or refuses.
				return false, fail(doctor.SASLBadCredentials, fmt.Sprintf("%s: the broker's final answer does not verify (%v)", s.SASL.Mechanism, err))
			}
			p.facts.Cause = "SCRAM: " + err.Error()
			return false, fail(doctor.SASLFailed, p.facts.Cause)
		}
		if conv.Done() {
			break
		}
		if ok, r := p.saslRound(version, []byte(msg), &challenge); !ok {
			return false, r
		}
	}
	if !conv.Valid() {
		return false, fail(doctor.SASLBadCredentials, s.SASL.Mechanism+": the broker's final answer does not verify")
	}
	return true, result{}
}

func (p *probe) saslIOFailure(err error, what string) result {
	switch {
	case isTimeout(err):
		return fail(doctor.SASLNoAnswer, fmt.Sprintf("no %s answer within %v", what, p.ck.timeout))
	case isClosed(err):
		return fail(doctor.SASLClosed, fmt.Sprintf("the broker closed the connection at %s", what))
	case isRemoteAlert(err):
		return p.alertFailure(err)
	}
	p.facts.Cause = fmt.Sprintf("%s: %v", what, err)
	return fail(doctor.SASLFailed, p.facts.Cause)
}
