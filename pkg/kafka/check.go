package kafka

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/doctor"
)

// CheckOptions configure a doctor run (`kctl check connectivity|tls`).
type CheckOptions struct {
	// Thresholds for certificate expiry; zero days flag only expired
	// certificates (the CLI passes doctor.DefaultThresholds).
	Thresholds doctor.Thresholds
	// Now is the clock for certificate validity; nil: time.Now.
	Now func() time.Time
	// Verbose receives one line per step as it finishes (-v). Nil: silent.
	Verbose io.Writer
}

// checker holds what every probe of one run shares.
type checker struct {
	s       config.Settings
	o       CheckOptions
	timeout time.Duration
	// tlsConf is the client TLS configuration built from the settings
	// (nil without TLS); the TLS step clones it and verifies on its own.
	tlsConf *tls.Config

	vmu sync.Mutex
}

// maxParallel bounds how many brokers are probed at once.
const maxParallel = 16

// secondOpinionBudget caps the second-opinion probe after a failed handshake (the
// PLAINTEXT-or-TLS question): a live listener answers it in milliseconds.
// The probe also runs within the step's own context, so it never makes a
// step outlast --timeout.
const secondOpinionBudget = 3 * time.Second

func newChecker(s config.Settings, o CheckOptions) (*checker, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	ck := &checker{s: s, o: o, timeout: s.Timeout}
	if ck.timeout <= 0 {
		ck.timeout = config.DefaultTimeout
	}
	if s.UsesTLS() {
		// Unreadable or malformed PEM files fail here, before any step:
		// the check could not run (exit 3), it did not find a problem.
		tc, err := TLSConfig(s.TLS)
		if err != nil {
			return nil, err
		}
		ck.tlsConf = tc
	}
	return ck, nil
}

// CheckConnectivity walks dns, tcp, tls, api-versions, sasl and metadata for
// each bootstrap address, then for every broker the metadata advertises,
// each on its own connection. It returns an error only when the check
// cannot run at all; every network problem is a step result.
func CheckConnectivity(ctx context.Context, s config.Settings, o CheckOptions) (doctor.Report, error) {
	ck, err := newChecker(s, o)
	if err != nil {
		return doctor.Report{}, err
	}
	return ck.run(ctx, doctor.ConnectivitySteps, doctor.ConnectivitySteps), nil
}

// CheckTLS runs the TLS step for each bootstrap address and every
// advertised broker, keeping each presented certificate chain. The
// bootstrap addresses also run a metadata step to list the brokers.
func CheckTLS(ctx context.Context, s config.Settings, o CheckOptions) (doctor.Report, error) {
	ck, err := newChecker(s, o)
	if err != nil {
		return doctor.Report{}, err
	}
	return ck.run(ctx, append(append([]string{}, doctor.TLSSteps...), stepDiscover), doctor.TLSSteps), nil
}

// stepDiscover is `check tls`'s metadata step: api-versions, sasl and
// metadata folded into one, a WARN when it fails (the certificates of the
// brokers it could not list are unchecked, nothing is known to be wrong).
const stepDiscover = "discover"

func (ck *checker) run(ctx context.Context, bootSteps, brokerSteps []string) doctor.Report {
	boot := make([]*probe, len(ck.s.Brokers))
	for i, addr := range ck.s.Brokers {
		boot[i] = ck.newProbe(addr, nil)
	}
	ck.parallel(ctx, boot, bootSteps)

	var ref *probe
	for _, p := range boot {
		if p.meta != nil {
			ref = p
			break
		}
	}
	var adv []*probe
	if ref != nil {
		for _, p := range boot {
			if p != ref && p.meta != nil && p.meta.ClusterID != ref.meta.ClusterID {
				p.warnClusterMismatch(ref.meta.ClusterID)
			}
		}
		brokers := append([]Broker(nil), ref.meta.Brokers...)
		sort.Slice(brokers, func(i, j int) bool { return brokers[i].ID < brokers[j].ID })
		for _, b := range brokers {
			id := b.ID
			merged := false
			// An advertised address that is also a bootstrap address was
			// just checked: name it instead of walking it twice.
			for _, p := range boot {
				if p.t.ID == nil && p.t.Address == b.Addr {
					p.t.ID = &id
					merged = true
					break
				}
			}
			if merged {
				continue
			}
			p := ck.newProbe(b.Addr, &id)
			p.refClusterID = ref.meta.ClusterID
			adv = append(adv, p)
		}
		ck.parallel(ctx, adv, brokerSteps)
	}
	var r doctor.Report
	for _, p := range append(boot, adv...) {
		r.Targets = append(r.Targets, *p.t)
	}
	return r
}

func (ck *checker) parallel(ctx context.Context, ps []*probe, steps []string) {
	sem := make(chan struct{}, maxParallel)
	var wg sync.WaitGroup
	for _, p := range ps {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			p.run(ctx, steps)
		}()
	}
	wg.Wait()
}

func (ck *checker) logf(format string, a ...any) {
	if ck.o.Verbose == nil {
		return
	}
	ck.vmu.Lock()
	defer ck.vmu.Unlock()
	fmt.Fprintf(ck.o.Verbose, "[kctl] "+format+"\n", a...)
}

// probe walks the steps against one address on one connection.
type probe struct {
	ck    *checker
	t     *doctor.Target
	host  string
	facts doctor.Facts

	conn  net.Conn
	wire  *wireConn
	apis  map[int16]doctor.APIRange
	meta  *metadataAnswer
	certs struct {
		requested bool
		sent      bool
	}
	refClusterID string
}

func (ck *checker) newProbe(addr string, id *int32) *probe {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	s := ck.s
	p := &probe{
		ck:   ck,
		t:    &doctor.Target{Address: addr, ID: id, Bootstrap: id == nil},
		host: host,
		facts: doctor.Facts{
			Addr: addr, Host: host, BrokerID: id, Protocol: s.SecurityProtocol,
			Mechanism: s.SASL.Mechanism, User: s.SASL.Username, CAFile: s.TLS.CAFile, Timeout: ck.timeout,
		},
	}
	return p
}

// result is what one step found.
type result struct {
	status   doctor.Status
	detail   string
	problems []doctor.Problem
	// stop ends the chain: the connection is not usable for later steps.
	stop bool
}

func pass(detail string) result { return result{status: doctor.Pass, detail: detail} }
func skip(detail string) result { return result{status: doctor.Skip, detail: detail} }
func fail(p doctor.Problem, detail string) result {
	return result{status: doctor.Fail, detail: detail, problems: []doctor.Problem{p}, stop: true}
}

func (p *probe) run(ctx context.Context, steps []string) {
	defer func() {
		if p.conn != nil {
			_ = p.conn.Close()
		}
	}()
	failed := ""
	for _, name := range steps {
		shown := name
		if name == stepDiscover {
			shown = doctor.StepMetadata
		}
		if failed != "" {
			p.t.Steps = append(p.t.Steps, doctor.Step{Name: shown, Status: doctor.Skip, Detail: "not run: " + failed + " failed"})
			continue
		}
		start := time.Now()
		r := p.step(ctx, name)
		d := time.Since(start)
		if r.status == doctor.Skip {
			d = 0
		}
		var hints []string
		for _, pr := range r.problems {
			if h := doctor.Hint(pr, p.facts); h != "" {
				hints = append(hints, h)
			}
		}
		step := doctor.Step{Name: shown, Status: r.status, Duration: d, Detail: r.detail, Hint: strings.Join(hints, "; ")}
		p.t.Steps = append(p.t.Steps, step)
		p.ck.logf("%s: %s %s in %s: %s", p.t.Label(), step.Name, step.Status, doctor.FormatDuration(d), step.Detail)
		if r.stop {
			failed = step.Name
		}
	}
}

// stepContext bounds one step by --timeout and sets the connection's
// deadline to match, so a silent peer fails the step instead of hanging.
func (p *probe) stepContext(ctx context.Context) (context.Context, context.CancelFunc) {
	sctx, cancel := context.WithTimeout(ctx, p.ck.timeout)
	if p.conn != nil {
		dl, _ := sctx.Deadline()
		_ = p.conn.SetDeadline(dl)
	}
	return sctx, cancel
}

func (p *probe) step(ctx context.Context, name string) result {
	sctx, cancel := p.stepContext(ctx)
	defer cancel()
	switch name {
	case doctor.StepDNS:
		return p.stepDNS(sctx)
	case doctor.StepTCP:
		return p.stepTCP(sctx)
	case doctor.StepTLS:
		return p.stepTLS(sctx)
	case doctor.StepAPIVersions:
		return p.stepAPIVersions(sctx)
	case doctor.StepSASL:
		return p.stepSASL()
	case doctor.StepMetadata:
		return p.stepMetadata()
	case stepDiscover:
		return p.stepDiscover(ctx)
	}
	return fail(doctor.NoProblem, "unknown step "+name)
}

func (p *probe) stepDNS(ctx context.Context) result {
	if ip := net.ParseIP(p.host); ip != nil {
		return pass(p.host + " is an IP address: no lookup")
	}
	addrs, err := net.DefaultResolver.LookupHost(ctx, p.host)
	if err != nil {
		var de *net.DNSError
		switch {
		case errors.As(err, &de) && de.IsNotFound:
			return fail(doctor.DNSNotFound, fmt.Sprintf("%s: no such host", p.host))
		case isTimeout(err):
			return fail(doctor.DNSTimeout, fmt.Sprintf("%s: no DNS answer within %v", p.host, p.ck.timeout))
		}
		p.facts.Cause = shortNetErr(err)
		return fail(doctor.DNSFailed, fmt.Sprintf("%s: %s", p.host, p.facts.Cause))
	}
	return pass(fmt.Sprintf("%s resolves to %s", p.host, strings.Join(addrs, ", ")))
}

func (p *probe) stepTCP(ctx context.Context) result {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", p.t.Address)
	if err != nil {
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			return fail(doctor.TCPRefused, fmt.Sprintf("%s: connection refused", p.t.Address))
		case isTimeout(err):
			return fail(doctor.TCPTimeout, fmt.Sprintf("%s: no TCP answer within %v", p.t.Address, p.ck.timeout))
		case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
			return fail(doctor.TCPUnreachable, fmt.Sprintf("%s: no route to host", p.t.Address))
		}
		p.facts.Cause = shortNetErr(err)
		return fail(doctor.TCPFailed, fmt.Sprintf("%s: %s", p.t.Address, p.facts.Cause))
	}
	p.conn = conn
	return pass("connected to " + conn.RemoteAddr().String())
}

// wireConn wraps the probe's connection for Kafka requests.
func (p *probe) wireConn() *wireConn {
	if p.wire == nil {
		p.wire = &wireConn{c: p.conn, plain: !p.ck.s.UsesTLS()}
	}
	return p.wire
}

func (p *probe) stepAPIVersions(ctx context.Context) result {
	ans, err := p.wireConn().apiVersions()
	if err != nil {
		return p.kafkaFailure(ctx, err)
	}
	if ans.ErrorCode != 0 {
		p.facts.Cause = fmt.Sprintf("error code %d", ans.ErrorCode)
		return fail(doctor.KafkaError, "ApiVersions answered error code "+fmt.Sprint(ans.ErrorCode))
	}
	p.apis = map[int16]doctor.APIRange{}
	for _, k := range ans.ApiKeys {
		p.apis[k.ApiKey] = doctor.APIRange{Min: k.MinVersion, Max: k.MaxVersion}
	}
	// The release is named by the inference `kctl version` uses, so both
	// commands name the same release for the same broker.
	detail := fmt.Sprintf("%d APIs; Kafka %s (inferred)", len(p.apis), InferKafkaVersion(apiVersionsOf(ans)))
	missing := doctor.MissingAPIs(p.apis)
	if len(missing) > 0 {
		p.facts.Missing = missing
		var names []string
		for _, m := range missing {
			names = append(names, m[:strings.Index(m, " (")])
		}
		return result{status: doctor.Warn, detail: detail + "; missing for kctl: " + strings.Join(names, ", "), problems: []doctor.Problem{doctor.APIsMissing}}
	}
	return pass(detail + "; the APIs kctl needs are present (OffsetFetch v8, DescribeUserScramCredentials, ...)")
}

// kafkaFailure classifies the failure of the first Kafka request on the
// connection: this is where a protocol mismatch shows.
func (p *probe) kafkaFailure(ctx context.Context, err error) result {
	switch {
	case errors.Is(err, errAnswerTLS):
		return fail(doctor.KafkaSpeaksTLS, "the listener answered with a TLS alert")
	case errors.Is(err, errBadFrame), errors.Is(err, errShortAnswer):
		return fail(doctor.KafkaNotKafka, "the answer is not a Kafka response")
	case isTimeout(err):
		return fail(doctor.KafkaNoAnswer, fmt.Sprintf("no answer within %v", p.ck.timeout))
	case isRemoteAlert(err):
		return p.alertFailure(err)
	case isClosed(err):
		if !p.ck.s.UsesTLS() {
			if p.speaksTLS(ctx) {
				return fail(doctor.KafkaSpeaksTLS, "the broker closed the connection; the port completes a TLS handshake")
			}
			return fail(doctor.KafkaClosed, "the broker closed the connection")
		}
		return fail(doctor.KafkaClosedAfterTLS, "the broker closed the connection after the TLS handshake")
	}
	p.facts.Cause = err.Error()
	return fail(doctor.KafkaError, err.Error())
}

func (p *probe) stepMetadata() result {
	r, ok := p.apis[3]
	if !ok {
		p.facts.Cause = "the broker does not list Metadata in its ApiVersions"
		return fail(doctor.MetadataFailed, p.facts.Cause)
	}
	v := min(r.Max, 12)
	if v < r.Min || v < 1 {
		p.facts.Cause = fmt.Sprintf("the broker offers Metadata v%d-v%d only", r.Min, r.Max)
		return fail(doctor.MetadataFailed, p.facts.Cause)
	}
	ans, err := p.wireConn().metadata(v)
	if err != nil {
		switch {
		case isTimeout(err):
			return fail(doctor.MetadataNoAnswer, fmt.Sprintf("no Metadata answer within %v", p.ck.timeout))
		case isClosed(err):
			return fail(doctor.MetadataClosed, "the broker closed the connection")
		}
		p.facts.Cause = err.Error()
		return fail(doctor.MetadataFailed, err.Error())
	}
	if len(ans.Brokers) == 0 {
		return fail(doctor.MetadataNoBrokers, "the metadata lists no brokers")
	}
	sort.Slice(ans.Brokers, func(i, j int) bool { return ans.Brokers[i].ID < ans.Brokers[j].ID })
	p.meta = ans
	var bs []string
	for _, b := range ans.Brokers {
		bs = append(bs, fmt.Sprintf("%d %s", b.ID, b.Addr))
	}
	cluster := ans.ClusterID
	if cluster == "" {
		cluster = "(no id)"
	}
	detail := fmt.Sprintf("cluster %s, controller %d, %s: %s", cluster, ans.ControllerID, nBrokers(len(ans.Brokers)), strings.Join(bs, ", "))
	if p.refClusterID != "" && ans.ClusterID != p.refClusterID {
		p.facts.ClusterID, p.facts.OtherClusterID = ans.ClusterID, p.refClusterID
		return result{status: doctor.Warn, detail: detail, problems: []doctor.Problem{doctor.ClusterIDMismatch}}
	}
	return pass(detail)
}

// warnClusterMismatch marks a bootstrap address that answers for another
// cluster than the first one did (a bootstrap list mixing clusters).
func (p *probe) warnClusterMismatch(ref string) {
	for i := range p.t.Steps {
		s := &p.t.Steps[i]
		if s.Name == doctor.StepMetadata && s.Status == doctor.Pass {
			f := p.facts
			f.ClusterID, f.OtherClusterID = p.meta.ClusterID, ref
			s.Status = doctor.Warn
			s.Hint = doctor.Hint(doctor.ClusterIDMismatch, f)
		}
	}
}

// stepDiscover lists the brokers for `check tls`: api-versions, sasl and
// metadata on the connection the TLS step opened.
func (p *probe) stepDiscover(ctx context.Context) result {
	for _, name := range []string{doctor.StepAPIVersions, doctor.StepSASL, doctor.StepMetadata} {
		sctx, cancel := p.stepContext(ctx)
		var r result
		switch name {
		case doctor.StepAPIVersions:
			r = p.stepAPIVersions(sctx)
		case doctor.StepSASL:
			r = p.stepSASL()
		default:
			r = p.stepMetadata()
		}
		cancel()
		if r.status == doctor.Fail {
			cause := name + ": " + r.detail
			var hints []string
			for _, pr := range r.problems {
				if h := doctor.Hint(pr, p.facts); h != "" {
					hints = append(hints, h)
				}
			}
			if len(hints) > 0 {
				cause += " (" + strings.Join(hints, "; ") + ")"
			}
			p.facts.Cause = cause
			return result{status: doctor.Warn, detail: "could not list the brokers: " + name + " failed", problems: []doctor.Problem{doctor.DiscoveryFailed}}
		}
	}
	var bs []string
	for _, b := range p.meta.Brokers {
		bs = append(bs, fmt.Sprintf("%d %s", b.ID, b.Addr))
	}
	return pass(fmt.Sprintf("%s advertised: %s", nBrokers(len(p.meta.Brokers)), strings.Join(bs, ", ")))
}

func nBrokers(n int) string {
	if n == 1 {
		return "1 broker"
	}
	return fmt.Sprintf("%d brokers", n)
}

func isClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed)
}

// isRemoteAlert reports a TLS alert sent by the broker.
func isRemoteAlert(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "remote error"
}

// plainKafkaAnswers opens a fresh connection and asks ApiVersions in
// plaintext: the second opinion after a failed TLS handshake.
func (p *probe) plainKafkaAnswers(ctx context.Context) bool {
	return p.secondOpinion(ctx, func(ctx context.Context, c net.Conn) bool {
		// A deadline does not see cancel(): closing does.
		stop := context.AfterFunc(ctx, func() { _ = c.Close() })
		defer stop()
		w := &wireConn{c: c, plain: true}
		_, err := w.apiVersions()
		return err == nil
	})
}

// speaksTLS opens a fresh connection and tries a TLS handshake without
// verification: the second opinion when a plaintext request is refused.
func (p *probe) speaksTLS(ctx context.Context) bool {
	return p.secondOpinion(ctx, func(ctx context.Context, c net.Conn) bool {
		tc := tls.Client(c, &tls.Config{InsecureSkipVerify: true, ServerName: p.host}) //nolint:gosec // only asks "is this TLS?"
		err := tc.HandshakeContext(ctx)
		// An alert (e.g. "certificate required") is TLS speaking too.
		return err == nil || isRemoteAlert(err)
	})
}

// secondOpinion asks on a fresh connection to the target, within the
// second-opinion budget; false when it cannot even connect.
func (p *probe) secondOpinion(ctx context.Context, ask func(context.Context, net.Conn) bool) bool {
	ctx, cancel := context.WithTimeout(ctx, min(p.ck.timeout, secondOpinionBudget))
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", p.t.Address)
	if err != nil {
		return false
	}
	defer c.Close()
	dl, _ := ctx.Deadline()
	_ = c.SetDeadline(dl)
	return ask(ctx, c)
}
