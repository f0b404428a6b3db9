package kafka

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sort"

	"github.com/IBM/sarama"

	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/errs"
)

// Kafka error codes sarama has no constant for.
const (
	errResourceNotFound       sarama.KError = 91
	errDuplicateResource      sarama.KError = 92
	errUnacceptableCredential sarama.KError = 93
)

// SCRAM iteration bounds Kafka enforces (ScramMechanism).
const (
	MinSCRAMIterations = 4096
	MaxSCRAMIterations = 16384
)

// SCRAMCredential is one user's credential for one mechanism.
type SCRAMCredential struct {
	User       string `json:"user"`
	Mechanism  string `json:"mechanism"`
	Iterations int32  `json:"iterations"`
}

// UserError is a per-user failure of DescribeUserScramCredentials.
type UserError struct {
	User string
	Err  error
}

func (e UserError) Error() string { return fmt.Sprintf("user %s: %v", e.User, e.Err) }

// ErrNoCredentials marks a user without SCRAM credentials.
var ErrNoCredentials = errors.New("no SCRAM credentials")

// DescribeSCRAM lists SCRAM credentials (never the secrets) with one
// DescribeUserScramCredentials request: of the named users, or of every
// user when users is empty. Users the broker reports individually (unknown
// users, most often) come back as UserErrors.
func (a *Admin) DescribeSCRAM(ctx context.Context, users []string) ([]SCRAMCredential, []UserError, error) {
	b, err := a.anyBroker()
	if err != nil {
		return nil, nil, err
	}
	req := &sarama.DescribeUserScramCredentialsRequest{}
	for _, u := range users {
		req.DescribeUsers = append(req.DescribeUsers, sarama.DescribeUserScramCredentialsRequestUser{Name: u})
	}
	resp, err := request(ctx, a, b, "describe SCRAM users on "+b.Addr, func(conn *sarama.Broker) (*sarama.DescribeUserScramCredentialsResponse, error) {
		return conn.DescribeUserScramCredentials(req)
	}, true)
	if err != nil {
		return nil, nil, a.scramCallError(b.Addr, "describe SCRAM credentials", err)
	}
	if resp.ErrorCode != sarama.ErrNoError {
		return nil, nil, a.aclError(b.Addr, "describe SCRAM credentials", "Describe", resp.ErrorCode, resp.ErrorMessage)
	}
	var creds []SCRAMCredential
	var failed []UserError
	for _, r := range resp.Results {
		switch r.ErrorCode {
		case sarama.ErrNoError:
		case errResourceNotFound:
			failed = append(failed, UserError{User: r.User, Err: ErrNoCredentials})
			continue
		default:
			failed = append(failed, UserError{User: r.User, Err: errors.New(kerrText(r.ErrorCode, r.ErrorMessage))})
			continue
		}
		for _, ci := range r.CredentialInfos {
			creds = append(creds, SCRAMCredential{User: r.User, Mechanism: mechanismName(ci.Mechanism), Iterations: ci.Iterations})
		}
	}
	sort.Slice(creds, func(i, j int) bool {
		if creds[i].User != creds[j].User {
			return creds[i].User < creds[j].User
		}
		return creds[i].Mechanism < creds[j].Mechanism
	})
	sort.Slice(failed, func(i, j int) bool { return failed[i].User < failed[j].User })
	return creds, failed, nil
}

// UpsertSCRAM creates or replaces one user's credential for one mechanism.
// Only the salted password travels: sarama derives it from password and a
// fresh random salt.
func (a *Admin) UpsertSCRAM(ctx context.Context, user, mechanism string, iterations int32, password []byte) error {
	mech, err := scramMechanism(mechanism)
	if err != nil {
		return err
	}
	if iterations < MinSCRAMIterations || iterations > MaxSCRAMIterations {
		return errs.Usagef("--iterations %d is out of range: Kafka accepts %d to %d", iterations, MinSCRAMIterations, MaxSCRAMIterations)
	}
	salt := make([]byte, 32)
	if _, err := rand.Read(salt); err != nil {
		return fmt.Errorf("generate a salt: %w", err)
	}
	req := &sarama.AlterUserScramCredentialsRequest{Upsertions: []sarama.AlterUserScramCredentialsUpsert{{
		Name: user, Mechanism: mech, Iterations: iterations, Salt: salt, Password: password,
	}}}
	return a.alterSCRAM(ctx, "set the "+mechanism+" credential of user "+user, req)
}

// DeleteSCRAM deletes one user's credential for one mechanism.
func (a *Admin) DeleteSCRAM(ctx context.Context, user, mechanism string) error {
	mech, err := scramMechanism(mechanism)
	if err != nil {
		return err
	}
	req := &sarama.AlterUserScramCredentialsRequest{Deletions: []sarama.AlterUserScramCredentialsDelete{{Name: user, Mechanism: mech}}}
	return a.alterSCRAM(ctx, "delete the "+mechanism+" credential of user "+user, req)
}

// alterSCRAM sends AlterUserScramCredentials to the controller, as Kafka
// requires, refreshing the controller once if the broker says it moved.
func (a *Admin) alterSCRAM(ctx context.Context, what string, req *sarama.AlterUserScramCredentialsRequest) error {
	for attempt := 0; ; attempt++ {
		b, err := a.controller()
		if err != nil {
			return fmt.Errorf("cannot %s: no controller in the cluster metadata: %w", what, err)
		}
		resp, err := request(ctx, a, b, what+" on "+b.Addr, func(conn *sarama.Broker) (*sarama.AlterUserScramCredentialsResponse, error) {
			return conn.AlterUserScramCredentials(req)
		}, true)
		if err != nil {
			return a.scramCallError(b.Addr, "manage SCRAM credentials", err)
		}
		if len(resp.Results) == 0 {
			return fmt.Errorf("broker %s: cannot %s: the broker answered no result", b.Addr, what)
		}
		r := resp.Results[0]
		switch r.ErrorCode {
		case sarama.ErrNoError:
			return nil
		case sarama.ErrNotController:
			if attempt == 0 {
				if err := a.refreshMetadata(ctx, nil); err == nil {
					continue
				}
			}
		case errResourceNotFound:
			return fmt.Errorf("broker %s: cannot %s: the user has no such credential", b.Addr, what)
		case errUnacceptableCredential:
			return fmt.Errorf("broker %s: cannot %s: the broker rejected the credential (%s)", b.Addr, what, kerrText(r.ErrorCode, r.ErrorMessage))
		}
		return a.aclError(b.Addr, what, "Alter", r.ErrorCode, r.ErrorMessage)
	}
}

// scramCallError explains a transport-level failure from onBroker, notably
// brokers older than Kafka 2.7, which lack the SCRAM admin APIs.
func (a *Admin) scramCallError(addr, what string, err error) error {
	if errors.Is(err, sarama.ErrUnsupportedVersion) {
		return fmt.Errorf("broker %s: cannot %s: the broker does not support the SCRAM admin API (Kafka 2.7 or newer; older clusters use kafka-configs.sh --zookeeper)", addr, what)
	}
	if unsent(err) {
		return a.classify(addr, err)
	}
	return err // worded by onBroker
}

func scramMechanism(m string) (sarama.ScramMechanismType, error) {
	switch m {
	case config.MechSHA256:
		return sarama.SCRAM_MECHANISM_SHA_256, nil
	case config.MechSHA512:
		return sarama.SCRAM_MECHANISM_SHA_512, nil
	}
	return sarama.SCRAM_MECHANISM_UNKNOWN, errs.Usagef("unknown SCRAM mechanism %q: use SCRAM-SHA-256 or SCRAM-SHA-512", m)
}

func mechanismName(m sarama.ScramMechanismType) string {
	switch m {
	case sarama.SCRAM_MECHANISM_SHA_256:
		return config.MechSHA256
	case sarama.SCRAM_MECHANISM_SHA_512:
		return config.MechSHA512
	}
	return fmt.Sprintf("UNKNOWN(%d)", m)
}
