package broker

import (
	"context"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/output/text"
	"github.com/kctl-dev/kctl/pkg/reassign"
)

// BalanceOptions are the inputs of `kctl broker balance`.
type BalanceOptions struct {
	F *cmdutil.Factory
}

// BalanceHeaders are the broker table's columns.
var BalanceHeaders = []string{"BROKER", "RACK", "REPLICAS", "LEADERS", "BYTES"}

// RackHeaders are the rack table's columns.
var RackHeaders = []string{"RACK", "BROKERS", "REPLICAS", "LEADERS", "BYTES"}

// NewCmdBalance returns `kctl broker balance`.
func NewCmdBalance(f *cmdutil.Factory, runF func(*BalanceOptions) error) *cobra.Command {
	opts := &BalanceOptions{F: f}
	return &cobra.Command{
		Use:   "balance",
		Short: "Replicas, leaders and bytes per broker and rack, with their skew",
		Long: `Show what each broker carries: replicas (disk and replication traffic),
leaders (client traffic) and bytes on disk (DescribeLogDirs, current
replicas only), then the same per rack, and for each figure the skew
max/mean over the brokers (1.00 is perfectly even), naming the broker with
the max. A broker that carries nothing counts in the mean: a new, empty
broker is exactly the imbalance to see. Read-only.

Requests: one Metadata (the one connecting reads) and one DescribeLogDirs
per broker, all in parallel.
partitions reassign --generate moves replicas to even the figures out.`,
		Example: `  kctl broker balance
  kctl broker balance -o json | jq .leaderSkew`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return RunBalance(cmd.Context(), opts)
		},
	}
}

// RunBalance runs `broker balance`.
func RunBalance(parent context.Context, o *BalanceOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	var md *kafka.Metadata
	var dirs map[int32][]kafka.LogDir
	var failed map[int32]error
	known := a.KnownBrokers()
	ids := make([]int32, 0, len(known))
	for _, b := range known {
		ids = append(ids, b.ID)
	}
	err = kafka.Parallel(
		func() (err error) { md, err = a.DescribeCluster(ctx, nil); return err },
		func() (err error) { dirs, failed, err = a.DescribeLogDirs(ctx, ids, nil); return err },
	)
	if err != nil {
		return err
	}
	var brokers []reassign.Broker
	for _, b := range md.Brokers {
		brokers = append(brokers, reassign.Broker{ID: b.ID, Rack: b.Rack})
	}
	var ps []reassign.Partition
	for _, t := range md.Topics {
		for _, pi := range t.Partitions {
			ps = append(ps, reassign.Partition{Topic: t.Name, Partition: pi.Partition, Leader: pi.Leader, Replicas: pi.Replicas, ISR: pi.ISR})
		}
	}
	bytes := map[int32]int64{}
	for id, ds := range dirs {
		var n int64
		for _, d := range ds {
			for _, r := range d.Replicas {
				if !r.Future {
					n += r.Size
				}
			}
		}
		bytes[id] = n
	}
	bal := reassign.ComputeBalance(brokers, ps, bytes)
	if done, err := p.Data(newBalanceView(bal)); done {
		if err != nil {
			return err
		}
	} else {
		rows := make([][]string, 0, len(bal.Brokers))
		for _, l := range bal.Brokers {
			by := strconv.FormatInt(l.Bytes, 10)
			if _, ok := bytes[l.ID]; !ok {
				by = "?"
			}
			rows = append(rows, []string{strconv.Itoa(int(l.ID)), text.Dash(l.Rack), strconv.Itoa(l.Replicas), strconv.Itoa(l.Leaders), by})
		}
		if err := p.Table(BalanceHeaders, rows); err != nil {
			return err
		}
		if len(bal.Racks) > 1 || (len(bal.Racks) == 1 && bal.Racks[0].Rack != "") {
			fmt.Fprintln(p.Out)
			var rr [][]string
			for _, r := range bal.Racks {
				rr = append(rr, []string{text.Dash(r.Rack), strconv.Itoa(r.Brokers), strconv.Itoa(r.Replicas), strconv.Itoa(r.Leaders), strconv.FormatInt(r.Bytes, 10)})
			}
			if err := p.Table(RackHeaders, rr); err != nil {
				return err
			}
		}
		fmt.Fprintf(p.Out, "\nSkew (max/mean): replicas %s, leaders %s, bytes %s\n", skewText(bal.ReplicaSkew), skewText(bal.LeaderSkew), skewText(bal.BytesSkew))
	}
	for _, id := range sortedIDs(failed) {
		o.F.Warnf("Error: broker %d: %v (its bytes are unknown)", id, failed[id])
	}
	if len(failed) > 0 {
		return &errs.PartialFailure{Msg: fmt.Sprintf("%s did not describe its log dirs", text.Plural(len(failed), "broker", "brokers"))}
	}
	return nil
}

// BalanceView is the JSON of `broker balance`: every broker row has its
// id (broker 0 too), a rack without broker.rack is null, and rack rows
// carry only what describes a rack.
type BalanceView struct {
	Brokers      []BrokerLoadView `json:"brokers"`
	Racks        []RackLoadView   `json:"racks"`
	ReplicaSkew  reassign.Skew    `json:"replicaSkew"`
	LeaderSkew   reassign.Skew    `json:"leaderSkew"`
	BytesSkew    reassign.Skew    `json:"bytesSkew"`
	BytesUnknown []int32          `json:"bytesUnknown"`
}

// BrokerLoadView is what one broker carries.
type BrokerLoadView struct {
	ID       int32   `json:"id"`
	Rack     *string `json:"rack"`
	Replicas int     `json:"replicas"`
	Leaders  int     `json:"leaders"`
	Bytes    int64   `json:"bytes"`
}

// RackLoadView is what one rack's brokers carry (rack null: brokers
// without broker.rack).
type RackLoadView struct {
	Rack     *string `json:"rack"`
	Brokers  int     `json:"brokers"`
	Replicas int     `json:"replicas"`
	Leaders  int     `json:"leaders"`
	Bytes    int64   `json:"bytes"`
}

func newBalanceView(b reassign.Balance) BalanceView {
	v := BalanceView{Brokers: []BrokerLoadView{}, Racks: []RackLoadView{}, ReplicaSkew: b.ReplicaSkew, LeaderSkew: b.LeaderSkew, BytesSkew: b.BytesSkew, BytesUnknown: b.BytesUnknown}
	if v.BytesUnknown == nil {
		v.BytesUnknown = []int32{}
	}
	for _, l := range b.Brokers {
		v.Brokers = append(v.Brokers, BrokerLoadView{ID: l.ID, Rack: text.Null(l.Rack), Replicas: l.Replicas, Leaders: l.Leaders, Bytes: l.Bytes})
	}
	for _, r := range b.Racks {
		v.Racks = append(v.Racks, RackLoadView{Rack: text.Null(r.Rack), Brokers: r.Brokers, Replicas: r.Replicas, Leaders: r.Leaders, Bytes: r.Bytes})
	}
	return v
}

func skewText(s reassign.Skew) string {
	if s.Mean == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f (broker %d)", s.Ratio, s.At)
}
