package kafka

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"time"

	"github.com/IBM/sarama"

	"github.com/kctl-dev/kctl/pkg/errs"
)

// Broker is one broker as the cluster metadata describes it.
type Broker struct {
	ID   int32  `json:"id" yaml:"id"`
	Addr string `json:"address" yaml:"address"`
	Rack string `json:"rack,omitempty" yaml:"rack,omitempty"`
}

// ClusterInfo is the answer to one Metadata request.
type ClusterInfo struct {
	ClusterID    string   `json:"clusterId"`
	ControllerID int32    `json:"controllerId"`
	Brokers      []Broker `json:"brokers"`
}

// Cluster describes the cluster from one fresh Metadata request. sarama
// cannot ask for "no topics" (an empty list encodes as "all topics"), so the
// answer carries every topic; only the broker part is kept.
func (a *Admin) Cluster(ctx context.Context) (*ClusterInfo, error) {
	req := sarama.NewMetadataRequest(a.conf.Version, nil)
	req.AllowAutoTopicCreation = false
	type answer struct {
		addr string
		resp *sarama.MetadataResponse
	}
	b, err := a.anyBroker()
	if err != nil {
		return nil, err
	}
	// Waiting for the connection happens inside Do: it can hang as long
	// as a request can.
	r, err := Do(ctx, "broker "+b.Addr()+": Metadata", func() (answer, error) {
		if err := a.connected(b); err != nil {
			return answer{}, err
		}
		resp, err := b.GetMetadata(req)
		if err != nil {
			return answer{}, a.classify(b.Addr(), err)
		}
		return answer{b.Addr(), resp}, nil
	})
	if err != nil {
		return nil, err
	}
	resp := r.resp
	info := &ClusterInfo{ControllerID: resp.ControllerID}
	if resp.ClusterID != nil {
		info.ClusterID = *resp.ClusterID
	}
	for _, br := range resp.Brokers {
		info.Brokers = append(info.Brokers, Broker{ID: br.ID(), Addr: br.Addr(), Rack: br.Rack()})
	}
	sort.Slice(info.Brokers, func(i, j int) bool { return info.Brokers[i].ID < info.Brokers[j].ID })
	return info, nil
}

// anyBroker picks the least loaded broker of the client and starts opening
// its connection if needed, without waiting: call connected inside Do.
func (a *Admin) anyBroker() (*sarama.Broker, error) {
	if id := a.preferred.Load() - 1; id >= 0 {
		if b, err := a.client.Broker(id); err == nil { // opens it asynchronously
			return b, nil
		}
	}
	b := a.client.LeastLoadedBroker() // opens it asynchronously
	if b == nil {
		bs := a.client.Brokers()
		if len(bs) == 0 {
			return nil, &errs.Unreachable{Msg: "the cluster metadata lists no brokers"}
		}
		b = bs[0]
		if err := b.Open(a.conf); err != nil && !errors.Is(err, sarama.ErrAlreadyConnected) {
			return nil, a.classify(b.Addr(), err)
		}
	}
	return b, nil
}

// connected waits until b's connection is open (or failed). sarama's Open
// marks the broker opened before its connecting goroutine takes the broker
// lock, so a request sent in that window by another goroutine fails with
// "broker not connected": poll until the connection is really there.
func (a *Admin) connected(b *sarama.Broker) error {
	deadline := time.Now().Add(a.conf.Net.DialTimeout + time.Second)
	for {
		ok, err := b.Connected()
		if err != nil {
			return a.classify(b.Addr(), err)
		}
		if ok {
			return nil
		}
		if err := b.Open(a.conf); err != nil && !errors.Is(err, sarama.ErrAlreadyConnected) {
			return a.classify(b.Addr(), err)
		}
		if time.Now().After(deadline) {
			return a.classify(b.Addr(), sarama.ErrNotConnected)
		}
		time.Sleep(time.Millisecond)
	}
}

// APIVersion is one API's supported range on a broker.
type APIVersion struct {
	Key  int16  `json:"key"`
	Name string `json:"name"`
	Min  int16  `json:"minVersion"`
	Max  int16  `json:"maxVersion"`
}

// APIVersions asks one broker for its ApiVersions.
func (a *Admin) APIVersions(ctx context.Context) (addr string, apis []APIVersion, err error) {
	type answer struct {
		addr string
		resp *sarama.ApiVersionsResponse
	}
	b, err := a.anyBroker()
	if err != nil {
		return "", nil, err
	}
	r, err := Do(ctx, "broker "+b.Addr()+": ApiVersions", func() (answer, error) {
		if err := a.connected(b); err != nil {
			return answer{b.Addr(), nil}, err
		}
		// v3 is what every broker from 2.4 answers; older ones answer
		// with an UNSUPPORTED_VERSION error and their range at v0, which
		// sarama's client already negotiated at connect.
		resp, err := b.ApiVersions(&sarama.ApiVersionsRequest{Version: 3, ClientSoftwareName: "kctl", ClientSoftwareVersion: "1"})
		if err != nil {
			return answer{b.Addr(), nil}, a.classify(b.Addr(), err)
		}
		return answer{b.Addr(), resp}, nil
	})
	if err != nil {
		return b.Addr(), nil, err
	}
	resp := r.resp
	if resp.ErrorCode != 0 {
		return r.addr, nil, fmt.Errorf("broker %s: ApiVersions: %v", r.addr, sarama.KError(resp.ErrorCode))
	}
	for _, k := range resp.ApiKeys {
		apis = append(apis, APIVersion{Key: k.ApiKey, Name: APIName(k.ApiKey), Min: k.MinVersion, Max: k.MaxVersion})
	}
	sort.Slice(apis, func(i, j int) bool { return apis[i].Key < apis[j].Key })
	return r.addr, apis, nil
}

// SplitAddr splits host:port, tolerating a missing port.
func SplitAddr(addr string) (host, port string) {
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		return addr, ""
	}
	return h, p
}
