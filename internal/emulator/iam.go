package emulator

import "net/http"

// serveProjects is IAM's GET /v3/projects?name={region}: the caller's
// projects, by region name.
func (s *Server) serveProjects(w http.ResponseWriter, r request) {
	name := r.URL.Query().Get("name")
	type project struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		DomainID string `json:"domain_id"`
		Enabled  bool   `json:"enabled"`
	}
	out := struct {
		Projects []project `json:"projects"`
	}{Projects: []project{}}
	s.mu.Lock()
	for _, p := range s.projects {
		if p.DomainID == r.who.domainID && (name == "" || p.Region == name) {
			out.Projects = append(out.Projects, project{ID: p.ID, Name: p.Region, DomainID: p.DomainID, Enabled: true})
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}
