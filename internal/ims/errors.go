package ims

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// APIError is a non-2xx answer from IMS, IAM or the API gateway in front of
// them.
type APIError struct {
	Method     string
	Path       string
	StatusCode int
	Status     string
	// Code and Message come from the body: IMS's {"error":{"code","message"}}
	// or the gateway's {"error_code","error_msg"}.
	Code    string
	Message string
	// RequestID is the X-Request-Id header, or the body's request_id.
	RequestID string
	// Snippet is the start of a body that had neither error shape.
	Snippet  string
	Attempts int
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: HTTP %s", e.Method, e.Path, e.Status)
	switch {
	case e.Code != "" && e.Message != "":
		fmt.Fprintf(&b, ", error %s: %s", e.Code, e.Message)
	case e.Code != "":
		fmt.Fprintf(&b, ", error %s", e.Code)
	case e.Message != "":
		fmt.Fprintf(&b, ": %s", e.Message)
	case e.Snippet != "":
		fmt.Fprintf(&b, ", body: %s", e.Snippet)
	default:
		b.WriteString(", empty body")
	}
	writeSuffix(&b, e.RequestID, e.Attempts)
	return b.String()
}

// DecodeError is a 2xx answer whose body could not be read as the expected
// JSON, even after retries.
type DecodeError struct {
	StatusCode int
	Status     string
	RequestID  string
	Snippet    string
	Attempts   int
	Err        error
}

func (e *DecodeError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %s with a body that is not the expected JSON (%v)", e.Status, e.Err)
	if e.Snippet != "" {
		fmt.Fprintf(&b, "; the body starts: %s", e.Snippet)
	} else {
		b.WriteString("; the body is empty")
	}
	writeSuffix(&b, e.RequestID, e.Attempts)
	return b.String()
}

func (e *DecodeError) Unwrap() error { return e.Err }

// RequestError is a request that got no usable HTTP answer: a transport
// failure after all retries, or a cancelled or expired context.
type RequestError struct {
	Method   string
	Path     string
	Attempts int
	// Last describes the outcome of the last attempt.
	Last string
	Err  error
}

func (e *RequestError) Error() string {
	what := describeTransportError(e.Err)
	switch {
	case errors.Is(e.Err, context.DeadlineExceeded):
		what = "the operation's time limit ran out"
	case errors.Is(e.Err, context.Canceled):
		what = "the request was cancelled"
	}
	msg := fmt.Sprintf("%s %s: %s after %d attempt%s", e.Method, e.Path, what, e.Attempts, plural(e.Attempts))
	if e.Last != "" && (errors.Is(e.Err, context.DeadlineExceeded) || errors.Is(e.Err, context.Canceled)) {
		msg += "; the last attempt got " + e.Last
	}
	return msg
}

func (e *RequestError) Unwrap() error { return e.Err }

// Timeout reports whether the request ran out of time (the whole read's
// budget, not a single attempt's).
func (e *RequestError) Timeout() bool { return errors.Is(e.Err, context.DeadlineExceeded) }

// TLS reports whether the failure was certificate verification.
func (e *RequestError) TLS() bool { return isCertError(e.Err) }

// BodyTooLargeError is a response larger than the client accepts.
type BodyTooLargeError struct{ Limit int64 }

func (e *BodyTooLargeError) Error() string {
	return fmt.Sprintf("the response body is larger than %d MiB", e.Limit>>20)
}

// PagingError is paging that would not end: a repeated marker, an empty
// page that names a next one, a page longer than asked for, or too many
// members in all.
type PagingError struct {
	ImageID string
	Marker  string
	Page    int
	Problem string
}

func (e *PagingError) Error() string {
	msg := fmt.Sprintf("paging the members of image %s stopped at page %d: %s", e.ImageID, e.Page, e.Problem)
	if e.Marker != "" {
		msg += fmt.Sprintf(" (next_marker %q)", snippet([]byte(e.Marker)))
	}
	return msg
}

// writeSuffix ends a message with the request id and the attempts made.
func writeSuffix(b *strings.Builder, requestID string, attempts int) {
	if requestID != "" {
		fmt.Fprintf(b, " (request id %s)", requestID)
	}
	if attempts > 1 {
		fmt.Fprintf(b, ", after %d attempts", attempts)
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func isCertError(err error) bool {
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var host x509.HostnameError
	var verify *tls.CertificateVerificationError
	return errors.As(err, &unknown) || errors.As(err, &invalid) || errors.As(err, &host) || errors.As(err, &verify)
}

// describeTransportError says what a transport failure was, in words a user
// can act on.
func describeTransportError(err error) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "Client.Timeout exceeded"):
		return "no complete response within request_timeout"
	case isCertError(err):
		return "TLS certificate verification failed: " + msg
	case strings.Contains(msg, "connection refused"):
		return "connection refused: " + msg
	case strings.Contains(msg, "proxyconnect"):
		return "the proxy failed: " + msg
	}
	return msg
}

// errorBody covers every error shape seen from IMS, IAM and the gateway.
type errorBody struct {
	Error *struct {
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
		Title   string          `json:"title"`
	} `json:"error"`
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
	RequestID string `json:"request_id"`
	// IMS task-style errors.
	Code    json.RawMessage `json:"code"`
	Message string          `json:"message"`
}

// decodeAPIError reads an error answer; a body in no known shape is quoted.
func decodeAPIError(resp *http.Response, body *cappedReader) *APIError {
	e := &APIError{StatusCode: resp.StatusCode, Status: resp.Status, RequestID: resp.Header.Get("X-Request-Id")}
	if resp.Request != nil {
		e.Method = resp.Request.Method
		e.Path = resp.Request.URL.Path
	}
	if e.Status == "" {
		e.Status = strconv.Itoa(resp.StatusCode) + " " + http.StatusText(resp.StatusCode)
	}
	raw, _ := io.ReadAll(io.LimitReader(body, 64<<10))
	parseErrorBody(raw, e)
	return e
}

func parseErrorBody(raw []byte, e *APIError) {
	var eb errorBody
	if len(bytes.TrimSpace(raw)) > 0 && json.Unmarshal(raw, &eb) == nil {
		switch {
		case eb.Error != nil:
			e.Code = rawString(eb.Error.Code)
			e.Message = eb.Error.Message
			if e.Message == "" {
				e.Message = eb.Error.Title
			}
		case eb.ErrorCode != "" || eb.ErrorMsg != "":
			e.Code, e.Message = eb.ErrorCode, eb.ErrorMsg
		case len(eb.Code) > 0 || eb.Message != "":
			e.Code, e.Message = rawString(eb.Code), eb.Message
		}
		if e.RequestID == "" {
			e.RequestID = eb.RequestID
		}
	}
	// Text from the server is shown to users: one line, no control bytes,
	// so that it cannot draw a fake second diagnostic or move the cursor.
	e.Code, e.Message, e.RequestID = oneLine(e.Code, 128), oneLine(e.Message, 1024), oneLine(e.RequestID, 128)
	if e.Code == "" && e.Message == "" {
		e.Snippet = snippet(raw)
	}
}

// rawString renders a JSON string or number (IAM uses numeric codes).
func rawString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// snippet is the start of a body on one line, safe to print.
func snippet(b []byte) string { return oneLine(string(b), snippetLen) }

// escapeSequence is a terminal escape sequence: CSI (ESC [ … final byte),
// OSC (ESC ] … BEL or ESC \\), character-set designations (ESC ( B) and
// two-byte escapes. Removed whole, so that
// a colour code leaves no "[31m" behind.
var escapeSequence = regexp.MustCompile(`\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -/]+[0-~]|\x1b[@-_]|\x9b[0-?]*[ -/]*[@-~]`)

// StripEscapes removes terminal escape sequences from text a server sent.
func StripEscapes(s string) string {
	if !strings.ContainsAny(s, "\x1b\u009b") {
		return s
	}
	return escapeSequence.ReplaceAllString(s, "")
}

// oneLine is text from a server made safe to print on one line: at most
// limit bytes, white space folded, control and invalid bytes shown as '?',
// "..." when cut.
func oneLine(s string, limit int) string {
	s = StripEscapes(s)
	cut := len(s) > limit
	if cut {
		s = s[:limit]
	}
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || (unicode.IsControl(r) && !unicode.IsSpace(r)) {
			return '?'
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if cut && s != "" {
		s += "..."
	}
	return s
}

// CodeImageNotFound is IMS's code for an image ID that does not exist
// ("The image ID in the request does not exist", HTTP 400 in the IMS
// error-code table; the members pages list 404 for the same case).
const CodeImageNotFound = "IMG.0027"

// NotFound says what a failed call on one image's own path means for that
// image.
type NotFound int

// The answers NotFoundOf tells apart.
const (
	// NotNotFound is any other failure: an error, never "gone".
	NotNotFound NotFound = iota
	// ImageGone is IMS's own image-not-found answer (IMG.0027, as 400 or
	// 404) on the image's own members path.
	ImageGone
	// Unconfirmed is a 404 on the image's own path that carries no IMS
	// code saying why: the caller confirms before it believes the image
	// is gone.
	Unconfirmed
)

// NotFoundOf classifies err for the image imageID. Only an answer on that
// image's own members path (the list, or one member) counts: a gateway code
// (APIGW.*, as a mistyped endpoint gets) or any other path is an error,
// whatever its status.
func NotFoundOf(err error, imageID string) NotFound {
	var e *APIError
	if !errors.As(err, &e) || imageID == "" || !strings.Contains(e.Path, "/cloudimages/"+imageID+"/members") {
		return NotNotFound
	}
	switch {
	case strings.HasPrefix(e.Code, "APIGW."):
		return NotNotFound
	case e.Code == CodeImageNotFound && (e.StatusCode == http.StatusNotFound || e.StatusCode == http.StatusBadRequest):
		return ImageGone
	case e.StatusCode == http.StatusNotFound:
		return Unconfirmed
	}
	return NotNotFound
}

// What an answer was, so that callers decide without HTTP details.

// Unauthorized reports a 401: the credentials were refused.
func (e *APIError) Unauthorized() bool { return e.StatusCode == http.StatusUnauthorized }

// Forbidden reports a 403: the caller may not do this.
func (e *APIError) Forbidden() bool { return e.StatusCode == http.StatusForbidden }

// Missing reports a 404 (of whatever kind: see NotFoundOf for an image).
func (e *APIError) Missing() bool { return e.StatusCode == http.StatusNotFound }

// BadRequest reports a 400.
func (e *APIError) BadRequest() bool { return e.StatusCode == http.StatusBadRequest }

// Throttled reports a 429.
func (e *APIError) Throttled() bool { return e.StatusCode == http.StatusTooManyRequests }

// ServerError reports a 5xx.
func (e *APIError) ServerError() bool { return e.StatusCode >= 500 }

// Gateway reports an answer of the API gateway (an APIGW.* code), not of
// IMS itself.
func (e *APIError) Gateway() bool { return strings.HasPrefix(e.Code, "APIGW.") }

// Write reports a request that changes something (anything but a GET).
func (e *APIError) Write() bool { return isWrite(e.Method) }

// Write reports a request that changes something (anything but a GET).
func (e *RequestError) Write() bool { return isWrite(e.Method) }

func isWrite(method string) bool { return method != "" && method != http.MethodGet }
