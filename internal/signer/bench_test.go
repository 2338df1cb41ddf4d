package signer

import (
	"net/http"
	"testing"
)

func BenchmarkSign(b *testing.B) {
	s := AKSK{Credentials: Credentials{AccessKey: "QTWAOYTTINDUT2QVKYUC", SecretKey: "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"}}
	req, err := http.NewRequest("GET", "https://ims.cn-north-4.myhuaweicloud.com/v1/0a1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d/cloudimages/370befec-a369-475e-a224-44a45927a8fe/members?limit=1000&marker=YWJjZGVm", nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Authenticate(req); err != nil {
			b.Fatal(err)
		}
	}
}
