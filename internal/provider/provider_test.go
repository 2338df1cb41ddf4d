package provider

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

// TestMain makes the acceptance tests run whenever the package's tests run:
// they need only a Terraform CLI (TF_ACC_TERRAFORM_PATH, or terraform on
// PATH) and loopback, so they never skip silently.
func TestMain(m *testing.M) {
	if os.Getenv("TF_ACC") == "" {
		_ = os.Setenv("TF_ACC", "1")
	}
	_ = os.Setenv("CHECKPOINT_DISABLE", "1")
	os.Exit(m.Run())
}

var testProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"ims": providerserver.NewProtocol6WithError(New("test")()),
}

const (
	testRegion      = "cn-north-4"
	testOtherRegion = "ap-southeast-1"
	testAmbiguous   = "la-south-2"
	testEURegion    = "eu-west-101"
	testProjectEU   = "4e5f4a5b8c7d6e5f4a3b2c1d0a1b2c3d"
	testDomain      = "d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0"
	testProject     = "0a1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d"
	testProjectB    = "1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d0a"
	testImage       = "370befec-a369-475e-a224-44a45927a8fe"
	testImageBig    = "b1a9e8e0-5b3c-4f2e-9a0d-2f7c1e6d4b35"
)

// world is one emulator per test, with an account that has a project in
// two regions (and two projects in a third), and a fresh random secret.
type world struct {
	emu        *emulator.Server
	accessKey  string
	secretKey  string
	iamToken   string
	tempAK     string
	tempSK     string
	tempToken  string
	projectIDs map[string]string
}

func randomSecret(t *testing.T, prefix string) string {
	t.Helper()
	var b [18]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return prefix + hex.EncodeToString(b[:])
}

func newWorld(t *testing.T) *world {
	t.Helper()
	clearEnv(t)
	w := &world{
		emu:        emulator.New(),
		accessKey:  "AKTEST" + strings.ToUpper(randomSecret(t, "")[:14]),
		secretKey:  randomSecret(t, "sk-"),
		iamToken:   randomSecret(t, "iamtok-"),
		tempAK:     "ASTEMP" + strings.ToUpper(randomSecret(t, "")[:14]),
		tempSK:     randomSecret(t, "tempsk-"),
		tempToken:  randomSecret(t, "sts-"),
		projectIDs: map[string]string{testRegion: testProject, testOtherRegion: testProjectB},
	}
	w.emu.AddCredential(emulator.Credential{AccessKey: w.accessKey, SecretKey: w.secretKey, DomainID: testDomain})
	w.emu.AddCredential(emulator.Credential{AccessKey: w.tempAK, SecretKey: w.tempSK, SecurityToken: w.tempToken, DomainID: testDomain})
	w.emu.AddToken(w.iamToken, testDomain)
	w.emu.AddProject(emulator.Project{ID: testProject, Region: testRegion, DomainID: testDomain})
	w.emu.AddProject(emulator.Project{ID: testProjectB, Region: testOtherRegion, DomainID: testDomain})
	w.emu.AddProject(emulator.Project{ID: testProjectEU, Region: testEURegion, DomainID: testDomain})
	w.emu.AddProject(emulator.Project{ID: "2c3d4e5f4a5b8c7d6e5f4a3b2c1d0a1b", Region: testAmbiguous, DomainID: testDomain})
	w.emu.AddProject(emulator.Project{ID: "3d4e5f4a5b8c7d6e5f4a3b2c1d0a1b2c", Region: testAmbiguous, DomainID: testDomain})
	w.emu.Start()
	t.Cleanup(w.emu.Close)
	return w
}

// clearEnv unsets every HW_* variable for the test, so that a developer's
// own environment cannot change what a test sees.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "HW_") {
			t.Setenv(name, "")
			_ = os.Unsetenv(name)
		}
	}
}

// providerBlock is a provider with explicit keys, project and endpoint;
// extra lines are added inside the block.
func (w *world) providerBlock(extra ...string) string {
	return fmt.Sprintf(`
provider "ims" {
  region      = %q
  project_id  = %q
  access_key  = %q
  secret_key  = %q
  endpoint    = %q
  %s
}
`, testRegion, testProject, w.accessKey, w.secretKey, w.emu.URL(), strings.Join(extra, "\n  "))
}

// membersCheck is the exact expected value of the members attribute.
func membersCheck(members []emulator.Member) knownvalue.Check {
	checks := make([]knownvalue.Check, len(members))
	for i, m := range members {
		var urn knownvalue.Check = knownvalue.Null()
		if m.URN != nil {
			urn = knownvalue.StringExact(*m.URN)
		}
		checks[i] = knownvalue.ObjectExact(map[string]knownvalue.Check{
			"member_id":   knownvalue.StringExact(m.MemberID),
			"member_type": knownvalue.StringExact(m.MemberType),
			"status":      knownvalue.StringExact(m.Status),
			"urn":         urn,
			"image_id":    knownvalue.StringExact(m.ImageID),
			"schema":      knownvalue.StringExact(m.Schema),
			"created_at":  knownvalue.StringExact(m.CreatedAt),
			"updated_at":  knownvalue.StringExact(m.UpdatedAt),
		})
	}
	return knownvalue.ListExact(checks)
}

// idsCheck is the exact expected value of member_ids.
func idsCheck(members []emulator.Member) knownvalue.Check {
	checks := make([]knownvalue.Check, len(members))
	for i, m := range members {
		checks[i] = knownvalue.StringExact(m.MemberID)
	}
	return knownvalue.ListExact(checks)
}

// errRe matches the given fragments in order, across the line breaks and
// box drawing that the CLI puts into wrapped diagnostics.
func errRe(fragments ...string) *regexp.Regexp {
	parts := make([]string, len(fragments))
	for i, f := range fragments {
		words := strings.Fields(f)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		parts[i] = strings.Join(words, `[\s│]+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `.*`))
}

func filterMembers(in []emulator.Member, keep func(emulator.Member) bool) []emulator.Member {
	var out []emulator.Member
	for _, m := range in {
		if keep(m) {
			out = append(out, m)
		}
	}
	return out
}

func emulatorProject(id, region, domain string) emulator.Project {
	return emulator.Project{ID: id, Region: region, DomainID: domain}
}
