package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-ims/terraform-provider-ims/internal/devcli"
	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

// TestAccExamples applies every example folder under examples/, as it is,
// against the emulator's demo account, so that the docs, which embed them,
// never show HCL that does not work, and each folder can be copied on its
// own. An example folder without checks here fails the test. Serial: it sets
// HW_* variables, as a user of the examples does.
func TestAccExamples(t *testing.T) {
	skipUnlessAcc(t)
	root := filepath.Join("..", "..", "examples")
	demoIDs := idsCheck(emulator.DemoImageMembers())
	base := emulator.GenerateMembers(emulator.DemoBaseImageID, 1500)
	var pendingAccounts []emulator.Member
	acceptedOrgs := 0
	for _, m := range base {
		if m.MemberType == "domain" && m.Status == "pending" {
			pendingAccounts = append(pendingAccounts, m)
		}
		if m.MemberType == "organization" && m.Status == "accepted" {
			acceptedOrgs++
		}
	}
	checks := map[string][]statecheck.StateCheck{
		"provider": {},
		"data-sources/ims_image_members": {
			statecheck.ExpectKnownOutputValue("member_ids", demoIDs),
			statecheck.ExpectKnownOutputValueAtPath("members", tfjsonpath.New(0).AtMapKey("member_type"), knownvalue.StringExact("organization")),
			statecheck.ExpectKnownOutputValueAtPath("members", tfjsonpath.New(1).AtMapKey("urn"), knownvalue.Null()),
		},
		// Terraform plans the data sources of check blocks as reads on
		// every plan, so the plan after apply is not empty by design.
		"drift-check": {
			statecheck.ExpectKnownValue("data.ims_image_members.golden", tfjsonpath.New("member_ids"), knownvalue.ListExact([]knownvalue.Check{
				knownvalue.StringExact(emulator.DemoAllowedProjects[0]), knownvalue.StringExact(emulator.DemoAllowedProjects[1]),
			})),
		},
		"data-sources/ims_image_shares": {
			statecheck.ExpectKnownOutputValue("images_awaiting_an_account", knownvalue.MapExact(map[string]knownvalue.Check{
				"app-2024":    knownvalue.ListSizeExact(1),
				"base-ubuntu": knownvalue.ListSizeExact(len(pendingAccounts)),
			})),
		},
		"data-sources/ims_incoming_image_shares": {
			statecheck.ExpectKnownOutputValue("golden_image_id", knownvalue.StringExact(emulator.DemoGoldenImageID)),
		},
		// The check's data source is read on every plan, as drift-check's.
		"audit-sharing": {
			statecheck.ExpectKnownValue("data.ims_image_shares.all", tfjsonpath.New("ids"), knownvalue.ListExact([]knownvalue.Check{
				knownvalue.StringExact(emulator.DemoImageID), knownvalue.StringExact(emulator.DemoGoldenImageID),
				knownvalue.StringExact(emulator.DemoBaseImageID), knownvalue.StringExact(emulator.DemoOfferedImageID),
			})),
			// The demo images are shared with accounts, which the
			// example's policy forbids.
			statecheck.ExpectKnownValue("data.ims_image_shares.all", tfjsonpath.New("members_outside_policy"), nonEmptyList{}),
		},
		// Imports, then nothing, by adoptWithCLI.
		"adopt-with-import": nil,
		// for_each with string keys: applied by applyWithCLI.
		"accept-from-factory": nil,
		"module-output": {
			statecheck.ExpectKnownOutputValue("image_members_by_id", knownvalue.MapSizeExact(3)),
		},
		// Applied by applyWithCLI: see there.
		"for-each": nil,
		// before.tf.example, then main.tf, by moveWithCLI.
		"move-between-share-types": nil,
		"split-share-into-members": nil,
		// Its own terraform test runs, by testModuleWithCLI.
		"module-test": nil,
		// terraform query, then plan, by queryWithCLI.
		"list-resources/ims_image_share":          nil,
		"list-resources/ims_image_share_accepter": nil,
		"list-resources/ims_image_share_member":   nil,
		// Actions (Terraform >= 1.14), by actionWithCLI.
		"actions/ims_share_image":         nil,
		"actions/ims_unshare_image":       nil,
		"actions/ims_accept_image_shares": nil,
		"filters": {
			statecheck.ExpectKnownOutputValue("pending_account_ids", idsCheck(pendingAccounts)),
			statecheck.ExpectKnownOutputValue("accepted_organization_urns", knownvalue.ListSizeExact(acceptedOrgs)),
		},
		"authentication/access-keys":           {statecheck.ExpectKnownOutputValue("member_ids", demoIDs)},
		"authentication/temporary-credentials": {statecheck.ExpectKnownOutputValue("member_ids", demoIDs)},
		"authentication/iam-token":             {statecheck.ExpectKnownOutputValue("member_ids", demoIDs)},
		"resources/ims_image_share": {
			statecheck.ExpectKnownOutputValue("shared_with", knownvalue.MapExact(map[string]knownvalue.Check{
				emulator.DemoAllowedProjects[0]: knownvalue.StringExact("pending"),
				emulator.DemoAllowedProjects[1]: knownvalue.StringExact("pending"),
				emulator.DemoPartnerDomainID:    knownvalue.StringExact("pending"),
			})),
		},
		"resources/ims_image_share_member": {
			statecheck.ExpectKnownOutputValue("team_a_status", knownvalue.StringExact("pending")),
			statecheck.ExpectKnownValue("ims_image_share_member.partner", tfjsonpath.New("member_type"), knownvalue.StringExact("domain")),
		},
		"resources/ims_image_share_accepter": {
			statecheck.ExpectKnownOutputValue("accepted_as", knownvalue.StringExact(emulator.DemoAllowedProjects[0])),
			statecheck.ExpectKnownValue("ims_image_share_accepter.offered", tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
		},
	}
	vars := map[string]map[string]string{
		"authentication/access-keys": {"TF_VAR_access_key": emulator.DemoAccessKey, "TF_VAR_secret_key": emulator.DemoSecretKey},
		"authentication/temporary-credentials": {"TF_VAR_access_key": emulator.DemoTempAccessKey, "TF_VAR_secret_key": emulator.DemoTempSecretKey,
			"TF_VAR_security_token": emulator.DemoSecurityToken},
		"authentication/iam-token":                {"TF_VAR_iam_token": emulator.DemoIAMToken},
		"resources/ims_image_share_accepter":      {"HW_ACCESS_KEY": emulator.DemoRecipientAccessKey, "HW_SECRET_KEY": emulator.DemoRecipientSecretKey},
		"accept-from-factory":                     {"HW_ACCESS_KEY": emulator.DemoRecipientAccessKey, "HW_SECRET_KEY": emulator.DemoRecipientSecretKey},
		"data-sources/ims_incoming_image_shares":  {"HW_ACCESS_KEY": emulator.DemoRecipientAccessKey, "HW_SECRET_KEY": emulator.DemoRecipientSecretKey},
		"list-resources/ims_image_share_accepter": {"HW_ACCESS_KEY": emulator.DemoRecipientAccessKey, "HW_SECRET_KEY": emulator.DemoRecipientSecretKey},
		"actions/ims_accept_image_shares":         {"HW_ACCESS_KEY": emulator.DemoRecipientAccessKey, "HW_SECRET_KEY": emulator.DemoRecipientSecretKey},
	}

	dirs := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".tf") {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		b, err := os.ReadFile(path)
		dirs[filepath.ToSlash(rel)] += string(b) + "\n"
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for name := range dirs {
		names = append(names, name)
		if _, ok := checks[name]; !ok {
			t.Errorf("examples/%s has no checks in TestAccExamples: add them", name)
		}
	}
	for name := range checks {
		if _, ok := dirs[name]; !ok {
			t.Errorf("TestAccExamples checks examples/%s, which does not exist", name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			config := dirs[name]
			if !requiredProvider.MatchString(config) {
				t.Fatalf("examples/%s does not declare source = %q with a version constraint in required_providers: "+
					"it cannot be copied on its own", name, devcli.Source)
			}
			emu := emulator.New()
			emu.LoadDemo()
			emu.Start()
			t.Cleanup(emu.Close)
			// The examples name the provider by its registry address.
			t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "terraform-ims")
			t.Setenv("HW_IMS_ENDPOINT", emu.URL())
			t.Setenv("HW_AUTH_URL", emu.IAMURL())
			if v, ok := vars[name]; ok {
				for k, val := range v {
					t.Setenv(k, val)
				}
			} else {
				t.Setenv("HW_ACCESS_KEY", emulator.DemoAccessKey)
				t.Setenv("HW_SECRET_KEY", emulator.DemoSecretKey)
			}
			switch name {
			case "list-resources/ims_image_share":
				queryWithCLI(t, filepath.Join(root, name), nil, "Plan: 2 to import, 0 to add, 0 to change, 0 to destroy.")
			case "list-resources/ims_image_share_member":
				queryWithCLI(t, filepath.Join(root, name), nil, "Plan: 2 to import, 0 to add, 0 to change, 0 to destroy.")
			case "list-resources/ims_image_share_accepter":
				// The pending share must be given a status first, as the
				// docs say: then plan shows its import and its update.
				queryWithCLI(t, filepath.Join(root, name), func(generated string) string {
					return regexp.MustCompile(`status\s*=\s*"pending"`).ReplaceAllString(generated, `status = "accepted"`)
				}, "Plan: 2 to import, 0 to add, 1 to change, 0 to destroy.")
			case "actions/ims_share_image":
				// The build's create triggers the action: the image that
				// lacks both projects gets them in one write; the golden
				// image, which has them, gets none.
				actionWithCLI(t, filepath.Join(root, name), "", emu, 1)
				expectDemoMembers(t, emu, emulator.DemoShareImageID, emulator.DemoAllowedProjects...)
				expectDemoMembers(t, emu, emulator.DemoGoldenImageID, emulator.DemoAllowedProjects...)
			case "actions/ims_unshare_image":
				// The two images have other members: one write each.
				actionWithCLI(t, filepath.Join(root, name), "ims_unshare_image.all", emu, 2)
				expectDemoMembers(t, emu, emulator.DemoImageID)
				expectDemoMembers(t, emu, emulator.DemoGoldenImageID)
			case "actions/ims_accept_image_shares":
				actionWithCLI(t, filepath.Join(root, name), "ims_accept_image_shares.factory", emu, 1)
				if s := memberStatus(emu, emulator.DemoProjectID, emulator.DemoOfferedImageID, emulator.DemoAllowedProjects[0]); s != "accepted" {
					t.Errorf("the pending share is %q after the invoke, want accepted", s)
				}
			case "module-test":
				testModuleWithCLI(t, filepath.Join(root, name))
			case "adopt-with-import":
				adoptWithCLI(t, filepath.Join(root, name), emu)
			case "move-between-share-types":
				moveWithCLI(t, filepath.Join(root, name), emu, 8, false)
			case "split-share-into-members":
				moveWithCLI(t, filepath.Join(root, name), emu, 7, true)
			case "accept-from-factory":
				out := applyWithCLI(t, config)
				var accepted []string
				var newest string
				if err := json.Unmarshal(out["accepted"], &accepted); err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(out["newest_image_id"], &newest); err != nil {
					t.Fatal(err)
				}
				if want := []string{emulator.DemoGoldenImageID, emulator.DemoOfferedImageID}; !slices.Equal(accepted, want) {
					t.Errorf("accepted = %v, want %v", accepted, want)
				}
				if newest != emulator.DemoGoldenImageID {
					t.Errorf("newest_image_id = %s, want %s", newest, emulator.DemoGoldenImageID)
				}
				if s := memberStatus(emu, emulator.DemoProjectID, emulator.DemoOfferedImageID, emulator.DemoAllowedProjects[0]); s != "accepted" {
					t.Errorf("the pending share is %q after apply, want accepted", s)
				}
			case "for-each":
				// terraform-plugin-testing cannot read back state with
				// string for_each keys ("for_each is not supported" in its
				// legacy state shim), so this one goes through the CLI
				// directly, with the provider binary, as make demo does.
				var counts map[string]int
				if err := json.Unmarshal(applyWithCLI(t, config)["member_counts"], &counts); err != nil {
					t.Fatal(err)
				}
				if want := map[string]int{"app": 3, "golden": 2, "base": 1500}; !maps.Equal(counts, want) {
					t.Errorf("member_counts = %v, want %v", counts, want)
				}
			default:
				resource.Test(t, resource.TestCase{
					ProtoV6ProviderFactories: testProviders,
					Steps: []resource.TestStep{{
						Config:             config,
						ConfigStateChecks:  checks[name],
						ExpectNonEmptyPlan: name == "drift-check" || name == "audit-sharing",
					}},
				})
			}
			if name != "provider" && name != "module-test" && emu.Requests() == 0 {
				t.Error("the example made no request to the emulator")
			}
		})
	}
}

// requiredProvider matches the required_providers entry every example
// folder declares.
var requiredProvider = regexp.MustCompile(`(?s)required_providers\s*\{\s*ims\s*=\s*\{\s*source\s*=\s*"` +
	regexp.QuoteMeta(devcli.Source) + `"\s*version\s*=\s*"[^"]+"`)

// cliWorkspace is a folder where the CLI of the test run
// (TF_ACC_TERRAFORM_PATH) runs with the provider binary built from this
// tree, through a dev override, as make demo does: for what
// terraform-plugin-testing cannot drive.
type cliWorkspace struct {
	t          *testing.T
	cli, dir   string
	configFile string
	// env is added to the CLI's environment, for a parallel test that
	// cannot set the process's.
	env []string
}

func newCLIWorkspace(t *testing.T) *cliWorkspace {
	t.Helper()
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		t.Fatal("no CLI: set TF_ACC_TERRAFORM_PATH (make testacc does)")
	}
	dir := t.TempDir()
	plugins := filepath.Join(dir, "plugins")
	build := exec.Command("go", "build", "-o", filepath.Join(plugins, "terraform-provider-ims"), "../..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	w := &cliWorkspace{t: t, cli: cli, dir: filepath.Join(dir, "config"), configFile: filepath.Join(dir, "cli.tfrc")}
	if err := os.MkdirAll(w.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := devcli.WriteConfig(w.configFile, cli, plugins); err != nil {
		t.Fatal(err)
	}
	return w
}

// write puts a file into the workspace.
func (w *cliWorkspace) write(name string, content []byte) {
	w.t.Helper()
	path := filepath.Join(w.dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(path, content, 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// run runs the CLI in the workspace and returns its standard output.
func (w *cliWorkspace) run(args ...string) []byte {
	w.t.Helper()
	cmd := exec.Command(w.cli, append([]string{"-chdir=" + w.dir}, args...)...)
	cmd.Env = append(append(os.Environ(), w.env...), "TF_CLI_CONFIG_FILE="+w.configFile, "TF_IN_AUTOMATION=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		w.t.Fatalf("%s %v: %v\n%s%s", filepath.Base(w.cli), args, err, stdout.String(), stderr.String())
	}
	return stdout.Bytes()
}

// runFailing runs the CLI in the workspace, expecting it to fail, and
// returns its output (standard output, then error).
func (w *cliWorkspace) runFailing(args ...string) string {
	w.t.Helper()
	cmd := exec.Command(w.cli, append([]string{"-chdir=" + w.dir}, args...)...)
	cmd.Env = append(append(os.Environ(), w.env...), "TF_CLI_CONFIG_FILE="+w.configFile, "TF_IN_AUTOMATION=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		w.t.Fatalf("%s %v succeeded, want a failure:\n%s", filepath.Base(w.cli), args, out)
	}
	return string(out)
}

// applyWithCLI applies config and returns the outputs' values as JSON.
func applyWithCLI(t *testing.T, config string) map[string]json.RawMessage {
	t.Helper()
	w := newCLIWorkspace(t)
	w.write("main.tf", []byte(config))
	w.run("apply", "-auto-approve", "-input=false", "-no-color")
	var outputs map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(w.run("output", "-json"), &outputs); err != nil {
		t.Fatal(err)
	}
	values := map[string]json.RawMessage{}
	for k, v := range outputs {
		values[k] = v.Value
	}
	return values
}

// copyFolder puts every file of folder into the workspace.
func (w *cliWorkspace) copyFolder(folder string) {
	w.t.Helper()
	err := filepath.WalkDir(folder, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(folder, path)
		w.write(rel, b)
		return nil
	})
	if err != nil {
		w.t.Fatal(err)
	}
}

// minorVersion is the CLI's Terraform minor version, or -1 for OpenTofu.
func (w *cliWorkspace) minorVersion() int { return cliMinorVersion(w.cli) }

// cliMinorVersion is the Terraform minor version of cli, or -1 for
// OpenTofu.
func cliMinorVersion(cli string) int {
	out, _ := exec.Command(cli, "version").Output()
	var minor int
	if _, err := fmt.Sscanf(string(out), "Terraform v1.%d.", &minor); err != nil {
		return -1
	}
	return minor
}

// queryWithCLI runs `terraform query -generate-config-out` on the example
// folder as it is, lets edit change the generated configuration (as a user
// would), and checks that `terraform plan` with it imports every result with
// the changes wantPlan says.
func queryWithCLI(t *testing.T, folder string, edit func(string) string, wantPlan string) {
	t.Helper()
	w := newCLIWorkspace(t)
	if w.minorVersion() < 14 {
		t.Skip("terraform query needs Terraform >= 1.14")
	}
	w.copyFolder(folder)
	w.run("query", "-no-color", "-generate-config-out=generated.tf")
	generated, err := os.ReadFile(filepath.Join(w.dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		w.write("generated.tf", []byte(edit(string(generated))))
	}
	if out := w.run("plan", "-no-color", "-input=false"); !strings.Contains(string(out), wantPlan) {
		t.Errorf("plan with the generated configuration does not say %q:\n%s\n--- generated.tf:\n%s", wantPlan, out, generated)
	}
}

// adoptWithCLI plans the folder (import blocks with for_each, which
// Terraform >= 1.7 and OpenTofu >= 1.7 have): only imports, then an apply
// that writes nothing to IMS, then an empty plan.
func adoptWithCLI(t *testing.T, folder string, emu *emulator.Server) {
	t.Helper()
	w := newCLIWorkspace(t)
	if minor := w.minorVersion(); minor >= 0 && minor < 7 {
		t.Skip("import blocks with for_each need Terraform >= 1.7")
	}
	w.copyFolder(folder)
	if out := w.run("plan", "-no-color", "-input=false"); !strings.Contains(string(out), "Plan: 2 to import, 0 to add, 0 to change, 0 to destroy.") {
		t.Errorf("the first plan is not imports only:\n%s", out)
	}
	w.run("apply", "-auto-approve", "-input=false", "-no-color")
	if n := emu.Writes(); n != 0 {
		t.Errorf("adopting wrote %d times to IMS, want none", n)
	}
	if out := w.run("plan", "-no-color", "-input=false", "-detailed-exitcode"); !strings.Contains(string(out), "No changes") {
		t.Errorf("the plan after adopting is not empty:\n%s", out)
	}
}

// moveWithCLI applies a folder's before.tf.example, has the recipients
// accept, then applies its main.tf, which moves the sharing to other
// resources: no write may be sent, every member must stay as it was
// (accepted, never removed and added again), and the next plan must be
// empty. It skips CLIs older than 1.minMinor, and OpenTofu unless tofu.
func moveWithCLI(t *testing.T, folder string, emu *emulator.Server, minMinor int, tofu bool) {
	t.Helper()
	w := newCLIWorkspace(t)
	if minor := w.minorVersion(); minor >= 0 && minor < minMinor {
		t.Skipf("needs Terraform >= 1.%d", minMinor)
	}
	if isTofu, _ := devcli.IsOpenTofu(w.cli); isTofu && !tofu {
		t.Skip("OpenTofu 1.12 keeps the source's resource identity on a move between types and fails before calling the provider")
	}
	before, err := os.ReadFile(filepath.Join(folder, "before.tf.example"))
	if err != nil {
		t.Fatal(err)
	}
	w.write("main.tf", before)
	w.run("apply", "-auto-approve", "-input=false", "-no-color")
	members := emu.Members(emulator.DemoProjectID, emulator.DemoShareImageID)
	if len(members) == 0 {
		t.Fatal("the before configuration shared nothing")
	}
	for _, m := range members {
		emu.SetMemberStatus(emulator.DemoProjectID, emulator.DemoShareImageID, m.MemberID, "accepted")
	}
	accepted := emu.Members(emulator.DemoProjectID, emulator.DemoShareImageID)
	writes := emu.Writes()
	after, err := os.ReadFile(filepath.Join(folder, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	w.write("main.tf", after)
	w.run("apply", "-auto-approve", "-input=false", "-no-color")
	if n := emu.Writes(); n != writes {
		t.Errorf("the move sent %d writes", n-writes)
	}
	if now := emu.Members(emulator.DemoProjectID, emulator.DemoShareImageID); !slices.Equal(now, accepted) {
		t.Errorf("IMS holds %+v after the move, want %+v", now, accepted)
	}
	w.run("plan", "-detailed-exitcode", "-input=false", "-no-color")
}

// testModuleWithCLI runs the module's own `terraform test` (or `tofu
// test`), from the example folder as it is, against an emulator loaded
// with the folder's world.json, as the README tells module authors to.
func testModuleWithCLI(t *testing.T, folder string) {
	t.Helper()
	w := newCLIWorkspace(t)
	if minor := w.minorVersion(); minor >= 0 && minor < 6 {
		t.Skip("terraform test needs Terraform >= 1.6")
	}
	w.copyFolder(folder)
	emu := emulator.New()
	world, err := os.Open(filepath.Join(folder, "world.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = world.Close() }()
	if err := emu.LoadFixtures(world); err != nil {
		t.Fatal(err)
	}
	emu.Start()
	t.Cleanup(emu.Close)
	account := emu.Accounts()[0]
	t.Setenv("HW_IMS_ENDPOINT", emu.URL())
	t.Setenv("HW_AUTH_URL", emu.IAMURL())
	t.Setenv("HW_ACCESS_KEY", account.AccessKeys[0])
	t.Setenv("HW_SECRET_KEY", emu.SecretKey(account.AccessKeys[0]))
	out := w.run("test", "-no-color")
	if !strings.Contains(string(out), "1 passed, 0 failed") {
		t.Errorf("the module's test did not pass:\n%s", out)
	}
	if emu.Writes() == 0 {
		t.Error("the module's test wrote nothing to the emulator")
	}
	// terraform test destroys what it created: in one provider process
	// with the apply (Terraform >= 1.15), the create's claim must not keep
	// its own destroy from removing the members.
	for _, acct := range emu.Accounts() {
		for _, p := range acct.Projects {
			if ms := emu.Members(p, emulator.DemoShareImageID); len(ms) != 0 {
				t.Errorf("after terraform test's teardown, image %s is still shared with %v", emulator.DemoShareImageID, ms)
			}
		}
	}
}

// actionWithCLI applies the example folder (Terraform >= 1.14: actions),
// then, when addr is set, invokes action.<addr>, and checks that IMS got
// writes writes; a second invoke (or apply) writes nothing.
func actionWithCLI(t *testing.T, folder, addr string, emu *emulator.Server, writes int) {
	t.Helper()
	w := newCLIWorkspace(t)
	if w.minorVersion() < 14 {
		t.Skip("actions need Terraform >= 1.14 (OpenTofu has none)")
	}
	w.copyFolder(folder)
	run := func() {
		if addr == "" {
			w.run("apply", "-auto-approve", "-input=false", "-no-color")
		} else {
			w.invoke(addr)
		}
	}
	run()
	if n := emu.Writes(); n != writes {
		t.Errorf("the example wrote %d times to IMS, want %d", n, writes)
	}
	first := emu.Writes()
	run()
	if n := emu.Writes(); n != first {
		t.Errorf("running the example again wrote %d more times to IMS, want none", n-first)
	}
}

// expectDemoMembers fails the test unless the demo project's image is
// shared with exactly ids.
func expectDemoMembers(t *testing.T, emu *emulator.Server, imageID string, ids ...string) {
	t.Helper()
	var got []string
	for _, m := range emu.Members(emulator.DemoProjectID, imageID) {
		got = append(got, m.MemberID)
	}
	sort.Strings(got)
	want := slices.Clone(ids)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("image %s is shared with %v, want %v", imageID, got, want)
	}
}
