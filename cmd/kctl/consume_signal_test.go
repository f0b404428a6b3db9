package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/sandbox"
)

// signalCluster is a 2-broker sandbox with topic "sig": partition p led by
// node p, partition 0 holding k0..k2, partition 1 holding h0..h1.
func signalCluster(t *testing.T) *sandbox.Cluster {
	t.Helper()
	c, err := sandbox.Start(sandbox.Options{Brokers: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	if err := c.CreateTopic(context.Background(), "sig", 2, 1, nil); err != nil {
		t.Fatal(err)
	}
	for p := int32(0); p < 2; p++ {
		if err := c.Kfake.MoveTopicPartition("sig", p, p); err != nil {
			t.Fatal(err)
		}
	}
	var recs []*kgo.Record
	for i := 0; i < 3; i++ {
		recs = append(recs, &kgo.Record{Topic: "sig", Partition: 0, Key: []byte(fmt.Sprintf("k%d", i)), Value: []byte(fmt.Sprintf("v%d", i))})
	}
	for i := 0; i < 2; i++ {
		recs = append(recs, &kgo.Record{Topic: "sig", Partition: 1, Key: []byte(fmt.Sprintf("h%d", i)), Value: []byte(fmt.Sprintf("w%d", i))})
	}
	produceTo(t, c, recs...)
	return c
}

func produceTo(t *testing.T, c *sandbox.Cluster, recs ...*kgo.Record) {
	t.Helper()
	cl, err := c.Client(kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// kctlCmd is the built binary with a config file of the test's own.
func kctlCmd(t *testing.T, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(binDir, "kctl"), args...)
	cmd.Env = append(os.Environ(), "KCTL_CONFIG="+filepath.Join(t.TempDir(), "kctl.yaml"))
	return cmd
}

// waitExit waits (at most 20s) for cmd to end and returns its exit status;
// a process killed by a signal is a test failure.
func waitExit(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatal("kctl did not end within 20s")
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			t.Fatalf("kctl was killed by signal %v", ws.Signal())
		}
		return ee.ExitCode()
	}
	t.Fatal(err)
	return -1
}

// waitFor polls until cond holds (at most 20s).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within 20s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestBinaryConsumeFollowInterrupt: `kctl topic consume sig --follow` run as
// a user runs it, ended by Ctrl-C (SIGINT) after it printed the records
// there and one written while it followed: exit 0, stdout exactly the
// records, stderr exactly the summary (records and next offset per
// partition, "interrupted").
func TestBinaryConsumeFollowInterrupt(t *testing.T) {
	t.Parallel()
	c := signalCluster(t)
	var out, errOut clitest.SyncBuffer
	cmd := kctlCmd(t, "--brokers", c.Bootstrap(), "topic", "consume", "sig", "--follow", "--print", "partition,offset,key,value")
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	// Partitions interleave: compare each one's lines.
	lines := func(p string) []string {
		var ls []string
		for _, l := range strings.Split(out.String(), "\n") {
			if strings.HasPrefix(l, p+"\t") {
				ls = append(ls, l)
			}
		}
		return ls
	}
	waitFor(t, "records read", func() bool { return len(lines("0")) == 3 && len(lines("1")) == 2 })
	produceTo(t, c, &kgo.Record{Topic: "sig", Partition: 1, Key: []byte("h2"), Value: []byte("w2")})
	waitFor(t, "record written while following", func() bool { return len(lines("1")) == 3 })
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if code := waitExit(t, cmd); code != 0 {
		t.Errorf("exit %d after SIGINT, want 0; stderr %q", code, errOut.String())
	}
	if got, want := strings.Join(lines("0"), "\n"), "0\t0\tk0\tv0\n0\t1\tk1\tv1\n0\t2\tk2\tv2"; got != want {
		t.Errorf("partition 0 lines %q, want %q", got, want)
	}
	if got, want := strings.Join(lines("1"), "\n"), "1\t0\th0\tw0\n1\t1\th1\tw1\n1\t2\th2\tw2"; got != want {
		t.Errorf("partition 1 lines %q, want %q", got, want)
	}
	if n := strings.Count(out.String(), "\n"); n != 6 || !strings.HasSuffix(out.String(), "\n") {
		t.Errorf("stdout %q: want exactly the 6 records", out.String())
	}
	want := regexp.MustCompile(`^Consumed 6 records from sig \(partition 0: 3, next offset 3; partition 1: 3, next offset 3\) in \d+\.\ds: interrupted\.\n$`)
	if !want.MatchString(errOut.String()) {
		t.Errorf("stderr %q, want %s", errOut.String(), want)
	}
}

// TestBinaryConsumeStdoutClosed: `kctl topic consume sig -p 0 --follow |
// head -1`: once the reader is gone, the next record finds stdout closed and
// the command ends cleanly (no panic, not killed by SIGPIPE), exit 0, its
// summary on stderr counting only the records that reached the pipe.
func TestBinaryConsumeStdoutClosed(t *testing.T) {
	t.Parallel()
	c := signalCluster(t)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var errOut clitest.SyncBuffer
	cmd := kctlCmd(t, "--brokers", c.Bootstrap(), "topic", "consume", "sig", "-p", "0", "--follow")
	cmd.Stdout, cmd.Stderr = pw, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	pw.Close()
	// head -1: read a line, then go away.
	first, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil || first != "k0\tv0\n" {
		t.Fatalf("first line %q, %v", first, err)
	}
	pr.Close()
	produceTo(t, c, &kgo.Record{Topic: "sig", Partition: 0, Key: []byte("k3"), Value: []byte("v3")})
	if code := waitExit(t, cmd); code != 0 {
		t.Errorf("exit %d with stdout closed, want 0; stderr %q", code, errOut.String())
	}
	// k0..k2 reached the pipe before it closed (in one write, or in more
	// if they came in more than one batch: some may have found it closed);
	// k3 cannot have: the summary counts n of them, 1 <= n <= 3, and
	// continues at n.
	m := regexp.MustCompile(`^Consumed (\d) records from sig \(partition 0: (\d), next offset (\d)\) in \d+\.\ds: the output was closed\.\n$`).FindStringSubmatch(errOut.String())
	if m == nil || m[1] != m[2] || m[2] != m[3] || m[1] < "1" || m[1] > "3" {
		t.Errorf("stderr %q: want the summary of 1 to 3 records, next offset the count, \"the output was closed\"", errOut.String())
	}
}

// TestBinaryConsumeHeadOne: `kctl topic consume big | head -1` without
// --follow, on a partition whose records (about 200 KB, read in one Fetch)
// do not fit in the pipe: the reader goes away after one line, the write
// fails, and kctl ends cleanly, exit 0, saying so. The batch that did not
// fully reach the pipe is not counted.
func TestBinaryConsumeHeadOne(t *testing.T) {
	t.Parallel()
	c := signalCluster(t)
	if err := c.CreateTopic(context.Background(), "big", 1, 1, nil); err != nil {
		t.Fatal(err)
	}
	var recs []*kgo.Record
	for i := 0; i < 2000; i++ {
		recs = append(recs, &kgo.Record{Topic: "big", Partition: 0, Key: []byte(fmt.Sprintf("k%04d", i)), Value: bytes.Repeat([]byte{'v'}, 100)})
	}
	produceTo(t, c, recs...)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var errOut clitest.SyncBuffer
	cmd := kctlCmd(t, "--brokers", c.Bootstrap(), "topic", "consume", "big")
	cmd.Stdout, cmd.Stderr = pw, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	pw.Close()
	first, err := bufio.NewReader(pr).ReadString('\n')
	if want := "k0000\t" + strings.Repeat("v", 100) + "\n"; err != nil || first != want {
		t.Fatalf("first line %q, %v; want %q", first, err, want)
	}
	pr.Close()
	if code := waitExit(t, cmd); code != 0 {
		t.Errorf("exit %d with stdout closed, want 0; stderr %q", code, errOut.String())
	}
	if want := regexp.MustCompile(`^Consumed 0 records from big in \d+\.\ds: the output was closed\.\n$`); !want.MatchString(errOut.String()) {
		t.Errorf("stderr %q, want %s", errOut.String(), want)
	}
}
