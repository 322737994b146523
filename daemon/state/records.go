package state

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Top-level buckets. Changes and tasks are keyed by big-endian ids so cursor
// order is numeric order. inflight holds one small entry per change that is
// not ready, which is all the conflict check and recovery need to read.
var (
	bucketMeta     = []byte("meta")
	bucketChanges  = []byte("changes")
	bucketTasks    = []byte("tasks")
	bucketInflight = []byte("inflight")
	bucketBySnap   = []byte("changes-by-snap")
	bucketKV       = []byte("kv")

	allBuckets = [][]byte{bucketMeta, bucketChanges, bucketTasks, bucketInflight, bucketBySnap, bucketKV}

	keySchema = []byte("schema")
)

// maxLogEntries bounds a task's log so a chatty handler cannot make every
// later transition of its task slower.
const maxLogEntries = 50

type taskRecord struct {
	ID        string                     `json:"id"`
	Change    string                     `json:"change"`
	Kind      string                     `json:"kind"`
	Summary   string                     `json:"summary"`
	Status    Status                     `json:"status"`
	Progress  *Progress                  `json:"progress,omitempty"`
	Log       []string                   `json:"log,omitempty"`
	SpawnTime time.Time                  `json:"spawn-time"`
	ReadyTime time.Time                  `json:"ready-time,omitzero"`
	WaitTasks []string                   `json:"wait-tasks,omitempty"`
	HaltTasks []string                   `json:"halt-tasks,omitempty"`
	Lanes     []int                      `json:"lanes,omitempty"`
	Data      map[string]json.RawMessage `json:"data,omitempty"`
	// At delays a retried task: it is not run again before this time.
	At time.Time `json:"at,omitzero"`
}

type changeRecord struct {
	ID        string                     `json:"id"`
	Kind      string                     `json:"kind"`
	Summary   string                     `json:"summary"`
	Data      map[string]json.RawMessage `json:"data,omitempty"`
	Snaps     []string                   `json:"snaps,omitempty"`
	TaskIDs   []string                   `json:"task-ids"`
	SpawnTime time.Time                  `json:"spawn-time"`
	ReadyTime time.Time                  `json:"ready-time,omitzero"`
}

type inflightRecord struct {
	Kind  string   `json:"kind"`
	Snaps []string `json:"snaps,omitempty"`
}

func idKey(id uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, id)
}

func keyOf(id string) ([]byte, error) {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("invalid id %q", id)
	}
	return idKey(n), nil
}

func idOf(key []byte) string {
	return strconv.FormatUint(binary.BigEndian.Uint64(key), 10)
}

func bySnapKey(snap string, changeKey []byte) []byte {
	k := append([]byte(snap), 0)
	return append(k, changeKey...)
}

func getJSON(b *bolt.Bucket, key []byte, v any) (bool, error) {
	raw := b.Get(key)
	if raw == nil {
		return false, nil
	}
	return true, json.Unmarshal(raw, v)
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, raw)
}

func loadTask(tx *bolt.Tx, id string) (*taskRecord, error) {
	key, err := keyOf(id)
	if err != nil {
		return nil, err
	}
	t := new(taskRecord)
	ok, err := getJSON(tx.Bucket(bucketTasks), key, t)
	if err != nil {
		return nil, fmt.Errorf("cannot decode task %s: %w", id, err)
	}
	if !ok {
		return nil, fmt.Errorf("task %s %w", id, ErrNotFound)
	}
	return t, nil
}

func saveTask(tx *bolt.Tx, t *taskRecord) error {
	key, err := keyOf(t.ID)
	if err != nil {
		return err
	}
	if len(t.Log) > maxLogEntries {
		t.Log = t.Log[len(t.Log)-maxLogEntries:]
	}
	return putJSON(tx.Bucket(bucketTasks), key, t)
}

func loadChangeRecord(tx *bolt.Tx, id string) (*changeRecord, error) {
	key, err := keyOf(id)
	if err != nil {
		return nil, fmt.Errorf("change %q %w", id, ErrNotFound)
	}
	c := new(changeRecord)
	ok, err := getJSON(tx.Bucket(bucketChanges), key, c)
	if err != nil {
		return nil, fmt.Errorf("cannot decode change %s: %w", id, err)
	}
	if !ok {
		return nil, fmt.Errorf("change %s %w", id, ErrNotFound)
	}
	return c, nil
}

func saveChangeRecord(tx *bolt.Tx, c *changeRecord) error {
	key, err := keyOf(c.ID)
	if err != nil {
		return err
	}
	return putJSON(tx.Bucket(bucketChanges), key, c)
}
