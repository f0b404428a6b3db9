package kafka

import (
	"context"
	"fmt"
	"sort"

	"github.com/IBM/sarama"
)

// Feature is one KIP-584 feature: the range this broker supports and the
// cluster-wide finalized level (0 for a feature Kafka does not list as
// finalized: level 0 is "off", and kafka-features.sh prints it so).
type Feature struct {
	Name                  string `json:"name"`
	SupportedMinVersion   int16  `json:"supportedMinVersion"`
	SupportedMaxVersion   int16  `json:"supportedMaxVersion"`
	FinalizedVersionLevel int16  `json:"finalizedVersionLevel"`
}

// Features is the answer of `kctl cluster features`.
type Features struct {
	// Epoch is the finalized features' epoch, -1 when unknown.
	Epoch    int64     `json:"epoch"`
	Features []Feature `json:"features"`
	// AnsweredBy is the id of the broker that answered and
	// AnsweredByAddress its address, as in cluster quorum.
	AnsweredBy        int32  `json:"answeredBy"`
	AnsweredByAddress string `json:"answeredByAddress"`
}

// DescribeFeatures reads the features from one ApiVersions answer, as
// Kafka's Admin.describeFeatures does (there is no DescribeFeatures API).
// It asks for v4: Kafka 3.9+ leaves features whose minimum version is 0
// (group.version, kraft.version, ...) out of v3 answers (KAFKA-17011),
// because older clients could not parse a 0 minimum.
func (a *Admin) DescribeFeatures(ctx context.Context) (*Features, error) {
	r, err := a.apiVersions(ctx, 4)
	if err != nil {
		return nil, err
	}
	if r.resp.ErrorCode != 0 {
		return nil, fmt.Errorf("broker %s: ApiVersions: %v", r.addr, sarama.KError(r.resp.ErrorCode))
	}
	out := &Features{Epoch: r.resp.FinalizedFeaturesEpoch, AnsweredBy: r.id, AnsweredByAddress: r.addr, Features: []Feature{}}
	byName := map[string]*Feature{}
	get := func(n string) *Feature {
		if f, ok := byName[n]; ok {
			return f
		}
		f := &Feature{Name: n}
		byName[n] = f
		return f
	}
	for _, f := range r.resp.SupportedFeatures {
		x := get(f.Name)
		x.SupportedMinVersion, x.SupportedMaxVersion = f.MinVersion, f.MaxVersion
	}
	for _, f := range r.resp.FinalizedFeatures {
		get(f.Name).FinalizedVersionLevel = f.MaxVersionLevel
	}
	for _, f := range byName {
		out.Features = append(out.Features, *f)
	}
	sort.Slice(out.Features, func(i, j int) bool { return out.Features[i].Name < out.Features[j].Name })
	return out, nil
}
