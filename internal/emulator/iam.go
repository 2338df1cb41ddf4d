package emulator

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// User is an IAM user of an account, who may log in with a password
// (POST /v3/auth/tokens, the password method).
type User struct {
	ID       string
	Name     string
	Password string
	DomainID string
}

// AddUser registers an IAM user; an empty ID is derived from the name.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addUser(u)
}

// SetDomainName names an account (IAM's domain name, which password logins
// give); an account without one is named "account-" and its id's start.
func (s *Server) SetDomainName(domainID, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.domainNames[domainID] = name
}

// domainName is the name of an account; s.mu is held.
func (s *Server) domainName(domainID string) string {
	if n := s.domainNames[domainID]; n != "" {
		return n
	}
	return "account-" + domainID[:min(8, len(domainID))]
}

// tokenLifetime is how long an issued token is valid, as IAM's are.
const tokenLifetime = 24 * time.Hour

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

// serveDomains is IAM's GET /v3/auth/domains (KeystoneQueryAccessibleDomains):
// the caller's own account.
func (s *Server) serveDomains(w http.ResponseWriter, r request) {
	s.mu.Lock()
	name := s.domainName(r.who.domainID)
	s.mu.Unlock()
	type domain struct {
		ID          string            `json:"id"`
		Name        string            `json:"name"`
		Enabled     bool              `json:"enabled"`
		Description string            `json:"description"`
		Links       map[string]string `json:"links"`
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"domains": []domain{{ID: r.who.domainID, Name: name, Enabled: true, Links: map[string]string{"self": baseURL(r.Request) + "/v3/domains/" + r.who.domainID}}},
		"links":   map[string]any{"self": baseURL(r.Request) + "/v3/auth/domains", "previous": nil, "next": nil},
	})
}

// tokenRequest is the body of POST /v3/auth/tokens, with the token and
// password methods (KeystoneCreateUserTokenByPassword and
// KeystoneValidateToken's sibling, the token method).
type tokenRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password *struct {
				User struct {
					ID       string    `json:"id"`
					Name     string    `json:"name"`
					Password string    `json:"password"`
					Domain   *nameOrID `json:"domain"`
				} `json:"user"`
			} `json:"password"`
			Token *struct {
				ID string `json:"id"`
			} `json:"token"`
		} `json:"identity"`
		Scope *struct {
			Project *struct {
				ID     string    `json:"id"`
				Name   string    `json:"name"`
				Domain *nameOrID `json:"domain"`
			} `json:"project"`
			Domain *nameOrID `json:"domain"`
		} `json:"scope"`
	} `json:"auth"`
}

type nameOrID struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// writeIAMError answers in IAM's (Keystone's) error shape.
func writeIAMError(w http.ResponseWriter, status int, title, msg string) {
	writeJSON(w, status, map[string]map[string]any{"error": {"code": status, "title": title, "message": msg}})
}

// serveTokens is IAM's POST /v3/auth/tokens: a token for a password login
// or for another token, scoped to a project or to the account. It is
// authenticated by its body, not by the gateway: 201, the token in
// X-Subject-Token, and the token's scope, user, expiry and catalog in the
// body. Tokens it issues are accepted as X-Auth-Token everywhere.
func (s *Server) serveTokens(w http.ResponseWriter, r request) {
	var req tokenRequest
	if err := json.Unmarshal(r.body, &req); err != nil {
		writeIAMError(w, http.StatusBadRequest, "Bad Request", "The request body is not valid JSON")
		return
	}
	id := req.Auth.Identity
	s.mu.Lock()
	defer s.mu.Unlock()
	var user User
	var method string
	switch {
	case slices.Contains(id.Methods, "password") && id.Password != nil:
		method = "password"
		pu := id.Password.User
		i := slices.IndexFunc(s.users, func(u User) bool {
			if pu.ID != "" {
				return u.ID == pu.ID
			}
			return u.Name == pu.Name && pu.Domain != nil &&
				(u.DomainID == pu.Domain.ID || (pu.Domain.ID == "" && s.domainName(u.DomainID) == pu.Domain.Name))
		})
		if i < 0 || subtle.ConstantTimeCompare([]byte(s.users[i].Password), []byte(pu.Password)) != 1 {
			writeIAMError(w, http.StatusUnauthorized, "Unauthorized", "The username or password is wrong")
			return
		}
		user = s.users[i]
	case slices.Contains(id.Methods, "token"):
		method = "token"
		tok := r.Header.Get("X-Auth-Token")
		if id.Token != nil && id.Token.ID != "" {
			tok = id.Token.ID
		}
		domain, ok := s.tokens[tok]
		if !ok || tok == "" {
			writeIAMError(w, http.StatusUnauthorized, "Unauthorized", "The token is invalid or has expired")
			return
		}
		user = s.tokenUsers[tok]
		if user.ID == "" {
			user = User{ID: hexID("token-user/" + domain), Name: "token-user", DomainID: domain}
		}
	default:
		writeIAMError(w, http.StatusBadRequest, "Bad Request", "identity.methods must hold password or token, with its object")
		return
	}
	type ref struct {
		ID     string    `json:"id"`
		Name   string    `json:"name"`
		Domain *nameOrID `json:"domain,omitempty"`
	}
	domain := &nameOrID{ID: user.DomainID, Name: s.domainName(user.DomainID)}
	now := s.Now().UTC()
	token := map[string]any{
		"methods":    []string{method},
		"issued_at":  now.Format("2006-01-02T15:04:05.000000Z"),
		"expires_at": now.Add(tokenLifetime).Format("2006-01-02T15:04:05.000000Z"),
		"user":       map[string]any{"id": user.ID, "name": user.Name, "domain": domain, "password_expires_at": ""},
		"roles":      []map[string]string{{"id": hexID("role/te_admin"), "name": "te_admin"}},
	}
	region := ""
	switch sc := req.Auth.Scope; {
	case sc != nil && sc.Project != nil:
		p := s.projectByID(sc.Project.ID)
		if sc.Project.ID == "" {
			i := slices.IndexFunc(s.projects, func(p Project) bool { return p.Region == sc.Project.Name && p.DomainID == user.DomainID })
			if i >= 0 {
				p = &s.projects[i]
			}
		}
		if p == nil || p.DomainID != user.DomainID {
			writeIAMError(w, http.StatusUnauthorized, "Unauthorized", "The scope's project is not a project of the user's account")
			return
		}
		token["project"] = ref{ID: p.ID, Name: p.Region, Domain: domain}
		region = p.Region
	case sc != nil && sc.Domain != nil:
		if (sc.Domain.ID != "" && sc.Domain.ID != domain.ID) || (sc.Domain.ID == "" && sc.Domain.Name != domain.Name) {
			writeIAMError(w, http.StatusUnauthorized, "Unauthorized", "The scope's account is not the user's")
			return
		}
		token["domain"] = domain
	}
	token["catalog"] = s.catalog(baseURL(r.Request), region)
	issued := "MII" + hexID(r.reqID+"/token") + hexID(user.ID+now.String())
	s.tokens[issued] = user.DomainID
	s.tokenUsers[issued] = user
	w.Header().Set("X-Subject-Token", issued)
	writeJSON(w, http.StatusCreated, map[string]any{"token": token})
}

// catalog is a token's service catalog: IAM and IMS, both served here,
// in region (every region of the emulator when "").
func (s *Server) catalog(base, region string) []map[string]any {
	var regions []string
	for _, p := range s.projects {
		if (region == "" || p.Region == region) && !slices.Contains(regions, p.Region) {
			regions = append(regions, p.Region)
		}
	}
	endpoints := func(service, suffix string) []map[string]string {
		out := []map[string]string{}
		for _, rg := range regions {
			out = append(out, map[string]string{"id": hexID(service + "/" + rg), "interface": "public", "region": rg, "region_id": rg, "url": base + suffix})
		}
		return out
	}
	return []map[string]any{
		{"id": hexID("service/iam"), "name": "iam", "type": "identity", "endpoints": endpoints("iam", "/v3")},
		{"id": hexID("service/ims"), "name": "ims", "type": "image", "endpoints": endpoints("ims", "")},
	}
}

// baseURL is the scheme and host the request was sent to.
func baseURL(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + strings.TrimSuffix(r.Host, "/")
}
