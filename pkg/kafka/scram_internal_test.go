package kafka

import (
	"crypto/sha512"
	"hash"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/xdg-go/scram"
)

// countingHash counts Sum calls: PBKDF2's HMAC makes 2 per round (inner
// and outer hash).
type countingHash struct {
	hash.Hash
	sums *atomic.Int64
}

func (h countingHash) Sum(b []byte) []byte {
	h.sums.Add(1)
	return h.Hash.Sum(b)
}

// The conversations of one command's connections, run at once, derive the
// salted password (4096 PBKDF2 rounds) once, and every one authenticates;
// a wrong password still fails.
func TestSCRAMKeysDerivedOncePerCommand(t *testing.T) {
	var sums atomic.Int64
	var gen scram.HashGeneratorFcn = func() hash.Hash { return countingHash{sha512.New(), &sums} }
	kf := scram.KeyFactors{Salt: "salt-of-admin", Iters: 4096}
	creds, err := scram.SHA512.NewClient("admin", "admin-secret", "")
	if err != nil {
		t.Fatal(err)
	}
	stored, err := creds.GetStoredCredentialsWithError(kf)
	if err != nil {
		t.Fatal(err)
	}
	server, err := scram.SHA512.NewServer(func(string) (scram.StoredCredentials, error) { return stored, nil })
	if err != nil {
		t.Fatal(err)
	}
	// converse runs one client conversation against the server.
	converse := func(c *scramClient, pass string) bool {
		if err := c.Begin("admin", pass, ""); err != nil {
			t.Error(err)
			return false
		}
		sc := server.NewConversation()
		msg, err := c.Step("")
		for err == nil && !c.Done() {
			var reply string
			if reply, err = sc.Step(msg); err != nil {
				break
			}
			msg, err = c.Step(reply)
		}
		return err == nil && sc.Valid()
	}

	newClient := newSCRAMGenerator(gen)
	const conns = 6
	var wg sync.WaitGroup
	var ok atomic.Int64
	for i := 0; i < conns; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if converse(newClient(), "admin-secret") {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != conns {
		t.Fatalf("%d of %d conversations authenticated", ok.Load(), conns)
	}
	if n := sums.Load(); n >= 2*2*int64(kf.Iters) {
		t.Errorf("%d hash sums for %d conversations: the salted password was derived more than once", n, conns)
	}
	if converse(newClient(), "wrong") {
		t.Error("a wrong password authenticated")
	}
}
