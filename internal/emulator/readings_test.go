package emulator

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
)

// asRecipient sends a request as the demo's recipient, signed as the
// official provider signs.
func asRecipient(t *testing.T, emu *Server, path string) (int, []byte) {
	t.Helper()
	resp, b := officialRequest{method: http.MethodGet, url: emu.URL() + path, ak: DemoRecipientAccessKey, sk: DemoRecipientSecretKey,
		projectID: DemoAllowedProjects[0]}.send(t)
	return resp.StatusCode, b
}

// TestReadingRecipientMembers: what the recipient gets from the members
// list of images shared with it, under each reading.
func TestReadingRecipientMembers(t *testing.T) {
	emu := startDemo(t)
	path := func(image string) string {
		return "/v1/" + DemoAllowedProjects[0] + "/cloudimages/" + image + "/members"
	}
	count := func(b []byte) []string {
		var out struct {
			Members []Member `json:"members"`
		}
		_ = json.Unmarshal(b, &out)
		var ids []string
		for _, m := range out.Members {
			ids = append(ids, m.MemberID)
		}
		return ids
	}
	for _, tc := range []struct {
		reading RecipientMembersReading
		status  int
		golden  []string
	}{
		{RecipientMembersNotFound, http.StatusNotFound, nil},
		{RecipientMembersOwn, http.StatusOK, []string{DemoAllowedProjects[0]}},
		{RecipientMembersAll, http.StatusOK, DemoAllowedProjects},
		{RecipientMembersForbidden, http.StatusForbidden, nil},
	} {
		emu.SetReadings(Readings{RecipientMembers: tc.reading})
		status, b := asRecipient(t, emu, path(DemoGoldenImageID))
		if status != tc.status || !slices.Equal(count(b), tc.golden) {
			t.Errorf("reading %d: HTTP %d, members %v, want %d and %v: %s", tc.reading, status, count(b), tc.status, tc.golden, b)
		}
		// An image not shared with the recipient is not found, whatever
		// the reading.
		if status, _ := asRecipient(t, emu, path(DemoImageID)); status != http.StatusNotFound {
			t.Errorf("reading %d, an image not shared with it: HTTP %d, want 404", tc.reading, status)
		}
	}
}

// TestReadingPendingShares: a pending share is in the recipient's
// __imagetype=shared list by default, and only when asked for with
// HidePendingShares.
func TestReadingPendingShares(t *testing.T) {
	emu := startDemo(t)
	list := func(query string) []string {
		status, b := asRecipient(t, emu, "/v2/cloudimages?"+query)
		var out struct {
			Images []struct {
				ID string `json:"id"`
			} `json:"images"`
		}
		if err := json.Unmarshal(b, &out); err != nil || status != http.StatusOK {
			t.Fatalf("%s: HTTP %d: %s", query, status, b)
		}
		var ids []string
		for _, img := range out.Images {
			ids = append(ids, img.ID)
		}
		return ids
	}
	shared := "__imagetype=shared&sort_key=id"
	if got, want := list(shared), []string{DemoGoldenImageID, DemoOfferedImageID}; !slices.Equal(got, want) {
		t.Errorf("default: %v, want %v", got, want)
	}
	emu.SetReadings(Readings{HidePendingShares: true})
	if got, want := list(shared), []string{DemoGoldenImageID}; !slices.Equal(got, want) {
		t.Errorf("HidePendingShares: %v, want %v", got, want)
	}
	if got, want := list("visibility=shared&member_status=pending"), []string{DemoOfferedImageID}; !slices.Equal(got, want) {
		t.Errorf("HidePendingShares, asked for pending: %v, want %v", got, want)
	}
}
