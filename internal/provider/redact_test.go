package provider

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

func TestRedact(t *testing.T) {
	secrets := []string{"sk-abc/123+xyz", "iamtok-0123456789", "sts-token"}
	for _, tc := range []struct{ in, want string }{
		{`{"headers":{"X-Auth-Token":["iamtok-0123456789"]}}`, `{"headers":{"X-Auth-Token":["[REDACTED]"]}}`},
		{"the key sk-abc/123+xyz leaked", "the key [REDACTED] leaked"},
		{"escaped sk-abc\\/123+xyz in JSON", "escaped [REDACTED] in JSON"},
		{"query sk-abc%2F123%2Bxyz in a URL", "query [REDACTED] in a URL"},
		{"Authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=0123abcdef",
			"Authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=[REDACTED]"},
		{`"X-Security-Token": "anything-unknown"`, `"X-Security-Token": "[REDACTED]"`},
		{"Authorization: Basic dXNlcjpwdw==", "Authorization: Basic [REDACTED]"},
		{"denied\x1b[2J\x1b[31m\nError: fake second line", "denied\nError: fake second line"},
		{"a \x1b]8;;https://evil.example\x07link\x1b]8;;\x07 and \x1b(B\x1b[0m end", "a link and  end"},
		{"carriage\rreturn\tand tab", "carriagereturn and tab"},
		{"bidi \u202eevil\u202c text", "bidi evil text"},
		{"sts\x00-token split by a NUL", "[REDACTED] split by a NUL"},
	} {
		if got := redact(tc.in, secrets); got != tc.want {
			t.Errorf("redact(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestRedactDiagnostics_keepsSeverityAndPath(t *testing.T) {
	var diags diag.Diagnostics
	diags.AddAttributeError(path.Root("endpoint"), "bad secret-1", "detail secret-1")
	diags.AddWarning("warn secret-1", "detail")
	out := redactDiagnostics(diags, []string{"secret-1"})
	if len(out) != 2 || out[0].Severity() != diag.SeverityError || out[1].Severity() != diag.SeverityWarning {
		t.Fatalf("got %v", out)
	}
	if wp, ok := out[0].(diag.DiagnosticWithPath); !ok || !wp.Path().Equal(path.Root("endpoint")) {
		t.Errorf("the attribute path was lost: %v", out[0])
	}
	for _, d := range out {
		if strings.Contains(d.Summary()+d.Detail(), "secret-1") {
			t.Errorf("secret kept in %q / %q", d.Summary(), d.Detail())
		}
	}
}

// FuzzRedact: whatever the text and the secrets, no secret (nor its JSON-
// or URL-escaped form) survives, and no control character but the line
// break passes.
func FuzzRedact(f *testing.F) {
	f.Add(`{"headers":{"X-Auth-Token":["tok"]}}`, "tok", "sk")
	f.Add("denied\x1b[2J\n", "**", "*")
	f.Add("aXaXa", "aXa", "Xa")
	f.Add("s\x00ecret", "secret", "")
	f.Add("[REDACTED]", "RED", "D]")
	f.Fuzz(func(t *testing.T, text, s1, s2 string) {
		secrets := []string{s1, s2}
		got := redact(text, secrets)
		for _, s := range secrets {
			if s == "" {
				continue
			}
			b, _ := json.Marshal(s)
			for _, form := range []string{s, string(b[1 : len(b)-1]), url.QueryEscape(s), url.PathEscape(s)} {
				if form != "" && strings.Contains(got, form) {
					t.Fatalf("redact(%q, %q) = %q still holds %q", text, secrets, got, form)
				}
			}
		}
		for _, r := range got {
			if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) {
				t.Fatalf("redact(%q) = %q holds control character %U", text, got, r)
			}
		}
	})
}
