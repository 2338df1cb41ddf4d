// The plan benchmark: plans of ims_image_members data sources of several
// shapes, each beside its floor (the same plan of terraform_data).

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

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

// newPlanEmulator is the emulator with the plan scenarios' images: 200 of
// 20 members, one of 10,000 and one of 20,000.
func newPlanEmulator() *emulator.Server {
	emu := emulator.New()
	emu.AddCredential(emulator.Credential{AccessKey: accessKey, SecretKey: secretKey, DomainID: domain})
	emu.AddProject(emulator.Project{ID: project, Region: region, DomainID: domain})
	for i := range 200 {
		id := imageID(i)
		emu.SetMembers(project, id, emulator.GenerateMembers(id, 20))
	}
	emu.SetMembers(project, imageID(10000), emulator.GenerateMembers(imageID(10000), 10000))
	emu.SetMembers(project, imageID(20000), emulator.GenerateMembers(imageID(20000), 20000))
	return emu
}

// benchPlan times `terraform plan` (or validate) of each scenario whose
// name contains only (every floor runs), and prints the first table.
func benchPlan(cli, rc, providerBin, work string, emu *emulator.Server, runs int, only string) error {
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
	return nil
}

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
