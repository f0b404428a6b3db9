package kafka_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// PreferBroker sends the requests that may go to any broker (the topic
// plan's Metadata and DescribeConfigs) to the named broker, every time:
// `kctl health` names one that answered its probe, so a broker that accepts
// connections and never answers cannot turn the partition checks UNKNOWN.
func TestPreferBrokerRoutesAnyBrokerRequests(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "t", 3, 3, map[string]string{"min.insync.replicas": "2"}); err != nil {
		t.Fatal(err)
	}
	a := testkit.Admin(t, testkit.Settings(c))
	// The first describe reads the answer of connect (no request); the
	// ones below ask again.
	if _, err := a.DescribeCluster(ctx, nil); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []string
	for _, key := range []kmsg.Key{kmsg.Metadata, kmsg.DescribeConfigs} {
		c.Kfake.ControlKey(int16(key), func(kmsg.Request) (kmsg.Response, error, bool) {
			c.Kfake.KeepControl()
			mu.Lock()
			seen = append(seen, fmt.Sprintf("%s@%d", key.Name(), c.Kfake.CurrentNode()))
			mu.Unlock()
			return nil, nil, false
		})
	}
	for _, id := range []int32{2, 0, 1, 2} {
		mu.Lock()
		seen = nil
		mu.Unlock()
		a.PreferBroker(id)
		md, err := a.DescribeCluster(ctx, nil)
		if err != nil || len(md.Brokers) != 3 {
			t.Fatalf("metadata via broker %d: %v %+v", id, err, md)
		}
		minISR, failed, err := a.MinInsyncReplicas(ctx, []string{"t"})
		if err != nil || len(failed) != 0 || minISR["t"] != 2 {
			t.Fatalf("min.insync.replicas via broker %d: %v %v %v", id, minISR, failed, err)
		}
		mu.Lock()
		got := append([]string(nil), seen...)
		mu.Unlock()
		want := []string{fmt.Sprintf("Metadata@%d", id), fmt.Sprintf("DescribeConfigs@%d", id)}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("PreferBroker(%d): requests went to %v, want %v", id, got, want)
		}
	}
	// A broker id the metadata does not list falls back to the default pick.
	a.PreferBroker(9)
	if _, err := a.DescribeCluster(ctx, nil); err != nil {
		t.Fatalf("unknown preferred broker: %v", err)
	}
}
