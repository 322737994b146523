package mount

import (
	"path/filepath"
	"testing"
)

func BenchmarkMountUnmount(b *testing.B) {
	requireRoot(b)
	img := makeImage(b, map[string]string{"meta/snap.yaml": "name: bench\n"})
	target := filepath.Join(b.TempDir(), "t")
	cleanupMount(b, target)
	for b.Loop() {
		if err := MountSquashfs(img, target); err != nil {
			b.Fatal(err)
		}
		if err := Unmount(target); err != nil {
			b.Fatal(err)
		}
	}
}
