package kafka

import (
	"context"
	"encoding/json"
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
	Rack string `json:"rack" yaml:"rack"`
}

// MarshalJSON writes rack as null for a broker without broker.rack: an
// absent value is null in kctl's JSON, never left out or "".
func (b Broker) MarshalJSON() ([]byte, error) {
	v := struct {
		ID   int32   `json:"id"`
		Addr string  `json:"address"`
		Rack *string `json:"rack"`
	}{ID: b.ID, Addr: b.Addr}
	if b.Rack != "" {
		v.Rack = &b.Rack
	}
	return json.Marshal(v)
}

// ClusterInfo is the answer to one Metadata request.
type ClusterInfo struct {
	ClusterID    string   `json:"clusterId"`
	ControllerID int32    `json:"controllerId"`
	Brokers      []Broker `json:"brokers"`
}

// Cluster describes the cluster from one Metadata answer: Connect's, when
// no describe used it yet (sarama cannot ask for "no topics", so a fresh
// request would carry every topic anyway); only the broker part is kept.
func (a *Admin) Cluster(ctx context.Context) (*ClusterInfo, error) {
	md, err := a.metadata(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &ClusterInfo{ClusterID: md.ClusterID, ControllerID: md.ControllerID, Brokers: md.Brokers}, nil
}

// anyBroker is the broker for requests any broker can answer: the
// preferred broker (PreferBroker), else the broker the bootstrap connection
// reached (its connection is in the pool: no dial), else the first live
// broker. The request goes out on a leased connection (onBroker).
func (a *Admin) anyBroker() (Broker, error) {
	if id := a.preferred.Load() - 1; id >= 0 {
		if b, err := a.brokerFor(id); err == nil {
			return b, nil
		}
	}
	a.t.mu.Lock()
	seed, seedID := a.t.seed, a.t.seedID
	a.t.mu.Unlock()
	if seed != nil {
		return a.brokerFor(seedID)
	}
	bs := a.t.brokerList()
	if len(bs) == 0 {
		return Broker{}, &errs.Unreachable{Msg: "the cluster metadata lists no brokers"}
	}
	return bs[0], nil
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
	r, err := a.apiVersions(ctx, 3)
	if err != nil {
		return r.addr, nil, err
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

type apiVersionsAnswer3 struct {
	id   int32 // the broker's id in the metadata
	addr string
	resp *sarama.ApiVersionsResponse
}

// apiVersions sends ApiVersions (v3+: the supported and finalized features
// of KIP-584 too) to one broker; sarama lowers version to what the broker
// offers.
func (a *Admin) apiVersions(ctx context.Context, version int16) (apiVersionsAnswer3, error) {
	b, err := a.anyBroker()
	if err != nil {
		return apiVersionsAnswer3{}, err
	}
	// v3 is what every broker from 2.4 answers; older ones answer with an
	// UNSUPPORTED_VERSION error and their range at v0, which sarama
	// already negotiated at connect.
	resp, err := send(ctx, a, b, "broker "+b.Addr+": ApiVersions", func(conn *sarama.Broker) (*sarama.ApiVersionsResponse, error) {
		return conn.ApiVersions(&sarama.ApiVersionsRequest{Version: version, ClientSoftwareName: "kctl", ClientSoftwareVersion: "1"})
	})
	if err != nil {
		return apiVersionsAnswer3{b.ID, b.Addr, nil}, err
	}
	return apiVersionsAnswer3{b.ID, b.Addr, resp}, nil
}

// SplitAddr splits host:port, tolerating a missing port.
func SplitAddr(addr string) (host, port string) {
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		return addr, ""
	}
	return h, p
}
