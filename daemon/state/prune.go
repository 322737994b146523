package state

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// Pruning keeps history bounded: the newest pruneKeep changes are always
// kept, older ones once they have been ready for pruneAge.
const (
	pruneKeep = 500
	pruneAge  = 24 * time.Hour
)

// Prune deletes old finished changes and their tasks. The daemon calls it
// periodically; it never touches a change that is not ready.
func (e *Engine) Prune(now time.Time) error {
	cutoff := now.Add(-pruneAge)
	var pruned int
	err := e.db.bolt.Update(func(tx *bolt.Tx) error {
		var victims []*changeRecord
		c := tx.Bucket(bucketChanges).Cursor()
		kept := 0
		for k, _ := c.Last(); k != nil; k, _ = c.Prev() {
			if kept < pruneKeep {
				kept++
				continue
			}
			rec, err := loadChangeRecord(tx, idOf(k))
			if err != nil {
				return err
			}
			if !rec.ReadyTime.IsZero() && rec.ReadyTime.Before(cutoff) {
				victims = append(victims, rec)
			}
		}
		for _, rec := range victims {
			if err := deleteChange(tx, rec); err != nil {
				return err
			}
		}
		pruned = len(victims)
		return nil
	})
	if err == nil && pruned > 0 {
		e.log.WithField("count", pruned).Info("pruned old changes")
	}
	return err
}

func deleteChange(tx *bolt.Tx, rec *changeRecord) error {
	key, err := keyOf(rec.ID)
	if err != nil {
		return err
	}
	for _, tid := range rec.TaskIDs {
		tkey, err := keyOf(tid)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketTasks).Delete(tkey); err != nil {
			return err
		}
	}
	for _, s := range rec.Snaps {
		if err := tx.Bucket(bucketBySnap).Delete(bySnapKey(s, key)); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketChanges).Delete(key)
}
