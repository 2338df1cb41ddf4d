package provider

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
		"module-output": {
			statecheck.ExpectKnownOutputValue("image_members_by_id", knownvalue.MapSizeExact(3)),
		},
		// Applied by applyWithCLI: see there.
		"for-each": nil,
		"filters": {
			statecheck.ExpectKnownOutputValue("pending_account_ids", idsCheck(pendingAccounts)),
			statecheck.ExpectKnownOutputValue("accepted_organization_urns", knownvalue.ListSizeExact(acceptedOrgs)),
		},
		"authentication/access-keys":           {statecheck.ExpectKnownOutputValue("member_ids", demoIDs)},
		"authentication/temporary-credentials": {statecheck.ExpectKnownOutputValue("member_ids", demoIDs)},
		"authentication/iam-token":             {statecheck.ExpectKnownOutputValue("member_ids", demoIDs)},
	}
	vars := map[string]map[string]string{
		"authentication/access-keys": {"TF_VAR_access_key": emulator.DemoAccessKey, "TF_VAR_secret_key": emulator.DemoSecretKey},
		"authentication/temporary-credentials": {"TF_VAR_access_key": emulator.DemoTempAccessKey, "TF_VAR_secret_key": emulator.DemoTempSecretKey,
			"TF_VAR_security_token": emulator.DemoSecurityToken},
		"authentication/iam-token": {"TF_VAR_iam_token": emulator.DemoIAMToken},
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
						ExpectNonEmptyPlan: name == "drift-check",
					}},
				})
			}
			if name != "provider" && emu.Requests() == 0 {
				t.Error("the example made no request to the emulator")
			}
		})
	}
}

// requiredProvider matches the required_providers entry every example
// folder declares.
var requiredProvider = regexp.MustCompile(`(?s)required_providers\s*\{\s*ims\s*=\s*\{\s*source\s*=\s*"` +
	regexp.QuoteMeta(devcli.Source) + `"\s*version\s*=\s*"[^"]+"`)

// applyWithCLI builds the provider, applies config with the CLI of the test
// run (TF_ACC_TERRAFORM_PATH) through a dev override, and returns the
// outputs' values as JSON.
func applyWithCLI(t *testing.T, config string) map[string]json.RawMessage {
	t.Helper()
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		var err error
		if cli, err = exec.LookPath("terraform"); err != nil {
			t.Fatal("no CLI: set TF_ACC_TERRAFORM_PATH (make test does)")
		}
	}
	dir := t.TempDir()
	plugins := filepath.Join(dir, "plugins")
	build := exec.Command("go", "build", "-o", filepath.Join(plugins, "terraform-provider-ims"), "../..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	work := filepath.Join(dir, "config")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := devcli.WriteConfig(filepath.Join(dir, "cli.tfrc"), cli, plugins); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) []byte {
		cmd := exec.Command(cli, append([]string{"-chdir=" + work}, args...)...)
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+filepath.Join(dir, "cli.tfrc"), "TF_IN_AUTOMATION=1")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s %v: %v\n%s%s", filepath.Base(cli), args, err, stdout.String(), stderr.String())
		}
		return stdout.Bytes()
	}
	run("apply", "-auto-approve", "-input=false", "-no-color")
	var outputs map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(run("output", "-json"), &outputs); err != nil {
		t.Fatal(err)
	}
	values := map[string]json.RawMessage{}
	for k, v := range outputs {
		values[k] = v.Value
	}
	return values
}
