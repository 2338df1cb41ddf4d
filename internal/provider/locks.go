package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gofrs/flock"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/sync/semaphore"
)

// lockWeight is an image lock's capacity: an exclusive holder takes all
// of it, a shared holder one unit.
const lockWeight = 1 << 16

// lockRetry is how often a wait for another process's lock tries again.
const lockRetry = 250 * time.Millisecond

// lockDirEnv overrides the folder of the lock files (default: the user's
// cache folder), for a machine whose cache folder is not writable.
const lockDirEnv = "IMS_LOCK_DIR"

// imageLock is one image's lock and the types that took it.
type imageLock struct {
	sem   *semaphore.Weighted
	users map[string]bool
}

// lockImage serializes the writes on one image (their pre-check, writes
// and read-back) of every provider process on this machine that works
// with the same endpoint and project, so that two resources on one image
// cannot both pass their checks and then undo each other: in one apply,
// in two provider aliases (Terraform starts a process for each), or in
// two applies at once. Within the process a weighted semaphore orders the
// writes (its wait ends with the operation's context, which a
// sync.RWMutex cannot); across processes an advisory file lock under the
// user's cache folder does. An exclusive holder (ims_image_share) has the
// image alone; shared holders (members, the accepter) run side by side.
// name says what is locked, for messages; it returns the unlock and the
// other resource types of this process that wrote to the image in this
// run. key is the image's ID, or a memberLockKey.
func (d *providerData) lockImage(ctx context.Context, tgt target, key, name, typeName string, exclusive bool) (func(), []string, error) {
	// IDs in either case name one image (the schema takes upper case).
	full := tgt.endpoint + "\n" + tgt.projectID + "\n" + strings.ToLower(key)
	d.mu.Lock()
	if d.images == nil {
		d.images = map[string]*imageLock{}
	}
	l, ok := d.images[full]
	if !ok {
		l = &imageLock{sem: semaphore.NewWeighted(lockWeight), users: map[string]bool{}}
		d.images[full] = l
	}
	d.mu.Unlock()
	weight := int64(1)
	if exclusive {
		weight = lockWeight
	}
	if err := l.sem.Acquire(ctx, weight); err != nil {
		return nil, nil, fmt.Errorf("the time limit ran out while waiting for another operation of this provider on %s: %w", name, err)
	}
	unlockFile, err := lockFile(ctx, full, name, exclusive)
	if err != nil {
		l.sem.Release(weight)
		return nil, nil, err
	}
	d.mu.Lock()
	others := make([]string, 0, len(l.users))
	for u := range l.users {
		others = append(others, u)
	}
	l.users[typeName] = true
	d.mu.Unlock()
	sort.Strings(others)
	return func() { unlockFile(); l.sem.Release(weight) }, others, nil
}

// memberLockKey is the lock key of members of an image, apart from the
// image's own key (an image ID): "member:<image>/<kind>:<identity>...".
func memberLockKey(imageID string, m members) string {
	key := "member:" + imageID
	for x := range m.all() {
		key += "/" + kindWords[x.kind] + ":" + identity(x.kind, x.id)
	}
	return key
}

// lockFile takes the advisory file lock of key, waiting for other
// processes within ctx; the wait is logged and its error names the lock.
func lockFile(ctx context.Context, key, name string, exclusive bool) (func(), error) {
	dir, err := lockDir()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(key))
	path := filepath.Join(dir, hex.EncodeToString(sum[:16])+".lock")
	f := flock.New(path)
	try := f.TryRLock
	tryContext := f.TryRLockContext
	if exclusive {
		try, tryContext = f.TryLock, f.TryLockContext
	}
	locked, err := try()
	if err == nil && !locked {
		tflog.Info(ctx, "waiting for another Terraform process's operation on the same image", map[string]any{"lock": name, "lock_file": path})
		started := time.Now()
		locked, err = tryContext(ctx, lockRetry)
		if locked {
			tflog.Info(ctx, "took the lock", map[string]any{"lock": name, "waited": time.Since(started).String()})
		}
	}
	switch {
	case err != nil && ctx.Err() != nil || err == nil && !locked:
		return nil, fmt.Errorf("the time limit ran out while waiting for another Terraform process (another provider alias, or "+
			"another apply) to finish its operation on %s (lock file %s): %w", name, path, context.Cause(ctx))
	case err != nil:
		return nil, fmt.Errorf("taking the lock of %s (lock file %s): %w; set %s to a writable folder", name, path, err, lockDirEnv)
	}
	return func() { _ = f.Unlock() }, nil
}

// lockDir is the folder of the lock files, made on first use.
func lockDir() (string, error) {
	if dir := os.Getenv(lockDirEnv); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil { //nolint:gosec // The folder the user names.
			return "", errors.Join(fmt.Errorf("creating the folder of the provider's lock files %s (%s)", dir, lockDirEnv), err)
		}
		return dir, nil
	}
	// The user's cache folder, else (a read-only home, in a hardened CI
	// container) a folder of the user's under the temporary folder.
	var candidates []string
	if cache, err := os.UserCacheDir(); err == nil {
		candidates = append(candidates, filepath.Join(cache, "terraform-provider-ims", "locks"))
	}
	candidates = append(candidates, filepath.Join(os.TempDir(), fmt.Sprintf("terraform-provider-ims-locks-%d", os.Getuid())))
	var errs []error
	for _, dir := range candidates {
		err := os.MkdirAll(dir, 0o700) //nolint:gosec // The user's own folders.
		if err == nil {
			return dir, nil
		}
		errs = append(errs, err)
	}
	return "", errors.Join(append([]error{fmt.Errorf("no writable folder for the provider's lock files (set %s to one)", lockDirEnv)}, errs...)...)
}
