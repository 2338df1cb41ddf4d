package emulator

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Proxy is an HTTPS forward proxy on loopback that answers every CONNECT
// itself: it terminates TLS with a certificate for the requested host, signed
// by its own CA, and serves the emulator behind it. Pointing HTTPS_PROXY at
// it lets a test use the real default endpoints
// (https://ims.{region}.myhuaweicloud.com) while no byte leaves loopback.
type Proxy struct {
	emu     *Server
	srv     *httptest.Server
	ca      *x509.Certificate
	caKey   *ecdsa.PrivateKey
	mu      sync.Mutex
	certs   map[string]*tls.Certificate
	hostsMu sync.Mutex
	hosts   map[string]int
}

// NewProxy starts a proxy in front of emu.
func NewProxy(emu *Server) (*Proxy, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "IMS emulator test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	ca, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	p := &Proxy{emu: emu, ca: ca, caKey: key, certs: map[string]*tls.Certificate{}, hosts: map[string]int{}}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	return p, nil
}

// URL is the proxy's address, for HTTPS_PROXY.
func (p *Proxy) URL() string { return p.srv.URL }

// CAPEM is the CA that signs the proxy's certificates, for cacert_file.
func (p *Proxy) CAPEM() []byte { return pemEncode(p.ca.Raw) }

// Hosts counts the CONNECT requests per target host.
func (p *Proxy) Hosts() map[string]int {
	p.hostsMu.Lock()
	defer p.hostsMu.Unlock()
	out := make(map[string]int, len(p.hosts))
	for k, v := range p.hosts {
		out[k] = v
	}
	return out
}

// Close stops the proxy.
func (p *Proxy) Close() { p.srv.Close() }

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodConnect {
		http.Error(w, "this proxy only tunnels HTTPS", http.StatusMethodNotAllowed)
		return
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(r.Host); err == nil {
		host = h
	}
	p.hostsMu.Lock()
	p.hosts[host]++
	p.hostsMu.Unlock()
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "cannot hijack", http.StatusInternalServerError)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	if _, err := conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n")); err != nil {
		_ = conn.Close()
		return
	}
	tlsConn := tls.Server(&bufferedConn{Conn: conn, r: buf.Reader}, &tls.Config{
		MinVersion: tls.VersionTLS12,
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			return p.certFor(host)
		},
	})
	// Serve HTTP on the tunnelled connection with the emulator's handler.
	srv := &http.Server{Handler: p.emu.srv.Config.Handler, ReadHeaderTimeout: 10 * time.Second}
	_ = srv.Serve(&oneConnListener{conn: tlsConn})
}

func (p *Proxy) certFor(host string) (*tls.Certificate, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.certs[host]; ok {
		return c, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: host},
		DNSNames:     []string{host},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, &key.PublicKey, p.caKey)
	if err != nil {
		return nil, err
	}
	c := &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	p.certs[host] = c
	return c, nil
}

// bufferedConn reads first what the hijack had already buffered.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(b []byte) (int, error) { return c.r.Read(b) }

// oneConnListener hands one connection to http.Server, then blocks until
// the connection is closed, so that Serve returns when the tunnel ends.
type oneConnListener struct {
	conn net.Conn
	once sync.Once
	done chan struct{}
	mu   sync.Mutex
}

func (l *oneConnListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	if l.done == nil {
		l.done = make(chan struct{})
	}
	done := l.done
	l.mu.Unlock()
	var c net.Conn
	l.once.Do(func() { c = &closeNotifyConn{Conn: l.conn, done: done} })
	if c != nil {
		return c, nil
	}
	<-done
	return nil, errors.New("tunnel closed")
}

func (l *oneConnListener) Close() error { return nil }

func (l *oneConnListener) Addr() net.Addr { return l.conn.LocalAddr() }

type closeNotifyConn struct {
	net.Conn
	done chan struct{}
	once sync.Once
}

func (c *closeNotifyConn) Close() error {
	c.once.Do(func() { close(c.done) })
	return c.Conn.Close()
}

// hostRegion returns the region of an ims.{region}.{cloud} or
// iam.{region}.{cloud} host name, or "" for any other host (127.0.0.1).
func hostRegion(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	parts := strings.SplitN(host, ".", 3)
	if len(parts) == 3 && (parts[0] == "ims" || parts[0] == "iam") {
		return parts[1]
	}
	return ""
}
