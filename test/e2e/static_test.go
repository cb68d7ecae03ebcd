package e2e

import (
	"debug/elf"
	"runtime"
	"testing"
)

// TestBinaryIsStatic: the binary built with CGO_ENABLED=0 needs no dynamic
// loader, so it runs on any Linux of its architecture.
func TestBinaryIsStatic(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("ELF check only on Linux")
	}
	f, err := elf.Open(hoardBin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP {
			t.Fatalf("binary requests a dynamic loader")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Fatalf("binary links shared libraries %v", libs)
	}
}
