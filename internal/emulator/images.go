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
}

// serveImages is GET /v2/cloudimages: the caller project's own images
// (__imagetype=private) or those shared with it (__imagetype=shared, by
// member_status, accepted when not given), sorted by ID, paged by marker
// (the ID of the last image of the previous page) and limit.
func (s *Server) serveImages(w http.ResponseWriter, r *http.Request, who authResult, reqID string) {
	q := r.URL.Query()
	limit := 500
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			writeIMSError(w, http.StatusBadRequest, "IMG.0001", "Invalid parameter limit: must be an integer from 1 to 1000")
			return
		}
		limit = n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	project := r.Header.Get("X-Project-Id")
	if project == "" {
		project = who.projectFor(s, hostRegion(r.Host))
	}
	if p := s.projectByID(project); p == nil || p.DomainID != who.domainID {
		writeGatewayError(w, http.StatusForbidden, "APIGW.0302", "The IAM user is not authorized to access project "+project, reqID)
		return
	}
	status := q.Get("member_status")
	if status == "" {
		status = "accepted"
	}
	out := []image{}
	for key, ms := range s.images {
		owner, id, _ := strings.Cut(key, "/")
		name := s.info[id].Name
		if name == "" {
			name = "image-" + id[:min(8, len(id))]
		}
		switch q.Get("__imagetype") {
		case "private":
			if owner == project {
				out = append(out, image{ID: id, Name: name, Owner: owner, ImageType: "private", Visibility: "private", Status: "active"})
			}
		case "shared":
			if slices.ContainsFunc(ms, func(m Member) bool { return m.MemberID == project && m.Status == status }) {
				out = append(out, image{ID: id, Name: name, Owner: owner, ImageType: "shared", Visibility: "shared", Status: "active"})
			}
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
