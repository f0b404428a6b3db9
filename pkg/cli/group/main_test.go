package group_test

import (
	"testing"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
)

// TestMain keeps the config file and the state directory (delete-offsets
// writes undo files there) inside a temporary directory.
func TestMain(m *testing.M) { clitest.Main(m) }
