package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
)

// FixtureFile is what `ims-emulator -fixtures FILE` loads: the accounts
// (credentials and projects) and the images (owner, options, members) of a
// world to test a module against.
type FixtureFile struct {
	Accounts []FixtureAccount `json:"accounts"`
	Images   []FixtureImage   `json:"images"`
}

// FixtureAccount is one account: a domain, its access keys, IAM users and
// tokens, and projects.
type FixtureAccount struct {
	DomainID string `json:"domain_id"`
	// DomainName is the account's name, which password logins give;
	// default "account-" and the start of its id.
	DomainName string           `json:"domain_name,omitempty"`
	Keys       []FixtureKey     `json:"keys"`
	Users      []FixtureUser    `json:"users,omitempty"`
	Tokens     []string         `json:"iam_tokens,omitempty"`
	Projects   []FixtureProject `json:"projects"`
}

// FixtureUser is an IAM user who logs in with a password.
type FixtureUser struct {
	Name     string `json:"name"`
	Password string `json:"password"`
	ID       string `json:"id,omitempty"`
}

// FixtureKey is an access key pair; a security token makes it temporary.
type FixtureKey struct {
	AccessKey     string `json:"access_key"`
	SecretKey     string `json:"secret_key"`
	SecurityToken string `json:"security_token,omitempty"`
}

// FixtureProject is a project of an account in a region.
type FixtureProject struct {
	ID     string `json:"id"`
	Region string `json:"region"`
}

// FixtureImage is an image, its owner and its members.
type FixtureImage struct {
	ID           string          `json:"id"`
	OwnerProject string          `json:"owner_project"`
	Name         string          `json:"name,omitempty"`
	CreatedAt    string          `json:"created_at,omitempty"`
	Public       bool            `json:"public,omitempty"`
	Encrypted    bool            `json:"encrypted,omitempty"`
	FullECS      bool            `json:"full_ecs,omitempty"`
	FromCBR      bool            `json:"from_cbr,omitempty"`
	Members      []FixtureMember `json:"members,omitempty"`

	// The image list's attributes, named as ListImages names them; each
	// has a default (see ImageOptions). full_ecs is __whole_image.
	Status              string `json:"status,omitempty"`
	Platform            string `json:"__platform,omitempty"`
	OSVersion           string `json:"__os_version,omitempty"`
	OSType              string `json:"__os_type,omitempty"`
	OSBit               string `json:"__os_bit,omitempty"`
	MinDisk             int    `json:"min_disk,omitempty"`
	MinRAM              int    `json:"min_ram,omitempty"`
	DiskFormat          string `json:"disk_format,omitempty"`
	VirtualEnvType      string `json:"virtual_env_type,omitempty"`
	Protected           bool   `json:"protected,omitempty"`
	EnterpriseProjectID string `json:"enterprise_project_id,omitempty"`
	Architecture        string `json:"architecture,omitempty"`
	Description         string `json:"__description,omitempty"`
	ImageSize           int64  `json:"__image_size,omitempty"`
}

// FixtureMember is one member of an image.
type FixtureMember struct {
	MemberID   string `json:"member_id"`
	MemberType string `json:"member_type"`
	Status     string `json:"status"`
	URN        string `json:"urn,omitempty"`
	// CreatedAt and UpdatedAt default to 2024-01-01T00:00:00Z.
	CreatedAt string `json:"created_at,omitempty"`
	UpdatedAt string `json:"updated_at,omitempty"`
}

// options are the image's ImageOptions.
func (img FixtureImage) options() ImageOptions {
	return ImageOptions{Name: img.Name, CreatedAt: img.CreatedAt, Public: img.Public, Encrypted: img.Encrypted, FullECS: img.FullECS, FromCBR: img.FromCBR,
		Status: img.Status, Platform: img.Platform, OSVersion: img.OSVersion, OSType: img.OSType, OSBit: img.OSBit, MinDisk: img.MinDisk,
		MinRAM: img.MinRAM, DiskFormat: img.DiskFormat, VirtualEnvType: img.VirtualEnvType, Protected: img.Protected,
		EnterpriseProjectID: img.EnterpriseProjectID, Architecture: img.Architecture, Description: img.Description, ImageSize: img.ImageSize}
}

// fixtureImage is an image in the fixtures format, without its members.
func fixtureImage(id, owner string, o ImageOptions) FixtureImage {
	return FixtureImage{ID: id, OwnerProject: owner, Name: o.Name, CreatedAt: o.CreatedAt, Public: o.Public, Encrypted: o.Encrypted, FullECS: o.FullECS, FromCBR: o.FromCBR,
		Status: o.Status, Platform: o.Platform, OSVersion: o.OSVersion, OSType: o.OSType, OSBit: o.OSBit, MinDisk: o.MinDisk,
		MinRAM: o.MinRAM, DiskFormat: o.DiskFormat, VirtualEnvType: o.VirtualEnvType, Protected: o.Protected,
		EnterpriseProjectID: o.EnterpriseProjectID, Architecture: o.Architecture, Description: o.Description, ImageSize: o.ImageSize}
}

// regexpQuote quotes a member id for lineOf.
func regexpQuote(s string) string { return regexp.QuoteMeta(s) }

// LoadFixtures reads a fixture file and adds its world; it checks what the
// emulator relies on (known owners, member types and statuses).
func (s *Server) LoadFixtures(r io.Reader) error {
	raw, err := io.ReadAll(io.LimitReader(r, maxFixtureBytes+1))
	if err != nil {
		return fmt.Errorf("fixtures: %w", err)
	}
	if len(raw) > maxFixtureBytes {
		return fmt.Errorf("fixtures: the file is larger than %d MiB", maxFixtureBytes>>20)
	}
	var f FixtureFile
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return fmt.Errorf("fixtures: line %d: %w", lineAt(raw, syn.Offset), err)
		case errors.As(err, &typ):
			return fmt.Errorf("fixtures: line %d: %w", lineAt(raw, typ.Offset), err)
		}
		return fmt.Errorf("fixtures: %w", err)
	}
	// One JSON value, nothing after it: a second value is a mistake (two
	// files pasted together), not something to ignore.
	end := dec.InputOffset()
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		rest := raw[end:]
		return fmt.Errorf("fixtures: line %d: unexpected data after the first JSON value", lineAt(raw, end+int64(len(rest)-len(bytes.TrimLeft(rest, " \t\r\n")))))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.load(f, raw)
}

// maxFixtureBytes bounds a fixtures file.
const maxFixtureBytes = 64 << 20

// lineAt is the line (from 1) of a byte offset.
func lineAt(raw []byte, offset int64) int {
	offset = min(max(offset, 0), int64(len(raw)))
	return bytes.Count(raw[:offset], []byte("\n")) + 1
}

// lineOf is the line of the nth match (default the first) of pattern after
// the image's id, for errors that the decoder cannot place; 0 when it is
// not found.
func lineOf(raw []byte, imageID, pattern string, nth ...int) int {
	start := bytes.Index(raw, []byte(`"`+imageID+`"`))
	if start < 0 {
		return 0
	}
	want := 1
	if len(nth) > 0 {
		want = nth[0]
	}
	matches := regexp.MustCompile(pattern).FindAllIndex(raw[start:], want)
	if len(matches) < want {
		return 0
	}
	return lineAt(raw, int64(start+matches[want-1][0]))
}

// CheckLoopback refuses a listen address that is not on loopback: the
// emulator accepts published demo keys and must not be reachable from
// other machines.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-addr %q is not a loopback address: the emulator listens only on 127.0.0.0/8 or [::1]", addr)
	}
	return nil
}
