package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// ErrLocked is returned by Open when another process holds the database.
var ErrLocked = errors.New("state database is locked: is another snapd running?")

// ErrNotFound is wrapped by errors about missing changes.
var ErrNotFound = errors.New("not found")

// schemaVersion is stored so that a future layout change can be detected
// and migrated instead of misread.
const schemaVersion = 1

// DB is the daemon's single state database.
type DB struct {
	bolt *bolt.DB
	path string
}

// Open opens (creating if needed) the state database at path.
func Open(path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("cannot create state directory: %w", err)
	}
	// The timeout turns bbolt's wait-forever on the file lock into an error
	// a user can act on when a second daemon is started by mistake.
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:      time.Second,
		FreelistType: bolt.FreelistMapType,
	})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, ErrLocked
	}
	if err != nil {
		return nil, fmt.Errorf("cannot open state database: %w", err)
	}
	db := &DB{bolt: bdb, path: path}
	if err := db.init(); err != nil {
		bdb.Close()
		return nil, err
	}
	return db, nil
}

func (db *DB) init() error {
	return db.bolt.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		v := meta.Get(keySchema)
		if v == nil {
			return meta.Put(keySchema, []byte(fmt.Sprint(schemaVersion)))
		}
		if string(v) != fmt.Sprint(schemaVersion) {
			return fmt.Errorf("unsupported state database schema version %s (want %d)", v, schemaVersion)
		}
		return nil
	})
}

// Path returns the database file name.
func (db *DB) Path() string { return db.path }

// Close closes the database; stop any Engine using it first.
func (db *DB) Close() error { return db.bolt.Close() }

// Tx gives managers JSON key/value buckets of their own inside one bbolt
// transaction. Their buckets live apart from the engine's records, so any
// bucket name is safe to use.
type Tx struct {
	tx *bolt.Tx
}

// Update runs fn in one read-write transaction, committed if fn returns nil.
// Do not call other DB, Engine or TaskContext methods that write from inside
// fn: bbolt allows one writer at a time, so that would deadlock.
func (db *DB) Update(fn func(tx *Tx) error) error {
	return db.bolt.Update(func(tx *bolt.Tx) error { return fn(&Tx{tx}) })
}

// View runs fn in a read-only transaction.
func (db *DB) View(fn func(tx *Tx) error) error {
	return db.bolt.View(func(tx *bolt.Tx) error { return fn(&Tx{tx}) })
}

func (tx *Tx) bucket(name string, create bool) (*bolt.Bucket, error) {
	if name == "" {
		return nil, errors.New("empty bucket name")
	}
	kv := tx.tx.Bucket(bucketKV)
	if create {
		return kv.CreateBucketIfNotExists([]byte(name))
	}
	return kv.Bucket([]byte(name)), nil
}

// Get decodes the value under key into v; it returns false if there is none.
func (tx *Tx) Get(bucket, key string, v any) (bool, error) {
	b, err := tx.bucket(bucket, false)
	if err != nil || b == nil {
		return false, err
	}
	raw := b.Get([]byte(key))
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("cannot decode %s/%s: %w", bucket, key, err)
	}
	return true, nil
}

// Put stores v, JSON-encoded, under key.
func (tx *Tx) Put(bucket, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("cannot encode %s/%s: %w", bucket, key, err)
	}
	b, err := tx.bucket(bucket, true)
	if err != nil {
		return err
	}
	return b.Put([]byte(key), raw)
}

// Delete removes key; a missing key or bucket is not an error.
func (tx *Tx) Delete(bucket, key string) error {
	b, err := tx.bucket(bucket, false)
	if err != nil || b == nil {
		return err
	}
	return b.Delete([]byte(key))
}

// ForEach calls fn for every key in bucket in byte order. raw is only valid
// during the call.
func (tx *Tx) ForEach(bucket string, fn func(key string, raw []byte) error) error {
	b, err := tx.bucket(bucket, false)
	if err != nil || b == nil {
		return err
	}
	return b.ForEach(func(k, v []byte) error { return fn(string(k), v) })
}

// Keys lists the keys of bucket in byte order.
func (tx *Tx) Keys(bucket string) ([]string, error) {
	var keys []string
	err := tx.ForEach(bucket, func(k string, _ []byte) error {
		keys = append(keys, k)
		return nil
	})
	return keys, err
}
