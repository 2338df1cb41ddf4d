// Command ims-emulator serves a local IMS and IAM on loopback until it is
// stopped: the demo world, or the accounts and images of a fixtures file,
// for testing Terraform configurations and modules without a cloud.
//
//	ims-emulator [-addr 127.0.0.1:0] [-fixtures world.json] [-env-file FILE]
//	             [-job-delay 2s] [-fail-writes 429,503] [-fail-job-polls 503]
//	             [-record requests.jsonl]
//
// It prints the region, endpoints and access keys it serves when it starts.
// Its admin API, under /_emulator/ on the same address, changes faults,
// job timing and the world while it runs; its bearer token is written to
// the -env-file as IMS_EMULATOR_ADMIN_TOKEN.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, waitForSignal); err != nil {
		log.Fatalf("ims-emulator: %v", err)
	}
}

func waitForSignal() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
}

func run(args []string, out io.Writer, wait func()) error {
	fs := flag.NewFlagSet("ims-emulator", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "loopback address to listen on (anything else is refused)")
	fixtures := fs.String("fixtures", "", "JSON file of accounts and images to serve (see the README); default: the demo world")
	envFile := fs.String("env-file", "", "write shell exports of the HW_* variables (the first account's keys) here once listening")
	jobDelay := fs.Duration("job-delay", 0, "how long each sharing job takes (INIT, RUNNING, then SUCCESS)")
	failWrites := fs.String("fail-writes", "", "fault kinds the first sharing writes answer, in order, e.g. 429,503")
	failPolls := fs.String("fail-job-polls", "", "fault kinds the first reads of each job answer, in order, e.g. 503")
	record := fs.String("record", "", "write every request served to this file as JSON lines (method, path, query, status, code, request id, access key id; never a secret)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := emulator.CheckLoopback(*addr); err != nil {
		return err
	}
	emu := emulator.New()
	if err := emu.Listen(*addr); err != nil {
		return err
	}
	world := "the demo world"
	if *fixtures != "" {
		f, err := os.Open(*fixtures)
		if err != nil {
			return err
		}
		err = emu.LoadFixtures(f)
		_ = f.Close()
		if err != nil {
			return err
		}
		world = *fixtures
	} else {
		emu.LoadDemo()
	}
	emu.SetJobDelay(*jobDelay)
	for target, list := range map[string]string{emulator.TargetWrites: *failWrites, emulator.TargetJobs: *failPolls} {
		kinds, err := parseFaults(list)
		if err != nil {
			return err
		}
		if len(kinds) > 0 {
			emu.FailFirst(target, kinds...)
		}
	}
	if *record != "" {
		f, err := os.OpenFile(*record, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }()
		emu.RecordTo(f)
		defer emu.RecordTo(nil)
	}
	emu.Start()
	defer emu.Close()

	_, _ = fmt.Fprintf(out, "ims-emulator: serving %s\n  HW_IMS_ENDPOINT=%s\n  HW_AUTH_URL=%s\n", world, emu.URL(), emu.IAMURL())
	for _, a := range emu.Accounts() {
		keys := strings.Join(a.AccessKeys, ", ")
		if keys == "" {
			keys = "none"
		}
		projects := make([]string, len(a.Projects))
		for i, p := range a.Projects {
			projects[i] = p + " (" + a.Regions[i] + ")"
		}
		_, _ = fmt.Fprintf(out, "  account %s: projects %s; access keys %s\n", a.DomainID, strings.Join(projects, ", "), keys)
	}
	where := "its token is IMS_EMULATOR_ADMIN_TOKEN in the -env-file"
	if *envFile == "" {
		where = "start with -env-file to get its token"
	}
	_, _ = fmt.Fprintf(out, "  admin API %s/ (%s)\n", emu.AdminURL(), where)
	if *envFile != "" {
		if err := writeEnv(*envFile, emu); err != nil {
			return err
		}
	}
	wait()
	_, _ = fmt.Fprintf(out, "ims-emulator: stopped after %d requests\n", emu.Requests())
	return nil
}

// writeEnv writes the variables that point the provider at the emulator,
// with the first account's first key and region, and the admin API's URL
// and token, atomically: a new
// temporary file of mode 0600 in the same folder (os.CreateTemp never
// follows a link planted at a predictable name), then a rename.
func writeEnv(path string, emu *emulator.Server) error {
	accounts := emu.Accounts()
	if len(accounts) == 0 || len(accounts[0].AccessKeys) == 0 {
		return fmt.Errorf("-env-file needs an account with a key")
	}
	a := accounts[0]
	env := fmt.Sprintf("export HW_REGION_NAME=%s\nexport HW_ACCESS_KEY=%s\nexport HW_SECRET_KEY=%s\nexport HW_IMS_ENDPOINT=%s\nexport HW_AUTH_URL=%s\n"+
		"export IMS_EMULATOR_URL=%s\nexport IMS_EMULATOR_ADMIN_TOKEN=%s\n",
		a.Regions[0], a.AccessKeys[0], emu.SecretKey(a.AccessKeys[0]), emu.URL(), emu.IAMURL(), emu.URL(), emu.AdminToken())
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(f.Name()) }()
	if err := f.Chmod(0o600); err != nil {
		_ = f.Close()
		return err
	}
	if _, err := f.WriteString(env); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

func parseFaults(list string) ([]emulator.FaultKind, error) {
	var out []emulator.FaultKind
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		k, ok := emulator.ParseFault(name)
		if !ok {
			return nil, fmt.Errorf("unknown fault %q; use one of %v", name, emulator.AllFaults)
		}
		out = append(out, k)
	}
	return out, nil
}
