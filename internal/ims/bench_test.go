package ims

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

// BenchmarkDecodeMembersPage decodes one full page of 1,000 members.
func BenchmarkDecodeMembersPage(b *testing.B) {
	body, err := json.Marshal(map[string]any{
		"members":   emulator.GenerateMembers(testImage, 1000),
		"schema":    "/v2/schemas/members",
		"page_info": map[string]any{"next_marker": "YWJj", "current_count": 1000},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var page MembersPage
		if err := decodeMembersPage(bytes.NewReader(body), &page); err != nil || len(*page.Members) != 1000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkListImageMembers reads 10,000 members (ten pages) from the
// emulator on loopback: signing, HTTP, decoding and paging together.
func BenchmarkListImageMembers(b *testing.B) {
	emu := newEmulator(b, emulator.GenerateMembers(testImage, 10000))
	c := newTestClient(b, 0)
	in := ListImageMembersInput{ImageID: testImage}
	p := c.At(emu.URL(), testProject)
	b.ReportAllocs()
	for b.Loop() {
		list, err := p.ListImageMembers(context.Background(), in)
		if err != nil || len(list.Members) != 10000 || list.Pages != 10 {
			b.Fatalf("err = %v", err)
		}
	}
	b.ReportMetric(float64(emu.ImageRequests(testImage))/float64(b.N), "requests/op")
}
