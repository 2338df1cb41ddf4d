package emulator

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// ImageLists is the number of image list pages served.
func (s *Server) ImageLists() int { return int(s.imageLists.Load()) }

// image is one entry of the image list, with every field ListImages
// documents for an entry (ImageInfo).
type image struct {
	BackupID          string   `json:"__backup_id"`
	DataOrigin        string   `json:"__data_origin"`
	Description       string   `json:"__description"`
	ImageLocation     string   `json:"__image_location"`
	ImageSize         string   `json:"__image_size"`
	ImageSourceType   string   `json:"__image_source_type"`
	ImageType         string   `json:"__imagetype"`
	IsConfigInit      string   `json:"__is_config_init"`
	IsRegistered      string   `json:"__isregistered"`
	OriginalImageName string   `json:"__originalimagename"`
	OSBit             string   `json:"__os_bit"`
	OSType            string   `json:"__os_type"`
	OSVersion         string   `json:"__os_version"`
	Platform          string   `json:"__platform"`
	SupportKVM        string   `json:"__support_kvm"`
	SupportArm        string   `json:"__support_arm"`
	WholeImage        bool     `json:"__whole_image"`
	ContainerFormat   string   `json:"container_format"`
	CreatedAt         string   `json:"created_at"`
	Deleted           bool     `json:"deleted"`
	DiskFormat        string   `json:"disk_format"`
	EnterpriseProject string   `json:"enterprise_project_id"`
	File              string   `json:"file"`
	ID                string   `json:"id"`
	MinDisk           int      `json:"min_disk"`
	MinRAM            int      `json:"min_ram"`
	Name              string   `json:"name"`
	Owner             string   `json:"owner"`
	Protected         bool     `json:"protected"`
	Schema            string   `json:"schema"`
	Self              string   `json:"self"`
	Size              int64    `json:"size"`
	Status            string   `json:"status"`
	Tags              []string `json:"tags"`
	UpdatedAt         string   `json:"updated_at"`
	VirtualEnvType    string   `json:"virtual_env_type"`
	VirtualSize       int      `json:"virtual_size"`
	Visibility        string   `json:"visibility"`
	Architecture      string   `json:"architecture"`
	HwFirmwareType    string   `json:"hw_firmware_type"`
}

// imageCreated is when every emulated image was created, unless its
// options say otherwise.
const imageCreated = "2024-01-01T00:00:00Z"

// newImage is the list entry of an image.
func newImage(id, owner string, o ImageOptions) image {
	o = o.withDefaults(id)
	return image{
		Description: o.Description, ImageLocation: "uds", ImageSize: strconv.FormatInt(o.ImageSize, 10), ImageSourceType: "uds",
		IsConfigInit: "true", IsRegistered: "true", OSBit: o.OSBit, OSType: o.OSType, OSVersion: o.OSVersion, Platform: o.Platform,
		SupportKVM: "true", SupportArm: strconv.FormatBool(o.Architecture == "arm"), WholeImage: o.FullECS, ContainerFormat: "bare",
		CreatedAt: o.CreatedAt, DiskFormat: o.DiskFormat, EnterpriseProject: o.EnterpriseProjectID, File: "/v2/images/" + id + "/file",
		ID: id, MinDisk: o.MinDisk, MinRAM: o.MinRAM, Name: o.Name, Owner: owner, Protected: o.Protected, Schema: "/v2/schemas/image",
		Self: "/v2/images/" + id, Size: 0, Status: o.Status, Tags: []string{}, UpdatedAt: o.CreatedAt, VirtualEnvType: o.VirtualEnvType,
		Architecture: o.Architecture, HwFirmwareType: "bios",
	}
}

// imageFilters are the documented filters that compare an entry's field
// with the query's value; member_status and enterprise_project_id are
// served apart.
var imageFilters = map[string]func(image) string{
	"id": func(i image) string { return i.ID }, "name": func(i image) string { return i.Name },
	"status": func(i image) string { return i.Status }, "visibility": func(i image) string { return i.Visibility },
	"owner": func(i image) string { return i.Owner }, "__imagetype": func(i image) string { return i.ImageType },
	"__platform": func(i image) string { return i.Platform }, "__os_type": func(i image) string { return i.OSType },
	"__os_bit": func(i image) string { return i.OSBit }, "virtual_env_type": func(i image) string { return i.VirtualEnvType },
	"__whole_image": func(i image) string { return strconv.FormatBool(i.WholeImage) },
	"protected":     func(i image) string { return strconv.FormatBool(i.Protected) },
	"disk_format":   func(i image) string { return i.DiskFormat }, "container_format": func(i image) string { return i.ContainerFormat },
	"architecture": func(i image) string { return i.Architecture },
	"min_disk":     func(i image) string { return strconv.Itoa(i.MinDisk) }, "min_ram": func(i image) string { return strconv.Itoa(i.MinRAM) },
}

// imageSortKeys are the documented sort keys.
var imageSortKeys = map[string]func(a, b image) int{
	"created_at":       func(a, b image) int { return strings.Compare(a.CreatedAt, b.CreatedAt) },
	"updated_at":       func(a, b image) int { return strings.Compare(a.UpdatedAt, b.UpdatedAt) },
	"name":             func(a, b image) int { return strings.Compare(a.Name, b.Name) },
	"container_format": func(a, b image) int { return strings.Compare(a.ContainerFormat, b.ContainerFormat) },
	"disk_format":      func(a, b image) int { return strings.Compare(a.DiskFormat, b.DiskFormat) },
	"status":           func(a, b image) int { return strings.Compare(a.Status, b.Status) },
	"id":               func(a, b image) int { return strings.Compare(a.ID, b.ID) },
	"size":             func(a, b image) int { return cmp.Compare(a.Size, b.Size) },
	"min_disk":         func(a, b image) int { return cmp.Compare(a.MinDisk, b.MinDisk) },
	"min_ram":          func(a, b image) int { return cmp.Compare(a.MinRAM, b.MinRAM) },
}

// imageOrder is the order sort_key and sort_dir ask for: comma lists of
// keys and of directions (one direction for every key, or one per key),
// by default created_at desc as documented. The image ID, ascending, ends
// every order, so that ties (every image of the demo was created at the
// same instant) are listed, and paged, in one order.
func imageOrder(q url.Values) (func(a, b image) int, string) {
	keys := splitList(q.Get("sort_key"))
	dirs := splitList(q.Get("sort_dir"))
	if len(keys) == 0 {
		keys = []string{"created_at"}
		if len(dirs) == 0 {
			dirs = []string{"desc"}
		}
	}
	if len(dirs) == 0 {
		dirs = []string{"asc"}
	}
	if len(dirs) != 1 && len(dirs) != len(keys) {
		return nil, "Invalid parameter sort_dir: give one direction, or one per sort_key"
	}
	type step struct {
		cmp  func(a, b image) int
		desc bool
	}
	var steps []step
	for i, k := range keys {
		c, ok := imageSortKeys[k]
		if !ok {
			return nil, "Invalid parameter sort_key: " + k
		}
		d := dirs[min(i, len(dirs)-1)]
		if d != "asc" && d != "desc" {
			return nil, "Invalid parameter sort_dir: " + d + ", must be asc or desc"
		}
		steps = append(steps, step{c, d == "desc"})
	}
	return func(a, b image) int {
		for _, st := range steps {
			if n := st.cmp(a, b); n != 0 {
				if st.desc {
					return -n
				}
				return n
			}
		}
		return strings.Compare(a.ID, b.ID)
	}, ""
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// serveImages is GET /v2/cloudimages (ListImages) as its reference page
// has it: the images the caller's project may see, its own and those shared
// with it. An image of the project's own that it shares with anyone, and an
// image shared with it, both have __imagetype "shared" (told apart by
// owner); an own image with no member is "private". Filters: every one of
// imageFilters, enterprise_project_id (all_granted_eps: every one), and
// member_status (the caller's status as a member; only with
// visibility=shared, as the SDK documents; accepted when not given).
// Sorted by sort_key and sort_dir, paged by marker (the ID of the last
// image of the previous page, in that order) and limit (default 500),
// capped by the readings.
func (s *Server) serveImages(w http.ResponseWriter, r request) {
	q := r.URL.Query()
	limit := 500
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeIMSError(w, http.StatusBadRequest, "IMG.0001", "Invalid parameter limit: must be a positive integer")
			return
		}
		limit = n
	}
	order, msg := imageOrder(q)
	if msg != "" {
		writeIMSError(w, http.StatusBadRequest, "IMG.0001", msg)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.readings.ImagePageCap > 0 {
		limit = min(limit, s.readings.ImagePageCap)
	}
	project := r.Header.Get("X-Project-Id")
	if project == "" {
		project = r.who.projectFor(s, hostRegion(r.Host))
	}
	if p := s.projectByID(project); p == nil || p.DomainID != r.who.domainID {
		writeGatewayError(w, http.StatusForbidden, "APIGW.0302", "The IAM user is not authorized to access project "+project, r.reqID)
		return
	}
	if q.Get("member_status") != "" && q.Get("visibility") != "shared" {
		writeIMSError(w, http.StatusBadRequest, "IMG.0001", "Invalid parameter member_status: it is used with visibility=shared")
		return
	}
	status := q.Get("member_status")
	if status == "" {
		status = "accepted"
	}
	eps := q.Get("enterprise_project_id")
	out := []image{}
	for key, ms := range s.images {
		owner, id, _ := strings.Cut(key, "/")
		o := s.info[id]
		img := newImage(id, owner, o)
		var mine *Member
		if i := slices.IndexFunc(ms, func(m Member) bool { return m.MemberID == project }); i >= 0 {
			mine = &ms[i]
		}
		switch {
		case owner == project && o.Public:
			img.ImageType, img.Visibility = "gold", "public"
		case owner == project && len(ms) > 0:
			img.ImageType, img.Visibility = "shared", "private"
			if s.readings.OwnSharedVisible {
				img.Visibility = "shared"
			}
		case owner == project:
			img.ImageType, img.Visibility = "private", "private"
		case mine != nil && (mine.Status != "pending" || !s.readings.HidePendingShares || q.Get("member_status") == "pending"):
			img.ImageType, img.Visibility = "shared", "shared"
			if s.readings.SharedTypeAcceptedOnly && mine.Status != "accepted" {
				img.ImageType = ""
			}
		default:
			continue
		}
		keep := (eps == "" || eps == "all_granted_eps" || eps == img.EnterpriseProject) &&
			(q.Get("visibility") != "shared" || (mine != nil && mine.Status == status) || (owner == project && img.Visibility == "shared"))
		for name, field := range imageFilters {
			if v, ok := q[name]; ok && len(v) > 0 && v[0] != "" && field(img) != v[0] {
				keep = false
			}
		}
		if keep {
			out = append(out, img)
		}
	}
	slices.SortFunc(out, order)
	start := 0
	if m := q.Get("marker"); m != "" {
		i := slices.IndexFunc(out, func(img image) bool { return img.ID == m })
		if i < 0 {
			writeIMSError(w, http.StatusBadRequest, "IMG.0001", "Invalid parameter marker")
			return
		}
		start = i + 1
	}
	end := min(start+limit, len(out))
	first := url.Values{}
	for k, v := range q {
		if k != "marker" {
			first[k] = v
		}
	}
	body := map[string]any{"images": out[start:end], "schema": "/v2/schemas/images", "first": "/v2/cloudimages?" + first.Encode()}
	if end < len(out) && end > start {
		first.Set("marker", out[end-1].ID)
		body["next"] = "/v2/cloudimages?" + first.Encode()
	}
	writeJSON(w, http.StatusOK, body)
}
