package state

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestOpenCreatesDirAndFileModes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "var", "lib", "snapd", "state.db")
	db := openTestDB(t, path)
	defer db.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("database mode %o, want 600", perm)
	}
	di, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if perm := di.Mode().Perm(); perm&^0o755 != 0 {
		t.Errorf("directory mode %o, want at most 755", perm)
	}
}

func TestOpenLockedBySecondOpener(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	db := openTestDB(t, path)
	defer db.Close()
	start := time.Now()
	db2, err := Open(path)
	if err == nil {
		db2.Close()
		t.Fatal("second Open of a held database succeeded")
	}
	if !errors.Is(err, ErrLocked) || err.Error() != "state database is locked: is another snapd running?" {
		t.Fatalf("unexpected error %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Open took %s to give up", d)
	}
}

func TestTxKeyValue(t *testing.T) {
	db := openTestDB(t, filepath.Join(t.TempDir(), "state.db"))
	defer db.Close()
	type snapState struct {
		Revision int    `json:"revision"`
		Channel  string `json:"channel"`
	}
	err := db.Update(func(tx *Tx) error {
		for _, name := range []string{"hello", "core", "abc"} {
			if err := tx.Put("snaps", name, snapState{Revision: len(name), Channel: "stable"}); err != nil {
				return err
			}
		}
		// Manager buckets must not collide with the engine's own.
		return tx.Put("changes", "x", 1)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(func(tx *Tx) error {
		var s snapState
		ok, err := tx.Get("snaps", "hello", &s)
		if err != nil || !ok || s != (snapState{5, "stable"}) {
			t.Errorf("Get hello = %v %v %+v", ok, err, s)
		}
		if ok, err := tx.Get("snaps", "missing", &s); ok || err != nil {
			t.Errorf("Get missing = %v %v", ok, err)
		}
		if ok, err := tx.Get("no-bucket", "x", &s); ok || err != nil {
			t.Errorf("Get in missing bucket = %v %v", ok, err)
		}
		keys, err := tx.Keys("snaps")
		if err != nil || !slices.Equal(keys, []string{"abc", "core", "hello"}) {
			t.Errorf("Keys = %v %v", keys, err)
		}
		n := 0
		err = tx.ForEach("snaps", func(k string, raw []byte) error {
			n++
			if len(raw) == 0 {
				t.Errorf("empty value for %s", k)
			}
			return nil
		})
		if err != nil || n != 3 {
			t.Errorf("ForEach visited %d: %v", n, err)
		}
		if err := tx.Put("snaps", "x", 1); err == nil {
			t.Error("Put in a read-only transaction succeeded")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *Tx) error { return tx.Delete("snaps", "core") }); err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *Tx) error {
		keys, _ := tx.Keys("snaps")
		if !slices.Equal(keys, []string{"abc", "hello"}) {
			t.Errorf("Keys after Delete = %v", keys)
		}
		return nil
	})
}
