package emulator

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// ImageLists is the number of image list pages served.
func (s *Server) ImageLists() int { return int(s.imageLists.Load()) }

// image is one entry of the image list.
type image struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Owner      string `json:"owner"`
	ImageType  string `json:"__imagetype"`
	Visibility string `json:"visibility"`
	Status     string `json:"status"`
	CreatedAt  string `json:"created_at"`
	UpdatedAt  string `json:"updated_at"`
}

// imageCreated is when every emulated image was created, unless its
// options say otherwise.
const imageCreated = "2024-01-01T00:00:00Z"

// serveImages is GET /v2/cloudimages (ListImages) as its reference page
// has it: the images the caller's project may see, its own and those shared
// with it. An image of the project's own that it shares with anyone, and an
// image shared with it, both have __imagetype "shared" (told apart by
// owner); an own image with no member is "private". Filters: __imagetype,
// owner, visibility, id, and member_status (the caller's status as a
// member; only with visibility=shared, as the SDK documents; accepted when
// not given). Sorted by ID, paged by marker (the ID of the last image of
// the previous page) and limit (default 500), capped by the readings.
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
	out := []image{}
	for key, ms := range s.images {
		owner, id, _ := strings.Cut(key, "/")
		o := s.info[id]
		img := image{ID: id, Name: o.Name, Owner: owner, Status: "active", CreatedAt: imageCreated, UpdatedAt: imageCreated}
		if img.Name == "" {
			img.Name = "image-" + id[:min(8, len(id))]
		}
		if o.CreatedAt != "" {
			img.CreatedAt, img.UpdatedAt = o.CreatedAt, o.CreatedAt
		}
		var mine *Member
		if i := slices.IndexFunc(ms, func(m Member) bool { return m.MemberID == project }); i >= 0 {
			mine = &ms[i]
		}
		switch {
		case owner == project && o.Public:
			img.ImageType, img.Visibility = "gold", "public"
		case owner == project && len(ms) > 0:
			img.ImageType, img.Visibility = "shared", "private"
		case owner == project:
			img.ImageType, img.Visibility = "private", "private"
		case mine != nil:
			img.ImageType, img.Visibility = "shared", "shared"
		default:
			continue
		}
		keep := (q.Get("__imagetype") == "" || q.Get("__imagetype") == img.ImageType) &&
			(q.Get("owner") == "" || q.Get("owner") == img.Owner) &&
			(q.Get("id") == "" || q.Get("id") == img.ID) &&
			(q.Get("visibility") == "" || q.Get("visibility") == img.Visibility) &&
			(q.Get("visibility") != "shared" || (mine != nil && mine.Status == status))
		if keep {
			out = append(out, img)
		}
	}
	slices.SortFunc(out, func(a, b image) int { return strings.Compare(a.ID, b.ID) })
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
	writeJSON(w, http.StatusOK, map[string][]image{"images": out[start:end]})
}
