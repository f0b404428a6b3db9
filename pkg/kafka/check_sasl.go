package kafka

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kctl-dev/kctl/pkg/doctor"
)

// stepSASL asks the broker which mechanisms the listener enables
// (SaslHandshake), compares them with the configured one, then
// authenticates (SaslAuthenticate, PLAIN or SCRAM): the probe's SASL
// exchange (probe_sasl.go), each failure named as a doctor problem.
func (p *probe) stepSASL() result {
	s := p.ck.s
	if !s.UsesSASL() {
		return skip(fmt.Sprintf("security.protocol is %s: no SASL", s.SecurityProtocol))
	}
	version := int16(0)
	if r, ok := p.apis[36]; ok && r.Max >= 1 {
		version = 1 // v1 (Kafka 2.2+) is what current clients send
	}
	mechs, err := p.wireConn().authenticate(s, version)
	p.facts.Enabled = mechs
	enabled := "the broker did not list its mechanisms"
	if len(mechs) > 0 {
		enabled = "enabled: " + strings.Join(mechs, ", ")
	}
	if err == nil {
		return pass(fmt.Sprintf("authenticated as %s with %s; %s", s.SASL.Username, s.SASL.Mechanism, enabled))
	}
	var se *saslError
	if !errors.As(err, &se) {
		p.facts.Cause = err.Error()
		return fail(doctor.SASLFailed, p.facts.Cause)
	}
	switch {
	case se.kind == saslIO:
		return p.saslIOFailure(se.err, string(se.stage))
	case se.kind == saslRejected:
		return fail(doctor.SASLBadCredentials, se.Error())
	case se.kind == saslCode && se.code == errCodeUnsupportedSASLMechanism && se.stage == saslHandshake:
		return fail(doctor.SASLMechanismNotEnabled, se.Error()+"; "+enabled)
	case se.kind == saslCode && se.code == errCodeIllegalSASLState:
		return fail(doctor.SASLNotSASLListener, se.Error())
	}
	p.facts.Cause = se.Error()
	return fail(doctor.SASLFailed, p.facts.Cause)
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
