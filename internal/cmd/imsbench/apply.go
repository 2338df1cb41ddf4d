// The sharing benchmark: applies of ims_image_share and
// ims_image_share_member, and (Terraform >= 1.14) the ims_share_image
// action, against jobs that take seconds.

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
	share.WriteString(providerHCL(region, accessKey, secretKey, emu.URL(), emu.IAMURL()))
	for i := range shareImages {
		id := imageID(50000 + i)
		emu.SetImage(project, id, emulator.ImageOptions{})
		fmt.Fprintf(&share, "resource \"ims_image_share\" \"s%d\" {\n  image_id = %q\n  projects = [%s]\n}\n", i, id, strings.Join(quoted, ", "))
	}
	member.WriteString(providerHCL(region, accessKey, secretKey, emu.URL(), emu.IAMURL()))
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
	invoke.WriteString(providerHCL(region, accessKey, secretKey, emu.URL(), emu.IAMURL()))
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
