// Command imsbench measures what ims_image_members costs a real plan: it
// builds the provider as released (-trimpath -ldflags "-s -w"), starts the
// emulator on loopback, and times `terraform plan` (which reads every data
// source) for several shapes of configuration, next to the same plans with
// the data sources replaced by terraform_data, so that the CLI's own floor is
// visible. It prints a Markdown table; it reports figures and fails on
// nothing but errors.
//
// Usage: go run ./internal/cmd/imsbench -cli "$(scripts/ensure-cli.sh terraform)" [-runs 5]
package main

import (
	"flag"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/terraform-ims/terraform-provider-ims/internal/devcli"
)

func main() {
	if providerBin := os.Getenv(envWrap); providerBin != "" {
		os.Exit(wrap(providerBin))
	}
	cli := flag.String("cli", "terraform", "the Terraform or OpenTofu CLI to run")
	runs := flag.Int("runs", 5, "plans per scenario; the table shows the median")
	only := flag.String("only", "", "run only the scenarios whose name contains this")
	flag.Parse()
	if err := run(*cli, *runs, *only); err != nil {
		log.Fatalf("imsbench: %v", err)
	}
}

// run builds the provider, starts the emulator with every scenario's
// fixtures that must exist before it serves, and runs each benchmark the
// -only filter leaves, in the order of BENCHMARKS.md.
func run(cli string, runs int, only string) error {
	work, err := os.MkdirTemp("", "imsbench")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(work) }()
	plugins := filepath.Join(work, "plugins")
	providerBin, err := buildProvider(work, plugins)
	if err != nil {
		return err
	}

	emu := newPlanEmulator()
	emu.Start()
	defer emu.Close()

	rc := filepath.Join(work, "cli.tfrc")
	if err := devcli.WriteConfig(rc, cli, plugins); err != nil {
		return err
	}

	if err := benchPlan(cli, rc, providerBin, work, emu, runs, only); err != nil {
		return err
	}
	if only == "" || strings.Contains("inventory", only) {
		if err := benchInventory(cli, rc, providerBin, work, emu, runs); err != nil {
			return err
		}
	}
	if only == "" || strings.Contains("query", only) {
		if err := benchQuery(cli, rc, providerBin, work, emu, runs); err != nil {
			return err
		}
	}
	if only == "" || strings.Contains("apply", only) {
		return benchApply(cli, rc, providerBin, work, emu, runs)
	}
	return nil
}
