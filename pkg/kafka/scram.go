package kafka

import (
	"crypto/sha256"
	"crypto/sha512"
	"sync"

	"github.com/xdg-go/scram"
)

var (
	sha256Gen scram.HashGeneratorFcn = sha256.New
	sha512Gen scram.HashGeneratorFcn = sha512.New
)

// scramKeys is shared by the SCRAM conversations of one command's
// connections (one per SaramaConfig): the salted password (PBKDF2, 4096
// rounds and more: milliseconds of CPU) is derived once for the user's
// salt and iteration count and reused, as RFC 5802 (section 5.1) allows.
// A plan that sets up several connections at once (Options.PreOpen)
// would otherwise derive it once per connection, and the CPU of those
// derivations would delay the bootstrap connection's own set-up.
type scramKeys struct {
	hash scram.HashGeneratorFcn

	mu     sync.Mutex
	client *scram.Client // caches the derived keys, per salt and iteration count
	id     [3]string     // user, password, authorization id of client
	// step serialises the conversations' steps: the first to receive the
	// server's salt derives the keys while the others wait, then find
	// them in client's cache (xdg-go/scram computes on a miss without
	// coordinating, so concurrent misses would each derive them).
	step sync.Mutex
}

func newSCRAMGenerator(hash scram.HashGeneratorFcn) func() *scramClient {
	k := &scramKeys{hash: hash}
	return func() *scramClient { return &scramClient{keys: k} }
}

// scramClient adapts xdg-go/scram to sarama.SCRAMClient.
type scramClient struct {
	keys *scramKeys
	conv *scram.ClientConversation
}

func (c *scramClient) Begin(user, pass, authzID string) error {
	k := c.keys
	k.mu.Lock()
	defer k.mu.Unlock()
	if id := [3]string{user, pass, authzID}; k.client == nil || k.id != id {
		cl, err := k.hash.NewClient(user, pass, authzID)
		if err != nil {
			return err
		}
		k.client, k.id = cl, id
	}
	c.conv = k.client.NewConversation()
	return nil
}

func (c *scramClient) Step(challenge string) (string, error) {
	c.keys.step.Lock()
	defer c.keys.step.Unlock()
	return c.conv.Step(challenge)
}

func (c *scramClient) Done() bool { return c.conv.Done() }
