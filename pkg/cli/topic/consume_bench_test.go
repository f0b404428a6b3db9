package topic_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// seedValues writes n records of 100-byte values (and 8-byte keys) to a new
// topic of parts partitions, in large batches.
func seedValues(b testing.TB, c *sandbox.Cluster, topic string, parts int32, n int) {
	b.Helper()
	if err := c.CreateTopic(context.Background(), topic, parts, 1, nil); err != nil {
		b.Fatal(err)
	}
	cl, err := c.Client(kgo.ProducerLinger(5*time.Millisecond), kgo.ProducerBatchMaxBytes(1<<20), kgo.MaxBufferedRecords(100_000),
		kgo.RecordPartitioner(kgo.RoundRobinPartitioner()), kgo.ProducerBatchCompression(kgo.NoCompression()))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	val := bytes.Repeat([]byte("v"), 100)
	errc := make(chan error, 1)
	for i := 0; i < n; i++ {
		cl.Produce(context.Background(), &kgo.Record{Topic: topic, Key: []byte(fmt.Sprintf("%08d", i)), Value: val}, func(_ *kgo.Record, err error) {
			if err != nil {
				select {
				case errc <- err:
				default:
				}
			}
		})
	}
	if err := cl.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
	select {
	case err := <-errc:
		b.Fatal(err)
	default:
	}
}

// BenchmarkConsumeJSON runs the built binary, as a user would:
// `kctl topic consume T -o json > /dev/null` over a topic of 100-byte
// values (4 partitions), reporting records/s and the process's peak RSS,
// for two topic sizes (the RSS must not grow with the topic); and kcat's
// JSON envelope (`kcat -C -e -J`) on the same topic when kcat is installed
// (Debian: apt-get install kcat), for comparison.
func BenchmarkConsumeJSON(b *testing.B) {
	for _, n := range []int{250_000, 1_000_000} {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			c := testkit.Cluster(b, sandbox.Options{Brokers: 1})
			seedValues(b, c, "bench", 4, n)
			b.Run("kctl", func(b *testing.B) {
				benchConsume(b, c, n, "topic", "consume", "bench", "-o", "json")
			})
			b.Run("kcat", func(b *testing.B) {
				benchKcat(b, c, n)
			})
		})
	}
}

// benchKcat reads the topic with kcat (librdkafka) to its end, JSON
// envelopes, counting the lines it writes (the count must be n).
func benchKcat(b *testing.B, c *sandbox.Cluster, n int) {
	kcat, err := exec.LookPath("kcat")
	if err != nil {
		b.Skip("kcat is not installed (apt-get install kcat): no comparison")
	}
	var peak int64
	var wall time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(kcat, "-C", "-b", c.Bootstrap(), "-t", "bench", "-o", "beginning", "-e", "-J", "-q")
		out, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		var errOut bytes.Buffer
		cmd.Stderr = &errOut
		lines := make(chan int, 1)
		go func() {
			buf := make([]byte, 1<<20)
			count := 0
			for {
				k, err := out.Read(buf)
				count += bytes.Count(buf[:k], []byte{'\n'})
				if err != nil {
					lines <- count
					return
				}
			}
		}()
		start := time.Now()
		kb, err := runPeakRSS(cmd)
		got := <-lines
		if err != nil {
			b.Fatalf("kcat: %v\n%s", err, errOut.String())
		}
		wall += time.Since(start)
		if got != n {
			b.Fatalf("kcat wrote %d records, want %d\n%s", got, n, errOut.String())
		}
		peak = max(peak, kb)
	}
	b.StopTimer()
	b.ReportMetric(float64(peak)/1024, "MB-peak-rss")
	b.ReportMetric(wall.Seconds()/float64(b.N), "s-wall/op")
	b.ReportMetric(float64(n)*float64(b.N)/wall.Seconds(), "records/s")
}

func benchConsume(b *testing.B, c *sandbox.Cluster, n int, args ...string) {
	bin := kctlBinary(b)
	cfg := filepath.Join(b.TempDir(), "config.yaml")
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devnull.Close()
	var peak int64
	var wall time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin, append([]string{"--brokers", c.Bootstrap(), "--config", cfg, "--timeout", "120s"}, args...)...)
		var errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = devnull, &errOut
		start := time.Now()
		kb, err := runPeakRSS(cmd)
		if err != nil {
			b.Fatalf("kctl: %v\n%s", err, errOut.String())
		}
		wall += time.Since(start)
		if want := fmt.Sprintf("Consumed %d records from", n); !strings.HasPrefix(errOut.String(), want) {
			b.Fatalf("stderr %q, want %q...", errOut.String(), want)
		}
		peak = max(peak, kb)
	}
	b.StopTimer()
	b.ReportMetric(float64(peak)/1024, "MB-peak-rss")
	b.ReportMetric(wall.Seconds()/float64(b.N), "s-wall/op")
	b.ReportMetric(float64(n)*float64(b.N)/wall.Seconds(), "records/s")
}

// BenchmarkProduceAcksAll runs the built binary on 500,000 lines of
// 100-byte values from a file (`kctl topic produce T --file F`, acks all,
// idempotent), on 4 partitions, keys by line: records/s and peak RSS.
func BenchmarkProduceAcksAll(b *testing.B) {
	const n = 500_000
	c := testkit.Cluster(b, sandbox.Options{Brokers: 1})
	if err := c.CreateTopic(context.Background(), "bench-in", 4, 1, nil); err != nil {
		b.Fatal(err)
	}
	input := filepath.Join(b.TempDir(), "input.txt")
	var buf bytes.Buffer
	val := strings.Repeat("v", 100)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&buf, "%08d:%s\n", i, val)
	}
	if err := os.WriteFile(input, buf.Bytes(), 0o600); err != nil {
		b.Fatal(err)
	}
	bin := kctlBinary(b)
	cfg := filepath.Join(b.TempDir(), "config.yaml")
	var peak int64
	var wall time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin, "--brokers", c.Bootstrap(), "--config", cfg, "--timeout", "60s", "topic", "produce", "bench-in", "--file", input, "--key-separator", ":")
		var errOut bytes.Buffer
		cmd.Stderr = &errOut
		start := time.Now()
		kb, err := runPeakRSS(cmd)
		if err != nil {
			b.Fatalf("kctl: %v\n%s", err, errOut.String())
		}
		wall += time.Since(start)
		if want := fmt.Sprintf("Wrote %d records to bench-in with acks all, idempotent: ", n); !strings.HasPrefix(errOut.String(), want) {
			b.Fatalf("stderr %q, want %q...", errOut.String(), want)
		}
		peak = max(peak, kb)
	}
	b.StopTimer()
	b.ReportMetric(float64(peak)/1024, "MB-peak-rss")
	b.ReportMetric(wall.Seconds()/float64(b.N), "s-wall/op")
	b.ReportMetric(float64(n)*float64(b.N)/wall.Seconds(), "records/s")
}
