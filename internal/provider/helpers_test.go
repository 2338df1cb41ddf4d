package provider

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/terraform-ims/terraform-provider-ims/internal/devcli"
	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

// TestMain clears every HW_* variable once for the whole run, so that a
// developer's own environment cannot change what a test sees, and no test
// needs to touch the environment (which would keep it from running in
// parallel). Acceptance tests run only under TF_ACC, as everywhere
// (make testacc and make test set it).
func TestMain(m *testing.M) {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "HW_") {
			_ = os.Unsetenv(name)
		}
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
	// testRecipientDomain is another account, with testRecipientCount
	// projects in testRegion that images can be shared with.
	testRecipientDomain = "e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0"
	testRecipientCount  = 12
	testImageBig        = "b1a9e8e0-5b3c-4f2e-9a0d-2f7c1e6d4b35"
)

// testAccount is one emulator per test, serving an account that has a
// project in three regions (and two projects in a fourth), with fresh random
// keys, temporary credentials and an IAM token.
type testAccount struct {
	emu       *emulator.Server
	accessKey string
	secretKey string
	iamToken  string
	tempAK    string
	tempSK    string
	tempToken string
	// The recipient account's keys, for the accepter.
	recipientAK, recipientSK string
}

func randomSecret(t *testing.T, prefix string) string {
	t.Helper()
	var b [18]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return prefix + hex.EncodeToString(b[:])
}

// newTestAccount starts a plain-HTTP emulator serving the account.
func newTestAccount(t *testing.T) *testAccount {
	return startTestAccount(t, (*emulator.Server).Start)
}

// newTestAccountTLS is newTestAccount over HTTPS with a self-signed
// certificate (emu.CertificatePEM), with every credential of the account.
func newTestAccountTLS(t *testing.T) *testAccount {
	return startTestAccount(t, (*emulator.Server).StartTLS)
}

func startTestAccount(t *testing.T, start func(*emulator.Server)) *testAccount {
	t.Helper()
	skipUnlessAcc(t)
	a := &testAccount{
		emu:         emulator.New(),
		accessKey:   "AKTEST" + strings.ToUpper(randomSecret(t, "")[:14]),
		secretKey:   randomSecret(t, "sk-"),
		iamToken:    randomSecret(t, "iamtok-"),
		tempAK:      "ASTEMP" + strings.ToUpper(randomSecret(t, "")[:14]),
		tempSK:      randomSecret(t, "tempsk-"),
		tempToken:   randomSecret(t, "sts-"),
		recipientAK: "AKRCPT" + strings.ToUpper(randomSecret(t, "")[:14]),
		recipientSK: randomSecret(t, "rsk-"),
	}
	a.register()
	start(a.emu)
	t.Cleanup(a.emu.Close)
	return a
}

// register adds the account's credentials and projects to its emulator.
func (a *testAccount) register() {
	a.emu.AddCredential(emulator.Credential{AccessKey: a.accessKey, SecretKey: a.secretKey, DomainID: testDomain})
	a.emu.AddCredential(emulator.Credential{AccessKey: a.tempAK, SecretKey: a.tempSK, SecurityToken: a.tempToken, DomainID: testDomain})
	a.emu.AddToken(a.iamToken, testDomain)
	a.emu.AddCredential(emulator.Credential{AccessKey: a.recipientAK, SecretKey: a.recipientSK, DomainID: testRecipientDomain})
	for i := range testRecipientCount {
		a.emu.AddProject(emulator.Project{ID: testRecipientProject(i), Region: testRegion, DomainID: testRecipientDomain})
	}
	for _, p := range []emulator.Project{
		{ID: testProject, Region: testRegion},
		{ID: testProjectB, Region: testOtherRegion},
		{ID: testProjectEU, Region: testEURegion},
		{ID: "2c3d4e5f4a5b8c7d6e5f4a3b2c1d0a1b", Region: testAmbiguous},
		{ID: "3d4e5f4a5b8c7d6e5f4a3b2c1d0a1b2c", Region: testAmbiguous},
	} {
		p.DomainID = testDomain
		a.emu.AddProject(p)
	}
}

// skipUnlessAcc skips an acceptance test outside TF_ACC before it does
// anything that resource.Test would not skip (starting an emulator,
// checking files, asserting after the run).
func skipUnlessAcc(t *testing.T) {
	t.Helper()
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1 (make testacc does)", resource.EnvTfAcc)
	}
}

// testRecipientProject is the i-th project of the recipient account.
func testRecipientProject(i int) string { return fmt.Sprintf("%032x", 0x5a5a0000+i) }

// hclArg is one `name = "value"` line of a block.
func hclArg(name, value string) string { return fmt.Sprintf("%s = %q", name, value) }

// testAccProviderConfig is a provider block with the given argument lines
// (hclArg, or any HCL).
func testAccProviderConfig(args ...string) string {
	return "provider \"ims\" {\n  " + strings.Join(args, "\n  ") + "\n}\n"
}

// providerConfig is the account's provider with explicit region, project,
// keys and endpoint, plus the extra argument lines.
func (a *testAccount) providerConfig(extra ...string) string {
	return testAccProviderConfig(append([]string{
		hclArg("region", testRegion), hclArg("project_id", testProject),
		hclArg("access_key", a.accessKey), hclArg("secret_key", a.secretKey), hclArg("endpoint", a.emu.URL()),
	}, extra...)...)
}

// recipientProviderConfig is the provider of the recipient account's
// first project.
func (a *testAccount) recipientProviderConfig() string {
	return testAccProviderConfig(hclArg("region", testRegion), hclArg("project_id", testRecipientProject(0)),
		hclArg("access_key", a.recipientAK), hclArg("secret_key", a.recipientSK), hclArg("endpoint", a.emu.URL()))
}

// testAccImageMembersConfig is an ims_image_members data source with the
// extra argument lines.
func testAccImageMembersConfig(name, imageID string, extra ...string) string {
	return fmt.Sprintf("data \"ims_image_members\" %[1]q {\n  image_id = %[2]q\n  %[3]s\n}\n", name, imageID, strings.Join(extra, "\n  "))
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

func regexpMust(re string) *regexp.Regexp { return regexp.MustCompile(re) }

// testAccQueryInit is the configuration step a query step needs before it
// (terraform-plugin-testing initialises the working directory with it); the
// query step's own configuration holds the provider block.
const testAccQueryInit = "locals {\n  query = true\n}\n"

// listImageID is the deterministic ID of the i-th image of a list test.
func listImageID(i int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", 0x11000000+i, i) }

// testAccListConfig is a list block of typeName with the given config
// lines, for up to 1,000 results (terraform query's default is 100).
func testAccListConfig(typeName, name string, config ...string) string {
	body := ""
	for _, c := range config {
		body += "    " + c + "\n"
	}
	return fmt.Sprintf("list %[1]q %[2]q {\n  provider = ims\n  limit    = 1000\n  config {\n%[3]s  }\n}\n", typeName, name, body)
}

// hclListArg is one `name = ["v", ...]` line of a block.
func hclListArg(name string, v ...string) string { return name + " = " + hclList(v) }

// hclList is an HCL list of strings.
func hclList(v []string) string {
	q := make([]string, len(v))
	for i, s := range v {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// setCheck is the exact value of a set of strings.
func setCheck(v ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(v))
	for i, s := range v {
		checks[i] = knownvalue.StringExact(s)
	}
	return knownvalue.SetExact(checks)
}

// memberIDsOf is the sorted member ids the emulator holds for an image.
func memberIDsOf(a *testAccount, imageID string) []string {
	var ids []string
	for _, m := range a.emu.Members(testProject, imageID) {
		ids = append(ids, m.MemberID)
	}
	sort.Strings(ids)
	return ids
}

// expectMembers fails the test unless IMS holds exactly ids.
func expectMembers(t *testing.T, a *testAccount, imageID string, ids ...string) {
	t.Helper()
	want := slices.Clone(ids)
	sort.Strings(want)
	if got := memberIDsOf(a, imageID); !slices.Equal(got, want) {
		t.Errorf("IMS holds members %v, want %v", got, want)
	}
}

func threeMembers() []emulator.Member {
	at := time.Date(2023, 8, 23, 4, 7, 52, 0, time.UTC)
	return []emulator.Member{
		emulator.NewMember(testImage, "organization", "accepted", "org", at),
		emulator.NewMember(testImage, "project", "pending", "proj", at.Add(time.Minute)),
		emulator.NewMember(testImage, "domain", "rejected", "acct", at.Add(2*time.Minute)),
	}
}

// faultImageID is the deterministic image id of fault test i.
func faultImageID(i int) string {
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", 0xfa000000+i, i)
}

// nonEmptyList is a knownvalue check of a list with at least one element.
type nonEmptyList struct{}

func (nonEmptyList) CheckValue(v any) error {
	if l, ok := v.([]any); !ok || len(l) == 0 {
		return fmt.Errorf("expected a non-empty list, got %v", v)
	}
	return nil
}

func (nonEmptyList) String() string { return "a non-empty list" }

// newActionWorkspace is a cliWorkspace holding config, for the actions:
// terraform-plugin-testing cannot invoke an action yet, so their tests run
// the CLI (apply -invoke, and applies of action_trigger). Actions exist in
// Terraform >= 1.14 only: under 1.5.7 and OpenTofu the test is skipped.
func newActionWorkspace(t *testing.T, config string) *cliWorkspace {
	t.Helper()
	return newWorkspaceSince(t, 14, "actions need Terraform >= 1.14 (OpenTofu has none); the rest of the provider is tested under this CLI", config)
}

// newWorkspaceSince is a cliWorkspace holding config, with the provider's
// required_providers entry, skipped (saying why) unless the CLI of the
// run is Terraform 1.minor or later.
func newWorkspaceSince(t *testing.T, minor int, why, config string) *cliWorkspace {
	t.Helper()
	skipUnlessAcc(t)
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		t.Fatal("no CLI: set TF_ACC_TERRAFORM_PATH (make testacc does)")
	}
	if cliMinorVersion(cli) < minor {
		t.Skip(why)
	}
	w := newCLIWorkspace(t)
	w.write("main.tf", []byte(requiredProviderBlock+config))
	return w
}

// requiredProviderBlock is the terraform block a workspace's configuration
// needs to name this provider.
var requiredProviderBlock = fmt.Sprintf("terraform {\n  required_providers {\n    ims = {\n      source = %q\n    }\n  }\n}\n\n", devcli.Source)

// invoke runs `terraform apply -invoke=action.<addr>` and returns its
// output.
func (w *cliWorkspace) invoke(addr string) string {
	w.t.Helper()
	return string(w.run("apply", "-auto-approve", "-input=false", "-no-color", "-invoke=action."+addr))
}

// invokeFailing is invoke for an invocation that must fail; it returns
// the output, standard error included.
func (w *cliWorkspace) invokeFailing(addr string) string {
	w.t.Helper()
	return w.runFailing("apply", "-auto-approve", "-input=false", "-no-color", "-invoke=action."+addr)
}

// writesServed is the writes (POST, DELETE, PUT /v1/cloudimages/members)
// the emulator answered after request seq since, as "METHOD status".
func writesServed(emu *emulator.Server, since int64) []string {
	var out []string
	for _, r := range emu.RequestLog(since) {
		if r.Path == "/v1/cloudimages/members" {
			out = append(out, fmt.Sprintf("%s %d", r.Method, r.Status))
		}
	}
	return out
}

// lastSeq is the sequence number of the emulator's last request.
func lastSeq(emu *emulator.Server) int64 {
	log := emu.RequestLog(0)
	if len(log) == 0 {
		return 0
	}
	return log[len(log)-1].Seq
}

// testAccActionConfig is an action block of typeName with the given
// argument lines.
func testAccActionConfig(typeName, name string, args ...string) string {
	return fmt.Sprintf("action %q %q {\n  config {\n    %s\n  }\n}\n", typeName, name, strings.Join(args, "\n    "))
}

// actionImageID is the deterministic ID of the i-th image of an action
// test.
func actionImageID(i int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", 0xac000000+i, i) }

// expectNoSecret fails the test when out holds one of the account's
// secrets.
func (a *testAccount) expectNoSecret(t *testing.T, out string) {
	t.Helper()
	for _, s := range []string{a.secretKey, a.recipientSK, a.iamToken, a.tempSK, a.tempToken} {
		if strings.Contains(out, s) {
			t.Error("the CLI's output holds a secret of the account")
		}
	}
}

// queryTest runs step as a `terraform query` step (it sets Query) after the
// configuration step a query needs, skipped below Terraform 1.14, the first
// with query. It runs in parallel: a query test sets no process environment.
func queryTest(t *testing.T, step resource.TestStep) {
	t.Helper()
	step.Query = true
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps:                    []resource.TestStep{{Config: testAccQueryInit}, step},
	})
}

// emptyPlanStep is the step that ends a test by checking that config, after
// preConfig (which checks or puts back what IMS holds), plans nothing: state
// equals IMS.
func emptyPlanStep(config string, preConfig func()) resource.TestStep {
	return resource.TestStep{
		PreConfig: preConfig,
		Config:    config,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectEmptyPlan(),
		}},
	}
}

// checkUnshared is a CheckDestroy: after destroy, none of images is shared
// with anyone.
func checkUnshared(a *testAccount, images ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var ids []string
		for _, img := range images {
			ids = append(ids, memberIDsOf(a, img)...)
		}
		if len(ids) != 0 {
			return fmt.Errorf("after destroy the images %v are still shared with %v", images, ids)
		}
		return nil
	}
}

// fullImageOfTen makes testImage a full-ECS image shared with nobody yet,
// and returns the ten projects that reach its sharing cap and the same ten
// with the first swapped for an eleventh.
func fullImageOfTen(a *testAccount) (ten, swapped []string) {
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{FullECS: true})
	for i := range 10 {
		ten = append(ten, testRecipientProject(i))
	}
	return ten, append(slices.Clone(ten[1:]), testRecipientProject(10))
}
