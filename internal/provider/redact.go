package provider

import (
	"encoding/json"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

// redactMask replaces a secret.
const redactMask = "[REDACTED]"

// authPatterns find credentials that no configuration names but a server
// may echo back: request signatures, and the values of the authentication
// headers, quoted or not.
var authPatterns = []*regexp.Regexp{
	regexp.MustCompile(`(?i)(signature=)[0-9a-f]+`),
	regexp.MustCompile(`(?i)((?:x-auth-token|x-security-token|x-subject-token)"?\s*[:=]\s*\[?\s*"?)[^",}\]\s]+`),
	regexp.MustCompile(`(?i)(authorization"?\s*[:=]\s*"?(?:basic|bearer)\s+)[A-Za-z0-9+/=._~-]+`),
}

// redact is the one function that every string from a server or a
// configuration passes through before it reaches a diagnostic or a log
// line. It removes control and format characters (terminal escapes,
// carriage returns, bidirectional overrides) but keeps line breaks, which
// the provider's own messages use (text from servers is already folded to
// one line by the client), and masks each secret, also in its JSON- and
// URL-escaped forms, and any signature or authentication header value.
func redact(s string, secrets []string) string {
	s = ims.StripEscapes(s)
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t':
			return ' '
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar:
			return -1
		}
		return r
	}, s)
	for _, p := range authPatterns {
		s = p.ReplaceAllString(s, "${1}"+redactMask)
	}
	variants := secretVariants(secrets)
	for _, v := range variants {
		s = strings.ReplaceAll(s, v, redactMask)
	}
	// A secret that the mask itself contains, or one that masking made
	// appear, is removed outright: removal always shortens the text, so
	// this ends.
	for again := true; again; {
		again = false
		for _, v := range variants {
			if strings.Contains(s, v) {
				s = strings.ReplaceAll(s, v, "")
				again = true
			}
		}
	}
	return s
}

// secretVariants are the secrets as given and as JSON or a URL would
// escape them, longest first, so that a secret containing another is masked
// whole.
func secretVariants(secrets []string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	for _, s := range secrets {
		add(s)
		if b, err := json.Marshal(s); err == nil {
			inner := string(b[1 : len(b)-1])
			add(inner)
			// Some servers escape the slash too.
			add(strings.ReplaceAll(inner, "/", `\/`))
		}
		add(url.QueryEscape(s))
		add(url.PathEscape(s))
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// redactDiagnostics returns diags with every summary and detail redacted,
// keeping severities and attribute paths.
func redactDiagnostics(diags diag.Diagnostics, secrets []string) diag.Diagnostics {
	if len(diags) == 0 {
		return diags
	}
	out := make(diag.Diagnostics, 0, len(diags))
	for _, d := range diags {
		summary, detail := redact(d.Summary(), secrets), redact(d.Detail(), secrets)
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			if d.Severity() == diag.SeverityWarning {
				out = append(out, diag.NewAttributeWarningDiagnostic(wp.Path(), summary, detail))
			} else {
				out = append(out, diag.NewAttributeErrorDiagnostic(wp.Path(), summary, detail))
			}
			continue
		}
		if d.Severity() == diag.SeverityWarning {
			out = append(out, diag.NewWarningDiagnostic(summary, detail))
		} else {
			out = append(out, diag.NewErrorDiagnostic(summary, detail))
		}
	}
	return out
}

// maxDisplayText bounds server text shown on one line (a list result's
// display name).
const maxDisplayText = 256

// displayText is server text (an image's name or owner) made fit for one
// line a user reads: redacted and control-free as every diagnostic, line
// breaks and runs of white space folded to one space, and bounded.
func displayText(s string, secrets []string) string {
	s = strings.Join(strings.Fields(redact(s, secrets)), " ")
	if r := []rune(s); len(r) > maxDisplayText {
		s = string(r[:maxDisplayText]) + "..."
	}
	return s
}
