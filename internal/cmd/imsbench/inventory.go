// The inventory benchmark: plans of ims_image_shares and
// ims_incoming_image_shares beside one ims_image_members.

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

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
