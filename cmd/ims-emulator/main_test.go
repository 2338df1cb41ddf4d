package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
	"github.com/terraform-ims/terraform-provider-ims/internal/signer"
)

const fixtures = `{
  "accounts": [
    {"domain_id": "d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1",
     "keys": [{"access_key": "MODULEAK", "secret_key": "module-sk"}],
     "projects": [{"id": "0a1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d", "region": "eu-west-101"}]},
    {"domain_id": "d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2",
     "keys": [{"access_key": "PARTNERAK", "secret_key": "partner-sk"}],
     "projects": [{"id": "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a", "region": "eu-west-101"}]}
  ],
  "images": [
    {"id": "370befec-a369-475e-a224-44a45927a8fe", "owner_project": "0a1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d",
     "members": [{"member_id": "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a", "member_type": "project", "status": "accepted"}]}
  ]
}`

func TestRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "[::]:0", "10.1.2.3:8080", ":8080"} {
		err := run([]string{"-addr", addr}, &bytes.Buffer{}, func() { t.Fatal("started on " + addr) })
		if err == nil || !strings.Contains(err.Error(), "not a loopback address") {
			t.Errorf("-addr %s: %v, want a refusal", addr, err)
		}
	}
}

func TestServesFixtures(t *testing.T) {
	path := filepath.Join(t.TempDir(), "world.json")
	if err := os.WriteFile(path, []byte(fixtures), 0o600); err != nil {
		t.Fatal(err)
	}
	envFile := filepath.Join(t.TempDir(), "env")
	var out bytes.Buffer
	err := run([]string{"-fixtures", path, "-env-file", envFile, "-job-delay", "600ms", "-fail-writes", "503"}, &out, func() {
		printed := out.String()
		for _, want := range []string{"serving " + path, "HW_IMS_ENDPOINT=http://127.0.0.1:", "account d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1: projects 0a1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d (eu-west-101)",
			"access keys MODULEAK", "account d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2"} {
			if !strings.Contains(printed, want) {
				t.Errorf("the start-up message lacks %q:\n%s", want, printed)
			}
		}
		if strings.Contains(printed, "module-sk") {
			t.Error("the start-up message prints a secret key")
		}
		env, err := os.ReadFile(envFile)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(env), "HW_REGION_NAME=eu-west-101") || !strings.Contains(string(env), "HW_ACCESS_KEY=MODULEAK") {
			t.Errorf("env file:\n%s", env)
		}
		endpoint := regexp.MustCompile(`HW_IMS_ENDPOINT=(\S+)`).FindStringSubmatch(printed)[1]
		hc, err := ims.NewHTTPClient(ims.TransportOptions{Auth: signer.AKSK{Credentials: signer.Credentials{AccessKey: "MODULEAK", SecretKey: "module-sk"}}})
		if err != nil {
			t.Fatal(err)
		}
		c, err := ims.New(ims.Config{HTTPClient: hc, MaxRetries: 2, RetryWaitMin: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		list, err := c.At(endpoint, "0a1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d").ListImageMembers(ctx, ims.ListImageMembersInput{ImageID: "370befec-a369-475e-a224-44a45927a8fe"})
		if err != nil || len(list.Members) != 1 || list.Members[0].Status != "accepted" {
			t.Fatalf("members of the fixture image: %+v, %v", list, err)
		}
		// The first write answers 503 (-fail-writes) and is retried; its
		// job takes -job-delay.
		job, err := c.At(endpoint, "").RemoveImageMembers(ctx, ims.ShareRequest{Images: []string{"370befec-a369-475e-a224-44a45927a8fe"}, Projects: []string{"5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"}})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if j, err := c.At(endpoint, "0a1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d").WaitJob(ctx, ims.JobInput{JobID: job}); err != nil || j.Status != ims.JobSuccess {
			t.Fatalf("job: %+v, %v", j, err)
		}
		if time.Since(start) < 300*time.Millisecond {
			t.Error("the job finished before -job-delay")
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRejectsBadFixtures(t *testing.T) {
	for name, body := range map[string]string{
		"unknown owner": `{"accounts":[{"domain_id":"d","keys":[],"projects":[{"id":"p","region":"r"}]}],"images":[{"id":"i","owner_project":"q"}]}`,
		"unknown field": `{"accounts":[],"imagez":[]}`,
		"bad status":    `{"accounts":[{"domain_id":"d","projects":[{"id":"p","region":"r"}]}],"images":[{"id":"i","owner_project":"p","members":[{"member_id":"m","member_type":"project","status":"approved"}]}]}`,
		"no projects":   `{"accounts":[{"domain_id":"d"}]}`,
		"not json":      `accounts:`,
	} {
		path := filepath.Join(t.TempDir(), "world.json")
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := run([]string{"-fixtures", path}, &bytes.Buffer{}, func() { t.Errorf("%s: started", name) }); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestEnvFileIsPrivate: -env-file writes a fresh file of mode 0600 (it
// holds a secret key) and never writes through a link planted next to it.
func TestEnvFileIsPrivate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "world.json")
	if err := os.WriteFile(path, []byte(fixtures), 0o600); err != nil {
		t.Fatal(err)
	}
	envFile := filepath.Join(dir, "env")
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("keep me\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, envFile+".tmp"); err != nil {
		t.Fatal(err)
	}
	err := run([]string{"-fixtures", path, "-env-file", envFile}, &bytes.Buffer{}, func() {})
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Lstat(envFile)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 || !info.Mode().IsRegular() {
		t.Errorf("env file mode %v, want a regular file of mode 0600", info.Mode())
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep me\n" {
		t.Errorf("the file behind the planted link was overwritten: %q", b)
	}
}

// TestAdminAndRecord: the -env-file holds the admin API's URL and token,
// which answer; -record writes each request served as a JSON line, without
// the secret key; the start-up message does not print the admin token.
func TestAdminAndRecord(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "world.json")
	if err := os.WriteFile(path, []byte(fixtures), 0o600); err != nil {
		t.Fatal(err)
	}
	envFile, recordFile := filepath.Join(dir, "env"), filepath.Join(dir, "requests.jsonl")
	var out bytes.Buffer
	err := run([]string{"-fixtures", path, "-env-file", envFile, "-record", recordFile}, &out, func() {
		env, err := os.ReadFile(envFile)
		if err != nil {
			t.Fatal(err)
		}
		vars := map[string]string{}
		for _, m := range regexp.MustCompile(`export (\w+)=(\S+)`).FindAllStringSubmatch(string(env), -1) {
			vars[m[1]] = m[2]
		}
		base, token := vars["IMS_EMULATOR_URL"], vars["IMS_EMULATOR_ADMIN_TOKEN"]
		if base == "" || len(token) < 32 {
			t.Fatalf("env file lacks the admin variables:\n%s", env)
		}
		if strings.Contains(out.String(), token) || !strings.Contains(out.String(), base+"/_emulator/") {
			t.Errorf("start-up message:\n%s", out.String())
		}
		req, _ := http.NewRequest(http.MethodPost, base+"/_emulator/faults", strings.NewReader(`{"operation": "add", "fault": "503", "times": 1}`))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Errorf("POST /_emulator/faults: HTTP %d", resp.StatusCode)
		}
		hc, err := ims.NewHTTPClient(ims.TransportOptions{Auth: signer.AKSK{Credentials: signer.Credentials{AccessKey: "MODULEAK", SecretKey: "module-sk"}}})
		if err != nil {
			t.Fatal(err)
		}
		c, err := ims.New(ims.Config{HTTPClient: hc, MaxRetries: 0})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.At(base, "").AddImageMembers(context.Background(), ims.ShareRequest{Images: []string{"370befec-a369-475e-a224-44a45927a8fe"}, Projects: []string{"5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"}})
		if err == nil {
			t.Error("the add answered despite the fault set through the admin API")
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(recordFile)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], `"operation":"add"`) || !strings.Contains(lines[0], `"status":503`) ||
		!strings.Contains(lines[0], `"access_key_id":"MODULEAK"`) || strings.Contains(string(b), "module-sk") {
		t.Errorf("recorded:\n%s", b)
	}
}
