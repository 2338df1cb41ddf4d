package emulator

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
	"github.com/terraform-ims/terraform-provider-ims/internal/signer"
)

const (
	listOwner   = "0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a"
	listFactory = "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
)

// listWorld: the owner's own images with varied attributes, and images
// another account shares with it (accepted and pending).
const listWorld = `{
  "accounts": [
    {"domain_id": "d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0", "keys": [{"access_key": "LISTAK", "secret_key": "list-sk"}],
     "projects": [{"id": "` + listOwner + `", "region": "cn-north-4"}]},
    {"domain_id": "d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1", "keys": [{"access_key": "FACTORYAK", "secret_key": "factory-sk"}],
     "projects": [{"id": "` + listFactory + `", "region": "cn-north-4"}]}
  ],
  "images": [
    {"id": "a1", "owner_project": "` + listOwner + `", "name": "web", "created_at": "2024-03-01T00:00:00Z"},
    {"id": "a2", "owner_project": "` + listOwner + `", "name": "db", "created_at": "2024-01-01T00:00:00Z", "status": "queued",
     "__platform": "Windows", "__os_version": "Windows Server 2022 Datacenter 64bit", "min_disk": 60, "min_ram": 2048,
     "disk_format": "qcow2", "protected": true, "enterprise_project_id": "ep-1"},
    {"id": "a3", "owner_project": "` + listOwner + `", "name": "cache", "created_at": "2024-02-01T00:00:00Z", "full_ecs": true,
     "virtual_env_type": "Ironic", "members": [{"member_id": "` + listFactory + `", "member_type": "project", "status": "accepted"}]},
    {"id": "a4", "owner_project": "` + listOwner + `", "name": "app", "created_at": "2024-02-01T00:00:00Z"},
    {"id": "b1", "owner_project": "` + listFactory + `", "name": "offer-accepted",
     "members": [{"member_id": "` + listOwner + `", "member_type": "project", "status": "accepted"}]},
    {"id": "b2", "owner_project": "` + listFactory + `", "name": "offer-pending",
     "members": [{"member_id": "` + listOwner + `", "member_type": "project", "status": "pending"}]},
    {"id": "b3", "owner_project": "` + listFactory + `", "name": "not-shared"}
  ]
}`

func startList(t *testing.T) *Server {
	t.Helper()
	emu := New()
	if err := emu.LoadFixtures(strings.NewReader(listWorld)); err != nil {
		t.Fatal(err)
	}
	emu.Start()
	t.Cleanup(emu.Close)
	return emu
}

// listIDs lists images as the official provider does (X-Project-Id added
// after signing) and returns the IDs, the raw entries and the status.
func listIDs(t *testing.T, emu *Server, query string) ([]string, []map[string]any, int) {
	t.Helper()
	resp, b := officialRequest{method: http.MethodGet, url: emu.URL() + "/v2/cloudimages?" + query, ak: "LISTAK", sk: "list-sk", projectID: listOwner}.send(t)
	var out struct {
		Images []map[string]any `json:"images"`
	}
	if resp.StatusCode != http.StatusOK {
		return nil, nil, resp.StatusCode
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: %v: %s", query, err, b)
	}
	ids := []string{}
	for _, img := range out.Images {
		id, _ := img["id"].(string)
		ids = append(ids, id)
	}
	return ids, out.Images, resp.StatusCode
}

// TestImageListOfficialQuery: the official provider's query,
// sort_key=name&sort_dir=asc&status=active, sorts by name and keeps the
// active images; the entries carry every documented field.
func TestImageListOfficialQuery(t *testing.T) {
	emu := startList(t)
	ids, entries, status := listIDs(t, emu, "sort_key=name&sort_dir=asc&status=active")
	if want := []string{"a4", "a3", "b1", "b2", "a1"}; status != 200 || !slices.Equal(ids, want) {
		t.Errorf("HTTP %d, ids %v, want %v", status, ids, want)
	}
	for _, field := range []string{"__backup_id", "__data_origin", "__description", "__image_location", "__image_size", "__image_source_type",
		"__imagetype", "__is_config_init", "__isregistered", "__originalimagename", "__os_bit", "__os_type", "__os_version", "__platform",
		"__whole_image", "container_format", "created_at", "disk_format", "enterprise_project_id", "file", "id", "min_disk", "min_ram",
		"name", "owner", "protected", "schema", "self", "status", "tags", "updated_at", "virtual_env_type", "visibility", "architecture"} {
		if _, ok := entries[0][field]; !ok {
			t.Errorf("an entry lacks %s: %v", field, entries[0])
		}
	}
	if e := entries[0]; e["__platform"] != "Ubuntu" || e["__os_type"] != "Linux" || e["min_disk"] != 40.0 || e["disk_format"] != "zvhd2" {
		t.Errorf("defaults: %v", e)
	}
}

// TestImageListOrders: the documented default (created_at desc), single
// keys and comma lists of keys and directions, ties broken by ID; bad
// keys and directions are refused.
func TestImageListOrders(t *testing.T) {
	emu := startList(t)
	for query, want := range map[string][]string{
		"":                            {"a1", "a3", "a4", "a2", "b1", "b2"},
		"sort_dir=asc":                {"a2", "b1", "b2", "a3", "a4", "a1"},
		"sort_key=name&sort_dir=desc": {"a1", "b2", "b1", "a2", "a3", "a4"},
		"sort_key=id":                 {"a1", "a2", "a3", "a4", "b1", "b2"},
		"sort_key=created_at,name&sort_dir=desc,asc": {"a1", "a4", "a3", "a2", "b1", "b2"},
		"sort_key=status,name":                       {"a4", "a3", "b1", "b2", "a1", "a2"},
		"sort_key=min_disk,created_at&sort_dir=desc": {"a2", "a1", "a3", "a4", "b1", "b2"},
	} {
		if ids, _, status := listIDs(t, emu, query); status != 200 || !slices.Equal(ids, want) {
			t.Errorf("%q: HTTP %d, %v, want %v", query, status, ids, want)
		}
	}
	for _, query := range []string{"sort_key=colour", "sort_dir=up", "sort_key=name,id&sort_dir=asc,desc,asc"} {
		if _, _, status := listIDs(t, emu, query); status != http.StatusBadRequest {
			t.Errorf("%q: HTTP %d, want 400", query, status)
		}
	}
}

// TestImageListFilters: every documented filter.
func TestImageListFilters(t *testing.T) {
	emu := startList(t)
	for query, want := range map[string][]string{
		"id=a2":                          {"a2"},
		"name=cache":                     {"a3"},
		"status=queued":                  {"a2"},
		"visibility=private&sort_key=id": {"a1", "a2", "a3", "a4"},
		"visibility=shared":              {"b1"},
		"visibility=shared&member_status=pending":           {"b2"},
		"owner=" + listFactory + "&sort_key=id":             {"b1", "b2"},
		"__imagetype=shared&sort_key=id":                    {"a3", "b1", "b2"},
		"__imagetype=private&sort_key=id":                   {"a1", "a2", "a4"},
		"__platform=Windows":                                {"a2"},
		"__os_type=Windows":                                 {"a2"},
		"virtual_env_type=Ironic":                           {"a3"},
		"__whole_image=true":                                {"a3"},
		"protected=true":                                    {"a2"},
		"enterprise_project_id=ep-1":                        {"a2"},
		"enterprise_project_id=0&sort_key=id":               {"a1", "a3", "a4", "b1", "b2"},
		"enterprise_project_id=all_granted_eps&sort_key=id": {"a1", "a2", "a3", "a4", "b1", "b2"},
		"disk_format=qcow2&min_ram=2048":                    {"a2"},
	} {
		if ids, _, status := listIDs(t, emu, query); status != 200 || !slices.Equal(ids, want) {
			t.Errorf("%q: HTTP %d, %v, want %v", query, status, ids, want)
		}
	}
}

// TestImageListPaging: marker paging follows the order asked for.
func TestImageListPaging(t *testing.T) {
	emu := startList(t)
	for _, order := range []string{"sort_key=name&sort_dir=asc", "", "sort_key=created_at,name&sort_dir=asc,desc"} {
		all, _, _ := listIDs(t, emu, order)
		var paged []string
		marker := ""
		for range 10 {
			q := url.Values{"limit": {"2"}}
			if marker != "" {
				q.Set("marker", marker)
			}
			ids, _, status := listIDs(t, emu, strings.TrimPrefix(order+"&"+q.Encode(), "&"))
			if status != 200 {
				t.Fatalf("%q: HTTP %d", order, status)
			}
			if len(ids) == 0 {
				break
			}
			paged = append(paged, ids...)
			marker = ids[len(ids)-1]
		}
		if !slices.Equal(paged, all) {
			t.Errorf("%q: paged %v, listed %v", order, paged, all)
		}
	}
}

// TestImageListProviderQueries: the queries this provider's client sends
// (no sort_key) give the answers they gave before sort_key was served:
// the demo's images, all created at one instant, in ID order.
func TestImageListProviderQueries(t *testing.T) {
	emu := startDemo(t)
	hc, err := ims.NewHTTPClient(ims.TransportOptions{Auth: signer.AKSK{Credentials: signer.Credentials{AccessKey: DemoAccessKey, SecretKey: DemoSecretKey}}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := ims.New(ims.Config{HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	err = c.At(emu.URL(), DemoProjectID).ListImages(context.Background(), ims.ListImagesInput{ImageType: "shared",
		Owner: DemoProjectID, EnterpriseProjectID: "all_granted_eps", PageSize: 2}, func(page []ims.Image) error {
		for _, img := range page {
			ids = append(ids, img.ID)
		}
		return nil
	})
	if want := []string{DemoImageID, DemoGoldenImageID, DemoBaseImageID, DemoOfferedImageID}; err != nil || !slices.Equal(ids, want) {
		t.Errorf("the owner's shared images: %v, %v, want %v", ids, err, want)
	}
}
