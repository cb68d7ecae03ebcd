package pebblemeta

import (
	"io"
	"os"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// Modes of everything the engine creates: the metadata holds keys, user
// metadata and wrapped data keys, for the server's user alone.
const (
	filePerm = 0o600
	dirPerm  = 0o700
)

// privateFS is the OS file system with Pebble's files made 0600 and its
// directories 0700. Pebble creates files 0666 and directories 0755, less
// the umask, with no option to change it. Each file is narrowed right
// after it is created; the directory it is in is 0700 already, so no one
// else can open it meanwhile.
type privateFS struct{ vfs.FS }

func (fs privateFS) Create(name string, c vfs.DiskWriteCategory) (vfs.File, error) {
	return narrow(fs.FS.Create(name, c))(name)
}

func (fs privateFS) OpenReadWrite(name string, c vfs.DiskWriteCategory, opts ...vfs.OpenOption) (vfs.File, error) {
	return narrow(fs.FS.OpenReadWrite(name, c, opts...))(name)
}

func (fs privateFS) ReuseForWrite(oldname, newname string, c vfs.DiskWriteCategory) (vfs.File, error) {
	return narrow(fs.FS.ReuseForWrite(oldname, newname, c))(newname)
}

func (fs privateFS) Lock(name string) (io.Closer, error) {
	l, err := fs.FS.Lock(name)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(name, filePerm); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

func (fs privateFS) MkdirAll(dir string, _ os.FileMode) error {
	if err := fs.FS.MkdirAll(dir, dirPerm); err != nil {
		return err
	}
	return os.Chmod(dir, dirPerm)
}

// narrow sets a file just opened to filePerm, closing it on failure.
func narrow(f vfs.File, err error) func(name string) (vfs.File, error) {
	return func(name string) (vfs.File, error) {
		if err != nil {
			return nil, err
		}
		if err := os.Chmod(name, filePerm); err != nil {
			f.Close()
			return nil, err
		}
		return f, nil
	}
}
