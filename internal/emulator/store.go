package emulator

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// world is the emulator's state, apart from HTTP: the accounts (keys,
// tokens, users, names), projects, images and members. The IMS and IAM
// routes and the admin API read and change it through the Server's
// operations, under the Server's lock; this file holds the operations on
// the world as a whole: load, snapshot and replace.
type world struct {
	creds    map[string]Credential
	keyOrder []string
	tokens   map[string]string // token -> domain id
	// tokenUsers are the users of the tokens IAM issued.
	tokenUsers  map[string]User
	users       []User
	domainNames map[string]string
	projects    []Project
	images      map[string][]Member // project id + "/" + image id
	info        map[string]ImageOptions
}

func newWorld() world {
	return world{
		creds:       map[string]Credential{},
		tokens:      map[string]string{},
		tokenUsers:  map[string]User{},
		domainNames: map[string]string{},
		images:      map[string][]Member{},
		info:        map[string]ImageOptions{},
	}
}

// fixtureTime is when fixture members were created, unless they say.
var fixtureTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// load adds a fixtures file's world, checking what the emulator relies on
// (known owners, member types and statuses). raw, when given, is the
// file's text, to place errors on a line.
func (w *world) load(f FixtureFile, raw []byte) error {
	projects := map[string]bool{}
	for i, a := range f.Accounts {
		if a.DomainID == "" || len(a.Projects) == 0 {
			return fmt.Errorf("fixtures: account %d needs a domain_id and at least one project", i)
		}
		for _, k := range a.Keys {
			if k.AccessKey == "" || k.SecretKey == "" {
				return fmt.Errorf("fixtures: account %s has a key without access_key or secret_key", a.DomainID)
			}
			w.addCredential(Credential{AccessKey: k.AccessKey, SecretKey: k.SecretKey, SecurityToken: k.SecurityToken, DomainID: a.DomainID})
		}
		if a.DomainName != "" {
			w.domainNames[a.DomainID] = a.DomainName
		}
		for _, u := range a.Users {
			if u.Name == "" || u.Password == "" {
				return fmt.Errorf("fixtures: account %s has a user without name or password", a.DomainID)
			}
			w.addUser(User{ID: u.ID, Name: u.Name, Password: u.Password, DomainID: a.DomainID})
		}
		for _, t := range a.Tokens {
			w.tokens[t] = a.DomainID
		}
		for _, p := range a.Projects {
			if p.ID == "" || p.Region == "" {
				return fmt.Errorf("fixtures: account %s has a project without id or region", a.DomainID)
			}
			w.projects = append(w.projects, Project{ID: p.ID, Region: p.Region, DomainID: a.DomainID})
			projects[p.ID] = true
		}
	}
	for _, img := range f.Images {
		if !projects[img.OwnerProject] {
			return fmt.Errorf("fixtures: image %s: owner_project %q is not a project of any account", img.ID, img.OwnerProject)
		}
		key := img.OwnerProject + "/" + img.ID
		if _, ok := w.images[key]; !ok {
			w.images[key] = []Member{}
		}
		w.info[img.ID] = img.options()
		members := make([]Member, 0, len(img.Members))
		seen := map[string]bool{}
		for _, fm := range img.Members {
			switch {
			case fm.MemberID == "":
				return fmt.Errorf("fixtures: line %d: image %s: a member has an empty member_id", lineOf(raw, img.ID, `"member_id"\s*:\s*""`), img.ID)
			case seen[fm.MemberID]:
				return fmt.Errorf("fixtures: line %d: image %s: member_id %s is listed twice", lineOf(raw, img.ID, `"member_id"\s*:\s*"`+regexpQuote(fm.MemberID)+`"`, 2), img.ID, fm.MemberID)
			}
			seen[fm.MemberID] = true
			if !slices.Contains(MemberTypes, fm.MemberType) || !slices.Contains(Statuses, fm.Status) {
				return fmt.Errorf("fixtures: image %s: member %s needs member_type in %v and status in %v", img.ID, fm.MemberID, MemberTypes, Statuses)
			}
			m := NewMember(img.ID, fm.MemberType, fm.Status, fm.MemberID, fixtureTime)
			m.MemberID = fm.MemberID
			m.URN = nil
			if fm.URN != "" {
				urn := fm.URN
				m.URN = &urn
			}
			if fm.CreatedAt != "" {
				m.CreatedAt, m.UpdatedAt = fm.CreatedAt, fm.CreatedAt
			}
			if fm.UpdatedAt != "" {
				m.UpdatedAt = fm.UpdatedAt
			}
			members = append(members, m)
		}
		w.images[key] = members
	}
	return nil
}

func (w *world) addCredential(c Credential) {
	if _, ok := w.creds[c.AccessKey]; !ok {
		w.keyOrder = append(w.keyOrder, c.AccessKey)
	}
	w.creds[c.AccessKey] = c
}

func (w *world) addUser(u User) {
	if u.ID == "" {
		u.ID = hexID("user/" + u.DomainID + "/" + u.Name)
	}
	w.users = slices.DeleteFunc(w.users, func(x User) bool { return x.DomainID == u.DomainID && x.Name == u.Name })
	w.users = append(w.users, u)
}

// snapshot is the world in the fixtures format: accounts in the order
// their first project was added, images by owner and id, members in their
// order with status and dates. Tokens that IAM issued are left out.
func (w *world) snapshot() FixtureFile {
	f := FixtureFile{Accounts: []FixtureAccount{}, Images: []FixtureImage{}}
	index := map[string]int{}
	for _, p := range w.projects {
		i, ok := index[p.DomainID]
		if !ok {
			i = len(f.Accounts)
			index[p.DomainID] = i
			f.Accounts = append(f.Accounts, FixtureAccount{DomainID: p.DomainID, DomainName: w.domainNames[p.DomainID], Keys: []FixtureKey{}})
		}
		f.Accounts[i].Projects = append(f.Accounts[i].Projects, FixtureProject{ID: p.ID, Region: p.Region})
	}
	for _, ak := range w.keyOrder {
		c := w.creds[ak]
		if i, ok := index[c.DomainID]; ok {
			f.Accounts[i].Keys = append(f.Accounts[i].Keys, FixtureKey{AccessKey: c.AccessKey, SecretKey: c.SecretKey, SecurityToken: c.SecurityToken})
		}
	}
	for _, u := range w.users {
		if i, ok := index[u.DomainID]; ok {
			f.Accounts[i].Users = append(f.Accounts[i].Users, FixtureUser{Name: u.Name, Password: u.Password, ID: u.ID})
		}
	}
	var tokens []string
	for t := range w.tokens {
		if _, issued := w.tokenUsers[t]; !issued {
			tokens = append(tokens, t)
		}
	}
	sort.Strings(tokens)
	for _, t := range tokens {
		if i, ok := index[w.tokens[t]]; ok {
			f.Accounts[i].Tokens = append(f.Accounts[i].Tokens, t)
		}
	}
	keys := make([]string, 0, len(w.images))
	for k := range w.images {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		owner, id, _ := strings.Cut(k, "/")
		img := fixtureImage(id, owner, w.info[id])
		for _, m := range w.images[k] {
			fm := FixtureMember{MemberID: m.MemberID, MemberType: m.MemberType, Status: m.Status, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
			if m.URN != nil {
				fm.URN = *m.URN
			}
			img.Members = append(img.Members, fm)
		}
		f.Images = append(f.Images, img)
	}
	return f
}

// State is the emulator's world in the fixtures format (GET
// /_emulator/state).
func (s *Server) State() FixtureFile {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snapshot()
}

// SetState replaces the world with f (PUT /_emulator/state); on an error
// the world is unchanged. Jobs in flight are forgotten.
func (s *Server) SetState(f FixtureFile) error {
	w := newWorld()
	if err := w.load(f, nil); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.world = w
	s.jobs = map[string]*job{}
	return nil
}

// Reset goes back to the world the emulator started with (POST
// /_emulator/reset): the world at Start.
func (s *Server) Reset() error {
	s.mu.Lock()
	initial := s.initial
	s.mu.Unlock()
	if initial == nil {
		return SetStateError("the emulator has not started")
	}
	return s.SetState(*initial)
}

// SetStateError is an error of SetState or Reset that is not the
// fixtures' fault.
type SetStateError string

func (e SetStateError) Error() string { return string(e) }

// remember keeps the world as it is, for Reset.
func (s *Server) remember() {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.snapshot()
	s.initial = &f
}
