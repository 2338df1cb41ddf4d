// Package ims is a small client for Huawei Cloud's Image Management Service
// (and the one IAM call the provider needs). It knows REST paths, JSON,
// paging, retries and API errors, and nothing about Terraform.
package ims

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/net/http/httpproxy"

	"github.com/terraform-ims/terraform-provider-ims/internal/signer"
)

// Defaults, exported so that the provider can document them.
const (
	DefaultMaxRetries     = 5
	DefaultRetryWaitMin   = 500 * time.Millisecond
	DefaultRetryWaitMax   = 30 * time.Second
	DefaultRequestTimeout = 60 * time.Second
	DefaultMaxBodyBytes   = 32 << 20
	// DefaultPageSize is the largest page IMS serves: the fewest round trips.
	DefaultPageSize = 1000
	// maxIdleConnsPerHost covers Terraform's default parallelism of 10 with
	// some headroom, so concurrent reads reuse connections.
	maxIdleConnsPerHost = 16
)

// TransportOptions configure the one HTTP client a provider configuration
// shares between all of its reads.
type TransportOptions struct {
	Auth           signer.Authenticator
	Insecure       bool
	CACertPEM      []byte
	RequestTimeout time.Duration
}

// NewHTTPClient builds a pooled, keep-alive HTTP client that authenticates
// every request (each retry attempt is signed afresh), honours
// HTTPS_PROXY/NO_PROXY, verifies TLS 1.2+ certificates unless told otherwise,
// and never follows redirects (a redirect would carry signed credentials to
// another host).
func NewHTTPClient(o TransportOptions) (*http.Client, error) {
	if o.Auth == nil {
		return nil, errors.New("ims: no authenticator")
	}
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: o.Insecure} //nolint:gosec // Opt-in through the insecure argument.
	if len(o.CACertPEM) > 0 {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(o.CACertPEM) {
			return nil, errors.New("the CA bundle contains no PEM certificate")
		}
		tlsCfg.RootCAs = pool
	}
	// http.ProxyFromEnvironment reads the variables once per process;
	// reading them here honours the environment of each configuration.
	proxy := httpproxy.FromEnvironment().ProxyFunc()
	base := &http.Transport{
		Proxy:                 func(r *http.Request) (*url.URL, error) { return proxy(r.URL) },
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   maxIdleConnsPerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		TLSClientConfig:       tlsCfg,
	}
	timeout := o.RequestTimeout
	if timeout <= 0 {
		timeout = DefaultRequestTimeout
	}
	return &http.Client{
		Transport: &signer.Transport{Base: base, Auth: o.Auth},
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}, nil
}

// Attempt describes one HTTP attempt, for logging.
type Attempt struct {
	Method    string
	Path      string
	Attempt   int
	Status    int
	Duration  time.Duration
	RequestID string
	Err       error
}

// Page describes one fetched page, for logging.
type Page struct {
	ImageID string
	Page    int
	Count   int
	Total   int
	More    bool
}

// Config configures a Client. Zero values take the defaults above, except
// MaxRetries, where zero means no retry: use DefaultMaxRetries explicitly.
type Config struct {
	HTTPClient   *http.Client
	MaxRetries   int
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	MaxBodyBytes int64
	UserAgent    string
	// OnAttempt and OnPage, when set, observe every attempt and page.
	OnAttempt func(context.Context, Attempt)
	OnPage    func(context.Context, Page)
}

// Client calls IMS and IAM. It is safe for concurrent use.
type Client struct {
	cfg Config
}

// New returns a Client; cfg.HTTPClient is required.
func New(cfg Config) (*Client, error) {
	if cfg.HTTPClient == nil {
		return nil, errors.New("ims: HTTPClient is required")
	}
	if cfg.MaxRetries < 0 {
		return nil, fmt.Errorf("ims: MaxRetries must be at least 0, got %d", cfg.MaxRetries)
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = DefaultRetryWaitMin
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = DefaultRetryWaitMax
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	return &Client{cfg: cfg}, nil
}

// call is one logical request across its attempts. Its methods are the
// hooks go-retryablehttp calls.
type call struct {
	c            *Client
	ctx          context.Context
	method, path string
	decode       func(io.Reader) error
	// write marks a request that changes something: it is retried only
	// when IMS certainly did not act on it (see checkRetry).
	write    bool
	attempts int
	logged   int
	start    time.Time
	last     string
}

func (c *Client) observe(ctx context.Context, cl *call, resp *http.Response, err error) {
	if cl.logged >= cl.attempts {
		return
	}
	cl.logged = cl.attempts
	a := Attempt{Method: cl.method, Path: cl.path, Attempt: cl.attempts, Duration: time.Since(cl.start), Err: err}
	if resp != nil {
		a.Status = resp.StatusCode
		a.RequestID = resp.Header.Get("X-Request-Id")
		cl.last = fmt.Sprintf("HTTP %s", resp.Status)
	}
	if err != nil {
		cl.last = describeTransportError(err)
	}
	if c.cfg.OnAttempt != nil {
		c.cfg.OnAttempt(ctx, a)
	}
}

// getJSON sends a GET with retries and hands a 2xx body to decode, inside the
// retry loop, so that a truncated or garbled success body is retried like a
// 5xx. Non-2xx answers become *APIError.
func (c *Client) getJSON(ctx context.Context, u *url.URL, decode func(io.Reader) error) error {
	return c.send(ctx, http.MethodGet, u, "", nil, decode)
}

// HeaderProjectID names the caller's project for the APIs whose path has
// none (the sharing writes, the image list), as Huawei's SDKs send it.
const HeaderProjectID = "X-Project-Id"

// send sends one request with retries. body, when not nil, is sent as
// JSON, and makes the request a write (see checkRetry). projectID, when
// set, is sent as X-Project-Id.
func (c *Client) send(ctx context.Context, method string, u *url.URL, projectID string, body any, decode func(io.Reader) error) error {
	cl := &call{c: c, ctx: ctx, method: method, path: u.Path, decode: decode, write: method != http.MethodGet}
	retrier := &retryablehttp.Client{
		// Logger stays nil: attempts are reported through OnAttempt, in
		// the provider's structured log.
		HTTPClient:     c.cfg.HTTPClient,
		RetryMax:       c.cfg.MaxRetries,
		RetryWaitMin:   c.cfg.RetryWaitMin,
		RetryWaitMax:   c.cfg.RetryWaitMax,
		Backoff:        backoff,
		RequestLogHook: cl.started,
		CheckRetry:     cl.checkRetry,
		ErrorHandler:   cl.giveUp,
	}
	var payload any
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("ims: encoding request: %w", err)
		}
		payload = b
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, method, u.String(), payload)
	if err != nil {
		return fmt.Errorf("ims: building request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if projectID != "" {
		req.Header.Set(HeaderProjectID, projectID)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	req.SetResponseHandler(cl.handleResponse)
	resp, err := retrier.Do(req)
	if err != nil {
		var final *RequestError
		var apiErr *APIError
		var decErr *DecodeError
		if errors.As(err, &final) || errors.As(err, &apiErr) || errors.As(err, &decErr) {
			return err
		}
		// A cancelled context during the wait between attempts skips the
		// error handler; report it the same way.
		return c.finalError(ctx, cl, nil, err, cl.attempts)
	}
	_ = resp.Body.Close()
	return nil
}

// started marks the start of attempt i (from 0).
func (cl *call) started(_ retryablehttp.Logger, _ *http.Request, i int) {
	cl.attempts = i + 1
	cl.start = time.Now()
}

// checkRetry decides whether to try again: API errors and bodies over the
// cap are final (asking again would get the same answer); transport errors,
// 429, 5xx and unreadable 2xx bodies are retried. A write is retried only
// where IMS certainly did not act on it, so that repeating it cannot do
// harm: 429 and 503 (refused before any work) and a connection that could
// not be opened. A 500, a timeout or a broken connection after sending may
// have changed something: the caller reads IMS back instead.
func (cl *call) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	var apiErr *APIError
	var tooLarge *BodyTooLargeError
	if errors.As(err, &apiErr) || errors.As(err, &tooLarge) {
		return false, err
	}
	if cl.write {
		var opErr *net.OpError
		notSent := (resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable)) ||
			(err != nil && errors.As(err, &opErr) && opErr.Op == "dial")
		if !notSent {
			return false, err
		}
	}
	retry, checkErr := retryablehttp.ErrorPropagatedRetryPolicy(ctx, resp, err)
	if resp == nil || retry {
		cl.c.observe(ctx, cl, resp, err)
	}
	return retry, checkErr
}

// giveUp is the error of the last attempt, when retries run out.
func (cl *call) giveUp(resp *http.Response, err error, tries int) (*http.Response, error) {
	return nil, cl.c.finalError(cl.ctx, cl, resp, err, tries)
}

// handleResponse reads one answer: an error status becomes *APIError, a
// success body goes to the decoder, within the size cap.
func (cl *call) handleResponse(resp *http.Response) error {
	defer func() { _ = resp.Body.Close() }()
	body := &cappedReader{r: resp.Body, remaining: cl.c.cfg.MaxBodyBytes}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := decodeAPIError(resp, body)
		cl.c.observe(cl.ctx, cl, resp, nil)
		return apiErr
	}
	derr := cl.decode(body)
	if derr == nil && !body.exceeded {
		// Drain what the decoder left (at most the cap) so that the
		// connection goes back to the pool.
		_, derr = io.Copy(io.Discard, body)
	}
	if body.exceeded {
		derr = &BodyTooLargeError{Limit: cl.c.cfg.MaxBodyBytes}
	}
	cl.c.observe(cl.ctx, cl, resp, nil)
	if derr != nil {
		cl.last = fmt.Sprintf("HTTP %s with an unreadable body", resp.Status)
		return &DecodeError{StatusCode: resp.StatusCode, Status: resp.Status, Snippet: body.snippet(), Err: derr, RequestID: resp.Header.Get("X-Request-Id")}
	}
	return nil
}

// finalError turns the outcome of the last attempt into the error callers
// see, with the number of attempts made.
func (c *Client) finalError(ctx context.Context, cl *call, resp *http.Response, err error, tries int) error {
	if resp != nil {
		defer func() { _ = resp.Body.Close() }()
	}
	var apiErr *APIError
	var decErr *DecodeError
	switch {
	case errors.As(err, &apiErr):
		apiErr.Attempts = tries
		return apiErr
	case errors.As(err, &decErr) && (resp == nil || resp.StatusCode < 300):
		decErr.Attempts = tries
		return decErr
	case resp != nil && resp.StatusCode >= 300:
		// Retries ran out on a 5xx or 429: decode its body for the message.
		c.observe(ctx, cl, resp, nil)
		e := decodeAPIError(resp, &cappedReader{r: resp.Body, remaining: c.cfg.MaxBodyBytes})
		e.Attempts = tries
		return e
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		err = ctxErr
	}
	return &RequestError{Method: cl.method, Path: cl.path, Attempts: tries, Last: cl.last, Err: err}
}

// backoff is exponential with "equal jitter" (half fixed, half random), so
// that the readers of one plan that failed together do not retry together.
// A server-given Retry-After is honoured between the minimum and the
// maximum wait: "0" or a date in the past must not turn backoff off.
// go-retryablehttp's own backoffs are either unjittered (DefaultBackoff) or
// linear (LinearJitterBackoff), and its Retry-After parser is unexported and
// uncapped, so this part is written here.
func backoff(lo, hi time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(max(d, lo), hi)
		}
	}
	d := lo
	for i := 0; i < attempt && d < hi; i++ {
		d *= 2
	}
	d = min(d, hi)
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1)) //nolint:gosec // Jitter needs no cryptographic randomness.
}

// parseRetryAfter reads delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(time.Hour/time.Second) {
			secs = int64(time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// cappedReader reads at most remaining bytes and remembers the first bytes
// it saw, so that an unreadable body can be quoted in the error.
type cappedReader struct {
	r         io.Reader
	remaining int64
	exceeded  bool
	head      []byte
}

const snippetLen = 256

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.remaining <= 0 {
		// Probe one byte: a body of exactly the cap is fine.
		var one [1]byte
		if n, _ := c.r.Read(one[:]); n > 0 {
			c.exceeded = true
			return 0, errBodyTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > c.remaining {
		p = p[:c.remaining]
	}
	n, err := c.r.Read(p)
	c.remaining -= int64(n)
	if len(c.head) < snippetLen {
		c.head = append(c.head, p[:min(n, snippetLen-len(c.head))]...)
	}
	return n, err
}

func (c *cappedReader) snippet() string {
	return snippet(c.head)
}

var errBodyTooLarge = errors.New("response body exceeds the size limit")
