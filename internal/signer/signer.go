// Package signer implements Huawei Cloud's API Gateway request signing
// (SDK-HMAC-SHA256, "AK/SK authentication") and the IAM token header.
//
// It is written by hand because the only published implementation lives in
// Huawei's full SDK, which would pull hundreds of packages into the provider
// for about a hundred lines of HMAC code. The algorithm is pinned by the
// known-answer tests in signer_test.go.
package signer

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"
)

const (
	// Algorithm is the scheme name that starts the Authorization header.
	Algorithm = "SDK-HMAC-SHA256"
	// HeaderDate carries the signing time.
	HeaderDate = "X-Sdk-Date"
	// HeaderSecurityToken carries the session token of temporary credentials.
	HeaderSecurityToken = "X-Security-Token"
	// HeaderAuthToken carries an IAM token, used instead of a signature.
	HeaderAuthToken = "X-Auth-Token" //nolint:gosec // A header name, not a credential.
	// DateFormat is the layout of HeaderDate, always in UTC.
	DateFormat = "20060102T150405Z"
)

// emptyBodyHash is hex(sha256("")), the payload hash of every GET.
const emptyBodyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// Credentials are a permanent or temporary access key pair. SecurityToken is
// set only for temporary credentials.
type Credentials struct {
	AccessKey     string
	SecretKey     string
	SecurityToken string
}

// String never prints the secret parts, so credentials that end up in a
// formatted message or a log field cannot leak.
func (c Credentials) String() string {
	return fmt.Sprintf("Credentials{AccessKey: %q, SecretKey: <redacted>, SecurityToken: <redacted>}", c.AccessKey)
}

// GoString keeps %#v as safe as %v.
func (c Credentials) GoString() string { return c.String() }

// Authenticator adds authentication headers to an outgoing request.
type Authenticator interface {
	Authenticate(req *http.Request) error
}

// AKSK signs requests with an access key pair.
type AKSK struct {
	Credentials Credentials
	// Now returns the signing time; nil means time.Now. Tests set it to
	// reproduce known answers and to simulate clock skew.
	Now func() time.Time
}

var _ Authenticator = AKSK{}

// Authenticate sets X-Sdk-Date (and X-Security-Token for temporary
// credentials) and the Authorization header. Host, the date and the security
// token are always signed; Content-Type is signed when present.
func (s AKSK) Authenticate(req *http.Request) error {
	if s.Credentials.AccessKey == "" || s.Credentials.SecretKey == "" {
		return errors.New("signer: access key and secret key are required")
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	date := now().UTC().Format(DateFormat)
	req.Header.Set(HeaderDate, date)
	if s.Credentials.SecurityToken != "" {
		req.Header.Set(HeaderSecurityToken, s.Credentials.SecurityToken)
	}
	signed := []string{"host", "x-sdk-date"}
	if req.Header.Get("Content-Type") != "" {
		signed = append(signed, "content-type")
	}
	if s.Credentials.SecurityToken != "" {
		signed = append(signed, "x-security-token")
	}
	bodyHash, err := hashBody(req)
	if err != nil {
		return err
	}
	cr := CanonicalRequest(req, signed, bodyHash)
	sig := Signature(s.Credentials.SecretKey, StringToSign(cr, date))
	req.Header.Set("Authorization", AuthorizationHeader(s.Credentials.AccessKey, signed, sig))
	return nil
}

// Token authenticates with an IAM token instead of a signature.
type Token string

var _ Authenticator = Token("")

// Authenticate sets X-Auth-Token.
func (t Token) Authenticate(req *http.Request) error {
	if t == "" {
		return errors.New("signer: empty IAM token")
	}
	req.Header.Set(HeaderAuthToken, string(t))
	return nil
}

// hashBody returns hex(sha256(body)) without consuming the request body.
func hashBody(req *http.Request) (string, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return emptyBodyHash, nil
	}
	if req.GetBody == nil {
		return "", errors.New("signer: request body cannot be re-read for signing")
	}
	body, err := req.GetBody()
	if err != nil {
		return "", fmt.Errorf("signer: reading body: %w", err)
	}
	defer func() { _ = body.Close() }()
	h := sha256.New()
	if _, err := io.Copy(h, body); err != nil {
		return "", fmt.Errorf("signer: hashing body: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// HashHex is hex(sha256(b)).
func HashHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// CanonicalRequest builds
// METHOD\nURI\nQUERY\nHEADERS\nSIGNED\nBODYHASH for the given signed header
// names (any case; they are lower-cased and sorted here).
func CanonicalRequest(req *http.Request, signedHeaders []string, bodyHash string) string {
	names := normaliseNames(signedHeaders)
	var b strings.Builder
	b.WriteString(req.Method)
	b.WriteByte('\n')
	b.WriteString(CanonicalURI(req.URL.Path))
	b.WriteByte('\n')
	b.WriteString(CanonicalQuery(req.URL.Query()))
	b.WriteByte('\n')
	for _, name := range names {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(strings.TrimSpace(headerValue(req, name)))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(names, ";"))
	b.WriteByte('\n')
	b.WriteString(bodyHash)
	return b.String()
}

func normaliseNames(in []string) []string {
	out := make([]string, 0, len(in))
	for _, n := range in {
		out = append(out, strings.ToLower(strings.TrimSpace(n)))
	}
	sort.Strings(out)
	return out
}

func headerValue(req *http.Request, lowerName string) string {
	if lowerName == "host" {
		host := req.Host
		if host == "" {
			host = req.Header.Get("Host")
		}
		if host == "" {
			host = req.URL.Host
		}
		return sentHost(host)
	}
	return req.Header.Get(lowerName)
}

// sentHost is the host as net/http sends it: a non-ASCII (IDN) name in its
// punycode form, which is what the gateway sees and verifies.
func sentHost(host string) string {
	if ascii, err := httpguts.PunycodeHostPort(host); err == nil {
		return ascii
	}
	return host
}

// CanonicalURI escapes each segment of the decoded path and always ends
// with a slash, as the gateway does.
func CanonicalURI(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = Escape(s)
	}
	uri := strings.Join(segs, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	if !strings.HasPrefix(uri, "/") {
		uri = "/" + uri
	}
	return uri
}

// CanonicalQuery sorts keys and, within a key, values, and escapes both.
func CanonicalQuery(q map[string][]string) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vals := append([]string(nil), q[k]...)
		sort.Strings(vals)
		if len(vals) == 0 {
			vals = []string{""}
		}
		for _, v := range vals {
			parts = append(parts, Escape(k)+"="+Escape(v))
		}
	}
	return strings.Join(parts, "&")
}

// Escape percent-encodes every byte except A-Z a-z 0-9 _ - ~ . in upper case.
func Escape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') ||
			c == '_' || c == '-' || c == '~' || c == '.' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// StringToSign is Algorithm\nDATE\nhex(sha256(canonicalRequest)).
func StringToSign(canonicalRequest, date string) string {
	return Algorithm + "\n" + date + "\n" + HashHex([]byte(canonicalRequest))
}

// Signature is hex(HMAC-SHA256(secretKey, stringToSign)).
func Signature(secretKey, stringToSign string) string {
	m := hmac.New(sha256.New, []byte(secretKey))
	m.Write([]byte(stringToSign))
	return hex.EncodeToString(m.Sum(nil))
}

// AuthorizationHeader formats the Authorization header value.
func AuthorizationHeader(accessKey string, signedHeaders []string, signature string) string {
	return fmt.Sprintf("%s Access=%s, SignedHeaders=%s, Signature=%s",
		Algorithm, accessKey, strings.Join(normaliseNames(signedHeaders), ";"), signature)
}

// Authorization is a parsed Authorization header.
type Authorization struct {
	AccessKey     string
	SignedHeaders []string
	Signature     string
}

// ParseAuthorization parses an SDK-HMAC-SHA256 Authorization header.
func ParseAuthorization(h string) (Authorization, error) {
	var a Authorization
	rest, ok := strings.CutPrefix(h, Algorithm+" ")
	if !ok {
		return a, fmt.Errorf("authorization scheme is not %s", Algorithm)
	}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return a, errors.New("malformed authorization header")
		}
		switch k {
		case "Access":
			a.AccessKey = v
		case "SignedHeaders":
			a.SignedHeaders = strings.Split(v, ";")
		case "Signature":
			a.Signature = v
		}
	}
	if a.AccessKey == "" || len(a.SignedHeaders) == 0 || a.Signature == "" {
		return a, errors.New("authorization header lacks Access, SignedHeaders or Signature")
	}
	return a, nil
}

// Verify recomputes the signature of a received request with secretKey and
// reports whether it matches; it is what the emulator's gateway does.
func Verify(req *http.Request, auth Authorization, secretKey string, body []byte) bool {
	cr := CanonicalRequest(req, auth.SignedHeaders, HashHex(body))
	want := Signature(secretKey, StringToSign(cr, req.Header.Get(HeaderDate)))
	return hmac.Equal([]byte(want), []byte(auth.Signature))
}

// Transport authenticates every request it sends, so each retry attempt is
// signed afresh with a new X-Sdk-Date.
type Transport struct {
	Base http.RoundTripper
	Auth Authenticator
}

// RoundTrip clones the request (a RoundTripper must not modify its input)
// and authenticates the clone.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	clone := req.Clone(req.Context())
	if err := t.Auth.Authenticate(clone); err != nil {
		return nil, err
	}
	return t.Base.RoundTrip(clone)
}
