package interfaces

import (
	"testing"

	"github.com/snappy-pm/snappy/snap"
)

// mustSnap parses a snap.yaml for a test and gives it a revision.
func mustSnap(t *testing.T, yaml string) *snap.Info {
	t.Helper()
	info, err := snap.ReadInfoYAML([]byte(yaml))
	if err != nil {
		t.Fatalf("snap.yaml: %v\n%s", err, yaml)
	}
	info.Revision = snap.R(3)
	return info
}

// newRepo returns a repository with the system side and the given snaps,
// all trusted with super-privileged interfaces.
func newRepo(t *testing.T, yamls ...string) *Repository {
	t.Helper()
	r := NewRepository()
	if err := r.AddSystem(); err != nil {
		t.Fatal(err)
	}
	for _, y := range yamls {
		if err := r.AddSnap(mustSnap(t, y), AddOptions{AllowSuperPrivileged: true}); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

const consumerYAML = `name: consumer
version: "1"
apps:
  app:
    command: bin/app
    plugs: [network, home, removable-media]
  other:
    command: bin/other
plugs:
  runtime:
    interface: content
    content: runtime-1
    target: $SNAP/runtime
    default-provider: framework
  engine:
    interface: docker
`

const frameworkYAML = `name: framework
version: "1"
apps:
  engine:
    command: bin/engine
    daemon: simple
    plugs: [docker-support]
slots:
  runtime:
    interface: content
    content: runtime-1
    read: [$SNAP/runtime]
  docker:
    socket: $SNAP_COMMON/engine.sock
`
