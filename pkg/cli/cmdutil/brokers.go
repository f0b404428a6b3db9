package cmdutil

import (
	"strconv"

	"github.com/kctl-dev/kctl/pkg/kafka"
)

// BrokerHeaders are the columns of the broker table that `broker list` and
// `cluster describe` both print.
var BrokerHeaders = []string{"ID", "HOST", "PORT", "RACK", "CONTROLLER"}

// BrokerRows renders brokers as rows of the broker table.
func BrokerRows(bs []kafka.Broker, controller int32) [][]string {
	rows := make([][]string, 0, len(bs))
	for _, b := range bs {
		host, port := kafka.SplitAddr(b.Addr)
		rack := b.Rack
		if rack == "" {
			rack = "-"
		}
		c := "-" // not empty: every row keeps its column count for awk
		if b.ID == controller {
			c = "yes"
		}
		rows = append(rows, []string{strconv.Itoa(int(b.ID)), host, port, rack, c})
	}
	return rows
}
