// The query benchmark: `terraform query` of the ims_image_share list
// resource (Terraform >= 1.14).

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

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
