package reassign

import "sort"

// Broker is a broker id and its rack ("" when none is set).
type Broker struct {
	ID   int32
	Rack string
}

// Load is what one broker (or rack) carries. Not printed as is: the JSON
// of broker balance is pkg/cli/broker's BalanceView (a rack row has no
// id, a broker row no broker count, a missing rack is null there).
type Load struct {
	ID       int32
	Rack     string
	Brokers  int // racks only
	Replicas int
	Leaders  int
	Bytes    int64
}

// Skew is max/mean of one figure over the brokers (1.0: perfectly even;
// 0 when the mean is 0), and the broker carrying the max.
type Skew struct {
	Max   float64 `json:"max"`
	Mean  float64 `json:"mean"`
	Ratio float64 `json:"ratio"`
	At    int32   `json:"brokerId"`
}

// Balance is the load per broker and per rack, and the skews that tell
// why a broker is hot: more replicas (disk, replication traffic), more
// leaders (client traffic) or more bytes.
type Balance struct {
	Brokers      []Load
	Racks        []Load
	ReplicaSkew  Skew
	LeaderSkew   Skew
	BytesSkew    Skew
	BytesUnknown []int32
}

// ComputeBalance counts replicas and leaders per broker from ps and takes
// bytes per broker from bytes (brokers missing from bytes are listed in
// BytesUnknown and count 0). Brokers that hold nothing still count in the
// mean: an empty new broker is exactly what an operator must see.
func ComputeBalance(brokers []Broker, ps []Partition, bytes map[int32]int64) Balance {
	idx := map[int32]int{}
	var b Balance
	for _, br := range brokers {
		idx[br.ID] = len(b.Brokers)
		b.Brokers = append(b.Brokers, Load{ID: br.ID, Rack: br.Rack})
	}
	for _, p := range ps {
		for _, r := range p.Replicas {
			if i, ok := idx[r]; ok {
				b.Brokers[i].Replicas++
			}
		}
		if i, ok := idx[p.Leader]; ok && p.Leader >= 0 {
			b.Brokers[i].Leaders++
		}
	}
	b.BytesUnknown = []int32{}
	for i := range b.Brokers {
		v, ok := bytes[b.Brokers[i].ID]
		if !ok {
			b.BytesUnknown = append(b.BytesUnknown, b.Brokers[i].ID)
		}
		b.Brokers[i].Bytes = v
	}
	racks := map[string]*Load{}
	for _, l := range b.Brokers {
		r := racks[l.Rack]
		if r == nil {
			r = &Load{Rack: l.Rack}
			racks[l.Rack] = r
		}
		r.Brokers++
		r.Replicas += l.Replicas
		r.Leaders += l.Leaders
		r.Bytes += l.Bytes
	}
	for _, r := range racks {
		b.Racks = append(b.Racks, *r)
	}
	sort.Slice(b.Racks, func(i, j int) bool { return b.Racks[i].Rack < b.Racks[j].Rack })
	b.ReplicaSkew = skew(b.Brokers, func(l Load) float64 { return float64(l.Replicas) })
	b.LeaderSkew = skew(b.Brokers, func(l Load) float64 { return float64(l.Leaders) })
	b.BytesSkew = skew(b.Brokers, func(l Load) float64 { return float64(l.Bytes) })
	return b
}

func skew(ls []Load, f func(Load) float64) Skew {
	if len(ls) == 0 {
		return Skew{At: -1}
	}
	s := Skew{At: ls[0].ID, Max: f(ls[0])}
	sum := 0.0
	for _, l := range ls {
		v := f(l)
		sum += v
		if v > s.Max {
			s.Max, s.At = v, l.ID
		}
	}
	s.Mean = sum / float64(len(ls))
	if s.Mean > 0 {
		s.Ratio = s.Max / s.Mean
	}
	return s
}
