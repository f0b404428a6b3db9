package offsets

import (
	"os"
	"path/filepath"
	"time"
)

// UndoPath is the default undo file for groups: a new file under the state
// directory's undo/ folder.
func UndoPath(getenv func(string) string, now time.Time, groups []string) (string, error) {
	dir, err := StateDir(getenv)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "undo", UndoFileName(now, groups)), nil
}

// WriteUndoFile writes rows (group,topic,partition,offset, the form
// `offsets reset --from-file` reads) to path, creating its directory
// (0700). It never overwrites a file (0600): an undo file is the only way
// back.
func WriteUndoFile(path string, rows []Row) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if err := WriteCSV(f, rows, true); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
