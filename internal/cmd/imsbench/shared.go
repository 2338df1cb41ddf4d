// What every benchmark shares: the provider build, the wrapper that
// measures its memory, the provider block, image IDs and the figures.

package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	envWrap    = "IMSBENCH_WRAP_REAL"
	envRSSFile = "IMSBENCH_RSS_FILE"
	// envProviderMemLimit sets GOMEMLIMIT for the provider alone, to
	// measure its effect without touching the CLI or the emulator.
	envProviderMemLimit = "IMSBENCH_PROVIDER_GOMEMLIMIT"
	region              = "cn-north-4"
	domain              = "0970dd7a1300f5672ff2c003c60ae115"
	project             = "0a1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d"
	accessKey           = "BENCHACCESSKEY000000"
	secretKey           = "bench-secret-key"
)

// buildProvider builds the provider as released into work/real, and copies
// this binary into plugins as terraform-provider-ims, so that Terraform
// starts the wrapper (see wrap); it returns the real provider's path.
func buildProvider(work, plugins string) (string, error) {
	providerBin := filepath.Join(work, "real", "terraform-provider-ims")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", providerBin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("building the provider: %w", err)
	}
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	if err := copyFile(self, filepath.Join(plugins, "terraform-provider-ims")); err != nil {
		return "", err
	}
	return providerBin, nil
}

// wrap runs the real provider binary as a child with this process's stdio, and
// appends the child's peak RSS (KiB) to the RSS file when it exits. Terraform
// starts the wrapper as if it were the provider.
func wrap(providerBin string) int {
	cmd := exec.Command(providerBin, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if limit := os.Getenv(envProviderMemLimit); limit != "" {
		cmd.Env = append(os.Environ(), "GOMEMLIMIT="+limit)
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		for s := range sigs {
			_ = cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		if f, ferr := os.OpenFile(os.Getenv(envRSSFile), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); ferr == nil {
			_, _ = fmt.Fprintf(f, "%d\n", ru.Maxrss)
			_ = f.Close()
		}
	}
	if err != nil {
		return cmd.ProcessState.ExitCode()
	}
	return 0
}

// providerHCL is the required_providers and provider blocks of a
// benchmark configuration: explicit keys, endpoint and IAM, no project_id
// (discovered, once per run).
func providerHCL(region, accessKey, secretKey, endpoint, authURL string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    ims = {
      source = "terraform-ims/ims"
    }
  }
}
provider "ims" {
  region     = %q
  access_key = %q
  secret_key = %q
  endpoint   = %q
  auth_url   = %q
}
`, region, accessKey, secretKey, endpoint, authURL)
}

func imageID(i int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", 0xbe000000+i, i) }

// maxRSS is the highest peak RSS of the provider processes of one run, and
// how many there were.
func maxRSS(file string) (int, int) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, 0
	}
	best, n := 0, 0
	for _, line := range strings.Fields(string(b)) {
		if v, err := strconv.Atoi(line); err == nil {
			best = max(best, v)
			n++
		}
	}
	return best, n
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o755)
}
