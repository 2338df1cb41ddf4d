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
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/terraform-ims/terraform-provider-ims/internal/devcli"
	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
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

type scenario struct {
	name    string
	command string // "plan" unless set
	sources int    // data sources (or terraform_data resources for a floor)
	members int    // members per data source
	floor   string
}

type result struct {
	scenario
	median      time.Duration
	requests    int
	iamCalls    int
	connections int
	peakRSSKiB  int
	processes   int
}

func run(cli string, runs int, only string) error {
	work, err := os.MkdirTemp("", "imsbench")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(work) }()
	plugins := filepath.Join(work, "plugins")
	providerBin := filepath.Join(work, "real", "terraform-provider-ims")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", providerBin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building the provider: %w", err)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if err := copyFile(self, filepath.Join(plugins, "terraform-provider-ims")); err != nil {
		return err
	}

	emu := emulator.New()
	emu.AddCredential(emulator.Credential{AccessKey: accessKey, SecretKey: secretKey, DomainID: domain})
	emu.AddProject(emulator.Project{ID: project, Region: region, DomainID: domain})
	for i := range 200 {
		id := imageID(i)
		emu.SetMembers(project, id, emulator.GenerateMembers(id, 20))
	}
	emu.SetMembers(project, imageID(10000), emulator.GenerateMembers(imageID(10000), 10000))
	emu.SetMembers(project, imageID(20000), emulator.GenerateMembers(imageID(20000), 20000))
	emu.Start()
	defer emu.Close()

	rc := filepath.Join(work, "cli.tfrc")
	if err := devcli.WriteConfig(rc, cli, plugins); err != nil {
		return err
	}

	scenarios := []scenario{
		{name: "validate floor: 1 terraform_data", command: "validate", sources: 1, floor: "floor"},
		{name: "validate: 1 data source", command: "validate", sources: 1, members: 20},
		{name: "floor: 1 terraform_data", sources: 1, floor: "floor"},
		{name: "1 data source, 20 members", sources: 1, members: 20},
		{name: "floor: 50 terraform_data", sources: 50, floor: "floor"},
		{name: "50 data sources, 20 members each", sources: 50, members: 20},
		{name: "floor: 200 terraform_data", sources: 200, floor: "floor"},
		{name: "200 data sources, 20 members each", sources: 200, members: 20},
		{name: "1 data source, 10,000 members", sources: 1, members: 10000},
		{name: "1 data source, 20,000 members", sources: 1, members: 20000},
	}
	var results []result
	for _, sc := range scenarios {
		if only != "" && !strings.Contains(sc.name, only) && sc.floor == "" {
			continue
		}
		dir := filepath.Join(work, strings.NewReplacer(" ", "_", ",", "", ":", "").Replace(sc.name))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config(sc, emu.URL(), emu.IAMURL())), 0o600); err != nil {
			return err
		}
		res := result{scenario: sc}
		var times []time.Duration
		for r := range runs {
			rssFile := filepath.Join(dir, fmt.Sprintf("rss-%d", r))
			req0, iam0, conn0 := emu.Requests(), emu.IAMCalls(), emu.Connections()
			args := []string{"-chdir=" + dir, "plan", "-input=false", "-no-color", "-lock=false"}
			if sc.command == "validate" {
				args = []string{"-chdir=" + dir, "validate", "-no-color"}
			}
			cmd := exec.Command(cli, args...)
			cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
				envWrap+"="+providerBin, envRSSFile+"="+rssFile,
				"HW_REGION_NAME=", "HW_PROJECT_ID=", "HW_ACCESS_KEY=", "HW_SECRET_KEY=")
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			start := time.Now()
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("%s: plan failed: %v\n%s", sc.name, err, out.String())
			}
			times = append(times, time.Since(start))
			res.requests, res.iamCalls, res.connections = emu.Requests()-req0, emu.IAMCalls()-iam0, emu.Connections()-conn0
			peak, procs := maxRSS(rssFile)
			res.peakRSSKiB = max(res.peakRSSKiB, peak)
			res.processes = procs
		}
		slices.Sort(times)
		res.median = times[len(times)/2]
		results = append(results, res)
		fmt.Fprintf(os.Stderr, "imsbench: %-36s median %6.0f ms\n", sc.name, ms(res.median))
	}
	printTable(cli, runs, results)
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

// Query benchmarks: a project of images images, shared of them shared
// with members members each, in an account of its own.
type queryScenario struct {
	images, shared, members int
}

var queryScenarios = []queryScenario{{images: 200, shared: 50, members: 5}, {images: 1030, shared: 7, members: 5}}

const (
	queryDomain = "9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a"
	queryAK     = "QUERYACCESSKEY000000"
	querySK     = "query-secret-key"
)

// benchQuery times `terraform query` (Terraform >= 1.14) of the
// ims_image_share list resource with include_resource, and counts requests
// (image-list pages, members reads, IAM calls) and connections.
func benchQuery(cli, rc, providerBin, work string, emu *emulator.Server, runs int) error {
	out, _ := exec.Command(cli, "version").Output()
	minor := -1 // OpenTofu, or a version that does not parse.
	_, _ = fmt.Sscanf(string(out), "Terraform v1.%d.", &minor)
	if minor < 14 {
		fmt.Printf("\nQuery: skipped, %s has no terraform query (Terraform >= 1.14 has).\n", strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0]))
		return nil
	}
	emu.AddCredential(emulator.Credential{AccessKey: queryAK, SecretKey: querySK, DomainID: queryDomain})
	fmt.Printf("\nQuery: `terraform query` of `ims_image_share` with include_resource; median of %d.\n\n", runs)
	fmt.Println("| scenario | wall (median) | results | requests | image-list pages | members reads | IAM calls | TCP connections | provider peak RSS |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for n, sc := range queryScenarios {
		if err := benchQueryScenario(cli, rc, providerBin, work, emu, runs, n, sc); err != nil {
			return err
		}
	}
	return nil
}

func benchQueryScenario(cli, rc, providerBin, work string, emu *emulator.Server, runs, n int, sc queryScenario) error {
	project := fmt.Sprintf("9b9b9b9b9b9b9b9b9b9b9b9b9b9b9b%02x", n)
	emu.AddProject(emulator.Project{ID: project, Region: fmt.Sprintf("%s-q%d", region, n), DomainID: queryDomain})
	var ids []string
	for i := range sc.images {
		id := imageID(60000 + 10000*n + i)
		ids = append(ids, id)
		emu.SetImage(project, id, emulator.ImageOptions{Name: fmt.Sprintf("image-%04d", i)})
		if i%(sc.images/sc.shared) == 0 && i/(sc.images/sc.shared) < sc.shared {
			emu.SetMembers(project, id, emulator.GenerateMembers(id, sc.members))
		}
	}
	memberReads := func() int {
		total := 0
		for _, id := range ids {
			total += emu.ImageRequests(id)
		}
		return total
	}
	dir := filepath.Join(work, fmt.Sprintf("query-%d", n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	main := providerHCL(fmt.Sprintf("%s-q%d", region, n), queryAK, querySK, emu.URL(), emu.IAMURL())
	query := "list \"ims_image_share\" \"all\" {\n  provider         = ims\n  include_resource = true\n  limit            = 1000\n  config {}\n}\n"
	for name, body := range map[string]string{"main.tf": main, "list.tfquery.hcl": query} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			return err
		}
	}
	var times []time.Duration
	var requests, pages, reads, iam, conns, peak, found int
	for r := range runs {
		rssFile := filepath.Join(dir, fmt.Sprintf("rss-%d", r))
		req0, p0, m0, i0, c0 := emu.Requests(), emu.ImageLists(), memberReads(), emu.IAMCalls(), emu.Connections()
		cmd := exec.Command(cli, "-chdir="+dir, "query", "-no-color")
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
			envWrap+"="+providerBin, envRSSFile+"="+rssFile)
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("query: %v\n%s", err, buf.String())
		}
		times = append(times, time.Since(start))
		requests, pages, reads, iam, conns = emu.Requests()-req0, emu.ImageLists()-p0, memberReads()-m0, emu.IAMCalls()-i0, emu.Connections()-c0
		found = strings.Count(buf.String(), "list.ims_image_share.all ")
		rss, _ := maxRSS(rssFile)
		peak = max(peak, rss)
	}
	slices.Sort(times)
	fmt.Printf("| query: %d images, %d shared × %d members | %.0f ms | %d | %d | %d | %d | %d | %d | %.1f MiB |\n", sc.images, sc.shared, sc.members,
		ms(times[len(times)/2]), found, requests, pages, reads, iam, conns, float64(peak)/1024)
	return nil
}

// Inventory benchmark: the owner's project holds inventoryImages images,
// inventoryShared of them shared with 5 members each; the recipient's
// project is offered inventoryIncoming images by a third project, a third
// in each status.
const (
	inventoryImages   = 1030
	inventoryShared   = 50
	inventoryIncoming = 1000
	inventoryDomain   = "8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a"
	inventoryOwner    = "8b8b8b8b8b8b8b8b8b8b8b8b8b8b8b8b"
	inventoryFactory  = "8c8c8c8c8c8c8c8c8c8c8c8c8c8c8c8c"
	inventoryAK       = "INVENTORYKEY00000000"
	inventorySK       = "inventory-secret-key"
	inventoryRegion   = "cn-north-4-inv"
)

// benchInventory times a plan of each inventory data source against a plan
// of one ims_image_members, and counts requests by kind.
func benchInventory(cli, rc, providerBin, work string, emu *emulator.Server, runs int) error {
	emu.AddCredential(emulator.Credential{AccessKey: inventoryAK, SecretKey: inventorySK, DomainID: inventoryDomain})
	emu.AddProject(emulator.Project{ID: inventoryOwner, Region: inventoryRegion, DomainID: inventoryDomain})
	emu.AddProject(emulator.Project{ID: inventoryFactory, Region: inventoryRegion + "-f", DomainID: "8d8d8d8d8d8d8d8d8d8d8d8d8d8d8d8d"})
	var ids []string
	for i := range inventoryImages {
		id := imageID(80000 + i)
		ids = append(ids, id)
		emu.SetImage(inventoryOwner, id, emulator.ImageOptions{Name: fmt.Sprintf("image-%04d", i)})
		if i%(inventoryImages/inventoryShared) == 0 && i/(inventoryImages/inventoryShared) < inventoryShared {
			emu.SetMembers(inventoryOwner, id, emulator.GenerateMembers(id, 5))
		}
	}
	statuses := []string{"pending", "accepted", "rejected"}
	for i := range inventoryIncoming {
		id := imageID(90000 + i)
		m := emulator.NewMember(id, "project", statuses[i%3], "r", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
		m.MemberID = inventoryOwner
		emu.SetImage(inventoryFactory, id, emulator.ImageOptions{Name: fmt.Sprintf("offer-%04d", i)})
		emu.SetMembers(inventoryFactory, id, []emulator.Member{m})
	}
	memberReads := func() int {
		total := 0
		for _, id := range ids {
			total += emu.ImageRequests(id)
		}
		return total
	}
	provider := providerHCL(inventoryRegion, inventoryAK, inventorySK, emu.URL(), emu.IAMURL())
	fmt.Printf("\nInventory: `plan` of one data source; median of %d plans.\n\n", runs)
	fmt.Println("| scenario | wall (median) | requests | image-list pages | members reads | IAM calls | TCP connections | provider peak RSS |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for n, sc := range []struct{ name, body string }{
		{"1 ims_image_members, 5 members", fmt.Sprintf("data \"ims_image_members\" \"one\" {\n  image_id = %q\n}\n", ids[0])},
		{fmt.Sprintf("ims_image_shares: %d images, %d shared × 5 members", inventoryImages, inventoryShared), "data \"ims_image_shares\" \"all\" {}\n"},
		{fmt.Sprintf("ims_incoming_image_shares: %d incoming shares", inventoryIncoming), "data \"ims_incoming_image_shares\" \"all\" {}\n"},
	} {
		dir := filepath.Join(work, fmt.Sprintf("inventory-%d", n))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(provider+sc.body), 0o600); err != nil {
			return err
		}
		var times []time.Duration
		var requests, pages, reads, iam, conns, peak int
		for r := range runs {
			rssFile := filepath.Join(dir, fmt.Sprintf("rss-%d", r))
			req0, p0, m0, i0, c0 := emu.Requests(), emu.ImageLists(), memberReads(), emu.IAMCalls(), emu.Connections()
			cmd := exec.Command(cli, "-chdir="+dir, "plan", "-input=false", "-no-color", "-lock=false")
			cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
				envWrap+"="+providerBin, envRSSFile+"="+rssFile)
			var buf bytes.Buffer
			cmd.Stdout, cmd.Stderr = &buf, &buf
			start := time.Now()
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("%s: %v\n%s", sc.name, err, buf.String())
			}
			times = append(times, time.Since(start))
			requests, pages, reads, iam, conns = emu.Requests()-req0, emu.ImageLists()-p0, memberReads()-m0, emu.IAMCalls()-i0, emu.Connections()-c0
			rss, _ := maxRSS(rssFile)
			peak = max(peak, rss)
		}
		slices.Sort(times)
		fmt.Printf("| %s | %.0f ms | %d | %d | %d | %d | %d | %.1f MiB |\n", sc.name, ms(times[len(times)/2]), requests, pages, reads, iam, conns, float64(peak)/1024)
	}
	return nil
}

// Sharing benchmarks: applies with jobs that take shareJobDelay, as real
// IMS jobs take seconds. One shares shareImages images with shareMembers
// projects each through ims_image_share; the other adds memberCount
// members to one image, one ims_image_share_member each; with Terraform >=
// 1.14, a third shares the first's images with the same projects by one
// ims_share_image invoke.
const (
	shareImages   = 20
	shareMembers  = 5
	memberCount   = 20
	shareJobDelay = 2 * time.Second
)

// benchApply times `terraform apply` of each sharing scenario, and counts
// requests, writes (one job each) and job polls; each run is destroyed
// before the next.
func benchApply(cli, rc, providerBin, work string, emu *emulator.Server, runs int) error {
	var projects []string
	for i := range max(shareMembers, memberCount) {
		p := fmt.Sprintf("%032x", 0x5a5a0000+i)
		emu.AddProject(emulator.Project{ID: p, Region: region, DomainID: "e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0"})
		projects = append(projects, p)
	}
	emu.SetJobDelay(shareJobDelay)
	quoted := make([]string, shareMembers)
	for i := range quoted {
		quoted[i] = fmt.Sprintf("%q", projects[i])
	}
	var share, member strings.Builder
	share.WriteString(config(scenario{}, emu.URL(), emu.IAMURL()))
	for i := range shareImages {
		id := imageID(50000 + i)
		emu.SetImage(project, id, emulator.ImageOptions{})
		fmt.Fprintf(&share, "resource \"ims_image_share\" \"s%d\" {\n  image_id = %q\n  projects = [%s]\n}\n", i, id, strings.Join(quoted, ", "))
	}
	member.WriteString(config(scenario{}, emu.URL(), emu.IAMURL()))
	one := imageID(59999)
	emu.SetImage(project, one, emulator.ImageOptions{})
	for i := range memberCount {
		fmt.Fprintf(&member, "resource \"ims_image_share_member\" \"m%d\" {\n  image_id   = %q\n  project_id = %q\n}\n", i, one, projects[i])
	}
	fmt.Printf("\nSharing: `apply` with jobs of %s each; median of %d applies (each destroyed before the next).\n\n", shareJobDelay, runs)
	fmt.Println("| scenario | wall (median) | requests | writes (jobs) | job polls | TCP connections | provider peak RSS |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, sc := range []struct{ name, dir, body string }{
		{fmt.Sprintf("apply: %d ims_image_share × %d members", shareImages, shareMembers), "apply-share", share.String()},
		{fmt.Sprintf("apply: %d ims_image_share_member on one image", memberCount), "apply-member", member.String()},
	} {
		if err := benchApplyScenario(cli, rc, providerBin, filepath.Join(work, sc.dir), sc.name, sc.body, emu, runs); err != nil {
			return err
		}
	}
	if !hasActions(cli) {
		return nil
	}
	// The same sharing as the first row, by one ims_share_image invoke.
	var invoke strings.Builder
	invoke.WriteString(config(scenario{}, emu.URL(), emu.IAMURL()))
	var images []string
	for i := range shareImages {
		images = append(images, fmt.Sprintf("%q", imageID(50000+i)))
	}
	fmt.Fprintf(&invoke, "action \"ims_share_image\" \"all\" {\n  config {\n    image_ids = [%s]\n    projects  = [%s]\n  }\n}\n",
		strings.Join(images, ", "), strings.Join(quoted, ", "))
	return benchInvokeScenario(cli, rc, providerBin, filepath.Join(work, "invoke-share"),
		fmt.Sprintf("invoke: ims_share_image, %d images × %d members", shareImages, shareMembers), invoke.String(), emu, runs, func() {
			for i := range shareImages {
				emu.SetMembers(project, imageID(50000+i), []emulator.Member{})
			}
		})
}

// hasActions reports a CLI that has actions: Terraform >= 1.14.
func hasActions(cli string) bool {
	out, _ := exec.Command(cli, "version").Output()
	var minor int
	_, err := fmt.Sscanf(string(out), "Terraform v1.%d.", &minor)
	return err == nil && minor >= 14
}

// benchInvokeScenario times `terraform apply -invoke` of the action "all"
// in body, after reset puts IMS back as it was, and prints a row as
// benchApplyScenario does.
func benchInvokeScenario(cli, rc, providerBin, dir, name, body string, emu *emulator.Server, runs int, reset func()) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(body), 0o600); err != nil {
		return err
	}
	var times []time.Duration
	var requests, writes, polls, conns, peak int
	for r := range runs {
		reset()
		rssFile := filepath.Join(dir, fmt.Sprintf("rss-%d", r))
		req0, w0, p0, c0 := emu.Requests(), emu.Writes(), emu.JobPolls(), emu.Connections()
		cmd := exec.Command(cli, "-chdir="+dir, "apply", "-auto-approve", "-input=false", "-no-color", "-lock=false", "-invoke=action.ims_share_image.all")
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
			envWrap+"="+providerBin, envRSSFile+"="+rssFile)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %v\n%s", name, err, out.String())
		}
		times = append(times, time.Since(start))
		requests, writes, polls, conns = emu.Requests()-req0, emu.Writes()-w0, emu.JobPolls()-p0, emu.Connections()-c0
		rss, _ := maxRSS(rssFile)
		peak = max(peak, rss)
	}
	slices.Sort(times)
	fmt.Printf("| %s | %.0f ms | %d | %d | %d | %d | %.1f MiB |\n", name, ms(times[len(times)/2]), requests, writes, polls, conns, float64(peak)/1024)
	return nil
}

func benchApplyScenario(cli, rc, providerBin, dir, name, body string, emu *emulator.Server, runs int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(body), 0o600); err != nil {
		return err
	}
	runCLI := func(rssFile string, args ...string) error {
		cmd := exec.Command(cli, append([]string{"-chdir=" + dir}, args...)...)
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
			envWrap+"="+providerBin, envRSSFile+"="+rssFile)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%v: %v\n%s", args, err, out.String())
		}
		return nil
	}
	var times []time.Duration
	var requests, writes, polls, conns, peak int
	for r := range runs {
		rssFile := filepath.Join(dir, fmt.Sprintf("rss-%d", r))
		req0, w0, p0, c0 := emu.Requests(), emu.Writes(), emu.JobPolls(), emu.Connections()
		start := time.Now()
		if err := runCLI(rssFile, "apply", "-auto-approve", "-input=false", "-no-color", "-lock=false"); err != nil {
			return err
		}
		times = append(times, time.Since(start))
		requests, writes, polls, conns = emu.Requests()-req0, emu.Writes()-w0, emu.JobPolls()-p0, emu.Connections()-c0
		rss, _ := maxRSS(rssFile)
		peak = max(peak, rss)
		if err := runCLI(filepath.Join(dir, "rss-destroy"), "destroy", "-auto-approve", "-input=false", "-no-color", "-lock=false"); err != nil {
			return err
		}
	}
	slices.Sort(times)
	fmt.Printf("| %s | %.0f ms | %d | %d | %d | %d | %.1f MiB |\n", name, ms(times[len(times)/2]), requests, writes, polls, conns, float64(peak)/1024)
	return nil
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

func config(sc scenario, endpoint, authURL string) string {
	var b strings.Builder
	if sc.floor != "" {
		for i := range sc.sources {
			fmt.Fprintf(&b, "resource \"terraform_data\" \"d%d\" {\n  input = %q\n}\n", i, imageID(i))
		}
		return b.String()
	}
	// No project_id: the provider discovers it, once per plan.
	b.WriteString(providerHCL(region, accessKey, secretKey, endpoint, authURL))
	for i := range sc.sources {
		id := imageID(i)
		if sc.members != 20 {
			id = imageID(sc.members)
		}
		fmt.Fprintf(&b, "data \"ims_image_members\" \"d%d\" {\n  image_id = %q\n}\n", i, id)
	}
	return b.String()
}

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

func printTable(cli string, runs int, results []result) {
	ver, _ := exec.Command(cli, "version").Output()
	first, _, _ := strings.Cut(string(ver), "\n")
	floors := map[string]time.Duration{}
	floorKey := func(r result) string { return r.command + "/" + strconv.Itoa(r.sources) }
	byName := map[string]result{}
	for _, r := range results {
		if r.floor != "" {
			floors[floorKey(r)] = r.median
		}
		byName[r.name] = r
	}
	fmt.Printf("CLI: %s; Go %s %s/%s, %d CPUs; median of %d plans each.\n\n", first, runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runs)
	fmt.Println("| scenario | wall (median) | requests | IAM calls | TCP connections | provider processes | provider peak RSS | × floor |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, r := range results {
		ratio, reqs, iam, conns, procs, rss := "1.00", "-", "-", "-", "-", "-"
		if r.floor == "" {
			ratio = fmt.Sprintf("%.2f", float64(r.median)/float64(floors[floorKey(r)]))
			reqs, iam, conns = strconv.Itoa(r.requests), strconv.Itoa(r.iamCalls), strconv.Itoa(r.connections)
			procs = strconv.Itoa(r.processes)
			rss = fmt.Sprintf("%.1f MiB", float64(r.peakRSSKiB)/1024)
		}
		fmt.Printf("| %s | %.0f ms | %s | %s | %s | %s | %s | %s |\n", r.name, ms(r.median), reqs, iam, conns, procs, rss, ratio)
	}
	planFloor := func(n int) float64 { return ms(floors["/"+strconv.Itoa(n)]) }
	share := func(n int, name string) float64 { return (ms(byName[name].median) - planFloor(n)) / float64(n) }
	fmt.Println()
	if len(byName) < len(results) || byName["200 data sources, 20 members each"].median == 0 {
		return
	}
	fmt.Printf("- Provider share per data source at 200 (plan minus floor, divided by 200): %.2f ms.\n", share(200, "200 data sources, 20 members each"))
	fmt.Printf("- At 50: %.2f ms per data source.\n", share(50, "50 data sources, 20 members each"))
	fmt.Printf("- Start-up and schema handshake (validate with the provider minus validate without): %.0f ms.\n",
		ms(byName["validate: 1 data source"].median)-ms(floors["validate/1"]))
	fmt.Printf("- Start-up, handshake, configuration, project discovery and one read (1 data source minus its plan floor): %.0f ms.\n",
		ms(byName["1 data source, 20 members"].median)-planFloor(1))
	t10 := ms(byName["1 data source, 10,000 members"].median) - planFloor(1)
	t20 := ms(byName["1 data source, 20,000 members"].median) - planFloor(1)
	fmt.Printf("- 20,000 members against 10,000 (each minus the floor): %.0f ms / %.0f ms = %.2f×.\n", t20, t10, t20/t10)
}

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
