package kafka

import (
	"context"
	"fmt"
	"net"
	"sort"

	"github.com/IBM/sarama"
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

// Cluster describes the cluster from one fresh Metadata request (no topics).
func (a *Admin) Cluster(ctx context.Context) (*ClusterInfo, error) {
	b, err := a.anyBroker()
	if err != nil {
		return nil, err
	}
	req := sarama.NewMetadataRequest(a.conf.Version, nil)
	req.AllowAutoTopicCreation = false
	resp, err := Do(ctx, "metadata from "+b.Addr(), func() (*sarama.MetadataResponse, error) { return b.GetMetadata(req) })
	if err != nil {
		return nil, a.classify(b.Addr(), err)
	}
	info := &ClusterInfo{ControllerID: resp.ControllerID}
	if resp.ClusterID != nil {
		info.ClusterID = *resp.ClusterID
	}
	for _, br := range resp.Brokers {
		bb := Broker{ID: br.ID(), Addr: br.Addr()}
		bb.Rack = br.Rack()
		info.Brokers = append(info.Brokers, bb)
	}
	sort.Slice(info.Brokers, func(i, j int) bool { return info.Brokers[i].ID < info.Brokers[j].ID })
	return info, nil
}

// anyBroker returns a connected broker from the client (the least loaded).
func (a *Admin) anyBroker() (*sarama.Broker, error) {
	bs := a.client.Brokers()
	if len(bs) == 0 {
		return nil, fmt.Errorf("the cluster metadata lists no brokers")
	}
	b, err := a.client.LeastLoadedBroker(), error(nil)
	if b == nil {
		b = bs[0]
	}
	if ok, _ := b.Connected(); !ok {
		if err = b.Open(a.conf); err != nil && err != sarama.ErrAlreadyConnected {
			return nil, a.classify(b.Addr(), err)
		}
	}
	return b, nil
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
	b, err := a.anyBroker()
	if err != nil {
		return "", nil, err
	}
	resp, err := Do(ctx, "api versions from "+b.Addr(), func() (*sarama.ApiVersionsResponse, error) {
		return b.ApiVersions(&sarama.ApiVersionsRequest{Version: 3, ClientSoftwareName: "kctl", ClientSoftwareVersion: "1"})
	})
	if err != nil {
		return b.Addr(), nil, a.classify(b.Addr(), err)
	}
	if resp.ErrorCode != 0 {
		return b.Addr(), nil, fmt.Errorf("broker %s: ApiVersions: %v", b.Addr(), sarama.KError(resp.ErrorCode))
	}
	for _, k := range resp.ApiKeys {
		apis = append(apis, APIVersion{Key: k.ApiKey, Name: APIName(k.ApiKey), Min: k.MinVersion, Max: k.MaxVersion})
	}
	sort.Slice(apis, func(i, j int) bool { return apis[i].Key < apis[j].Key })
	return b.Addr(), apis, nil
}

// SplitAddr splits host:port, tolerating a missing port.
func SplitAddr(addr string) (host, port string) {
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		return addr, ""
	}
	return h, p
}
