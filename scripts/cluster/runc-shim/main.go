// devup-runc-shim: an OCI runtime wrapper for Docker engines that hand runc capabilities
// the daemon itself does not hold.
//
// Docker 20.10 asks for every capability the kernel knows when a container is --privileged.
// Where the capability bounding set of the daemon lacks some of them (e.g. CAP_SYS_RESOURCE
// in some VMs/sandboxes), runc fails with "unable to apply caps: operation not permitted".
// This wrapper removes from the OCI spec every capability that is not in its own bounding
// set, then execs the real runc with the unchanged arguments:
//   - create/run: <bundle>/config.json  (--bundle/-b DIR, or the working directory)
//   - exec:       the --process/-p FILE  (capabilities at the top level of that JSON)
//
// Everything else is passed through untouched.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Capability numbers from linux/capability.h.
var capNumbers = map[string]int{
	"CAP_CHOWN": 0, "CAP_DAC_OVERRIDE": 1, "CAP_DAC_READ_SEARCH": 2, "CAP_FOWNER": 3,
	"CAP_FSETID": 4, "CAP_KILL": 5, "CAP_SETGID": 6, "CAP_SETUID": 7, "CAP_SETPCAP": 8,
	"CAP_LINUX_IMMUTABLE": 9, "CAP_NET_BIND_SERVICE": 10, "CAP_NET_BROADCAST": 11,
	"CAP_NET_ADMIN": 12, "CAP_NET_RAW": 13, "CAP_IPC_LOCK": 14, "CAP_IPC_OWNER": 15,
	"CAP_SYS_MODULE": 16, "CAP_SYS_RAWIO": 17, "CAP_SYS_CHROOT": 18, "CAP_SYS_PTRACE": 19,
	"CAP_SYS_PACCT": 20, "CAP_SYS_ADMIN": 21, "CAP_SYS_BOOT": 22, "CAP_SYS_NICE": 23,
	"CAP_SYS_RESOURCE": 24, "CAP_SYS_TIME": 25, "CAP_SYS_TTY_CONFIG": 26, "CAP_MKNOD": 27,
	"CAP_LEASE": 28, "CAP_AUDIT_WRITE": 29, "CAP_AUDIT_CONTROL": 30, "CAP_SETFCAP": 31,
	"CAP_MAC_OVERRIDE": 32, "CAP_MAC_ADMIN": 33, "CAP_SYSLOG": 34, "CAP_WAKE_ALARM": 35,
	"CAP_BLOCK_SUSPEND": 36, "CAP_AUDIT_READ": 37, "CAP_PERFMON": 38, "CAP_BPF": 39,
	"CAP_CHECKPOINT_RESTORE": 40,
}

// Global runc flags that take a value (so their value is not mistaken for the subcommand).
var globalFlagsWithValue = map[string]bool{
	"--root": true, "--log": true, "--log-format": true, "--criu": true, "--rootless": true,
}

func boundingSet() (uint64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "CapBnd:"); ok {
			return strconv.ParseUint(strings.TrimSpace(rest), 16, 64)
		}
	}
	return 0, fmt.Errorf("CapBnd not found in /proc/self/status")
}

func allowed(bnd uint64, name string) bool {
	n, ok := capNumbers[strings.ToUpper(name)]
	if !ok {
		return false // unknown to us: not something we can prove the kernel lets us keep
	}
	return bnd&(1<<uint(n)) != 0
}

// filterCaps rewrites a JSON object of the form {"bounding":[...],"effective":[...],...}.
func filterCaps(raw json.RawMessage, bnd uint64) (json.RawMessage, bool, error) {
	var sets map[string][]string
	if err := json.Unmarshal(raw, &sets); err != nil {
		return raw, false, err
	}
	changed := false
	for k, caps := range sets {
		kept := make([]string, 0, len(caps))
		for _, c := range caps {
			if allowed(bnd, c) {
				kept = append(kept, c)
			} else {
				changed = true
			}
		}
		sets[k] = kept
	}
	if !changed {
		return raw, false, nil
	}
	out, err := json.Marshal(sets)
	return out, true, err
}

// rewrite filters capabilities at path (a list of nested object keys) in a JSON file.
func rewrite(file string, path []string, bnd uint64) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var root map[string]json.RawMessage
	if err := json.Unmarshal(data, &root); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	// Walk down to the object holding "capabilities".
	objs := []map[string]json.RawMessage{root}
	for _, key := range path {
		cur := objs[len(objs)-1]
		raw, ok := cur[key]
		if !ok {
			return nil
		}
		var next map[string]json.RawMessage
		if err := json.Unmarshal(raw, &next); err != nil {
			return nil
		}
		objs = append(objs, next)
	}
	holder := objs[len(objs)-1]
	capsRaw, ok := holder["capabilities"]
	if !ok || string(capsRaw) == "null" {
		return nil
	}
	newCaps, changed, err := filterCaps(capsRaw, bnd)
	if err != nil || !changed {
		return err
	}
	holder["capabilities"] = newCaps
	// Re-marshal back up the chain.
	for i := len(path) - 1; i >= 0; i-- {
		b, err := json.Marshal(objs[i+1])
		if err != nil {
			return err
		}
		objs[i][path[i]] = b
	}
	out, err := json.Marshal(root)
	if err != nil {
		return err
	}
	st, err := os.Stat(file)
	if err != nil {
		return err
	}
	tmp := file + ".devup-shim"
	if err := os.WriteFile(tmp, out, st.Mode().Perm()); err != nil {
		return err
	}
	return os.Rename(tmp, file)
}

func flagValue(args []string, names ...string) (string, bool) {
	for i, a := range args {
		for _, n := range names {
			if a == n && i+1 < len(args) {
				return args[i+1], true
			}
			if v, ok := strings.CutPrefix(a, n+"="); ok {
				return v, true
			}
		}
	}
	return "", false
}

func realRunc() string {
	if p := os.Getenv("DEVUP_REAL_RUNC"); p != "" {
		return p
	}
	for _, p := range []string{"/usr/sbin/runc", "/usr/bin/runc", "/usr/local/sbin/runc", "/usr/local/bin/runc"} {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return "runc"
}

func main() {
	args := os.Args[1:]
	// Find the subcommand, skipping global flags (and the values of those that take one).
	sub, subIdx := "", -1
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			if globalFlagsWithValue[a] {
				i++
			}
			continue
		}
		sub, subIdx = a, i
		break
	}
	if bnd, err := boundingSet(); err == nil && subIdx >= 0 {
		rest := args[subIdx+1:]
		var rerr error
		switch sub {
		case "create", "run":
			bundle, ok := flagValue(rest, "--bundle", "-b")
			if !ok {
				bundle, _ = os.Getwd()
			}
			rerr = rewrite(filepath.Join(bundle, "config.json"), []string{"process"}, bnd)
		case "exec":
			if proc, ok := flagValue(rest, "--process", "-p"); ok {
				rerr = rewrite(proc, nil, bnd)
			}
		}
		if rerr != nil {
			fmt.Fprintf(os.Stderr, "devup-runc-shim: warning: %v\n", rerr)
		}
	}
	runc := realRunc()
	if !filepath.IsAbs(runc) {
		fmt.Fprintln(os.Stderr, "devup-runc-shim: real runc not found")
		os.Exit(127)
	}
	argv := append([]string{runc}, args...)
	if err := syscall.Exec(runc, argv, os.Environ()); err != nil {
		fmt.Fprintf(os.Stderr, "devup-runc-shim: exec %s: %v\n", runc, err)
		os.Exit(127)
	}
}
